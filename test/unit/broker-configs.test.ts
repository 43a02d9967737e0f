// Broker-level configuration: the server.properties reader, Kafka-named properties →
// typed settings (with Kafka's synonyms in other units), precedence of flags over the
// file, the CLI flags, and topic config validation.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromArgs } from '../../src/cli-args.js';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/config/broker-config.js';
import { brokerConfigDefs, parseProperties, settingsFromProperties } from '../../src/config/broker-configs.js';
import { ConfigRegistry, ConfigSource } from '../../src/config/config-registry.js';
import { TOPIC_CONFIGS, validateTopicConfig, validateTopicConfigs } from '../../src/config/topic-configs.js';

const dir = mkdtempSync(join(tmpdir(), 'kafkalite-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

describe('server.properties', () => {
  it('parses Java properties: separators, comments, blank lines, continuations, escapes', () => {
    const props = parseProperties(
      [
        '# comment',
        '! another comment',
        '',
        'a=1',
        '  b : two words  ',
        'c three',
        'd=',
        'e=first \\',
        '    second',
        'f=tab\\there\\u0041',
        'key\\=with\\:seps=x',
        'listeners=PLAINTEXT://localhost:19092',
      ].join('\r\n'),
    );
    expect(props).toEqual({
      a: '1',
      b: 'two words',
      c: 'three',
      d: '',
      e: 'first second',
      f: 'tab\thereA',
      'key=with:seps': 'x',
      listeners: 'PLAINTEXT://localhost:19092',
    });
  });

  it('maps Kafka names to typed settings, with synonyms in other units', () => {
    expect(
      settingsFromProperties({
        'num.partitions': '4',
        'auto.create.topics.enable': 'FALSE',
        'log.retention.hours': '2',
        'log.roll.hours': '1',
        'log.segment.bytes': '1048576',
        'group.consumer.assignors': 'range, uniform',
        listeners: 'PLAINTEXT://0.0.0.0:19092',
        'advertised.listeners': 'PLAINTEXT://kafka.local:29092',
        'log.dirs': '/var/lib/kafkalite',
        'node.id': '3',
      }),
    ).toEqual({
      numPartitions: 4,
      autoCreateTopics: false,
      logRetentionMs: 7_200_000,
      logRollMs: 3_600_000,
      logSegmentBytes: 1048576,
      groupConsumerAssignors: ['range', 'uniform'],
      host: '0.0.0.0',
      port: 19092,
      advertisedHost: 'kafka.local',
      advertisedPort: 29092,
      dataDir: '/var/lib/kafkalite',
      nodeId: 3,
    });
    // The highest-priority synonym wins: ms over minutes over hours.
    expect(settingsFromProperties({ 'log.retention.hours': '2', 'log.retention.minutes': '5', 'log.retention.ms': '1000' }).logRetentionMs).toBe(1000);
    expect(settingsFromProperties({ 'log.retention.hours': '2', 'log.retention.minutes': '5' }).logRetentionMs).toBe(300_000);
  });

  it('refuses invalid values as Kafka does at start-up', () => {
    expect(() => settingsFromProperties({ 'num.partitions': 'x' })).toThrow('Invalid value x for configuration num.partitions: Not a number of type INT');
    expect(() => settingsFromProperties({ 'num.partitions': '0' })).toThrow('Invalid value 0 for configuration num.partitions: Value must be at least 1');
    expect(() => settingsFromProperties({ 'auto.create.topics.enable': 'maybe' })).toThrow('Expected value to be either true or false');
    expect(() => settingsFromProperties({ 'log.cleanup.policy': 'shred' })).toThrow("Invalid value shred for configuration log.cleanup.policy: Value 'shred' is not one of delete, compact");
    expect(() => settingsFromProperties({ listeners: 'localhost' })).toThrow(/expected NAME:\/\/host:port/);
    expect(() => settingsFromProperties({ 'log.dirs': '/a,/b' })).toThrow(/one directory/);
    // Unknown names are kept, not refused.
    expect(settingsFromProperties({ 'some.plugin.setting': 'x' })).toEqual({});
  });

  it('resolveConfig: defaults < file < properties < typed settings; static properties record what was given', () => {
    const f = file('p1.properties', 'num.partitions=4\nlog.retention.hours=3\nmessage.max.bytes=5000\ncustom=1\n');
    const c = resolveConfig({ configFile: f, properties: { 'message.max.bytes': '6000', 'log.segment.bytes': '2000000' }, numPartitions: 7 });
    expect(c).toMatchObject({ numPartitions: 7, logRetentionMs: 10_800_000, messageMaxBytes: 6000, logSegmentBytes: 2000000, logRollMs: DEFAULT_CONFIG.logRollMs });
    expect(c.properties).toEqual({
      'num.partitions': '7',
      'log.retention.hours': '3',
      'message.max.bytes': '6000',
      'log.segment.bytes': '2000000',
      custom: '1',
    });
    expect(() => resolveConfig({ configFile: join(dir, 'nope.properties') })).toThrow(/cannot read config file/);
  });

  it('the CLI: --config and the log flags (flags win over env vars)', () => {
    const f = file('p2.properties', 'log.retention.bytes=100\n');
    const parsed = configFromArgs(
      ['--config', f, '--log-retention-ms', '60000', '--log-segment-bytes', '1048576', '--message-max-bytes', '2048', '--default-replication-factor', '1', '--log-roll-ms', '1000'],
      { KAFKALITE_LOG_RETENTION_MS: '5', KAFKALITE_LOG_RETENTION_CHECK_INTERVAL_MS: '250' },
    );
    expect(parsed).toMatchObject({ configFile: f, logRetentionMs: 60000, logSegmentBytes: 1048576, messageMaxBytes: 2048, defaultReplicationFactor: 1, logRollMs: 1000, logRetentionCheckIntervalMs: 250 });
    const c = resolveConfig(parsed);
    expect(c).toMatchObject({ logRetentionBytes: 100, logRetentionMs: 60000 });
    expect(c.properties).toMatchObject({ 'log.retention.bytes': '100', 'log.retention.ms': '60000', 'log.roll.ms': '1000' });
  });
});

describe('config sources (ConfigRegistry)', () => {
  const topic = (configs: Record<string, string>) => ({ name: 't', topicId: 'x', numPartitions: 1, configs, internal: false });

  it('every topic config has a broker synonym in the catalog (or none, as Kafka)', () => {
    const defs = brokerConfigDefs();
    for (const t of TOPIC_CONFIGS) if (t.brokerSynonym) expect(defs.has(t.brokerSynonym), t.brokerSynonym).toBe(true);
  });

  it('a topic value: override, else the first broker synonym with a value, converted (hours → ms)', async () => {
    const r = new ConfigRegistry(resolveConfig({ inMemory: true, properties: { 'log.retention.minutes': '30' } }));
    expect(r.topicValue(topic({}), 'retention.ms')).toBe('1800000');
    expect(r.topicValue(topic({ 'retention.ms': '5' }), 'retention.ms')).toBe('5');
    const [entry] = r.describeTopic(topic({}), { keys: ['retention.ms'], includeSynonyms: true, includeDocumentation: false });
    // Kafka drops synonyms ahead of log.retention.ms itself, so a minutes/hours-only setting lists none.
    expect(entry).toMatchObject({ value: '1800000', configSource: ConfigSource.DEFAULT_CONFIG, synonyms: [] });
    await r.setDynamicConfigs(false, new Map([['log.retention.ms', '42']]));
    expect(r.topicValue(topic({}), 'retention.ms')).toBe('42');
    expect(r.logDefaults().retentionMs).toBe(42);
    expect(r.logDefaults().maxCompactionLagMs).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('checkBrokerConfigs: read-only, per-broker and bad values', () => {
    const r = new ConfigRegistry(resolveConfig({ inMemory: true }));
    expect(r.checkBrokerConfigs(true, new Map([['log.retention.ms', '1'], ['custom.thing', 'x']]))).toBe(null);
    expect(r.checkBrokerConfigs(true, new Map([['num.partitions', '2']]))).toBe('Cannot update these configs dynamically: Set(num.partitions)');
    expect(r.checkBrokerConfigs(false, new Map([['ssl.keystore.password', 'x']]))).toBe(
      'Cannot update these configs at default cluster level, broker id must be specified: Set(ssl.keystore.password)',
    );
    expect(r.checkBrokerConfigs(true, new Map([['message.max.bytes', '-1']]))).toBe('Invalid value -1 for configuration message.max.bytes: Value must be at least 0');
  });
});

describe('topic config validation', () => {
  it('types, rules and cross-config checks', () => {
    expect(validateTopicConfig('segment.bytes', '13')).toBe('Invalid value 13 for configuration segment.bytes: Value must be at least 14');
    expect(validateTopicConfig('min.cleanable.dirty.ratio', '1.5')).toBe('Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be between 0 and 1');
    expect(validateTopicConfig('leader.replication.throttled.replicas', '0:1,1:1')).toBe(null);
    expect(validateTopicConfig('leader.replication.throttled.replicas', 'all')).toMatch(/must be the literal '\*'/);
    expect(validateTopicConfig('compression.zstd.level', '30')).toBe('Invalid value 30 for configuration compression.zstd.level: Value must be between -131072 and 22');
    expect(validateTopicConfig('preallocate', 'TRUE')).toBe(null);
    const effective = (name: string) => TOPIC_CONFIGS.find((d) => d.name === name)!.defaultValue;
    expect(validateTopicConfigs({ 'min.compaction.lag.ms': '10', 'max.compaction.lag.ms': '5' }, effective)).toBe('conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)');
    expect(validateTopicConfigs({ 'remote.storage.enable': 'true' }, effective)).toMatch(/Tiered Storage functionality is disabled/);
    expect(validateTopicConfigs({ 'retention.ms': null }, effective)).toBe('Null value not supported for topic configs: retention.ms');
  });
});
