// @platformatic/kafka's admin client (flexible, newest versions: DescribeConfigs v4,
// IncrementalAlterConfigs v1, AlterConfigs v2, CreatePartitions v3, DeleteRecords v2,
// DescribeLogDirs v4) against a real broker socket.
import { Admin, ConfigResourceTypes, IncrementalAlterConfigOperationTypes } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSource } from '../../src/config/config-registry.js';
import { buildRecordBatch } from '../../src/wire/record-batch.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

let broker: TestBroker;
let admin: Admin;
let raw: RawClient;
const suffix = `${process.pid}-${Date.now().toString(36)}`;
let seq = 0;
const topicName = (base: string): string => `pf-admin-${base}-${suffix}-${seq++}`;

beforeAll(async () => {
  broker = await startTestBroker();
  admin = new Admin({ clientId: 'kafkalite-compat-platformatic-admin', bootstrapBrokers: [broker.bootstrapServers], retries: 0 });
  raw = await RawClient.connect(broker.port);
});

afterAll(async () => {
  raw?.close();
  await admin?.close();
  await broker?.close();
});

describe('@platformatic/kafka admin', () => {
  it('describeConfigs with synonyms and documentation; incrementalAlterConfigs SET/APPEND/DELETE; alterConfigs', async () => {
    const topic = topicName('configs');
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1, configs: [{ name: 'retention.ms', value: '60000' }] });
    const describe = async (): Promise<Record<string, any>> => {
      const [res] = await admin.describeConfigs({ resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic }], includeSynonyms: true, includeDocumentation: true });
      return Object.fromEntries(res!.configs.map((c: any) => [c.name, c]));
    };
    let cfg = await describe();
    expect(cfg['retention.ms']).toMatchObject({ value: '60000', configSource: ConfigSource.TOPIC_CONFIG, configType: 5 });
    expect(cfg['retention.ms'].documentation).toMatch(/retain a log/);
    await admin.incrementalAlterConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: topic,
          configs: [
            { name: 'cleanup.policy', configOperation: IncrementalAlterConfigOperationTypes.APPEND, value: 'compact' },
            { name: 'retention.ms', configOperation: IncrementalAlterConfigOperationTypes.DELETE, value: null },
            { name: 'max.message.bytes', configOperation: IncrementalAlterConfigOperationTypes.SET, value: '4096' },
          ],
        },
      ],
    });
    cfg = await describe();
    expect(cfg['cleanup.policy']).toMatchObject({ value: 'delete,compact', configSource: ConfigSource.TOPIC_CONFIG });
    expect(cfg['retention.ms']).toMatchObject({ value: '604800000', configSource: ConfigSource.DEFAULT_CONFIG });
    expect(cfg['max.message.bytes'].value).toBe('4096');
    await expect(
      admin.incrementalAlterConfigs({
        resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configs: [{ name: 'segment.ms', configOperation: IncrementalAlterConfigOperationTypes.APPEND, value: '1' }] }],
      }),
    ).rejects.toThrow();
    await admin.alterConfigs({ resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configs: [{ name: 'segment.bytes', value: '1048576' }] }] });
    expect(broker.broker.store.topic(topic)!.configs).toEqual({ 'segment.bytes': '1048576' });
    const [b] = await admin.describeConfigs({ resources: [{ resourceType: ConfigResourceTypes.BROKER, resourceName: '1', configurationKeys: ['num.partitions', 'log.retention.ms'] }] });
    expect(b!.configs.map((c: any) => [c.name, c.value, c.readOnly])).toEqual([
      ['log.retention.ms', null, false],
      ['num.partitions', '1', true],
    ]);
  });

  it('createPartitions, deleteRecords and describeLogDirs', async () => {
    const topic = topicName('partitions');
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    await admin.createPartitions({ topics: [{ name: topic, count: 3 }] });
    expect(broker.broker.store.topic(topic)!.numPartitions).toBe(3);
    await expect(admin.createPartitions({ topics: [{ name: topic, count: 2 }] })).rejects.toThrow();
    const records = buildRecordBatch({ baseTimestamp: 1n, records: ['a', 'b', 'c', 'd'].map((v) => ({ key: null, value: Buffer.from(v) })) });
    await raw.request(0, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 2, records }] }] });
    const deleted = await admin.deleteRecords({ topics: [{ name: topic, partitions: [{ partition: 2, offset: 3n }] }] });
    expect(deleted).toEqual([{ name: topic, partitions: [{ partition: 2, lowWatermark: 3n }] }]);
    expect(broker.broker.store.partition(topic, 2)!.logStartOffset).toBe(3n);
    const dirs = await admin.describeLogDirs({ topics: [{ name: topic, partitions: [0, 1, 2] }] });
    expect(dirs).toHaveLength(1);
    expect(dirs[0]!.broker).toBe(1);
    const parts = dirs[0]!.results[0]!.topics.find((t: any) => t.name === topic)!.partitions;
    expect(parts.map((p: any) => [p.partitionIndex, p.partitionSize > 0n])).toEqual([
      [0, false],
      [1, false],
      [2, true],
    ]);
  });
});
