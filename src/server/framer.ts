/**
 * Splits a TCP byte stream into Kafka frames: an int32 big-endian size, then
 * that many bytes. Pull-based (`push` chunks, `next` frames) so the connection
 * can stop taking frames while its pipeline is full without losing bytes.
 *
 * Memory rules, because this is the hot path for produce and fetch:
 *  - chunks are kept as a list; bytes are only copied when a frame spans
 *    chunks, and then exactly once into a buffer of the frame's size;
 *  - a frame lying inside one chunk is a zero-copy subarray of it (it keeps the
 *    whole chunk alive; code that stores frame bytes long-term should copy);
 *  - the size prefix is validated before anything is allocated for the frame,
 *    and nothing is ever preallocated from an announced size, so a peer that
 *    announces 2 GiB and sends 4 bytes costs 4 bytes.
 */
import { ProtocolError } from './errors.js';

/** Kafka's socket.request.max.bytes default is 100 MiB. */
export const DEFAULT_MAX_FRAME_SIZE = 100 * 1024 * 1024;

const PREFIX = 4;

export class Framer {
  private chunks: Buffer[] = [];
  /** Index of the first live chunk; consumed chunks are dropped lazily so `shift()` does not run per frame. */
  private head = 0;
  /** Bytes of chunks[head] already consumed. */
  private headOffset = 0;
  private length = 0;
  /** Body size of the frame whose prefix has been read, or -1 while waiting for a prefix. */
  private pending = -1;

  /** Changeable: a SASL listener accepts only small frames until the client has authenticated. */
  constructor(public maxFrameSize: number = DEFAULT_MAX_FRAME_SIZE) {
    if (!Number.isInteger(maxFrameSize) || maxFrameSize < 0) throw new RangeError(`bad maxFrameSize ${maxFrameSize}`);
  }

  /** Bytes received and not yet consumed (size prefixes already parsed are not counted). */
  get buffered(): number {
    return this.length;
  }

  /** True while part of a frame (or of its prefix) is buffered; at end of stream this means the peer cut a frame short. */
  get hasPartial(): boolean {
    return this.length > 0 || this.pending >= 0;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /**
   * The next complete frame body (without its prefix), or null if more bytes are needed.
   * @throws ProtocolError on a negative or oversized size prefix; the stream is unusable after that.
   */
  next(): Buffer | null {
    if (this.pending < 0) {
      if (this.length < PREFIX) return null;
      const size = this.readPrefix();
      if (size < 0 || size > this.maxFrameSize) {
        // Drop what we hold: the connection is about to be closed and nothing here is meaningful.
        this.reset();
        throw new ProtocolError(`invalid frame size ${size} (max ${this.maxFrameSize})`);
      }
      this.pending = size;
    }
    if (this.length < this.pending) return null;
    const frame = this.take(this.pending);
    this.pending = -1;
    return frame;
  }

  /** Releases buffered bytes (after close). */
  reset(): void {
    this.chunks = [];
    this.head = 0;
    this.headOffset = 0;
    this.length = 0;
    this.pending = -1;
  }

  private readPrefix(): number {
    const c = this.chunks[this.head]!;
    if (c.length - this.headOffset >= PREFIX) {
      const v = c.readInt32BE(this.headOffset);
      this.advance(PREFIX);
      return v;
    }
    // Prefix split across chunks: at most 4 single-byte steps, not worth a copy.
    let v = 0;
    for (let i = 0; i < PREFIX; i++) {
      const chunk = this.chunks[this.head]!;
      v = (v << 8) | chunk[this.headOffset]!;
      this.advance(1);
    }
    return v; // `<< 8` works in int32, so a set top bit yields the negative value Kafka would see.
  }

  /** Removes and returns the next n bytes; the caller guarantees n <= length. */
  private take(n: number): Buffer {
    const c = this.chunks[this.head];
    if (c === undefined) return Buffer.alloc(0); // n === 0 with nothing buffered
    const avail = c.length - this.headOffset;
    if (avail >= n) {
      const out = c.subarray(this.headOffset, this.headOffset + n);
      this.advance(n);
      return out;
    }
    // Spans chunks: one allocation of exactly the frame size, one copy per piece.
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[this.head]!;
      const k = Math.min(chunk.length - this.headOffset, n - filled);
      chunk.copy(out, filled, this.headOffset, this.headOffset + k);
      filled += k;
      this.advance(k);
    }
    return out;
  }

  private advance(n: number): void {
    this.length -= n;
    this.headOffset += n;
    const c = this.chunks[this.head]!;
    if (this.headOffset < c.length) return;
    this.headOffset = 0;
    this.head++;
    if (this.head === this.chunks.length) {
      // Fully drained: the common case, reset without allocating a new array.
      this.chunks.length = 0;
      this.head = 0;
    } else if (this.head >= 64) {
      // Many small chunks queued behind one large frame: compact occasionally so the array does not grow forever.
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
