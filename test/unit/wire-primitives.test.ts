// Byte-level tests of the Reader/Writer primitives against known encodings
// (Kafka's ByteUtils varints, classic and compact strings/bytes/arrays, UUIDs, tagged fields).
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/wire/compile.js';
import { Reader, uuidToBytes, uuidToString, ZERO_UUID } from '../../src/wire/reader.js';
import { arr, f, message } from '../../src/wire/schema.js';
import { uvarintSize, Writer } from '../../src/wire/writer.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const written = (fn: (w: Writer) => void): string => {
  const w = new Writer();
  fn(w);
  return w.toBuffer().toString('hex');
};
const reader = (s: string): Reader => new Reader(hex(s));

describe('unsigned varint', () => {
  const vectors: [number, string][] = [
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [16383, 'ff7f'],
    [16384, '808001'],
    [2 ** 21 - 1, 'ffff7f'],
    [2 ** 21, '80808001'],
    [2 ** 31 - 1, 'ffffffff07'],
    [2 ** 32 - 1, 'ffffffff0f'],
  ];
  for (const [value, bytes] of vectors) {
    it(`${value} ↔ ${bytes}`, () => {
      expect(written((w) => w.uvarint(value))).toBe(bytes);
      expect(uvarintSize(value)).toBe(bytes.length / 2);
      const r = reader(bytes);
      expect(r.uvarint()).toBe(value);
      expect(r.error).toBeNull();
      expect(r.remaining).toBe(0);
    });
  }

  it('accepts a non-minimal encoding as Kafka does (80 00 → 0)', () => {
    const r = reader('8000');
    expect(r.uvarint()).toBe(0);
    expect(r.error).toBeNull();
  });
});

describe('zig-zag varint (int32)', () => {
  const vectors: [number, string][] = [
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [-2, '03'],
    [63, '7e'],
    [-64, '7f'],
    [64, '8001'],
    [-65, '8101'],
    [150, 'ac02'],
    [2147483647, 'feffffff0f'],
    [-2147483648, 'ffffffff0f'],
  ];
  for (const [value, bytes] of vectors) {
    it(`${value} ↔ ${bytes}`, () => {
      expect(written((w) => w.varint(value))).toBe(bytes);
      const r = reader(bytes);
      expect(r.varint()).toBe(value);
      expect(r.error).toBeNull();
      expect(r.remaining).toBe(0);
    });
  }
});

describe('zig-zag varlong (int64)', () => {
  const vectors: [bigint, string][] = [
    [0n, '00'],
    [-1n, '01'],
    [1n, '02'],
    [-64n, '7f'],
    [63n, '7e'],
    [300n, 'd804'],
    [2147483647n, 'feffffff0f'],
    [-2147483648n, 'ffffffff0f'],
    [2n ** 32n, '8080808020'],
    [9223372036854775807n, 'feffffffffffffffff01'],
    [-9223372036854775808n, 'ffffffffffffffffff01'],
  ];
  for (const [value, bytes] of vectors) {
    it(`${value}n ↔ ${bytes}`, () => {
      expect(written((w) => w.varlong(value))).toBe(bytes);
      const r = reader(bytes);
      expect(r.varlong()).toBe(value);
      expect(r.error).toBeNull();
      expect(r.remaining).toBe(0);
    });
  }

  it('unsigned varlong of 2^64-1 is ten bytes', () => {
    expect(written((w) => w.uvarlong(2n ** 64n - 1n))).toBe('ffffffffffffffffff01');
    expect(reader('ffffffffffffffffff01').uvarlong()).toBe(2n ** 64n - 1n);
  });

  it('more than 10 bytes is an error', () => {
    const r = reader('ff'.repeat(10) + '01');
    expect(r.varlong()).toBe(0n);
    expect(r.error).toMatch(/varlong too long/);
  });
});

describe('fixed-width numbers', () => {
  it('int8/int16/uint16/int32/uint32/int64 big-endian', () => {
    const b = written((w) => {
      w.int8(-2);
      w.int16(-2);
      w.uint16(65535);
      w.int32(-2);
      w.uint32(0xfffffffe);
      w.int64(-2n);
      w.bool(true);
      w.bool(false);
    });
    expect(b).toBe('fe' + 'fffe' + 'ffff' + 'fffffffe' + 'fffffffe' + 'fffffffffffffffe' + '01' + '00');
    const r = reader(b);
    expect([r.int8(), r.int16(), r.uint16(), r.int32(), r.uint32(), r.int64(), r.bool(), r.bool()]).toEqual([
      -2, -2, 65535, -2, 0xfffffffe, -2n, true, false,
    ]);
    expect(r.error).toBeNull();
  });

  it('int64 min/max', () => {
    const b = written((w) => {
      w.int64(-(2n ** 63n));
      w.int64(2n ** 63n - 1n);
    });
    expect(b).toBe('8000000000000000' + '7fffffffffffffff');
    const r = reader(b);
    expect(r.int64()).toBe(-(2n ** 63n));
    expect(r.int64()).toBe(2n ** 63n - 1n);
  });

  it('float64 is IEEE 754 big-endian', () => {
    const vectors: [number, string][] = [
      [1.5, '3ff8000000000000'],
      [-2, 'c000000000000000'],
      [Math.PI, '400921fb54442d18'],
      [0, '0000000000000000'],
      [Infinity, '7ff0000000000000'],
    ];
    for (const [v, bytes] of vectors) {
      expect(written((w) => w.float64(v))).toBe(bytes);
      expect(reader(bytes).float64()).toBe(v);
    }
    expect(Object.is(reader('8000000000000000').float64(), -0)).toBe(true);
    expect(reader('7ff8000000000000').float64()).toBeNaN();
  });
});

describe('strings and bytes', () => {
  it('classic string: int16 length + UTF-8', () => {
    expect(written((w) => w.string(''))).toBe('0000');
    expect(written((w) => w.string('abc'))).toBe('0003616263');
    // Length is in bytes, not UTF-16 units.
    expect(written((w) => w.string('é'))).toBe('0002c3a9');
    const r = reader('0002c3a9');
    expect(r.string()).toBe('é');
    expect(r.remaining).toBe(0);
  });

  it('classic nullable string: null is ff ff', () => {
    expect(written((w) => w.nullableString(null))).toBe('ffff');
    expect(written((w) => w.nullableString(''))).toBe('0000');
    const r = reader('ffff' + '0000' + '000178');
    expect(r.nullableString()).toBeNull();
    expect(r.nullableString()).toBe('');
    expect(r.nullableString()).toBe('x');
    expect(r.error).toBeNull();
  });

  it('compact string: uvarint(length + 1); "" is 01, null is 00', () => {
    expect(written((w) => w.compactString(''))).toBe('01');
    expect(written((w) => w.compactString('abc'))).toBe('04616263');
    expect(written((w) => w.compactNullableString(null))).toBe('00');
    expect(written((w) => w.compactNullableString(''))).toBe('01');
    const long = 'x'.repeat(200);
    expect(written((w) => w.compactString(long))).toBe('c901' + '78'.repeat(200));
    const r = reader('01' + '00' + '04616263' + 'c901' + '78'.repeat(200));
    expect(r.compactString()).toBe('');
    expect(r.compactNullableString()).toBeNull();
    expect(r.compactString()).toBe('abc');
    expect(r.compactString()).toBe(long);
    expect(r.error).toBeNull();
    expect(r.remaining).toBe(0);
  });

  it('a null where a non-nullable string is expected is an error', () => {
    const classic = reader('ffff');
    expect(classic.string()).toBe('');
    expect(classic.error).toMatch(/null string/);
    const compact = reader('00');
    expect(compact.compactString()).toBe('');
    expect(compact.error).toMatch(/null compact string/);
  });

  it('bytes: int32 length; nullable null is ff ff ff ff; compact null is 00', () => {
    expect(written((w) => w.bytes(hex('0102')))).toBe('000000020102');
    expect(written((w) => w.nullableBytes(null))).toBe('ffffffff');
    expect(written((w) => w.compactBytes(hex('0102')))).toBe('030102');
    expect(written((w) => w.compactNullableBytes(null))).toBe('00');
    expect(written((w) => w.compactBytes(Buffer.alloc(0)))).toBe('01');
    const r = reader('000000020102' + 'ffffffff' + '00000000' + '030102' + '00');
    expect(r.bytes().toString('hex')).toBe('0102');
    expect(r.nullableBytes()).toBeNull();
    expect(r.nullableBytes()!.length).toBe(0);
    expect(r.compactBytes().toString('hex')).toBe('0102');
    expect(r.compactNullableBytes()).toBeNull();
    expect(r.error).toBeNull();
  });

  it('bytes are read as zero-copy slices of the input', () => {
    const buf = hex('00000003aabbcc');
    const b = new Reader(buf).bytes();
    expect(b.buffer).toBe(buf.buffer);
    expect(b.byteOffset).toBe(buf.byteOffset + 4);
    buf[4] = 0x11;
    expect(b[0]).toBe(0x11);
  });

  it('records: a single buffer or a list of slices, classic or compact', () => {
    expect(written((w) => w.records(null, false))).toBe('ffffffff');
    expect(written((w) => w.records(null, true))).toBe('00');
    expect(written((w) => w.records(hex('aabb'), false))).toBe('00000002aabb');
    expect(written((w) => w.records([hex('aa'), hex('bbcc')], false))).toBe('00000003aabbcc');
    expect(written((w) => w.records([hex('aa'), hex('bbcc')], true))).toBe('04aabbcc');
  });
});

describe('arrays', () => {
  it('classic and compact array lengths', () => {
    const r = reader('ffffffff' + '00000000' + '00000002 0000' + '00' + '01' + '03 0000');
    expect(r.arrayLength()).toBe(-1);
    expect(r.arrayLength()).toBe(0);
    expect(r.arrayLength()).toBe(2);
    r.pos += 2;
    expect(r.compactArrayLength()).toBe(-1);
    expect(r.compactArrayLength()).toBe(0);
    expect(r.compactArrayLength()).toBe(2);
    expect(r.error).toBeNull();
  });

  // A one-field message: int32 array, nullable; v0 classic, v1 flexible (compact + tagged-field section).
  const Arr = message(9001, 'ArrTest', '0-1', '1+', [f('xs', arr('int32'), '0+', { nullable: '0+' })]);
  const v0 = compile(Arr, 0, false);
  const v1 = compile(Arr, 1, true);
  const enc = (c: ReturnType<typeof compile>, value: unknown): string => written((w) => c.encode(w, value));
  const dec = (c: ReturnType<typeof compile>, bytes: string): unknown => {
    const r = reader(bytes);
    const v = c.decode(r);
    expect(r.error).toBeNull();
    expect(r.remaining).toBe(0);
    return v;
  };

  it('compact arrays: uvarint(n + 1), null is 00, then the struct tag section', () => {
    expect(enc(v1, { xs: [1, 2] })).toBe('03' + '00000001' + '00000002' + '00');
    expect(enc(v1, { xs: [] })).toBe('01' + '00');
    expect(enc(v1, { xs: null })).toBe('00' + '00');
    expect(dec(v1, '03000000010000000200')).toEqual({ xs: [1, 2] });
    expect(dec(v1, '0000')).toEqual({ xs: null });
  });

  it('classic arrays: int32 count, null is ff ff ff ff', () => {
    expect(enc(v0, { xs: [1, 2] })).toBe('00000002' + '00000001' + '00000002');
    expect(enc(v0, { xs: null })).toBe('ffffffff');
    expect(dec(v0, '000000020000000100000002')).toEqual({ xs: [1, 2] });
    expect(dec(v0, 'ffffffff')).toEqual({ xs: null });
  });
});

describe('uuid', () => {
  it("round-trips Kafka's unpadded base64url string form", () => {
    const bytes = hex('000102030405060708090a0b0c0d0e0f');
    const s = 'AAECAwQFBgcICQoLDA0ODw';
    expect(uuidToString(bytes)).toBe(s);
    expect(uuidToBytes(s).equals(bytes)).toBe(true);
    expect(written((w) => w.uuid(s))).toBe(bytes.toString('hex'));
    const r = new Reader(bytes);
    expect(r.uuid()).toBe(s);
    expect(r.remaining).toBe(0);
  });

  it('uses the URL-safe alphabet (- and _), no padding', () => {
    const bytes = hex('fbffbffbffbffbffbffbffbffbffbfff');
    const s = uuidToString(bytes);
    expect(s).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(s).toContain('-');
    expect(s).toContain('_');
    expect(written((w) => w.uuid(s))).toBe(bytes.toString('hex'));
  });

  it('the zero UUID is 16 zero bytes', () => {
    expect(written((w) => w.uuid(ZERO_UUID))).toBe('00'.repeat(16));
    expect(new Reader(Buffer.alloc(16)).uuid()).toBe(ZERO_UUID);
  });
});

describe('tagged fields section', () => {
  const T = message(9002, 'TagTest', '0-0', '0+', [
    f('a', 'int32', '0+'),
    f('b', 'string', '0+', { tag: 0, nullable: '0+', default: null }),
    f('c', 'int32', '0+', { tag: 5, default: -1 }),
  ]);
  const c = compile(T, 0, true);

  it('an all-default value writes an empty section (00)', () => {
    expect(written((w) => c.encode(w, { a: 1 }))).toBe('00000001' + '00');
    expect(written((w) => c.encode(w, { a: 1, b: null, c: -1 }))).toBe('00000001' + '00');
  });

  it('non-default tagged values: count, then (tag, size, value) in tag order', () => {
    expect(written((w) => c.encode(w, { a: 1, c: 7, b: 'x' }))).toBe(
      '00000001' + '02' + '00' + '02' + '0278' + '05' + '04' + '00000007',
    );
  });

  it('decodes known tags, fills defaults, and keeps unknown tags for re-encoding', () => {
    const bytes = '00000001' + '02' + '05' + '04' + '00000007' + '09' + '03' + 'aabbcc';
    const r = reader(bytes);
    const v = c.decode(r) as { a: number; b: string | null; c: number; _unknownTags?: { tag: number; data: Buffer }[] };
    expect(r.error).toBeNull();
    expect(r.remaining).toBe(0);
    expect(v.a).toBe(1);
    expect(v.b).toBeNull();
    expect(v.c).toBe(7);
    expect(v._unknownTags!.map((u) => [u.tag, u.data.toString('hex')])).toEqual([[9, 'aabbcc']]);
    expect(written((w) => c.encode(w, v))).toBe(bytes);
  });

  it('a tagged field whose size disagrees with its content is an error', () => {
    const r = reader('00000001' + '01' + '05' + '05' + '00000007' + 'ff');
    c.decode(r);
    expect(r.error).toMatch(/tagged field 5 size mismatch/);
  });

  it('a tagged field that overruns the frame is an error, not an exception', () => {
    const r = reader('00000001' + '01' + '09' + '10' + 'aabb');
    expect(() => c.decode(r)).not.toThrow();
    expect(r.error).toMatch(/overruns/);
  });
});

describe('Reader errors are sticky and never throw', () => {
  it('a truncated fixed-width read sets error and returns 0', () => {
    const r = reader('0001');
    expect(r.int32()).toBe(0);
    expect(r.error).toMatch(/truncated: need 4 bytes, have 2 at byte 0/);
    expect(r.remaining).toBe(0);
  });

  it('truncated reads of every kind return zero values', () => {
    const cases: [string, (r: Reader) => unknown, unknown][] = [
      ['', (r) => r.int8(), 0],
      ['00', (r) => r.int16(), 0],
      ['00', (r) => r.uint16(), 0],
      ['000000', (r) => r.int64(), 0n],
      ['000000', (r) => r.float64(), 0],
      ['80', (r) => r.uvarint(), 0],
      ['8080', (r) => r.varlong(), 0n],
      ['0005616263', (r) => r.string(), ''],
      ['0661', (r) => r.compactString(), ''],
      ['00000004aabb', (r) => r.bytes().length, 0],
      ['0000', (r) => r.uuid(), ZERO_UUID],
    ];
    for (const [bytes, read, zero] of cases) {
      const r = reader(bytes);
      expect(() => read(r)).not.toThrow();
      const r2 = reader(bytes);
      expect(read(r2), `${bytes}`).toEqual(zero);
      expect(r2.error, `${bytes}`).toMatch(/truncated/);
    }
  });

  it('a varint longer than 5 bytes is an error', () => {
    const r = reader('808080808001');
    expect(r.uvarint()).toBe(0);
    expect(r.error).toMatch(/varint too long/);
    const s = reader('808080808001');
    expect(s.varint()).toBe(0);
    expect(s.error).toMatch(/varint too long/);
  });

  it('a 5-byte varint above 2^32-1 is an error', () => {
    const r = reader('ffffffff1f');
    expect(r.uvarint()).toBe(0);
    expect(r.error).toMatch(/varint overflow/);
  });

  it('negative lengths are errors', () => {
    const s = reader('fffe');
    expect(s.nullableString()).toBeNull();
    expect(s.error).toMatch(/bad string length -2/);

    const b = reader('fffffffe');
    expect(b.nullableBytes()).toEqual(Buffer.alloc(0));
    expect(b.error).toMatch(/negative length -2/);

    const nb = reader('ffffffff');
    expect(nb.bytes().length).toBe(0);
    expect(nb.error).toMatch(/null bytes/);

    const a = reader('fffffffe00');
    expect(a.arrayLength()).toBe(0);
    expect(a.error).toMatch(/bad array length -2/);

    const raw = reader('00');
    expect(raw.raw(-1).length).toBe(0);
    expect(raw.error).toMatch(/negative length -1/);
  });

  it('an array count larger than the remaining bytes is an error', () => {
    const r = reader('000003e8' + '00'.repeat(10));
    expect(r.arrayLength()).toBe(0);
    expect(r.error).toMatch(/array length 1000 exceeds remaining 10 bytes/);
    const c = reader('0b' + '00'.repeat(5)); // compact: 10 elements, 5 bytes left
    expect(c.compactArrayLength()).toBe(0);
    expect(c.error).toMatch(/array length 10 exceeds remaining 5 bytes/);
    // A huge count never allocates: decoding a whole message with one fails cleanly.
    const Arr = message(9003, 'Huge', '0-0', 'none', [f('xs', arr('int32'), '0+')]);
    const d = reader('7fffffff' + '00000001');
    expect(compile(Arr, 0, false).decode(d)).toEqual({ xs: [] });
    expect(d.error).toMatch(/exceeds remaining/);
  });

  it('a string length past the end is an error', () => {
    const r = reader('00ff6162');
    expect(r.string()).toBe('');
    expect(r.error).toMatch(/truncated/);
  });

  it('after an error every read returns a zero value and the first error is kept', () => {
    const r = reader('01' + '00000001' + '0000000000000002' + '0161' + '0003616263' + '0000000000000000');
    r.int16(); // 0x0100: fine
    r.raw(-5); // first error
    const first = r.error;
    expect(first).toMatch(/negative length -5/);
    expect(r.int8()).toBe(0);
    expect(r.int16()).toBe(0);
    expect(r.int32()).toBe(0);
    expect(r.int64()).toBe(0n);
    expect(r.float64()).toBe(0);
    expect(r.bool()).toBe(false);
    expect(r.uvarint()).toBe(0);
    expect(r.varint()).toBe(0);
    expect(r.varlong()).toBe(0n);
    expect(r.string()).toBe('');
    expect(r.compactString()).toBe('');
    expect(r.bytes().length).toBe(0);
    expect(r.compactBytes().length).toBe(0);
    expect(r.uuid()).toBe(ZERO_UUID);
    expect(r.arrayLength()).toBeLessThanOrEqual(0);
    expect(r.error).toBe(first);
    expect(r.remaining).toBe(0);
  });

  it('a reader bounded by `end` does not read past it', () => {
    const buf = hex('0000000100000002');
    const r = new Reader(buf, 0, 4);
    expect(r.int32()).toBe(1);
    expect(r.int32()).toBe(0);
    expect(r.error).toMatch(/truncated/);
  });
});

describe('Writer', () => {
  it('large raw buffers (> 1 KiB) are separate chunks, by reference', () => {
    const backing = Buffer.alloc(8192, 0x5a);
    const big = backing.subarray(100, 100 + 3000);
    const w = new Writer();
    w.int32(7);
    w.raw(big);
    w.int16(9);
    expect(w.length).toBe(4 + 3000 + 2);
    const chunks = w.finish();
    expect(chunks.map((c) => c.length)).toEqual([4, 3000, 2]);
    const c = chunks[1]!;
    expect(c.buffer).toBe(backing.buffer); // same memory, not a copy
    expect(c.byteOffset).toBe(big.byteOffset);
    backing[100] = 0x01;
    expect(c[0]).toBe(0x01);
    expect(chunks[0]!.toString('hex')).toBe('00000007');
    expect(chunks[2]!.toString('hex')).toBe('0009');
  });

  it('small raw buffers are copied inline', () => {
    const small = Buffer.alloc(16, 0x33);
    const w = new Writer();
    w.int8(1);
    w.raw(small);
    const chunks = w.finish();
    expect(chunks.length).toBe(1);
    small[0] = 0;
    expect(chunks[0]![1]).toBe(0x33);
  });

  it('bytes()/records() of large data keep the blob by reference after the length prefix', () => {
    const a = Buffer.alloc(2000, 1);
    const b = Buffer.alloc(1500, 2);
    const w = new Writer();
    w.bytes(a);
    w.records([a, b], true);
    const chunks = w.finish();
    expect(chunks[0]!.toString('hex')).toBe('000007d0');
    expect(chunks[1]).toBe(a);
    expect(chunks[2]!.toString('hex')).toBe(Buffer.from([((3501 & 0x7f) | 0x80), 3501 >> 7]).toString('hex'));
    expect(chunks[3]).toBe(a);
    expect(chunks[4]).toBe(b);
    expect(chunks.length).toBe(5);
  });

  it('length equals the sum of chunk lengths at every step', () => {
    const w = new Writer(8);
    let expected = 0;
    const step = (n: number, fn: () => void): void => {
      fn();
      expected += n;
      expect(w.length).toBe(expected);
    };
    step(4, () => w.int32(1));
    step(1500, () => w.raw(Buffer.alloc(1500)));
    step(8, () => w.int64(2n));
    step(3, () => w.uvarint(16384));
    step(2048, () => w.raw(Buffer.alloc(2048)));
    step(2048, () => w.raw(Buffer.alloc(2048)));
    step(5, () => w.compactString('abcd'));
    const chunks = w.finish();
    expect(chunks.reduce((s, c) => s + c.length, 0)).toBe(expected);
    expect(w.toBuffer().length).toBe(expected);
  });

  it('growth beyond the initial size keeps earlier bytes', () => {
    const w = new Writer(4);
    for (let i = 0; i < 1000; i++) w.int32(i);
    const out = w.toBuffer();
    expect(out.length).toBe(4000);
    for (let i = 0; i < 1000; i++) expect(out.readInt32BE(i * 4)).toBe(i);
  });

  it('growth after a large chunk keeps both the flushed and the pending bytes', () => {
    const w = new Writer(16);
    w.int32(0x11111111);
    w.raw(Buffer.alloc(1100, 0xee));
    w.int32(0x22222222);
    for (let i = 0; i < 100; i++) w.int16(i); // forces the scratch buffer to grow
    w.raw(Buffer.alloc(1100, 0xdd));
    w.int8(-1);
    const out = Buffer.concat(w.finish());
    expect(out.length).toBe(4 + 1100 + 4 + 200 + 1100 + 1);
    expect(out.readUInt32BE(0)).toBe(0x11111111);
    expect(out[4]).toBe(0xee);
    expect(out[1103]).toBe(0xee);
    expect(out.readUInt32BE(1104)).toBe(0x22222222);
    for (let i = 0; i < 100; i++) expect(out.readInt16BE(1108 + i * 2)).toBe(i);
    expect(out[1308]).toBe(0xdd);
    expect(out[out.length - 1]).toBe(0xff);
  });

  it('toBuffer() with a single chunk returns it without copying', () => {
    const w = new Writer();
    w.int32(1);
    const b1 = w.toBuffer();
    expect(b1.toString('hex')).toBe('00000001');
  });
});
