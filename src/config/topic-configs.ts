/**
 * Kafka's topic-level configs: name, type, default, validation, and the broker
 * config that supplies the default (its "synonym"). Values are strings, as on the wire.
 */
export type ConfigType = 'boolean' | 'int' | 'long' | 'double' | 'string' | 'list';

export interface TopicConfigDef {
  readonly name: string;
  readonly type: ConfigType;
  readonly defaultValue: string;
  /** The broker-level config whose value is this topic config's default. */
  readonly brokerSynonym?: string;
  /** Returns an error message for an invalid value. */
  readonly validate?: (value: string) => string | null;
}

const LONG_MAX = '9223372036854775807';

const atLeast = (min: bigint) => (v: string) => (BigInt(v) < min ? `must be at least ${min}` : null);
const oneOf = (values: string[]) => (v: string) => (values.includes(v) ? null : `must be one of ${values.join(', ')}`);
const listOf = (values: string[]) => (v: string) => {
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) return `must be a non-empty list of ${values.join(', ')}`;
  const bad = items.find((i) => !values.includes(i));
  return bad ? `'${bad}' is not one of ${values.join(', ')}` : null;
};

function def(name: string, type: ConfigType, defaultValue: string, brokerSynonym?: string, validate?: (v: string) => string | null): TopicConfigDef {
  return { name, type, defaultValue, ...(brokerSynonym ? { brokerSynonym } : {}), ...(validate ? { validate } : {}) };
}

export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  def('cleanup.policy', 'list', 'delete', 'log.cleanup.policy', listOf(['delete', 'compact'])),
  def('compression.type', 'string', 'producer', 'compression.type', oneOf(['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'])),
  def('delete.retention.ms', 'long', '86400000', 'log.cleaner.delete.retention.ms', atLeast(0n)),
  def('file.delete.delay.ms', 'long', '60000', 'log.segment.delete.delay.ms', atLeast(0n)),
  def('flush.messages', 'long', LONG_MAX, 'log.flush.interval.messages', atLeast(1n)),
  def('flush.ms', 'long', LONG_MAX, 'log.flush.interval.ms', atLeast(0n)),
  def('follower.replication.throttled.replicas', 'list', '', 'follower.replication.throttled.replicas'),
  def('index.interval.bytes', 'int', '4096', 'log.index.interval.bytes', atLeast(0n)),
  def('leader.replication.throttled.replicas', 'list', '', 'leader.replication.throttled.replicas'),
  def('local.retention.bytes', 'long', '-2', 'log.local.retention.bytes', atLeast(-2n)),
  def('local.retention.ms', 'long', '-2', 'log.local.retention.ms', atLeast(-2n)),
  def('max.compaction.lag.ms', 'long', LONG_MAX, 'log.cleaner.max.compaction.lag.ms', atLeast(1n)),
  def('max.message.bytes', 'int', '1048588', 'message.max.bytes', atLeast(0n)),
  def('message.downconversion.enable', 'boolean', 'true', 'log.message.downconversion.enable'),
  def('message.format.version', 'string', '3.0-IV1', 'log.message.format.version'),
  def('message.timestamp.after.max.ms', 'long', LONG_MAX, 'log.message.timestamp.after.max.ms', atLeast(0n)),
  def('message.timestamp.before.max.ms', 'long', LONG_MAX, 'log.message.timestamp.before.max.ms', atLeast(0n)),
  def('message.timestamp.difference.max.ms', 'long', LONG_MAX, 'log.message.timestamp.difference.max.ms', atLeast(0n)),
  def('message.timestamp.type', 'string', 'CreateTime', 'log.message.timestamp.type', oneOf(['CreateTime', 'LogAppendTime'])),
  def('min.cleanable.dirty.ratio', 'double', '0.5', 'log.cleaner.min.cleanable.ratio', (v) => (Number(v) >= 0 && Number(v) <= 1 ? null : 'must be between 0 and 1')),
  def('min.compaction.lag.ms', 'long', '0', 'log.cleaner.min.compaction.lag.ms', atLeast(0n)),
  def('min.insync.replicas', 'int', '1', 'min.insync.replicas', atLeast(1n)),
  def('preallocate', 'boolean', 'false', 'log.preallocate'),
  def('remote.storage.enable', 'boolean', 'false'),
  def('retention.bytes', 'long', '-1', 'log.retention.bytes'),
  def('retention.ms', 'long', '604800000', 'log.retention.ms', atLeast(-1n)),
  def('segment.bytes', 'int', '1073741824', 'log.segment.bytes', atLeast(14n)),
  def('segment.index.bytes', 'int', '10485760', 'log.index.size.max.bytes', atLeast(4n)),
  def('segment.jitter.ms', 'long', '0', 'log.roll.jitter.ms', atLeast(0n)),
  def('segment.ms', 'long', '604800000', 'log.roll.ms', atLeast(1n)),
  def('unclean.leader.election.enable', 'boolean', 'false', 'unclean.leader.election.enable'),
];

export const TOPIC_CONFIG_BY_NAME: ReadonlyMap<string, TopicConfigDef> = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]));

/** Checks a value against its type and validator; returns an error message or null. */
export function validateTopicConfig(name: string, value: string | null): string | null {
  const d = TOPIC_CONFIG_BY_NAME.get(name);
  if (!d) return `Unknown topic config name: ${name}`;
  if (value === null) return `Null value not supported for topic configs: ${name}`;
  const v = value.trim();
  switch (d.type) {
    case 'boolean':
      if (v !== 'true' && v !== 'false') return `Invalid value ${value} for configuration ${name}: Expected value to be either true or false`;
      break;
    case 'int':
    case 'long': {
      if (!/^-?\d+$/.test(v)) return `Invalid value ${value} for configuration ${name}: Not a number of type ${d.type.toUpperCase()}`;
      const n = BigInt(v);
      const [lo, hi] = d.type === 'int' ? [-(2n ** 31n), 2n ** 31n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
      if (n < lo || n > hi) return `Invalid value ${value} for configuration ${name}: Not a number of type ${d.type.toUpperCase()}`;
      break;
    }
    case 'double':
      if (v === '' || Number.isNaN(Number(v))) return `Invalid value ${value} for configuration ${name}: Not a number of type DOUBLE`;
      break;
  }
  const msg = d.validate?.(v);
  return msg ? `Invalid value ${value} for configuration ${name}: Value ${msg}` : null;
}
