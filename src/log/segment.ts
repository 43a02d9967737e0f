/**
 * One log segment: `<20-digit base offset>.log` with its sparse `.index` and
 * `.timeindex`. Appends are positional writeSync calls (in the OS before
 * append returns, so a killed process loses nothing acknowledged); reads use
 * readSync. Opening a segment recovers it: the tail after the last index
 * entry is validated batch by batch and cut at the first torn or corrupt one,
 * and indexes that do not match the log are rebuilt from a full scan.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import {
  BATCH_HEADER_SIZE,
  LOG_OVERHEAD,
  baseOffsetAt,
  batchSizeAt,
  checkBatchAt,
  lastOffsetAt,
  maxTimestampAt,
} from '../wire/record-batch.js';
import type { AppendedBatch } from './assign-offsets.js';
import { readAt, writeFully } from './file-io.js';
import type { ReadAlloc } from './read-buffers.js';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex } from './time-index.js';
import type { TimestampLookup } from './types.js';

/** Bytes read per syscall when walking batch headers or validating on recovery. */
const SCAN_CHUNK = 64 * 1024;
const RECOVERY_CHUNK = 1024 * 1024;
/**
 * Appended bytes after which the active segment's data is fsynced in the
 * background (on libuv's thread pool). Sealing a segment fsyncs it on the event
 * loop; without this it would find up to segment.bytes of dirty pages to write
 * (a 358 ms stall for every connection at a 1 GiB roll, measured on this VM).
 */
const BACKGROUND_SYNC_BYTES = 16 * 1024 * 1024;
const MAX_RELATIVE_OFFSET = 0x7fffffffn;

export interface SegmentOptions {
  /** Bytes of log between two index entries (Kafka's index.interval.bytes). */
  indexIntervalBytes: number;
  logger: Logger;
}

export interface BatchLocation {
  pos: number;
  size: number;
}

export interface SegmentRead {
  batches: Buffer[];
  size: number;
  /** True when the read stopped at the end of the segment (not at the byte budget). */
  reachedEnd: boolean;
}

export function segmentFileName(baseOffset: bigint, suffix: '.log' | '.index' | '.timeindex'): string {
  return baseOffset.toString().padStart(20, '0') + suffix;
}

/** The base offset encoded in a `.log` file name, or null for other files. */
export function parseSegmentFileName(name: string): bigint | null {
  const m = /^(\d{20})\.log$/.exec(name);
  return m ? BigInt(m[1]!) : null;
}

export class Segment {
  /** Logical size: bytes of whole, valid batches. */
  size = 0;
  /** lastOffset + 1 of the last batch, or the base offset when empty. */
  nextOffset: bigint;
  /** Largest batch maxTimestamp in the segment (-1 when none) and an offset inside the first batch holding it. */
  maxTimestamp = -1n;
  offsetOfMaxTimestamp = -1n;
  /**
   * Age reference for segment.ms: when this segment object was created (after a
   * restart, when it was loaded, as Kafka's `created`). Kafka prefers the first
   * batch's timestamp, but client timestamps are arbitrary (tests often send 0),
   * which would roll a new segment on every append.
   */
  readonly createdMs = Date.now();
  private bytesSinceIndexEntry = 0;
  private fd: number | null = null;
  private writable: boolean;
  private unsyncedBytes = 0;
  /** A descriptor of our own for background syncs: the write handle may close while one runs. */
  private syncFd: number | null = null;
  private syncing = false;

  readonly logPath: string;
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;

  private constructor(
    readonly dir: string,
    readonly baseOffset: bigint,
    private readonly opts: SegmentOptions,
    writable: boolean,
  ) {
    this.nextOffset = baseOffset;
    this.writable = writable;
    this.logPath = path.join(dir, segmentFileName(baseOffset, '.log'));
    this.offsetIndex = new OffsetIndex(path.join(dir, segmentFileName(baseOffset, '.index')), baseOffset);
    this.timeIndex = new TimeIndex(path.join(dir, segmentFileName(baseOffset, '.timeindex')), baseOffset);
  }

  /** A new, empty, writable segment (leftover files of the same name are emptied). */
  static create(dir: string, baseOffset: bigint, opts: SegmentOptions): Segment {
    const seg = new Segment(dir, baseOffset, opts, true);
    seg.fd = fs.openSync(seg.logPath, 'w+');
    seg.offsetIndex.reset();
    seg.timeIndex.reset();
    return seg;
  }

  /** Opens and recovers an existing segment; `writable` for the active (last) one. */
  static open(dir: string, baseOffset: bigint, opts: SegmentOptions, active: boolean): Segment {
    // Writable while recovering, which may truncate the log and rewrite indexes.
    const seg = new Segment(dir, baseOffset, opts, true);
    seg.recover();
    if (!active) {
      seg.addFinalTimeIndexEntry();
      seg.writable = false;
      seg.closeHandles();
    }
    return seg;
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  /**
   * Kafka's LogSegment.largestTimestamp, in ms: the largest record timestamp,
   * or the file's last modification time when the segment holds none.
   */
  largestTimestampMs(): number {
    if (this.offsetOfMaxTimestamp >= 0n && this.maxTimestamp >= 0n) return Number(this.maxTimestamp);
    try {
      return fs.statSync(this.logPath).mtimeMs;
    } catch {
      return this.createdMs;
    }
  }

  /** Whether offsets up to `lastOffset` still fit the indexes' int32 relative offsets. */
  canHoldOffset(lastOffset: bigint): boolean {
    return lastOffset - this.baseOffset <= MAX_RELATIVE_OFFSET;
  }

  // -------------------------------------------------------------------------
  // Append

  /** Writes an append's bytes at the end and indexes its batches. */
  append(chunk: Buffer, batches: readonly AppendedBatch[]): void {
    if (!this.writable) throw new Error(`segment ${this.logPath} is sealed`);
    const fd = this.handle();
    try {
      writeFully(fd, chunk, this.size);
    } catch (err) {
      // Drop whatever part of the write landed so the file matches the logical size.
      try {
        fs.ftruncateSync(fd, this.size);
      } catch {
        // Recovery at the next start cuts the torn tail anyway.
      }
      throw err;
    }
    const start = this.size;
    for (const b of batches) this.indexBatch(start + b.pos, b.size, b.lastOffset, b.maxTimestamp);
    this.size += chunk.length;
    this.nextOffset = batches[batches.length - 1]!.lastOffset + 1n;
    this.unsyncedBytes += chunk.length;
    if (this.unsyncedBytes >= BACKGROUND_SYNC_BYTES && !this.syncing) this.syncInBackground();
  }

  /** Starts writeback of what was appended so far; errors are left to the synchronous fsync at seal or close. */
  private syncInBackground(): void {
    try {
      this.syncFd ??= fs.openSync(this.logPath, 'r'); // fsync works on a read-only descriptor
    } catch {
      return;
    }
    this.unsyncedBytes = 0;
    this.syncing = true;
    fs.fdatasync(this.syncFd, () => {
      this.syncing = false;
      if (!this.writable || this.fd === null) this.closeSyncFd();
    });
  }

  private closeSyncFd(): void {
    if (this.syncFd === null || this.syncing) return;
    fs.closeSync(this.syncFd);
    this.syncFd = null;
  }

  /**
   * Index bookkeeping for one batch at `pos`, as Kafka's LogSegment.append: an
   * entry once more than indexIntervalBytes were written since the last one.
   * The time index entry is written before the offset index entry so recovery,
   * which rescans from the last offset entry, always sees a time entry it covers.
   */
  private indexBatch(pos: number, size: number, lastOffset: bigint, maxTimestamp: bigint): void {
    this.trackMaxTimestamp(maxTimestamp, lastOffset);
    if (this.bytesSinceIndexEntry > this.opts.indexIntervalBytes) {
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.offsetIndex.append(lastOffset, pos);
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += size;
  }

  private trackMaxTimestamp(maxTimestamp: bigint, lastOffset: bigint): void {
    if (this.offsetOfMaxTimestamp < 0n || maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp;
      this.offsetOfMaxTimestamp = lastOffset;
    }
  }

  // -------------------------------------------------------------------------
  // Read

  /** The batch holding `offset` (or the first one after it, across an offset gap), or null when past the end. */
  findBatch(offset: bigint): BatchLocation | null {
    if (offset >= this.nextOffset) return null;
    let found: BatchLocation | null = null;
    this.scanHeaders(this.offsetIndex.lookup(offset).position, (buf, at, pos, size) => {
      if (lastOffsetAt(buf, at) < offset) return true;
      found = { pos, size };
      return false;
    });
    return found;
  }

  /**
   * Whole batches from `first` on, within `budget` bytes (the first batch even
   * when larger, if `minOneBatch`), read with one syscall into one buffer and
   * returned as slices of it (from `alloc` when given: a pooled buffer).
   */
  read(first: BatchLocation, budget: number, minOneBatch: boolean, alloc?: ReadAlloc): SegmentRead {
    const available = this.size - first.pos;
    let want = Math.min(available, budget);
    if (first.size > want) {
      if (!minOneBatch) return { batches: [], size: 0, reachedEnd: false };
      want = first.size;
    }
    const buf = readAt(this.handle(), first.pos, want, alloc);
    const batches: Buffer[] = [];
    let p = 0;
    while (buf.length - p >= LOG_OVERHEAD) {
      const size = batchSizeAt(buf, p);
      if (size < BATCH_HEADER_SIZE || p + size > buf.length) break;
      batches.push(buf.subarray(p, p + size));
      p += size;
    }
    return { batches, size: p, reachedEnd: first.pos + p >= this.size };
  }

  /** Base offset and max timestamp of the first batch whose max timestamp is >= `timestamp`. */
  findByTimestamp(timestamp: bigint): TimestampLookup | null {
    if (this.maxTimestamp < timestamp) return null;
    const from = this.findBatch(this.timeIndex.lookup(timestamp));
    if (!from) return null;
    let hit: TimestampLookup | null = null;
    this.scanHeaders(from.pos, (buf, at) => {
      const ts = maxTimestampAt(buf, at);
      if (ts < timestamp) return true;
      hit = { offset: baseOffsetAt(buf, at), timestamp: ts };
      return false;
    });
    return hit;
  }

  /** Base offset of the batch holding `offset`. */
  batchBaseOffset(offset: bigint): bigint | null {
    const loc = this.findBatch(offset);
    if (!loc) return null;
    return baseOffsetAt(readAt(this.handle(), loc.pos, LOG_OVERHEAD), 0);
  }

  /**
   * Calls `visit` with each batch header from `pos` on (the header is at
   * `buf[at..at+61]`) until it returns false or the segment ends. Reads in
   * chunks so a scan of an index interval costs one syscall.
   */
  private scanHeaders(pos: number, visit: (buf: Buffer, at: number, pos: number, size: number) => boolean): void {
    const fd = this.handle();
    let chunk: Buffer = Buffer.alloc(0);
    let chunkPos = pos;
    while (pos + BATCH_HEADER_SIZE <= this.size) {
      if (pos < chunkPos || pos + BATCH_HEADER_SIZE > chunkPos + chunk.length) {
        chunkPos = pos;
        chunk = readAt(fd, pos, Math.min(SCAN_CHUNK, this.size - pos));
        if (chunk.length < BATCH_HEADER_SIZE) return;
      }
      const at = pos - chunkPos;
      const size = batchSizeAt(chunk, at);
      if (size < BATCH_HEADER_SIZE) return; // only possible if the file changed under us; never loop on it
      if (!visit(chunk, at, pos, size)) return;
      pos += size;
    }
  }

  // -------------------------------------------------------------------------
  // Recovery

  private recover(): void {
    const fd = this.handle();
    const fileSize = fs.fstatSync(fd).size;
    this.size = fileSize; // provisional, so header scans can see the file
    const offState = this.offsetIndex.load();
    const timeState = this.timeIndex.load();
    const last = this.offsetIndex.last();
    const indexUsable =
      offState === 'ok' &&
      timeState === 'ok' &&
      last !== null &&
      this.offsetIndex.isConsistent(fileSize) &&
      this.entryMatchesLog(last.offset, last.position, fileSize);

    if (fileSize > 0 && indexUsable && this.scanTail(last.position, fileSize)) return;
    // Small segments have no offset index entry yet; anything else reaching here had bad indexes.
    if (fileSize > 0 && (offState !== 'ok' || timeState !== 'ok' || this.offsetIndex.entries > 0)) {
      this.opts.logger.info({ segment: this.logPath, offsetIndex: offState, timeIndex: timeState }, 'rebuilding segment indexes');
    }
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.maxTimestamp = -1n;
    this.offsetOfMaxTimestamp = -1n;
    this.scanTail(0, fs.fstatSync(fd).size); // re-stat: a failed tail scan may have truncated
  }

  /** Whether the batch at `pos` exists and ends at `lastOffset` (an index entry agrees with the log). */
  private entryMatchesLog(lastOffset: bigint, pos: number, fileSize: number): boolean {
    if (pos + BATCH_HEADER_SIZE > fileSize) return false;
    const header = readAt(this.handle(), pos, BATCH_HEADER_SIZE);
    return header.length === BATCH_HEADER_SIZE && lastOffsetAt(header, 0) === lastOffset;
  }

  /**
   * Validates batches from `start` (0, or the position of the last offset index
   * entry, whose batch is already indexed) to the end of the file, indexing
   * the ones after it and truncating the file at the first invalid batch.
   * Returns false when the result contradicts the existing indexes, so the
   * caller rebuilds them from a full scan.
   */
  private scanTail(start: number, fileSize: number): boolean {
    const fd = this.handle();
    const fromIndex = start > 0;
    if (fromIndex) {
      const t = this.timeIndex.last();
      this.maxTimestamp = t ? t.timestamp : -1n;
      this.offsetOfMaxTimestamp = t ? t.offset : -1n;
    }
    this.bytesSinceIndexEntry = 0;
    let pos = start;
    let expectedNext = fromIndex ? -1n : this.baseOffset; // the indexed batch's base offset is unknown until read
    let chunk: Buffer = Buffer.alloc(0);
    let chunkPos = pos;
    let problem: string | null = null;
    while (pos < fileSize) {
      // Make sure the whole batch (or at least its header) is in the chunk.
      let at = pos - chunkPos;
      if (at + LOG_OVERHEAD > chunk.length || at + batchSizeAt(chunk, at) > chunk.length) {
        chunkPos = pos;
        at = 0;
        const head = readAt(fd, pos, Math.min(LOG_OVERHEAD, fileSize - pos));
        const batchSize = head.length === LOG_OVERHEAD ? batchSizeAt(head, 0) : 0;
        // Read a whole batch even when larger than the chunk, but never trust a length
        // that runs past the file (a torn or garbage header): checkBatchAt rejects it.
        const want = batchSize > 0 && pos + batchSize <= fileSize ? Math.max(batchSize, RECOVERY_CHUNK) : RECOVERY_CHUNK;
        chunk = readAt(fd, pos, Math.min(fileSize - pos, want));
      }
      const checked = checkBatchAt(chunk, at);
      if (typeof checked !== 'number') {
        problem = checked.message;
        break;
      }
      const base = baseOffsetAt(chunk, at);
      const lastOffset = lastOffsetAt(chunk, at);
      if (base < expectedNext || lastOffset < base || !this.canHoldOffset(lastOffset) || base < this.baseOffset) {
        problem = `batch offsets [${base}, ${lastOffset}] out of sequence (expected >= ${expectedNext})`;
        break;
      }
      const maxTs = maxTimestampAt(chunk, at);
      if (pos === start && fromIndex) {
        // Already covered by the last index entry: only the running state moves.
        this.trackMaxTimestamp(maxTs, lastOffset);
        this.bytesSinceIndexEntry = checked;
      } else {
        this.indexBatch(pos, checked, lastOffset, maxTs);
      }
      expectedNext = lastOffset + 1n;
      this.nextOffset = expectedNext;
      pos += checked;
    }
    if (problem !== null) {
      if (fromIndex && pos === start) return false; // the indexed batch itself is bad: rebuild from scratch
      this.opts.logger.warn(
        { segment: this.logPath, position: pos, truncatedBytes: fileSize - pos, reason: problem },
        'truncating invalid log tail',
      );
      fs.ftruncateSync(fd, pos);
    }
    this.size = pos;
    if (pos === 0) this.nextOffset = this.baseOffset;
    return !fromIndex || this.timeIndex.isConsistent(this.nextOffset);
  }

  // -------------------------------------------------------------------------
  // Lifecycle

  /**
   * Ends appends to this segment: a final time index entry records its largest
   * timestamp (as Kafka does on roll), everything is synced and the write
   * handles are closed.
   */
  seal(): void {
    if (!this.writable) return;
    this.addFinalTimeIndexEntry();
    this.flush();
    this.writable = false;
    this.closeHandles();
  }

  private addFinalTimeIndexEntry(): void {
    if (this.offsetOfMaxTimestamp >= 0n) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
  }

  flush(): void {
    if (this.fd !== null && this.writable) {
      fs.fsyncSync(this.fd);
      this.unsyncedBytes = 0;
    }
    this.offsetIndex.flush();
    this.timeIndex.flush();
  }

  /** Closes file handles; a later read reopens the log file read-only. */
  closeHandles(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
    this.closeSyncFd(); // or when a running background sync completes
    this.offsetIndex.close();
    this.timeIndex.close();
  }

  get hasOpenHandle(): boolean {
    return this.fd !== null;
  }

  /** Flushes (unless the files are about to be deleted) and closes. */
  close(flush = true): void {
    if (flush) this.flush();
    this.closeHandles();
  }

  private handle(): number {
    if (this.fd === null) this.fd = fs.openSync(this.logPath, this.writable ? 'r+' : 'r');
    return this.fd;
  }
}
