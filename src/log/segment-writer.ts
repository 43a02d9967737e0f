/**
 * Writing a cleaned segment next to the ones it replaces, and finishing (or
 * undoing) an interrupted replacement at start-up. The swap protocol, after
 * Kafka's LogCleaner / UnifiedLog.replaceSegments:
 *
 *   1. `<base>.log.cleaned`, `.index.cleaned`, `.timeindex.cleaned` are written and fsynced;
 *   2. `<base>.replaced.swap` lists the base offsets of the segments being
 *      replaced; the indexes, then the log, are renamed to `.swap` (the log's
 *      rename commits the swap);
 *   3. the replaced segments' files are deleted;
 *   4. the `.swap` files are renamed to their final names, the list is removed.
 *
 * Recovery: `.cleaned` files are dropped (the swap never committed); a
 * `<base>.log.swap` replaces the segments its list names (without the list,
 * as Kafka does, every segment whose base offset lies in [base, the swap's
 * next offset)) and takes its final name; index files of a recovered swap
 * that cannot be trusted are removed, so opening the segment rebuilds them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { BATCH_HEADER_SIZE, batchSizeAt, lastOffsetAt, maxTimestampAt } from '../wire/record-batch.js';
import { fsyncDir, readAt, writeFully } from './file-io.js';
import { OffsetIndex } from './offset-index.js';
import { segmentFileName } from './segment.js';
import { TimeIndex } from './time-index.js';

export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';
const WRITE_BUFFER = 1024 * 1024;

export function segmentPaths(dir: string, base: bigint, suffix = ''): { log: string; index: string; timeindex: string } {
  return {
    log: path.join(dir, segmentFileName(base, '.log') + suffix),
    index: path.join(dir, segmentFileName(base, '.index') + suffix),
    timeindex: path.join(dir, segmentFileName(base, '.timeindex') + suffix),
  };
}

/** Streams batches into `<base>.log.cleaned`, indexing them as Segment.append would. */
export class CleanedSegmentWriter {
  readonly paths: ReturnType<typeof segmentPaths>;
  private readonly fd: number;
  private readonly offsetIndex: OffsetIndex;
  private readonly timeIndex: TimeIndex;
  private buf = Buffer.allocUnsafe(WRITE_BUFFER);
  private buffered = 0;
  private written = 0;
  private bytesSinceIndexEntry = 0;
  private maxTimestamp = -1n;
  private offsetOfMaxTimestamp = -1n;
  private done = false;
  /** Number of batches appended. */
  batches = 0;

  constructor(
    readonly dir: string,
    readonly baseOffset: bigint,
    private readonly indexIntervalBytes: number,
  ) {
    this.paths = segmentPaths(dir, baseOffset, CLEANED_SUFFIX);
    this.fd = fs.openSync(this.paths.log, 'w');
    this.offsetIndex = new OffsetIndex(this.paths.index, baseOffset);
    this.timeIndex = new TimeIndex(this.paths.timeindex, baseOffset);
    this.offsetIndex.reset();
    this.timeIndex.reset();
  }

  get size(): number {
    return this.written + this.buffered;
  }

  /** Appends one whole batch (its base offset must lie at or after this segment's). */
  append(batch: Buffer): void {
    const pos = this.size;
    const lastOffset = lastOffsetAt(batch, 0);
    const maxTs = maxTimestampAt(batch, 0);
    if (this.offsetOfMaxTimestamp < 0n || maxTs > this.maxTimestamp) {
      this.maxTimestamp = maxTs;
      this.offsetOfMaxTimestamp = lastOffset;
    }
    if (this.bytesSinceIndexEntry > this.indexIntervalBytes) {
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.offsetIndex.append(lastOffset, pos);
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += batch.length;
    if (this.buffered + batch.length > this.buf.length) this.flushBuffer();
    if (batch.length > this.buf.length) {
      writeFully(this.fd, batch, this.written);
      this.written += batch.length;
    } else {
      this.buffered += batch.copy(this.buf, this.buffered);
    }
    this.batches++;
  }

  private flushBuffer(): void {
    if (this.buffered === 0) return;
    writeFully(this.fd, this.buf.subarray(0, this.buffered), this.written);
    this.written += this.buffered;
    this.buffered = 0;
  }

  /** Writes out and fsyncs everything, with the final time index entry a sealed segment has. */
  finish(): void {
    this.flushBuffer();
    if (this.offsetOfMaxTimestamp >= 0n) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.offsetIndex.flush();
    this.timeIndex.flush();
    this.offsetIndex.close();
    this.timeIndex.close();
    this.buf = Buffer.alloc(0);
    this.done = true;
  }

  /** Removes the `.cleaned` files (an aborted or pointless cleaning). */
  discard(): void {
    if (!this.done) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // already closed
      }
      this.offsetIndex.close();
      this.timeIndex.close();
      this.done = true;
    }
    for (const p of Object.values(this.paths)) fs.rmSync(p, { force: true });
  }
}

function replacedListPath(dir: string, base: bigint): string {
  return path.join(dir, `${base.toString().padStart(20, '0')}.replaced${SWAP_SUFFIX}`);
}

/** Step 2: records which segments are replaced, renames the cleaned files to `.swap`, the log last (the commit point). */
export function commitCleaned(dir: string, base: bigint, replaced: readonly bigint[]): void {
  const list = replacedListPath(dir, base);
  const fd = fs.openSync(list, 'w');
  try {
    writeFully(fd, Buffer.from(`${replaced.join('\n')}\n`), 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  const from = segmentPaths(dir, base, CLEANED_SUFFIX);
  const to = segmentPaths(dir, base, SWAP_SUFFIX);
  fs.renameSync(from.index, to.index);
  fs.renameSync(from.timeindex, to.timeindex);
  fs.renameSync(from.log, to.log);
  fsyncDir(dir);
}

/** Step 3, for one replaced segment: the log first, so an interrupted delete leaves orphan indexes (removed at open). */
export function deleteSegmentFiles(dir: string, base: bigint): void {
  const p = segmentPaths(dir, base);
  fs.rmSync(p.log, { force: true });
  fs.rmSync(p.index, { force: true });
  fs.rmSync(p.timeindex, { force: true });
}

/** Step 4: the `.swap` files take their final names, the log last. */
export function installSwap(dir: string, base: bigint): void {
  const from = segmentPaths(dir, base, SWAP_SUFFIX);
  const to = segmentPaths(dir, base);
  fs.renameSync(from.index, to.index);
  fs.renameSync(from.timeindex, to.timeindex);
  fs.renameSync(from.log, to.log);
  fs.rmSync(replacedListPath(dir, base), { force: true });
  fsyncDir(dir);
}

/** The base offsets a `.replaced.swap` list names, or null when it is absent or unreadable. */
function readReplacedList(dir: string, base: bigint): bigint[] | null {
  try {
    const lines = fs.readFileSync(replacedListPath(dir, base), 'utf8').split('\n').filter(Boolean);
    return lines.every((l) => /^\d+$/.test(l)) ? lines.map((l) => BigInt(l)) : null;
  } catch {
    return null;
  }
}

/**
 * Start-up recovery of a partition directory (before its segments are
 * opened): drops `.cleaned` leftovers and finishes committed swaps.
 */
export function recoverCleanerFiles(dir: string, logger: Logger): void {
  let names = fs.readdirSync(dir);
  let touched = false;
  for (const name of names) {
    if (!name.endsWith(CLEANED_SUFFIX)) continue;
    logger.warn({ dir, file: name }, 'removing unfinished cleaned segment file');
    fs.rmSync(path.join(dir, name), { force: true });
    touched = true;
  }
  names = fs.readdirSync(dir);
  const logBases = names.map((n) => /^(\d{20})\.log$/.exec(n)).filter((m): m is RegExpExecArray => m !== null).map((m) => BigInt(m[1]!));
  for (const name of names) {
    const m = /^(\d{20})\.log\.swap$/.exec(name);
    if (!m) continue;
    const base = BigInt(m[1]!);
    const swap = segmentPaths(dir, base, SWAP_SUFFIX);
    const listed = readReplacedList(dir, base);
    let replaced: bigint[];
    if (listed) replaced = logBases.filter((b) => b === base || listed.includes(b));
    else {
      const next = nextOffsetOfFile(swap.log, base);
      replaced = logBases.filter((b) => b === base || (b > base && b < next));
    }
    logger.warn({ dir, segment: base.toString(), replaces: replaced.map(String) }, 'completing interrupted segment swap');
    for (const b of replaced) deleteSegmentFiles(dir, b);
    const final = segmentPaths(dir, base);
    for (const kind of ['index', 'timeindex'] as const) {
      if (fs.existsSync(swap[kind])) fs.renameSync(swap[kind], final[kind]);
      else fs.rmSync(final[kind], { force: true }); // old or new, unknown: opening the segment rebuilds it
    }
    fs.renameSync(swap.log, final.log);
    fs.rmSync(replacedListPath(dir, base), { force: true });
    touched = true;
  }
  // Swap files whose log never reached `.swap`: the swap never committed.
  for (const name of fs.readdirSync(dir)) {
    if (!/^\d{20}\.(index|timeindex|replaced)\.swap$/.test(name)) continue;
    fs.rmSync(path.join(dir, name), { force: true });
    touched = true;
  }
  if (touched) fsyncDir(dir);
}

/** lastOffset + 1 of the last whole batch in a segment file (`base` when it holds none). */
function nextOffsetOfFile(file: string, base: bigint): bigint {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    let next = base;
    let pos = 0;
    while (pos + BATCH_HEADER_SIZE <= size) {
      const head = readAt(fd, pos, BATCH_HEADER_SIZE);
      if (head.length < BATCH_HEADER_SIZE) break;
      const batchSize = batchSizeAt(head, 0);
      if (batchSize < BATCH_HEADER_SIZE || pos + batchSize > size) break;
      next = lastOffsetAt(head, 0) + 1n;
      pos += batchSize;
    }
    return next;
  } finally {
    fs.closeSync(fd);
  }
}
