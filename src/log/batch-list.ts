/**
 * An offset-ordered run of stored batches held in memory, up to a byte limit
 * (older batches are dropped from the front). It is the whole log of the
 * in-memory backend (no limit) and the recent-tail cache of the disk backend,
 * where fetches near the log end are served as slices without any syscall.
 */
import type { ReadResult } from './types.js';

export interface StoredBatch {
  readonly baseOffset: bigint;
  readonly lastOffset: bigint;
  readonly maxTimestamp: bigint;
  readonly buf: Buffer;
}

export class BatchList {
  private items: StoredBatch[] = [];
  private start = 0; // index of the first live item; the prefix is garbage awaiting compaction
  private total = 0;

  constructor(readonly maxBytes = Number.POSITIVE_INFINITY) {}

  get bytes(): number {
    return this.total;
  }
  get length(): number {
    return this.items.length - this.start;
  }
  /** The i-th live batch. */
  at(i: number): StoredBatch {
    return this.items[this.start + i]!;
  }
  get first(): StoredBatch | undefined {
    return this.items[this.start];
  }

  push(batch: StoredBatch): void {
    this.items.push(batch);
    this.total += batch.buf.length;
    while (this.total > this.maxBytes && this.length > 0) {
      this.total -= this.items[this.start]!.buf.length;
      this.items[this.start] = undefined as unknown as StoredBatch; // let the buffer be collected
      this.start++;
    }
    // Compact once the dead prefix dominates, keeping eviction amortised O(1).
    if (this.start > 1024 && this.start * 2 > this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
  }

  /** Drops the batches that start below `offset` from the front. */
  dropBefore(offset: bigint): void {
    while (this.length > 0 && this.items[this.start]!.baseOffset < offset) {
      this.total -= this.items[this.start]!.buf.length;
      this.items[this.start] = undefined as unknown as StoredBatch;
      this.start++;
    }
    if (this.length === 0) this.clear();
  }

  /** Replaces the whole content (the in-memory cleaner's rewritten log). */
  reset(batches: StoredBatch[]): void {
    this.items = batches;
    this.start = 0;
    this.total = 0;
    for (const b of batches) this.total += b.buf.length;
  }

  /** The live batches, oldest first (a copy). */
  toArray(): StoredBatch[] {
    return this.items.slice(this.start);
  }

  clear(): void {
    this.items = [];
    this.start = 0;
    this.total = 0;
  }

  /** Index of the first batch whose lastOffset >= offset (= length when none). */
  search(offset: bigint): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Whether the list holds the batch containing `offset` (or everything after it). */
  covers(offset: bigint): boolean {
    const first = this.first;
    return first !== undefined && offset >= first.baseOffset;
  }

  /**
   * Whole batches from the one containing `offset`, up to `maxBytes` (the first
   * one regardless when `minOneBatch`). The buffers are the stored slices.
   */
  read(offset: bigint, maxBytes: number, minOneBatch: boolean): ReadResult {
    const batches: Buffer[] = [];
    let size = 0;
    for (let i = this.search(offset); i < this.length; i++) {
      const buf = this.at(i).buf;
      if (size + buf.length > maxBytes && !(minOneBatch && batches.length === 0)) break;
      batches.push(buf);
      size += buf.length;
    }
    return { batches, size };
  }
}
