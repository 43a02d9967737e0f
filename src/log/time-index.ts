/**
 * Sparse time index of one segment, in Kafka's format: 12-byte entries of
 * timestamp int64 and (offset - segment base offset) int32. Timestamps are
 * the running maximum of the segment and an entry is only added when it
 * grows, so an entry (T, O) means every batch before the one holding O has a
 * max timestamp below T: a search for a target >= T may start at O.
 */
import { IndexFile, type IndexLoadState } from './index-file.js';

const ENTRY_SIZE = 12;

export interface TimestampOffset {
  timestamp: bigint;
  offset: bigint;
}

export class TimeIndex {
  private readonly file: IndexFile;

  constructor(
    path: string,
    readonly baseOffset: bigint,
  ) {
    this.file = new IndexFile(path, ENTRY_SIZE);
  }

  get entries(): number {
    return this.file.entries;
  }

  load(): IndexLoadState {
    return this.file.load();
  }

  entry(i: number): TimestampOffset {
    const at = this.file.at(i);
    const d = this.file.data;
    return { timestamp: d.readBigInt64BE(at), offset: this.baseOffset + BigInt(d.readInt32BE(at + 8)) };
  }

  last(): TimestampOffset | null {
    return this.entries > 0 ? this.entry(this.entries - 1) : null;
  }

  /** Adds an entry only when the timestamp exceeds the last one (the index holds a running maximum). */
  maybeAppend(timestamp: bigint, offset: bigint): void {
    const last = this.last();
    if (last !== null && timestamp <= last.timestamp) return;
    const rel = Number(offset - this.baseOffset);
    this.file.append((b, at) => {
      b.writeBigInt64BE(timestamp, at);
      b.writeInt32BE(rel, at + 8);
    });
  }

  /** Offset to start a search for `timestamp` from: the entry with the largest timestamp <= it, else the segment start. */
  lookup(timestamp: bigint): bigint {
    const d = this.file.data;
    let lo = 0;
    let hi = this.entries - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (d.readBigInt64BE(this.file.at(mid)) <= timestamp) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? this.baseOffset : this.entry(found).offset;
  }

  /** Timestamps strictly increasing, offsets non-decreasing and below `nextOffset`. */
  isConsistent(nextOffset: bigint): boolean {
    let prev: TimestampOffset | null = null;
    for (let i = 0; i < this.entries; i++) {
      const e = this.entry(i);
      if (e.offset < this.baseOffset || e.offset >= nextOffset) return false;
      if (prev !== null && (e.timestamp <= prev.timestamp || e.offset < prev.offset)) return false;
      prev = e;
    }
    return true;
  }

  reset(): void {
    this.file.reset();
  }
  flush(): void {
    this.file.flush();
  }
  close(): void {
    this.file.close();
  }
}
