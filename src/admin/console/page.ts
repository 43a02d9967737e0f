/**
 * The web console page (src/admin/console-api.ts serves it at / and /console).
 * Served as is (no build step). Kept as a TypeScript string so that tsc and the
 * esbuild-bundled dist/cli.js carry it without copying asset files: write it
 * without backticks and without dollar-brace sequences, in ASCII (entities or
 * escapes: the CLI bundle must be ASCII, scripts/bundle-cli.mjs).
 */
export const CONSOLE_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kafkalite console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/app.css">
</head>
<body>
<header class="top">
  <a class="brand" href="#/topics"><span class="logo" aria-hidden="true"></span>kafkalite</a>
  <nav>
    <a href="#/topics" data-nav="topics">Topics</a>
    <a href="#/groups" data-nav="groups">Consumer groups</a>
  </nav>
  <div id="broker" class="broker"></div>
  <span id="live" class="live off">connecting&hellip;</span>
</header>
<main id="app"></main>
<noscript><p>The kafkalite console needs JavaScript. The JSON API is under <code>/api/</code>.</p></noscript>
<script type="module" src="/console/app.js"></script>
</body>
</html>
`;
