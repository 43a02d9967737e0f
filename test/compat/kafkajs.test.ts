// kafkajs 2.x against a real broker socket: admin (CreateTopics v3, Metadata v6,
// DeleteTopics v3, ListOffsets v3) and producer (Produce v7). Everything kafkajs
// reports is cross-checked against what the broker actually stored, read back with
// the raw client (Fetch v11) and decodeRecords.
import { gunzipSync } from 'node:zlib';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/wire/error-codes.js';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_MASK,
  CompressionType,
  RECORDS_OFFSET,
  decodeRecords,
  splitBatches,
  type BatchView,
  type DecodedRecord,
} from '../../src/wire/record-batch.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

const { Kafka, logLevel, Partitioners, CompressionTypes } = kafkajs;
type KafkaT = InstanceType<typeof Kafka>;
type AdminT = ReturnType<KafkaT['admin']>;

let broker: TestBroker;
let kafka: KafkaT;
let admin: AdminT;
let raw: RawClient;
const adminRequests = new Set<string>();
const suffix = `${process.pid}-${Date.now().toString(36)}`;
const topicName = (base: string): string => `kafkajs-${base}-${suffix}`;

beforeAll(async () => {
  broker = await startTestBroker();
  kafka = new Kafka({
    clientId: 'kafkalite-compat-kafkajs',
    brokers: [broker.bootstrapServers],
    logLevel: logLevel.NOTHING,
    // Keep retriable failures short: a failing test should fail, not back off for 30 s.
    retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 200 },
  });
  admin = kafka.admin();
  admin.on(admin.events.REQUEST, (e: any) => adminRequests.add(`${e.payload.apiName} v${e.payload.apiVersion}`));
  await admin.connect();
  raw = await RawClient.connect(broker.port);
});

afterAll(async () => {
  raw?.close();
  await admin?.disconnect();
  await broker?.close();
});

interface Stored {
  batches: BatchView[];
  records: DecodedRecord[];
  highWatermark: bigint;
  logStartOffset: bigint;
}

/** Reads a whole partition with raw Fetch v11 requests (the version kafkajs consumers use). */
async function readPartition(topic: string, partition: number): Promise<Stored> {
  const batches: BatchView[] = [];
  let offset = 0n;
  let highWatermark = -1n;
  let logStartOffset = -1n;
  for (let i = 0; i < 100; i++) {
    const res = await raw.request(1, 11, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 10 * 1024 * 1024,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1n, partitionMaxBytes: 1024 * 1024 }] }],
      forgottenTopicsData: [],
      rackId: '',
    });
    expect(res.errorCode).toBe(ErrorCode.NONE);
    const p = res.responses[0].partitions[0];
    expect(p.errorCode).toBe(ErrorCode.NONE);
    highWatermark = p.highWatermark;
    logStartOffset = p.logStartOffset;
    const split = splitBatches(p.records);
    if ('error' in split) throw new Error(`fetched bytes do not parse: ${split.message}`);
    if (split.batches.length === 0) break;
    batches.push(...split.batches);
    offset = split.batches.at(-1)!.lastOffset + 1n;
    if (offset >= highWatermark) break;
  }
  const records = batches.flatMap((b) => decodeRecords(uncompressed(b)));
  return { batches, records, highWatermark, logStartOffset };
}

/** A copy of a gzip batch rewritten as an uncompressed one, so decodeRecords can read it (CRC is not rechecked there). */
function uncompressed(b: BatchView): Buffer {
  const codec = b.compression;
  if (codec === CompressionType.None) return b.buf;
  if (codec !== CompressionType.Gzip) throw new Error(`test cannot decompress codec ${codec}`);
  const body = gunzipSync(b.buf.subarray(RECORDS_OFFSET));
  const out = Buffer.concat([b.buf.subarray(0, RECORDS_OFFSET), body]);
  out.writeInt32BE(out.length - 12, BATCH_LENGTH_OFFSET);
  out.writeInt16BE(b.attributes & ~COMPRESSION_MASK, ATTRIBUTES_OFFSET);
  return out;
}

const str = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));
const simplify = (r: DecodedRecord) => ({
  offset: r.offset,
  key: str(r.key),
  value: str(r.value),
  headers: r.headers.map((h) => [h.key, str(h.value)]),
});

describe('kafkajs admin', () => {
  it('createTopics with partitions and configs, then listTopics and fetchTopicMetadata describe it', async () => {
    const topic = topicName('admin');
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '3600000' }, { name: 'cleanup.policy', value: 'delete' }] }],
      waitForLeaders: true,
    });
    expect(created).toBe(true);

    // The config reached the topic (kafkajs has no DescribeConfigs path here, so ask the broker).
    const info = broker.broker.store.topic(topic);
    expect(info?.numPartitions).toBe(3);
    expect(info?.configs['retention.ms']).toBe('3600000');
    expect(info?.configs['cleanup.policy']).toBe('delete');

    expect(await admin.listTopics()).toContain(topic);

    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(md.topics).toHaveLength(1);
    expect(md.topics[0]!.name).toBe(topic);
    const nodeId = broker.broker.nodeId;
    expect([...md.topics[0]!.partitions].sort((a, b) => a.partitionId - b.partitionId)).toEqual(
      [0, 1, 2].map((partitionId) => ({ partitionErrorCode: 0, partitionId, leader: nodeId, replicas: [nodeId], isr: [nodeId], offlineReplicas: [] })),
    );
  });

  it('describeCluster reports this broker as the only node and the controller', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers).toEqual([{ nodeId: broker.broker.nodeId, host: '127.0.0.1', port: broker.port }]);
    expect(cluster.controller).toBe(broker.broker.nodeId);
    expect(cluster.clusterId).toBe(broker.broker.clusterId);
  });

  it('createTopics for an existing topic: TOPIC_ALREADY_EXISTS (kafkajs resolves false alone, rejects with it in an aggregate)', async () => {
    const topic = topicName('dup');
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })).toBe(true);
    // kafkajs swallows an error list made only of TOPIC_ALREADY_EXISTS and resolves false.
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 5 }] })).toBe(false);
    // Mixed with another failure it rejects with a KafkaJSAggregateError listing both.
    const err: any = await admin.createTopics({ topics: [{ topic, numPartitions: 5 }, { topic: 'bad topic name!', numPartitions: 1 }] }).then(
      () => null,
      (e) => e,
    );
    expect(err).not.toBeNull();
    expect(err.name).toBe('KafkaJSAggregateError');
    expect(err.errors.map((e: any) => e.type).sort()).toEqual(['INVALID_TOPIC_EXCEPTION', 'TOPIC_ALREADY_EXISTS']);
    // The existing topic was not altered.
    expect(broker.broker.store.topic(topic)?.numPartitions).toBe(2);
  });

  it('createTopics with an invalid name rejects with INVALID_TOPIC_EXCEPTION and creates nothing', async () => {
    for (const bad of ['has space', 'slash/name', '..', 'x'.repeat(250)]) {
      const err: any = await admin.createTopics({ topics: [{ topic: bad, numPartitions: 1 }] }).then(
        () => null,
        (e) => e,
      );
      expect(err?.name, bad).toBe('KafkaJSAggregateError');
      expect(err.errors.map((e: any) => e.type)).toEqual(['INVALID_TOPIC_EXCEPTION']);
      expect(broker.broker.store.topic(bad)).toBeUndefined();
    }
  });

  it('deleteTopics removes the topic; deleting it again fails with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const topic = topicName('delete');
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    expect(await admin.listTopics()).toContain(topic);
    await admin.deleteTopics({ topics: [topic], timeout: 5000 });
    expect(await admin.listTopics()).not.toContain(topic);
    expect(broker.broker.store.topic(topic)).toBeUndefined();
    // Metadata without auto-creation confirms it is gone (kafkajs' own metadata calls would auto-create it).
    const md = await raw.request(3, 6, { topics: [{ name: topic }], allowAutoTopicCreation: false });
    expect(md.topics.map((t: any) => [t.name, t.errorCode])).toEqual([[topic, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]);

    const err: any = await admin.deleteTopics({ topics: [topic], timeout: 1000 }).then(
      () => null,
      (e) => e,
    );
    expect(err).not.toBeNull();
    // kafkajs retries the (retriable) error, then wraps it; the message is its text for UNKNOWN_TOPIC_OR_PARTITION.
    expect(err.name).toBe('KafkaJSNumberOfRetriesExceeded');
    expect(err.message).toBe('This server does not host this topic-partition');
  });

  it('fetchTopicOffsets reports low/high per partition after producing', async () => {
    const topic = topicName('offsets');
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    expect(await admin.fetchTopicOffsets(topic)).toEqual(
      [0, 1, 2].map((partition) => ({ partition, offset: '0', high: '0', low: '0' })),
    );
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      await producer.send({ topic, messages: [0, 1, 2, 3].map((i) => ({ value: `p0-${i}`, partition: 0 })) });
      await producer.send({ topic, messages: [{ value: 'p2-a', partition: 2 }] });
      await producer.send({ topic, messages: [{ value: 'p2-b', partition: 2 }, { value: 'p2-c', partition: 2 }] });
    } finally {
      await producer.disconnect();
    }
    const offsets = (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition);
    expect(offsets).toEqual([
      { partition: 0, offset: '4', high: '4', low: '0' },
      { partition: 1, offset: '0', high: '0', low: '0' },
      { partition: 2, offset: '3', high: '3', low: '0' },
    ]);
    // Two produce requests on partition 2 → two batches, offsets 0 and 1..2.
    const p2 = await readPartition(topic, 2);
    expect(p2.batches.map((b) => [b.baseOffset, b.lastOffset])).toEqual([
      [0n, 0n],
      [1n, 2n],
    ]);
    expect(p2.records.map((r) => str(r.value))).toEqual(['p2-a', 'p2-b', 'p2-c']);

    // By timestamp: every record was written "now", so an old timestamp finds offset 0; a future one finds
    // nothing (-1), which kafkajs replaces with the high watermark. The empty partition answers -1 → 0 either way.
    const old = await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() - 60_000);
    expect(old.sort((a, b) => a.partition - b.partition)).toEqual([
      { partition: 0, offset: '0' },
      { partition: 1, offset: '0' },
      { partition: 2, offset: '0' },
    ]);
    const future = await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() + 3_600_000);
    expect(future.sort((a, b) => a.partition - b.partition)).toEqual([
      { partition: 0, offset: '4' },
      { partition: 1, offset: '0' },
      { partition: 2, offset: '3' },
    ]);
  });

  it('used the versions kafkajs negotiates (its own maxima) for everything above', () => {
    for (const v of ['ApiVersions v2', 'Metadata v6', 'CreateTopics v3', 'DeleteTopics v1', 'ListOffsets v3']) expect([...adminRequests]).toContain(v);
  });
});

describe('kafkajs producer', () => {
  const topic = topicName('produce');
  const T0 = 1_700_000_000_000;

  beforeAll(async () => {
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
  });

  it('acks -1, 1 and 0 with keys, headers, timestamps and explicit partitions store exactly those records', async () => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    const requests: string[] = [];
    producer.on(producer.events.REQUEST, (e: any) => requests.push(`${e.payload.apiName} v${e.payload.apiVersion}`));
    await producer.connect();
    try {
      const all = await producer.send({
        topic,
        acks: -1,
        messages: [
          { key: 'k-a', value: 'v-a', partition: 0, timestamp: String(T0), headers: { trace: 'abc', bin: Buffer.from([0, 1, 2, 255]) } },
          { key: 'k-b', value: 'v-b', partition: 0, timestamp: String(T0 + 5), headers: { trace: 'def' } },
          { key: null, value: 'v-nokey', partition: 1, timestamp: String(T0 + 10) },
        ],
      });
      expect(all.map((r) => [r.partition, r.errorCode, r.baseOffset]).sort()).toEqual([
        [0, 0, '0'],
        [1, 0, '0'],
      ]);

      const one = await producer.send({
        topic,
        acks: 1,
        messages: [{ key: 'k-c', value: 'v-c', partition: 0, timestamp: String(T0 + 20), headers: { multi: ['x', 'y'] } }],
      });
      expect(one.map((r) => [r.topicName, r.partition, r.errorCode, r.baseOffset])).toEqual([[topic, 0, 0, '2']]);

      // acks=0: kafkajs expects no response (and resolves with none).
      const zero = await producer.send({ topic, acks: 0, messages: [{ key: 'k-z', value: 'v-zero', partition: 2, timestamp: String(T0 + 30) }] });
      expect(zero).toEqual([]);
      // A later acked request on the same connection proves the acks=0 one was processed (in order) and that
      // the broker did not send a stray response that would shift kafkajs' correlation ids.
      const after = await producer.send({ topic, acks: 1, messages: [{ key: 'k-after', value: 'v-after', partition: 2, timestamp: String(T0 + 40) }] });
      expect(after.map((r) => [r.partition, r.errorCode, r.baseOffset])).toEqual([[2, 0, '1']]);
    } finally {
      await producer.disconnect();
    }
    // The versions kafkajs negotiated from our ApiVersions (its own maxima): the data below went through them.
    expect(new Set(requests)).toEqual(new Set(['ApiVersions v2', 'Metadata v6', 'Produce v7']));

    const p0 = await readPartition(topic, 0);
    expect(p0.highWatermark).toBe(3n);
    expect(p0.logStartOffset).toBe(0n);
    expect(p0.batches.map((b) => [b.baseOffset, b.recordCount, b.magic])).toEqual([
      [0n, 2, 2],
      [2n, 1, 2],
    ]);
    expect(p0.records.map(simplify)).toEqual([
      { offset: 0n, key: 'k-a', value: 'v-a', headers: [['trace', 'abc'], ['bin', '\u0000\u0001\u0002\ufffd']] },
      { offset: 1n, key: 'k-b', value: 'v-b', headers: [['trace', 'def']] },
      { offset: 2n, key: 'k-c', value: 'v-c', headers: [['multi', 'x'], ['multi', 'y']] },
    ]);
    expect(p0.records[0]!.headers[1]!.value).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(p0.records.map((r) => r.timestamp)).toEqual([BigInt(T0), BigInt(T0 + 5), BigInt(T0 + 20)]);

    const p1 = await readPartition(topic, 1);
    expect(p1.records.map(simplify)).toEqual([{ offset: 0n, key: null, value: 'v-nokey', headers: [] }]);
    expect(p1.records[0]!.timestamp).toBe(BigInt(T0 + 10));

    const p2 = await readPartition(topic, 2);
    expect(p2.records.map(simplify)).toEqual([
      { offset: 0n, key: 'k-z', value: 'v-zero', headers: [] },
      { offset: 1n, key: 'k-after', value: 'v-after', headers: [] },
    ]);
  });

  it('keyed messages without a partition land where the murmur2 partitioner put them', async () => {
    const t = topicName('keyed');
    await admin.createTopics({ topics: [{ topic: t, numPartitions: 3 }] });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const keys = Array.from({ length: 30 }, (_, i) => `key-${i}`);
    try {
      const res = await producer.send({ topic: t, messages: keys.map((k) => ({ key: k, value: `value-of-${k}` })) });
      expect(res.every((r) => r.errorCode === 0)).toBe(true);
    } finally {
      await producer.disconnect();
    }
    const partitioner = Partitioners.DefaultPartitioner();
    const nodeId = broker.broker.nodeId;
    const partitionMetadata = [0, 1, 2].map((partitionId) => ({ partitionErrorCode: 0, partitionId, leader: nodeId, replicas: [nodeId], isr: [nodeId] }));
    const expected = new Map<number, string[]>([[0, []], [1, []], [2, []]]);
    for (const k of keys) expected.get(partitioner({ topic: t, partitionMetadata, message: { key: k, value: '' } }))!.push(k);
    // Sanity: a 30-key sample spreads over all three partitions.
    expect([...expected.values()].every((v) => v.length > 0)).toBe(true);
    for (const [partition, ks] of expected) {
      const stored = await readPartition(t, partition);
      expect(stored.records.map((r) => str(r.key)), `partition ${partition}`).toEqual(ks);
      expect(stored.records.map((r) => str(r.value))).toEqual(ks.map((k) => `value-of-${k}`));
      expect(stored.records.map((r) => r.offset)).toEqual(ks.map((_, i) => BigInt(i)));
    }
  });

  it('sendBatch across topics and a gzip-compressed batch are stored as sent', async () => {
    const t2 = topicName('batch2');
    await admin.createTopics({ topics: [{ topic: t2, numPartitions: 1 }] });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      const res = await producer.sendBatch({
        acks: -1,
        topicMessages: [
          { topic: t2, messages: [{ key: 'x', value: 'one' }, { key: 'y', value: 'two' }] },
          { topic, messages: [{ key: 'gz?', value: 'plain', partition: 1 }] },
        ],
      });
      expect(res.map((r) => [r.topicName, r.partition, r.errorCode]).sort()).toEqual([
        [topic, 1, 0],
        [t2, 0, 0],
      ].sort());
      const gz = await producer.send({
        topic: t2,
        compression: CompressionTypes.GZIP,
        messages: Array.from({ length: 20 }, (_, i) => ({ key: `gk${i}`, value: `compressible value ${i} `.repeat(10), headers: { i: String(i) } })),
      });
      expect(gz.map((r) => [r.partition, r.errorCode, r.baseOffset])).toEqual([[0, 0, '2']]);
    } finally {
      await producer.disconnect();
    }
    const stored = await readPartition(t2, 0);
    expect(stored.highWatermark).toBe(22n);
    expect(stored.batches.map((b) => [b.baseOffset, b.lastOffset, b.compression])).toEqual([
      [0n, 1n, CompressionType.None],
      [2n, 21n, CompressionType.Gzip],
    ]);
    expect(stored.records.slice(0, 2).map(simplify)).toEqual([
      { offset: 0n, key: 'x', value: 'one', headers: [] },
      { offset: 1n, key: 'y', value: 'two', headers: [] },
    ]);
    expect(stored.records.slice(2).map(simplify)).toEqual(
      Array.from({ length: 20 }, (_, i) => ({ offset: BigInt(2 + i), key: `gk${i}`, value: `compressible value ${i} `.repeat(10), headers: [['i', String(i)]] })),
    );
    const p1 = await readPartition(topic, 1);
    expect(p1.records.map(simplify).at(-1)).toEqual({ offset: 1n, key: 'gz?', value: 'plain', headers: [] });
  });
});

describe('connections.max.idle.ms', () => {
  it('the broker closes idle connections (DescribeConfigs shows the value); kafkajs reconnects and loses nothing', async () => {
    const b = await startTestBroker({ connectionsMaxIdleMs: 300 });
    const k = new Kafka({ clientId: 'idle-test', brokers: [b.bootstrapServers], logLevel: logLevel.NOTHING });
    const adm = k.admin();
    const producer = k.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const watcher = await RawClient.connect(b.port);
    try {
      await adm.connect();
      const described = await adm.describeConfigs({ resources: [{ type: kafkajs.ConfigResourceTypes.BROKER, name: '1', configNames: ['connections.max.idle.ms'] }], includeSynonyms: false });
      expect(described.resources[0]!.configEntries.map((e) => [e.configName, e.configValue])).toEqual([['connections.max.idle.ms', '300']]);
      const topic = topicName('idle');
      await adm.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: false });
      await producer.connect();
      await producer.send({ topic, messages: [{ value: 'before' }] });
      // A silent raw connection is closed by the broker after ~300 ms (+ up to a quarter for the sweep).
      await watcher.waitClosed(1500);
      await producer.send({ topic, messages: [{ value: 'after' }] }); // its connection went too: kafkajs reconnects
      const offsets = await adm.fetchTopicOffsets(topic);
      expect(offsets).toEqual([expect.objectContaining({ partition: 0, low: '0', high: '2' })]);
    } finally {
      watcher.close();
      await producer.disconnect();
      await adm.disconnect();
      await b.close();
    }
  });
});
