/**
 * Log compaction (`cleanup.policy=compact`), after Kafka's LogCleaner:
 *
 *  - The cleanable range: from the first dirty offset (the cleaner
 *    checkpoint; the log start at first) to the first uncleanable offset —
 *    the active segment's base offset, the last stable offset, and the first
 *    segment whose largest timestamp is within `min.compaction.lag.ms`.
 *  - Pass 1 reads the dirty part and records each key's latest offset in a
 *    fixed-size OffsetMap. It stops early when the map is full; the rest
 *    waits for the next pass. Records of a transaction enter the map only
 *    once its COMMIT marker is seen (aborted ones never do).
 *  - Pass 2 rewrites every segment from the log start up to the end of what
 *    was mapped, in groups whose total size fits `segment.bytes`: a record
 *    stays unless a later offset of its key is in the map, it has no key, or
 *    it is a tombstone past its delete horizon. Offsets never change: a
 *    batch keeps its base offset, last offset delta, producer fields and
 *    codec; batches that lose records are rebuilt from the ones kept.
 *  - Tombstones (KIP-534): a batch that keeps a tombstone gets a delete
 *    horizon (now + `delete.retention.ms`) stamped in its header the first
 *    time it is cleaned; a pass after that horizon drops the tombstones.
 *  - Control batches (transaction markers) are always kept, and a batch
 *    emptied of its records is kept (without records) when it is its
 *    producer's last batch seen, so producer state can be rebuilt from the log.
 *
 * CleanPass holds the record-level logic and is shared by both backends; the
 * disk backend's orchestration (chunked reads, `.cleaned`/`.swap` files,
 * checkpoint) is `cleanDiskPartition` below.
 */
import fs from 'node:fs';
import type { Logger } from 'pino';
import { BATCH_HEADER_SIZE, LAST_OFFSET_DELTA_OFFSET, LOG_OVERHEAD, RECORD_COUNT_OFFSET, batchSizeAt } from '../wire/record-batch.js';
import type { DiskPartitionLog } from './disk-partition.js';
import { readFully } from './file-io.js';
import type { LogPolicy } from './log-config.js';
import { OffsetMap } from './offset-map.js';
import {
  ControlType,
  RecordCursor,
  batchAttributes,
  batchBaseOffsetNum,
  batchProducerIdNum,
  controlTypeOf,
  deleteHorizonOf,
  rebuildBatch,
  recordsOf,
  type RetainedRecord,
} from './record-scan.js';
import type { Segment } from './segment.js';
import { CleanedSegmentWriter } from './segment-writer.js';

const CONTROL = 0x20;
const TRANSACTIONAL = 0x10;

export interface CleanPassOptions {
  map: OffsetMap;
  nowMs: number;
  deleteRetentionMs: number;
  /**
   * Whether a batch emptied by cleaning must stay (without records) because
   * it is its producer's last one. Default: the last batch of that producer
   * seen in the dirty range of this pass.
   */
  retainEmptyBatch?: (producerId: number, lastOffset: number) => boolean;
}

export interface CleanStats {
  recordsRead: number;
  recordsRemoved: number;
  tombstonesRemoved: number;
  batchesRewritten: number;
  bytesRead: number;
  bytesWritten: number;
}

export function emptyStats(): CleanStats {
  return { recordsRead: 0, recordsRemoved: 0, tombstonesRemoved: 0, batchesRewritten: 0, bytesRead: 0, bytesWritten: 0 };
}

/** The record-level logic of one cleaning pass: mapBatch over the dirty range, then filterBatch over the log. */
export class CleanPass {
  readonly map: OffsetMap;
  readonly stats = emptyStats();
  /** Earliest delete horizon of a tombstone still in the log after this pass (null when none). */
  nextDeleteHorizonMs: number | null = null;
  /** Hashes and offsets of keyed records of open transactions, per producer: [h0, h1, h2, h3, offset, ...]. */
  private readonly pending = new Map<number, number[]>();
  private pendingCount = 0;
  private readonly producerLast = new Map<number, number>();
  private mapFull = false;

  constructor(private readonly opts: CleanPassOptions) {
    this.map = opts.map;
    this.map.clear();
  }

  /** Largest offset mapped (-1 when nothing was). Records above it are kept as they are. */
  get latestOffset(): number {
    return this.map.latestOffset;
  }

  /** Makes every record below `endOffset` subject to filtering, even where nothing was mapped. */
  coverUpTo(endOffset: bigint): void {
    const last = Number(endOffset) - 1;
    if (last > this.map.latestOffset) this.map.latestOffset = last;
  }

  get full(): boolean {
    return this.mapFull;
  }

  // -------------------------------------------------------------------------
  // Pass 1

  /**
   * Records the keys of one dirty batch. Returns false, mapping nothing, when
   * the map cannot be sure to take the batch's records (the pass then stops
   * before it), unless the map is still empty.
   */
  mapBatch(batch: Buffer): boolean {
    const map = this.map;
    const count = batch.readInt32BE(RECORD_COUNT_OFFSET);
    const used = map.size + this.pendingCount;
    if (used > 0 && used + count > map.maxEntries) {
      this.mapFull = true;
      return false;
    }
    const attributes = batchAttributes(batch);
    const base = batchBaseOffsetNum(batch);
    const last = base + batch.readInt32BE(LAST_OFFSET_DELTA_OFFSET);
    const producerId = batchProducerIdNum(batch);
    if (producerId >= 0) this.producerLast.set(producerId, last);
    if ((attributes & CONTROL) !== 0) {
      const type = controlTypeOf(batch);
      const keys = this.pending.get(producerId);
      if (keys) {
        this.pending.delete(producerId);
        this.pendingCount -= keys.length / 5;
        if (type === ControlType.Commit) {
          for (let i = 0; i < keys.length; i += 5) map.putHash(keys.slice(i, i + 4), keys[i + 4]!);
        }
      }
    } else {
      const records = recordsOf(batch);
      if (records !== null) {
        const transactional = (attributes & TRANSACTIONAL) !== 0 && producerId >= 0;
        const c = new RecordCursor(records);
        let keys: number[] | undefined;
        if (transactional) {
          keys = this.pending.get(producerId);
          if (!keys) this.pending.set(producerId, (keys = []));
        }
        while (c.next()) {
          if (!c.hasKey) continue;
          const h = map.hashKey(records, c.keyPos, c.keyPos + c.keyLength);
          const offset = base + c.offsetDelta;
          if (keys) {
            keys.push(h[0]!, h[1]!, h[2]!, h[3]!, offset);
            this.pendingCount++;
          } else if (!map.putHash(h, offset)) {
            // Full part-way through a large batch: a key that did not fit keeps all its records (safe).
            this.mapFull = true;
          }
        }
      }
    }
    if (last > map.latestOffset) map.latestOffset = last;
    return true;
  }

  // -------------------------------------------------------------------------
  // Pass 2

  /**
   * The bytes to keep for one batch: the batch itself when nothing changes,
   * a rebuilt batch, or null when it goes entirely.
   */
  filterBatch(batch: Buffer): Buffer | null {
    const stats = this.stats;
    stats.bytesRead += batch.length;
    const attributes = batchAttributes(batch);
    if ((attributes & CONTROL) !== 0) return this.keep(batch);
    const base = batchBaseOffsetNum(batch);
    const latest = this.map.latestOffset;
    if (base > latest) return this.keep(batch);
    const records = recordsOf(batch, true);
    if (records === null) return this.keep(batch); // a codec that cannot run now (or bad data): leave it alone
    const horizon = deleteHorizonOf(batch);
    const retainDeletes = horizon === null || this.opts.nowMs < horizon;
    const count = batch.readInt32BE(RECORD_COUNT_OFFSET);
    const kept: RetainedRecord[] = [];
    let keptTombstone = false;
    const c = new RecordCursor(records);
    let seen = 0;
    while (c.next()) {
      seen++;
      const offset = base + c.offsetDelta;
      let keep: boolean;
      if (offset > latest) keep = true;
      else if (!c.hasKey) keep = false;
      else {
        const found = this.map.get(records, c.keyPos, c.keyPos + c.keyLength);
        keep = !(found >= 0 && offset < found) && (c.hasValue || retainDeletes);
        if (keep === false && !c.hasValue && !(found >= 0 && offset < found)) stats.tombstonesRemoved++;
      }
      if (keep) {
        kept.push({ start: c.start, end: c.end, tsPos: c.tsPos, afterTs: c.afterTs, timestampDelta: c.timestampDelta });
        if (!c.hasValue) keptTombstone = true;
      }
    }
    if (c.error !== null || seen !== count) return this.keep(batch); // malformed: never make it worse
    stats.recordsRead += count;
    stats.recordsRemoved += count - kept.length;
    const needHorizon = horizon === null && keptTombstone;
    if (keptTombstone) {
      const h = needHorizon ? this.opts.nowMs + this.opts.deleteRetentionMs : horizon!;
      if (this.nextDeleteHorizonMs === null || h < this.nextDeleteHorizonMs) this.nextDeleteHorizonMs = h;
    }
    if (kept.length === count && !needHorizon && count > 0) return this.write(batch);
    if (kept.length === 0) {
      const producerId = batchProducerIdNum(batch);
      const last = base + batch.readInt32BE(LAST_OFFSET_DELTA_OFFSET);
      if (producerId >= 0 && this.retainEmpty(producerId, last)) {
        return count === 0 ? this.write(batch) : this.rewritten(rebuildBatch(batch, records, []));
      }
      return null;
    }
    return this.rewritten(rebuildBatch(batch, records, kept, needHorizon ? { deleteHorizonMs: this.opts.nowMs + this.opts.deleteRetentionMs } : {}));
  }

  private retainEmpty(producerId: number, lastOffset: number): boolean {
    if (this.opts.retainEmptyBatch) return this.opts.retainEmptyBatch(producerId, lastOffset);
    return this.producerLast.get(producerId) === lastOffset;
  }

  private keep(batch: Buffer): Buffer {
    const n = batch.readInt32BE(RECORD_COUNT_OFFSET);
    this.stats.recordsRead += (batchAttributes(batch) & CONTROL) !== 0 ? 0 : n;
    return this.write(batch);
  }

  private write(batch: Buffer): Buffer {
    this.stats.bytesWritten += batch.length;
    return batch;
  }

  private rewritten(batch: Buffer): Buffer {
    this.stats.batchesRewritten++;
    return this.write(batch);
  }
}

// ---------------------------------------------------------------------------
// The cleanable range, shared by both backends.

export interface CleanerSegment {
  baseOffset: bigint;
  size: number;
  /** Largest record timestamp (ms), or the last modification time when none. */
  largestTimestamp: number;
}

export interface CleanableRange {
  firstDirtyOffset: bigint;
  firstUncleanableOffset: bigint;
  cleanBytes: number;
  dirtyBytes: number;
  /** dirty / (clean + dirty). */
  ratio: number;
  /** `max.compaction.lag.ms` has passed for the oldest dirty segment. */
  needCompactionNow: boolean;
}

/**
 * As Kafka's LogCleanerManager.cleanableOffsets and LogToClean. `segments`
 * ends with the active segment; `checkpoint` is the stored first dirty offset.
 */
export function cleanableRange(
  segments: readonly CleanerSegment[],
  logStartOffset: bigint,
  logEndOffset: bigint,
  checkpoint: bigint | null,
  lastStableOffset: bigint,
  policy: Pick<LogPolicy, 'minCompactionLagMs' | 'maxCompactionLagMs'>,
  nowMs: number,
): CleanableRange {
  const firstDirty = checkpoint === null || checkpoint < logStartOffset || checkpoint > logEndOffset ? logStartOffset : checkpoint;
  const active = segments[segments.length - 1]!;
  let firstUncleanable = active.baseOffset < lastStableOffset ? active.baseOffset : lastStableOffset;
  const dirtyIdx = segmentIndexOf(segments, firstDirty);
  if (policy.minCompactionLagMs > 0) {
    for (let i = dirtyIdx; i < segments.length - 1; i++) {
      const s = segments[i]!;
      if (s.largestTimestamp > nowMs - policy.minCompactionLagMs) {
        if (s.baseOffset < firstUncleanable) firstUncleanable = s.baseOffset;
        break;
      }
    }
  }
  if (firstUncleanable < firstDirty) firstUncleanable = firstDirty;
  let cleanBytes = 0;
  let dirtyBytes = 0;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const next = i + 1 < segments.length ? segments[i + 1]!.baseOffset : logEndOffset + 1n;
    if (s.baseOffset < firstDirty) cleanBytes += s.size;
    // Kafka's logSegments(firstDirty, firstUncleanable): segments overlapping the range.
    if (next > firstDirty && s.baseOffset < firstUncleanable) dirtyBytes += s.size;
  }
  let needCompactionNow = false;
  if (policy.maxCompactionLagMs < Number.MAX_SAFE_INTEGER && dirtyIdx < segments.length - 1) {
    const first = segments[dirtyIdx]!;
    needCompactionNow = dirtyBytes > 0 && first.largestTimestamp < nowMs - policy.maxCompactionLagMs;
  }
  const total = cleanBytes + dirtyBytes;
  return { firstDirtyOffset: firstDirty, firstUncleanableOffset: firstUncleanable, cleanBytes, dirtyBytes, ratio: total > 0 ? dirtyBytes / total : 0, needCompactionNow };
}

function segmentIndexOf(segments: readonly CleanerSegment[], offset: bigint): number {
  let idx = 0;
  for (let i = 0; i < segments.length; i++) if (segments[i]!.baseOffset <= offset) idx = i;
  return idx;
}

/** Whether a compacted log is due for a pass (Kafka: dirty ratio above the minimum, max lag, or tombstones to drop). */
export function shouldClean(range: CleanableRange, policy: Pick<LogPolicy, 'minCleanableDirtyRatio'>, nextDeleteHorizonMs: number | null, nowMs: number): boolean {
  if (range.dirtyBytes > 0 && (range.needCompactionNow || range.ratio > policy.minCleanableDirtyRatio)) return true;
  return nextDeleteHorizonMs !== null && nextDeleteHorizonMs <= nowMs;
}

/**
 * Kafka's groupSegmentsBySize: consecutive segments whose total size stays
 * within `maxBytes` and whose offsets fit one segment's int32 relative index.
 * `ends[i]` is the offset after segment i.
 */
export function groupSegments<S extends { baseOffset: bigint; size: number }>(segments: readonly S[], ends: readonly bigint[], maxBytes: number): S[][] {
  const groups: S[][] = [];
  let i = 0;
  while (i < segments.length) {
    const group = [segments[i]!];
    let size = segments[i]!.size;
    let j = i + 1;
    while (j < segments.length && size + segments[j]!.size <= maxBytes && ends[j]! - 1n - segments[i]!.baseOffset <= 0x7fffffffn) {
      group.push(segments[j]!);
      size += segments[j]!.size;
      j++;
    }
    groups.push(group);
    i = j;
  }
  return groups;
}

// ---------------------------------------------------------------------------
// Disk orchestration

export class CleaningAbortedError extends Error {
  constructor(reason: string) {
    super(`cleaning aborted: ${reason}`);
    this.name = 'CleaningAbortedError';
  }
}

export interface CompactOptions {
  /** The pass's offset map (allocated on first use, reused by every pass). */
  map: () => OffsetMap;
  policy: LogPolicy;
  /** segment.bytes: cleaned segments are merged up to this size. */
  segmentBytes: number;
  nowMs: number;
  lastStableOffset: bigint;
  /** Clean even when the log is not due (tests, tools). */
  force?: boolean;
  /** Checked between chunks; returning true aborts the pass. */
  shouldStop?: () => boolean;
  logger: Logger;
  /** Bytes processed between two yields to the event loop (default 4 MiB). */
  yieldEveryBytes?: number;
  retainEmptyBatch?: CleanPassOptions['retainEmptyBatch'];
  /** Test hook: called after a group's cleaned segment is written, before the swap. */
  beforeSwap?: (baseOffset: bigint, replaced: readonly bigint[]) => void;
}

export interface CompactResult extends CleanStats {
  firstDirtyOffset: bigint;
  endOffset: bigint;
  groups: number;
  segmentsBefore: number;
  segmentsAfter: number;
  ms: number;
}

const READ_CHUNK = 1024 * 1024;

/**
 * One cleaning pass over a disk partition; null when it was not due. The
 * reads and writes go in chunks with yields to the event loop in between, so
 * produce and fetch keep being served; each group's swap is synchronous.
 */
export async function cleanDiskPartition(log: DiskPartitionLog, opts: CompactOptions): Promise<CompactResult | null> {
  if (log.cleaning || log.isClosed) return null;
  const t0 = performance.now();
  const segments = log.segmentsSnapshot();
  const range = cleanableRange(
    segments.map((s) => ({ baseOffset: s.baseOffset, size: s.size, largestTimestamp: s.largestTimestampMs() })),
    log.logStartOffset,
    log.logEndOffset,
    log.cleanerCheckpoint,
    opts.lastStableOffset,
    opts.policy,
    opts.nowMs,
  );
  if (!opts.force && !shouldClean(range, opts.policy, log.nextDeleteHorizonMs, opts.nowMs)) return null;
  log.cleaning = true;
  const yieldEvery = opts.yieldEveryBytes ?? 4 * 1024 * 1024;
  let sinceYield = 0;
  const checkpoint = async (bytes: number): Promise<void> => {
    sinceYield += bytes;
    if (sinceYield < yieldEvery) return;
    sinceYield = 0;
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (log.isClosed) throw new CleaningAbortedError('partition closed');
    if (opts.shouldStop?.()) throw new CleaningAbortedError('stopping');
  };
  try {
    const pass = new CleanPass({
      map: opts.map(),
      nowMs: opts.nowMs,
      deleteRetentionMs: opts.policy.deleteRetentionMs,
      ...(opts.retainEmptyBatch ? { retainEmptyBatch: opts.retainEmptyBatch } : {}),
    });
    // Pass 1: map the dirty range.
    const firstDirty = range.firstDirtyOffset;
    const limit = range.firstUncleanableOffset;
    let stopped = false;
    for (const seg of segments.slice(0, -1)) {
      if (stopped || seg.baseOffset >= limit) break;
      if (seg.nextOffset <= firstDirty) continue;
      const from = seg.baseOffset < firstDirty ? seg.offsetIndex.lookup(firstDirty).position : 0;
      await scanSegment(seg, from, (batch) => {
        if (lastOffsetNum(batch) < Number(firstDirty)) return true;
        if (lastOffsetNum(batch) >= Number(limit) || !pass.mapBatch(batch)) {
          stopped = true;
          return false;
        }
        return true;
      }, checkpoint);
    }
    const mapped = pass.latestOffset >= 0 && BigInt(pass.latestOffset) >= firstDirty;
    const endOffset = mapped ? BigInt(pass.latestOffset) + 1n : firstDirty;
    // Nothing new mapped (a pass for expired tombstones): the clean part is still filtered.
    pass.coverUpTo(endOffset);

    // Pass 2: rewrite the segments below endOffset, group by group.
    const sealed = segments.slice(0, -1);
    const ends = sealed.map((s, i) => (i + 1 < segments.length ? segments[i + 1]!.baseOffset : s.nextOffset));
    const toClean = sealed.filter((s) => s.baseOffset < endOffset && s.baseOffset < limit);
    const groups = groupSegments(toClean, ends, opts.segmentBytes);
    const segmentsBefore = log.segmentCount;
    for (const group of groups) {
      const writer = new CleanedSegmentWriter(log.dir, group[0]!.baseOffset, log.policy.indexIntervalBytes);
      let changed = group.length > 1;
      try {
        for (const seg of group) {
          await scanSegment(seg, 0, (batch) => {
            const out = pass.filterBatch(batch);
            if (out !== batch) changed = true;
            if (out !== null) writer.append(out);
            return true;
          }, checkpoint);
        }
        if (!changed) {
          writer.discard();
          continue;
        }
        writer.finish();
        opts.beforeSwap?.(group[0]!.baseOffset, group.map((s) => s.baseOffset));
        if (!log.replaceSegments(group, group[0]!.baseOffset)) {
          writer.discard();
          throw new CleaningAbortedError('segments changed while cleaning');
        }
      } catch (err) {
        writer.discard();
        throw err;
      }
    }
    log.saveCleanerCheckpoint(endOffset > range.firstDirtyOffset ? endOffset : range.firstDirtyOffset, pass.nextDeleteHorizonMs);
    const result: CompactResult = {
      ...pass.stats,
      firstDirtyOffset: range.firstDirtyOffset,
      endOffset,
      groups: groups.length,
      segmentsBefore,
      segmentsAfter: log.segmentCount,
      ms: Math.round(performance.now() - t0),
    };
    opts.logger.info(
      {
        topic: log.topic,
        partition: log.partition,
        ...result,
        firstDirtyOffset: String(result.firstDirtyOffset),
        endOffset: String(result.endOffset),
      },
      'cleaned log',
    );
    return result;
  } finally {
    log.cleaning = false;
  }
}

function lastOffsetNum(batch: Buffer): number {
  return batchBaseOffsetNum(batch) + batch.readInt32BE(LAST_OFFSET_DELTA_OFFSET);
}

/**
 * Calls `visit` with each whole batch of a sealed segment from byte `from`
 * on, reading through a private read-only handle in 1 MiB chunks into one
 * reused buffer (grown for a larger batch). The batch passed to `visit` is
 * only valid during the call. Stops when `visit` returns false.
 */
async function scanSegment(seg: Segment, from: number, visit: (batch: Buffer) => boolean, checkpoint: (bytes: number) => Promise<void>): Promise<void> {
  const fd = fs.openSync(seg.logPath, 'r');
  try {
    const end = seg.size;
    let buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(end - from, BATCH_HEADER_SIZE)));
    let pos = from;
    while (pos + BATCH_HEADER_SIZE <= end) {
      let len = readFully(fd, buf.subarray(0, Math.min(buf.length, end - pos)), pos);
      let p = 0;
      let progressed = false;
      while (len - p >= LOG_OVERHEAD) {
        const size = batchSizeAt(buf, p);
        if (size < BATCH_HEADER_SIZE) throw new Error(`${seg.logPath}: bad batch length at byte ${pos + p}`);
        if (p + size > len) {
          if (p === 0) {
            if (pos + size > end) throw new Error(`${seg.logPath}: batch at byte ${pos} runs past the segment end`);
            buf = Buffer.allocUnsafe(size); // one batch larger than the buffer
            len = readFully(fd, buf, pos);
            continue;
          }
          break;
        }
        const batch = buf.subarray(p, p + size);
        p += size;
        progressed = true;
        if (!visit(batch)) return;
      }
      if (!progressed) break;
      pos += p;
      await checkpoint(p);
    }
  } finally {
    fs.closeSync(fd);
  }
}
