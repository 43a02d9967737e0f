// Durability across process death, against the built CLI in a child process:
//  - kill -9 in the middle of a pipelined producer: every acknowledged record is back after
//    a restart at its acknowledged offset, the log is a gap-free prefix of what was sent, and
//    producing resumes at the right offset (two kill/restart cycles, small segments);
//  - a torn/garbage tail appended to the active segment is cut off at restart, byte-exactly;
//  - SIGTERM/SIGINT exit 0 promptly (with idle, half-frame and long-poll clients attached),
//    and topics, ids and configs survive the restart.
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { encodeRequestFrame } from '../../src/wire/header.js';
import { codecFor } from '../../src/wire/codecs.js';
import {
  BATCH_LENGTH_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  buildRecordBatch,
  decodeRecords,
  type DecodedRecord,
} from '../../src/wire/record-batch.js';
import { RawClient } from '../helpers/raw-client.js';
import { ensureBuilt, spawnBroker, type SpawnedBroker } from '../helpers/spawn-broker.js';
import { withTimeout } from '../helpers/with-timeout.js';

const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------
// Process and temp-dir bookkeeping: everything started here is stopped even when a test fails.

const brokers = new Set<SpawnedBroker>();
const clients = new Set<RawClient>();
const dirs: string[] = [];

beforeAll(() => {
  ensureBuilt();
}, 120_000);

afterEach(async () => {
  for (const c of clients) c.close();
  clients.clear();
  await Promise.all([...brokers].map((b) => b.kill('SIGKILL')));
  brokers.clear();
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kafkalite-crash-'));
  dirs.push(d);
  return d;
}

async function start(dataDir: string): Promise<SpawnedBroker> {
  const b = await spawnBroker({ dataDir });
  brokers.add(b);
  void b.exited.then(() => brokers.delete(b));
  return b;
}

async function client(b: SpawnedBroker): Promise<RawClient> {
  const c = await RawClient.connect(b.port);
  clients.add(c);
  return c;
}

async function createTopic(c: RawClient, name: string, numPartitions: number, configs: Record<string, string> = {}): Promise<string> {
  const res = await c.request(19, 7, {
    topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([k, v]) => ({ name: k, value: v })) }],
    timeoutMs: 5000,
  });
  expect(res.topics[0].errorCode, res.topics[0].errorMessage ?? '').toBe(0);
  return res.topics[0].topicId as string;
}

// ---------------------------------------------------------------------------
// Records: payloads are a pure function of their sequence number, so the test can
// check any record it reads back without keeping what it sent.

function payload(n: number): Buffer {
  const body = `rec-${n}|`;
  // Now and then a large one (300 KB), whose write a SIGKILL can actually interrupt.
  const len = n % 97 === 13 ? 300_000 : 20 + ((n * 37) % 200);
  return Buffer.from(body + String.fromCharCode(97 + (n % 26)).repeat(len));
}
const key = (n: number): Buffer => Buffer.from(`k${n}`);

interface SentBatch {
  /** Sequence numbers of the records, in order. */
  seqs: number[];
  acks: number;
  version: number;
  /** Set once acknowledged. */
  baseOffset?: bigint;
}

function batchFor(seqs: number[]): Buffer {
  return buildRecordBatch({
    records: seqs.map((n, i) => ({
      key: key(n),
      value: payload(n),
      headers: n % 5 === 0 ? [{ key: 'seq', value: Buffer.from(String(n)) }] : [],
      timestampDelta: i,
    })),
    baseTimestamp: 1_700_000_000_000n + BigInt(seqs[0]!),
  });
}

function produceBody(topic: string, partition: number, acks: number, records: Buffer): unknown {
  return { transactionalId: null, acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] };
}

/** Whole batches in a fetched records blob. */
function batchesIn(records: Buffer | null): Buffer[] {
  const out: Buffer[] = [];
  if (!records) return out;
  let p = 0;
  while (records.length - p >= LOG_OVERHEAD) {
    const size = LOG_OVERHEAD + records.readInt32BE(p + BATCH_LENGTH_OFFSET);
    if (p + size > records.length) break;
    out.push(records.subarray(p, p + size));
    p += size;
  }
  return out;
}

interface PartitionContent {
  records: DecodedRecord[];
  batchBases: bigint[];
  highWatermark: bigint;
  logStartOffset: bigint;
}

/** Reads a partition from offset 0 to its high watermark (Fetch v12), decoding every record. */
async function readAll(c: RawClient, topic: string, partition = 0): Promise<PartitionContent> {
  const records: DecodedRecord[] = [];
  const batchBases: bigint[] = [];
  let offset = 0n;
  let hw = -1n;
  let lso = -1n;
  for (let round = 0; round < 10_000; round++) {
    const res = await withTimeout(
      c.request(1, 12, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 8 * MiB,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 8 * MiB }] }],
        forgottenTopicsData: [],
        rackId: '',
      }),
      5000,
      `fetch ${topic}-${partition}@${offset}`,
    );
    const p = res.responses[0].partitions[0];
    expect(p.errorCode, `fetch ${topic}-${partition}@${offset}`).toBe(0);
    hw = p.highWatermark;
    lso = p.logStartOffset;
    const got = batchesIn(p.records);
    if (got.length === 0) break;
    for (const b of got) {
      const last = b.readBigInt64BE(0) + BigInt(b.readInt32BE(LAST_OFFSET_DELTA_OFFSET));
      if (last < offset) continue;
      batchBases.push(b.readBigInt64BE(0));
      for (const r of decodeRecords(b)) if (r.offset >= offset) records.push(r);
      offset = last + 1n;
    }
    if (offset >= hw) break;
  }
  return { records, batchBases, highWatermark: hw, logStartOffset: lso };
}

async function listOffset(c: RawClient, topic: string, partition: number, timestamp: bigint): Promise<bigint> {
  const res = await c.request(2, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp }] }] });
  const p = res.topics[0].partitions[0];
  expect(p.errorCode).toBe(0);
  return p.offset as bigint;
}

/**
 * The log must be exactly the first L sent batches (L >= the acknowledged ones): record i
 * sits at offset i with its payload, every acknowledged batch at its acknowledged offset.
 * Returns the sent batches that made it (the new "sent" history).
 */
function checkPrefix(content: PartitionContent, sent: SentBatch[], label: string): SentBatch[] {
  const flat = sent.flatMap((b) => b.seqs);
  const ackedRecords = sent.filter((b) => b.baseOffset !== undefined).reduce((n, b) => n + b.seqs.length, 0);
  const { records } = content;
  expect(records.length, `${label}: records present vs acknowledged`).toBeGreaterThanOrEqual(ackedRecords);
  expect(records.length, `${label}: records present vs ever sent`).toBeLessThanOrEqual(flat.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.offset !== BigInt(i)) throw new Error(`${label}: record #${i} has offset ${r.offset} (gap or duplicate)`);
    const n = flat[i]!;
    if (!r.key?.equals(key(n)) || !r.value?.equals(payload(n))) {
      throw new Error(`${label}: offset ${i} holds ${r.key?.toString()}=${r.value?.toString().slice(0, 30)}, expected seq ${n}`);
    }
    if (n % 5 === 0) expect(r.headers.map((h) => [h.key, h.value?.toString()]), `${label}: headers at ${i}`).toEqual([['seq', String(n)]]);
  }
  expect(content.highWatermark, `${label}: high watermark`).toBe(BigInt(records.length));
  // Batches are whole: the log ends on a batch boundary of what was sent.
  const kept: SentBatch[] = [];
  let offset = 0;
  for (const b of sent) {
    if (offset + b.seqs.length > records.length) break;
    if (b.baseOffset !== undefined) expect(b.baseOffset, `${label}: acknowledged offset of seq ${b.seqs[0]}`).toBe(BigInt(offset));
    kept.push({ ...b, baseOffset: BigInt(offset) });
    offset += b.seqs.length;
  }
  expect(offset, `${label}: log ends inside a batch`).toBe(records.length);
  // The fetched batch boundaries are the produced ones.
  expect(content.batchBases.map(Number)).toEqual(kept.map((b) => Number(b.baseOffset)));
  return kept;
}

// ---------------------------------------------------------------------------

describe('kill -9 durability', () => {
  it('every acknowledged batch survives SIGKILL mid-stream, twice; offsets stay contiguous; producing resumes at the end', async () => {
    const dir = tempDir();
    const topic = 'durable';
    let b = await start(dir);
    let c = await client(b);
    // Small segments and index intervals so recovery walks several segments and index entries.
    await createTopic(c, topic, 1, { 'segment.bytes': '32768', 'index.interval.bytes': '512' });

    let sent: SentBatch[] = [];
    let seq = 0;
    const timings: string[] = [];

    for (let cycle = 1; cycle <= 2; cycle++) {
      const target = 300 + Math.floor(Math.random() * 150);
      const startCount = sent.length;
      let acked = 0;
      let killedAt = -1;
      let inflightAtKill = 0;
      let killTimer: NodeJS.Timeout | undefined;
      let firstAckBase: bigint | undefined;
      const expectedFirst = sent.reduce((n, x) => n + x.seqs.length, 0);
      const pending = new Set<Promise<void>>();
      let i = 0;
      const t0 = performance.now();
      // Up to 32 produce requests in flight; acks alternate 1 / -1; versions rotate; every 7th batch holds 5 records.
      while (killedAt < 0) {
        while (pending.size < 32 && killedAt < 0) {
          const n = i % 7 === 3 ? 5 : 1;
          const batch: SentBatch = { seqs: Array.from({ length: n }, (_, k) => seq + k), acks: i % 2 === 0 ? 1 : -1, version: [3, 7, 9, 11][i % 4]! };
          seq += n;
          i++;
          sent.push(batch);
          const p: Promise<void> = c
            .request(0, batch.version, produceBody(topic, 0, batch.acks, batchFor(batch.seqs)))
            .then((res) => {
              const pr = res.responses[0].partitionResponses[0];
              if (pr.errorCode !== 0) throw new Error(`produce failed: ${pr.errorCode} ${pr.errorMessage}`);
              batch.baseOffset = pr.baseOffset;
              firstAckBase ??= pr.baseOffset;
              acked++;
              if (acked >= target && killTimer === undefined) {
                // Kill a moment later, while the producer keeps the pipeline full.
                killTimer = setTimeout(() => {
                  inflightAtKill = pending.size;
                  killedAt = acked;
                  process.kill(b.pid, 'SIGKILL');
                }, Math.random() * 3);
              }
            })
            .catch((err: Error) => {
              if (killedAt < 0) throw err;
            })
            .finally(() => pending.delete(p));
          pending.add(p);
        }
        await Promise.race(pending);
      }
      const exit = await b.exited;
      expect(exit.signal).toBe('SIGKILL');
      await Promise.allSettled(pending);
      const produceMs = performance.now() - t0;
      expect(firstAckBase, 'first offset after a restart').toBe(BigInt(expectedFirst));
      const sentThisCycle = sent.length - startCount;
      const unackedThisCycle = sent.slice(startCount).filter((x) => x.baseOffset === undefined).length;

      const t1 = performance.now();
      b = await start(dir);
      const restartMs = performance.now() - t1;
      c = await client(b);
      const content = await readAll(c, topic);
      const beforeCheck = sent.length;
      sent = checkPrefix(content, sent, `cycle ${cycle}`);
      const unackedKept = unackedThisCycle - (beforeCheck - sent.length);
      const segments = readdirSync(join(dir, `${topic}-0`)).filter((f) => f.endsWith('.log')).length;
      timings.push(
        `cycle ${cycle}: sent ${sentThisCycle} batches in ${produceMs.toFixed(0)} ms, killed after ${killedAt} acks with ${inflightAtKill} in flight ` +
          `(${unackedKept} of ${unackedThisCycle} unacknowledged batches were in the log); ` +
          `restart ${restartMs.toFixed(0)} ms; log has ${content.records.length} records in ${segments} segments (${sent.length} batches kept)`,
      );
      expect(segments).toBeGreaterThan(1);
      expect(await listOffset(c, topic, 0, -1n)).toBe(content.highWatermark);
      expect(await listOffset(c, topic, 0, -2n)).toBe(0n);
      // Unacknowledged batches that did not make it are never resent: continue after the kept prefix.
    }

    // Producing continues at the right next offset, and the new record reads back.
    const end = BigInt(sent.reduce((n, x) => n + x.seqs.length, 0));
    const last: SentBatch = { seqs: [seq], acks: -1, version: 9 };
    const res = await c.request(0, 9, produceBody(topic, 0, -1, batchFor(last.seqs)));
    expect(res.responses[0].partitionResponses[0].errorCode).toBe(0);
    expect(res.responses[0].partitionResponses[0].baseOffset).toBe(end);
    last.baseOffset = end;
    sent.push(last);
    checkPrefix(await readAll(c, topic), sent, 'after resume');
    console.log(`[crash-recovery] ${timings.join('\n[crash-recovery] ')}`);
  }, 60_000);
});

describe('torn writes', () => {
  it('a torn or garbage tail on the active segment is truncated at restart and appends continue in its place', async () => {
    const dir = tempDir();
    let b = await start(dir);
    let c = await client(b);
    const variants: { name: string; tail: (next: Buffer) => Buffer }[] = [
      { name: 'half-batch', tail: (next) => next.subarray(0, Math.floor(next.length / 2)) },
      { name: 'header-only', tail: (next) => next.subarray(0, 30) },
      {
        name: 'bad-crc',
        tail: (next) => {
          const x = Buffer.from(next);
          x[x.length - 1]! ^= 0xff;
          return x;
        },
      },
      {
        name: 'huge-length',
        tail: (next) => {
          const x = Buffer.from(next.subarray(0, 64));
          x.writeInt32BE(0x7fffffff, BATCH_LENGTH_OFFSET);
          return x;
        },
      },
      {
        name: 'offset-going-back',
        tail: (next) => {
          // A whole, CRC-valid batch whose offsets overlap what is already there.
          const x = Buffer.from(next);
          x.writeBigInt64BE(0n, 0);
          return x;
        },
      },
      { name: 'zeros', tail: () => Buffer.alloc(4096) },
      { name: 'random', tail: () => Buffer.from(Array.from({ length: 777 }, (_, i) => (i * 131 + 7) & 0xff)) },
    ];
    const perTopic = 40;
    for (const v of variants) {
      await createTopic(c, `torn-${v.name}`, 1);
      for (let i = 0; i < perTopic; i++) {
        const seqs = i % 9 === 4 ? [i * 10, i * 10 + 1, i * 10 + 2] : [i * 10];
        const res = await c.request(0, 9, produceBody(`torn-${v.name}`, 0, i % 2 ? 1 : -1, batchFor(seqs)));
        expect(res.responses[0].partitionResponses[0].errorCode).toBe(0);
      }
    }
    const before = new Map<string, PartitionContent>();
    for (const v of variants) before.set(v.name, await readAll(c, `torn-${v.name}`));
    await b.kill('SIGKILL');

    // Append the garbage to each active segment (the newest .log).
    const sizes = new Map<string, { file: string; size: number }>();
    for (const v of variants) {
      const pdir = join(dir, `torn-${v.name}-0`);
      const logs = readdirSync(pdir).filter((f) => f.endsWith('.log')).sort();
      const file = join(pdir, logs[logs.length - 1]!);
      const size = statSync(file).size;
      const end = before.get(v.name)!.highWatermark;
      const next = buildRecordBatch({ baseOffset: end, records: [{ key: Buffer.from('torn'), value: Buffer.from('x'.repeat(200)) }], partitionLeaderEpoch: 0 });
      appendFileSync(file, v.tail(next));
      expect(statSync(file).size).toBeGreaterThan(size);
      sizes.set(v.name, { file, size });
    }

    b = await start(dir);
    c = await client(b);
    const recovering = b;
    for (const v of variants) {
      const { file, size } = sizes.get(v.name)!;
      expect(statSync(file).size, `${v.name}: segment truncated back to its last whole batch`).toBe(size);
      const now = await readAll(c, `torn-${v.name}`);
      const was = before.get(v.name)!;
      expect(now.highWatermark, v.name).toBe(was.highWatermark);
      expect(now.records.map((r) => r.value?.toString()), v.name).toEqual(was.records.map((r) => r.value?.toString()));
      // The next append lands where the garbage was.
      const res = await c.request(0, 11, produceBody(`torn-${v.name}`, 0, -1, batchFor([999_999])));
      expect(res.responses[0].partitionResponses[0].errorCode).toBe(0);
      expect(res.responses[0].partitionResponses[0].baseOffset, v.name).toBe(was.highWatermark);
    }

    // And it is all still right after a clean restart.
    const term = await b.kill('SIGTERM');
    expect(term.code).toBe(0);
    b = await start(dir);
    c = await client(b);
    for (const v of variants) {
      const now = await readAll(c, `torn-${v.name}`);
      const was = before.get(v.name)!;
      expect(now.records.length, v.name).toBe(was.records.length + 1);
      expect(now.records.at(-1)!.offset).toBe(was.highWatermark);
      expect(now.records.at(-1)!.value!.equals(payload(999_999)), v.name).toBe(true);
      expect(statSync(sizes.get(v.name)!.file).size).toBeGreaterThan(sizes.get(v.name)!.size);
    }
    // The recovery said what it did, once per damaged segment.
    expect(recovering.stderr().match(/truncating invalid log tail/g)?.length).toBe(variants.length);
  }, 60_000);
});

describe('clean shutdown', () => {
  it('SIGTERM exits 0 in < 3 s with idle, half-frame and long-poll clients; topics, ids and configs survive', async () => {
    const dir = tempDir();
    let b = await start(dir);
    let c = await client(b);
    const cfgA = { 'max.message.bytes': '2000', 'message.timestamp.type': 'LogAppendTime', 'retention.ms': '3600000', 'cleanup.policy': 'delete' };
    const cfgB = { 'segment.bytes': '2048' };
    const idA = await createTopic(c, 'cfg-a', 3, cfgA);
    const idB = await createTopic(c, 'cfg-b', 2, cfgB);
    // Auto-created through Metadata v1.
    const auto = await c.request(3, 1, { topics: [{ name: 'auto-t' }] });
    expect(auto.topics[0].errorCode).toBe(0);
    const md0 = await c.request(3, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    const clusterBefore = md0.clusterId;

    for (let p = 0; p < 3; p++) {
      const res = await c.request(0, 9, produceBody('cfg-a', p, 1, batchFor([p])));
      expect(res.responses[0].partitionResponses[0].errorCode).toBe(0);
      expect(res.responses[0].partitionResponses[0].logAppendTimeMs).not.toBe(-1n);
    }
    const tooBig = await c.request(0, 9, produceBody('cfg-a', 0, 1, buildRecordBatch({ records: [{ key: null, value: Buffer.alloc(3000, 1) }] })));
    expect(tooBig.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);

    // Clients that make shutdown harder: idle, stuck mid-frame, and waiting in a long poll.
    const idle = await client(b);
    const half = connect({ port: b.port, host: '127.0.0.1' });
    half.on('error', () => {});
    const frame = encodeRequestFrame({ apiKey: 18, apiVersion: 0, correlationId: 1, clientId: 'half' }, (w) => codecFor(18, 0, 'request')!.encode(w, {}));
    await new Promise<void>((res) => half.once('connect', () => res()));
    half.write(frame.subarray(0, 7));
    const poller = await client(b);
    const longPoll = poller.request(1, 12, {
      replicaId: -1,
      maxWaitMs: 30_000,
      minBytes: 1,
      maxBytes: MiB,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic: 'cfg-b', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: MiB }] }],
      forgottenTopicsData: [],
      rackId: '',
    });
    const longPollSettled = longPoll.then(
      (r) => ({ ok: true as const, r }),
      (e: Error) => ({ ok: false as const, e }),
    );
    await new Promise((res) => setTimeout(res, 200)); // let the fetch park

    const t0 = performance.now();
    const exit = await b.kill('SIGTERM');
    const stopMs = performance.now() - t0;
    expect(exit, b.stderr().slice(-2000)).toEqual({ code: 0, signal: null });
    expect(stopMs).toBeLessThan(3000);
    const lp = await longPollSettled;
    // Graceful: the parked fetch is answered (empty) rather than cut off.
    expect(lp.ok, lp.ok ? '' : lp.e.message).toBe(true);
    expect(b.stdout().trim().split('\n')).toHaveLength(1);
    idle.close();
    half.destroy();

    b = await start(dir);
    c = await client(b);
    const md = await c.request(3, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(md.clusterId).toBe(clusterBefore);
    const byName = new Map<string, any>(md.topics.map((t: any) => [t.name, t]));
    expect([...byName.keys()].filter((n) => !n.startsWith('__')).sort()).toEqual(['auto-t', 'cfg-a', 'cfg-b']);
    expect(byName.get('cfg-a').topicId).toBe(idA);
    expect(byName.get('cfg-b').topicId).toBe(idB);
    expect(byName.get('cfg-a').partitions).toHaveLength(3);
    expect(byName.get('cfg-b').partitions).toHaveLength(2);
    expect(byName.get('auto-t').partitions).toHaveLength(1);
    // Fetch v17 by the old topic id still works.
    const byId = await c.request(1, 17, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: MiB,
      topics: [{ topicId: idA, partitions: [{ partition: 2, fetchOffset: 0n, partitionMaxBytes: MiB }] }],
      forgottenTopicsData: [],
      rackId: '',
    });
    expect(byId.responses[0].partitions[0].errorCode).toBe(0);
    expect(decodeRecords(batchesIn(byId.responses[0].partitions[0].records)[0]!)[0]!.value!.equals(payload(2))).toBe(true);

    // The configs still act: max.message.bytes, LogAppendTime, segment.bytes.
    const big = await c.request(0, 9, produceBody('cfg-a', 1, 1, buildRecordBatch({ records: [{ key: null, value: Buffer.alloc(3000, 1) }] })));
    expect(big.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    const small = await c.request(0, 9, produceBody('cfg-a', 1, 1, batchFor([11])));
    expect(small.responses[0].partitionResponses[0].errorCode).toBe(0);
    expect(small.responses[0].partitionResponses[0].logAppendTimeMs).not.toBe(-1n);
    expect((await readAll(c, 'cfg-a', 1)).records.map((r) => r.value!.toString())).toEqual([payload(1).toString(), payload(11).toString()]);
    for (let i = 0; i < 30; i++) {
      const r = await c.request(0, 9, produceBody('cfg-b', 0, 1, batchFor([100 + i])));
      expect(r.responses[0].partitionResponses[0].errorCode).toBe(0);
    }
    expect(readdirSync(join(dir, 'cfg-b-0')).filter((f) => f.endsWith('.log')).length, 'segment.bytes=2048 rolls segments').toBeGreaterThan(1);
    // The durable record of it.
    const registry = JSON.parse(readFileSync(join(dir, '__kafkalite', 'topics.json'), 'utf8')) as { topics: { name: string; configs: Record<string, string> }[] };
    expect(registry.topics.find((t) => t.name === 'cfg-a')!.configs).toEqual(cfgA);
    expect(registry.topics.find((t) => t.name === 'cfg-b')!.configs).toEqual(cfgB);

    // SIGINT is as clean.
    const t1 = performance.now();
    const exit2 = await b.kill('SIGINT');
    expect(exit2).toEqual({ code: 0, signal: null });
    expect(performance.now() - t1).toBeLessThan(3000);
    console.log(`[crash-recovery] SIGTERM exit in ${stopMs.toFixed(0)} ms (with idle + half-frame + long-poll clients), SIGINT exit in ${(performance.now() - t1).toFixed(0)} ms`);
  }, 60_000);
});
