/**
 * A file of fixed-size entries mirrored in memory. Both segment indexes are
 * built on it: lookups binary-search the memory copy, appends go to the
 * memory copy and to the file at `entries * entrySize` (positional write, so
 * a stale tail left by a crash is overwritten rather than appended after).
 */
import fs from 'node:fs';
import { writeFully } from './file-io.js';

export type IndexLoadState = 'ok' | 'missing' | 'corrupt';

export class IndexFile {
  private buf: Buffer;
  private count = 0;
  private fd: number | null = null;

  constructor(
    readonly path: string,
    readonly entrySize: number,
  ) {
    this.buf = Buffer.alloc(entrySize * 64);
  }

  get entries(): number {
    return this.count;
  }

  /** Loads the file. A size that is not a whole number of entries is reported as corrupt (and nothing is kept). */
  load(): IndexLoadState {
    let data: Buffer;
    try {
      data = fs.readFileSync(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.count = 0;
        return 'missing';
      }
      throw err;
    }
    if (data.length % this.entrySize !== 0) {
      this.count = 0;
      return 'corrupt';
    }
    this.buf = data.length > 0 ? data : Buffer.alloc(this.entrySize * 64);
    this.count = data.length / this.entrySize;
    return 'ok';
  }

  /** Byte offset of entry `i` in the memory copy, for field reads. */
  at(i: number): number {
    return i * this.entrySize;
  }
  get data(): Buffer {
    return this.buf;
  }

  /** Appends one entry; `fill` writes its fields into the given buffer at the given offset. */
  append(fill: (buf: Buffer, at: number) => void): void {
    const at = this.count * this.entrySize;
    if (at + this.entrySize > this.buf.length) {
      const next = Buffer.alloc(Math.max(this.buf.length * 2, at + this.entrySize));
      this.buf.copy(next, 0, 0, at);
      this.buf = next;
    }
    fill(this.buf, at);
    writeFully(this.openFd(), this.buf.subarray(at, at + this.entrySize), at);
    this.count++;
  }

  /** Keeps the first `n` entries, in memory and on disk. */
  truncate(n: number): void {
    this.count = Math.min(n, this.count);
    fs.truncateSync(this.path, this.count * this.entrySize);
  }

  /** Creates or empties the file. */
  reset(): void {
    this.count = 0;
    fs.writeFileSync(this.path, Buffer.alloc(0));
  }

  flush(): void {
    if (this.fd !== null) fs.fsyncSync(this.fd);
  }

  /** Closes the write handle; the memory copy stays for lookups, trimmed to its entries. */
  close(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
    const used = this.count * this.entrySize;
    if (used > 0 && this.buf.length > used * 1.25) this.buf = Buffer.from(this.buf.subarray(0, used));
  }

  private openFd(): number {
    if (this.fd === null) this.fd = fs.openSync(this.path, fs.existsSync(this.path) ? 'r+' : 'w+');
    return this.fd;
  }
}
