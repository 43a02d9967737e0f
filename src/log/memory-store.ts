/**
 * In-memory backend (`--in-memory` and tests). Each partition is a BatchList
 * without a byte limit; appended bytes are kept, or copied when they are a
 * small part of a larger request frame (see retain.ts).
 *
 * So that retention and compaction behave as on disk, a partition keeps
 * virtual segments: runs of batches that roll by `segment.bytes` and
 * `segment.ms` exactly as segment files do. Retention drops whole virtual
 * segments; the cleaner rewrites them (see cleaner.ts).
 */
import type { Logger } from 'pino';
import { assignOffsets } from './assign-offsets.js';
import { AppendListeners } from './append-listeners.js';
import { BatchList, type StoredBatch } from './batch-list.js';
import { CleanPass, cleanableRange, groupSegments, shouldClean } from './cleaner.js';
import { LogMaintenance, rollPolicyFor, type CompactOptions, type CompactResult, type LogMaintenanceOptions, type MaintainedPartition, type RollDefaults } from './maintenance.js';
import type { SegmentStat } from './retention.js';
import { checkGrowth, makeTopicInfo, TopicTable, UnknownTopicError, withConfigs, withPartitionCount } from './topic-table.js';
import { retain } from './retain.js';
import { lastOffsetAt, maxTimestampAt, baseOffsetAt } from '../wire/record-batch.js';
import type {
  AppendOptions,
  AppendResult,
  CreateTopicOptions,
  LogStore,
  PartitionLog,
  ReadResult,
  TimestampLookup,
  TopicConfigs,
  TopicInfo,
} from './types.js';

/** A virtual segment: `batches` consecutive batches of the list. */
interface VSegment {
  baseOffset: bigint;
  batches: number;
  size: number;
  maxTimestamp: bigint;
  createdMs: number;
  modifiedMs: number;
}

export interface MemoryRollPolicy {
  segmentBytes: number;
  segmentMs: number;
}

const UNLIMITED_ROLL: MemoryRollPolicy = { segmentBytes: 1024 * 1024 * 1024, segmentMs: 7 * 24 * 60 * 60 * 1000 };

export class MemoryPartitionLog implements PartitionLog, MaintainedPartition {
  private readonly list = new BatchList();
  private segs: VSegment[] = [newSegment(0n)];
  policy: MemoryRollPolicy;
  /** Set while the cleaner works on this partition. */
  cleaning = false;
  cleanerCheckpoint: bigint | null = null;
  nextDeleteHorizonMs: number | null = null;

  /** Calls the onAppend listeners without an append (the partition went away). */
  wakeListeners(): void {
    this.listeners.notify((err) => this.logger?.error({ err, topic: this.topic, partition: this.partition }, 'onAppend listener failed'));
  }
  /** runningMax[i] = max maxTimestamp of batches 0..i: non-decreasing, so timestamp searches can bisect. */
  private readonly runningMax: bigint[] = [];
  private maxIndex = -1; // first batch holding the largest timestamp
  private next = 0n;
  /** Raised by DeleteRecords; may fall inside the first batch kept. */
  private startOffset = 0n;
  private readonly listeners = new AppendListeners();

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly logger?: Logger,
    policy: MemoryRollPolicy = UNLIMITED_ROLL,
  ) {
    this.policy = policy;
  }

  /** Moved only by retention and DeleteRecords (compaction never changes it), as on disk. */
  get logStartOffset(): bigint {
    return this.startOffset;
  }
  get logEndOffset(): bigint {
    return this.next;
  }
  get sizeBytes(): number {
    return this.list.bytes;
  }

  append(batches: Buffer, opts?: AppendOptions): AppendResult {
    const baseOffset = this.next;
    if (batches.length === 0) return { baseOffset, logEndOffset: baseOffset };
    const appended = assignOffsets(batches, baseOffset, opts?.logAppendTime);
    this.maybeRoll(batches.length, baseOffset);
    const seg = this.segs[this.segs.length - 1]!;
    const copy = retain(batches);
    for (const b of appended) {
      seg.batches++;
      seg.size += b.size;
      if (b.maxTimestamp > seg.maxTimestamp) seg.maxTimestamp = b.maxTimestamp;
      const i = this.list.length;
      const prevMax = i > 0 ? this.runningMax[i - 1]! : -1n;
      if (this.maxIndex < 0 || b.maxTimestamp > prevMax) this.maxIndex = i;
      this.runningMax.push(b.maxTimestamp > prevMax ? b.maxTimestamp : prevMax);
      this.list.push({ baseOffset: b.baseOffset, lastOffset: b.lastOffset, maxTimestamp: b.maxTimestamp, buf: copy.subarray(b.pos, b.pos + b.size) });
    }
    seg.modifiedMs = Date.now();
    this.next = appended[appended.length - 1]!.lastOffset + 1n;
    this.listeners.notify((err) => this.logger?.error({ err, topic: this.topic, partition: this.partition }, 'onAppend listener failed'));
    return { baseOffset, logEndOffset: this.next };
  }

  read(offset: bigint, maxBytes: number, minOneBatch: boolean): ReadResult {
    return this.list.read(offset, maxBytes, minOneBatch);
  }

  offsetForTimestamp(timestamp: bigint): TimestampLookup | null {
    let lo = 0;
    let hi = this.runningMax.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.runningMax[mid]! < timestamp) lo = mid + 1;
      else hi = mid;
    }
    // Batches wholly below the log start offset (DeleteRecords) are gone: look from the first one kept.
    const from = this.list.search(this.logStartOffset);
    if (lo < from) for (lo = from; lo < this.list.length && this.list.at(lo).maxTimestamp < timestamp; lo++);
    if (lo >= this.list.length) return null;
    return this.startLookup(this.list.at(lo));
  }

  maxTimestamp(): TimestampLookup | null {
    if (this.maxIndex < 0) return null;
    let b = this.list.at(this.maxIndex);
    if (b.lastOffset < this.logStartOffset) {
      const from = this.list.search(this.logStartOffset);
      if (from >= this.list.length) return null;
      b = this.list.at(from);
      for (let i = from + 1; i < this.list.length; i++) if (this.list.at(i).maxTimestamp > b.maxTimestamp) b = this.list.at(i);
    }
    return this.startLookup(b);
  }

  /** A batch-level answer, never below the log start offset. */
  private startLookup(b: { baseOffset: bigint; maxTimestamp: bigint }): TimestampLookup {
    const start = this.logStartOffset;
    return { offset: b.baseOffset < start ? start : b.baseOffset, timestamp: b.maxTimestamp };
  }

  advanceLogStartOffset(offset: bigint): bigint {
    const target = offset > this.next ? this.next : offset;
    if (target > this.startOffset) this.startOffset = target;
    // As on disk: virtual segments left entirely below the new start go.
    let breached = 0;
    while (breached + 1 < this.segs.length && this.segs[breached + 1]!.baseOffset <= target) breached++;
    if (target === this.next && this.active.batches > 0) breached = this.segs.length;
    if (breached > 0) this.deleteOldestSegments(breached, `log start offset ${target}`);
    return this.logStartOffset;
  }

  // -------------------------------------------------------------------------
  // Virtual segments, retention, compaction

  private get active(): VSegment {
    return this.segs[this.segs.length - 1]!;
  }

  get segmentCount(): number {
    return this.segs.length;
  }

  /** As DiskPartitionLog.maybeRoll: an append that would overflow segment.bytes, or an active segment older than segment.ms. */
  private maybeRoll(appendBytes: number, firstOffset: bigint): void {
    const seg = this.active;
    if (seg.batches === 0) return;
    if (seg.size + appendBytes <= this.policy.segmentBytes && Date.now() - seg.createdMs <= this.policy.segmentMs) return;
    this.segs.push(newSegment(firstOffset));
  }

  segmentStats(): SegmentStat[] {
    return this.segs.map((s) => ({ baseOffset: s.baseOffset, size: s.size, largestTimestamp: s.maxTimestamp >= 0n ? Number(s.maxTimestamp) : s.modifiedMs }));
  }

  /** As DiskPartitionLog.deleteOldestSegments. */
  deleteOldestSegments(count: number, reason: string): number {
    count = Math.min(count, this.segs.length);
    if (count <= 0) return 0;
    if (count === this.segs.length) {
      if (this.active.batches === 0) count--;
      else this.segs.push(newSegment(this.next));
    }
    if (count <= 0) return 0;
    const doomed = this.segs.splice(0, count);
    const first = this.segs[0]!.baseOffset;
    if (first > this.startOffset) this.startOffset = first;
    let drop = 0;
    for (const s of doomed) drop += s.batches;
    this.list.reset(this.list.toArray().slice(drop));
    this.reindex();
    this.logger?.info({ topic: this.topic, partition: this.partition, segments: doomed.map((s) => String(s.baseOffset)), reason, logStartOffset: String(this.startOffset) }, 'deleted log segments');
    return doomed.length;
  }

  /** One compaction pass in memory (see cleaner.ts); null when not due. */
  async compact(opts: CompactOptions): Promise<CompactResult | null> {
    if (this.cleaning) return null;
    const t0 = performance.now();
    const range = cleanableRange(this.segmentStats(), this.logStartOffset, this.next, this.cleanerCheckpoint, opts.lastStableOffset, opts.policy, opts.nowMs);
    if (!opts.force && !shouldClean(range, opts.policy, this.nextDeleteHorizonMs, opts.nowMs)) return null;
    this.cleaning = true;
    try {
      const pass = new CleanPass({ map: opts.map(), nowMs: opts.nowMs, deleteRetentionMs: opts.policy.deleteRetentionMs, ...(opts.retainEmptyBatch ? { retainEmptyBatch: opts.retainEmptyBatch } : {}) });
      const all = this.list.toArray();
      const limit = range.firstUncleanableOffset;
      for (const b of all) {
        if (b.lastOffset < range.firstDirtyOffset) continue;
        if (b.lastOffset >= limit || !pass.mapBatch(b.buf)) break;
      }
      const mapped = pass.latestOffset >= 0 && BigInt(pass.latestOffset) >= range.firstDirtyOffset;
      const endOffset = mapped ? BigInt(pass.latestOffset) + 1n : range.firstDirtyOffset;
      pass.coverUpTo(endOffset);
      // Rewrite the virtual segments below endOffset (never the active one), merged as disk groups are.
      const sealed = this.segs.slice(0, -1);
      const cleanCount = sealed.filter((s) => s.baseOffset < endOffset && s.baseOffset < limit).length;
      const ends = sealed.map((s, i) => this.segs[i + 1]!.baseOffset);
      const groups = groupSegments(sealed.slice(0, cleanCount), ends, opts.segmentBytes);
      const out: StoredBatch[] = [];
      const newSegs: VSegment[] = [];
      let at = 0;
      for (const group of groups) {
        const seg = newSegment(group[0]!.baseOffset);
        seg.createdMs = group[0]!.createdMs;
        seg.modifiedMs = group[group.length - 1]!.modifiedMs;
        for (const g of group) {
          for (let k = 0; k < g.batches; k++) {
            const kept = pass.filterBatch(all[at++]!.buf);
            if (kept === null) continue;
            out.push({ baseOffset: baseOffsetAt(kept, 0), lastOffset: lastOffsetAt(kept, 0), maxTimestamp: maxTimestampAt(kept, 0), buf: kept });
            seg.batches++;
            seg.size += kept.length;
            if (maxTimestampAt(kept, 0) > seg.maxTimestamp) seg.maxTimestamp = maxTimestampAt(kept, 0);
          }
        }
        newSegs.push(seg);
      }
      for (; at < all.length; at++) out.push(all[at]!);
      const segmentsBefore = this.segs.length;
      this.segs = [...newSegs, ...this.segs.slice(cleanCount)];
      this.list.reset(out);
      this.reindex();
      this.cleanerCheckpoint = endOffset > range.firstDirtyOffset ? endOffset : range.firstDirtyOffset;
      this.nextDeleteHorizonMs = pass.nextDeleteHorizonMs;
      const result: CompactResult = { ...pass.stats, firstDirtyOffset: range.firstDirtyOffset, endOffset, groups: groups.length, segmentsBefore, segmentsAfter: this.segs.length, ms: Math.round(performance.now() - t0) };
      this.logger?.debug({ topic: this.topic, partition: this.partition, ...statsForLog(result) }, 'cleaned log');
      return result;
    } finally {
      this.cleaning = false;
    }
  }

  /** Recomputes the running timestamp maxima after batches were removed or rewritten. */
  private reindex(): void {
    this.runningMax.length = 0;
    this.maxIndex = -1;
    let max = -1n;
    for (let i = 0; i < this.list.length; i++) {
      const ts = this.list.at(i).maxTimestamp;
      if (this.maxIndex < 0 || ts > max) {
        this.maxIndex = i;
        max = ts;
      }
      this.runningMax.push(max);
    }
  }

  onAppend(listener: () => void): () => void {
    return this.listeners.add(listener);
  }
}

export interface MemoryLogStoreOptions {
  logger?: Logger;
  /** Broker-level segment.bytes / segment.ms (virtual segments, for retention and compaction). */
  defaults?: RollDefaults;
  /** Retention checks and the cleaner (timers start at open()). */
  maintenance?: Partial<LogMaintenanceOptions>;
}

export class MemoryLogStore implements LogStore {
  private readonly table = new TopicTable<MemoryPartitionLog>();
  private readonly logger: Logger | undefined;
  private readonly defaults: RollDefaults;
  /** Retention and compaction: timers, and runRetention()/runCleaner() on demand. */
  readonly maintenance: LogMaintenance;

  constructor(opts?: Logger | MemoryLogStoreOptions) {
    const o: MemoryLogStoreOptions = opts === undefined ? {} : isLogger(opts) ? { logger: opts } : opts;
    this.logger = o.logger;
    this.defaults = o.defaults ?? {};
    this.maintenance = new LogMaintenance(
      {
        topics: () => this.table.infos(),
        partitions: (name) => this.table.partitions(name) ?? [],
      },
      { ...o.maintenance, ...(o.logger ? { logger: o.logger } : {}) },
    );
  }

  async open(): Promise<void> {
    this.maintenance.start();
  }
  async close(): Promise<void> {
    await this.maintenance.stop();
  }

  /** Deletes the segments retention says must go; returns how many went. */
  runRetention(nowMs?: number): number {
    return this.maintenance.runRetention(nowMs);
  }

  /** Runs the cleaner over every compacted partition that is due (all of them with `force`). */
  runCleaner(opts: { nowMs?: number; force?: boolean } = {}): Promise<CompactResult[]> {
    return this.maintenance.runCleaner(opts);
  }

  topics(): Iterable<TopicInfo> {
    return this.table.infos();
  }
  topic(name: string): TopicInfo | undefined {
    return this.table.info(name);
  }
  topicById(topicId: string): TopicInfo | undefined {
    return this.table.infoById(topicId);
  }

  async createTopic(name: string, opts: CreateTopicOptions): Promise<TopicInfo> {
    const info = makeTopicInfo(name, opts);
    this.table.reserve(info);
    this.table.add(info, partitionLogs(name, 0, info.numPartitions, this.logger, rollPolicyFor(info, this.defaults, this.maintenance.defaults)));
    return info;
  }

  async deleteTopic(name: string): Promise<void> {
    const entry = this.table.remove(name);
    // Wake long polls parked on the deleted partitions.
    for (const p of entry?.partitions ?? []) p.wakeListeners();
  }

  async setTopicConfigs(name: string, configs: TopicConfigs): Promise<void> {
    const info = this.table.info(name);
    if (!info) throw new UnknownTopicError(name);
    const next = withConfigs(info, configs);
    this.table.update(next);
    const policy = rollPolicyFor(next, this.defaults, this.maintenance.defaults);
    for (const p of this.table.partitions(name) ?? []) p.policy = policy;
  }

  async createPartitions(name: string, totalCount: number): Promise<TopicInfo> {
    const info = this.table.info(name);
    const existing = this.table.partitions(name);
    if (!info || !existing) throw new UnknownTopicError(name);
    checkGrowth(info, totalCount);
    const next = withPartitionCount(info, totalCount);
    this.table.update(next, [...existing, ...partitionLogs(name, existing.length, totalCount, this.logger, rollPolicyFor(next, this.defaults, this.maintenance.defaults))]);
    return next;
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.table.partition(topic, partition);
  }
}

function partitionLogs(topic: string, from: number, to: number, logger: Logger | undefined, policy: MemoryRollPolicy): MemoryPartitionLog[] {
  const out: MemoryPartitionLog[] = [];
  for (let i = from; i < to; i++) out.push(new MemoryPartitionLog(topic, i, logger, policy));
  return out;
}

function newSegment(baseOffset: bigint): VSegment {
  const now = Date.now();
  return { baseOffset, batches: 0, size: 0, maxTimestamp: -1n, createdMs: now, modifiedMs: now };
}

function isLogger(o: Logger | MemoryLogStoreOptions): o is Logger {
  return typeof (o as Logger).child === 'function';
}

export function statsForLog(r: CompactResult): Record<string, unknown> {
  return { ...r, firstDirtyOffset: String(r.firstDirtyOffset), endOffset: String(r.endOffset) };
}
