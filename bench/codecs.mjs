#!/usr/bin/env node
/**
 * Produce throughput with each codec, relative to uncompressed batches in the
 * same run (run after `npm run build`): `node bench/codecs.mjs [--quick] [--disk]`
 *
 * Workload: batches of 1000 JSON-like records (~150 B each, ~150 KB a batch
 * uncompressed), built and compressed by the client before timing, sent as
 * Produce v9 (acks=1, 8 in flight on one connection, one partition) for
 * RUN_MS per side. Every figure is records/s; each ratio is the median of the
 * per-round ratios against the uncompressed side of the same round (sides run
 * in rotating order; every side writes to a fresh topic, deleted afterwards).
 *
 *   stored as sent   codec batches to a `compression.type=producer` topic: the
 *                    broker keeps the bytes (no decompression on the hot path), so
 *                    smaller requests should make it at least as fast.
 *   recompressed     uncompressed batches to a topic whose `compression.type` is
 *                    the codec: the broker compresses every batch (Kafka's
 *                    LogValidator rebuild), so this measures the codec on the broker.
 *   legacy v2        Produce v2 with a magic 1 message set (uncompressed, and a gzip
 *                    wrapper), converted up to one v2 batch per request.
 *
 * The broker is `dist/cli.js --in-memory` in a child process (`--disk`: a temp data dir).
 * Results: a table on stdout and bench/results/codecs.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { BenchConn, decodeResponse, joinPieces } from './lib/client.mjs';
import { CLI, ROOT, median, startServer } from './lib/proc.mjs';
import { codecFor } from '../dist/wire/codecs.js';
import { Codec, codecReady, compress } from '../dist/wire/compression/index.js';
import { recompressBatch } from '../dist/wire/batch-records.js';
import { encodeRequestFrame } from '../dist/wire/header.js';
import { encodeMessage } from '../dist/wire/legacy-records.js';
import { buildRecordBatch } from '../dist/wire/record-batch.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const disk = argv.includes('--disk');
const ROUNDS = quick ? 1 : 3;
const RUN_MS = quick ? 300 : 1000;
const DEPTH = 8;
const RECORDS = 1000;
const T = 1_700_000_000_000n;

// ---------------------------------------------------------------------------
// Workload

const PAGES = ['/', '/cart', '/checkout', '/search', '/product/42', '/product/7', '/login', '/account'];
const values = Array.from({ length: RECORDS }, (_, i) =>
  Buffer.from(JSON.stringify({ user: `user-${(i * 7919) % 5000}`, event: i % 5 ? 'view' : 'click', page: PAGES[i % PAGES.length], ms: (i * 37) % 900, ts: 1_700_000_000_000 + i * 13 })),
);
const keys = values.map((_, i) => Buffer.from(`user-${(i * 7919) % 5000}`));
const plain = buildRecordBatch({ baseTimestamp: T, records: values.map((value, i) => ({ key: keys[i], value, timestampDelta: i })) });
const rawBytes = values.reduce((n, v, i) => n + v.length + keys[i].length, 0);

await codecReady(Codec.Zstd);
const CODECS = [
  ['gzip', Codec.Gzip],
  ['snappy', Codec.Snappy],
  ['lz4', Codec.Lz4],
  ['zstd', Codec.Zstd],
];
const compressed = new Map(CODECS.map(([name, c]) => [name, recompressBatch(plain, c)]));

/** A magic 1 message set of the same records, and the same set in one gzip wrapper (Produce v2). */
function legacySets() {
  const messages = values.map((value, i) => encodeMessage({ offset: BigInt(i), magic: 1, attributes: 0, timestamp: T + BigInt(i), key: keys[i], value }));
  const set = Buffer.concat(messages);
  const wrapper = encodeMessage({ offset: BigInt(RECORDS - 1), magic: 1, attributes: Codec.Gzip, timestamp: T + BigInt(RECORDS - 1), key: null, value: compress(Codec.Gzip, set) });
  return { set, wrapper };
}
const legacy = legacySets();

function produceFrame(version, topic, records) {
  const codec = codecFor(0, version, 'request');
  return encodeRequestFrame({ apiKey: 0, apiVersion: version, correlationId: 0, clientId: 'kafkalite-bench-codecs' }, (w) =>
    codec.encode(w, { transactionalId: null, acks: 1, timeoutMs: 30000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] }),
  );
}

/** The same request again and again, DEPTH in flight, for RUN_MS; resolves with records/s. */
function pump(conn, version, frameOf) {
  const pool = Array.from({ length: DEPTH }, frameOf);
  let corr = 1;
  let sent = 0;
  let done = 0;
  let stop = false;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const next = () => {
      if (performance.now() - t0 >= RUN_MS) stop = true;
      while (!stop && pool.length > 0) {
        const frame = pool.pop();
        frame.writeInt32BE(corr++, 8);
        sent++;
        conn.send(frame, (pieces, _len, err) => {
          if (err) return reject(err);
          const p = decodeResponse(0, version, joinPieces(pieces)).responses[0].partitionResponses[0];
          if (p.errorCode !== 0) return reject(new Error(`produce error ${p.errorCode} ${p.errorMessage ?? ''}`));
          done++;
          pool.push(frame);
          if (stop && done === sent) resolve((done * RECORDS) / ((performance.now() - t0) / 1000));
          else next();
        });
      }
    };
    next();
  });
}

let topicSeq = 0;
async function withTopic(conn, configs, fn) {
  const name = `codecs-${topicSeq++}`;
  const c = await conn.request(19, 4, {
    topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  if (c.topics[0].errorCode !== 0) throw new Error(`create ${name}: ${c.topics[0].errorCode}`);
  try {
    return await fn(name);
  } finally {
    await conn.request(20, 4, { topicNames: [name], timeoutMs: 5000 });
  }
}

// Sides: name → how to run it. 'none' is the baseline.
const SIDES = [
  ['none', (conn) => withTopic(conn, {}, (t) => pump(conn, 9, () => produceFrame(9, t, plain)))],
  ...CODECS.map(([name]) => [`${name} stored`, (conn) => withTopic(conn, {}, (t) => pump(conn, 9, () => produceFrame(9, t, compressed.get(name))))]),
  ...CODECS.map(([name]) => [`${name} recompressed`, (conn) => withTopic(conn, { 'compression.type': name }, (t) => pump(conn, 9, () => produceFrame(9, t, plain)))]),
  ['legacy v2 magic 1', (conn) => withTopic(conn, {}, (t) => pump(conn, 2, () => produceFrame(2, t, legacy.set)))],
  ['legacy v2 magic 1 gzip', (conn) => withTopic(conn, {}, (t) => pump(conn, 2, () => produceFrame(2, t, legacy.wrapper)))],
];

const dataDir = disk ? mkdtempSync(join(os.tmpdir(), 'kafkalite-codecs-bench-')) : null;
const server = await startServer(CLI, ['--port', '0', '--log-level', 'warn', ...(disk ? ['--data-dir', dataDir] : ['--in-memory'])]);
const conn = await BenchConn.connect(server.port);
const perSide = new Map(SIDES.map(([n]) => [n, []]));
const ratios = new Map(SIDES.map(([n]) => [n, []]));
try {
  // Warm-up: every side once (loads each codec in the broker, JIT).
  for (const [, run] of SIDES) await run(conn);
  for (let round = 0; round < ROUNDS; round++) {
    const order = SIDES.map((_, i) => SIDES[(i + round * 3) % SIDES.length]);
    const got = new Map();
    for (const [name, run] of order) got.set(name, await run(conn));
    for (const [name] of SIDES) {
      perSide.get(name).push(got.get(name));
      ratios.get(name).push(got.get(name) / got.get('none'));
    }
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
} finally {
  conn.close();
  await server.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const sizeOf = (name) => {
  if (name === 'none') return plain.length;
  const codec = name.split(' ')[0];
  if (compressed.has(codec)) return name.endsWith('stored') ? compressed.get(codec).length : plain.length;
  return name.endsWith('gzip') ? legacy.wrapper.length : legacy.set.length;
};
console.log(`batch: ${RECORDS} records, ${fmt(rawBytes)} B of keys and values; ${fmt(plain.length)} B uncompressed batch`);
const rows = [['produce side', 'request bytes', 'records/s', 'ratio vs none']];
for (const [name] of SIDES) rows.push([name, fmt(sizeOf(name)), fmt(median(perSide.get(name))), median(ratios.get(name)).toFixed(2)]);
for (const r of rows) console.log(r.map((c, i) => String(c).padEnd(i === 0 ? 28 : 18)).join(''));
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(ROOT, 'bench', 'results', 'codecs.json'),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      storage: disk ? 'disk' : 'memory',
      cpus: os.cpus().length,
      node: process.version,
      batch: { records: RECORDS, rawBytes, uncompressedBytes: plain.length, compressedBytes: Object.fromEntries([...compressed].map(([n, b]) => [n, b.length])) },
      sides: Object.fromEntries(SIDES.map(([n]) => [n, { recordsPerSec: perSide.get(n), ratios: ratios.get(n), medianRatio: median(ratios.get(n)) }])),
    },
    (_, v) => (typeof v === 'bigint' ? v.toString() : v),
    2,
  ),
);
