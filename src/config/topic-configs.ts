/**
 * Kafka's topic-level configs: name, type, default, validation, documentation,
 * and the broker config that supplies the default (its "synonym"). Values are
 * strings, as on the wire.
 */
export type ConfigType = 'boolean' | 'int' | 'long' | 'double' | 'string' | 'list';

export interface TopicConfigDef {
  readonly name: string;
  readonly type: ConfigType;
  readonly defaultValue: string;
  /**
   * The broker-level config whose value is this topic config's default (Kafka's
   * ServerTopicConfigSynonyms); its own synonyms (e.g. `log.retention.hours`)
   * come from the broker config catalog. Absent for topic-only configs.
   */
  readonly brokerSynonym?: string;
  /** Returns an error message for an invalid value. */
  readonly validate?: (value: string) => string | null;
  /** Short form of Kafka's documentation string (DescribeConfigs v3+). */
  readonly doc: string;
}

const LONG_MAX = '9223372036854775807';

const atLeast = (min: bigint) => (v: string) => (BigInt(v) < min ? `must be at least ${min}` : null);
const between = (min: bigint, max: bigint) => (v: string) => (BigInt(v) < min || BigInt(v) > max ? `must be between ${min} and ${max}` : null);
const oneOf = (values: string[]) => (v: string) => (values.includes(v) ? null : `String must be one of: ${values.join(', ')}`);
const listOf = (values: string[]) => (v: string) => {
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) return `must be a non-empty list of ${values.join(', ')}`;
  const bad = items.find((i) => !values.includes(i));
  return bad ? `'${bad}' is not one of ${values.join(', ')}` : null;
};
/** `leader/follower.replication.throttled.replicas`: empty, `*`, or `partition:broker` pairs. */
const throttledReplicas = (v: string) => {
  if (v === '' || v === '*') return null;
  return v.split(',').every((s) => /^\s*\d+\s*:\s*\d+\s*$/.test(s)) ? null : 'must be the literal \'*\' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...';
};

function def(
  name: string,
  type: ConfigType,
  defaultValue: string,
  brokerSynonym: string | undefined,
  validate: ((v: string) => string | null) | undefined,
  doc: string,
): TopicConfigDef {
  return { name, type, defaultValue, ...(brokerSynonym ? { brokerSynonym } : {}), ...(validate ? { validate } : {}), doc };
}

export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  def('cleanup.policy', 'list', 'delete', 'log.cleanup.policy', listOf(['delete', 'compact']),
    'This config designates the retention policy to use on log segments: "delete" discards old segments when their retention time or size limit has been reached, "compact" enables log compaction (the latest value for each key is retained); both may be given as a comma-separated list.'),
  def('compression.gzip.level', 'int', '-1', 'compression.gzip.level', (v) => (v === '-1' ? null : between(1n, 9n)(v)),
    'The compression level to use if compression.type is set to gzip.'),
  def('compression.lz4.level', 'int', '9', 'compression.lz4.level', between(1n, 17n),
    'The compression level to use if compression.type is set to lz4.'),
  def('compression.type', 'string', 'producer', 'compression.type', oneOf(['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer']),
    "Specify the final compression type for a given topic. This configuration accepts the standard compression codecs ('gzip', 'snappy', 'lz4', 'zstd'). It additionally accepts 'uncompressed' which is equivalent to no compression; and 'producer' which means retain the original compression codec set by the producer."),
  def('compression.zstd.level', 'int', '3', 'compression.zstd.level', between(-131072n, 22n),
    'The compression level to use if compression.type is set to zstd.'),
  def('delete.retention.ms', 'long', '86400000', 'log.cleaner.delete.retention.ms', atLeast(0n),
    'The amount of time to retain delete tombstone markers for log compacted topics.'),
  def('file.delete.delay.ms', 'long', '60000', 'log.segment.delete.delay.ms', atLeast(0n),
    'The time to wait before deleting a file from the filesystem.'),
  def('flush.messages', 'long', LONG_MAX, 'log.flush.interval.messages', atLeast(1n),
    'This setting allows specifying an interval at which we will force an fsync of data written to the log, in messages.'),
  def('flush.ms', 'long', LONG_MAX, 'log.flush.interval.ms', atLeast(0n),
    'This setting allows specifying a time interval at which we will force an fsync of data written to the log.'),
  def('follower.replication.throttled.replicas', 'list', '', undefined, throttledReplicas,
    'A list of replicas for which log replication should be throttled on the follower side.'),
  def('index.interval.bytes', 'int', '4096', 'log.index.interval.bytes', atLeast(0n),
    'This setting controls how frequently Kafka adds entries to its offset index and, conditionally, to its time index.'),
  def('leader.replication.throttled.replicas', 'list', '', undefined, throttledReplicas,
    'A list of replicas for which log replication should be throttled on the leader side.'),
  def('local.retention.bytes', 'long', '-2', 'log.local.retention.bytes', atLeast(-2n),
    'The maximum size of local log segments that can grow for a partition before it deletes the old segments. Default value is -2, it represents retention.bytes value to be used.'),
  def('local.retention.ms', 'long', '-2', 'log.local.retention.ms', atLeast(-2n),
    'The number of milliseconds to keep the local log segment before it gets deleted. Default value is -2, it represents retention.ms value is to be used.'),
  def('max.compaction.lag.ms', 'long', LONG_MAX, 'log.cleaner.max.compaction.lag.ms', atLeast(1n),
    'The maximum time a message will remain ineligible for compaction in the log. Only applicable for logs that are being compacted.'),
  def('max.message.bytes', 'int', '1048588', 'message.max.bytes', atLeast(0n),
    'The largest record batch size allowed by Kafka (after compression if compression is enabled).'),
  def('message.downconversion.enable', 'boolean', 'true', 'log.message.downconversion.enable', undefined,
    'This configuration controls whether down-conversion of message formats is enabled to satisfy consume requests.'),
  def('message.format.version', 'string', '3.0-IV1', 'log.message.format.version', undefined,
    'Specify the message format version the broker will use to append messages to the logs.'),
  def('message.timestamp.after.max.ms', 'long', LONG_MAX, 'log.message.timestamp.after.max.ms', atLeast(0n),
    "This configuration sets the allowable timestamp difference between the message timestamp and the broker's timestamp (message timestamps later than the broker's)."),
  def('message.timestamp.before.max.ms', 'long', LONG_MAX, 'log.message.timestamp.before.max.ms', atLeast(0n),
    "This configuration sets the allowable timestamp difference between the broker's timestamp and the message timestamp (message timestamps earlier than the broker's)."),
  def('message.timestamp.difference.max.ms', 'long', LONG_MAX, 'log.message.timestamp.difference.max.ms', atLeast(0n),
    'The maximum difference allowed between the timestamp when a broker receives a message and the timestamp specified in the message.'),
  def('message.timestamp.type', 'string', 'CreateTime', 'log.message.timestamp.type', oneOf(['CreateTime', 'LogAppendTime']),
    'Define whether the timestamp in the message is message create time or log append time.'),
  def('min.cleanable.dirty.ratio', 'double', '0.5', 'log.cleaner.min.cleanable.ratio', (v) => (Number(v) >= 0 && Number(v) <= 1 ? null : 'must be between 0 and 1'),
    'This configuration controls how frequently the log compactor will attempt to clean the log (assuming log compaction is enabled).'),
  def('min.compaction.lag.ms', 'long', '0', 'log.cleaner.min.compaction.lag.ms', atLeast(0n),
    'The minimum time a message will remain uncompacted in the log. Only applicable for logs that are being compacted.'),
  def('min.insync.replicas', 'int', '1', 'min.insync.replicas', atLeast(1n),
    'Specifies the minimum number of in-sync replicas (including the leader) required for a write to succeed when a producer sets acks to "all" (or "-1").'),
  def('preallocate', 'boolean', 'false', 'log.preallocate', undefined,
    'True if we should preallocate the file on disk when creating a new log segment.'),
  def('remote.log.copy.disable', 'boolean', 'false', undefined, undefined,
    'Determines whether tiered data for a topic should become read only, and no more data uploading on a topic.'),
  def('remote.log.delete.on.disable', 'boolean', 'false', undefined, undefined,
    'Determines whether tiered data for a topic should be deleted after tiered storage is disabled on a topic.'),
  def('remote.storage.enable', 'boolean', 'false', undefined, undefined,
    'To enable tiered storage for a topic, set this configuration to true.'),
  def('retention.bytes', 'long', '-1', 'log.retention.bytes', undefined,
    'This configuration controls the maximum size a partition (which consists of log segments) can grow to before we will discard old log segments to free up space if we are using the "delete" retention policy.'),
  def('retention.ms', 'long', '604800000', 'log.retention.ms', atLeast(-1n),
    'This configuration controls the maximum time we will retain a log before we will discard old log segments to free up space if we are using the "delete" retention policy. If set to -1, no time limit is applied.'),
  def('segment.bytes', 'int', '1073741824', 'log.segment.bytes', atLeast(14n),
    'This configuration controls the segment file size for the log. Retention and cleaning is always done a file at a time so a larger segment size means fewer files but less granular control over retention.'),
  def('segment.index.bytes', 'int', '10485760', 'log.index.size.max.bytes', atLeast(4n),
    'This configuration controls the size of the index that maps offsets to file positions.'),
  def('segment.jitter.ms', 'long', '0', 'log.roll.jitter.ms', atLeast(0n),
    'The maximum random jitter subtracted from the scheduled segment roll time to avoid thundering herds of segment rolling.'),
  def('segment.ms', 'long', '604800000', 'log.roll.ms', atLeast(1n),
    "This configuration controls the period of time after which Kafka will force the log to roll even if the segment file isn't full to ensure that retention can delete or compact old data."),
  def('unclean.leader.election.enable', 'boolean', 'false', 'unclean.leader.election.enable', undefined,
    'Indicates whether to enable replicas not in the ISR set to be elected as leader as a last resort, even though doing so may result in data loss.'),
];

export const TOPIC_CONFIG_BY_NAME: ReadonlyMap<string, TopicConfigDef> = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]));

/** Checks a value against a config type; returns Kafka's ConfigException text or null. */
export function checkType(name: string, type: ConfigType, value: string): string | null {
  const v = value.trim();
  switch (type) {
    case 'boolean':
      if (!/^(true|false)$/i.test(v)) return `Invalid value ${value} for configuration ${name}: Expected value to be either true or false`;
      break;
    case 'int':
    case 'long': {
      if (!/^-?\d+$/.test(v)) return `Invalid value ${value} for configuration ${name}: Not a number of type ${type.toUpperCase()}`;
      const n = BigInt(v);
      const [lo, hi] = type === 'int' ? [-(2n ** 31n), 2n ** 31n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
      if (n < lo || n > hi) return `Invalid value ${value} for configuration ${name}: Not a number of type ${type.toUpperCase()}`;
      break;
    }
    case 'double':
      if (v === '' || Number.isNaN(Number(v))) return `Invalid value ${value} for configuration ${name}: Not a number of type DOUBLE`;
      break;
  }
  return null;
}

/** Checks a value against its type and validator; returns an error message or null. */
export function validateTopicConfig(name: string, value: string | null): string | null {
  const d = TOPIC_CONFIG_BY_NAME.get(name);
  if (!d) return `Unknown topic config name: ${name}`;
  if (value === null) return `Null value not supported for topic configs: ${name}`;
  const typeError = checkType(name, d.type, value);
  if (typeError) return typeError;
  const msg = d.validate?.(value.trim());
  return msg ? `Invalid value ${value} for configuration ${name}: ${/^[A-Z]/.test(msg) ? msg : `Value ${msg}`}` : null;
}

/**
 * Checks a topic's whole set of overrides: every name and value, then the
 * cross-config rules Kafka's LogConfig.validate applies. `effective` gives the
 * value a config has when the topic does not set it (the broker default).
 */
export function validateTopicConfigs(configs: Readonly<Record<string, string | null>>, effective: (name: string) => string): string | null {
  for (const [name, value] of Object.entries(configs)) {
    const err = validateTopicConfig(name, value);
    if (err) return err;
  }
  const get = (name: string): string => configs[name]?.trim() ?? effective(name);
  const minLag = BigInt(get('min.compaction.lag.ms'));
  const maxLag = BigInt(get('max.compaction.lag.ms'));
  if (minLag > maxLag) {
    return `conflict topic config setting min.compaction.lag.ms (${minLag}) > max.compaction.lag.ms (${maxLag})`;
  }
  if (configs['remote.storage.enable']?.trim().toLowerCase() === 'true') {
    return 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.';
  }
  return null;
}

/** A config value as Kafka normalises it (trimmed; booleans lower-cased). */
export function normalizeTopicConfig(name: string, value: string): string {
  const v = value.trim();
  return TOPIC_CONFIG_BY_NAME.get(name)?.type === 'boolean' ? v.toLowerCase() : v;
}
