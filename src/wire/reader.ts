/**
 * Bounds-checked reader over one frame. Errors are sticky: a read past the end
 * (or a negative/oversized length) sets `error` and returns a zero value, so a
 * generated decoder runs straight through and the caller checks once at the end.
 * Nothing here throws a RangeError.
 */
export class Reader {
  pos: number;
  error: string | null = null;

  constructor(readonly buf: Buffer, offset = 0, readonly end = buf.length) {
    this.pos = offset;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(message: string): void {
    if (this.error === null) this.error = `${message} at byte ${this.pos}`;
    // Park at the end so every later read fails fast and loops stop.
    this.pos = this.end;
  }

  private need(n: number): boolean {
    if (this.pos + n > this.end) {
      this.fail(`truncated: need ${n} bytes, have ${this.end - this.pos}`);
      return false;
    }
    return true;
  }

  int8(): number {
    if (!this.need(1)) return 0;
    return this.buf.readInt8(this.pos++);
  }
  uint8(): number {
    if (!this.need(1)) return 0;
    return this.buf[this.pos++]!;
  }
  bool(): boolean {
    return this.int8() !== 0;
  }
  int16(): number {
    if (!this.need(2)) return 0;
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  uint16(): number {
    if (!this.need(2)) return 0;
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  int32(): number {
    if (!this.need(4)) return 0;
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  uint32(): number {
    if (!this.need(4)) return 0;
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  int64(): bigint {
    if (!this.need(8)) return 0n;
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  float64(): number {
    if (!this.need(8)) return 0;
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Unsigned LEB128, at most 5 bytes (fits 32 bits). */
  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) {
        this.fail('truncated varint');
        return 0;
      }
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result > 0xffffffff ? (this.fail('varint overflow'), 0) : result;
      shift += 7;
    }
    this.fail('varint too long');
    return 0;
  }
  /** Zig-zag signed varint (32-bit). */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
  /** Unsigned LEB128 up to 10 bytes, as bigint. */
  uvarlong(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) {
        this.fail('truncated varlong');
        return 0n;
      }
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
    this.fail('varlong too long');
    return 0n;
  }
  /** Zig-zag signed varlong. */
  varlong(): bigint {
    const u = this.uvarlong();
    return (u >> 1n) ^ -(u & 1n);
  }

  /** Raw bytes as a zero-copy slice of the frame. */
  raw(n: number): Buffer {
    if (n < 0) {
      this.fail(`negative length ${n}`);
      return EMPTY;
    }
    if (!this.need(n)) return EMPTY;
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  private utf8(n: number): string {
    if (!this.need(n)) return '';
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  // Length prefixes: classic int16/int32, compact = uvarint(len + 1), 0 meaning null.
  string(): string {
    const n = this.int16();
    if (n < 0) {
      this.fail('null string where non-nullable expected');
      return '';
    }
    return this.utf8(n);
  }
  nullableString(): string | null {
    const n = this.int16();
    if (n === -1) return null;
    if (n < -1) {
      this.fail(`bad string length ${n}`);
      return null;
    }
    return this.utf8(n);
  }
  compactString(): string {
    const n = this.uvarint() - 1;
    if (n < 0) {
      if (this.error === null) this.fail('null compact string where non-nullable expected');
      return '';
    }
    return this.utf8(n);
  }
  compactNullableString(): string | null {
    const n = this.uvarint() - 1;
    if (n < 0) return null;
    return this.utf8(n);
  }
  bytes(): Buffer {
    const n = this.int32();
    if (n < 0) {
      this.fail('null bytes where non-nullable expected');
      return EMPTY;
    }
    return this.raw(n);
  }
  nullableBytes(): Buffer | null {
    const n = this.int32();
    if (n === -1) return null;
    return this.raw(n);
  }
  compactBytes(): Buffer {
    const n = this.uvarint() - 1;
    if (n < 0) {
      if (this.error === null) this.fail('null compact bytes where non-nullable expected');
      return EMPTY;
    }
    return this.raw(n);
  }
  compactNullableBytes(): Buffer | null {
    const n = this.uvarint() - 1;
    if (n < 0) return null;
    return this.raw(n);
  }

  /** Array length, -1 for null. Rejects counts that cannot fit in what is left (each element ≥ 1 byte). */
  arrayLength(): number {
    const n = this.int32();
    return this.checkCount(n);
  }
  compactArrayLength(): number {
    const n = this.uvarint() - 1;
    return this.checkCount(n);
  }
  private checkCount(n: number): number {
    if (n < -1) {
      this.fail(`bad array length ${n}`);
      return 0;
    }
    if (n > this.end - this.pos) {
      this.fail(`array length ${n} exceeds remaining ${this.end - this.pos} bytes`);
      return 0;
    }
    return n;
  }

  uuid(): string {
    return uuidToString(this.raw(16));
  }
}

export const EMPTY: Buffer = Buffer.alloc(0);

/** Kafka prints UUIDs as unpadded URL-safe base64 of the 16 bytes. */
export function uuidToString(b: Buffer): string {
  if (b.length !== 16) return ZERO_UUID;
  return b.toString('base64url');
}

export function uuidToBytes(s: string): Buffer {
  const b = Buffer.from(s, 'base64url');
  return b.length === 16 ? b : Buffer.alloc(16);
}

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
