/**
 * Writer that produces a buffer list. Small fields go into a growing scratch
 * buffer; large byte blobs (record batches) are appended by reference as their
 * own chunks, so fetched data is never copied on its way to the socket.
 */
const INLINE_LIMIT = 1024;

export class Writer {
  private buf: Buffer;
  private pos = 0;
  private start = 0; // start of the not-yet-flushed region of buf
  private readonly chunks: Buffer[] = [];
  private flushed = 0; // bytes already in chunks

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  /** Total bytes written so far. */
  get length(): number {
    return this.flushed + (this.pos - this.start);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    // Keep pending bytes, move to a larger scratch buffer; already-flushed chunks point into the old one.
    const pending = this.buf.subarray(this.start, this.pos);
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, pending.length + n + 256));
    pending.copy(next, 0);
    this.buf = next;
    this.pos = pending.length;
    this.start = 0;
  }

  int8(v: number): void {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
  }
  uint8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }
  bool(v: boolean): void {
    this.uint8(v ? 1 : 0);
  }
  int16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
  }
  uint16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }
  int32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }
  uint32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }
  int64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
  }
  float64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }
  uvarint(v: number): void {
    this.ensure(5);
    let x = v >>> 0;
    while (x >= 0x80) {
      this.buf[this.pos++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    this.buf[this.pos++] = x;
  }
  varint(v: number): void {
    this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }
  uvarlong(v: bigint): void {
    this.ensure(10);
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) {
      this.buf[this.pos++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.buf[this.pos++] = Number(x);
  }
  varlong(v: bigint): void {
    this.uvarlong(BigInt.asUintN(64, (v << 1n) ^ (v >> 63n)));
  }

  /** Appends bytes; large ones by reference as their own chunk. */
  raw(b: Buffer): void {
    if (b.length > INLINE_LIMIT) {
      this.flush();
      this.chunks.push(b);
      this.flushed += b.length;
      return;
    }
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  private utf8(s: string, len: number): void {
    this.ensure(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
  }

  string(s: string): void {
    const n = Buffer.byteLength(s);
    this.int16(n);
    this.utf8(s, n);
  }
  nullableString(s: string | null): void {
    if (s === null) return this.int16(-1);
    this.string(s);
  }
  compactString(s: string): void {
    const n = Buffer.byteLength(s);
    this.uvarint(n + 1);
    this.utf8(s, n);
  }
  compactNullableString(s: string | null): void {
    if (s === null) return this.uvarint(0);
    this.compactString(s);
  }
  bytes(b: Buffer): void {
    this.int32(b.length);
    this.raw(b);
  }
  nullableBytes(b: Buffer | null): void {
    if (b === null) return this.int32(-1);
    this.bytes(b);
  }
  compactBytes(b: Buffer): void {
    this.uvarint(b.length + 1);
    this.raw(b);
  }
  compactNullableBytes(b: Buffer | null): void {
    if (b === null) return this.uvarint(0);
    this.compactBytes(b);
  }
  /** Record data given as one buffer or a list of batch slices. */
  records(r: Buffer | readonly Buffer[] | null, compact: boolean): void {
    if (r === null) return compact ? this.uvarint(0) : this.int32(-1);
    if (Buffer.isBuffer(r)) return compact ? this.compactBytes(r) : this.bytes(r);
    let n = 0;
    for (const b of r) n += b.length;
    if (compact) this.uvarint(n + 1);
    else this.int32(n);
    for (const b of r) this.raw(b);
  }
  uuid(s: string): void {
    const b = Buffer.from(s, 'base64url');
    this.ensure(16);
    if (b.length === 16) b.copy(this.buf, this.pos);
    else this.buf.fill(0, this.pos, this.pos + 16);
    this.pos += 16;
  }

  private flush(): void {
    if (this.pos > this.start) {
      this.chunks.push(this.buf.subarray(this.start, this.pos));
      this.flushed += this.pos - this.start;
      this.start = this.pos;
    }
  }

  /** The written bytes as a list of buffers (no copy of large chunks). */
  finish(): Buffer[] {
    this.flush();
    return this.chunks;
  }

  /** The written bytes as one buffer (copies when there are several chunks). */
  toBuffer(): Buffer {
    const c = this.finish();
    return c.length === 1 ? c[0]! : Buffer.concat(c);
  }
}

/** Byte length of an unsigned varint. */
export function uvarintSize(v: number): number {
  let n = 1;
  let x = v >>> 0;
  while (x >= 0x80) {
    n++;
    x >>>= 7;
  }
  return n;
}
