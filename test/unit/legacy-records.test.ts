// Legacy message formats (magic 0 and 1): hand-built message sets, compressed
// wrappers, CRC-32 checks, and the conversions Kafka does: up to one v2 batch
// on produce, down to message sets for Fetch v0–3.
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readRecords, recompressBatch } from '../../src/wire/batch-records.js';
import { Codec, codecReady, decompress } from '../../src/wire/compression/index.js';
import { headerChecksum, headerChecksumPos } from '../../src/wire/compression/lz4.js';
import { isXerial } from '../../src/wire/compression/snappy.js';
import {
  crc32,
  deepMessages,
  downConvert,
  encodeMessage,
  encodeWrapper,
  isLegacyMessageSet,
  legacyToBatch,
  readMessageSet,
  readProducedMessageSet,
  type LegacyMessage,
} from '../../src/wire/legacy-records.js';
import { BatchView, TIMESTAMP_TYPE_BIT, buildRecordBatch, decodeRecords, setLogAppendTime } from '../../src/wire/record-batch.js';
import { handMessage } from '../helpers/legacy-message.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const T = 1_700_000_000_000n;
const b = (s: string): Buffer => Buffer.from(s);

function ok<T>(x: T | { error: string; message: string }): T {
  if (x && typeof x === 'object' && 'error' in x) throw new Error(`${x.error}: ${x.message}`);
  return x as T;
}

describe('message encoding and CRC-32', () => {
  it("matches sarama's empty magic 0 and magic 1 messages byte for byte", () => {
    // sarama message_test.go emptyMessage / emptyV1Message (the message part, after offset and size).
    const v0 = encodeMessage({ offset: 0n, magic: 0, attributes: 0, timestamp: -1n, key: null, value: null });
    expect(v0.subarray(12)).toEqual(hex('a7ec6803 00 00 ffffffff ffffffff'));
    expect(v0.readInt32BE(8)).toBe(14);
    const v1 = encodeMessage({ offset: 0n, magic: 1, attributes: 0, timestamp: 0n, key: null, value: null });
    expect(v1.subarray(12)).toEqual(hex('cc2f79d9 01 00 0000000000000000 ffffffff ffffffff'));
  });

  it('writes exactly the hand-built layout (offset, size, CRC-32 over magic..end, fields)', () => {
    const m0 = encodeMessage({ offset: 5n, magic: 0, attributes: 0, timestamp: -1n, key: b('k'), value: b('value') });
    expect(m0).toEqual(handMessage(5n, 0, 0, null, b('k'), b('value')));
    const m1 = encodeMessage({ offset: 7n, magic: 1, attributes: 0x08, timestamp: T, key: null, value: b('v1') });
    expect(m1).toEqual(handMessage(7n, 1, 0x08, T, null, b('v1')));
    expect(crc32(m1.subarray(16))).toBe(zlib.crc32(m1.subarray(16)));
  });

  it('reads hand-built message sets with every field', () => {
    const set = Buffer.concat([handMessage(0n, 0, 0, null, null, b('a')), handMessage(1n, 1, 0, T + 5n, b('key'), Buffer.alloc(0))]);
    expect(isLegacyMessageSet(set)).toBe(true);
    expect(ok(readMessageSet(set))).toEqual([
      { offset: 0n, magic: 0, attributes: 0, timestamp: -1n, key: null, value: b('a') },
      { offset: 1n, magic: 1, attributes: 0, timestamp: T + 5n, key: b('key'), value: Buffer.alloc(0) },
    ]);
    expect(isLegacyMessageSet(buildRecordBatch({ records: [{ key: null, value: b('x') }] }))).toBe(false);
  });

  it('rejects a CRC mismatch, bad sizes and malformed lengths as CORRUPT_MESSAGE', () => {
    const good = handMessage(0n, 1, 0, T, b('k'), b('v'));
    const badCrc = Buffer.from(good);
    badCrc[good.length - 1] ^= 1; // value byte: CRC no longer matches
    expect(readMessageSet(badCrc)).toMatchObject({ error: 'CORRUPT_MESSAGE', message: expect.stringMatching(/CRC-32 mismatch/) });
    const tooSmall = Buffer.from(good);
    tooSmall.writeInt32BE(10, 8);
    expect(readMessageSet(tooSmall)).toMatchObject({ error: 'CORRUPT_MESSAGE' });
    const badKeyLen = Buffer.from(good);
    badKeyLen.writeInt32BE(1000, 26); // key length past the end (CRC recomputed so only the layout is wrong)
    badKeyLen.writeUInt32BE(zlib.crc32(badKeyLen.subarray(16)), 12);
    expect(readMessageSet(badKeyLen)).toMatchObject({ error: 'CORRUPT_MESSAGE', message: expect.stringMatching(/key length/) });
  });

  it('a truncated last entry is an error, or skipped when allowed (fetch responses may end with one)', () => {
    const set = Buffer.concat([handMessage(0n, 0, 0, null, null, b('a')), handMessage(1n, 0, 0, null, null, b('b'))]);
    expect(readMessageSet(set.subarray(0, set.length - 3))).toMatchObject({ error: 'CORRUPT_MESSAGE' });
    expect(ok(readMessageSet(set.subarray(0, set.length - 3), { allowPartialTail: true }))).toHaveLength(1);
    expect(ok(readMessageSet(set.subarray(0, set.length - 20), { allowPartialTail: true }))).toHaveLength(1);
  });
});

describe('compressed wrappers', () => {
  it("decodes sarama's gzip (magic 0), lz4 and zstd (magic 1) wrapper vectors", () => {
    const vectors: [string, string, number][] = [
      ['gzip', `8ba03f8d 00 01 ffffffff 00000027 1f8b08 00000000000000636080 03beca708f070c0cff810021c8c08829 0300c7e29b4634000000`, 0],
      ['lz4', `f60cbc81 01 03 fffff9d1d4b549c9 ffffffff 00000047 04224d18 64 70 b9 34000080
        0000000000000000 0000000e 795748e0 00 00 ffffffff 00000000
        0000000000000001 0000000e 795748e0 00 00 ffffffff 00000000
        00000000 4781176f`, 1],
      ['zstd', `cb97851c 01 04 fffff9d1d4b549c9 ffffffff 00000026 28b52ffd2434cd000078 00000e795748e00000ffffffff0001 03003dbd003b15000bd234c178`, 1],
    ];
    for (const [name, msg, magic] of vectors) {
      const message = hex(msg);
      const entry = Buffer.concat([hex('0000000000000001'), Buffer.from([0, 0, 0, message.length]), message]);
      const [wrapper] = ok(readMessageSet(entry));
      expect(wrapper!.magic, name).toBe(magic);
      const inner = ok(deepMessages(wrapper!));
      expect(inner, name).toHaveLength(2);
      // Inner messages: magic 0, CRC 0x795748e0, empty key... as sarama's tests expect two of them.
      for (const m of inner) expect(m.magic).toBe(0);
      // Magic 1 wrappers carry the last inner offset: inner offsets become absolute (wrapper 1 - last 1 + inner).
      expect(inner.map((m) => m.offset), name).toEqual([0n, 1n]);
    }
  });

  it('magic 1: relative inner offsets become absolute from the wrapper offset; LogAppendTime wrappers give their timestamp', async () => {
    for (const codec of [Codec.Gzip, Codec.Snappy, Codec.Lz4]) {
      const inner: LegacyMessage[] = [0, 1, 2].map((i) => ({ offset: BigInt(i), magic: 1, attributes: 0, timestamp: T + BigInt(i), key: b(`k${i}`), value: b(`v${i}`) }));
      const createTime = encodeWrapper(inner, 41n, { magic: 1, codec }, T + 2n);
      const [w] = ok(readMessageSet(createTime));
      expect(w).toMatchObject({ offset: 41n, magic: 1, attributes: codec, timestamp: T + 2n, key: null });
      const deep = ok(deepMessages(w!));
      expect(deep.map((m) => [m.offset, m.timestamp, m.key?.toString(), m.value?.toString()])).toEqual([
        [39n, T, 'k0', 'v0'],
        [40n, T + 1n, 'k1', 'v1'],
        [41n, T + 2n, 'k2', 'v2'],
      ]);
      const logAppend = encodeWrapper(inner, 41n, { magic: 1, codec, timestampType: 1 }, T + 99n);
      const [wl] = ok(readMessageSet(logAppend));
      expect(wl!.attributes).toBe(codec | 0x08);
      expect(ok(deepMessages(wl!)).map((m) => m.timestamp)).toEqual([T + 99n, T + 99n, T + 99n]);
    }
  });

  it('magic 0: inner offsets are absolute; lz4 wrappers use the broken descriptor checksum', () => {
    const inner: LegacyMessage[] = [10n, 11n].map((o) => ({ offset: o, magic: 0, attributes: 0, timestamp: -1n, key: null, value: b(`m${o}`) }));
    const wire = encodeWrapper(inner, 11n, { magic: 0, codec: Codec.Lz4 }, -1n);
    const [w] = ok(readMessageSet(wire));
    expect(w).toMatchObject({ offset: 11n, magic: 0, attributes: Codec.Lz4, timestamp: -1n });
    expect(w!.value![headerChecksumPos(w!.value!)]).toBe(headerChecksum(w!.value!, true));
    expect(ok(deepMessages(w!)).map((m) => [m.offset, m.value?.toString()])).toEqual([
      [10n, 'm10'],
      [11n, 'm11'],
    ]);
  });

  it('rejects nested compression, mismatched inner magic (when asked), empty and undecodable wrappers', () => {
    const nested = encodeWrapper([{ offset: 0n, magic: 1, attributes: Codec.Gzip, timestamp: T, key: null, value: b('x') }], 0n, { magic: 1, codec: Codec.Gzip }, T);
    expect(deepMessages(ok(readMessageSet(nested))[0]!)).toMatchObject({ error: 'INVALID_RECORD', message: expect.stringMatching(/compression attribute/) });

    const mixed = encodeWrapper([{ offset: 0n, magic: 0, attributes: 0, timestamp: -1n, key: null, value: b('x') }], 0n, { magic: 1, codec: Codec.Gzip }, T);
    const [mw] = ok(readMessageSet(mixed));
    expect(deepMessages(mw!)).not.toHaveProperty('error');
    expect(deepMessages(mw!, { ensureMatchingMagic: true })).toMatchObject({ error: 'INVALID_RECORD', message: expect.stringMatching(/magic 0 does not match wrapper magic 1/) });

    const empty = encodeMessage({ offset: 0n, magic: 1, attributes: Codec.Gzip, timestamp: T, key: null, value: zlib.gzipSync(Buffer.alloc(0)) });
    expect(deepMessages(ok(readMessageSet(empty))[0]!)).toMatchObject({ error: 'INVALID_RECORD' });
    const garbage = encodeMessage({ offset: 0n, magic: 1, attributes: Codec.Snappy, timestamp: T, key: null, value: b('not snappy at all') });
    expect(deepMessages(ok(readMessageSet(garbage))[0]!)).toMatchObject({ error: 'CORRUPT_MESSAGE', message: expect.stringMatching(/cannot decompress the snappy message/) });
    const nullValue = encodeMessage({ offset: 0n, magic: 0, attributes: Codec.Gzip, timestamp: -1n, key: null, value: null });
    expect(deepMessages(ok(readMessageSet(nullValue))[0]!)).toMatchObject({ error: 'INVALID_RECORD' });
  });

  it('an inner message with a bad CRC is CORRUPT_MESSAGE', () => {
    const inner = handMessage(0n, 1, 0, T, null, b('payload'));
    inner[inner.length - 1] ^= 0xff;
    const wrapper = encodeMessage({ offset: 0n, magic: 1, attributes: Codec.Gzip, timestamp: T, key: null, value: zlib.gzipSync(inner) });
    expect(deepMessages(ok(readMessageSet(wrapper))[0]!)).toMatchObject({ error: 'CORRUPT_MESSAGE', message: expect.stringMatching(/CRC-32/) });
  });
});

describe('produce: up-conversion to one v2 batch', () => {
  it('magic 0: records with NO_TIMESTAMP (-1), offsets 0..n-1, no producer, CreateTime, no headers', () => {
    const set = Buffer.concat([handMessage(0n, 0, 0, null, b('k0'), b('v0')), handMessage(0n, 0, 0, null, null, b('v1')), handMessage(0n, 0, 0, null, b('k2'), null)]);
    const produced = ok(readProducedMessageSet(set));
    expect(produced.sourceCodec).toBe(Codec.None);
    expect(produced.magic).toBe(0);
    const batch = legacyToBatch(produced.records);
    const v = new BatchView(batch);
    expect(v.crcValid).toBe(true);
    expect([v.baseOffset, v.magic, v.attributes, v.lastOffsetDelta, v.baseTimestamp, v.maxTimestamp, v.producerId, v.producerEpoch, v.baseSequence, v.recordCount, v.partitionLeaderEpoch]).toEqual([
      0n, 2, 0, 2, -1n, -1n, -1n, -1, -1, 3, -1,
    ]);
    expect(decodeRecords(batch).map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString() ?? null, r.headers])).toEqual([
      [0n, -1n, 'k0', 'v0', []],
      [1n, -1n, null, 'v1', []],
      [2n, -1n, 'k2', null, []],
    ]);
  });

  it('magic 1: each record keeps its timestamp; baseTimestamp is the first, maxTimestamp the largest', () => {
    const set = Buffer.concat([handMessage(0n, 1, 0, T + 10n, null, b('a')), handMessage(1n, 1, 0, T, null, b('b')), handMessage(2n, 1, 0, T + 30n, null, b('c'))]);
    const batch = legacyToBatch(ok(readProducedMessageSet(set)).records);
    const v = new BatchView(batch);
    expect([v.baseTimestamp, v.maxTimestamp, v.timestampType]).toEqual([T + 10n, T + 30n, 0]);
    expect(decodeRecords(batch).map((r) => r.timestamp)).toEqual([T + 10n, T, T + 30n]);
  });

  it('writes exactly the batch buildRecordBatch writes for the same records (large, negative and -1 timestamps, null and empty keys)', () => {
    const records: LegacyMessage[] = [T + 5n, T, T + 9_000_000_000n, -1n, T - 3_000_000n].map((timestamp, i) => ({
      offset: BigInt(i), magic: 1, attributes: 0, timestamp,
      key: i === 1 ? null : i === 2 ? Buffer.alloc(0) : b(`key-${i}`),
      value: i === 3 ? null : Buffer.alloc(i * 100, i),
    }));
    const expected = buildRecordBatch({
      baseTimestamp: T + 5n,
      records: records.map((r, i) => ({ key: r.key, value: r.value, timestampDelta: r.timestamp - (T + 5n), offsetDelta: i })),
    });
    // buildRecordBatch's maxTimestamp is base + the largest delta: the same as the largest timestamp.
    expect(legacyToBatch(records)).toEqual(expected);
  });

  it('compressed wrappers are expanded; the source codec is the (last) wrapper codec', () => {
    const inner: LegacyMessage[] = [0, 1].map((i) => ({ offset: BigInt(i), magic: 1, attributes: 0, timestamp: T + BigInt(i), key: null, value: b(`w${i}`) }));
    const set = Buffer.concat([handMessage(0n, 1, 0, T - 1n, null, b('plain')), encodeWrapper(inner, 1n, { magic: 1, codec: Codec.Snappy }, T + 1n)]);
    const produced = ok(readProducedMessageSet(set));
    expect(produced.sourceCodec).toBe(Codec.Snappy);
    expect(produced.records.map((r) => [r.timestamp, r.value?.toString()])).toEqual([
      [T - 1n, 'plain'],
      [T, 'w0'],
      [T + 1n, 'w1'],
    ]);
  });

  it('rejects zstd (produce < v7), nested compression, mismatched magic and empty sets as Kafka does', async () => {
    await codecReady(Codec.Zstd);
    const zstd = encodeWrapper([{ offset: 0n, magic: 1, attributes: 0, timestamp: T, key: null, value: b('z') }], 0n, { magic: 1, codec: Codec.Zstd }, T);
    expect(readProducedMessageSet(zstd)).toMatchObject({ error: 'UNSUPPORTED_COMPRESSION_TYPE' });
    const mixed = encodeWrapper([{ offset: 0n, magic: 0, attributes: 0, timestamp: -1n, key: null, value: b('x') }], 0n, { magic: 1, codec: Codec.Gzip }, T);
    expect(readProducedMessageSet(mixed)).toMatchObject({ error: 'INVALID_RECORD' });
    expect(readProducedMessageSet(Buffer.alloc(0))).toMatchObject({ error: 'INVALID_RECORD' });
    const bad = handMessage(0n, 0, 0, null, null, b('x'));
    bad[13] ^= 1;
    expect(readProducedMessageSet(bad)).toMatchObject({ error: 'CORRUPT_MESSAGE' });
  });
});

describe('fetch: down-conversion of stored v2 batches', () => {
  const records = [0, 1, 2].map((i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), timestampDelta: i * 10, headers: [{ key: 'h', value: Buffer.from('dropped') }] }));
  const stored = (baseOffset: bigint) => buildRecordBatch({ baseOffset, baseTimestamp: T, records, producerId: 9n, producerEpoch: 0, baseSequence: 0 });

  it('uncompressed → magic 1: one message per record from the fetch offset, timestamps kept, headers dropped (exact bytes)', () => {
    const { records: set, stoppedAt } = downConvert([stored(10n)], 1, 11n);
    expect(stoppedAt).toBeNull();
    expect(set).toEqual(Buffer.concat([handMessage(11n, 1, 0, T + 10n, b('k1'), b('v1')), handMessage(12n, 1, 0, T + 20n, b('k2'), b('v2'))]));
  });

  it('uncompressed → magic 0: no timestamps (exact bytes)', () => {
    const { records: set } = downConvert([stored(10n)], 0, 10n);
    expect(set).toEqual(Buffer.concat([0, 1, 2].map((i) => handMessage(10n + BigInt(i), 0, 0, null, b(`k${i}`), b(`v${i}`)))));
  });

  it('LogAppendTime batches → magic 1 messages with the timestamp-type bit and the batch maxTimestamp', () => {
    const batch = stored(0n);
    setLogAppendTime(batch, T + 500n);
    expect(new BatchView(batch).attributes & TIMESTAMP_TYPE_BIT).toBeTruthy();
    const msgs = ok(readMessageSet(downConvert([batch], 1, 0n).records));
    expect(msgs.map((m) => [m.attributes, m.timestamp])).toEqual([
      [0x08, T + 500n],
      [0x08, T + 500n],
      [0x08, T + 500n],
    ]);
    // Magic 0 has no timestamp type.
    expect(ok(readMessageSet(downConvert([batch], 0, 0n).records)).map((m) => m.attributes)).toEqual([0, 0, 0]);
  });

  for (const codec of [Codec.Gzip, Codec.Snappy, Codec.Lz4]) {
    it(`${['', 'gzip', 'snappy', 'lz4'][codec]} batch → one wrapper of the same codec holding the whole batch (magic 1 relative, magic 0 absolute inner offsets)`, () => {
      const batch = recompressBatch(stored(20n), codec);
      // Fetch from the middle of the batch: Kafka converts from the whole batch.
      const [w1] = ok(readMessageSet(downConvert([batch], 1, 21n).records));
      expect(w1).toMatchObject({ offset: 22n, magic: 1, attributes: codec, timestamp: T + 20n, key: null });
      const innerSet = decompress(codec, w1!.value!);
      if (codec === Codec.Snappy) expect(isXerial(w1!.value!)).toBe(false); // raw snappy: what every client reads
      expect(ok(readMessageSet(innerSet)).map((m) => [m.offset, m.magic, m.attributes, m.timestamp])).toEqual([
        [0n, 1, 0, T],
        [1n, 1, 0, T + 10n],
        [2n, 1, 0, T + 20n],
      ]);
      expect(ok(deepMessages(w1!)).map((m) => [m.offset, m.key?.toString(), m.value?.toString()])).toEqual([
        [20n, 'k0', 'v0'],
        [21n, 'k1', 'v1'],
        [22n, 'k2', 'v2'],
      ]);

      const [w0] = ok(readMessageSet(downConvert([batch], 0, 21n).records));
      expect(w0).toMatchObject({ offset: 22n, magic: 0, attributes: codec, timestamp: -1n });
      if (codec === Codec.Lz4) expect(w0!.value![headerChecksumPos(w0!.value!)]).toBe(headerChecksum(w0!.value!, true));
      const inner0 = ok(readMessageSet(decompress(codec, w0!.value!, { magic: 0 })));
      expect(inner0.map((m) => [m.offset, m.magic])).toEqual([
        [20n, 0],
        [21n, 0],
        [22n, 0],
      ]);
    });
  }

  it('skips control batches; stops at zstd batches (UNSUPPORTED_COMPRESSION_TYPE when nothing came before)', async () => {
    await codecReady(Codec.Zstd);
    const control = buildRecordBatch({ baseOffset: 3n, control: true, transactional: true, records: [{ key: Buffer.from([0, 0, 0, 1]), value: Buffer.from([0, 0, 0, 0, 0, 0]) }] });
    const zstd = recompressBatch(stored(4n), Codec.Zstd);
    const first = downConvert([stored(0n), control, zstd], 1, 0n);
    expect(ok(readMessageSet(first.records)).map((m) => m.offset)).toEqual([0n, 1n, 2n]);
    expect(first.stoppedAt).toMatchObject({ error: 'UNSUPPORTED_COMPRESSION_TYPE' });
    const only = downConvert([zstd], 1, 4n);
    expect(only.records.length).toBe(0);
    expect(only.stoppedAt).toMatchObject({ error: 'UNSUPPORTED_COMPRESSION_TYPE' });
    // Nothing at or past the fetch offset in an uncompressed batch: nothing to send.
    expect(downConvert([stored(0n)], 1, 3n).records.length).toBe(0);
  });

  it('round trip: a magic 1 gzip produce, stored as v2, fetched back as magic 1 with the same records', () => {
    const inner: LegacyMessage[] = [0, 1, 2].map((i) => ({ offset: BigInt(i), magic: 1, attributes: 0, timestamp: T + BigInt(i), key: b(`k${i}`), value: b(`v${i}`) }));
    const produced = ok(readProducedMessageSet(encodeWrapper(inner, 2n, { magic: 1, codec: Codec.Gzip }, T + 2n)));
    const batch = recompressBatch(legacyToBatch(produced.records), produced.sourceCodec);
    batch.writeBigInt64BE(100n, 0); // the offset the log assigns
    expect(readRecords(batch).map((r) => r.offset)).toEqual([100n, 101n, 102n]);
    const [w] = ok(readMessageSet(downConvert([batch], 1, 100n).records));
    expect(ok(deepMessages(w!)).map((m) => [m.offset, m.timestamp, m.key?.toString(), m.value?.toString()])).toEqual(
      inner.map((m, i) => [100n + BigInt(i), m.timestamp, m.key!.toString(), m.value!.toString()]),
    );
  });
});
