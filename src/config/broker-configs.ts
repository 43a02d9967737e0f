/**
 * Kafka's broker-level configs (the KafkaConfig subset kafkalite knows): type,
 * default, dynamic update mode, documentation, the typed BrokerConfig setting
 * each maps to, and their synonyms. Also the server.properties reader: a config
 * file in Kafka's syntax becomes typed settings plus the Kafka-named static
 * properties DescribeConfigs reports as STATIC_BROKER_CONFIG.
 */
import { readFileSync } from 'node:fs';
import type { BrokerConfig } from './broker-config.js';
import { DEFAULT_CONFIG } from './broker-config.js';
import { TOPIC_CONFIGS, checkType, type ConfigType } from './topic-configs.js';
import { securityConfigDefs, securityPropertiesFromSettings, securitySettingsFromProperties } from '../security/config.js';

export type BrokerConfigType = ConfigType | 'password' | 'short' | 'class';

/** Kafka's dynamic update modes: read-only needs a restart; the others go through AlterConfigs. */
export type UpdateMode = 'read-only' | 'per-broker' | 'cluster-wide';

export interface BrokerConfigDef {
  readonly name: string;
  readonly type: BrokerConfigType;
  /** Kafka's default as a string (null: no default, e.g. log.retention.ms). Typed settings default to kafkalite's value. */
  readonly defaultValue: string | null;
  readonly mode: UpdateMode;
  readonly doc: string;
  /** The typed setting this config reads and writes. */
  readonly field?: keyof BrokerConfig;
  readonly validate?: (value: string) => string | null;
}

const LONG_MAX = '9223372036854775807';
const INT_MAX = '2147483647';
const atLeast = (min: bigint) => (v: string) => (BigInt(v) < min ? `Value must be at least ${min}` : null);

function b(name: string, type: BrokerConfigType, defaultValue: string | null, mode: UpdateMode, doc: string, extra: Partial<BrokerConfigDef> = {}): BrokerConfigDef {
  return { name, type, defaultValue, mode, doc, ...extra };
}

/** Topic-config synonyms that are dynamic broker configs (Kafka's DynamicLogConfig.ReconfigurableConfigs). */
const LOG_SYNONYM_DOCS: Record<string, string> = {
  'log.cleanup.policy': 'The default cleanup policy for segments beyond the retention window. A comma separated list of valid policies.',
  'compression.gzip.level': 'The compression level to use if compression.type is set to gzip.',
  'compression.lz4.level': 'The compression level to use if compression.type is set to lz4.',
  'compression.type': "Specify the final compression type for a given topic. This configuration accepts the standard compression codecs ('gzip', 'snappy', 'lz4', 'zstd'). It additionally accepts 'uncompressed' which is equivalent to no compression; and 'producer' which means retain the original compression codec set by the producer.",
  'compression.zstd.level': 'The compression level to use if compression.type is set to zstd.',
  'log.cleaner.delete.retention.ms': 'The amount of time to retain tombstone message markers for log compacted topics.',
  'log.segment.delete.delay.ms': 'The amount of time to wait before deleting a file from the filesystem.',
  'log.flush.interval.messages': 'The number of messages accumulated on a log partition before messages are flushed to disk.',
  'log.flush.interval.ms': 'The maximum time in ms that a message in any topic is kept in memory before flushed to disk. If not set, the value in log.flush.scheduler.interval.ms is used.',
  'log.index.interval.bytes': 'The interval with which we add an entry to the offset index.',
  'log.local.retention.bytes': 'The maximum size of local log segments that can grow for a partition before it gets eligible for deletion. Default value is -2, it represents log.retention.bytes value to be used.',
  'log.local.retention.ms': 'The number of milliseconds to keep the local log segments before it gets eligible for deletion. Default value is -2, it represents log.retention.ms value is to be used.',
  'log.cleaner.max.compaction.lag.ms': 'The maximum time a message will remain ineligible for compaction in the log. Only applicable for logs that are being compacted.',
  'message.max.bytes': 'The largest record batch size allowed by Kafka (after compression if compression is enabled).',
  'log.message.downconversion.enable': 'This configuration controls whether down-conversion of message formats is enabled to satisfy consume requests.',
  'log.message.format.version': 'Specify the message format version the broker will use to append messages to the logs.',
  'log.message.timestamp.after.max.ms': "This configuration sets the allowable timestamp difference between the message timestamp and the broker's timestamp (message timestamps later than the broker's).",
  'log.message.timestamp.before.max.ms': "This configuration sets the allowable timestamp difference between the broker's timestamp and the message timestamp (message timestamps earlier than the broker's).",
  'log.message.timestamp.difference.max.ms': 'The maximum difference allowed between the timestamp when a broker receives a message and the timestamp specified in the message.',
  'log.message.timestamp.type': 'Define whether the timestamp in the message is message create time or log append time. The value should be either CreateTime or LogAppendTime.',
  'log.cleaner.min.cleanable.ratio': 'The minimum ratio of dirty log to total log for a log to eligible for cleaning.',
  'log.cleaner.min.compaction.lag.ms': 'The minimum time a message will remain uncompacted in the log. Only applicable for logs that are being compacted.',
  'min.insync.replicas': 'When a producer sets acks to "all" (or "-1"), min.insync.replicas specifies the minimum number of replicas that must acknowledge a write for the write to be considered successful.',
  'log.preallocate': 'Should pre allocate file when create new segment?',
  'log.retention.bytes': 'The maximum size of the log before deleting it.',
  'log.retention.ms': 'The number of milliseconds to keep a log file before deleting it (in milliseconds), If not set, the value in log.retention.minutes is used. If set to -1, no time limit is applied.',
  'log.segment.bytes': 'The maximum size of a single log file.',
  'log.index.size.max.bytes': 'The maximum size in bytes of the offset index.',
  'log.roll.jitter.ms': 'The maximum jitter to subtract from logRollTimeMillis (in milliseconds). If not set, the value in log.roll.jitter.hours is used.',
  'log.roll.ms': 'The maximum time before a new log segment is rolled out (in milliseconds). If not set, the value in log.roll.hours is used.',
  'unclean.leader.election.enable': 'Indicates whether to enable replicas not in the ISR set to be elected as leader as a last resort, even though doing so may result in data loss.',
};

/** Broker-side fields of the log synonyms whose value kafkalite keeps in a typed setting. */
const LOG_SYNONYM_FIELDS: Partial<Record<string, keyof BrokerConfig>> = {
  'message.max.bytes': 'messageMaxBytes',
  'log.segment.bytes': 'logSegmentBytes',
  'log.roll.ms': 'logRollMs',
  'log.retention.ms': 'logRetentionMs',
  'log.retention.bytes': 'logRetentionBytes',
};

/** Broker synonyms of topic configs whose Kafka default is null (the default comes from a lower-priority synonym). */
const NULL_DEFAULTS = new Set(['log.roll.ms', 'log.roll.jitter.ms', 'log.retention.ms', 'log.flush.interval.ms']);

function logSynonymDefs(): BrokerConfigDef[] {
  const out: BrokerConfigDef[] = [];
  for (const t of TOPIC_CONFIGS) {
    const name = t.brokerSynonym;
    if (!name) continue;
    const field = LOG_SYNONYM_FIELDS[name];
    out.push(
      b(name, t.type, NULL_DEFAULTS.has(name) ? null : t.defaultValue, name === 'log.message.format.version' ? 'read-only' : 'cluster-wide', LOG_SYNONYM_DOCS[name] ?? t.doc, {
        ...(field ? { field } : {}),
        ...(t.validate ? { validate: t.validate } : {}),
      }),
    );
  }
  return out;
}

function catalog(): BrokerConfigDef[] {
  return [
    ...logSynonymDefs(),
    // Lower-priority synonyms of the log configs above (read-only in Kafka).
    b('log.retention.minutes', 'int', null, 'read-only', 'The number of minutes to keep a log file before deleting it (in minutes), secondary to log.retention.ms property. If not set, the value in log.retention.hours is used.'),
    b('log.retention.hours', 'int', '168', 'read-only', 'The number of hours to keep a log file before deleting it (in hours), tertiary to log.retention.ms property.'),
    b('log.roll.hours', 'int', '168', 'read-only', 'The maximum time before a new log segment is rolled out (in hours), secondary to log.roll.ms property.', { validate: atLeast(1n) }),
    b('log.roll.jitter.hours', 'int', '0', 'read-only', 'The maximum jitter to subtract from logRollTimeMillis (in hours), secondary to log.roll.jitter.ms property.', { validate: atLeast(0n) }),
    b('log.flush.scheduler.interval.ms', 'long', LONG_MAX, 'read-only', 'The frequency in ms that the log flusher checks whether any log needs to be flushed to disk.'),
    b('log.retention.check.interval.ms', 'long', '300000', 'read-only', 'The frequency in milliseconds that the log cleaner checks whether any log is eligible for deletion.', { field: 'logRetentionCheckIntervalMs', validate: atLeast(1n) }),
    // The log cleaner.
    b('log.cleaner.enable', 'boolean', 'true', 'read-only', 'Enable the log cleaner process to run on the server.', { field: 'logCleanerEnable' }),
    b('log.cleaner.threads', 'int', '1', 'cluster-wide', 'The number of background threads to use for log cleaning.', { validate: atLeast(0n) }),
    b('log.cleaner.backoff.ms', 'long', '15000', 'cluster-wide', 'The amount of time to sleep when there are no logs to clean.', { field: 'logCleanerBackoffMs', validate: atLeast(0n) }),
    b('log.cleaner.dedupe.buffer.size', 'long', '134217728', 'cluster-wide', 'The total memory used for log deduplication across all cleaner threads.', { field: 'logCleanerDedupeBufferSize' }),
    b('log.cleaner.io.buffer.size', 'int', '524288', 'cluster-wide', 'The total memory used for log cleaner I/O buffers across all cleaner threads.', { validate: atLeast(0n) }),
    b('log.cleaner.io.buffer.load.factor', 'double', '0.9', 'cluster-wide', 'Log cleaner dedupe buffer load factor. The percentage full the dedupe buffer can become.'),
    b('log.cleaner.io.max.bytes.per.second', 'double', '1.7976931348623157E308', 'cluster-wide', 'The log cleaner will be throttled so that the sum of its read and write i/o will be less than this value on average.'),
    // Identity, listeners, storage.
    b('node.id', 'int', null, 'read-only', 'The node ID associated with the roles this process is playing when process.roles is non-empty.', { field: 'nodeId' }),
    b('broker.id', 'int', '-1', 'read-only', 'The broker id for this server.', { field: 'nodeId' }),
    b('listeners', 'string', 'PLAINTEXT://:9092', 'per-broker', 'Listener List - Comma-separated list of URIs we will listen on and the listener names.'),
    b('advertised.listeners', 'string', null, 'per-broker', 'Listeners to publish to ZooKeeper/the cluster metadata for clients to use, if different than the listeners config property.'),
    b('log.dirs', 'list', null, 'read-only', 'A comma-separated list of the directories where the log data is stored. If not set, the value in log.dir is used.', { field: 'dataDir' }),
    b('log.dir', 'string', '/tmp/kafka-logs', 'read-only', 'The directory in which the log data is kept (supplemental for log.dirs property).'),
    // Topics.
    b('num.partitions', 'int', '1', 'read-only', 'The default number of log partitions per topic.', { field: 'numPartitions', validate: atLeast(1n) }),
    b('default.replication.factor', 'int', '1', 'read-only', 'The replication factor for automatically created topics, and for topics created with -1 as the replication factor.', { field: 'defaultReplicationFactor', validate: atLeast(1n) }),
    b('auto.create.topics.enable', 'boolean', 'true', 'read-only', 'Enable auto creation of topic on the server.', { field: 'autoCreateTopics' }),
    b('delete.topic.enable', 'boolean', 'true', 'read-only', 'Enables delete topic. Delete topic through the admin tool will have no effect if this config is turned off.', { field: 'deleteTopicEnable' }),
    b('socket.request.max.bytes', 'int', '104857600', 'read-only', 'The maximum number of bytes in a socket request.', { field: 'socketRequestMaxBytes', validate: atLeast(1n) }),
    b('producer.id.expiration.ms', 'int', '86400000', 'read-only', 'The time in ms that a topic partition leader will wait before expiring producer IDs. Producer IDs will not expire while a transaction associated to them is still ongoing.', { field: 'producerIdExpirationMs', validate: atLeast(1n) }),
    b('producer.id.expiration.check.interval.ms', 'int', '600000', 'read-only', 'The interval at which to remove producer IDs that have expired due to producer.id.expiration.ms passing.', { field: 'producerIdExpirationCheckIntervalMs', validate: atLeast(1n) }),
    b('connections.max.idle.ms', 'long', '600000', 'read-only', 'Idle connections timeout: the server socket processor threads close the connections that idle more than this', { field: 'connectionsMaxIdleMs' }),
    // Group coordinator.
    b('group.initial.rebalance.delay.ms', 'int', '3000', 'read-only', 'The amount of time the group coordinator will wait for more consumers to join a new group before performing the first rebalance.', { field: 'groupInitialRebalanceDelayMs', validate: atLeast(0n) }),
    b('group.min.session.timeout.ms', 'int', '6000', 'read-only', 'The minimum allowed session timeout for registered consumers.', { field: 'groupMinSessionTimeoutMs' }),
    b('group.max.session.timeout.ms', 'int', '1800000', 'read-only', 'The maximum allowed session timeout for registered consumers.', { field: 'groupMaxSessionTimeoutMs' }),
    b('group.max.size', 'int', INT_MAX, 'read-only', 'The maximum number of consumers that a single consumer group can accommodate.', { field: 'groupMaxSize', validate: atLeast(1n) }),
    b('group.consumer.heartbeat.interval.ms', 'int', '5000', 'read-only', 'The heartbeat interval given to the members of a consumer group.', { field: 'groupConsumerHeartbeatIntervalMs', validate: atLeast(1n) }),
    b('group.consumer.session.timeout.ms', 'int', '45000', 'read-only', 'The timeout to detect client failures when using the consumer group protocol.', { field: 'groupConsumerSessionTimeoutMs', validate: atLeast(1n) }),
    b('group.consumer.max.size', 'int', INT_MAX, 'read-only', 'The maximum number of consumers that a single consumer group can accommodate.', { field: 'groupConsumerMaxSize', validate: atLeast(1n) }),
    b('group.consumer.assignors', 'list', 'uniform,range', 'read-only', 'The server side assignors as a list of names. The first one in the list is considered as the default assignor to be used in the case where the consumer does not specify an assignor.', { field: 'groupConsumerAssignors' }),
    b('offsets.retention.minutes', 'int', '10080', 'read-only', 'For subscribed consumers, committed offset of a specific partition will be expired and discarded when the consumer group is empty for this long.', { field: 'offsetsRetentionMinutes', validate: atLeast(1n) }),
    b('offsets.retention.check.interval.ms', 'long', '600000', 'read-only', 'Frequency at which to check for stale offsets.', { field: 'offsetsRetentionCheckIntervalMs', validate: atLeast(1n) }),
    b('offset.metadata.max.bytes', 'int', '4096', 'read-only', 'The maximum size for a metadata entry associated with an offset commit.', { field: 'offsetMetadataMaxBytes' }),
    b('offsets.topic.num.partitions', 'int', '50', 'read-only', 'The number of partitions for the offset commit topic (should not change after deployment).', { field: 'offsetsTopicNumPartitions', validate: atLeast(1n) }),
    // Sensitive settings kafkalite has no use for (no TLS): described as Kafka does, value hidden.
    b('ssl.key.password', 'password', null, 'per-broker', 'The password of the private key in the key store file or the PEM key specified in ssl.keystore.key.'),
    b('ssl.keystore.password', 'password', null, 'per-broker', 'The store password for the key store file.'),
    b('ssl.truststore.password', 'password', null, 'per-broker', 'The password for the trust store file.'),
    // Listeners' security, SASL users and the ACL authorizer (src/security/config.ts).
    ...securityConfigDefs(),
  ];
}

let catalogCache: ReadonlyMap<string, BrokerConfigDef> | null = null;

/** Every broker config kafkalite knows, by name (built on first use: typed defaults come from DEFAULT_CONFIG). */
export function brokerConfigDefs(): ReadonlyMap<string, BrokerConfigDef> {
  catalogCache ??= new Map(catalog().map((d) => [d.name, d]));
  return catalogCache;
}

export interface Synonym {
  readonly name: string;
  /** Multiplier to the unit of the first synonym (hours → ms). */
  readonly scale: bigint;
}

/** Kafka's DynamicBrokerConfig.brokerConfigSynonyms: the names that set one broker config, highest priority first. */
export function brokerConfigSynonyms(name: string): Synonym[] {
  const groups: Synonym[][] = [
    [{ name: 'log.roll.ms', scale: 1n }, { name: 'log.roll.hours', scale: 3_600_000n }],
    [{ name: 'log.roll.jitter.ms', scale: 1n }, { name: 'log.roll.jitter.hours', scale: 3_600_000n }],
    [{ name: 'log.retention.ms', scale: 1n }, { name: 'log.retention.minutes', scale: 60_000n }, { name: 'log.retention.hours', scale: 3_600_000n }],
  ];
  for (const g of groups) if (g.some((s) => s.name === name)) return g;
  if (name === 'log.flush.interval.ms') return [{ name, scale: 1n }, { name: 'log.flush.scheduler.interval.ms', scale: 1n }];
  return [{ name, scale: 1n }];
}

/** The value kafkalite uses when nothing sets a config: typed settings keep kafkalite's defaults. */
export function brokerDefaultValue(d: BrokerConfigDef): string | null {
  if (d.name === 'listeners') return `PLAINTEXT://${DEFAULT_CONFIG.host}:${DEFAULT_CONFIG.port}`;
  if (NULL_DEFAULTS.has(d.name) || !d.field) return d.defaultValue;
  return fieldToString(DEFAULT_CONFIG[d.field]);
}

function fieldToString(v: unknown): string {
  return Array.isArray(v) ? v.join(',') : String(v);
}

/** Checks a broker config value: its type, then its rule. Null when fine. */
export function validateBrokerConfig(name: string, value: string): string | null {
  const d = brokerConfigDefs().get(name);
  if (!d) return null; // Kafka accepts (and keeps) names it does not know
  const type = d.type === 'short' ? 'int' : d.type === 'password' || d.type === 'class' ? 'string' : d.type;
  const typeError = checkType(name, type, value);
  if (typeError) return typeError;
  const msg = d.validate?.(value.trim());
  return msg ? `Invalid value ${value} for configuration ${name}: ${/^[A-Z]/.test(msg) ? msg : `Value ${msg}`}` : null;
}

// ---- server.properties ------------------------------------------------------

/** Parses Java properties text (`key=value`, `key: value` or `key value`; `#`/`!` comments; `\` line continuations). */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // An odd number of trailing backslashes continues the line.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.replace(/^\s+/, '');
    const m = /^((?:\\.|[^=:\s\\])+)\s*[=:\s]?\s*(.*)$/.exec(line);
    if (!m) continue;
    out[unescape(m[1]!)] = unescape(m[2]!.replace(/\s+$/, ''));
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c === 'f' ? '\f' : c;
  });
}

export function readPropertiesFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  return parseProperties(text);
}

/** `PLAINTEXT://host:port` (first listener) → host and port. */
function parseListener(value: string, name: string): { host: string; port: number } {
  const first = value.split(',')[0]!.trim();
  const m = /^[A-Za-z0-9_]+:\/\/(\[[^\]]*\]|[^:]*):(\d+)$/.exec(first);
  if (!m) throw new Error(`Invalid value ${value} for configuration ${name}: expected NAME://host:port`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

/**
 * Typed settings from Kafka-named properties (a config file). Values are
 * validated as Kafka does at start-up; an invalid value throws.
 */
export function settingsFromProperties(props: Readonly<Record<string, string>>): Partial<BrokerConfig> {
  const out: Record<string, unknown> = {};
  const defs = brokerConfigDefs();
  for (const [name, raw] of Object.entries(props)) {
    const err = validateBrokerConfig(name, raw);
    if (err) throw new Error(err);
    const d = defs.get(name);
    const value = raw.trim();
    if (name === 'listeners' || name === 'advertised.listeners') {
      const { host, port } = parseListener(value, name);
      if (name === 'listeners') Object.assign(out, { host: host === '' ? '0.0.0.0' : host, port });
      else Object.assign(out, { advertisedHost: host, advertisedPort: port });
      continue;
    }
    if (name === 'log.dirs' || name === 'log.dir') {
      if (name === 'log.dir' && props['log.dirs'] !== undefined) continue;
      const dirs = value.split(',').map((s) => s.trim()).filter(Boolean);
      if (dirs.length > 1) throw new Error(`${name}: kafkalite keeps all data in one directory, got ${dirs.length}`);
      out.dataDir = dirs[0];
      continue;
    }
    if (!d?.field || d.name === 'log.roll.ms' || d.name === 'log.retention.ms') continue;
    if (name === 'broker.id' && props['node.id'] !== undefined) continue;
    const current = DEFAULT_CONFIG[d.field];
    out[d.field] = Array.isArray(current)
      ? value.split(',').map((s) => s.trim()).filter(Boolean)
      : typeof current === 'boolean'
        ? value.toLowerCase() === 'true'
        : typeof current === 'number'
          ? Number(value)
          : value;
  }
  // Settings with synonyms in other units: the highest-priority synonym that is set wins.
  const ms = (names: Synonym[]): number | undefined => {
    for (const s of names) if (props[s.name] !== undefined) return Number(BigInt(props[s.name]!.trim()) * s.scale);
    return undefined;
  };
  const retention = ms(brokerConfigSynonyms('log.retention.ms'));
  if (retention !== undefined) out.logRetentionMs = retention;
  const roll = ms(brokerConfigSynonyms('log.roll.ms'));
  if (roll !== undefined) out.logRollMs = roll;
  Object.assign(out, securitySettingsFromProperties(props));
  return out as Partial<BrokerConfig>;
}

/** Typed settings → the Kafka-named properties they stand for (what DescribeConfigs calls static). */
export function propertiesFromSettings(settings: Partial<BrokerConfig>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of brokerConfigDefs().values()) {
    if (!d.field) continue;
    const v = settings[d.field];
    if (v !== undefined) out[d.name] = fieldToString(v);
  }
  if (settings.host !== undefined || settings.port !== undefined) {
    out.listeners = `PLAINTEXT://${settings.host ?? DEFAULT_CONFIG.host}:${settings.port ?? DEFAULT_CONFIG.port}`;
  }
  if (settings.advertisedHost !== undefined || settings.advertisedPort !== undefined) {
    out['advertised.listeners'] = `PLAINTEXT://${settings.advertisedHost ?? settings.host ?? DEFAULT_CONFIG.host}:${settings.advertisedPort ?? settings.port ?? DEFAULT_CONFIG.port}`;
  }
  Object.assign(out, securityPropertiesFromSettings(settings));
  return out;
}
