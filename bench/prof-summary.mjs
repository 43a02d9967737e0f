#!/usr/bin/env node
// Summarizes a V8 .cpuprofile (from `node --cpu-prof`, e.g. `node bench/run.js produce --profile`):
// top functions by self time and by inclusive time, with file:line.
// Usage: node bench/prof-summary.mjs <file.cpuprofile> [--top 25] [--filter dist/]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
if (!file) {
  process.stderr.write('usage: node bench/prof-summary.mjs <file.cpuprofile> [--top N] [--filter substring]\n');
  process.exit(2);
}
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const top = Number(opt('top', '25'));
const filter = opt('filter', '');

const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Self time per node from samples × time deltas (µs).
const self = new Map();
let total = 0;
for (let i = 0; i < prof.samples.length; i++) {
  const dt = prof.timeDeltas[i] ?? 0;
  self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + dt);
  total += dt;
}

const cwd = process.cwd();
function keyOf(n) {
  const cf = n.callFrame;
  const name = cf.functionName || '(anonymous)';
  if (!cf.url) return name;
  let url = cf.url.replace(/^file:\/\//, '');
  if (url.startsWith('/')) url = relative(cwd, url);
  return `${name}  ${url}:${cf.lineNumber + 1}`;
}

const selfBy = new Map();
const inclBy = new Map();
for (const n of prof.nodes) {
  const t = self.get(n.id) ?? 0;
  if (t === 0) continue;
  const k = keyOf(n);
  selfBy.set(k, (selfBy.get(k) ?? 0) + t);
  // Inclusive: credit every distinct function on the stack once.
  const seen = new Set();
  for (let id = n.id; id !== undefined; id = parent.get(id)) {
    const kk = keyOf(byId.get(id));
    if (seen.has(kk)) continue;
    seen.add(kk);
    inclBy.set(kk, (inclBy.get(kk) ?? 0) + t);
  }
}

const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
const ms = (t) => `${(t / 1000).toFixed(0).padStart(6)} ms`;
function print(title, map) {
  process.stdout.write(`\n${title}\n`);
  const rows = [...map.entries()].filter(([k]) => !filter || k.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [k, t] of rows) process.stdout.write(`${pct(t)} ${ms(t)}  ${k}\n`);
}
process.stdout.write(`${file}: ${(total / 1000).toFixed(0)} ms sampled\n`);
print('Self time', selfBy);
print('Inclusive time', inclBy);
