// Retention and compaction over real sockets, on a disk broker with short
// retention-check and cleaner intervals: old segments disappear from disk and
// fetches below the log start offset get OFFSET_OUT_OF_RANGE (retention.bytes,
// retention.ms); a compacted topic ends with the latest value per key at the
// original offsets (raw Fetch and a kafkajs consumer), tombstones go after
// delete.retention.ms, keyless records are refused, and a restart in the
// middle of a cleaning (leftover .cleaned/.swap files) recovers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import kafkajs from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiskPartitionLog } from '../../src/log/disk-partition.js';
import { DiskLogStore } from '../../src/log/index.js';
import { logPolicy } from '../../src/log/log-config.js';
import { OffsetMap } from '../../src/log/offset-map.js';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { buildRecordBatch, decodeRecords, splitBatches, type BatchView } from '../../src/wire/record-batch.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

const { Kafka, logLevel } = kafkajs;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkalite-retention-compat-'));
const brokerOpts = { inMemory: false, dataDir, logRetentionCheckIntervalMs: 100, logCleanerBackoffMs: 100 };
let broker: TestBroker;
let raw: RawClient;
const suffix = `${process.pid}-${Date.now().toString(36)}`;
let seq = 0;
const topicName = (base: string): string => `rc-${base}-${suffix}-${seq++}`;

beforeAll(async () => {
  broker = await startTestBroker(brokerOpts);
  raw = await RawClient.connect(broker.port);
});

afterAll(async () => {
  raw?.close();
  await broker?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function createTopic(name: string, configs: Record<string, string>): Promise<void> {
  const res = await raw.request(19, 7, {
    topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  expect(res.topics[0].errorCode).toBe(ErrorCode.NONE);
}

interface Rec {
  key: string | null;
  value: string | null;
}

async function produce(topic: string, records: Rec[], ts = Date.now()): Promise<{ errorCode: number; baseOffset: bigint; errorMessage: string | null }> {
  const batch = buildRecordBatch({
    baseTimestamp: BigInt(ts),
    records: records.map((r) => ({ key: r.key === null ? null : Buffer.from(r.key), value: r.value === null ? null : Buffer.from(r.value) })),
  });
  const res = await raw.request(0, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }] });
  return res.responses[0].partitionResponses[0];
}

async function fetchAt(topic: string, offset: bigint): Promise<{ errorCode: number; logStartOffset: bigint; highWatermark: bigint; batches: BatchView[] }> {
  const res = await raw.request(1, 12, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 50 * 1024 * 1024,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 10 * 1024 * 1024 }] }],
    forgottenTopicsData: [],
    rackId: '',
  });
  const p = res.responses[0].partitions[0];
  const bytes: Buffer = Array.isArray(p.records) ? Buffer.concat(p.records) : (p.records ?? Buffer.alloc(0));
  const split = bytes.length > 0 ? splitBatches(bytes) : { batches: [] };
  if ('error' in split) throw new Error(split.message);
  return { errorCode: p.errorCode, logStartOffset: p.logStartOffset, highWatermark: p.highWatermark, batches: split.batches };
}

async function earliest(topic: string): Promise<bigint> {
  const res = await raw.request(2, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n }] }] });
  return res.topics[0].partitions[0].offset;
}

interface Seen {
  offset: bigint;
  key: string | null;
  value: string | null;
}
/** Every record from the log start to the end, with the raw client. */
async function readAll(topic: string): Promise<Seen[]> {
  const out: Seen[] = [];
  let offset = await earliest(topic);
  for (;;) {
    const f = await fetchAt(topic, offset);
    expect(f.errorCode).toBe(ErrorCode.NONE);
    if (f.batches.length === 0) return out;
    for (const b of f.batches) {
      if (!b.isControl) {
        for (const r of decodeRecords(b.buf)) {
          if (r.offset >= offset) out.push({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null });
        }
      }
      offset = b.lastOffset + 1n;
    }
    if (offset >= f.highWatermark) return out;
  }
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function segmentFiles(topic: string): string[] {
  return fs
    .readdirSync(path.join(dataDir, `${topic}-0`))
    .filter((f) => f.endsWith('.log'))
    .sort();
}

const pad = (n: bigint): string => `${n.toString().padStart(20, '0')}.log`;

describe('retention', () => {
  it('retention.bytes: old segments are deleted and fetches below the log start offset are out of range', async () => {
    const topic = topicName('bytes');
    await createTopic(topic, { 'segment.bytes': '1024', 'retention.bytes': '3000' });
    for (let i = 0; i < 40; i++) expect((await produce(topic, [{ key: `k${i}`, value: 'x'.repeat(150) }])).errorCode).toBe(ErrorCode.NONE);
    // Whole segments go while what is left still holds at least retention.bytes: ~4 segments of ~900 bytes.
    const start = await until('retention', async () => {
      const s = await earliest(topic);
      return s > 0n && segmentFiles(topic).length <= 5 ? s : undefined;
    });
    expect(segmentFiles(topic)[0]).toBe(pad(start));
    const below = await fetchAt(topic, 0n);
    expect(below.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    const at = await fetchAt(topic, start);
    expect(at.errorCode).toBe(ErrorCode.NONE);
    expect(at.logStartOffset).toBe(start);
    expect(at.batches[0]!.baseOffset).toBe(start);
    expect(at.highWatermark).toBe(40n);
  });

  it('retention.ms: segments whose records are older than retention.ms are deleted', async () => {
    const topic = topicName('ms');
    await createTopic(topic, { 'segment.bytes': '1024', 'retention.ms': '60000' });
    const old = Date.now() - 3_600_000;
    for (let i = 0; i < 20; i++) await produce(topic, [{ key: `k${i}`, value: 'x'.repeat(150) }], old);
    const recent = (await produce(topic, [{ key: 'new', value: 'recent' }])).baseOffset;
    expect(recent).toBe(20n);
    const start = await until('retention', async () => {
      const s = await earliest(topic);
      return s > 0n ? s : undefined;
    });
    expect(start).toBeLessThanOrEqual(recent);
    expect(segmentFiles(topic)[0]).toBe(pad(start));
    expect((await fetchAt(topic, start - 1n)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    const seen = await readAll(topic);
    expect(seen[seen.length - 1]).toEqual({ offset: recent, key: 'new', value: 'recent' });
  });
});

describe('compaction', () => {
  const COMPACT = { 'cleanup.policy': 'compact', 'segment.bytes': '1024', 'min.cleanable.dirty.ratio': '0.01', 'delete.retention.ms': '1500' };

  it('refuses records without a key (INVALID_RECORD)', async () => {
    const topic = topicName('keyless');
    await createTopic(topic, COMPACT);
    const r = await produce(topic, [{ key: 'a', value: '1' }, { key: null, value: '2' }]);
    expect(r.errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect(r.errorMessage).toMatch(/Compacted topic cannot accept message without key/);
    expect((await produce(topic, [{ key: 'a', value: '1' }])).errorCode).toBe(ErrorCode.NONE);
  });

  it('keeps the latest value per key at its original offset; tombstones go after delete.retention.ms', async () => {
    const topic = topicName('compact');
    await createTopic(topic, COMPACT);
    const latest = new Map<string, { offset: bigint; value: string | null }>();
    for (let round = 0; round < 8; round++) {
      for (let k = 0; k < 10; k++) {
        const value = `k${k}-round${round}-${'v'.repeat(60)}`;
        const { baseOffset } = await produce(topic, [{ key: `k${k}`, value }]);
        latest.set(`k${k}`, { offset: baseOffset, value });
      }
    }
    for (const k of ['k3', 'k7']) latest.set(k, { offset: (await produce(topic, [{ key: k, value: null }])).baseOffset, value: null });
    // Fillers with their own keys push every k* record out of the active segment.
    for (let i = 0; i < 20; i++) await produce(topic, [{ key: `filler${i}`, value: 'f'.repeat(100) }]);
    const end = (await fetchAt(topic, 0n)).highWatermark;

    // First: every key once, at the offset of its last write; the tombstones are still there.
    const compacted = await until('compaction', async () => {
      const seen = (await readAll(topic)).filter((r) => r.key!.startsWith('k'));
      return seen.length === 10 ? seen : undefined;
    });
    for (const [key, l] of latest) expect(compacted).toContainEqual({ offset: l.offset, key, value: l.value });
    expect(await earliest(topic)).toBe(0n); // compaction never moves the log start offset
    expect((await fetchAt(topic, 0n)).highWatermark).toBe(end);
    // A fetch at an offset that was cleaned away gets the next batch that survives.
    const gap = await fetchAt(topic, 1n);
    expect(gap.errorCode).toBe(ErrorCode.NONE);
    expect(gap.batches[0]!.lastOffset).toBeGreaterThanOrEqual(1n);

    // Then, once delete.retention.ms has passed, the tombstones go too.
    const final = await until('tombstone removal', async () => {
      const seen = (await readAll(topic)).filter((r) => r.key!.startsWith('k'));
      return seen.length === 8 ? seen : undefined;
    });
    expect(final.some((r) => r.value === null)).toBe(false);
    for (const [key, l] of latest) if (l.value !== null) expect(final).toContainEqual({ offset: l.offset, key, value: l.value });

    // A kafkajs consumer reads the compacted log to the end and sees the same.
    const kafka = new Kafka({ clientId: 'rc-compat', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `rc-${suffix}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const got = new Map<string, { offset: bigint; value: string | null }>();
    let last = -1n;
    await consumer.run({
      eachMessage: async ({ message }) => {
        got.set(message.key!.toString(), { offset: BigInt(message.offset), value: message.value?.toString() ?? null });
        last = BigInt(message.offset);
      },
    });
    await until('kafkajs consumer', async () => last >= end - 1n);
    await consumer.disconnect();
    for (const [key, l] of latest) {
      if (l.value === null) expect(got.has(key)).toBe(false);
      else expect(got.get(key)).toEqual(l);
    }
  });

  it('recovers from a restart in the middle of a cleaning (leftover .cleaned and .swap files)', async () => {
    const topic = topicName('restart');
    // A long cleaner backoff on this topic's broker is not possible per topic: stop the broker before it cleans.
    await createTopic(topic, { ...COMPACT, 'min.compaction.lag.ms': '3600000' });
    const latest = new Map<string, { offset: bigint; value: string }>();
    for (let round = 0; round < 6; round++) {
      for (let k = 0; k < 6; k++) {
        const value = `k${k}-r${round}-${'w'.repeat(60)}`;
        latest.set(`k${k}`, { offset: (await produce(topic, [{ key: `k${k}`, value }])).baseOffset, value });
      }
    }
    for (let i = 0; i < 10; i++) await produce(topic, [{ key: `filler${i}`, value: 'f'.repeat(100) }]);
    const before = await readAll(topic);
    await broker.close();

    // Half-way through a cleaning: the first group's swap committed, a later group only written as .cleaned.
    const pdir = path.join(dataDir, `${topic}-0`);
    const store = new DiskLogStore({ dataDir, logger: pino({ level: 'silent' }), maintenance: { retentionCheckIntervalMs: 0, cleanerBackoffMs: 0 } });
    await store.open();
    const log = store.partition(topic, 0) as DiskPartitionLog;
    const saved: { name: string; data: Buffer }[] = [];
    let swaps = 0;
    await expect(
      log.compact({
        map: () => new OffsetMap(1 << 20),
        policy: logPolicy({ ...COMPACT, 'min.compaction.lag.ms': '0' }),
        segmentBytes: 1024,
        nowMs: Date.now(),
        lastStableOffset: log.logEndOffset,
        logger: pino({ level: 'silent' }),
        beforeSwap: (base, replaced) => {
          const cleaned = fs.readdirSync(pdir).filter((f) => f.endsWith('.cleaned'));
          if (swaps++ === 0) {
            for (const f of cleaned) saved.push({ name: f.replace(/\.cleaned$/, '.swap'), data: fs.readFileSync(path.join(pdir, f)) });
            saved.push({ name: `${base.toString().padStart(20, '0')}.replaced.swap`, data: Buffer.from(`${replaced.join('\n')}\n`) });
            return; // this group really swaps in below; its files are restored later as if the swap had not finished
          }
          for (const f of cleaned) saved.push({ name: f, data: fs.readFileSync(path.join(pdir, f)) });
          throw new Error('simulated crash');
        },
      }),
    ).rejects.toThrow('simulated crash');
    await store.close();
    // Put the crash's leftovers back: the first group as a committed swap whose old first segment is already gone,
    // the second as unfinished .cleaned files.
    const firstBase = saved[0]!.name.slice(0, 20);
    for (const s of saved) fs.writeFileSync(path.join(pdir, s.name), s.data);
    fs.rmSync(path.join(pdir, `${firstBase}.log`), { force: true });
    expect(fs.readdirSync(pdir).some((f) => f.endsWith('.swap'))).toBe(true);
    expect(fs.readdirSync(pdir).some((f) => f.endsWith('.cleaned'))).toBe(true);

    broker = await startTestBroker(brokerOpts);
    raw.close();
    raw = await RawClient.connect(broker.port);
    const files = fs.readdirSync(pdir);
    expect(files.filter((f) => f.endsWith('.swap') || f.endsWith('.cleaned'))).toEqual([]);
    const after = await readAll(topic);
    // Nothing newer was lost: every key's latest value is there at its offset, offsets are unique and ordered.
    for (const [key, l] of latest) expect(after).toContainEqual({ offset: l.offset, key, value: l.value });
    const offsets = after.map((r) => r.offset);
    expect(new Set(offsets).size).toBe(offsets.length);
    expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : 1)));
    expect(after.length).toBeLessThan(before.length); // the committed group is compacted
    expect(after.every((r) => before.some((b) => b.offset === r.offset && b.value === r.value))).toBe(true);
  });
});
