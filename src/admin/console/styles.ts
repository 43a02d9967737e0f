/**
 * The web console stylesheet (/console/app.css).
 * Served as is (no build step). Kept as a TypeScript string so that tsc and the
 * esbuild-bundled dist/cli.js carry it without copying asset files: write it
 * without backticks and without dollar-brace sequences, in ASCII (entities or
 * escapes: the CLI bundle must be ASCII, scripts/bundle-cli.mjs).
 */
export const CONSOLE_CSS = String.raw`:root {
  --bg: #f5f6f8;
  --panel: #ffffff;
  --text: #1d2330;
  --muted: #6b7385;
  --line: #e2e5eb;
  --head: #161b26;
  --head-text: #e8ebf2;
  --accent: #3b63d9;
  --accent-soft: #e6ecfc;
  --ok: #1d8a4e;
  --ok-soft: #e3f4ea;
  --warn: #b25e00;
  --warn-soft: #fdf0de;
  --bad: #c0362c;
  --bad-soft: #fbe7e5;
  --code-bg: #f3f4f7;
  --radius: 8px;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace;
  color-scheme: light;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #12151c;
    --panel: #1a1f29;
    --text: #dde2ec;
    --muted: #8d95a8;
    --line: #2b3240;
    --head: #0c0f14;
    --accent: #7b9cff;
    --accent-soft: #222c48;
    --ok: #5cc98b;
    --ok-soft: #17301f;
    --warn: #f0a64a;
    --warn-soft: #352611;
    --bad: #ff7a70;
    --bad-soft: #3a1b19;
    --code-bg: #141820;
    color-scheme: dark;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0;
  background: var(--bg);
  color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
}
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre, .mono { font-family: var(--mono); font-size: 12.5px; }
h1 { font-size: 20px; margin: 0; font-weight: 650; overflow-wrap: anywhere; }
h2 { font-size: 15px; margin: 0 0 10px; font-weight: 620; }

/* Header */
.top {
  display: flex; align-items: center; gap: 8px 20px; flex-wrap: wrap;
  padding: 10px 24px; background: var(--head); color: var(--head-text);
  position: sticky; top: 0; z-index: 5;
}
.brand { color: #fff; font-weight: 700; font-size: 16px; letter-spacing: .2px; display: flex; align-items: center; gap: 8px; }
.brand:hover { text-decoration: none; }
.logo { width: 18px; height: 18px; border-radius: 5px; background: linear-gradient(135deg, #5b82ff, #33c3a8); display: inline-block; }
.top nav { display: flex; gap: 4px; }
.top nav a { color: #b9c0d0; padding: 6px 10px; border-radius: 6px; }
.top nav a:hover { color: #fff; background: rgba(255,255,255,.08); text-decoration: none; }
.top nav a.active { color: #fff; background: rgba(255,255,255,.14); }
.broker { display: flex; gap: 4px 14px; flex-wrap: wrap; font-size: 12.5px; color: #b9c0d0; margin-left: auto; }
.broker code { color: #e8ebf2; background: none; }
.kv .k { color: var(--muted); margin-right: 5px; }
.top .kv .k { color: #7f889c; }
.live { font-size: 12px; padding: 2px 9px; border-radius: 99px; white-space: nowrap; }
.live::before { content: ''; display: inline-block; width: 7px; height: 7px; border-radius: 50%; margin-right: 6px; vertical-align: 1px; background: currentColor; }
.live.on { color: #6fe0a0; background: rgba(111,224,160,.12); }
.live.off { color: #ffb46b; background: rgba(255,180,107,.12); }

/* Layout */
main { max-width: 1400px; margin: 0 auto; padding: 20px 24px 48px; }
.view > * + * { margin-top: 14px; }
.page-head { display: flex; align-items: center; gap: 6px 14px; flex-wrap: wrap; }
.page-head .back { font-size: 13px; }
.spacer { flex: 1; }
.meta { display: flex; gap: 6px 18px; flex-wrap: wrap; color: var(--text); font-size: 13px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 14px 16px; min-width: 0; }
.split { display: grid; grid-template-columns: minmax(0, 1fr) 360px; gap: 14px; align-items: start; }
.split > .card { margin: 0; }
.producer { position: sticky; top: 62px; }
@media (max-width: 980px) {
  .split { grid-template-columns: minmax(0, 1fr); }
  .producer { position: static; }
}

/* Tables */
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: var(--radius); background: var(--panel); }
.card .table-wrap { border: none; border-radius: 0; margin: 0 -16px -14px; }
table { width: 100%; border-collapse: collapse; }
th, td { padding: 8px 12px; text-align: left; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; background: var(--panel); white-space: nowrap; }
tbody tr:last-child td { border-bottom: none; }
tbody tr:hover td { background: var(--accent-soft); }
tr.empty td, tr.empty:hover td { color: var(--muted); text-align: center; padding: 22px; background: none; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td .badge { margin-left: 8px; }
td .badge:first-child { margin-left: 0; }
.lag-behind { color: var(--warn); font-weight: 650; }
.lag-zero { color: var(--ok); }
tr.override td { background: var(--accent-soft); }
.cfg-value { font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; }
.topic-link, .group-link { font-weight: 560; overflow-wrap: break-word; word-break: normal; }

/* Controls */
.toolbar { display: flex; gap: 8px 10px; flex-wrap: wrap; align-items: center; }
input, select, textarea, .btn {
  font: inherit; color: var(--text); background: var(--panel);
  border: 1px solid var(--line); border-radius: 6px; padding: 6px 9px;
}
input:focus, select:focus, textarea:focus { outline: 2px solid var(--accent-soft); border-color: var(--accent); }
textarea { font-family: var(--mono); font-size: 12.5px; resize: vertical; width: 100%; }
.filter { min-width: 220px; flex: 0 1 320px; }
.check { display: inline-flex; align-items: center; gap: 4px; color: var(--muted); white-space: nowrap; }
.check input { margin: 0; }
.btn { cursor: pointer; background: var(--panel); }
.btn:hover { border-color: var(--accent); color: var(--accent); }
.btn:disabled { opacity: .6; cursor: default; }
.btn.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
.btn.primary:hover { filter: brightness(1.08); color: #fff; }
.form-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 10px 12px; }
.form-grid label { display: flex; flex-direction: column; gap: 4px; min-width: 0; }
.form-grid label > span { font-size: 12px; color: var(--muted); }
.form-grid label.check { flex-direction: row; }
.form-grid .wide { grid-column: 1 / -1; }
.form-grid input, .form-grid select { width: 100%; }
.form-grid input[type=checkbox] { width: auto; }
.form-card .form-grid { grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); max-width: 720px; }
.actions { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.status { font-size: 13px; }
.status-ok { color: var(--ok); }
.status-error { color: var(--bad); }
.error { background: var(--bad-soft); color: var(--bad); border-radius: 6px; padding: 8px 12px; overflow-wrap: anywhere; }

/* Badges and stats */
.badge { display: inline-block; font-size: 11.5px; line-height: 1.5; padding: 0 7px; border-radius: 99px; background: var(--code-bg); color: var(--muted); white-space: nowrap; font-weight: 550; }
.badge-ok { background: var(--ok-soft); color: var(--ok); }
.badge-warn { background: var(--warn-soft); color: var(--warn); }
.badge-bad { background: var(--bad-soft); color: var(--bad); }
.badge-accent { background: var(--accent-soft); color: var(--accent); }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; }
.stat { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 10px 14px; }
.stat-label { font-size: 12px; color: var(--muted); }
.stat-value { font-size: 18px; font-weight: 620; margin-top: 2px; overflow-wrap: anywhere; }
.stat-warn .stat-value { color: var(--warn); }
.stat-ok .stat-value { color: var(--ok); }
.member-id { overflow-wrap: anywhere; }

/* Messages */
.browse { margin-bottom: 8px; }
.pager { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; margin: 6px 0 8px; }
.messages { display: flex; flex-direction: column; gap: 8px; }
.empty-msgs { color: var(--muted); padding: 22px; text-align: center; border: 1px dashed var(--line); border-radius: var(--radius); }
.msg {
  display: grid; grid-template-columns: 210px minmax(0, 1fr); gap: 4px 14px;
  border: 1px solid var(--line); border-radius: var(--radius); padding: 10px 12px; background: var(--panel);
}
.msg.fresh { border-color: var(--accent); box-shadow: 0 0 0 2px var(--accent-soft); }
.msg.is-aborted { opacity: .65; }
.msg-side { display: flex; flex-direction: column; gap: 2px; font-size: 12.5px; min-width: 0; }
.msg-side .k { color: var(--muted); }
.msg-time { color: var(--muted); font-variant-numeric: tabular-nums; }
.msg-key code { overflow-wrap: anywhere; }
.msg-key code.v-hex { white-space: pre; display: block; overflow-x: auto; font-size: 11px; }
.flags { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 4px; }
.flags .badge { margin: 0; }
.msg-body { min-width: 0; }
.msg-value {
  margin: 0; padding: 8px 10px; background: var(--code-bg); border-radius: 6px;
  white-space: pre-wrap; overflow-wrap: anywhere; max-height: 320px; overflow: auto;
}
.msg-value.v-hex { white-space: pre; overflow-wrap: normal; }
.msg-value.v-json { color: var(--text); }
.v-null { color: var(--muted); font-style: italic; }
.note { color: var(--muted); font-style: italic; font-family: inherit; }
.headers { display: flex; flex-wrap: wrap; gap: 5px; margin-top: 6px; }
.header-chip { display: inline-flex; max-width: 100%; font-size: 12px; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
.header-chip .hk { background: var(--code-bg); padding: 1px 7px; color: var(--muted); font-weight: 550; }
.header-chip .hv { padding: 1px 7px; font-family: var(--mono); overflow-wrap: anywhere; white-space: pre-wrap; }
.msg-size { margin-top: 4px; text-align: right; }
details.configs summary { cursor: pointer; font-weight: 620; }
details.configs[open] summary { margin-bottom: 10px; }

@media (max-width: 640px) {
  .top { padding: 10px 14px; position: static; }
  .broker { margin-left: 0; width: 100%; }
  main { padding: 14px 12px 40px; }
  .msg { grid-template-columns: minmax(0, 1fr); }
  .msg-side { flex-direction: row; flex-wrap: wrap; gap: 2px 12px; }
  .form-grid, .form-card .form-grid { grid-template-columns: minmax(0, 1fr); }
  .filter { min-width: 0; flex: 1 1 100%; }
  th, td { padding: 7px 9px; }
  .hide-narrow { display: none; }
}
`;
