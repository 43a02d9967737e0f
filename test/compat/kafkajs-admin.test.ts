// kafkajs 2.x admin client against a real broker socket: describeConfigs (topic and
// broker, with synonyms), alterConfigs, createPartitions, deleteTopicRecords,
// fetchTopicOffsetsByTimestamp, describeCluster and the partition-reassignment calls.
// What kafkajs reports is cross-checked against the broker's own state.
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

const { Kafka, logLevel, Partitioners, ConfigResourceTypes, ConfigSource } = kafkajs;
type KafkaT = InstanceType<typeof Kafka>;
type AdminT = ReturnType<KafkaT['admin']>;
type ProducerT = ReturnType<KafkaT['producer']>;

let broker: TestBroker;
let kafka: KafkaT;
let admin: AdminT;
let producer: ProducerT;
const requests = new Set<string>();
const suffix = `${process.pid}-${Date.now().toString(36)}`;
let seq = 0;
const topicName = (base: string): string => `kjs-admin-${base}-${suffix}-${seq++}`;

beforeAll(async () => {
  broker = await startTestBroker({ logRetentionBytes: 1_000_000_000, properties: { 'log.retention.hours': '48' } });
  kafka = new Kafka({
    clientId: 'kafkalite-compat-kafkajs-admin',
    brokers: [broker.bootstrapServers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 200 },
  });
  admin = kafka.admin();
  admin.on(admin.events.REQUEST, (e: any) => requests.add(`${e.payload.apiName} v${e.payload.apiVersion}`));
  await admin.connect();
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await admin?.disconnect();
  await broker?.close();
});

async function create(topic: string, numPartitions = 1, configEntries: { name: string; value: string }[] = []): Promise<void> {
  expect(await admin.createTopics({ topics: [{ topic, numPartitions, configEntries }], waitForLeaders: true })).toBe(true);
}

describe('kafkajs admin', () => {
  it('describeConfigs: a topic with its overrides, sources and synonyms', async () => {
    const topic = topicName('describe');
    await create(topic, 1, [{ name: 'cleanup.policy', value: 'compact' }, { name: 'max.message.bytes', value: '500000' }]);
    const res = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
    expect(res.resources).toHaveLength(1);
    const r = res.resources[0]!;
    expect(r).toMatchObject({ errorCode: 0, resourceType: ConfigResourceTypes.TOPIC, resourceName: topic });
    const entries = Object.fromEntries(r.configEntries.map((e: any) => [e.configName, e]));
    expect(entries['cleanup.policy']).toMatchObject({ configValue: 'compact', configSource: ConfigSource.TOPIC_CONFIG, isDefault: false, readOnly: false, isSensitive: false });
    expect(entries['cleanup.policy'].configSynonyms).toEqual([
      { configName: 'cleanup.policy', configValue: 'compact', configSource: ConfigSource.TOPIC_CONFIG },
      { configName: 'log.cleanup.policy', configValue: 'delete', configSource: ConfigSource.DEFAULT_CONFIG },
    ]);
    expect(entries['max.message.bytes']).toMatchObject({ configValue: '500000', configSource: ConfigSource.TOPIC_CONFIG });
    // Broker-level values set at start-up are static broker configs.
    expect(entries['retention.bytes']).toMatchObject({ configValue: '1000000000', configSource: ConfigSource.STATIC_BROKER_CONFIG });
    expect(entries['retention.ms']).toMatchObject({ configValue: String(48 * 3_600_000), configSource: ConfigSource.DEFAULT_CONFIG });
    expect(entries['segment.bytes']).toMatchObject({ configValue: '1073741824', configSource: ConfigSource.DEFAULT_CONFIG });

    const some = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }] });
    expect(some.resources[0]!.configEntries.map((e: any) => e.configName)).toEqual(['cleanup.policy']);
  });

  it('describeConfigs: the broker, with read-only flags and synonyms', async () => {
    const res = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.BROKER, name: '1' }] });
    const entries = Object.fromEntries(res.resources[0]!.configEntries.map((e: any) => [e.configName, e]));
    expect(entries['log.retention.hours']).toMatchObject({ configValue: '48', configSource: ConfigSource.STATIC_BROKER_CONFIG, readOnly: true });
    expect(entries['log.retention.bytes']).toMatchObject({ configValue: '1000000000', configSource: ConfigSource.STATIC_BROKER_CONFIG, readOnly: false });
    expect(entries['log.retention.bytes'].configSynonyms).toEqual([
      { configName: 'log.retention.bytes', configValue: '1000000000', configSource: ConfigSource.STATIC_BROKER_CONFIG },
      { configName: 'log.retention.bytes', configValue: '-1', configSource: ConfigSource.DEFAULT_CONFIG },
    ]);
    expect(entries['num.partitions']).toMatchObject({ configValue: '1', configSource: ConfigSource.DEFAULT_CONFIG, readOnly: true });
    expect(entries['ssl.keystore.password']).toMatchObject({ configValue: null, isSensitive: true });
  });

  it('alterConfigs: replaces a topic\'s configs; validateOnly changes nothing; bad values are rejected', async () => {
    const topic = topicName('alter');
    await create(topic, 1, [{ name: 'retention.ms', value: '60000' }]);
    await admin.alterConfigs({ validateOnly: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'segment.ms', value: '1000' }] }] });
    expect(broker.broker.store.topic(topic)!.configs).toEqual({ 'retention.ms': '60000' });
    const res = await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'segment.ms', value: '1000' }, { name: 'message.timestamp.type', value: 'LogAppendTime' }] }],
    });
    expect(res.resources).toEqual([{ errorCode: 0, errorMessage: null, resourceName: topic, resourceType: ConfigResourceTypes.TOPIC }]);
    // Replace semantics: retention.ms, not in the request, is back to the default.
    expect(broker.broker.store.topic(topic)!.configs).toEqual({ 'segment.ms': '1000', 'message.timestamp.type': 'LogAppendTime' });
    const d = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'segment.ms'] }] });
    const entries = Object.fromEntries(d.resources[0]!.configEntries.map((e: any) => [e.configName, e]));
    expect(entries['retention.ms']).toMatchObject({ configValue: String(48 * 3_600_000), isDefault: true, configSource: ConfigSource.DEFAULT_CONFIG });
    expect(entries['segment.ms']).toMatchObject({ configValue: '1000', configSource: ConfigSource.TOPIC_CONFIG });

    await expect(
      admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: 'forever' }] }] }),
    ).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    expect(broker.broker.store.topic(topic)!.configs['retention.ms']).toBeUndefined();

    // A dynamic broker config: the cluster default for message.max.bytes, then removed again.
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configEntries: [{ name: 'log.retention.ms', value: '3600000' }] }] });
    const t = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }] });
    expect(t.resources[0]!.configEntries[0]).toMatchObject({ configValue: '3600000', configSource: ConfigSource.DYNAMIC_BROKER_CONFIG });
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configEntries: [] }] });
    await expect(
      admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configEntries: [{ name: 'num.partitions', value: '4' }] }] }),
    ).rejects.toMatchObject({ type: 'INVALID_REQUEST' });
  });

  it('createPartitions: grows a topic; a decrease is INVALID_PARTITIONS', async () => {
    const topic = topicName('partitions');
    await create(topic, 2);
    await admin.createPartitions({ validateOnly: true, topicPartitions: [{ topic, count: 6 }] });
    expect(broker.broker.store.topic(topic)!.numPartitions).toBe(2);
    await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
    expect(broker.broker.store.topic(topic)!.numPartitions).toBe(4);
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(md.topics[0]!.partitions.map((p: any) => p.partitionId).sort()).toEqual([0, 1, 2, 3]);
    // The new partitions take records.
    const sent = await producer.send({ topic, messages: [{ partition: 3, value: 'to the new partition' }] });
    expect(sent[0]).toMatchObject({ partition: 3, errorCode: 0, baseOffset: '0' });
    await expect(admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] })).rejects.toMatchObject({ type: 'INVALID_PARTITIONS' });
    await expect(admin.createPartitions({ topicPartitions: [{ topic, count: 5, assignments: [[2]] }] })).rejects.toMatchObject({ type: 'INVALID_REPLICA_ASSIGNMENT' });
    await admin.createPartitions({ topicPartitions: [{ topic, count: 5, assignments: [[1]] }] });
    expect(broker.broker.store.topic(topic)!.numPartitions).toBe(5);
  });

  it('deleteTopicRecords: the low watermark moves; -1 means the high watermark; beyond it fails', async () => {
    const topic = topicName('delete-records');
    await create(topic, 1);
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    // kafkajs finds partition leaders in its metadata cache, which learns a topic through calls like this one.
    expect(await admin.fetchTopicOffsets(topic)).toEqual([{ partition: 0, offset: '10', high: '10', low: '0' }]);
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '4' }] });
    expect(await admin.fetchTopicOffsets(topic)).toEqual([{ partition: 0, offset: '10', high: '10', low: '4' }]);
    // -1: everything up to the high watermark.
    await producer.send({ topic, messages: [{ value: 'v10' }, { value: 'v11' }] });
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '-1' }] });
    expect(await admin.fetchTopicOffsets(topic)).toEqual([{ partition: 0, offset: '12', high: '12', low: '12' }]);
    // Beyond the high watermark: OFFSET_OUT_OF_RANGE, which kafkajs reports as a failed deletion.
    await expect(admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '99' }] })).rejects.toThrow('Error while deleting records');
    expect((await admin.fetchTopicOffsets(topic))[0]!.low).toBe('12');
  });

  it('fetchTopicOffsetsByTimestamp: the first offset at or after a timestamp, the end offset past the last', async () => {
    const topic = topicName('by-time');
    await create(topic, 2);
    const t0 = Date.now() - 60_000;
    for (let i = 0; i < 4; i++) {
      await producer.send({ topic, messages: [{ partition: 0, value: `m${i}`, timestamp: String(t0 + i * 1000) }] });
    }
    await producer.send({ topic, messages: [{ partition: 1, value: 'late', timestamp: String(t0 + 10_000) }] });
    expect(await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 1500)).toEqual([
      { partition: 0, offset: '2' },
      { partition: 1, offset: '0' },
    ]);
    expect(await admin.fetchTopicOffsetsByTimestamp(topic, t0)).toEqual([
      { partition: 0, offset: '0' },
      { partition: 1, offset: '0' },
    ]);
    // Past every record: kafkajs falls back to the high watermark.
    expect(await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 20_000)).toEqual([
      { partition: 0, offset: '4' },
      { partition: 1, offset: '1' },
    ]);
  });

  it('describeCluster: this broker, as controller, with the cluster id', async () => {
    expect(await admin.describeCluster()).toEqual({
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: broker.port }],
      controller: 1,
      clusterId: broker.broker.clusterId,
    });
  });

  it('partition reassignments: to this broker completes at once, to another broker is refused; none in progress', async () => {
    const topic = topicName('reassign');
    await create(topic, 2);
    await admin.alterPartitionReassignments({ topics: [{ topic, partitionAssignment: [{ partition: 0, replicas: [1] }] }] });
    await expect(admin.alterPartitionReassignments({ topics: [{ topic, partitionAssignment: [{ partition: 1, replicas: [2] }] }] })).rejects.toThrow();
    expect(await admin.listPartitionReassignments({ topics: [{ topic, partitions: [0, 1] }] })).toEqual({ topics: [] });
  });

  it('used the versions kafkajs negotiates for these calls', () => {
    for (const r of ['DescribeConfigs v2', 'AlterConfigs v1', 'CreatePartitions v1', 'DeleteRecords v1', 'AlterPartitionReassignments v0', 'ListPartitionReassignments v0']) {
      expect([...requests], r).toContain(r);
    }
  });
});
