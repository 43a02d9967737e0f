/**
 * One partition on disk: an offset-ordered list of segments in
 * `<dataDir>/<topic>-<partition>/`, the last one active. Rolls the active
 * segment by size, age and relative-offset range; serves reads from a small
 * in-memory cache of the most recent batches when it can, else from the
 * segment files.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { assignOffsets } from './assign-offsets.js';
import { AppendListeners } from './append-listeners.js';
import { BatchList } from './batch-list.js';
import { Segment, parseSegmentFileName, type SegmentOptions } from './segment.js';
import type { AppendOptions, AppendResult, PartitionLog, ReadResult, TimestampLookup } from './types.js';
import { retain } from './retain.js';

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

export class DiskPartitionLog implements PartitionLog {
  private readonly segments: Segment[];
  private readonly cache: BatchList;
  private readonly listeners = new AppendListeners();
  private sealedBytes = 0; // size of all segments but the active one
  /** The one sealed segment allowed to keep a read handle open (sequential catch-up reads). */
  private openSealed: Segment | null = null;
  private closed = false;
  policy: RollPolicy;

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
  }

  /** Opens (creating when needed) the partition directory and recovers its segments. */
  static open(dir: string, topic: string, partition: number, opts: DiskPartitionOptions): DiskPartitionLog {
    fs.mkdirSync(dir, { recursive: true });
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
    return this.segments[0]!.baseOffset;
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
    seg.seal();
    this.sealedBytes += seg.size;
    this.segments.push(Segment.create(this.dir, firstOffset, segmentOptions(this.opts, this.policy)));
  }

  read(offset: bigint, maxBytes: number, minOneBatch: boolean): ReadResult {
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
        const r = seg.read(loc, maxBytes - size, minOneBatch && batches.length === 0);
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
      if (hit) return hit;
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

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const seg of this.segments) seg.close();
    this.cache.clear();
    // Wake long polls parked on this partition so they notice it is gone instead of waiting out max_wait_ms.
    this.listeners.notify((err) => this.opts.logger.error({ err, topic: this.topic, partition: this.partition }, 'onAppend listener failed'));
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

/** Index files whose log file is gone (e.g. a crash between deleting one and the other). */
function removeOrphanIndexes(dir: string, bases: Set<string>, logger: Logger): void {
  for (const name of fs.readdirSync(dir)) {
    const m = /^(\d{20})\.(index|timeindex)$/.exec(name);
    if (!m || bases.has(BigInt(m[1]!).toString())) continue;
    logger.warn({ dir, file: name }, 'removing index file without a log segment');
    fs.rmSync(path.join(dir, name), { force: true });
  }
}
