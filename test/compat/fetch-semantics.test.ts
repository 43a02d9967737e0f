// Kafka semantics of Fetch, ListOffsets, Produce errors, ApiVersions, CreateTopics,
// DeleteTopics and Metadata edge cases, over a real socket with the project's own
// codecs (raw client), at exact versions.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codecFor } from '../../src/wire/codecs.js';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { Reader } from '../../src/wire/reader.js';
import { buildBatch } from '../../src/wire/batch-records.js';
import { Codec } from '../../src/wire/compression/index.js';
import { BatchView, buildRecordBatch, decodeRecords, setMaxTimestamp, splitBatches, type RecordInput } from '../../src/wire/record-batch.js';
import { Writer } from '../../src/wire/writer.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

let broker: TestBroker;
let raw: RawClient;
const clients: RawClient[] = [];
const suffix = `${process.pid}-${Date.now().toString(36)}`;
let topicSeq = 0;
const topicName = (base: string): string => `fs-${base}-${suffix}-${topicSeq++}`;
const T = 1_700_000_000_000n;
const RANDOM_ID = 'q83vEjRWeJCrze8SNFZ4kA'; // 16 arbitrary bytes, base64url; no topic has it

beforeAll(async () => {
  broker = await startTestBroker();
  raw = await RawClient.connect(broker.port);
});

afterAll(async () => {
  raw?.close();
  for (const c of clients) c.close();
  await broker?.close();
});

async function client(): Promise<RawClient> {
  const c = await RawClient.connect(broker.port);
  clients.push(c);
  return c;
}

async function createTopic(name: string, numPartitions = 1, configs: Record<string, string> = {}): Promise<string> {
  const res = await raw.request(19, 7, {
    topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  expect(res.topics[0].errorCode).toBe(ErrorCode.NONE);
  return res.topics[0].topicId;
}

function batchOf(values: string[], opts: { baseTimestamp?: bigint; deltas?: number[] } = {}): Buffer {
  const records: RecordInput[] = values.map((v, i) => ({ key: Buffer.from(`k-${v}`), value: Buffer.from(v), timestampDelta: opts.deltas?.[i] ?? 0 }));
  return buildRecordBatch({ baseTimestamp: opts.baseTimestamp ?? T, records });
}

interface PartResult {
  index: number;
  errorCode: number;
  baseOffset: bigint;
  errorMessage?: string | null;
}

async function produce(topic: string, partition: number, records: Buffer | null, opts: { version?: number; acks?: number; c?: RawClient } = {}): Promise<PartResult> {
  const res = await (opts.c ?? raw).request(0, opts.version ?? 9, {
    transactionalId: null,
    acks: opts.acks ?? -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  });
  expect(res.responses.map((r: any) => r.name)).toEqual([topic]);
  return res.responses[0].partitionResponses[0];
}

interface FetchPart {
  topic: string;
  partition: number;
  fetchOffset: bigint;
  partitionMaxBytes?: number;
  currentLeaderEpoch?: number;
  topicId?: string;
}

interface FetchOpts {
  maxWaitMs?: number;
  minBytes?: number;
  maxBytes?: number;
  sessionId?: number;
  sessionEpoch?: number;
  isolationLevel?: number;
  c?: RawClient;
}

/** A Fetch at `version`; topics by name up to v12, by id from v13 (looked up from the store unless given). */
async function fetch(version: number, parts: FetchPart[], opts: FetchOpts = {}): Promise<any> {
  const byTopic = new Map<string, FetchPart[]>();
  for (const p of parts) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
  const topics = [...byTopic.entries()].map(([topic, ps]) => ({
    topic,
    topicId: ps[0]!.topicId ?? broker.broker.store.topic(topic)?.topicId ?? RANDOM_ID,
    partitions: ps.map((p) => ({
      partition: p.partition,
      currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
      fetchOffset: p.fetchOffset,
      lastFetchedEpoch: -1,
      logStartOffset: -1n,
      partitionMaxBytes: p.partitionMaxBytes ?? 1024 * 1024,
    })),
  }));
  return (opts.c ?? raw).request(1, version, {
    replicaId: -1,
    maxWaitMs: opts.maxWaitMs ?? 0,
    minBytes: opts.minBytes ?? 0,
    maxBytes: opts.maxBytes ?? 50 * 1024 * 1024,
    isolationLevel: opts.isolationLevel ?? 0,
    sessionId: opts.sessionId ?? 0,
    sessionEpoch: opts.sessionEpoch ?? -1,
    topics,
    forgottenTopicsData: [],
    rackId: '',
  });
}

function batchesOf(records: Buffer): BatchView[] {
  const split = splitBatches(records);
  if ('error' in split) throw new Error(`fetched bytes do not parse as whole batches: ${split.message}`);
  return split.batches;
}

const offsetsOf = (bs: BatchView[]): [bigint, bigint][] => bs.map((b) => [b.baseOffset, b.lastOffset]);

async function listOffsets(version: number, topic: string, partitions: { partitionIndex: number; timestamp: bigint; maxNumOffsets?: number }[], isolationLevel = 0): Promise<any[]> {
  const res = await raw.request(2, version, {
    replicaId: -1,
    isolationLevel,
    topics: [{ name: topic, partitions: partitions.map((p) => ({ currentLeaderEpoch: -1, maxNumOffsets: 1, ...p })) }],
    timeoutMs: 5000,
  });
  expect(res.topics.map((t: any) => t.name)).toEqual([topic]);
  return res.topics[0].partitions;
}

/** Writes one frame on a fresh socket and resolves with the first response frame (without its size prefix). */
function exchangeRaw(frame: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = connect({ port: broker.port, host: '127.0.0.1' }, () => s.write(frame));
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('no response'));
    }, 3000);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        clearTimeout(timer);
        s.destroy();
        resolve(buf.subarray(4, 4 + buf.readInt32BE(0)));
      }
    });
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

// ---------------------------------------------------------------------------

describe('Fetch long poll', () => {
  it.each([11, 12, 17])('Fetch v%i with maxWaitMs=2000, minBytes=1 returns as soon as another connection produces', async (version) => {
    const topic = topicName(`poll-v${version}`);
    await createTopic(topic);
    const consumer = await client();
    const producer = await client();
    const t0 = performance.now();
    const pending = fetch(version, [{ topic, partition: 0, fetchOffset: 0n }], { maxWaitMs: 2000, minBytes: 1, c: consumer });
    await new Promise((r) => setTimeout(r, 100));
    const produced = await produce(topic, 0, batchOf(['wake-up']), { c: producer });
    expect(produced.errorCode).toBe(ErrorCode.NONE);
    const res = await pending;
    const ms = performance.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(90);
    expect(ms).toBeLessThan(700);
    const p = res.responses[0].partitions[0];
    expect(p.errorCode).toBe(ErrorCode.NONE);
    expect(p.highWatermark).toBe(1n);
    expect(decodeRecords(batchesOf(p.records)[0]!.buf).map((r) => r.value?.toString())).toEqual(['wake-up']);
  });

  it('with nothing produced, Fetch v11/v12/v17 return empty after about maxWaitMs', async () => {
    const topic = topicName('poll-timeout');
    await createTopic(topic);
    const runs = [11, 12, 17].map(async (version) => {
      const c = await client();
      const t0 = performance.now();
      const res = await fetch(version, [{ topic, partition: 0, fetchOffset: 0n }], { maxWaitMs: 2000, minBytes: 1, c });
      return { version, ms: performance.now() - t0, res };
    });
    for (const { version, ms, res } of await Promise.all(runs)) {
      expect(ms, `v${version}`).toBeGreaterThanOrEqual(1950);
      expect(ms, `v${version}`).toBeLessThan(2600);
      expect(res.errorCode).toBe(ErrorCode.NONE);
      const p = res.responses[0].partitions[0];
      expect(p.errorCode).toBe(ErrorCode.NONE);
      expect(p.highWatermark).toBe(0n);
      expect(p.records.length).toBe(0);
    }
  });

  it('minBytes larger than what arrives keeps waiting until maxWaitMs, then returns what there is', async () => {
    const topic = topicName('poll-minbytes');
    await createTopic(topic);
    const c = await client();
    const t0 = performance.now();
    const pending = fetch(11, [{ topic, partition: 0, fetchOffset: 0n }], { maxWaitMs: 800, minBytes: 100_000, c });
    await new Promise((r) => setTimeout(r, 100));
    await produce(topic, 0, batchOf(['small']));
    const res = await pending;
    const ms = performance.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(750);
    expect(ms).toBeLessThan(1400);
    expect(batchesOf(res.responses[0].partitions[0].records).map((b) => b.recordCount)).toEqual([1]);
  });

  it('a wait over several partitions wakes on an append to any of them', async () => {
    const a = topicName('poll-multi-a');
    const b = topicName('poll-multi-b');
    await createTopic(a, 2);
    await createTopic(b, 1);
    const c = await client();
    const t0 = performance.now();
    const pending = fetch(
      12,
      [
        { topic: a, partition: 0, fetchOffset: 0n },
        { topic: a, partition: 1, fetchOffset: 0n },
        { topic: b, partition: 0, fetchOffset: 0n },
      ],
      { maxWaitMs: 2000, minBytes: 1, c },
    );
    await new Promise((r) => setTimeout(r, 100));
    await produce(b, 0, batchOf(['to-b']));
    const res = await pending;
    expect(performance.now() - t0).toBeLessThan(700);
    const got = res.responses.flatMap((t: any) => t.partitions.map((p: any) => [t.topic, p.partitionIndex, p.records.length > 0]));
    expect(got).toEqual([
      [a, 0, false],
      [a, 1, false],
      [b, 0, true],
    ]);
  });

  it.each([11, 17])('Fetch v%i: a long poll on a topic deleted (and re-created) meanwhile answers the topic error, never the old log', async (version) => {
    const t = topicName(`poll-deleted-v${version}`);
    await createTopic(t);
    await produce(t, 0, batchOf(['old']));
    const c = await client();
    const t0 = performance.now();
    const pending = fetch(version, [{ topic: t, partition: 0, fetchOffset: 1n }], { maxWaitMs: 600, minBytes: 1, c });
    await new Promise((r) => setTimeout(r, 100));
    const del = await raw.request(20, 4, { topicNames: [t], timeoutMs: 5000 });
    expect(del.responses[0].errorCode).toBe(ErrorCode.NONE);
    await createTopic(t);
    await produce(t, 0, batchOf(['new-0', 'new-1']));
    const res = await pending;
    expect(performance.now() - t0).toBeLessThan(1200);
    const p = res.responses[0].partitions[0];
    expect([p.errorCode, p.highWatermark, p.records.length]).toEqual([
      version >= 13 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      -1n,
      0,
    ]);
  });

  it('a client that half-closes during a long poll (maxWaitMs = 2^31-1) gets the answer at once, then the broker ends the connection', async () => {
    const topic = topicName('poll-fin');
    await createTopic(topic);
    const c = await client();
    const t0 = performance.now();
    const pending = fetch(12, [{ topic, partition: 0, fetchOffset: 0n }], { maxWaitMs: 2 ** 31 - 1, minBytes: 1, c });
    await new Promise((r) => setTimeout(r, 100));
    c.socket.end(); // FIN: the client sends nothing more but still reads
    const res = await pending;
    expect(performance.now() - t0).toBeLessThan(5000); // not max_wait_ms (~24 days); generous for a loaded machine
    const p = res.responses[0].partitions[0];
    expect(p.errorCode).toBe(ErrorCode.NONE);
    expect(p.highWatermark).toBe(0n);
    expect(Buffer.concat([p.records].flat()).length).toBe(0);
    await c.waitClosed(5000);
  });

  it('a client that disconnects during a long poll does not leave its connection behind', async () => {
    const topic = topicName('poll-gone');
    await createTopic(topic);
    const server = (broker.broker as unknown as { server: { connections: ReadonlySet<unknown> } }).server;
    const c = await client();
    void fetch(12, [{ topic, partition: 0, fetchOffset: 0n }], { maxWaitMs: 2 ** 31 - 1, minBytes: 1, c }).catch(() => {});
    await new Promise((r) => setTimeout(r, 100));
    const before = server.connections.size;
    c.socket.destroy();
    const deadline = Date.now() + 5000;
    while (server.connections.size >= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(server.connections.size).toBe(before - 1);
  });

  it('a partition error answers at once instead of waiting (OFFSET_OUT_OF_RANGE with maxWaitMs=2000)', async () => {
    const topic = topicName('poll-error');
    await createTopic(topic);
    const t0 = performance.now();
    const res = await fetch(11, [{ topic, partition: 0, fetchOffset: 5n }], { maxWaitMs: 2000, minBytes: 1 });
    expect(performance.now() - t0).toBeLessThan(500);
    expect(res.responses[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  });
});

describe('Fetch sizes and positions', () => {
  const topic = topicName('sizes');
  let sizes: number[] = [];

  beforeAll(async () => {
    await createTopic(topic, 2);
    // Partition 0: five batches of 3 records (offsets 0-2, 3-5, ..., 12-14). Partition 1: one batch of 2.
    for (let b = 0; b < 5; b++) {
      const r = await produce(topic, 0, batchOf([0, 1, 2].map((i) => `b${b}-r${i}-${'x'.repeat(100)}`)));
      expect(r.baseOffset).toBe(BigInt(b * 3));
    }
    await produce(topic, 1, batchOf(['p1-a', 'p1-b']));
    const all = await fetch(11, [{ topic, partition: 0, fetchOffset: 0n }]);
    sizes = batchesOf(all.responses[0].partitions[0].records).map((b) => b.buf.length);
    expect(sizes).toHaveLength(5);
  });

  it('partitionMaxBytes smaller than the first batch still returns that whole batch (KIP-74)', async () => {
    for (const version of [4, 11, 12, 17]) {
      const res = await fetch(version, [{ topic, partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 }]);
      expect(offsetsOf(batchesOf(res.responses[0].partitions[0].records)), `v${version}`).toEqual([[0n, 2n]]);
    }
  });

  it('partitionMaxBytes bounds how many whole batches come back', async () => {
    const two = sizes[0]! + sizes[1]!;
    const exact = await fetch(11, [{ topic, partition: 0, fetchOffset: 0n, partitionMaxBytes: two }]);
    expect(offsetsOf(batchesOf(exact.responses[0].partitions[0].records))).toEqual([
      [0n, 2n],
      [3n, 5n],
    ]);
    // One byte short of two batches: the first batch whole; no more than the limit in total.
    const short = await fetch(11, [{ topic, partition: 0, fetchOffset: 0n, partitionMaxBytes: two - 1 }]);
    const recs: Buffer = short.responses[0].partitions[0].records;
    expect(recs.length).toBeLessThanOrEqual(two - 1);
    expect(offsetsOf(batchesOf(recs))).toEqual([[0n, 2n]]);
  });

  it('request maxBytes bounds the whole response; the first non-empty partition still gets one batch', async () => {
    const tiny = await fetch(11, [{ topic, partition: 0, fetchOffset: 0n }, { topic, partition: 1, fetchOffset: 0n }], { maxBytes: 1 });
    const [p0, p1] = tiny.responses[0].partitions;
    expect(offsetsOf(batchesOf(p0.records))).toEqual([[0n, 2n]]);
    expect(p1.records.length).toBe(0);
    expect(p1.highWatermark).toBe(2n);
    expect(p1.errorCode).toBe(ErrorCode.NONE);

    // Partition 0 caught up (nothing to return): partition 1 is the first with data and gets its batch.
    const caughtUp = await fetch(11, [{ topic, partition: 0, fetchOffset: 15n }, { topic, partition: 1, fetchOffset: 0n }], { maxBytes: 1 });
    const [q0, q1] = caughtUp.responses[0].partitions;
    expect(q0.records.length).toBe(0);
    expect(offsetsOf(batchesOf(q1.records))).toEqual([[0n, 1n]]);

    const three = sizes[0]! + sizes[1]! + sizes[2]!;
    const bounded = await fetch(17, [{ topic, partition: 0, fetchOffset: 0n }, { topic, partition: 1, fetchOffset: 0n }], { maxBytes: three });
    const [r0, r1] = bounded.responses[0].partitions;
    expect(offsetsOf(batchesOf(r0.records))).toEqual([
      [0n, 2n],
      [3n, 5n],
      [6n, 8n],
    ]);
    expect(r1.records.length).toBe(0);
  });

  it('a fetch from the middle of a batch returns the whole containing batch (baseOffset < fetchOffset)', async () => {
    for (const version of [4, 11, 13, 17]) {
      const res = await fetch(version, [{ topic, partition: 0, fetchOffset: 7n, partitionMaxBytes: 1 }]);
      const bs = batchesOf(res.responses[0].partitions[0].records);
      expect(offsetsOf(bs), `v${version}`).toEqual([[6n, 8n]]);
      expect(decodeRecords(bs[0]!.buf).map((r) => r.offset)).toEqual([6n, 7n, 8n]);
    }
    const rest = await fetch(11, [{ topic, partition: 0, fetchOffset: 13n }]);
    expect(offsetsOf(batchesOf(rest.responses[0].partitions[0].records))).toEqual([[12n, 14n]]);
  });

  it('high watermark, last stable offset and log start offset by version', async () => {
    const v4 = (await fetch(4, [{ topic, partition: 0, fetchOffset: 0n }])).responses[0].partitions[0];
    expect([v4.highWatermark, v4.lastStableOffset, v4.logStartOffset]).toEqual([15n, 15n, -1n]); // logStartOffset is v5+
    for (const version of [5, 11, 12, 17]) {
      const p = (await fetch(version, [{ topic, partition: 0, fetchOffset: 3n }])).responses[0].partitions[0];
      expect([p.highWatermark, p.lastStableOffset, p.logStartOffset], `v${version}`).toEqual([15n, 15n, 0n]);
      expect(p.abortedTransactions ?? []).toEqual([]);
      if (version >= 11) expect(p.preferredReadReplica).toBe(-1);
    }
    // read_committed: no transactions, so the same LSO and the same data.
    const rc = (await fetch(11, [{ topic, partition: 0, fetchOffset: 12n }], { isolationLevel: 1 })).responses[0].partitions[0];
    expect(rc.lastStableOffset).toBe(15n);
    expect(offsetsOf(batchesOf(rc.records))).toEqual([[12n, 14n]]);
  });

  it('OFFSET_OUT_OF_RANGE past the end and for a negative offset; the end itself is fine and empty', async () => {
    for (const version of [11, 17]) {
      const res = await fetch(version, [
        { topic, partition: 0, fetchOffset: 16n },
        { topic, partition: 0, fetchOffset: -1n },
        { topic, partition: 1, fetchOffset: 2n },
      ]);
      const ps = res.responses[0].partitions;
      expect(ps.map((p: any) => [p.partitionIndex, p.errorCode, p.records.length]), `v${version}`).toEqual([
        [0, ErrorCode.OFFSET_OUT_OF_RANGE, 0],
        [0, ErrorCode.OFFSET_OUT_OF_RANGE, 0],
        [1, ErrorCode.NONE, 0],
      ]);
      expect(ps[2].highWatermark).toBe(2n);
    }
  });

  it('unknown topic: UNKNOWN_TOPIC_OR_PARTITION by name (v11, v12), UNKNOWN_TOPIC_ID by id (v13, v17)', async () => {
    const missing = `fs-missing-${suffix}`;
    for (const version of [11, 12]) {
      const res = await fetch(version, [{ topic: missing, partition: 0, fetchOffset: 0n }], { maxWaitMs: 1000, minBytes: 1 });
      expect(res.errorCode).toBe(ErrorCode.NONE);
      expect(res.responses.map((t: any) => [t.topic, t.partitions.map((p: any) => [p.partitionIndex, p.errorCode])])).toEqual([
        [missing, [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
      ]);
    }
    for (const version of [13, 17]) {
      const res = await fetch(version, [{ topic: missing, topicId: RANDOM_ID, partition: 0, fetchOffset: 0n }], { maxWaitMs: 1000, minBytes: 1 });
      expect(res.responses.map((t: any) => [t.topicId, t.partitions.map((p: any) => [p.partitionIndex, p.errorCode])])).toEqual([
        [RANDOM_ID, [[0, ErrorCode.UNKNOWN_TOPIC_ID]]],
      ]);
    }
    // A partition index the topic does not have.
    const res = await fetch(17, [{ topic, partition: 9, fetchOffset: 0n }]);
    expect(res.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(broker.broker.store.topic(missing)).toBeUndefined();
  });

  it('currentLeaderEpoch newer than the leader’s → UNKNOWN_LEADER_EPOCH; -1 and 0 are accepted', async () => {
    const res = await fetch(11, [
      { topic, partition: 0, fetchOffset: 0n, currentLeaderEpoch: 3, partitionMaxBytes: 1 },
      { topic, partition: 1, fetchOffset: 0n, currentLeaderEpoch: 0 },
    ]);
    expect(res.responses[0].partitions.map((p: any) => p.errorCode)).toEqual([ErrorCode.UNKNOWN_LEADER_EPOCH, ErrorCode.NONE]);
  });

  it('a nonzero unknown fetch session id gets FETCH_SESSION_ID_NOT_FOUND; sessionless fetches get session 0', async () => {
    for (const version of [7, 11, 17]) {
      const res = await fetch(version, [{ topic, partition: 0, fetchOffset: 0n }], { sessionId: 123456, sessionEpoch: 1 });
      expect([res.errorCode, res.sessionId, res.responses.length], `v${version}`).toEqual([ErrorCode.FETCH_SESSION_ID_NOT_FOUND, 0, 0]);
    }
    // Epoch 0 asks for a new session; the broker may decline with session id 0 and a full response.
    const fresh = await fetch(11, [{ topic, partition: 1, fetchOffset: 0n }], { sessionId: 0, sessionEpoch: 0 });
    expect([fresh.errorCode, fresh.sessionId]).toEqual([ErrorCode.NONE, 0]);
    expect(fresh.responses[0].partitions[0].records.length).toBeGreaterThan(0);
  });
});

describe('ListOffsets', () => {
  const topic = topicName('list-offsets');
  // Batch A (offsets 0-2): T, T+10, T+20 (Produce v3). Batch B (3-4): T+100, T+50 (Produce v9).
  // Batch C (5): T+30, lower than an earlier maximum (Produce v9).
  beforeAll(async () => {
    await createTopic(topic, 2);
    expect((await produce(topic, 0, batchOf(['a0', 'a1', 'a2'], { baseTimestamp: T, deltas: [0, 10, 20] }), { version: 3 })).baseOffset).toBe(0n);
    expect((await produce(topic, 0, batchOf(['b3', 'b4'], { baseTimestamp: T + 100n, deltas: [0, -50] }), { version: 9 })).baseOffset).toBe(3n);
    expect((await produce(topic, 0, batchOf(['c5'], { baseTimestamp: T + 30n }), { version: 9 })).baseOffset).toBe(5n);
  });

  it('v0: oldStyleOffsets for latest (-1) and earliest (-2)', async () => {
    const ps = await listOffsets(0, topic, [
      { partitionIndex: 0, timestamp: -1n, maxNumOffsets: 1 },
      { partitionIndex: 1, timestamp: -2n, maxNumOffsets: 1 },
    ]);
    expect(ps.map((p) => [p.partitionIndex, p.errorCode, p.oldStyleOffsets])).toEqual([
      [0, ErrorCode.NONE, [6n]],
      [1, ErrorCode.NONE, [0n]],
    ]);
    const earliest = await listOffsets(0, topic, [{ partitionIndex: 0, timestamp: -2n, maxNumOffsets: 1 }]);
    expect(earliest[0].oldStyleOffsets).toEqual([0n]);
  });

  it('v1 and v4: latest/earliest offsets with timestamp -1', async () => {
    for (const version of [1, 4]) {
      const ps = await listOffsets(version, topic, [
        { partitionIndex: 0, timestamp: -1n },
        { partitionIndex: 0, timestamp: -2n },
        { partitionIndex: 1, timestamp: -1n },
      ]);
      expect(ps.map((p) => [p.partitionIndex, p.errorCode, p.offset, p.timestamp]), `v${version}`).toEqual([
        [0, ErrorCode.NONE, 6n, -1n],
        [0, ErrorCode.NONE, 0n, -1n],
        [1, ErrorCode.NONE, 0n, -1n],
      ]);
    }
  });

  it('by timestamp: the first offset whose record timestamp is >= the target (v1, v4, v7, v10)', async () => {
    const cases: [bigint, bigint, bigint][] = [
      // target, offset, timestamp of that record
      [T - 1000n, 0n, T],
      [T, 0n, T],
      [T + 1n, 1n, T + 10n],
      [T + 15n, 2n, T + 20n], // inside batch A
      [T + 20n, 2n, T + 20n],
      [T + 25n, 3n, T + 100n], // batch A is all older; batch B's first record (T+100) is the first >= T+25
      [T + 60n, 3n, T + 100n],
      [T + 100n, 3n, T + 100n],
      [T + 101n, -1n, -1n], // nothing that late
    ];
    for (const version of [1, 4, 7, 10]) {
      const ps = await listOffsets(version, topic, cases.map(([ts]) => ({ partitionIndex: 0, timestamp: ts })));
      expect(ps.map((p) => [p.errorCode, p.offset, p.timestamp]), `v${version}`).toEqual(cases.map(([, o, ts]) => [ErrorCode.NONE, o, ts]));
      if (version >= 4) expect(ps.map((p) => p.leaderEpoch)).toEqual(cases.map(([, o]) => (o >= 0n ? 0 : -1)));
    }
  });

  it('v7: max timestamp (-3) is the record with the largest timestamp; -1/-1 on an empty partition', async () => {
    const ps = await listOffsets(7, topic, [
      { partitionIndex: 0, timestamp: -3n },
      { partitionIndex: 1, timestamp: -3n },
    ]);
    expect(ps.map((p) => [p.partitionIndex, p.errorCode, p.offset, p.timestamp])).toEqual([
      [0, ErrorCode.NONE, 3n, T + 100n],
      [1, ErrorCode.NONE, -1n, -1n],
    ]);
  });

  it('unknown topic or partition → UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const missing = await listOffsets(5, `fs-nope-${suffix}`, [{ partitionIndex: 0, timestamp: -1n }]);
    expect(missing.map((p) => [p.errorCode, p.offset])).toEqual([[ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1n]]);
    const badPartition = await listOffsets(5, topic, [{ partitionIndex: 7, timestamp: -1n }]);
    expect(badPartition[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});

describe('Produce errors', () => {
  const topic = topicName('produce-errors');
  beforeAll(async () => {
    await createTopic(topic, 2, { 'max.message.bytes': '1024' });
  });

  async function hw(partition: number): Promise<bigint> {
    const ps = await listOffsets(1, topic, [{ partitionIndex: partition, timestamp: -1n }]);
    return ps[0].offset;
  }

  it('unknown topic → UNKNOWN_TOPIC_OR_PARTITION (v3, v9), and no auto-creation', async () => {
    const missing = `fs-produce-missing-${suffix}`;
    for (const version of [3, 9]) {
      const r = await produce(missing, 0, batchOf(['x']), { version });
      expect([r.index, r.errorCode, r.baseOffset], `v${version}`).toEqual([0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1n]);
    }
    const badPartition = await produce(topic, 5, batchOf(['x']));
    expect(badPartition.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(broker.broker.store.topic(missing)).toBeUndefined();
  });

  it('a corrupted CRC → CORRUPT_MESSAGE, nothing stored', async () => {
    const batch = batchOf(['will be corrupted']);
    batch[batch.length - 3] ^= 0xff; // a byte inside the last record, covered by the CRC
    for (const version of [3, 9]) {
      const r = await produce(topic, 0, batch, { version });
      expect(r.errorCode, `v${version}`).toBe(ErrorCode.CORRUPT_MESSAGE);
    }
    expect(await hw(0)).toBe(0n);
  });

  it('a batch larger than the topic max.message.bytes → MESSAGE_TOO_LARGE; one under it is accepted', async () => {
    const big = batchOf(['y'.repeat(1100)]);
    expect(big.length).toBeGreaterThan(1024);
    const r = await produce(topic, 1, big);
    expect(r.errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect(r.errorMessage).toMatch(/1024/);
    expect(await hw(1)).toBe(0n);
    // The limit applies to the whole batch (log overhead included): exactly 1024 bytes passes, 1025 does not.
    const sized = (total: number): Buffer => {
      for (let n = 0; n < total; n++) {
        const b = buildRecordBatch({ baseTimestamp: T, records: [{ key: null, value: Buffer.alloc(n, 'z') }] });
        if (b.length === total) return b;
      }
      throw new Error(`no batch of exactly ${total} bytes`);
    };
    const over = await produce(topic, 1, sized(1025));
    expect(over.errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    const ok = await produce(topic, 1, sized(1024));
    expect([ok.errorCode, ok.baseOffset]).toEqual([ErrorCode.NONE, 0n]);
    expect(await hw(1)).toBe(1n);
  });

  it('invalid acks (2) → INVALID_REQUIRED_ACKS on every partition, nothing stored', async () => {
    const before = await hw(0);
    const res = await raw.request(0, 9, {
      transactionalId: null,
      acks: 2,
      timeoutMs: 5000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records: batchOf(['a']) }, { index: 1, records: batchOf(['b']) }] }],
    });
    expect(res.responses[0].partitionResponses.map((p: any) => [p.index, p.errorCode])).toEqual([
      [0, ErrorCode.INVALID_REQUIRED_ACKS],
      [1, ErrorCode.INVALID_REQUIRED_ACKS],
    ]);
    expect(await hw(0)).toBe(before);
  });

  it('clients cannot write to internal topics: INVALID_TOPIC_EXCEPTION, nothing stored', async () => {
    // Joining a group creates __consumer_offsets; then a client tries to produce into it.
    await raw.request(10, 3, { key: 'internal-probe', keyType: 0 });
    await raw.request(11, 5, { groupId: 'internal-probe', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] });
    const offsets = await raw.request(2, 1, { replicaId: -1, topics: [{ name: '__consumer_offsets', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
    const before = offsets.topics[0].partitions[0].offset;
    expect(offsets.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
    const r = await produce('__consumer_offsets', 0, batchOf(['forged']));
    expect(r.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    const after = await raw.request(2, 1, { replicaId: -1, topics: [{ name: '__consumer_offsets', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
    expect(after.topics[0].partitions[0].offset).toBe(before);
  });

  it('two batches for one partition → INVALID_RECORD (v3, v9), nothing stored', async () => {
    const before = await hw(0);
    const two = Buffer.concat([batchOf(['one']), batchOf(['two'])]);
    for (const version of [3, 9]) {
      const r = await produce(topic, 0, two, { version });
      expect(r.errorCode, `v${version}`).toBe(ErrorCode.INVALID_RECORD);
    }
    expect(await hw(0)).toBe(before);
  });

  it('one bad partition does not fail the others in the same request', async () => {
    const before = [await hw(0), await hw(1)];
    const corrupt = batchOf(['bad']);
    corrupt[corrupt.length - 1] ^= 0x01;
    const res = await raw.request(0, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records: batchOf(['good']) }, { index: 1, records: corrupt }] }],
    });
    expect(res.responses[0].partitionResponses.map((p: any) => [p.index, p.errorCode, p.baseOffset])).toEqual([
      [0, ErrorCode.NONE, before[0]],
      [1, ErrorCode.CORRUPT_MESSAGE, -1n],
    ]);
    expect([await hw(0), await hw(1)]).toEqual([before[0]! + 1n, before[1]]);
  });

  it('the broker assigns offsets: a client-supplied baseOffset is ignored', async () => {
    const t = topicName('base-offset');
    await createTopic(t);
    const b = buildRecordBatch({ baseOffset: 1000n, baseTimestamp: T, records: [{ key: null, value: Buffer.from('first') }, { key: null, value: Buffer.from('second') }] });
    const r = await produce(t, 0, b);
    expect([r.errorCode, r.baseOffset]).toEqual([ErrorCode.NONE, 0n]);
    const fetched = batchesOf((await fetch(11, [{ topic: t, partition: 0, fetchOffset: 0n }])).responses[0].partitions[0].records);
    expect(offsetsOf(fetched)).toEqual([[0n, 1n]]);
    expect(fetched[0]!.crcValid).toBe(true);
    expect(fetched[0]!.partitionLeaderEpoch).toBe(0);
  });

  it('clients may not write control batches → INVALID_RECORD', async () => {
    const t = topicName('control');
    await createTopic(t);
    // An (abort) control record: key = version 0, type 0.
    const key = Buffer.from([0, 0, 0, 0]);
    const control = buildRecordBatch({ baseTimestamp: T, control: true, transactional: true, producerId: 7n, producerEpoch: 0, records: [{ key, value: Buffer.from([0, 0, 0, 0, 0, 0]) }] });
    const r = await produce(t, 0, control);
    expect(r.errorCode).toBe(ErrorCode.INVALID_RECORD);
    const hwm = (await listOffsets(1, t, [{ partitionIndex: 0, timestamp: -1n }]))[0].offset;
    expect(hwm).toBe(0n);
  });

  it('LogAppendTime topics: produce reports the append time, fetch and ListOffsets use it', async () => {
    const t = topicName('log-append-time');
    await createTopic(t, 1, { 'message.timestamp.type': 'LogAppendTime' });
    const before = BigInt(Date.now());
    const r = await raw.request(0, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: t, partitionData: [{ index: 0, records: batchOf(['x', 'y'], { baseTimestamp: 1000n }) }] }] });
    const after = BigInt(Date.now());
    const pr = r.responses[0].partitionResponses[0];
    expect(pr.errorCode).toBe(ErrorCode.NONE);
    expect(pr.logAppendTimeMs).toBeGreaterThanOrEqual(before);
    expect(pr.logAppendTimeMs).toBeLessThanOrEqual(after);
    const [b] = batchesOf((await fetch(11, [{ topic: t, partition: 0, fetchOffset: 0n }])).responses[0].partitions[0].records);
    expect(b!.timestampType).toBe(1);
    expect(b!.maxTimestamp).toBe(pr.logAppendTimeMs);
    expect(b!.crcValid).toBe(true);
    expect(decodeRecords(b!.buf).map((x) => x.timestamp)).toEqual([pr.logAppendTimeMs, pr.logAppendTimeMs]);
    const byTs = await listOffsets(4, t, [{ partitionIndex: 0, timestamp: 2000n }, { partitionIndex: 0, timestamp: -3n }].slice(0, 1));
    expect(byTs.map((p) => [p.offset, p.timestamp])).toEqual([[0n, pr.logAppendTimeMs]]);
    const max = await listOffsets(7, t, [{ partitionIndex: 0, timestamp: -3n }]);
    expect(max.map((p) => p.timestamp)).toEqual([pr.logAppendTimeMs]);
  });

  it('CreateTime batches without a maxTimestamp (-1, as sarama before IBM/sarama#3108 sends) are stored with their largest record timestamp; ListOffsets finds them', async () => {
    // Kafka's LogValidator sets maxTimestamp from the records for uncompressed and compressed batches alike.
    const t = topicName('no-max-timestamp');
    await createTopic(t, 1);
    const records = (names: string[]) => names.map((v) => ({ key: Buffer.from(v), value: Buffer.from(v) }));
    const plain = buildRecordBatch({ baseTimestamp: T, records: records(['p0', 'p1', 'p2']).map((r, i) => ({ ...r, timestampDelta: [0, 30, 10][i] })) });
    const gzip = buildBatch({ compression: Codec.Gzip, baseTimestamp: T + 100n, records: records(['g3', 'g4']).map((r, i) => ({ ...r, timestampDelta: [0, -60][i] })) });
    for (const b of [plain, gzip]) {
      setMaxTimestamp(b, -1n);
      expect(new BatchView(b).crcValid).toBe(true);
    }
    expect((await produce(t, 0, plain, { version: 3 })).errorCode).toBe(ErrorCode.NONE);
    expect((await produce(t, 0, gzip, { version: 9 })).errorCode).toBe(ErrorCode.NONE);
    const stored = batchesOf((await fetch(11, [{ topic: t, partition: 0, fetchOffset: 0n }])).responses[0].partitions[0].records);
    expect(stored.map((b) => [b.baseOffset, b.timestampType, b.baseTimestamp, b.maxTimestamp, b.crcValid])).toEqual([
      [0n, 0, T, T + 30n, true],
      [3n, 0, T + 100n, T + 100n, true],
    ]);
    const ps = await listOffsets(7, t, [T + 5n, T + 30n, T + 31n, T + 100n, -3n].map((timestamp) => ({ partitionIndex: 0, timestamp })));
    expect(ps.map((p) => [p.offset, p.timestamp])).toEqual([[1n, T + 30n], [1n, T + 30n], [3n, T + 100n], [3n, T + 100n], [3n, T + 100n]]);
  });

  it('acks=0 gets no response; the next request on the connection gets its own, with its correlation id', async () => {
    const c = await client();
    const frames: number[] = [];
    let pendingBytes = Buffer.alloc(0);
    c.socket.on('data', (d: Buffer) => {
      pendingBytes = Buffer.concat([pendingBytes, d]);
      while (pendingBytes.length >= 4 && pendingBytes.length >= 4 + pendingBytes.readInt32BE(0)) {
        frames.push(pendingBytes.readInt32BE(4));
        pendingBytes = pendingBytes.subarray(4 + pendingBytes.readInt32BE(0));
      }
    });
    const before = await hw(0);
    // correlation id 1: acks=0 produce (no response expected); correlation id 2: Metadata.
    await c.request(0, 9, { transactionalId: null, acks: 0, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batchOf(['fire-and-forget']) }] }] }, { noResponse: true });
    const md = await c.request(3, 12, { topics: [{ name: topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(md.topics[0].name).toBe(topic);
    // A failing acks=0 produce is silent too.
    await c.request(0, 9, { transactionalId: null, acks: 0, timeoutMs: 5000, topicData: [{ name: `fs-nowhere-${suffix}`, partitionData: [{ index: 0, records: batchOf(['lost']) }] }] }, { noResponse: true });
    const md2 = await c.request(3, 1, { topics: null });
    expect(md2.brokers.length).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(frames).toEqual([2, 4]);
    expect(await hw(0)).toBe(before + 1n);
  });
});

describe('ApiVersions', () => {
  it('an unsupported version (v5) gets a v0-shaped reply: UNSUPPORTED_VERSION and the API list', async () => {
    const w = new Writer(64);
    w.int32(0);
    w.int16(18);
    w.int16(5);
    w.int32(4242);
    w.nullableString('future-client');
    w.uvarint(0); // header tagged fields (request header v2)
    w.compactString('future-client');
    w.compactString('9.9.9');
    w.uvarint(0);
    const frame = w.toBuffer();
    frame.writeInt32BE(frame.length - 4, 0);
    const res = await exchangeRaw(frame);
    expect(res.readInt32BE(0)).toBe(4242);
    const r = new Reader(res, 4);
    const body = codecFor(18, 0, 'response')!.decode(r);
    expect(r.error).toBeNull();
    expect(r.pos).toBe(res.length); // exactly the v0 body, nothing after it
    expect(body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(body.apiKeys).toEqual(broker.broker.supportedApis());
    expect(body.apiKeys.find((k: any) => k.apiKey === 18)).toEqual({ apiKey: 18, minVersion: 0, maxVersion: 4 });
  });

  it('v3 with an invalid client software name → INVALID_REQUEST; a valid one → the API list', async () => {
    const bad = await raw.request(18, 3, { clientSoftwareName: 'bad name!', clientSoftwareVersion: '1.0' });
    expect(bad.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    const badVersion = await raw.request(18, 3, { clientSoftwareName: 'ok-client', clientSoftwareVersion: '-1.0' });
    expect(badVersion.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    for (const version of [0, 1, 2, 3, 4]) {
      const ok = await raw.request(18, version, { clientSoftwareName: 'kafkalite-tests', clientSoftwareVersion: '1.2.3-rc.1' });
      expect(ok.errorCode, `v${version}`).toBe(ErrorCode.NONE);
      expect(ok.apiKeys).toEqual(broker.broker.supportedApis());
    }
  });
});

describe('CreateTopics, DeleteTopics and Metadata edge cases', () => {
  it('CreateTopics validateOnly (v1, v7) validates but creates nothing', async () => {
    const name = topicName('validate-only');
    for (const version of [1, 7]) {
      const res = await raw.request(19, version, {
        topics: [{ name, numPartitions: 4, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '1000' }] }],
        timeoutMs: 5000,
        validateOnly: true,
      });
      expect(res.topics.map((t: any) => [t.name, t.errorCode]), `v${version}`).toEqual([[name, ErrorCode.NONE]]);
      if (version >= 5) expect([res.topics[0].numPartitions, res.topics[0].replicationFactor]).toEqual([4, 1]);
    }
    expect(broker.broker.store.topic(name)).toBeUndefined();
    const md = await raw.request(3, 12, { topics: [{ name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(md.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    // validateOnly still reports invalid requests.
    const bad = await raw.request(19, 7, {
      topics: [{ name, numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: true,
    });
    expect(bad.topics[0].errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR);
  });

  it('DeleteTopics v6 by topic id; an unknown id → UNKNOWN_TOPIC_ID', async () => {
    const name = topicName('delete-by-id');
    const id = await createTopic(name, 2);
    expect(id).toBe(broker.broker.store.topic(name)!.topicId);
    const res = await raw.request(20, 6, { topics: [{ name: null, topicId: id }], timeoutMs: 5000 });
    expect(res.responses).toEqual([{ name, topicId: id, errorCode: ErrorCode.NONE, errorMessage: null }]);
    expect(broker.broker.store.topic(name)).toBeUndefined();
    const again = await raw.request(20, 6, { topics: [{ name: null, topicId: id }], timeoutMs: 5000 });
    expect(again.responses.map((r: any) => [r.topicId, r.errorCode])).toEqual([[id, ErrorCode.UNKNOWN_TOPIC_ID]]);
    // By name in v6 still works, and so does v3 with topicNames.
    const n2 = topicName('delete-by-name');
    await createTopic(n2);
    const byName = await raw.request(20, 3, { topicNames: [n2], timeoutMs: 5000 });
    expect(byName.responses.map((r: any) => [r.name, r.errorCode])).toEqual([[n2, ErrorCode.NONE]]);
  });

  it('Metadata v12 by topic id returns the named topic; an unknown id → UNKNOWN_TOPIC_ID', async () => {
    const name = topicName('md-by-id');
    const id = await createTopic(name, 3);
    const res = await raw.request(3, 12, {
      topics: [
        { topicId: id, name: null },
        { topicId: RANDOM_ID, name: null },
      ],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(res.topics.map((t: any) => [t.name, t.topicId, t.errorCode, t.partitions.length])).toEqual([
      [name, id, ErrorCode.NONE, 3],
      [null, RANDOM_ID, ErrorCode.UNKNOWN_TOPIC_ID, 0],
    ]);
  });

  it('Metadata with allowAutoTopicCreation=false for an unknown topic → UNKNOWN_TOPIC_OR_PARTITION, not created; true creates it', async () => {
    const name = topicName('md-noauto');
    for (const version of [4, 9, 12]) {
      const res = await raw.request(3, version, { topics: [{ name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
      expect(res.topics.map((t: any) => [t.name, t.errorCode, t.partitions.length]), `v${version}`).toEqual([[name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0]]);
    }
    expect(broker.broker.store.topic(name)).toBeUndefined();
    const created = await raw.request(3, 4, { topics: [{ name }], allowAutoTopicCreation: true });
    expect(created.topics.map((t: any) => [t.name, t.errorCode, t.partitions.length])).toEqual([[name, ErrorCode.NONE, broker.broker.config.numPartitions]]);
    expect(broker.broker.store.topic(name)).toBeDefined();
    // An invalid name is never created.
    const invalid = await raw.request(3, 4, { topics: [{ name: 'no/slashes' }], allowAutoTopicCreation: true });
    expect(invalid.topics[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
  });

  it('Metadata v1+: topics=null means all topics, [] means none; v0: [] means all', async () => {
    const name = topicName('md-all');
    await createTopic(name);
    const everything = [...broker.broker.store.topics()].map((t) => t.name).sort();
    expect(everything).toContain(name);
    for (const version of [1, 4, 9, 12]) {
      const all = await raw.request(3, version, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      expect(all.topics.map((t: any) => t.name).sort(), `v${version} null`).toEqual(everything);
      const none = await raw.request(3, version, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      expect(none.topics, `v${version} []`).toEqual([]);
      expect(none.brokers.map((b: any) => [b.nodeId, b.host, b.port])).toEqual([[broker.broker.nodeId, '127.0.0.1', broker.port]]);
    }
    const v0 = await raw.request(3, 0, { topics: [] });
    expect(v0.topics.map((t: any) => t.name).sort()).toEqual(everything);
  });
});
