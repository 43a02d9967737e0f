/**
 * The background work on a log store's partitions, as Kafka's LogManager and
 * LogCleaner schedule it:
 *  - retention, every `log.retention.check.interval.ms`: for topics whose
 *    cleanup.policy includes `delete`, the segments past `retention.ms` or
 *    beyond `retention.bytes` go (retention.ts);
 *  - the cleaner, every `log.cleaner.backoff.ms`: each partition of a topic
 *    whose cleanup.policy includes `compact` is cleaned when its dirty ratio
 *    passes `min.cleanable.dirty.ratio`, `max.compaction.lag.ms` has passed,
 *    or tombstones reached their delete horizon (cleaner.ts). One pass at a
 *    time, with one offset map of `log.cleaner.dedupe.buffer.size` bytes,
 *    allocated for a run that cleans something and released after it.
 * Topic configs are read from the store at every run, so changes made with
 * AlterConfigs apply at the next one. Both backends use this.
 */
import { pino, type Logger } from 'pino';
import { CleaningAbortedError, type CompactOptions, type CompactResult } from './cleaner.js';
import { logPolicy, type LogDefaults } from './log-config.js';
import { OffsetMap } from './offset-map.js';
import { segmentsToDelete, type SegmentStat } from './retention.js';
import type { PartitionLog, TopicInfo } from './types.js';

export type { CompactOptions, CompactResult };

/** What maintenance needs from a partition (both backends' partition classes implement it). */
export interface MaintainedPartition {
  readonly topic: string;
  readonly partition: number;
  /** True while a cleaner pass works on it. */
  cleaning: boolean;
  segmentStats(): SegmentStat[];
  deleteOldestSegments(count: number, reason: string): number;
  compact(opts: CompactOptions): Promise<CompactResult | null>;
}

export interface MaintenanceSource {
  topics(): Iterable<TopicInfo>;
  partitions(topic: string): readonly MaintainedPartition[];
}

export interface LogMaintenanceOptions {
  /** `log.retention.check.interval.ms`; 0 runs no timer (runRetention() still works). Kafka: 300000. */
  retentionCheckIntervalMs: number;
  /** `log.cleaner.backoff.ms`: pause between cleaner runs; 0 runs no timer. Kafka: 15000. */
  cleanerBackoffMs: number;
  /** `log.cleaner.enable`. */
  cleanerEnable: boolean;
  /** `log.cleaner.dedupe.buffer.size`: bytes of the cleaner's offset map. */
  dedupeBufferSize: number;
  /** Broker-level retention/compaction defaults; a function is asked at every run (dynamic broker configs). */
  defaults: LogDefaults | (() => LogDefaults);
  /** Broker-level segment.bytes, for sizing cleaned segments of topics without their own. */
  segmentBytes: number;
  /** The clock (ms). */
  now: () => number;
  /** The cleaner never cleans at or past it (open transactions). Default: the log end offset. */
  lastStableOffset?: (log: PartitionLog) => bigint;
  logger: Logger;
}

export const DEFAULT_MAINTENANCE: Omit<LogMaintenanceOptions, 'logger'> = {
  retentionCheckIntervalMs: 300_000,
  cleanerBackoffMs: 15_000,
  cleanerEnable: true,
  dedupeBufferSize: 32 * 1024 * 1024,
  defaults: {},
  segmentBytes: 1024 * 1024 * 1024,
  now: () => Date.now(),
};

export interface RollDefaults {
  segmentBytes?: number;
  segmentMs?: number;
  indexIntervalBytes?: number;
}

export interface RollPolicy {
  segmentBytes: number;
  segmentMs: number;
  indexIntervalBytes: number;
}

const MAX_SEGMENT_BYTES = 0x7fffffff;

/**
 * segment.bytes / segment.ms / index.interval.bytes of a topic over the
 * broker defaults. As Kafka's LogConfig.maxSegmentMs, a compacted topic with
 * `max.compaction.lag.ms` below segment.ms rolls at that lag, so its records
 * become cleanable in time.
 */
export function rollPolicyFor(info: TopicInfo, defaults: RollDefaults, logDefaults: LogDefaults = {}): RollPolicy {
  const c = info.configs;
  // Index entries hold int32 file positions, so a segment cannot pass 2 GiB (Kafka's segment.bytes is an int too).
  const segmentBytes = Math.min(positiveInt(c['segment.bytes'], defaults.segmentBytes ?? 1024 * 1024 * 1024), MAX_SEGMENT_BYTES);
  let segmentMs = positiveInt(c['segment.ms'], defaults.segmentMs ?? 7 * 24 * 60 * 60 * 1000);
  const policy = logPolicy(c, logDefaults);
  if (policy.compact && policy.maxCompactionLagMs < segmentMs) segmentMs = policy.maxCompactionLagMs;
  return { segmentBytes, segmentMs, indexIntervalBytes: positiveInt(c['index.interval.bytes'], defaults.indexIntervalBytes ?? 4096) };
}

function positiveInt(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

export class LogMaintenance {
  readonly opts: LogMaintenanceOptions;
  private map: OffsetMap | null = null;
  private retentionTimer: NodeJS.Timeout | null = null;
  private cleanerTimer: NodeJS.Timeout | null = null;
  private cleanerRun: Promise<CompactResult[]> | null = null;
  private stopped = false;
  private started = false;

  constructor(
    private readonly source: MaintenanceSource,
    opts: Partial<LogMaintenanceOptions> = {},
  ) {
    this.opts = { ...DEFAULT_MAINTENANCE, logger: pino({ level: 'silent' }), ...definedOnly(opts) };
  }

  /** The broker-level defaults as of now. */
  get defaults(): LogDefaults {
    const d = this.opts.defaults;
    return typeof d === 'function' ? d() : d;
  }

  /** Starts the timers (those whose interval is not 0). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopped = false;
    this.scheduleRetention();
    this.scheduleCleaner();
  }

  /** Stops the timers and waits for a cleaner pass in progress to stop (at its next chunk). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retentionTimer) clearTimeout(this.retentionTimer);
    if (this.cleanerTimer) clearTimeout(this.cleanerTimer);
    this.retentionTimer = this.cleanerTimer = null;
    await this.cleanerRun?.catch(() => {});
  }

  private scheduleRetention(): void {
    const ms = this.opts.retentionCheckIntervalMs;
    if (this.stopped || !(ms > 0)) return;
    this.retentionTimer = setTimeout(() => {
      try {
        this.runRetention();
      } catch (err) {
        this.opts.logger.error({ err }, 'retention check failed');
      }
      this.scheduleRetention();
    }, ms);
    this.retentionTimer.unref?.();
  }

  private scheduleCleaner(): void {
    const ms = this.opts.cleanerBackoffMs;
    if (this.stopped || !(ms > 0) || !this.opts.cleanerEnable) return;
    this.cleanerTimer = setTimeout(() => {
      this.runCleaner()
        .catch((err) => this.opts.logger.error({ err }, 'log cleaner failed'))
        .finally(() => this.scheduleCleaner());
    }, ms);
    this.cleanerTimer.unref?.();
  }

  /** One retention check over every topic with the delete policy; returns the number of segments deleted. */
  runRetention(nowMs = this.opts.now()): number {
    let deleted = 0;
    const defaults = this.defaults;
    for (const info of this.source.topics()) {
      const policy = logPolicy(info.configs, defaults);
      if (!policy.delete) continue;
      for (const p of this.source.partitions(info.name)) {
        if (p.cleaning) continue; // the cleaner is rewriting its segments; the next check gets it
        try {
          const d = segmentsToDelete(p.segmentStats(), policy, nowMs);
          if (d.count > 0) deleted += p.deleteOldestSegments(d.count, d.reason ?? 'retention');
        } catch (err) {
          this.opts.logger.error({ err, topic: p.topic, partition: p.partition }, 'retention failed');
        }
      }
    }
    return deleted;
  }

  /**
   * One cleaner run: every partition of a compacted topic that is due (all of
   * them with `force`), one after the other. Concurrent calls share the run
   * in progress.
   */
  runCleaner(opts: { nowMs?: number; force?: boolean } = {}): Promise<CompactResult[]> {
    if (this.cleanerRun) return this.cleanerRun.then(() => this.runCleaner(opts));
    const run = this.cleanAll(opts).finally(() => {
      this.cleanerRun = null;
      // The map is allocated when a pass needs it and given back after the run, so an idle broker does not hold it.
      this.map = null;
    });
    this.cleanerRun = run;
    return run;
  }

  private async cleanAll(opts: { nowMs?: number; force?: boolean }): Promise<CompactResult[]> {
    const results: CompactResult[] = [];
    const defaults = this.defaults;
    for (const info of this.source.topics()) {
      const policy = logPolicy(info.configs, defaults);
      if (!policy.compact) continue;
      const segmentBytes = rollPolicyFor(info, { segmentBytes: this.opts.segmentBytes }, defaults).segmentBytes;
      for (const p of this.source.partitions(info.name)) {
        if (this.stopped) return results;
        const log = p as unknown as PartitionLog;
        try {
          const r = await p.compact({
            map: () => (this.map ??= new OffsetMap(this.opts.dedupeBufferSize)),
            policy,
            segmentBytes,
            nowMs: opts.nowMs ?? this.opts.now(),
            lastStableOffset: this.opts.lastStableOffset?.(log) ?? log.logEndOffset,
            ...(opts.force ? { force: true } : {}),
            shouldStop: () => this.stopped,
            logger: this.opts.logger,
          });
          if (r) results.push(r);
        } catch (err) {
          if (err instanceof CleaningAbortedError) this.opts.logger.debug({ topic: p.topic, partition: p.partition, reason: err.message }, 'cleaning aborted');
          else this.opts.logger.error({ err, topic: p.topic, partition: p.partition }, 'cleaning failed');
        }
      }
    }
    return results;
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
