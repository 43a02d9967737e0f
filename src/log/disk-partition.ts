/**
 * One partition on disk: an offset-ordered list of segments in
 * `<dataDir>/<topic>-<partition>/`, the last one active. Rolls the active
 * segment by size, age and relative-offset range; serves reads from a small
 * in-memory cache of the most recent batches when it can, else from the
 * segment files.
 *
 * Maintenance (retention, the compaction cleaner, DeleteRecords) goes through
 * the methods at the end: deleting the oldest segments, advancing the log
 * start offset, swapping in cleaned segments. Two small files sit next to
 * the segments: `log-start-offset-checkpoint` (a log start offset inside the
 * first segment, after DeleteRecords) and `cleaner-offset-checkpoint` (the
 * cleaner's first dirty offset and next tombstone horizon).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { assignOffsets } from './assign-offsets.js';
import { AppendListeners } from './append-listeners.js';
import { BatchList } from './batch-list.js';
import { cleanDiskPartition, type CompactOptions, type CompactResult } from './cleaner.js';
import { fsyncDir, writeFileAtomicSync } from './file-io.js';
import type { MaintainedPartition } from './maintenance.js';
import type { ReadAlloc } from './read-buffers.js';
import type { SegmentStat } from './retention.js';
import { Segment, parseSegmentFileName, type SegmentOptions } from './segment.js';
import { commitCleaned, deleteSegmentFiles, installSwap, recoverCleanerFiles } from './segment-writer.js';
import type { AppendOptions, AppendResult, PartitionLog, ReadResult, TimestampLookup } from './types.js';
import { retain } from './retain.js';

const LOG_START_CHECKPOINT = 'log-start-offset-checkpoint';
const CLEANER_CHECKPOINT = 'cleaner-offset-checkpoint';

export interface RollPolicy {
  /** segment.bytes */
  segmentBytes: number;
  /** segment.ms */
  segmentMs: number;
  /** index.interval.bytes */
  indexIntervalBytes: number;
}

export interface DiskPartitionOptions {
  logger: Logger;
  /** Bytes of recent batches kept in memory for fetches near the log end; 0 disables. */
  tailCacheBytes: number;
  policy: RollPolicy;
}

export class DiskPartitionLog implements PartitionLog, MaintainedPartition {
  private readonly segments: Segment[];
  private readonly cache: BatchList;
  private readonly listeners = new AppendListeners();
  private sealedBytes = 0; // size of all segments but the active one
  /** The one sealed segment allowed to keep a read handle open (sequential catch-up reads). */
  private openSealed: Segment | null = null;
  private closed = false;
  /** First offset still readable; at or after the first segment's base offset (DeleteRecords may move it inside). */
  private startOffset: bigint;
  policy: RollPolicy;
  /** Set by the cleaner while it works on this partition (retention waits). */
  cleaning = false;
  /** The cleaner's first dirty offset (null: never cleaned). */
  cleanerCheckpoint: bigint | null = null;
  /** Earliest delete horizon of a tombstone kept by the last cleaning (null: none). */
  nextDeleteHorizonMs: number | null = null;

  private constructor(
    readonly topic: string,
    readonly partition: number,
    readonly dir: string,
    segments: Segment[],
    private readonly opts: DiskPartitionOptions,
  ) {
    this.segments = segments;
    this.policy = opts.policy;
    this.cache = new BatchList(opts.tailCacheBytes);
    for (let i = 0; i < segments.length - 1; i++) this.sealedBytes += segments[i]!.size;
    this.startOffset = segments[0]!.baseOffset;
    this.loadCheckpoints();
  }

  /** Opens (creating when needed) the partition directory and recovers its segments. */
  static open(dir: string, topic: string, partition: number, opts: DiskPartitionOptions): DiskPartitionLog {
    fs.mkdirSync(dir, { recursive: true });
    recoverCleanerFiles(dir, opts.logger);
    const segOpts = segmentOptions(opts);
    const bases: bigint[] = [];
    for (const name of fs.readdirSync(dir)) {
      const base = parseSegmentFileName(name);
      if (base !== null) bases.push(base);
    }
    bases.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const segments = bases.map((base, i) => Segment.open(dir, base, segOpts, i === bases.length - 1));
    if (segments.length === 0) segments.push(Segment.create(dir, 0n, segOpts));
    removeOrphanIndexes(dir, new Set(segments.map((s) => s.baseOffset.toString())), opts.logger);
    return new DiskPartitionLog(topic, partition, dir, segments, opts);
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  get logStartOffset(): bigint {
    return this.startOffset;
  }
  get logEndOffset(): bigint {
    return this.active.nextOffset;
  }
  get sizeBytes(): number {
    return this.sealedBytes + this.active.size;
  }
  get segmentCount(): number {
    return this.segments.length;
  }

  append(batches: Buffer, opts?: AppendOptions): AppendResult {
    if (this.closed) throw new Error(`partition ${this.topic}-${this.partition} is closed`);
    const baseOffset = this.logEndOffset;
    if (batches.length === 0) return { baseOffset, logEndOffset: baseOffset };
    const appended = assignOffsets(batches, baseOffset, opts?.logAppendTime);
    const lastOffset = appended[appended.length - 1]!.lastOffset;
    this.maybeRoll(batches.length, baseOffset, lastOffset);
    this.active.append(batches, appended);
    if (this.cache.maxBytes > 0) {
      // The cache must not pin a large request frame for a small batch (retain copies then).
      const copy = retain(batches);
      for (const b of appended) {
        this.cache.push({ baseOffset: b.baseOffset, lastOffset: b.lastOffset, maxTimestamp: b.maxTimestamp, buf: copy.subarray(b.pos, b.pos + b.size) });
      }
    }
    this.listeners.notify((err) => this.opts.logger.error({ err, topic: this.topic, partition: this.partition }, 'onAppend listener failed'));
    return { baseOffset, logEndOffset: lastOffset + 1n };
  }

  /** As Kafka's shouldRoll: the append would overflow segment.bytes, the segment is older than segment.ms, or offsets outgrow the index. */
  private maybeRoll(appendBytes: number, firstOffset: bigint, lastOffset: bigint): void {
    const seg = this.active;
    if (seg.isEmpty) return;
    const full = seg.size + appendBytes > this.policy.segmentBytes;
    const old = Date.now() - seg.createdMs > this.policy.segmentMs;
    if (!full && !old && seg.canHoldOffset(lastOffset)) return;
    this.roll(firstOffset);
  }

  /** Seals the active segment and starts a new one at `baseOffset`. */
  private roll(baseOffset: bigint): void {
    const seg = this.active;
    seg.seal();
    this.sealedBytes += seg.size;
    this.segments.push(Segment.create(this.dir, baseOffset, segmentOptions(this.opts, this.policy)));
  }

  read(offset: bigint, maxBytes: number, minOneBatch: boolean, alloc?: ReadAlloc): ReadResult {
    // A fetch may still hold a partition whose topic was just deleted: it reads as empty.
    if (this.closed || offset >= this.logEndOffset) return { batches: [], size: 0 };
    if (this.cache.covers(offset)) return this.cache.read(offset, maxBytes, minOneBatch);
    const batches: Buffer[] = [];
    let size = 0;
    let from = offset;
    for (let i = this.segmentIndex(offset); i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const loc = seg.findBatch(from);
      if (loc) {
        this.useSegment(seg);
        const r = seg.read(loc, maxBytes - size, minOneBatch && batches.length === 0, alloc);
        for (const b of r.batches) batches.push(b);
        size += r.size;
        if (!r.reachedEnd) break;
      }
      from = seg.nextOffset > from ? seg.nextOffset : from;
    }
    return { batches, size };
  }

  offsetForTimestamp(timestamp: bigint): TimestampLookup | null {
    if (this.closed) return null;
    for (const seg of this.segments) {
      if (seg.maxTimestamp < timestamp) continue;
      this.useSegment(seg);
      const hit = seg.findByTimestamp(timestamp);
      // Never below the log start offset (DeleteRecords may leave it inside the first segment).
      if (hit) return hit.offset < this.startOffset ? { offset: this.startOffset, timestamp: hit.timestamp } : hit;
    }
    return null;
  }

  maxTimestamp(): TimestampLookup | null {
    if (this.closed) return null;
    let best: Segment | null = null;
    for (const seg of this.segments) {
      if (seg.offsetOfMaxTimestamp >= 0n && (best === null || seg.maxTimestamp > best.maxTimestamp)) best = seg;
    }
    if (best === null) return null;
    this.useSegment(best);
    const offset = best.batchBaseOffset(best.offsetOfMaxTimestamp);
    return offset === null ? null : { offset, timestamp: best.maxTimestamp };
  }

  onAppend(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  /** fsyncs the active segment and its indexes. */
  flush(): void {
    this.active.flush();
  }

  /** Closes the files, fsynced first unless `flush` is false (the partition is being deleted: syncing doomed data only stalls). */
  close(flush = true): void {
    if (this.closed) return;
    this.closed = true;
    for (const seg of this.segments) seg.close(flush);
    this.cache.clear();
    // Wake long polls parked on this partition so they notice it is gone instead of waiting out max_wait_ms.
    this.listeners.notify((err) => this.opts.logger.error({ err, topic: this.topic, partition: this.partition }, 'onAppend listener failed'));
  }

  // -------------------------------------------------------------------------
  // Maintenance: retention, the cleaner, DeleteRecords

  get isClosed(): boolean {
    return this.closed;
  }

  /** The segments, oldest first, the active one last (a copy: maintenance may replace them meanwhile). */
  segmentsSnapshot(): Segment[] {
    return [...this.segments];
  }

  /** Base offset, size and largest timestamp of every segment (the active one last), for retention. */
  segmentStats(): SegmentStat[] {
    return this.segments.map((s) => ({ baseOffset: s.baseOffset, size: s.size, largestTimestamp: s.largestTimestampMs() }));
  }

  /**
   * Deletes the `count` oldest segments and moves the log start offset to the
   * first one left. When that includes the active segment, a new empty one is
   * rolled at the log end first (the log start offset becomes the log end
   * offset). An empty active segment is never deleted. Files go oldest first,
   * so a crash part-way leaves a consistent suffix.
   */
  deleteOldestSegments(count: number, reason: string): number {
    if (this.closed || count <= 0) return 0;
    count = Math.min(count, this.segments.length);
    if (count === this.segments.length) {
      if (this.active.isEmpty) count--;
      else this.roll(this.logEndOffset);
    }
    if (count <= 0) return 0;
    const doomed = this.segments.splice(0, count);
    for (const seg of doomed) {
      this.sealedBytes -= seg.size;
      if (this.openSealed === seg) this.openSealed = null;
      seg.closeHandles();
      deleteSegmentFiles(this.dir, seg.baseOffset);
    }
    fsyncDir(this.dir);
    const first = this.segments[0]!.baseOffset;
    if (first > this.startOffset) this.startOffset = first;
    this.cache.dropBefore(this.startOffset);
    this.opts.logger.info(
      { topic: this.topic, partition: this.partition, segments: doomed.map((s) => String(s.baseOffset)), reason, logStartOffset: String(this.startOffset) },
      'deleted log segments',
    );
    return doomed.length;
  }

  /**
   * Moves the log start offset forward to `offset` (at most the log end
   * offset; never backwards), durably, and deletes the segments that lie
   * entirely below it (Kafka's maybeIncrementLogStartOffset followed by
   * deleteLogStartOffsetBreachedSegments). Returns the new log start offset.
   * This is the primitive behind DeleteRecords.
   */
  advanceLogStartOffset(offset: bigint): bigint {
    if (this.closed) return this.startOffset;
    const target = offset > this.logEndOffset ? this.logEndOffset : offset;
    if (target <= this.startOffset) return this.startOffset;
    this.startOffset = target;
    writeFileAtomicSync(path.join(this.dir, LOG_START_CHECKPOINT), `0\n${target}\n`);
    // Segments whose successor starts at or below the new start hold nothing readable.
    let breached = 0;
    while (breached + 1 < this.segments.length && this.segments[breached + 1]!.baseOffset <= target) breached++;
    // When the start reaches the log end, the active segment's records are all gone too.
    if (target === this.logEndOffset && !this.active.isEmpty) breached = this.segments.length;
    if (breached > 0) this.deleteOldestSegments(breached, `log start offset ${target}`);
    this.cache.dropBefore(this.startOffset);
    return this.startOffset;
  }

  /** One compaction pass (see cleaner.ts); null when not due. */
  compact(opts: CompactOptions): Promise<CompactResult | null> {
    return cleanDiskPartition(this, opts);
  }

  /** Persists the cleaner's progress. */
  saveCleanerCheckpoint(firstDirtyOffset: bigint, nextDeleteHorizonMs: number | null): void {
    this.cleanerCheckpoint = firstDirtyOffset;
    this.nextDeleteHorizonMs = nextDeleteHorizonMs;
    if (this.closed) return;
    writeFileAtomicSync(path.join(this.dir, CLEANER_CHECKPOINT), `0\n${firstDirtyOffset}\n${nextDeleteHorizonMs ?? -1}\n`);
  }

  /**
   * Replaces `olds` (consecutive sealed segments) with the cleaned segment
   * written as `<base>.log.cleaned` (+ indexes) by the cleaner. Returns false,
   * changing nothing, when those segments are no longer all in the log
   * (retention or DeleteRecords ran meanwhile) or the partition is closed.
   */
  replaceSegments(olds: readonly Segment[], base: bigint): boolean {
    if (this.closed || olds.length === 0) return false;
    const i = this.segments.indexOf(olds[0]!);
    if (i < 0 || i + olds.length > this.segments.length - 1) return false;
    for (let k = 0; k < olds.length; k++) if (this.segments[i + k] !== olds[k]) return false;
    for (const seg of olds) {
      if (this.openSealed === seg) this.openSealed = null;
      seg.closeHandles();
    }
    commitCleaned(this.dir, base, olds.map((seg) => seg.baseOffset));
    for (const seg of olds) deleteSegmentFiles(this.dir, seg.baseOffset);
    installSwap(this.dir, base);
    const cleaned = Segment.open(this.dir, base, segmentOptions(this.opts, this.policy), false);
    this.segments.splice(i, olds.length, cleaned);
    this.sealedBytes = 0;
    for (let k = 0; k < this.segments.length - 1; k++) this.sealedBytes += this.segments[k]!.size;
    // The tail cache may hold the old copies of batches that were just cleaned.
    this.cache.dropBefore(this.active.baseOffset);
    return true;
  }

  private loadCheckpoints(): void {
    const start = readCheckpoint(path.join(this.dir, LOG_START_CHECKPOINT));
    if (start && start[0] !== undefined) {
      const s = start[0] > this.logEndOffset ? this.logEndOffset : start[0];
      if (s > this.startOffset) this.startOffset = s;
    }
    const cleaner = readCheckpoint(path.join(this.dir, CLEANER_CHECKPOINT));
    if (cleaner && cleaner[0] !== undefined) {
      this.cleanerCheckpoint = cleaner[0];
      const h = cleaner[1];
      this.nextDeleteHorizonMs = h === undefined || h < 0n ? null : Number(h);
    }
  }

  /** Index of the segment that holds `offset`: the last one whose base offset is <= it (0 when before all). */
  private segmentIndex(offset: bigint): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Keeps at most one sealed segment's read handle open per partition, so file handles stay bounded. */
  private useSegment(seg: Segment): void {
    if (seg === this.active || seg === this.openSealed) return;
    if (this.openSealed && this.openSealed !== this.active) this.openSealed.closeHandles();
    this.openSealed = seg;
  }
}

export function segmentOptions(opts: DiskPartitionOptions, policy: RollPolicy = opts.policy): SegmentOptions {
  return { indexIntervalBytes: policy.indexIntervalBytes, logger: opts.logger };
}

/** The numbers after the version line of a checkpoint file (version 0), or null when absent or unreadable. */
function readCheckpoint(file: string): bigint[] | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines[0] !== '0' || !lines.slice(1).every((l) => /^-?\d+$/.test(l))) return null;
  return lines.slice(1).map((l) => BigInt(l));
}

/** Index files whose log file is gone (e.g. a crash between deleting one and the other). */
function removeOrphanIndexes(dir: string, bases: Set<string>, logger: Logger): void {
  for (const name of fs.readdirSync(dir)) {
    const m = /^(\d{20})\.(index|timeindex)$/.exec(name);
    if (!m || bases.has(BigInt(m[1]!).toString())) continue;
    logger.warn({ dir, file: name }, 'removing index file without a log segment');
    fs.rmSync(path.join(dir, name), { force: true });
  }
}
