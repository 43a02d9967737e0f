// Topic administration and config APIs over a real socket with the project's own
// codecs (raw client), at every version each handler serves: DescribeConfigs,
// AlterConfigs, IncrementalAlterConfigs, CreatePartitions, DeleteRecords,
// OffsetForLeaderEpoch, DescribeLogDirs, DescribeCluster, DescribeTopicPartitions,
// ElectLeaders and the partition-reassignment APIs. Answers are checked against
// Kafka's: error codes, messages, config sources and synonyms.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSource } from '../../src/config/config-registry.js';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { ZERO_UUID } from '../../src/wire/reader.js';
import { buildRecordBatch, splitBatches } from '../../src/wire/record-batch.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { sampleMessage } from '../helpers/sample.js';
import { API_SCHEMAS } from '../../src/wire/messages/index.js';

const TOPIC = 2;
const BROKER = 4;
const BROKER_LOGGER = 8;
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

let broker: TestBroker;
let raw: RawClient;
const suffix = `${process.pid}-${Date.now().toString(36)}`;
let seq = 0;
const topicName = (base: string): string => `adm-${base}-${suffix}-${seq++}`;

beforeAll(async () => {
  broker = await startTestBroker();
  raw = await RawClient.connect(broker.port);
});

afterAll(async () => {
  raw?.close();
  await broker?.close();
});

async function createTopic(name: string, numPartitions = 1, configs: Record<string, string> = {}, c = raw): Promise<void> {
  const res = await c.request(19, 7, {
    topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  expect(res.topics[0].errorMessage).toBe(null);
}

async function produce(topic: string, partition: number, values: string[], c = raw): Promise<bigint> {
  const records = buildRecordBatch({ baseTimestamp: 1_700_000_000_000n, records: values.map((v) => ({ key: Buffer.from(v), value: Buffer.from(v) })) });
  const res = await c.request(0, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
  const p = res.responses[0].partitionResponses[0];
  expect(p.errorCode).toBe(ErrorCode.NONE);
  return p.baseOffset;
}

async function fetchAt(topic: string, offset: bigint, c = raw): Promise<any> {
  const res = await c.request(1, 11, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [],
    rackId: '',
  });
  return res.responses[0].partitions[0];
}

async function describe32(version: number, resources: { resourceType: number; resourceName: string; configurationKeys?: string[] | null }[], opts: { includeSynonyms?: boolean; includeDocumentation?: boolean } = {}, c = raw): Promise<any[]> {
  const res = await c.request(32, version, {
    resources: resources.map((r) => ({ configurationKeys: null, ...r })),
    includeSynonyms: opts.includeSynonyms ?? false,
    includeDocumentation: opts.includeDocumentation ?? false,
  });
  return res.results;
}

async function topicConfigs(topic: string, c = raw): Promise<Record<string, any>> {
  const [r] = await describe32(4, [{ resourceType: TOPIC, resourceName: topic }], { includeSynonyms: true }, c);
  expect(r.errorCode).toBe(ErrorCode.NONE);
  return Object.fromEntries(r.configs.map((e: any) => [e.name, e]));
}

async function brokerConfigs(name = String(broker.broker.nodeId), c = raw): Promise<Record<string, any>> {
  const [r] = await describe32(4, [{ resourceType: BROKER, resourceName: name }], { includeSynonyms: true }, c);
  expect(r.errorCode).toBe(ErrorCode.NONE);
  return Object.fromEntries(r.configs.map((e: any) => [e.name, e]));
}

async function incremental(version: number, resources: { resourceType: number; resourceName: string; configs: { name: string; configOperation: number; value: string | null }[] }[], validateOnly = false, c = raw): Promise<any[]> {
  const res = await c.request(44, version, { resources, validateOnly });
  return res.responses;
}

async function alter(version: number, resources: { resourceType: number; resourceName: string; configs: { name: string; value: string | null }[] }[], validateOnly = false, c = raw): Promise<any[]> {
  const res = await c.request(33, version, { resources, validateOnly });
  return res.responses;
}

const own = (topic: string): Record<string, string> => ({ ...broker.broker.store.topic(topic)!.configs });

describe('DescribeConfigs', () => {
  it('TOPIC at every version: values, sources, isDefault (v0), synonyms (v1+), types and documentation (v3+)', async () => {
    const topic = topicName('describe');
    await createTopic(topic, 1, { 'retention.ms': '3600000', 'cleanup.policy': 'compact,delete' });
    for (let v = 0; v <= 4; v++) {
      const [r] = await describe32(v, [{ resourceType: TOPIC, resourceName: topic }], { includeSynonyms: true, includeDocumentation: true });
      expect(r).toMatchObject({ errorCode: ErrorCode.NONE, errorMessage: null, resourceType: TOPIC, resourceName: topic });
      const byName = Object.fromEntries(r.configs.map((e: any) => [e.name, e]));
      // Every standard topic config is there, with Kafka's defaults.
      for (const name of ['cleanup.policy', 'compression.type', 'delete.retention.ms', 'max.message.bytes', 'message.timestamp.type', 'min.insync.replicas', 'retention.bytes', 'retention.ms', 'segment.bytes', 'segment.ms', 'min.compaction.lag.ms']) {
        expect(byName[name], name).toBeDefined();
      }
      expect(byName['retention.ms'].value).toBe('3600000');
      expect(byName['cleanup.policy'].value).toBe('compact,delete');
      expect(byName['segment.bytes'].value).toBe('1073741824');
      expect(byName['compression.type'].value).toBe('producer');
      expect(byName['max.message.bytes'].value).toBe('1048588');
      expect(byName['retention.ms'].readOnly).toBe(false);
      expect(byName['retention.ms'].isSensitive).toBe(false);
      if (v === 0) {
        expect(byName['retention.ms'].isDefault).toBe(false);
        expect(byName['segment.bytes'].isDefault).toBe(true);
      } else {
        expect(byName['retention.ms'].configSource).toBe(ConfigSource.TOPIC_CONFIG);
        expect(byName['segment.bytes'].configSource).toBe(ConfigSource.DEFAULT_CONFIG);
        // Kafka lists the topic override first, then the broker synonyms that have values.
        expect(byName['retention.ms'].synonyms).toEqual([{ name: 'retention.ms', value: '3600000', source: ConfigSource.TOPIC_CONFIG }]);
        expect(byName['segment.bytes'].synonyms).toEqual([{ name: 'log.segment.bytes', value: '1073741824', source: ConfigSource.DEFAULT_CONFIG }]);
        // retention.ms's default comes from log.retention.hours, which Kafka drops from the list (it starts at log.retention.ms).
        expect(byName['delete.retention.ms'].synonyms).toEqual([{ name: 'log.cleaner.delete.retention.ms', value: '86400000', source: ConfigSource.DEFAULT_CONFIG }]);
      }
      if (v >= 3) {
        expect(byName['retention.ms'].configType).toBe(5); // LONG
        expect(byName['cleanup.policy'].configType).toBe(7); // LIST
        expect(byName['segment.bytes'].configType).toBe(3); // INT
        expect(byName['preallocate'].configType).toBe(1); // BOOLEAN
        expect(byName['compression.type'].configType).toBe(2); // STRING
        expect(byName['min.cleanable.dirty.ratio'].configType).toBe(6); // DOUBLE
        expect(byName['retention.ms'].documentation).toMatch(/maximum time we will retain a log/);
      }
    }
  });

  it('without includeSynonyms/includeDocumentation: empty synonyms, null documentation', async () => {
    const topic = topicName('plain');
    await createTopic(topic);
    const [r] = await describe32(4, [{ resourceType: TOPIC, resourceName: topic }]);
    expect(r.configs.length).toBeGreaterThan(25);
    for (const c of r.configs) {
      expect(c.synonyms).toEqual([]);
      expect(c.documentation).toBe(null);
    }
  });

  it('configurationKeys picks configs; unknown keys are left out', async () => {
    const topic = topicName('keys');
    await createTopic(topic);
    const [r] = await describe32(2, [{ resourceType: TOPIC, resourceName: topic, configurationKeys: ['retention.ms', 'no.such.config', 'segment.bytes'] }]);
    expect(r.configs.map((c: any) => c.name).sort()).toEqual(['retention.ms', 'segment.bytes']);
  });

  it('unknown and invalid topics are per-resource errors', async () => {
    const rs = await describe32(4, [
      { resourceType: TOPIC, resourceName: topicName('missing') },
      { resourceType: TOPIC, resourceName: 'bad name!' },
      { resourceType: 99, resourceName: 'x' },
    ]);
    expect(rs.map((r) => r.errorCode)).toEqual([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.INVALID_TOPIC_EXCEPTION, ErrorCode.INVALID_REQUEST]);
    for (const r of rs) expect(r.configs).toEqual([]);
  });

  it('BROKER: this broker by id; read-only and sensitive flags; another id or a non-number is INVALID_REQUEST', async () => {
    const cfg = await brokerConfigs();
    expect(cfg['num.partitions']).toMatchObject({ value: '1', readOnly: true, isSensitive: false, configSource: ConfigSource.DEFAULT_CONFIG });
    expect(cfg['log.retention.ms']).toMatchObject({ value: null, readOnly: false, configSource: ConfigSource.DEFAULT_CONFIG, synonyms: [] });
    expect(cfg['log.retention.hours']).toMatchObject({ value: '168', readOnly: true, synonyms: [{ name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG }] });
    expect(cfg['message.max.bytes']).toMatchObject({ value: '1048588', readOnly: false, configType: 3 });
    expect(cfg['log.cleanup.policy']).toMatchObject({ value: 'delete', configType: 7 });
    expect(cfg['ssl.keystore.password']).toMatchObject({ value: null, isSensitive: true, configType: 9 });
    expect(cfg['node.id'].value).toBe(String(broker.broker.nodeId));
    const rs = await describe32(4, [
      { resourceType: BROKER, resourceName: '2' },
      { resourceType: BROKER, resourceName: 'one' },
    ]);
    expect(rs.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [ErrorCode.INVALID_REQUEST, 'Unexpected broker id, expected 1 or empty string, but received 2'],
      [ErrorCode.INVALID_REQUEST, 'Broker id must be an integer, but it is: one'],
    ]);
  });

  it('BROKER_LOGGER: the root logger and its level', async () => {
    const [r] = await describe32(4, [{ resourceType: BROKER_LOGGER, resourceName: '1' }]);
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.configs).toEqual([expect.objectContaining({ name: 'root', value: 'OFF', configSource: ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG, readOnly: false })]);
    const [empty] = await describe32(4, [{ resourceType: BROKER_LOGGER, resourceName: '' }]);
    expect(empty.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });
});

describe('CreateTopics configs', () => {
  it('validated as a set (INVALID_CONFIG), returned with their sources (v5+)', async () => {
    const create = async (configs: Record<string, string>, validateOnly = true): Promise<any> => {
      const res = await raw.request(19, 7, {
        topics: [{ name: topicName('ct'), numPartitions: 1, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([name, value]) => ({ name, value })) }],
        timeoutMs: 5000,
        validateOnly,
      });
      return res.topics[0];
    };
    expect(await create({ 'min.compaction.lag.ms': '10', 'max.compaction.lag.ms': '5' })).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: 'conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)',
    });
    expect((await create({ 'remote.storage.enable': 'true' })).errorCode).toBe(ErrorCode.INVALID_CONFIG);
    const ok = await create({ 'retention.ms': '1000', preallocate: 'TRUE' }, false);
    expect(ok.errorCode).toBe(ErrorCode.NONE);
    const byName = Object.fromEntries(ok.configs.map((c: any) => [c.name, c]));
    expect(byName['retention.ms']).toMatchObject({ value: '1000', configSource: ConfigSource.TOPIC_CONFIG, readOnly: false, isSensitive: false });
    expect(byName['preallocate']).toMatchObject({ value: 'true', configSource: ConfigSource.TOPIC_CONFIG });
    expect(byName['segment.bytes']).toMatchObject({ value: '1073741824', configSource: ConfigSource.DEFAULT_CONFIG });
  });
});

describe('AlterConfigs (legacy: replace)', () => {
  it('replaces the whole set at every version; validate_only changes nothing', async () => {
    const topic = topicName('alter');
    await createTopic(topic, 1, { 'retention.ms': '1000', 'segment.bytes': '100000' });
    for (let v = 0; v <= 2; v++) {
      const dry = await alter(v, [{ resourceType: TOPIC, resourceName: topic, configs: [{ name: 'cleanup.policy', value: 'compact' }] }], true);
      expect(dry).toEqual([{ errorCode: ErrorCode.NONE, errorMessage: null, resourceType: TOPIC, resourceName: topic }]);
      expect(own(topic)['cleanup.policy']).toBeUndefined();
      const res = await alter(v, [{ resourceType: TOPIC, resourceName: topic, configs: [{ name: 'max.message.bytes', value: String(2000 + v) }] }]);
      expect(res[0].errorCode).toBe(ErrorCode.NONE);
      // retention.ms and segment.bytes were not in the request: they are gone.
      expect(own(topic)).toEqual({ 'max.message.bytes': String(2000 + v) });
    }
    const cfg = await topicConfigs(topic);
    expect(cfg['max.message.bytes']).toMatchObject({ value: '2002', configSource: ConfigSource.TOPIC_CONFIG });
    expect(cfg['retention.ms']).toMatchObject({ value: '604800000', configSource: ConfigSource.DEFAULT_CONFIG });
  });

  it('invalid values and unknown names are INVALID_CONFIG with Kafka\'s message; nothing changes', async () => {
    const topic = topicName('alter-bad');
    await createTopic(topic, 1, { 'retention.ms': '1000' });
    const cases: [string, string, string][] = [
      ['retention.ms', 'soon', 'Invalid value soon for configuration retention.ms: Not a number of type LONG'],
      ['retention.ms', '-5', 'Invalid value -5 for configuration retention.ms: Value must be at least -1'],
      ['cleanup.policy', 'shred', "Invalid value shred for configuration cleanup.policy: Value 'shred' is not one of delete, compact"],
      ['compression.type', 'brotli', 'Invalid value brotli for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer'],
      ['preallocate', 'yes', 'Invalid value yes for configuration preallocate: Expected value to be either true or false'],
      ['no.such.config', '1', 'Unknown topic config name: no.such.config'],
    ];
    for (const [name, value, message] of cases) {
      const [r] = await alter(1, [{ resourceType: TOPIC, resourceName: topic, configs: [{ name, value }] }]);
      expect([r.errorCode, r.errorMessage], `${name}=${value}`).toEqual([ErrorCode.INVALID_CONFIG, message]);
    }
    const [lag] = await alter(1, [{ resourceType: TOPIC, resourceName: topic, configs: [{ name: 'min.compaction.lag.ms', value: '10' }, { name: 'max.compaction.lag.ms', value: '5' }] }]);
    expect([lag.errorCode, lag.errorMessage]).toEqual([ErrorCode.INVALID_CONFIG, 'conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)']);
    expect(own(topic)).toEqual({ 'retention.ms': '1000' });
  });

  it('request-level rules: duplicate resources and keys, null values, unknown topics, BROKER_LOGGER', async () => {
    const topic = topicName('alter-rules');
    await createTopic(topic);
    const rs = await alter(0, [
      { resourceType: TOPIC, resourceName: topic, configs: [] },
      { resourceType: TOPIC, resourceName: topic, configs: [] },
    ]);
    expect(rs.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.'],
      [ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.'],
    ]);
    const [dup] = await alter(2, [{ resourceType: TOPIC, resourceName: topic, configs: [{ name: 'retention.ms', value: '1' }, { name: 'retention.ms', value: '2' }] }]);
    expect([dup.errorCode, dup.errorMessage]).toEqual([ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys']);
    const [nul] = await alter(2, [{ resourceType: TOPIC, resourceName: topic, configs: [{ name: 'retention.ms', value: null }] }]);
    expect([nul.errorCode, nul.errorMessage]).toEqual([ErrorCode.INVALID_REQUEST, 'Null value not supported for : retention.ms']);
    const [missing] = await alter(2, [{ resourceType: TOPIC, resourceName: topicName('missing'), configs: [{ name: 'retention.ms', value: '1' }] }]);
    expect(missing.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const [logger] = await alter(2, [{ resourceType: BROKER_LOGGER, resourceName: '1', configs: [{ name: 'root', value: 'INFO' }] }]);
    expect([logger.errorCode, logger.errorMessage]).toEqual([ErrorCode.INVALID_REQUEST, 'Unknown resource type 8']);
  });

  it('BROKER: dynamic configs only; read-only ones are INVALID_REQUEST', async () => {
    const [ro] = await alter(1, [{ resourceType: BROKER, resourceName: '', configs: [{ name: 'num.partitions', value: '3' }, { name: 'log.retention.hours', value: '1' }] }]);
    expect([ro.errorCode, ro.errorMessage]).toEqual([ErrorCode.INVALID_REQUEST, 'Cannot update these configs dynamically: Set(num.partitions, log.retention.hours)']);
    const [bad] = await alter(1, [{ resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.retention.bytes', value: 'lots' }] }]);
    expect([bad.errorCode, bad.errorMessage]).toEqual([ErrorCode.INVALID_REQUEST, 'Invalid value lots for configuration log.retention.bytes: Not a number of type LONG']);
    const [wrongId] = await alter(1, [{ resourceType: BROKER, resourceName: '7', configs: [] }]);
    expect(wrongId.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });
});

describe('IncrementalAlterConfigs', () => {
  it('SET, DELETE, APPEND, SUBTRACT on a topic at v0 and v1', async () => {
    for (const v of [0, 1]) {
      const topic = topicName(`inc-${v}`);
      await createTopic(topic, 1, { 'retention.ms': '1000' });
      const [r1] = await incremental(v, [{
        resourceType: TOPIC,
        resourceName: topic,
        configs: [
          { name: 'segment.bytes', configOperation: SET, value: '200000' },
          { name: 'retention.ms', configOperation: DELETE, value: null },
          // APPEND starts from the default ("delete") and skips values already there.
          { name: 'cleanup.policy', configOperation: APPEND, value: 'compact,delete' },
        ],
      }]);
      expect(r1).toEqual({ errorCode: ErrorCode.NONE, errorMessage: null, resourceType: TOPIC, resourceName: topic });
      expect(own(topic)).toEqual({ 'segment.bytes': '200000', 'cleanup.policy': 'delete,compact' });
      const [r2] = await incremental(v, [{ resourceType: TOPIC, resourceName: topic, configs: [{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' }] }]);
      expect(r2.errorCode).toBe(ErrorCode.NONE);
      expect(own(topic)['cleanup.policy']).toBe('compact');
      const cfg = await topicConfigs(topic);
      expect(cfg['cleanup.policy']).toMatchObject({ value: 'compact', configSource: ConfigSource.TOPIC_CONFIG });
      expect(cfg['retention.ms']).toMatchObject({ value: '604800000', configSource: ConfigSource.DEFAULT_CONFIG });
    }
  });

  it('validate_only checks but does not apply', async () => {
    const topic = topicName('inc-dry');
    await createTopic(topic);
    const [ok] = await incremental(1, [{ resourceType: TOPIC, resourceName: topic, configs: [{ name: 'retention.ms', configOperation: SET, value: '5' }] }], true);
    expect(ok.errorCode).toBe(ErrorCode.NONE);
    const [bad] = await incremental(1, [{ resourceType: TOPIC, resourceName: topic, configs: [{ name: 'retention.ms', configOperation: SET, value: 'x' }] }], true);
    expect(bad.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(own(topic)).toEqual({});
  });

  it('errors: APPEND/SUBTRACT on a non-list config, invalid values, duplicate keys, null values, unknown topics', async () => {
    const topic = topicName('inc-bad');
    await createTopic(topic);
    const one = async (configs: { name: string; configOperation: number; value: string | null }[], name = topic): Promise<[number, string | null]> => {
      const [r] = await incremental(1, [{ resourceType: TOPIC, resourceName: name, configs }]);
      return [r.errorCode, r.errorMessage];
    };
    expect(await one([{ name: 'retention.ms', configOperation: APPEND, value: '1' }])).toEqual([ErrorCode.INVALID_CONFIG, "Can't APPEND to key retention.ms because its type is not LIST."]);
    expect(await one([{ name: 'retention.ms', configOperation: SUBTRACT, value: '1' }])).toEqual([ErrorCode.INVALID_CONFIG, "Can't SUBTRACT to key retention.ms because its type is not LIST."]);
    expect(await one([{ name: 'cleanup.policy', configOperation: APPEND, value: 'archive' }])).toEqual([ErrorCode.INVALID_CONFIG, "Invalid value delete,archive for configuration cleanup.policy: Value 'archive' is not one of delete, compact"]);
    expect(await one([{ name: 'max.message.bytes', configOperation: SET, value: '99999999999' }])).toEqual([ErrorCode.INVALID_CONFIG, 'Invalid value 99999999999 for configuration max.message.bytes: Not a number of type INT']);
    expect(await one([{ name: 'foo', configOperation: SET, value: '1' }])).toEqual([ErrorCode.INVALID_CONFIG, 'Unknown topic config name: foo']);
    expect(await one([{ name: 'retention.ms', configOperation: SET, value: '1' }, { name: 'retention.ms', configOperation: DELETE, value: null }])).toEqual([ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys']);
    expect(await one([{ name: 'retention.ms', configOperation: SET, value: null }])).toEqual([ErrorCode.INVALID_REQUEST, 'Null value not supported for : retention.ms']);
    expect(await one([{ name: 'retention.ms', configOperation: 9, value: '1' }])).toEqual([ErrorCode.INVALID_REQUEST, 'Unknown operations type 9']);
    expect((await one([{ name: 'retention.ms', configOperation: SET, value: '1' }], topicName('missing')))[0]).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(own(topic)).toEqual({});
  });

  it('BROKER: a dynamic cluster default reaches topics (source and synonyms) and produce (message.max.bytes)', async () => {
    const topic = topicName('dyn');
    await createTopic(topic);
    const [r] = await incremental(1, [{
      resourceType: BROKER,
      resourceName: '',
      configs: [
        { name: 'log.retention.ms', configOperation: SET, value: '7200000' },
        { name: 'message.max.bytes', configOperation: SET, value: '200' },
      ],
    }]);
    expect(r.errorCode).toBe(ErrorCode.NONE);
    try {
      const cfg = await topicConfigs(topic);
      expect(cfg['retention.ms']).toMatchObject({
        value: '7200000',
        configSource: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
        synonyms: [
          { name: 'log.retention.ms', value: '7200000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG },
          { name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG },
        ],
      });
      // The cluster-default resource lists only what is set there.
      const [def] = await describe32(4, [{ resourceType: BROKER, resourceName: '' }], { includeSynonyms: true });
      expect(def.configs.map((c: any) => [c.name, c.value, c.configSource])).toEqual([
        ['log.retention.ms', '7200000', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG],
        ['message.max.bytes', '200', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG],
      ]);
      // A per-broker value beats the cluster default.
      await incremental(0, [{ resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.retention.ms', configOperation: SET, value: '60000' }] }]);
      expect((await topicConfigs(topic))['retention.ms']).toMatchObject({ value: '60000', configSource: ConfigSource.DYNAMIC_BROKER_CONFIG });
      expect((await brokerConfigs())['log.retention.ms'].synonyms.map((s: any) => s.source)).toEqual([
        ConfigSource.DYNAMIC_BROKER_CONFIG,
        ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
        ConfigSource.DEFAULT_CONFIG, // log.retention.hours
      ]);
      // message.max.bytes 200 now applies to topics without max.message.bytes.
      const big = buildRecordBatch({ baseTimestamp: 1n, records: [{ key: null, value: Buffer.alloc(300) }] });
      const res = await raw.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records: big }] }] });
      expect(res.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    } finally {
      await incremental(1, [
        { resourceType: BROKER, resourceName: '', configs: [{ name: 'log.retention.ms', configOperation: DELETE, value: null }, { name: 'message.max.bytes', configOperation: DELETE, value: null }] },
        { resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.retention.ms', configOperation: DELETE, value: null }] },
      ]);
    }
    expect((await topicConfigs(topic))['retention.ms']).toMatchObject({ value: '604800000', configSource: ConfigSource.DEFAULT_CONFIG });
  });

  it('BROKER: read-only configs, APPEND on a list and on a non-list config', async () => {
    const [ro] = await incremental(1, [{ resourceType: BROKER, resourceName: '1', configs: [{ name: 'auto.create.topics.enable', configOperation: SET, value: 'false' }] }]);
    expect([ro.errorCode, ro.errorMessage]).toEqual([ErrorCode.INVALID_REQUEST, 'Cannot update these configs dynamically: Set(auto.create.topics.enable)']);
    const [nonList] = await incremental(1, [{ resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.retention.bytes', configOperation: APPEND, value: '1' }] }]);
    expect([nonList.errorCode, nonList.errorMessage]).toEqual([ErrorCode.INVALID_REQUEST, 'Config value append is not allowed for config key: log.retention.bytes']);
    const [list] = await incremental(1, [{ resourceType: BROKER, resourceName: '', configs: [{ name: 'log.cleanup.policy', configOperation: APPEND, value: 'compact' }] }], true);
    expect(list.errorCode).toBe(ErrorCode.NONE);
    expect(broker.broker.configs.dynamicConfigs(false).size).toBe(0); // validate_only
  });

  it('BROKER_LOGGER: SET the root level; unknown loggers, bad levels, APPEND and DELETE of root are refused', async () => {
    const one = async (configs: { name: string; configOperation: number; value: string | null }[], validateOnly = false): Promise<[number, string | null]> => {
      const [r] = await incremental(1, [{ resourceType: BROKER_LOGGER, resourceName: '1', configs }], validateOnly);
      return [r.errorCode, r.errorMessage];
    };
    expect(await one([{ name: 'root', configOperation: SET, value: 'DEBUG' }], true)).toEqual([ErrorCode.NONE, null]);
    expect(broker.broker.logger.level).toBe('silent');
    expect(await one([{ name: 'root', configOperation: SET, value: 'ERROR' }])).toEqual([ErrorCode.NONE, null]);
    try {
      const [r] = await describe32(4, [{ resourceType: BROKER_LOGGER, resourceName: '1' }]);
      expect(r.configs[0]).toMatchObject({ name: 'root', value: 'ERROR' });
      expect(await one([{ name: 'kafka.server', configOperation: SET, value: 'DEBUG' }])).toEqual([ErrorCode.INVALID_CONFIG, 'Logger kafka.server does not exist!']);
      expect(await one([{ name: 'root', configOperation: SET, value: 'LOUD' }])).toEqual([
        ErrorCode.INVALID_CONFIG,
        'Cannot set the log level of root to LOUD as it is not a supported log level. Valid log levels are DEBUG, ERROR, FATAL, INFO, TRACE, WARN',
      ]);
      expect(await one([{ name: 'root', configOperation: APPEND, value: 'DEBUG' }])).toEqual([ErrorCode.INVALID_REQUEST, 'APPEND operation is not allowed for the BROKER_LOGGER resource']);
      expect(await one([{ name: 'root', configOperation: DELETE, value: null }])).toEqual([ErrorCode.INVALID_REQUEST, 'Removing the log level of the root logger is not allowed']);
    } finally {
      broker.broker.logger.level = 'silent';
    }
  });
});

describe('CreatePartitions', () => {
  it('grows a topic at every version; validate_only does not', async () => {
    const topic = topicName('grow');
    await createTopic(topic, 1);
    for (let v = 0; v <= 3; v++) {
      const count = 2 + v;
      const dry = await raw.request(37, v, { topics: [{ name: topic, count: count + 10, assignments: null }], timeoutMs: 5000, validateOnly: true });
      expect(dry.results).toEqual([{ name: topic, errorCode: ErrorCode.NONE, errorMessage: null }]);
      const res = await raw.request(37, v, { topics: [{ name: topic, count, assignments: null }], timeoutMs: 5000, validateOnly: false });
      expect(res.results).toEqual([{ name: topic, errorCode: ErrorCode.NONE, errorMessage: null }]);
      expect(broker.broker.store.topic(topic)!.numPartitions).toBe(count);
    }
    // The new partitions take records and show in Metadata.
    await produce(topic, 4, ['x']);
    const md = await raw.request(3, 12, { topics: [{ topicId: ZERO_UUID, name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(md.topics[0].partitions.map((p: any) => p.partitionIndex)).toEqual([0, 1, 2, 3, 4]);
  });

  it('never shrinks: INVALID_PARTITIONS; assignments are checked against this one-broker cluster', async () => {
    const topic = topicName('shrink');
    await createTopic(topic, 3);
    const one = async (t: { count: number; assignments: number[][] | null }, name = topic): Promise<[number, string | null]> => {
      const res = await raw.request(37, 2, { topics: [{ name, count: t.count, assignments: t.assignments && t.assignments.map((brokerIds) => ({ brokerIds })) }], timeoutMs: 5000, validateOnly: false });
      return [res.results[0].errorCode, res.results[0].errorMessage];
    };
    expect(await one({ count: 2, assignments: null })).toEqual([ErrorCode.INVALID_PARTITIONS, `The topic ${topic} currently has 3 partition(s); 2 would not be an increase.`]);
    expect(await one({ count: 3, assignments: null })).toEqual([ErrorCode.INVALID_PARTITIONS, 'Topic already has 3 partition(s).']);
    expect(await one({ count: 5, assignments: [[1]] })).toEqual([ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.']);
    expect(await one({ count: 4, assignments: [[2]] })).toEqual([ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes broker 2, but no such broker is registered.']);
    expect(await one({ count: 4, assignments: [[1, 1]] })).toEqual([ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes the broker 1 more than once.']);
    expect(await one({ count: 4, assignments: [[]] })).toEqual([ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes an empty replica list.']);
    expect((await one({ count: 2, assignments: null }, topicName('missing')))[0]).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(broker.broker.store.topic(topic)!.numPartitions).toBe(3);
    expect(await one({ count: 5, assignments: [[1], [1]] })).toEqual([ErrorCode.NONE, null]);
    expect(broker.broker.store.topic(topic)!.numPartitions).toBe(5);
    const dup = await raw.request(37, 3, { topics: [{ name: topic, count: 9, assignments: null }, { name: topic, count: 9, assignments: null }], timeoutMs: 5000, validateOnly: false });
    expect(dup.results).toEqual([{ name: topic, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' }]);
  });
});

describe('DeleteRecords', () => {
  it('advances the log start offset at every version; fetches below it are OFFSET_OUT_OF_RANGE', async () => {
    const topic = topicName('delrec');
    await createTopic(topic);
    for (let i = 0; i < 5; i++) await produce(topic, 0, [`a${i}`, `b${i}`]); // offsets 0..9, batches of two
    for (let v = 0; v <= 2; v++) {
      const target = BigInt(3 + v * 2); // 3, 5, 7: mid-batch and batch starts
      const res = await raw.request(21, v, { topics: [{ name: topic, partitions: [{ partitionIndex: 0, offset: target }] }], timeoutMs: 5000 });
      expect(res.topics).toEqual([{ name: topic, partitions: [{ partitionIndex: 0, lowWatermark: target, errorCode: ErrorCode.NONE }] }]);
      const below = await fetchAt(topic, target - 1n);
      expect(below.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
      const at = await fetchAt(topic, target);
      expect(at.errorCode).toBe(ErrorCode.NONE);
      expect(at.logStartOffset).toBe(target);
      // Whole batches: the one holding the start offset comes back first.
      const batches = splitBatches(at.records);
      if ('error' in batches) throw new Error(batches.message);
      expect(batches.batches[0]!.baseOffset).toBeLessThanOrEqual(target);
      expect(batches.batches[0]!.lastOffset).toBeGreaterThanOrEqual(target);
    }
    const earliest = await raw.request(2, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n }] }] });
    expect(earliest.topics[0].partitions[0].offset).toBe(7n);
    // Timestamp lookups never answer below the log start offset.
    const byTime = await raw.request(2, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: 0n }] }] });
    expect(byTime.topics[0].partitions[0].offset).toBe(7n);
    // A lower offset changes nothing; -1 means the high watermark; beyond it is OFFSET_OUT_OF_RANGE.
    const lower = await raw.request(21, 2, { topics: [{ name: topic, partitions: [{ partitionIndex: 0, offset: 1n }] }], timeoutMs: 5000 });
    expect(lower.topics[0].partitions[0]).toMatchObject({ lowWatermark: 7n, errorCode: ErrorCode.NONE });
    const beyond = await raw.request(21, 2, { topics: [{ name: topic, partitions: [{ partitionIndex: 0, offset: 11n }] }], timeoutMs: 5000 });
    expect(beyond.topics[0].partitions[0]).toMatchObject({ lowWatermark: -1n, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE });
    const hw = await raw.request(21, 1, { topics: [{ name: topic, partitions: [{ partitionIndex: 0, offset: -1n }, { partitionIndex: 1, offset: 0n }] }], timeoutMs: 5000 });
    expect(hw.topics[0].partitions).toEqual([
      { partitionIndex: 0, lowWatermark: 10n, errorCode: ErrorCode.NONE },
      { partitionIndex: 1, lowWatermark: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
    ]);
    expect((await fetchAt(topic, 9n)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect((await fetchAt(topic, 10n)).errorCode).toBe(ErrorCode.NONE);
    // Appends continue after the deleted range.
    expect(await produce(topic, 0, ['after'])).toBe(10n);
  });

  it('compacted topics are a POLICY_VIOLATION; internal topics are refused', async () => {
    const topic = topicName('delrec-compact');
    await createTopic(topic, 1, { 'cleanup.policy': 'compact' });
    await produce(topic, 0, ['k']);
    await broker.broker.groups.ready();
    const res = await raw.request(21, 2, {
      topics: [
        { name: topic, partitions: [{ partitionIndex: 0, offset: 1n }] },
        { name: '__consumer_offsets', partitions: [{ partitionIndex: 0, offset: 0n }] },
      ],
      timeoutMs: 5000,
    });
    expect(res.topics.map((t: any) => t.partitions[0].errorCode)).toEqual([ErrorCode.POLICY_VIOLATION, ErrorCode.INVALID_TOPIC_EXCEPTION]);
  });
});

describe('OffsetForLeaderEpoch', () => {
  it('epoch 0 ends at the log end offset; later epochs are undefined; current-epoch fencing (v2+)', async () => {
    const topic = topicName('ofle');
    await createTopic(topic);
    await produce(topic, 0, ['a', 'b', 'c']);
    for (let v = 0; v <= 4; v++) {
      const res = await raw.request(23, v, {
        replicaId: -1,
        topics: [
          {
            topic,
            partitions: [
              { partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 },
              { partition: 0, currentLeaderEpoch: -1, leaderEpoch: 3 },
              { partition: 0, currentLeaderEpoch: 0, leaderEpoch: -1 },
              { partition: 0, currentLeaderEpoch: 5, leaderEpoch: 0 },
              { partition: 9, currentLeaderEpoch: -1, leaderEpoch: 0 },
            ],
          },
        ],
      });
      const ps = res.topics[0].partitions;
      expect(ps[0]).toMatchObject({ errorCode: ErrorCode.NONE, partition: 0, endOffset: 3n });
      expect(ps[1]).toMatchObject({ errorCode: ErrorCode.NONE, endOffset: -1n });
      expect(ps[2]).toMatchObject({ errorCode: ErrorCode.NONE, endOffset: -1n });
      expect(ps[4]).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partition: 9, endOffset: -1n });
      if (v >= 1) {
        expect(ps[0].leaderEpoch).toBe(0);
        expect(ps[1].leaderEpoch).toBe(-1);
      }
      // currentLeaderEpoch exists from v2: a newer epoch than ours is UNKNOWN_LEADER_EPOCH.
      expect(ps[3].errorCode).toBe(v >= 2 ? ErrorCode.UNKNOWN_LEADER_EPOCH : ErrorCode.NONE);
    }
  });
});

describe('DescribeLogDirs', () => {
  it('one log dir with per-partition sizes at every version', async () => {
    const topic = topicName('logdirs');
    await createTopic(topic, 2);
    await produce(topic, 0, ['x'.repeat(100)]);
    const size = BigInt(broker.broker.store.partition(topic, 0)!.sizeBytes);
    expect(size).toBeGreaterThan(100n);
    for (let v = 0; v <= 4; v++) {
      const res = await raw.request(35, v, { topics: [{ topic, partitions: [0, 1, 7] }] });
      expect(res.results).toHaveLength(1);
      const dir = res.results[0];
      expect(dir.errorCode).toBe(ErrorCode.NONE);
      expect(dir.topics).toEqual([
        {
          name: topic,
          partitions: [
            { partitionIndex: 0, partitionSize: size, offsetLag: 0n, isFutureKey: false },
            { partitionIndex: 1, partitionSize: 0n, offsetLag: 0n, isFutureKey: false },
          ],
        },
      ]);
      if (v >= 4) expect([dir.totalBytes, dir.usableBytes]).toEqual([-1n, -1n]); // in memory: no volume
    }
    const all = await raw.request(35, 3, { topics: null });
    expect(all.errorCode).toBe(ErrorCode.NONE);
    expect(all.results[0].topics.map((t: any) => t.name)).toContain(topic);
    const none = await raw.request(35, 3, { topics: [] });
    expect(none.results[0].topics).toEqual([]);
  });
});

describe('DescribeCluster', () => {
  it('this broker as the cluster and its controller (v0, v1); controllers cannot be asked for', async () => {
    for (const v of [0, 1]) {
      const res = await raw.request(60, v, { includeClusterAuthorizedOperations: true, endpointType: 1 });
      expect(res).toMatchObject({
        errorCode: ErrorCode.NONE,
        clusterId: broker.broker.clusterId,
        controllerId: 1,
        brokers: [{ brokerId: 1, host: '127.0.0.1', port: broker.port, rack: null }],
      });
      expect(res.clusterAuthorizedOperations).toBeGreaterThan(0);
    }
    const noOps = await raw.request(60, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 });
    expect(noOps.clusterAuthorizedOperations).toBe(-2147483648);
    const controllers = await raw.request(60, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 });
    expect(controllers.errorCode).toBe(ErrorCode.MISMATCHED_ENDPOINT_TYPE);
    const unknown = await raw.request(60, 1, { includeClusterAuthorizedOperations: false, endpointType: 9 });
    expect([unknown.errorCode, unknown.errorMessage]).toEqual([ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, 'Unsupported endpoint type 9']);
  });
});

describe('DescribeTopicPartitions', () => {
  it('pages through topics sorted by name with a cursor', async () => {
    const base = topicName('dtp');
    const [a, b, c] = [`${base}-a`, `${base}-b`, `${base}-c`];
    await createTopic(c, 2);
    await createTopic(a, 3);
    await createTopic(b, 2);
    const page = async (limit: number, cursor: { topicName: string; partitionIndex: number } | null, names = [a, b, c, `${base}-missing`]): Promise<any> =>
      raw.request(75, 0, { topics: names.map((name) => ({ name })), responsePartitionLimit: limit, cursor });
    const p1 = await page(4, null);
    expect(p1.topics.map((t: any) => [t.name, t.partitions.map((p: any) => p.partitionIndex)])).toEqual([
      [a, [0, 1, 2]],
      [b, [0]],
    ]);
    expect(p1.nextCursor).toEqual({ topicName: b, partitionIndex: 1 });
    expect(p1.topics[0]).toMatchObject({ errorCode: ErrorCode.NONE, topicId: broker.broker.store.topic(a)!.topicId, isInternal: false });
    expect(p1.topics[0].partitions[0]).toMatchObject({ leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], eligibleLeaderReplicas: [], lastKnownElr: [], offlineReplicas: [] });
    const p2 = await page(4, p1.nextCursor);
    expect(p2.topics.map((t: any) => [t.name, t.errorCode, t.partitions.map((p: any) => p.partitionIndex)])).toEqual([
      [b, ErrorCode.NONE, [1]],
      [c, ErrorCode.NONE, [0, 1]],
      [`${base}-missing`, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, []],
    ]);
    expect(p2.nextCursor).toBe(null);
    // A page that ends exactly at a topic boundary points at the next topic's partition 0.
    const p3 = await page(3, null, [a, b]);
    expect(p3.topics.map((t: any) => t.name)).toEqual([a]);
    expect(p3.nextCursor).toEqual({ topicName: b, partitionIndex: 0 });
    // All topics (empty list): unknown ones cannot appear; the cursor still applies.
    const all = await raw.request(75, 0, { topics: [], responsePartitionLimit: 2000, cursor: { topicName: b, partitionIndex: 1 } });
    expect(all.topics[0]).toMatchObject({ name: b, partitions: [expect.objectContaining({ partitionIndex: 1 })] });
    expect(all.topics.every((t: any) => t.name >= b)).toBe(true);
  });
});

describe('ElectLeaders and partition reassignments (one-broker cluster)', () => {
  it('ElectLeaders at every version: ELECTION_NOT_NEEDED, unknown partitions, all partitions', async () => {
    const topic = topicName('elect');
    await createTopic(topic, 2);
    for (let v = 0; v <= 2; v++) {
      for (const electionType of [0, 1]) {
        const res = await raw.request(43, v, { electionType, topicPartitions: [{ topic, partitions: [0, 1, 5] }, { topic: topicName('missing'), partitions: [0] }], timeoutMs: 5000 });
        if (v >= 1) expect(res.errorCode).toBe(ErrorCode.NONE);
        expect(res.replicaElectionResults[0]).toEqual({
          topic,
          partitionResult: [
            { partitionId: 0, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: 'Leader election not needed for topic partition.' },
            { partitionId: 1, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: 'Leader election not needed for topic partition.' },
            { partitionId: 5, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such partition as ${topic}-5` },
          ],
        });
        expect(res.replicaElectionResults[1].partitionResult[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        if (v === 0) break; // v0 has no election type
      }
    }
    const all = await raw.request(43, 2, { electionType: 0, topicPartitions: null, timeoutMs: 5000 });
    expect(all.replicaElectionResults.find((r: any) => r.topic === topic)).toEqual({ topic, partitionResult: [] });
    const bad = await raw.request(43, 2, { electionType: 7, topicPartitions: null, timeoutMs: 5000 });
    expect(bad.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('AlterPartitionReassignments: other brokers are INVALID_REPLICA_ASSIGNMENT; ListPartitionReassignments lists none', async () => {
    const topic = topicName('reassign');
    await createTopic(topic, 2);
    const res = await raw.request(45, 0, {
      timeoutMs: 5000,
      topics: [
        {
          name: topic,
          partitions: [
            { partitionIndex: 0, replicas: [1] },
            { partitionIndex: 1, replicas: [1, 2] },
            { partitionIndex: 0, replicas: null },
            { partitionIndex: 4, replicas: [1] },
          ],
        },
        { name: topicName('missing'), partitions: [{ partitionIndex: 0, replicas: [1] }] },
      ],
    });
    expect(res).toMatchObject({ errorCode: ErrorCode.NONE, errorMessage: null });
    expect(res.responses[0].partitions.map((p: any) => [p.errorCode, p.errorMessage])).toEqual([
      [ErrorCode.NONE, null],
      [ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes broker 2, but no such broker is registered.'],
      [ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, 'No partition reassignment is in progress.'],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unable to find partition ${topic}:4.`],
    ]);
    expect(res.responses[1].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    for (const topics of [null, [{ name: topic, partitionIndexes: [0, 1] }]]) {
      const list = await raw.request(46, 0, { timeoutMs: 5000, topics });
      expect(list).toMatchObject({ errorCode: ErrorCode.NONE, errorMessage: null, topics: [] });
    }
  });
});

describe('broker-level defaults from a config file and settings; restart', () => {
  it('server.properties and typed settings are STATIC_BROKER_CONFIG; they reach topics and auto-creation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafkalite-props-'));
    const file = join(dir, 'server.properties');
    writeFileSync(
      file,
      [
        '# Kafka server.properties syntax',
        'num.partitions=3',
        'log.retention.hours=2',
        'log.cleaner.delete.retention.ms : 1000',
        'log.segment.bytes=1048576',
        'compression.type=gzip',
        'message.max.bytes=4096',
        '! a comment too',
        'custom.thing=hello',
      ].join('\n'),
    );
    const b = await startTestBroker({ configFile: file, logRetentionBytes: 5000, messageMaxBytes: 8192 });
    const c = await RawClient.connect(b.port);
    try {
      expect(b.broker.config).toMatchObject({ numPartitions: 3, logRetentionMs: 7_200_000, logSegmentBytes: 1048576, logRetentionBytes: 5000, messageMaxBytes: 8192 });
      const [r] = await describe32(4, [{ resourceType: BROKER, resourceName: '1' }], { includeSynonyms: true }, c);
      const cfg = Object.fromEntries(r.configs.map((e: any) => [e.name, e]));
      expect(cfg['num.partitions']).toMatchObject({ value: '3', configSource: ConfigSource.STATIC_BROKER_CONFIG, readOnly: true });
      expect(cfg['log.retention.hours']).toMatchObject({
        value: '2',
        configSource: ConfigSource.STATIC_BROKER_CONFIG,
        synonyms: [
          { name: 'log.retention.hours', value: '2', source: ConfigSource.STATIC_BROKER_CONFIG },
          { name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG },
        ],
      });
      // The typed setting beats the file.
      expect(cfg['message.max.bytes']).toMatchObject({ value: '8192', configSource: ConfigSource.STATIC_BROKER_CONFIG });
      expect(cfg['log.retention.bytes']).toMatchObject({ value: '5000', configSource: ConfigSource.STATIC_BROKER_CONFIG });
      expect(cfg['custom.thing']).toMatchObject({ value: null, isSensitive: true, configSource: ConfigSource.STATIC_BROKER_CONFIG });
      const topic = topicName('static');
      await createTopic(topic, 1, {}, c);
      const t = await topicConfigs(topic, c);
      expect(t['retention.ms']).toMatchObject({ value: '7200000', configSource: ConfigSource.DEFAULT_CONFIG, synonyms: [] });
      expect(t['retention.bytes']).toMatchObject({ value: '5000', configSource: ConfigSource.STATIC_BROKER_CONFIG, synonyms: [
        { name: 'log.retention.bytes', value: '5000', source: ConfigSource.STATIC_BROKER_CONFIG },
        { name: 'log.retention.bytes', value: '-1', source: ConfigSource.DEFAULT_CONFIG },
      ] });
      expect(t['delete.retention.ms']).toMatchObject({ value: '1000', configSource: ConfigSource.STATIC_BROKER_CONFIG });
      expect(t['compression.type']).toMatchObject({ value: 'gzip', configSource: ConfigSource.STATIC_BROKER_CONFIG });
      expect(t['segment.bytes']).toMatchObject({ value: '1048576', configSource: ConfigSource.STATIC_BROKER_CONFIG });
      expect(t['max.message.bytes']).toMatchObject({ value: '8192', configSource: ConfigSource.STATIC_BROKER_CONFIG });
      // num.partitions=3 from the file: auto-created topics get 3 partitions.
      const auto = topicName('auto');
      const md = await c.request(3, 12, { topics: [{ topicId: ZERO_UUID, name: auto }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
      expect(md.topics[0].partitions).toHaveLength(3);
    } finally {
      c.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an invalid value in the config file stops the start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafkalite-props-'));
    const file = join(dir, 'server.properties');
    writeFileSync(file, 'num.partitions=many\n');
    try {
      await expect(startTestBroker({ configFile: file })).rejects.toThrow('Invalid value many for configuration num.partitions: Not a number of type INT');
      await expect(startTestBroker({ configFile: join(dir, 'absent.properties') })).rejects.toThrow(/cannot read config file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('topic configs, dynamic broker configs and the log start offset survive a restart (disk store)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kafkalite-restart-'));
    const topic = topicName('restart');
    try {
      let b = await startTestBroker({ inMemory: false, dataDir });
      let c = await RawClient.connect(b.port);
      await createTopic(topic, 1, { 'retention.ms': '1000' }, c);
      await incremental(1, [
        { resourceType: TOPIC, resourceName: topic, configs: [{ name: 'cleanup.policy', configOperation: APPEND, value: 'compact' }, { name: 'retention.ms', configOperation: SET, value: '2000' }] },
        { resourceType: BROKER, resourceName: '', configs: [{ name: 'log.retention.bytes', configOperation: SET, value: '123456' }] },
        { resourceType: BROKER, resourceName: '1', configs: [{ name: 'message.max.bytes', configOperation: SET, value: '65536' }] },
      ], false, c);
      for (let i = 0; i < 4; i++) await produce(topic, 0, [`v${i}`], c);
      const del = await c.request(21, 2, { topics: [{ name: topic, partitions: [{ partitionIndex: 0, offset: 2n }] }], timeoutMs: 5000 });
      expect(del.topics[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.NONE, lowWatermark: 2n });
      c.close();
      await b.close();

      b = await startTestBroker({ inMemory: false, dataDir });
      c = await RawClient.connect(b.port);
      try {
        const t = await topicConfigs(topic, c);
        expect(t['cleanup.policy']).toMatchObject({ value: 'delete,compact', configSource: ConfigSource.TOPIC_CONFIG });
        expect(t['retention.ms']).toMatchObject({ value: '2000', configSource: ConfigSource.TOPIC_CONFIG });
        expect(t['retention.bytes']).toMatchObject({ value: '123456', configSource: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
        expect(t['max.message.bytes']).toMatchObject({ value: '65536', configSource: ConfigSource.DYNAMIC_BROKER_CONFIG });
        expect((await fetchAt(topic, 1n, c)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
        const at = await fetchAt(topic, 2n, c);
        expect([at.errorCode, at.logStartOffset, at.highWatermark]).toEqual([ErrorCode.NONE, 2n, 4n]);
        const byTime = await c.request(2, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: 0n }] }] });
        expect(byTime.topics[0].partitions[0].offset).toBe(2n);
      } finally {
        c.close();
        await b.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('DescribeLogDirs v4 reports the data dir volume', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kafkalite-logdirs-'));
    const b = await startTestBroker({ inMemory: false, dataDir });
    const c = await RawClient.connect(b.port);
    try {
      const res = await c.request(35, 4, { topics: null });
      expect(res.results[0].logDir).toBe(dataDir);
      expect(res.results[0].totalBytes).toBeGreaterThan(0n);
      expect(res.results[0].usableBytes).toBeGreaterThan(0n);
      expect(res.results[0].usableBytes).toBeLessThanOrEqual(res.results[0].totalBytes);
    } finally {
      c.close();
      await b.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('well-formed but arbitrary requests', () => {
  it('every new API answers sampled requests of every version without dropping the connection', async () => {
    const b = await startTestBroker();
    const c = await RawClient.connect(b.port);
    try {
      const apis: [number, number][] = [[21, 2], [23, 4], [32, 4], [33, 2], [35, 4], [37, 3], [43, 2], [44, 1], [45, 0], [46, 0], [60, 1], [75, 0]];
      let n = 0;
      for (const [apiKey, max] of apis) {
        for (let v = 0; v <= max; v++) {
          for (let seed = 1; seed <= 12; seed++) {
            await c.request(apiKey, v, sampleMessage(API_SCHEMAS.get(apiKey)!.request, v, apiKey * 1000 + v * 100 + seed));
            n++;
          }
        }
      }
      expect(c.closed).toBe(false);
      expect(n).toBeGreaterThan(200);
    } finally {
      c.close();
      await b.close();
    }
  });
});
