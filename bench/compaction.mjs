#!/usr/bin/env node
/**
 * Compacting a ~1 GiB partition: time and peak RSS (goal: under 256 MiB).
 *
 * Uses the disk store directly from ../dist (run `npm run build` first):
 *   1. build: a child process writes a compacted topic's partition of about
 *      --size-mib MiB: --keys distinct keys, each updated many times (records
 *      of --value-bytes, batches of 100 records), in --segment-mib segments;
 *   2. clean: a fresh child process opens the store and runs one cleaner pass
 *      with the default dedupe buffer (32 MiB); it reports the pass's time and
 *      its peak RSS (VmHWM from /proc/self/status), which includes opening the
 *      store, so it is the whole process's high-water mark.
 *
 * Usage: node bench/compaction.mjs [--size-mib 1024] [--keys 100000] [--value-bytes 1000]
 *                                  [--segment-mib 64] [--dedupe-mib 32] [--dir <tmp>] [--keep]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const SIZE_MIB = Number(arg('size-mib', 1024));
const KEYS = Number(arg('keys', 100_000));
const VALUE_BYTES = Number(arg('value-bytes', 1000));
const SEGMENT_MIB = Number(arg('segment-mib', 64));
const DEDUPE_MIB = Number(arg('dedupe-mib', 32));
const TOPIC = 'compacted';
const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '..', 'dist', 'log', 'index.js');
const wire = path.join(here, '..', 'dist', 'wire', 'record-batch.js');

function status() {
  const text = fs.readFileSync('/proc/self/status', 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 };
}

async function build(dir) {
  const { DiskLogStore } = await import(dist);
  const { buildRecordBatch } = await import(wire);
  const store = new DiskLogStore({ dataDir: dir, maintenance: { retentionCheckIntervalMs: 0, cleanerBackoffMs: 0 } });
  await store.open();
  await store.createTopic(TOPIC, {
    numPartitions: 1,
    configs: { 'cleanup.policy': 'compact', 'segment.bytes': String(SEGMENT_MIB * 1024 * 1024), 'min.cleanable.dirty.ratio': '0.5' },
  });
  const log = store.partition(TOPIC, 0);
  const target = SIZE_MIB * 1024 * 1024;
  const value = Buffer.alloc(VALUE_BYTES, 'v');
  let k = 0;
  let records = 0;
  const t0 = performance.now();
  while (log.sizeBytes < target) {
    const recs = [];
    for (let i = 0; i < 100; i++) {
      // Keys in a shuffled order, so every key is updated all along the log.
      const key = Buffer.from(`key-${((k++ * 7919) % KEYS).toString().padStart(8, '0')}`);
      recs.push({ key, value, timestampDelta: i });
    }
    log.append(buildRecordBatch({ baseTimestamp: BigInt(Date.now() - 3_600_000), records: recs }));
    records += recs.length;
  }
  // One more small batch so everything above is in sealed segments (only the active one is never cleaned).
  log.append(buildRecordBatch({ records: [{ key: Buffer.from('last'), value }] }));
  log.flush?.();
  const out = { records, bytes: log.sizeBytes, segments: log.segmentStats().length, buildMs: Math.round(performance.now() - t0) };
  await store.close();
  return out;
}

async function clean(dir) {
  const { DiskLogStore } = await import(dist);
  const opened0 = performance.now();
  const store = new DiskLogStore({
    dataDir: dir,
    tailCacheBytes: 0,
    maintenance: { retentionCheckIntervalMs: 0, cleanerBackoffMs: 0, dedupeBufferSize: DEDUPE_MIB * 1024 * 1024 },
  });
  await store.open();
  const openMs = Math.round(performance.now() - opened0);
  const log = store.partition(TOPIC, 0);
  const before = { bytes: log.sizeBytes, segments: log.segmentStats().length, afterOpen: status() };
  // Sample RSS while the pass runs (VmHWM is the kernel's exact peak; this shows the shape).
  let sampledMax = 0;
  const sampler = setInterval(() => (sampledMax = Math.max(sampledMax, status().rssMiB)), 50);
  const t0 = performance.now();
  const passes = [];
  for (;;) {
    const [r] = await store.runCleaner();
    if (!r) break;
    passes.push({ ms: r.ms, recordsRead: r.recordsRead, recordsRemoved: r.recordsRemoved, bytesRead: r.bytesRead, bytesWritten: r.bytesWritten, endOffset: String(r.endOffset) });
  }
  const cleanMs = Math.round(performance.now() - t0);
  clearInterval(sampler);
  const after = { bytes: log.sizeBytes, segments: log.segmentStats().length };
  const peak = status();
  await store.close();
  return { openMs, cleanMs, passes, before, after, sampledMaxRssMiB: Math.round(sampledMax), peak };
}

async function main() {
  const role = process.env.KAFKALITE_BENCH_ROLE;
  const dir = process.env.KAFKALITE_BENCH_DIR;
  if (role === 'build') return process.stdout.write(JSON.stringify(await build(dir)));
  if (role === 'clean') return process.stdout.write(JSON.stringify(await clean(dir)));

  if (!fs.existsSync(dist)) throw new Error('dist/ is missing: run `npm run build` first');
  const root = arg('dir', null) ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kafkalite-compaction-bench-'));
  const child = (r) => {
    const res = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...argv], {
      env: { ...process.env, KAFKALITE_BENCH_ROLE: r, KAFKALITE_BENCH_DIR: root },
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    if (res.status !== 0) throw new Error(`${r} failed: ${res.stderr}`);
    return JSON.parse(res.stdout);
  };
  try {
    console.log(`building a ~${SIZE_MIB} MiB compacted partition in ${root} (${KEYS} keys, ${VALUE_BYTES}-byte values, ${SEGMENT_MIB} MiB segments)...`);
    const b = child('build');
    console.log(`  ${b.records} records, ${(b.bytes / 1048576).toFixed(0)} MiB in ${b.segments} segments, written in ${(b.buildMs / 1000).toFixed(1)} s`);
    console.log(`cleaning (dedupe buffer ${DEDUPE_MIB} MiB) in a fresh process...`);
    const c = child('clean');
    const mib = (n) => (n / 1048576).toFixed(1);
    console.log(`  store opened in ${c.openMs} ms (RSS ${c.before.afterOpen.rssMiB.toFixed(0)} MiB)`);
    for (const [i, p] of c.passes.entries()) {
      console.log(`  pass ${i + 1}: ${(p.ms / 1000).toFixed(2)} s, read ${mib(p.bytesRead)} MiB / ${p.recordsRead} records, removed ${p.recordsRemoved}, wrote ${mib(p.bytesWritten)} MiB`);
    }
    console.log(`  total ${(c.cleanMs / 1000).toFixed(2)} s: ${mib(c.before.bytes)} MiB in ${c.before.segments} segments -> ${mib(c.after.bytes)} MiB in ${c.after.segments}`);
    const ok = c.peak.hwmMiB < 256;
    console.log(`  peak RSS (VmHWM) ${c.peak.hwmMiB.toFixed(0)} MiB (sampled max ${c.sampledMaxRssMiB} MiB); goal < 256 MiB: ${ok ? 'met' : 'NOT met'}`);
    const resultsDir = path.join(here, 'results');
    fs.mkdirSync(resultsDir, { recursive: true });
    fs.writeFileSync(path.join(resultsDir, 'compaction.json'), JSON.stringify({ args: { SIZE_MIB, KEYS, VALUE_BYTES, SEGMENT_MIB, DEDUPE_MIB }, build: b, clean: c }, null, 2));
    if (!ok) process.exitCode = 1;
  } finally {
    if (!argv.includes('--keep') && !arg('dir', null)) fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
