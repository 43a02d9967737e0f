#!/usr/bin/env node
// Bundles the tsc-built CLI (dist/cli.js) and everything it imports, pino included, into
// that one file. Node then loads one module instead of ~80 ESM files and ~30 CommonJS
// files, which roughly halves the time from spawn to the first answered request
// (see bench/ startup). The library entry (dist/index.js) stays unbundled.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/cli.js'],
  outfile: 'dist/cli.js',
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
  // pino and its helpers are CommonJS and call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __kafkaliteCreateRequire } from 'node:module';\nconst require = __kafkaliteCreateRequire(import.meta.url);" },
});
