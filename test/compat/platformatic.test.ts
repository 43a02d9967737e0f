// @platformatic/kafka against a real broker socket. It sends the newest flexible
// versions (ApiVersions v4, Metadata v12, CreateTopics v7, DeleteTopics v6,
// Produce v11, ListOffsets v9, Fetch v17 with topic ids). Data is read back with
// platformatic's own low-level Fetch v17 and cross-checked with the raw client.
import {
  Admin,
  Connection,
  fetchV17,
  murmur2,
  Producer,
  ProduceAcks,
  stringSerializers,
  type KafkaRecord,
  type RecordsBatch,
} from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { CompressionType, decodeRecords, splitBatches, type BatchView } from '../../src/wire/record-batch.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

let broker: TestBroker;
let admin: Admin;
let conn: Connection;
let raw: RawClient;
const suffix = `${process.pid}-${Date.now().toString(36)}`;
const topicName = (base: string): string => `plt-${base}-${suffix}`;
const T0 = 1_700_000_000_000n;

function newProducer(): Producer<string, string, string, string> {
  return new Producer({ clientId: 'kafkalite-compat-platformatic', bootstrapBrokers: [broker.bootstrapServers], serializers: stringSerializers, retries: 0 });
}

beforeAll(async () => {
  broker = await startTestBroker();
  admin = new Admin({ clientId: 'kafkalite-compat-platformatic-admin', bootstrapBrokers: [broker.bootstrapServers], retries: 0 });
  conn = new Connection('kafkalite-compat-platformatic-fetch');
  await conn.connect('127.0.0.1', broker.port);
  raw = await RawClient.connect(broker.port);
});

afterAll(async () => {
  raw?.close();
  await conn?.close();
  await admin?.close();
  await broker?.close();
});

async function topicId(topic: string): Promise<string> {
  const md = await admin.metadata({ topics: [topic], forceUpdate: true });
  const id = md.topics.get(topic)?.id;
  if (!id) throw new Error(`no id for ${topic}`);
  return id;
}

/** One platformatic Fetch v17 (topic id addressed) for one partition. */
type FetchResponse = Awaited<ReturnType<typeof fetchV17.api.async>>;

async function fetch17(id: string, partition: number, fetchOffset: bigint, opts: { maxWaitMs?: number; partitionMaxBytes?: number } = {}): Promise<FetchResponse> {
  return fetchV17.api.async(
    conn,
    opts.maxWaitMs ?? 0,
    0,
    10 * 1024 * 1024,
    0,
    0,
    -1,
    [{ topicId: id, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, partitionMaxBytes: opts.partitionMaxBytes ?? 1024 * 1024 }] }],
    [],
    '',
  );
}

interface Rec {
  offset: bigint;
  timestamp: bigint;
  key: string | null;
  value: string | null;
  headers: [string, string][];
}

/** Every record of a partition, read with platformatic's Fetch v17 parser (which also decompresses). */
async function readAll17(topic: string, partition: number): Promise<{ recs: Rec[]; batches: RecordsBatch[]; highWatermark: bigint; logStartOffset: bigint }> {
  const id = await topicId(topic);
  const batches: RecordsBatch[] = [];
  let offset = 0n;
  let highWatermark = -1n;
  let logStartOffset = -1n;
  for (let i = 0; i < 50; i++) {
    const res = await fetch17(id, partition, offset);
    expect(res.errorCode).toBe(0);
    expect(res.responses.map((r) => r.topicId)).toEqual([id]);
    const p = res.responses[0]!.partitions[0]!;
    expect(p.partitionIndex).toBe(partition);
    expect(p.errorCode).toBe(0);
    highWatermark = p.highWatermark;
    logStartOffset = p.logStartOffset;
    const got = p.records ?? [];
    if (got.length === 0) break;
    batches.push(...got);
    const last = got.at(-1)!;
    offset = last.firstOffset + BigInt(last.lastOffsetDelta) + 1n;
    if (offset >= highWatermark) break;
  }
  const s = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));
  const recs = batches.flatMap((b) =>
    b.records.map((r: KafkaRecord) => ({
      offset: b.firstOffset + BigInt(r.offsetDelta),
      timestamp: b.firstTimestamp + r.timestampDelta,
      key: s(r.key),
      value: s(r.value),
      headers: r.headers.map(([k, v]) => [s(k)!, s(v)!] as [string, string]),
    })),
  );
  return { recs, batches, highWatermark, logStartOffset };
}

/** The stored batches, via the raw client (Fetch v12, by name), to check what platformatic's parser reports. */
async function rawBatches(topic: string, partition: number): Promise<BatchView[]> {
  const res = await raw.request(1, 12, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 10 * 1024 * 1024, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 10 * 1024 * 1024 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  const split = splitBatches(res.responses[0].partitions[0].records);
  if ('error' in split) throw new Error(split.message);
  return split.batches;
}

describe('@platformatic/kafka admin', () => {
  it('listApis reports exactly the broker handler table', async () => {
    const apis = await admin.listApis();
    expect(apis.map((a) => [a.apiKey, a.minVersion, a.maxVersion])).toEqual(broker.broker.supportedApis().map((a) => [a.apiKey, a.minVersion, a.maxVersion]));
  });

  it('createTopics (v7) with partitions and configs returns the id, counts and effective configs', async () => {
    const topic = topicName('create');
    const [created] = await admin.createTopics({ topics: [topic], partitions: 3, replicas: 1, configs: [{ name: 'retention.ms', value: '3600000' }, { name: 'max.message.bytes', value: '200000' }] });
    const info = broker.broker.store.topic(topic)!;
    expect(info).toBeDefined();
    expect(created!.name).toBe(topic);
    expect(created!.partitions).toBe(3);
    expect(created!.replicas).toBe(1);
    // platformatic prints topic ids as UUIDs; the broker keeps base64url. Same 16 bytes.
    expect(Buffer.from(created!.id.replaceAll('-', ''), 'hex').toString('base64url')).toBe(info.topicId);
    expect(created!.configuration['retention.ms']).toBe('3600000');
    expect(created!.configuration['max.message.bytes']).toBe('200000');
    expect(created!.configuration['cleanup.policy']).toBe('delete');
    expect(info.configs).toEqual({ 'retention.ms': '3600000', 'max.message.bytes': '200000' });
  });

  it('createTopics rejects an existing topic (TOPIC_ALREADY_EXISTS) and an invalid name (INVALID_TOPIC_EXCEPTION)', async () => {
    const topic = topicName('dup');
    await admin.createTopics({ topics: [topic], partitions: 2 });
    const dup: any = await admin.createTopics({ topics: [topic], partitions: 4 }).then(() => null, (e) => e);
    expect(dup?.code).toBe('PLT_KFK_RESPONSE');
    expect(dup.errors.map((e: any) => [e.apiId, e.apiCode])).toEqual([['TOPIC_ALREADY_EXISTS', ErrorCode.TOPIC_ALREADY_EXISTS]]);
    expect(dup.errors[0].serverErrorMessage).toBe(`Topic '${topic}' already exists.`);
    expect(broker.broker.store.topic(topic)?.numPartitions).toBe(2);

    const bad: any = await admin.createTopics({ topics: ['not a valid name'], partitions: 1 }).then(() => null, (e) => e);
    expect(bad?.errors.map((e: any) => e.apiId)).toEqual(['INVALID_TOPIC_EXCEPTION']);
  });

  it('metadata (v12) describes topics, partitions, the broker and the cluster', async () => {
    const topic = topicName('meta');
    await admin.createTopics({ topics: [topic], partitions: 3 });
    const md = await admin.metadata({ topics: [topic], forceUpdate: true });
    const nodeId = broker.broker.nodeId;
    expect(md.id).toBe(broker.broker.clusterId);
    expect(md.controllerId).toBe(nodeId);
    expect([...md.brokers.entries()]).toEqual([[nodeId, { host: '127.0.0.1', port: broker.port, rack: null }]]);
    const t = md.topics.get(topic)!;
    expect(t.partitionsCount).toBe(3);
    expect(t.partitions).toEqual([0, 1, 2].map(() => ({ leader: nodeId, leaderEpoch: 0, replicas: [nodeId], isr: [nodeId], offlineReplicas: [] })));
    expect(await admin.listTopics()).toContain(topic);
  });

  it('deleteTopics (v6) removes the topic: listTopics drops it, its id becomes UNKNOWN_TOPIC_ID for Fetch v17', async () => {
    const topic = topicName('delete');
    await admin.createTopics({ topics: [topic], partitions: 1 });
    const id = await topicId(topic);
    const p = newProducer();
    try {
      await p.send({ messages: [{ topic, value: 'doomed', partition: 0 }] });
    } finally {
      await p.close();
    }
    await admin.deleteTopics({ topics: [topic] });
    expect(await admin.listTopics()).not.toContain(topic);
    expect(broker.broker.store.topic(topic)).toBeUndefined();
    const err: any = await fetch17(id, 0, 0n).then(() => null, (e) => e);
    expect(err?.errors?.map((e: any) => [e.apiId, e.path])).toEqual([['UNKNOWN_TOPIC_ID', '/responses/0/partitions/0']]);
    // Metadata without auto-creation: unknown.
    const md: any = await admin.metadata({ topics: [topic], autocreateTopics: false, forceUpdate: true }).then(() => null, (e) => e);
    // (platformatic turns the UNKNOWN_TOPIC_OR_PARTITION topic error into its own user error.)
    expect(md?.message).toBe(`Unknown topic ${topic}.`);
    // Deleting it again: UNKNOWN_TOPIC_OR_PARTITION.
    const again: any = await admin.deleteTopics({ topics: [topic] }).then(() => null, (e) => e);
    expect(again?.errors?.map((e: any) => e.apiId)).toEqual(['UNKNOWN_TOPIC_OR_PARTITION']);
  });
});

describe('@platformatic/kafka producer (Produce v11) and Fetch v17', () => {
  const topic = topicName('produce');

  beforeAll(async () => {
    await admin.createTopics({ topics: [topic], partitions: 3 });
  });

  it('send with keys, headers and timestamps to several partitions (acks all, leader, none) stores exactly those records', async () => {
    const p = newProducer();
    try {
      const all = await p.send({
        acks: ProduceAcks.ALL,
        messages: [
          { topic, key: 'k-0a', value: 'v-0a', partition: 0, timestamp: T0, headers: { trace: 't-1', empty: '' } },
          { topic, key: 'k-1a', value: 'v-1a', partition: 1, timestamp: T0 + 1n },
          { topic, key: 'k-0b', value: 'v-0b', partition: 0, timestamp: T0 + 2n, headers: { trace: 't-2' } },
          { topic, key: 'k-2a', value: 'v-2a', partition: 2, timestamp: T0 + 3n },
        ],
      });
      // One Produce request covering three partitions; each partition's first offset comes back.
      expect(all.offsets?.map((o) => [o.topic, o.partition, o.offset]).sort()).toEqual([
        [topic, 0, 0n],
        [topic, 1, 0n],
        [topic, 2, 0n],
      ]);
      const leader = await p.send({ acks: ProduceAcks.LEADER, messages: [{ topic, key: 'k-1b', value: 'v-1b', partition: 1, timestamp: T0 + 10n }] });
      expect(leader.offsets).toEqual([{ topic, partition: 1, offset: 1n }]);
      const none = await p.send({ acks: ProduceAcks.NO_RESPONSE, messages: [{ topic, key: 'k-2b', value: 'v-2b', partition: 2, timestamp: T0 + 20n }] });
      expect(none.offsets ?? []).toEqual([]);
      expect(none.unwritableNodes).toEqual([]);
      // An acked produce afterwards on the same connection: the acks=0 one was applied first, and no stray
      // response desynchronised platformatic's correlation ids.
      const after = await p.send({ acks: ProduceAcks.LEADER, messages: [{ topic, key: 'k-2c', value: 'v-2c', partition: 2, timestamp: T0 + 30n }] });
      expect(after.offsets).toEqual([{ topic, partition: 2, offset: 2n }]);
    } finally {
      await p.close();
    }

    const p0 = await readAll17(topic, 0);
    expect(p0.highWatermark).toBe(2n);
    expect(p0.logStartOffset).toBe(0n);
    expect(p0.recs).toEqual([
      { offset: 0n, timestamp: T0, key: 'k-0a', value: 'v-0a', headers: [['trace', 't-1'], ['empty', '']] },
      { offset: 1n, timestamp: T0 + 2n, key: 'k-0b', value: 'v-0b', headers: [['trace', 't-2']] },
    ]);
    // platformatic sees the batch the broker stored: leader epoch patched to 0, magic 2, CRC intact.
    expect(p0.batches.map((b) => [b.firstOffset, b.partitionLeaderEpoch, b.magic, b.lastOffsetDelta])).toEqual([[0n, 0, 2, 1]]);
    const raw0 = await rawBatches(topic, 0);
    expect(raw0.map((b) => [b.baseOffset, b.crc, b.crcValid])).toEqual([[0n, p0.batches[0]!.crc, true]]);
    expect(decodeRecords(raw0[0]!.buf).map((r) => r.key?.toString())).toEqual(['k-0a', 'k-0b']);

    const p1 = await readAll17(topic, 1);
    expect(p1.recs.map((r) => [r.offset, r.key, r.value, r.timestamp])).toEqual([
      [0n, 'k-1a', 'v-1a', T0 + 1n],
      [1n, 'k-1b', 'v-1b', T0 + 10n],
    ]);
    const p2 = await readAll17(topic, 2);
    expect(p2.recs.map((r) => [r.offset, r.key, r.value, r.timestamp])).toEqual([
      [0n, 'k-2a', 'v-2a', T0 + 3n],
      [1n, 'k-2b', 'v-2b', T0 + 20n],
      [2n, 'k-2c', 'v-2c', T0 + 30n],
    ]);
  });

  it('keyed messages without a partition land on murmur2(key) % partitions, in send order', async () => {
    const t = topicName('keyed');
    await admin.createTopics({ topics: [t], partitions: 3 });
    const keys = Array.from({ length: 24 }, (_, i) => `key-${i}`);
    const p = newProducer();
    try {
      await p.send({ messages: keys.map((k) => ({ topic: t, key: k, value: `val-${k}` })) });
    } finally {
      await p.close();
    }
    const expected = new Map<number, string[]>([[0, []], [1, []], [2, []]]);
    for (const k of keys) expected.get((murmur2(Buffer.from(k)) >>> 0) % 3)!.push(k);
    expect([...expected.values()].every((v) => v.length > 0)).toBe(true);
    for (const [partition, ks] of expected) {
      const { recs } = await readAll17(t, partition);
      expect(recs.map((r) => [r.offset, r.key, r.value])).toEqual(ks.map((k, i) => [BigInt(i), k, `val-${k}`]));
    }
  });

  it('gzip, snappy and lz4 batches are stored compressed as sent and decompress on fetch', async () => {
    const t = topicName('codecs');
    await admin.createTopics({ topics: [t], partitions: 1 });
    const p = newProducer();
    const codecs = [
      ['gzip', CompressionType.Gzip],
      ['snappy', CompressionType.Snappy],
      ['lz4', CompressionType.Lz4],
    ] as const;
    try {
      for (const [name] of codecs) {
        await p.send({ compression: name, messages: [0, 1, 2].map((i) => ({ topic: t, key: `${name}-${i}`, value: `${name} value ${i} `.repeat(20), partition: 0 })) });
      }
    } finally {
      await p.close();
    }
    const stored = await rawBatches(t, 0);
    expect(stored.map((b) => [b.baseOffset, b.compression])).toEqual(codecs.map(([, c], i) => [BigInt(i * 3), c]));
    const { recs } = await readAll17(t, 0);
    expect(recs.map((r) => [r.offset, r.key, r.value])).toEqual(
      codecs.flatMap(([name], c) => [0, 1, 2].map((i) => [BigInt(c * 3 + i), `${name}-${i}`, `${name} value ${i} `.repeat(20)])),
    );
  });

  it('Fetch v17 from the middle of a batch returns that whole batch; past the end is OFFSET_OUT_OF_RANGE', async () => {
    const t = topicName('mid');
    await admin.createTopics({ topics: [t], partitions: 1 });
    const p = newProducer();
    try {
      await p.send({ messages: Array.from({ length: 10 }, (_, i) => ({ topic: t, value: `m${i}`, partition: 0 })) });
      await p.send({ messages: [{ topic: t, value: 'm10', partition: 0 }] });
    } finally {
      await p.close();
    }
    const id = await topicId(t);
    const mid = await fetch17(id, 0, 4n);
    const part = mid.responses[0]!.partitions[0]!;
    expect(part.highWatermark).toBe(11n);
    expect(part.lastStableOffset).toBe(11n);
    expect(part.records!.map((b) => [b.firstOffset, b.records.length])).toEqual([
      [0n, 10],
      [10n, 1],
    ]);
    const err: any = await fetch17(id, 0, 12n).then(() => null, (e) => e);
    expect(err?.errors?.map((e: any) => e.apiId)).toEqual(['OFFSET_OUT_OF_RANGE']);
    expect(err.response.responses[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  it('Fetch v17 long poll at the end returns as soon as another client produces', async () => {
    const t = topicName('poll');
    await admin.createTopics({ topics: [t], partitions: 1 });
    const id = await topicId(t);
    const t0 = performance.now();
    const pending = fetchV17.api.async(conn, 3000, 1, 1024 * 1024, 0, 0, -1, [{ topicId: id, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, partitionMaxBytes: 1024 * 1024 }] }], [], '');
    await new Promise((r) => setTimeout(r, 150));
    const p = newProducer();
    try {
      await p.send({ messages: [{ topic: t, key: 'wake', value: 'up', partition: 0 }] });
    } finally {
      await p.close();
    }
    const res = await pending;
    const ms = performance.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(140);
    expect(ms).toBeLessThan(1500);
    const recs = res.responses[0]!.partitions[0]!.records!;
    expect(recs.flatMap((b) => b.records.map((r) => r.value?.toString()))).toEqual(['up']);
  });

  it('admin.listOffsets (ListOffsets v9) gives earliest, latest and by-timestamp offsets', async () => {
    const res = await admin.listOffsets({
      topics: [
        {
          name: topic,
          partitions: [
            { partitionIndex: 2, timestamp: -2n },
            { partitionIndex: 2, timestamp: -1n },
          ],
        },
      ],
    });
    const byIndex = res[0]!.partitions.map((p) => [p.partitionIndex, p.offset]);
    expect(byIndex).toEqual([
      [2, 0n],
      [2, 3n],
    ]);
    const ts = await admin.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 2, timestamp: T0 + 15n }] }] });
    expect(ts[0]!.partitions.map((p) => [p.offset, p.timestamp])).toEqual([[1n, T0 + 20n]]);
  });

  it('producing to an unknown topic without auto-creation fails; with autocreateTopics it creates the topic', async () => {
    const missing = topicName('missing');
    const p = newProducer();
    try {
      const err: any = await p.send({ messages: [{ topic: missing, value: 'x' }] }).then(() => null, (e) => e);
      expect(err).not.toBeNull();
      expect(broker.broker.store.topic(missing)).toBeUndefined();
      const auto = topicName('auto');
      const res = await p.send({ autocreateTopics: true, messages: [{ topic: auto, key: 'a', value: 'created' }] });
      expect(res.offsets).toEqual([{ topic: auto, partition: 0, offset: 0n }]);
      expect(broker.broker.store.topic(auto)?.numPartitions).toBe(broker.broker.config.numPartitions);
      expect((await readAll17(auto, 0)).recs.map((r) => r.value)).toEqual(['created']);
    } finally {
      await p.close();
    }
  });
});
