#!/usr/bin/env node
// Builds the `kafkalite` command from the tsc output (run after tsc, by `npm run build`):
//
//   dist/cli-bundle.cjs        dist/cli.js (src/cli.ts) and everything it imports, pino
//                              included, in one CommonJS file (+ .map): one file to read
//                              instead of ~150 ESM and CommonJS modules to resolve.
//   dist/cli-bundle.cjs.cache  V8's code cache for it: the bytecode of every function a
//                              start-up and its first requests run, from one training run
//                              of the broker below. Compiling the ~1 MB bundle costs
//                              ~20 ms; deserializing the cache ~5 ms, and the functions in
//                              it need no lazy compilation later.
//   dist/cli.js                the bin: a small loader that compiles the bundle with
//                              vm.Script and the cache (scripts/cli-loader.mjs).
//
// Node 20 has no module.enableCompileCache (22.1+) and cannot give an ES module a code
// cache without --experimental-vm-modules, hence a CommonJS bundle run by vm.Script,
// which takes `cachedData`. A cache made by another Node version or with other V8 flags
// is rejected by V8, and the bundle is compiled as usual: only slower. The library entry
// (dist/index.js) stays unbundled.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const BUNDLE = join(DIST, 'cli-bundle.cjs');
const CACHE = `${BUNDLE}.cache`;
const CLI = join(DIST, 'cli.js');

/**
 * Node builtins the start-up does not need, loaded on their first use instead: node:crypto
 * (~2.5 ms; topic ids, SCRAM, group member ids) and node:tls (TLS listeners) from our
 * code, `assert` from pino's sonic-boom and thread-stream (used when closing). Each import
 * becomes a proxy whose first property access or call requires the real module (the
 * banner's __kafkaliteLazyRequire). Named imports and `require` only: a default or
 * namespace import would enumerate the proxy, so the build refuses one (below).
 */
const LAZY_BUILTINS = ['crypto', 'tls', 'assert'];
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: `kafkalite-lazy:node:${args.path.replace(/^node:/, '')}`, external: true }));
  },
};

// Runs first in the bundle. 'use strict' keeps the whole file strict, as the ES modules it
// comes from (esbuild's own directive comes after this banner, where it is not one).
const BANNER = `'use strict';
// A CommonJS module has no import.meta: the bundle's URL stands in (src/cli.ts reads ../package.json, the codecs resolve their packages from it).
var __kafkaliteImportMetaUrl = require('node:url').pathToFileURL(__filename).href;
require = __kafkaliteLazyRequire(require);
function __kafkaliteLazyRequire(req) {
  const lazy = new Map();
  const proxyOf = (id) => {
    let mod;
    const load = () => (mod ??= req(id));
    return new Proxy(function () {}, { get: (_, key) => load()[key], has: (_, key) => key in load(), apply: (_, self, args) => Reflect.apply(load(), self, args) });
  };
  const wrapped = (id) => {
    if (typeof id !== 'string' || !id.startsWith('kafkalite-lazy:')) return req(id);
    const name = id.slice('kafkalite-lazy:'.length);
    let p = lazy.get(name);
    if (!p) lazy.set(name, (p = proxyOf(name)));
    return p;
  };
  return Object.assign(wrapped, req);
}
// esbuild's __toESM copies every export of a CommonJS module (node:fs has ~100) for each
// default or namespace import of it (18 in this bundle): one copy per module is enough
// (ES modules share one namespace object too).
function __kafkaliteMemoToESM(toESM) {
  const memo = new WeakMap();
  return (mod, isNodeMode, target) => {
    if (mod == null || (typeof mod !== 'object' && typeof mod !== 'function') || target !== undefined) return toESM(mod, isNodeMode, target);
    let byMode = memo.get(mod);
    if (!byMode) memo.set(mod, (byMode = []));
    const i = isNodeMode ? 1 : 0;
    return (byMode[i] ??= toESM(mod, isNodeMode));
  };
}`;

// The loader reads the build id from the bundle's first line and only uses a cache that
// starts with the same id: V8 itself only checks that the source length matches, and a
// one-character change to the code keeps the length.
const buildId = randomBytes(16).toString('hex');
const FIRST_LINE = `// kafkalite CLI bundle ${buildId}`;

const options = {
  entryPoints: [CLI],
  outfile: BUNDLE,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  write: false,
  logLevel: 'warning',
  plugins: [lazyBuiltins],
  define: { 'import.meta.url': '__kafkaliteImportMetaUrl' },
  banner: { js: `${FIRST_LINE}\n${BANNER}` },
};
const result = await build(options);
let code = result.outputFiles.find((f) => f.path === BUNDLE).text;
const map = JSON.parse(result.outputFiles.find((f) => f.path === `${BUNDLE}.map`).text);
// esbuild keeps the entry's hashbang as the first line, before the banner; vm.Script does not
// take one inside the wrapper. Drop that line, and its (empty) line in the map.
if (code.startsWith('#!')) {
  code = code.slice(code.indexOf('\n') + 1);
  map.mappings = map.mappings.slice(map.mappings.indexOf(';') + 1);
}
if (!code.startsWith(`${FIRST_LINE}\n`)) throw new Error('bundle-cli: unexpected first line in the bundle');
// The loader reads the bundle as latin1 (a one-byte string: half the memory of UTF-16, and
// faster to read than UTF-8), so it must be ASCII. esbuild escapes non-ASCII characters
// everywhere but in comments and raw templates (String.raw`…`, where an escape would change
// the value). The same bundle without comments tells which: if it is ASCII, every non-ASCII
// character here is in a comment, and '?' in its place changes nothing (nor any column).
if (/[^\x00-\x7f]/.test(code)) {
  const bare = (await build({ ...options, sourcemap: false, minifyWhitespace: true })).outputFiles.find((f) => f.path === BUNDLE).text;
  const i = bare.search(/[^\x00-\x7f]/);
  if (i >= 0) throw new Error(`bundle-cli: a non-ASCII character in a raw template; use \\u escapes or entities there: ${JSON.stringify(bare.slice(i - 60, i + 20))}`);
  code = code.replace(/[^\x00-\x7f]/g, '?');
}
for (const name of LAZY_BUILTINS) {
  if (code.includes(`__toESM(require("kafkalite-lazy:node:${name}")`)) {
    throw new Error(`bundle-cli: a default or namespace import of node:${name}, which is loaded lazily: import names from it ({ x } from 'node:${name}')`);
  }
}
// Memoize __toESM right after esbuild defines it, on the same line (the map stays valid).
const toEsm = /^var __toESM = [^]*?\n\)\);$/m.exec(code);
if (toEsm) {
  const at = toEsm.index + toEsm[0].length;
  code = `${code.slice(0, at)} __toESM = __kafkaliteMemoToESM(__toESM);${code.slice(at)}`;
} else {
  process.stderr.write("bundle-cli: esbuild's __toESM helper not found, not memoized (start-up ~1.5 ms slower)\n");
}

// Replace the files atomically: tests may start dist/cli.js while a build runs.
const writeAtomic = (file, data, mode = 0o644) => {
  writeFileSync(`${file}.${process.pid}.tmp`, data, { mode });
  renameSync(`${file}.${process.pid}.tmp`, file);
};
rmSync(CACHE, { force: true });
writeAtomic(`${BUNDLE}.map`, JSON.stringify(map));
writeAtomic(BUNDLE, code);
writeAtomic(CLI, readFileSync(join(ROOT, 'scripts', 'cli-loader.mjs')), 0o755);
rmSync(`${CLI}.map`, { force: true }); // tsc's map of src/cli.ts, which dist/cli.js no longer is

await makeCodeCache().catch((err) => {
  // Without a cache the CLI works as well, it only starts slower.
  rmSync(CACHE, { force: true });
  process.stderr.write(`bundle-cli: no code cache (${err.message}); the CLI works, but starts slower\n`);
});

/**
 * The training run: the CLI with the default log level, in memory, answering a client's
 * ApiVersions and Metadata, then SIGTERM; the loader writes the cache as the process exits
 * (KAFKALITE_WRITE_CODE_CACHE), with every function compiled by then.
 */
async function makeCodeCache() {
  const child = spawn(process.execPath, [CLI, '--port', '0', '--in-memory'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Without the builder's KAFKALITE_* settings (a fixed port, listeners, an admin port…).
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KAFKALITE_'))), KAFKALITE_WRITE_CODE_CACHE: buildId },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    const port = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d) => {
        out += d;
        const m = /ready on \S+:(\d+)\n/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      exited.then(({ code, signal }) => reject(new Error(`training broker exited (code ${code}, signal ${signal}): ${stderr}`)));
    });
    await askOnce(port);
    child.kill('SIGTERM');
    const { code } = await exited;
    if (code !== 0) throw new Error(`training broker exited with code ${code}: ${stderr}`);
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
  }
  if (!existsSync(CACHE)) throw new Error('the training run wrote no cache');
  const kib = (file) => `${(statSync(file).size / 1024).toFixed(0)} KiB`;
  process.stderr.write(`bundle-cli: dist/cli-bundle.cjs ${kib(BUNDLE)}, code cache ${kib(CACHE)}\n`);
}

/** ApiVersions v3, ApiVersions v0 and Metadata v12 (all topics), as clients start; resolves when all three are answered. */
function askOnce(port) {
  const clientId = Buffer.from('kafkalite-build');
  const frame = (apiKey, apiVersion, correlationId, flexible, body) => {
    const head = Buffer.alloc(14 + clientId.length + (flexible ? 1 : 0)); // a flexible header ends with no tagged fields (0)
    head.writeInt32BE(head.length - 4 + body.length, 0);
    head.writeInt16BE(apiKey, 4);
    head.writeInt16BE(apiVersion, 6);
    head.writeInt32BE(correlationId, 8);
    head.writeInt16BE(clientId.length, 12);
    clientId.copy(head, 14);
    return Buffer.concat([head, body]);
  };
  // client software name and version (compact strings), no tagged fields
  const apiVersionsV3 = frame(18, 3, 1, true, Buffer.concat([Buffer.from([clientId.length + 1]), clientId, Buffer.from([2, 0x30, 0])]));
  const apiVersionsV0 = frame(18, 0, 2, false, Buffer.alloc(0));
  // topics null (all), allowAutoTopicCreation, includeTopicAuthorizedOperations, no tagged fields
  const metadataV12 = frame(3, 12, 3, true, Buffer.from([0, 1, 0, 0]));
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let buf = Buffer.alloc(0);
    let answered = 0;
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        buf = buf.subarray(4 + buf.readInt32BE(0));
        if (++answered === 3) {
          socket.destroy();
          resolve();
        }
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection closed after ${answered} of 3 responses`)));
    socket.write(Buffer.concat([apiVersionsV3, apiVersionsV0, metadataV12]));
  });
}
