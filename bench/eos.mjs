#!/usr/bin/env node
/**
 * Exactly-once benchmarks (run after `npm run build`): `node bench/eos.mjs [--quick] [--disk]`
 *
 *   idempotent  Produce v9 (acks=1) of ~11.6 KB batches (100 × 100 B records), 5 in flight
 *               (max.in.flight for idempotence) on one connection, one partition: batches with
 *               a producer id and increasing sequences, vs the same batches without a producer
 *               id, in the same run against the same broker. Rounds alternate; the ratio is the
 *               median of per-round ratios.                                   goal ratio ≥ 0.9
 *   txn         Committed transactions per second of one transactional producer, each
 *               AddPartitionsToTxn + one Produce of 10 records + EndTxn(commit), one request
 *               at a time as a client does.
 *
 * The broker is `dist/cli.js --in-memory` in a child process (`--disk`: a temp data dir).
 * Results: a table on stdout and bench/results/eos.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { BenchConn, PRODUCE_VERSION, decodeResponse, joinPieces, produceFrame } from './lib/client.mjs';
import { CLI, ROOT, median, startServer } from './lib/proc.mjs';
import { buildRecordBatch } from '../dist/wire/record-batch.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const disk = argv.includes('--disk');
const ROUNDS = quick ? 1 : 5;
const BATCHES = quick ? 300 : 3000;
const DEPTH = 5;
const TXN_MS = quick ? 500 : 3000;
const RECORDS = 100;
const VALUE = Buffer.alloc(100, 7);

function batch(opts = {}) {
  return buildRecordBatch({ records: Array.from({ length: RECORDS }, () => ({ key: null, value: VALUE })), baseTimestamp: 1_700_000_000_000n, ...opts });
}

/** Sends the frames in order with up to DEPTH in flight; resolves with records/s. */
function pump(conn, frames) {
  return new Promise((resolve, reject) => {
    let next = 0;
    let done = 0;
    let corr = 1;
    const t0 = performance.now();
    const sendMore = () => {
      while (next < frames.length && next - done < DEPTH) {
        const frame = frames[next++];
        frame.writeInt32BE(corr++, 8);
        conn.send(frame, (pieces, _len, err) => {
          if (err) return reject(err);
          const p = decodeResponse(0, PRODUCE_VERSION, joinPieces(pieces)).responses[0].partitionResponses[0];
          if (p.errorCode !== 0) return reject(new Error(`produce error ${p.errorCode} ${p.errorMessage ?? ''}`));
          if (++done === frames.length) resolve((frames.length * RECORDS) / ((performance.now() - t0) / 1000));
          else sendMore();
        });
      }
    };
    sendMore();
  });
}

async function createTopic(conn, name) {
  const r = await conn.request(19, 4, { topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  if (r.topics[0].errorCode !== 0) throw new Error(`create ${name}: ${r.topics[0].errorCode}`);
}

async function check(p, what) {
  const r = await p;
  const code = r.errorCode ?? r.resultsByTopicV3AndBelow?.[0]?.resultsByPartition?.[0]?.partitionErrorCode ?? r.responses?.[0]?.partitionResponses?.[0]?.errorCode;
  if (code) throw new Error(`${what}: error ${code}`);
  return r;
}

const dataDir = disk ? mkdtempSync(join(os.tmpdir(), 'kafkalite-eos-bench-')) : null;
const server = await startServer(CLI, ['--port', '0', '--log-level', 'warn', ...(disk ? ['--data-dir', dataDir] : ['--in-memory'])]);
const conn = await BenchConn.connect(server.port);
const results = { plainRecordsPerSec: [], idempotentRecordsPerSec: [], ratios: [] };
try {
  await createTopic(conn, 'plain');
  await createTopic(conn, 'idem');
  await createTopic(conn, 'txn');
  const plainFrames = Array.from({ length: BATCHES }, () => produceFrame('plain', 0, batch()));
  // Warm-up.
  await pump(conn, plainFrames.slice(0, Math.min(200, BATCHES)));
  for (let round = 0; round < ROUNDS; round++) {
    // A fresh idempotent producer per round; its batches are built before timing.
    const init = await check(conn.request(22, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 }), 'InitProducerId');
    const idemFrames = Array.from({ length: BATCHES }, (_, i) =>
      produceFrame('idem', 0, batch({ producerId: init.producerId, producerEpoch: init.producerEpoch, baseSequence: i * RECORDS })),
    );
    const order = round % 2 === 0 ? ['plain', 'idem'] : ['idem', 'plain'];
    const r = {};
    for (const which of order) r[which] = await pump(conn, which === 'plain' ? plainFrames : idemFrames);
    results.plainRecordsPerSec.push(r.plain);
    results.idempotentRecordsPerSec.push(r.idem);
    results.ratios.push(r.idem / r.plain);
  }

  // Transactions per second (10 records each, committed).
  const txnId = 'bench-txn';
  await check(conn.request(10, 4, { keyType: 1, coordinatorKeys: [txnId] }).then((r) => ({ errorCode: r.coordinators[0].errorCode })), 'FindCoordinator');
  const init = await check(conn.request(22, 4, { transactionalId: txnId, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 }), 'InitProducerId');
  const ten = Array.from({ length: 10 }, () => ({ key: null, value: VALUE }));
  let seq = 0;
  let txns = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < TXN_MS) {
    await check(
      conn.request(24, 3, { v3AndBelowTransactionalId: txnId, v3AndBelowProducerId: init.producerId, v3AndBelowProducerEpoch: init.producerEpoch, v3AndBelowTopics: [{ name: 'txn', partitions: [0] }] }),
      'AddPartitionsToTxn',
    );
    const records = buildRecordBatch({ records: ten, producerId: init.producerId, producerEpoch: init.producerEpoch, baseSequence: seq, transactional: true });
    seq += 10;
    await check(conn.request(0, 9, { transactionalId: txnId, acks: -1, timeoutMs: 5000, topicData: [{ name: 'txn', partitionData: [{ index: 0, records }] }] }), 'Produce');
    await check(conn.request(26, 3, { transactionalId: txnId, producerId: init.producerId, producerEpoch: init.producerEpoch, committed: true }), 'EndTxn');
    txns++;
  }
  results.transactionsPerSec = txns / ((performance.now() - t0) / 1000);
} finally {
  conn.close();
  await server.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

const ratio = median(results.ratios);
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const rows = [
  ['benchmark', 'kafkalite', 'baseline', 'ratio', 'goal'],
  ['idempotent produce (records/s)', fmt(median(results.idempotentRecordsPerSec)), `${fmt(median(results.plainRecordsPerSec))} (plain)`, ratio.toFixed(3), '≥ 0.9'],
  ['committed transactions/s (10 records)', fmt(results.transactionsPerSec), '', '', ''],
];
for (const r of rows) console.log(r.map((c, i) => String(c).padEnd(i === 0 ? 40 : 22)).join(''));
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(ROOT, 'bench', 'results', 'eos.json'),
  JSON.stringify({ date: new Date().toISOString(), storage: disk ? 'disk' : 'memory', cpus: os.cpus().length, node: process.version, ratio, ...results }, null, 2),
);
