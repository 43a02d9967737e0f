/**
 * Sparse offset index of one segment, in Kafka's format: 8-byte entries of
 * (offset - segment base offset) int32 and file position int32. An entry
 * (L, P) says the batch at position P ends at offset L, so a lookup for T
 * starts scanning at the largest entry with L <= T and the batch holding T
 * is at P or later.
 */
import { IndexFile, type IndexLoadState } from './index-file.js';

const ENTRY_SIZE = 8;

export interface OffsetPosition {
  offset: bigint;
  position: number;
}

export class OffsetIndex {
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

  entry(i: number): OffsetPosition {
    const at = this.file.at(i);
    const d = this.file.data;
    return { offset: this.baseOffset + BigInt(d.readInt32BE(at)), position: d.readInt32BE(at + 4) };
  }

  last(): OffsetPosition | null {
    return this.entries > 0 ? this.entry(this.entries - 1) : null;
  }

  append(offset: bigint, position: number): void {
    const rel = Number(offset - this.baseOffset);
    this.file.append((b, at) => {
      b.writeInt32BE(rel, at);
      b.writeInt32BE(position, at + 4);
    });
  }

  /** Where to start scanning for `offset`: the largest entry at or below it, else the segment start. */
  lookup(offset: bigint): OffsetPosition {
    const rel = offset - this.baseOffset;
    if (rel < 0n) return { offset: this.baseOffset, position: 0 };
    const target = rel > 0x7fffffffn ? 0x7fffffff : Number(rel);
    const d = this.file.data;
    let lo = 0;
    let hi = this.entries - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (d.readInt32BE(this.file.at(mid)) <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(found);
  }

  /** Offsets and positions strictly increasing and every position inside the log. */
  isConsistent(logSize: number): boolean {
    const d = this.file.data;
    let prevRel = -1;
    let prevPos = -1;
    for (let i = 0; i < this.entries; i++) {
      const at = this.file.at(i);
      const rel = d.readInt32BE(at);
      const pos = d.readInt32BE(at + 4);
      if (rel <= prevRel || pos <= prevPos || pos >= logSize) return false;
      prevRel = rel;
      prevPos = pos;
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
