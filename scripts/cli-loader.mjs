#!/usr/bin/env node
// The `kafkalite` command (dist/cli.js, copied there by scripts/bundle-cli.mjs): runs the
// bundled CLI (dist/cli-bundle.cjs, a CommonJS module) as Node's own loader would, except
// that it is compiled with vm.Script and V8's code cache (dist/cli-bundle.cjs.cache) when
// there is a usable one: ~6 ms instead of ~20 ms, and no lazy compilation of the functions
// a start-up runs. With --enable-source-maps the bundle is require()d instead, so that
// stack traces name src/ files (Node 20 maps CommonJS modules, not vm.Script code).
import { createRequire } from 'node:module';

// Builtins through require: no ES module facades to build.
const require = createRequire(import.meta.url);
const file = `${import.meta.dirname}/cli-bundle.cjs`;

if (process.sourceMapsEnabled) {
  require(file);
} else {
  const { readFileSync, renameSync, writeFileSync } = require('node:fs');
  const { Script, constants } = require('node:vm');
  const cacheFile = `${file}.cache`;
  // The bundle is ASCII (scripts/bundle-cli.mjs sees to it): a one-byte string. Its first line names its build.
  const source = readFileSync(file, 'latin1');
  const buildId = source.slice(0, source.indexOf('\n')).split(' ').pop();
  let cachedData;
  try {
    // The cache file is the build id and a newline, then V8's data. V8 only checks that the
    // source length matches; the id makes sure the cache was made from this very bundle.
    const cache = readFileSync(cacheFile);
    if (cache.toString('latin1', 0, buildId.length + 1) === `${buildId}\n`) cachedData = cache.subarray(buildId.length + 1);
  } catch {
    // no cache: compile without (a cache from another Node version or V8 flags is rejected the same way)
  }
  // Node's CommonJS wrapper.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (process.env.KAFKALITE_WRITE_CODE_CACHE === buildId) {
    // The build's training run (scripts/bundle-cli.mjs): the bytecode of everything compiled by the time it exits.
    process.once('exit', () => {
      writeFileSync(`${cacheFile}.${process.pid}.tmp`, Buffer.concat([Buffer.from(`${buildId}\n`), script.createCachedData()]));
      renameSync(`${cacheFile}.${process.pid}.tmp`, cacheFile);
    });
  }
  const module = { exports: {}, filename: file, id: file, loaded: false };
  script.runInThisContext()(module.exports, createRequire(file), module, file, import.meta.dirname);
}
