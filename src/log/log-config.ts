/**
 * The retention and compaction settings of one topic, resolved from its
 * configs (Kafka's names) over the broker-level defaults. Read again at every
 * retention check and cleaner pass, so AlterConfigs changes apply at once.
 */
import type { TopicConfigs } from './types.js';

/** Broker-level values (`log.retention.ms`, `log.cleaner.*`, ...) for topics that do not set their own. */
export interface LogDefaults {
  /** `log.retention.ms`; -1 keeps data forever. Kafka: 7 days. */
  retentionMs?: number;
  /** `log.retention.bytes`; -1 means no size limit. */
  retentionBytes?: number;
  /** `log.cleanup.policy`. */
  cleanupPolicy?: string;
  /** `log.cleaner.delete.retention.ms`. Kafka: 1 day. */
  deleteRetentionMs?: number;
  /** `log.cleaner.min.compaction.lag.ms`. */
  minCompactionLagMs?: number;
  /** `log.cleaner.max.compaction.lag.ms`. */
  maxCompactionLagMs?: number;
  /** `log.cleaner.min.cleanable.ratio`. */
  minCleanableDirtyRatio?: number;
}

export interface LogPolicy {
  delete: boolean;
  compact: boolean;
  /** Negative: unlimited. */
  retentionMs: number;
  /** Negative: unlimited. */
  retentionBytes: number;
  deleteRetentionMs: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
  minCleanableDirtyRatio: number;
}

export const KAFKA_LOG_DEFAULTS: Required<LogDefaults> = {
  retentionMs: 604_800_000,
  retentionBytes: -1,
  cleanupPolicy: 'delete',
  deleteRetentionMs: 86_400_000,
  minCompactionLagMs: 0,
  maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
  minCleanableDirtyRatio: 0.5,
};

export function cleanupPolicyOf(value: string): { delete: boolean; compact: boolean } {
  const items = value.split(',').map((s) => s.trim().toLowerCase());
  return { delete: items.includes('delete'), compact: items.includes('compact') };
}

/** Whether records of a topic with these configs must carry keys (cleanup.policy includes compact). */
export function isCompacted(configs: TopicConfigs, defaults: LogDefaults = {}): boolean {
  return cleanupPolicyOf(configs['cleanup.policy'] ?? defaults.cleanupPolicy ?? KAFKA_LOG_DEFAULTS.cleanupPolicy).compact;
}

export function logPolicy(configs: TopicConfigs, defaults: LogDefaults = {}): LogPolicy {
  const d = { ...KAFKA_LOG_DEFAULTS, ...definedOnly(defaults) };
  const { delete: del, compact } = cleanupPolicyOf(configs['cleanup.policy'] ?? d.cleanupPolicy);
  return {
    delete: del,
    compact,
    retentionMs: num(configs['retention.ms'], d.retentionMs),
    retentionBytes: num(configs['retention.bytes'], d.retentionBytes),
    deleteRetentionMs: Math.max(0, num(configs['delete.retention.ms'], d.deleteRetentionMs)),
    minCompactionLagMs: Math.max(0, num(configs['min.compaction.lag.ms'], d.minCompactionLagMs)),
    maxCompactionLagMs: Math.max(1, num(configs['max.compaction.lag.ms'], d.maxCompactionLagMs)),
    minCleanableDirtyRatio: ratio(configs['min.cleanable.dirty.ratio'], d.minCleanableDirtyRatio),
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Longs beyond 2^53 (Long.MAX_VALUE as "forever") clamp to the largest safe integer. */
function num(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.trim());
  if (!Number.isFinite(n)) return fallback;
  return Math.min(Math.trunc(n), Number.MAX_SAFE_INTEGER);
}

function ratio(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.trim());
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : fallback;
}
