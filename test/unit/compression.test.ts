// Record compression codecs (src/wire/compression) and whole-batch helpers
// (src/wire/batch-records): round trips, the framings Kafka clients really
// send (xerial and raw snappy, LZ4 frames with and without Kafka's old broken
// header checksum, zstd frames with and without a content size), and vectors
// written by other implementations (the lz4 and zstd CLIs, sarama's tests).
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readRecords, recompressBatch, decompressBatch, buildBatch, recordsSection } from '../../src/wire/batch-records.js';
import {
  Codec,
  CodecNotReadyError,
  codecForCompressionType,
  codecName,
  codecReady,
  compress,
  decompress,
} from '../../src/wire/compression/index.js';
import { headerChecksum, headerChecksumPos } from '../../src/wire/compression/lz4.js';
import { XERIAL_MAGIC, compress as snappyCompress, isXerial } from '../../src/wire/compression/snappy.js';
import { xxhash32 } from '../../src/wire/compression/xxhash32.js';
import { readMessageSet, deepMessages } from '../../src/wire/legacy-records.js';
import { BatchView, CONTROL_BIT, buildRecordBatch, decodeRecords } from '../../src/wire/record-batch.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** Text-like data (compressible) of about `n` bytes. */
function textOf(n: number): Buffer {
  const words = ['kafka', 'broker', 'record', 'batch', 'offset', 'partition', 'topic', 'consumer', 'producer', 'lz4', 'zstd'];
  const parts: string[] = [];
  let len = 0;
  for (let i = 0; len < n; i++) {
    const w = `${words[(i * 7) % words.length]}-${i % 1000} `;
    parts.push(w);
    len += w.length;
  }
  return Buffer.from(parts.join('')).subarray(0, n);
}

const CODECS = [Codec.Gzip, Codec.Snappy, Codec.Lz4, Codec.Zstd] as const;
const SAMPLES: [string, Buffer][] = [
  ['empty', Buffer.alloc(0)],
  ['one byte', Buffer.from('x')],
  ['1 KiB text', textOf(1024)],
  ['300 KiB random', randomBytes(300 * 1024)],
  ['3 MiB text (several lz4 blocks, xerial blocks)', textOf(3 * 1024 * 1024)],
];

describe('xxhash32 (LZ4 frame descriptor checksum)', () => {
  it('matches the reference vectors', () => {
    expect(xxhash32(Buffer.alloc(0))).toBe(0x02cc5d05);
    expect(xxhash32(Buffer.from('abc'))).toBe(0x32d153ff);
    expect(xxhash32(Buffer.from('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
  });
});

describe('zstd before its compressor is loaded', () => {
  // First in this file on purpose: the WebAssembly compressor loads on first need.
  it('decompresses at once, compresses only once codecReady has resolved', async () => {
    const frame = hex('28b52ffd2444fd0000c06b61666b616c697465207a73746420766563746f722c200a01005373360124f97c65');
    expect(decompress(Codec.Zstd, frame).toString()).toBe('kafkalite zstd vector, '.repeat(3).trimEnd().replace(/,$/, '') + '\n');
    const wait = codecReady(Codec.Zstd);
    expect(wait).toBeInstanceOf(Promise);
    expect(() => compress(Codec.Zstd, Buffer.from('x'))).toThrow(CodecNotReadyError);
    await wait;
    expect(codecReady(Codec.Zstd)).toBeNull();
    expect(decompress(Codec.Zstd, compress(Codec.Zstd, Buffer.from('x'))).toString()).toBe('x');
    // Every other codec is ready at once.
    for (const c of [Codec.None, Codec.Gzip, Codec.Snappy, Codec.Lz4]) expect(codecReady(c)).toBeNull();
  });
});

describe('round trips', () => {
  for (const codec of CODECS) {
    for (const [name, data] of SAMPLES) {
      it(`${codecName(codec)}: ${name}`, async () => {
        await codecReady(codec);
        const c = compress(codec, data);
        expect(decompress(codec, c).equals(data)).toBe(true);
        if (data.length > 100_000 && name.includes('text')) expect(c.length).toBeLessThan(data.length / 2);
      });
    }
  }
  it('codec 0 passes data through; unknown codecs throw', () => {
    const b = Buffer.from('abc');
    expect(compress(Codec.None, b)).toBe(b);
    expect(decompress(Codec.None, b)).toBe(b);
    expect(() => decompress(5, b)).toThrow(/unknown compression codec 5/);
    expect(() => compress(7, b)).toThrow(/unknown compression codec 7/);
  });
  it('malformed input throws rather than returning garbage', () => {
    const junk = Buffer.from('definitely not compressed data');
    for (const codec of CODECS) expect(() => decompress(codec, junk), codecName(codec)).toThrow();
  });
});

describe('gzip', () => {
  it('reads concatenated members (RFC 1952) and data written by node:zlib at any level', () => {
    const two = Buffer.concat([gzipSync(Buffer.from('hello ')), gzipSync(Buffer.from('world'), { level: 1 })]);
    expect(decompress(Codec.Gzip, two).toString()).toBe('hello world');
  });
  it('writes a gzip member (magic 1f 8b, deflate)', () => {
    expect(compress(Codec.Gzip, Buffer.from('x')).subarray(0, 3)).toEqual(Buffer.from([0x1f, 0x8b, 0x08]));
  });
});

describe('snappy', () => {
  const data = textOf(100 * 1024);
  it('writes one raw block by default (what librdkafka, kafkajs, sarama and @platformatic/kafka send; snappy-java reads it too)', async () => {
    const c = compress(Codec.Snappy, data);
    expect(isXerial(c)).toBe(false);
    const { default: snappyjs } = (await import('snappyjs')) as { default: { uncompress(b: Buffer): Buffer } };
    expect(Buffer.from(snappyjs.uncompress(c)).equals(data)).toBe(true);
  });
  it('can write the xerial framing Java clients and Kafka use: magic, versions 1/1, 32 KiB blocks', () => {
    const c = snappyCompress(data, true);
    expect(isXerial(c)).toBe(true);
    expect(c.subarray(0, 8)).toEqual(XERIAL_MAGIC);
    expect(c.readInt32BE(8)).toBe(1);
    expect(c.readInt32BE(12)).toBe(1);
    // 100 KiB in 32 KiB blocks: 4 length-prefixed raw blocks.
    let pos = 16;
    let blocks = 0;
    while (pos < c.length) {
      pos += 4 + c.readInt32BE(pos);
      blocks++;
    }
    expect(pos).toBe(c.length);
    expect(blocks).toBe(4);
  });
  it('reads raw snappy blocks as librdkafka, kafkajs-snappy and sarama send them', async () => {
    const { default: kafkajsSnappy } = (await import('kafkajs-snappy')) as { default: () => { compress(e: { buffer: Buffer }): Promise<Buffer> } };
    const raw = await kafkajsSnappy().compress({ buffer: data });
    expect(isXerial(raw)).toBe(false);
    expect(decompress(Codec.Snappy, raw).equals(data)).toBe(true);
  });
  it('reads an xerial stream of several blocks written by another implementation', async () => {
    const { default: snappyjs } = (await import('snappyjs')) as { default: { compress(b: Buffer): Buffer } };
    const parts = [textOf(5000), textOf(7000)];
    const blocks = parts.map((p) => snappyjs.compress(p));
    const header = Buffer.concat([XERIAL_MAGIC, hex('00000001 00000001')]);
    const framed = Buffer.concat([header, ...blocks.flatMap((b) => [Buffer.from([0, 0, (b.length >> 8) & 0xff, b.length & 0xff]), b])]);
    expect(decompress(Codec.Snappy, framed).equals(Buffer.concat(parts))).toBe(true);
    // And our own xerial output.
    expect(decompress(Codec.Snappy, snappyCompress(data, true)).equals(data)).toBe(true);
  });
  it("decodes sarama's xerial-framed magic 0 wrapper vector (two inner messages)", () => {
    // message_test.go emptyBulkSnappyMessage (sarama): crc, magic 0, attributes 2, null key, then the xerial value.
    const message = hex(`b42f35d1 00 02 ffffffff 0000002a
      82534e4150505900 00000001 00000001
      00000016 340000190110 0ee38a6876190f0d01080100003e1a00`);
    const set = Buffer.concat([hex('0000000000000000'), Buffer.from([0, 0, 0, message.length]), message]);
    const shallow = readMessageSet(set);
    if ('error' in shallow) throw new Error(shallow.message);
    expect(shallow).toHaveLength(1);
    const inner = deepMessages(shallow[0]!);
    if ('error' in inner) throw new Error(inner.message);
    // Both inner messages have an empty (not null) key and value.
    expect(inner.map((m) => [m.offset, m.magic, m.key?.length, m.value?.length])).toEqual([
      [0n, 0, 0, 0],
      [1n, 0, 0, 0],
    ]);
  });
  it('rejects a truncated xerial stream', () => {
    const c = snappyCompress(data, true);
    expect(() => decompress(Codec.Snappy, c.subarray(0, c.length - 10))).toThrow(/xerial block/);
  });
});

describe('lz4 (Kafka frame format)', () => {
  const text = 'kafkalite lz4 vector, kafkalite lz4 vector, kafkalite lz4 vector\n';
  it('reads frames written by the lz4 CLI: content checksum, content size, block checksums', () => {
    // lz4 v1.9.4: default (FLG 0x64), --content-size (FLG 0x6c, descriptor 10 bytes), -BX (FLG 0x74).
    const frames = [
      '04224d186440a721000000ff076b61666b616c697465206c7a3420766563746f722c201600135063746f720a00000000c333ea1b',
      '04224d186c4041000000000000004121000000ff076b61666b616c697465206c7a3420766563746f722c201600135063746f720a00000000c333ea1b',
      '04224d187440bd21000000ff076b61666b616c697465206c7a3420766563746f722c201600135063746f720af078f13e00000000c333ea1b',
    ];
    for (const f of frames) expect(decompress(Codec.Lz4, hex(f)).toString()).toBe(text);
  });
  it("reads sarama's empty lz4 frame (content checksum of nothing)", () => {
    expect(decompress(Codec.Lz4, hex('04224d186470b90000000005 5dcc02')).length).toBe(0);
  });
  it('reads a frame as Java producers write it (KafkaLZ4BlockOutputStream: FLG 0x60, 64 KiB blocks, incompressible block stored)', () => {
    const payload = Buffer.from('stored as is');
    const frame = Buffer.concat([hex('04224d18 6040 82'), Buffer.from([payload.length, 0, 0, 0x80]), payload, hex('00000000')]);
    expect(headerChecksum(frame)).toBe(0x82);
    expect(decompress(Codec.Lz4, frame).equals(payload)).toBe(true);
  });
  it('writes independent blocks (Kafka\'s Java decoder rejects dependent ones) with a correct descriptor checksum', () => {
    const c = compress(Codec.Lz4, textOf(200_000));
    expect(c.readUInt32LE(0)).toBe(0x184d2204);
    expect(c[4]! & 0xc0).toBe(0x40); // version 01
    expect(c[4]! & 0x20).toBe(0x20); // block independence
    expect(c[4]! & 0x03).toBe(0); // reserved
    expect([4, 5, 6, 7]).toContain((c[5]! >> 4) & 7); // 64 KiB .. 4 MiB blocks
    expect(c[headerChecksumPos(c)]).toBe(headerChecksum(c));
  });
  it('magic 0: writes the pre-KIP-57 broken checksum (over magic + descriptor) and ignores it on reading', () => {
    const data = textOf(5000);
    const v0 = compress(Codec.Lz4, data, { magic: 0 });
    const pos = headerChecksumPos(v0);
    expect(v0[pos]).toBe(headerChecksum(v0, true));
    expect(v0[pos]).toBe((xxhash32(v0.subarray(0, pos)) >>> 8) & 0xff);
    expect(v0[pos]).not.toBe(headerChecksum(v0));
    expect(decompress(Codec.Lz4, v0, { magic: 0 }).equals(data)).toBe(true);
    // Magic 1 and v2 batches require the correct checksum, as Kafka does.
    expect(() => decompress(Codec.Lz4, v0, { magic: 1 })).toThrow(/checksum/);
    expect(() => decompress(Codec.Lz4, v0)).toThrow(/checksum/);
    // And magic 0 readers take correct checksums too (Kafka skips the byte).
    expect(decompress(Codec.Lz4, compress(Codec.Lz4, data), { magic: 0 }).equals(data)).toBe(true);
  });
});

describe('zstd', () => {
  it('reads frames without a content size (streamed, as zstd-jni writes them) and with one', () => {
    const text = 'kafkalite zstd vector, kafkalite zstd vector, kafkalite zstd vector\n';
    // zstd v1.5 CLI: from stdin (FHD 0x04: no content size) and from a file (FHD 0x24: single segment, 1-byte size).
    expect(decompress(Codec.Zstd, hex('28b52ffd0458fd0000c06b61666b616c697465207a73746420766563746f722c200a01005373360124f97c65')).toString()).toBe(text);
    expect(decompress(Codec.Zstd, hex('28b52ffd2444fd0000c06b61666b616c697465207a73746420766563746f722c200a01005373360124f97c65')).toString()).toBe(text);
  });
  it('reads concatenated frames', async () => {
    await codecReady(Codec.Zstd);
    const two = Buffer.concat([compress(Codec.Zstd, Buffer.from('one ')), compress(Codec.Zstd, Buffer.from('two'))]);
    expect(decompress(Codec.Zstd, two).toString()).toBe('one two');
  });
});

describe('compression.type', () => {
  it('maps topic config values to codecs (producer: keep the producer\'s)', () => {
    expect(codecForCompressionType('producer')).toBeNull();
    expect(codecForCompressionType(undefined)).toBeNull();
    expect(codecForCompressionType('uncompressed')).toBe(Codec.None);
    expect(codecForCompressionType('gzip')).toBe(Codec.Gzip);
    expect(codecForCompressionType('snappy')).toBe(Codec.Snappy);
    expect(codecForCompressionType('lz4')).toBe(Codec.Lz4);
    expect(codecForCompressionType('zstd')).toBe(Codec.Zstd);
  });
});

describe('batch records and recompression', () => {
  const records = Array.from({ length: 50 }, (_, i) => ({
    key: i % 5 === 0 ? null : Buffer.from(`key-${i}`),
    value: i === 7 ? null : Buffer.from(`value ${i} `.repeat(10)),
    headers: i % 2 ? [{ key: 'h', value: Buffer.from(String(i)) }] : [],
    timestampDelta: i * 3,
  }));
  const plain = buildRecordBatch({ baseOffset: 100n, baseTimestamp: 1_700_000_000_000n, records, producerId: 42n, producerEpoch: 3, baseSequence: 17, transactional: true, partitionLeaderEpoch: 5 });
  const expected = decodeRecords(plain);

  for (const codec of CODECS) {
    it(`recompress to ${codecName(codec)} and back keeps every header field and record`, async () => {
      await codecReady(codec);
      const c = recompressBatch(plain, codec);
      const v = new BatchView(c);
      const p = new BatchView(plain);
      expect(v.compression).toBe(codec);
      expect(v.crcValid).toBe(true);
      expect(v.batchLength).toBe(c.length - 12);
      expect(c.length).toBeLessThan(plain.length);
      for (const k of ['baseOffset', 'partitionLeaderEpoch', 'magic', 'lastOffsetDelta', 'baseTimestamp', 'maxTimestamp', 'producerId', 'producerEpoch', 'baseSequence', 'recordCount', 'isTransactional', 'isControl', 'timestampType'] as const) {
        expect(v[k], k).toEqual(p[k]);
      }
      expect(readRecords(c)).toEqual(expected);
      expect(recordsSection(c).equals(recordsSection(plain))).toBe(true);
      // Back to uncompressed: byte-identical to the original batch.
      expect(decompressBatch(c).equals(plain)).toBe(true);
      expect(recompressBatch(c, Codec.None).equals(plain)).toBe(true);
      // Between two codecs directly.
      const other = codec === Codec.Gzip ? Codec.Lz4 : Codec.Gzip;
      expect(readRecords(recompressBatch(c, other))).toEqual(expected);
    });
  }

  it('returns the batch itself when the codec already matches', () => {
    expect(recompressBatch(plain, Codec.None)).toBe(plain);
    const g = recompressBatch(plain, Codec.Gzip);
    expect(recompressBatch(g, Codec.Gzip)).toBe(g);
    expect(decompressBatch(plain)).toBe(plain);
  });

  it('buildBatch builds compressed batches; control bits survive recompression', () => {
    const b = buildBatch({ records: [{ key: null, value: Buffer.from('v') }], compression: Codec.Snappy, control: true });
    const v = new BatchView(b);
    expect(v.compression).toBe(Codec.Snappy);
    expect((v.attributes & CONTROL_BIT) !== 0).toBe(true);
    expect(readRecords(b).map((r) => r.value?.toString())).toEqual(['v']);
  });

  it('readRecords reports LogAppendTime batches with their maxTimestamp, compressed or not', () => {
    const b = Buffer.from(recompressBatch(plain, Codec.Gzip));
    b.writeInt16BE(b.readInt16BE(21) | 0x08, 21);
    b.writeBigInt64BE(1_800_000_000_000n, 35);
    expect(new Set(readRecords(b).map((r) => r.timestamp))).toEqual(new Set([1_800_000_000_000n]));
  });

  it('readRecords throws on corrupt compressed data', () => {
    const g = Buffer.from(recompressBatch(plain, Codec.Gzip));
    g.fill(0x55, 70, 90);
    expect(() => readRecords(g)).toThrow();
  });
});
