import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTES_OFFSET,
  BatchView,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  MAGIC_OFFSET,
  RECORD_COUNT_OFFSET,
  buildRecordBatch,
  checkBatchAt,
  crc32c,
  decodeRecords,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  splitBatches,
} from '../../src/wire/record-batch.js';

const require = createRequire(import.meta.url);

function sample(n = 3, baseTimestamp = 1_700_000_000_000n): Buffer {
  return buildRecordBatch({
    baseTimestamp,
    records: Array.from({ length: n }, (_, i) => ({
      key: i === 0 ? null : Buffer.from(`k${i}`),
      value: Buffer.from(`value-${i}`),
      timestampDelta: i * 10,
      headers: i === 1 ? [{ key: 'h', value: Buffer.from('hv') }, { key: 'nil', value: null }] : [],
    })),
  });
}

/** Recomputes the CRC after a test edits covered bytes on purpose. */
function fixCrc(buf: Buffer): void {
  buf.writeUInt32BE(crc32c(buf.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
}

function splitOk(buf: Buffer): BatchView[] {
  const r = splitBatches(buf);
  if ('error' in r) throw new Error(`${r.error}: ${r.message}`);
  return r.batches;
}

function splitErr(buf: Buffer): string {
  const r = splitBatches(buf);
  if (!('error' in r)) throw new Error('expected an error');
  return r.error;
}

describe('crc32c', () => {
  it('matches the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });
});

describe('buildRecordBatch / BatchView', () => {
  it('writes a valid header the view reads back', () => {
    const buf = buildRecordBatch({
      baseOffset: 7n,
      baseTimestamp: 1000n,
      producerId: 42n,
      producerEpoch: 3,
      baseSequence: 9,
      transactional: true,
      partitionLeaderEpoch: 5,
      records: [
        { key: null, value: Buffer.from('a') },
        { key: null, value: Buffer.from('b'), timestampDelta: 25 },
      ],
    });
    const v = new BatchView(buf);
    expect(v.baseOffset).toBe(7n);
    expect(v.batchLength).toBe(buf.length - 12);
    expect(v.partitionLeaderEpoch).toBe(5);
    expect(v.magic).toBe(2);
    expect(v.crcValid).toBe(true);
    expect(v.lastOffsetDelta).toBe(1);
    expect(v.lastOffset).toBe(8n);
    expect(v.baseTimestamp).toBe(1000n);
    expect(v.maxTimestamp).toBe(1025n);
    expect(v.producerId).toBe(42n);
    expect(v.producerEpoch).toBe(3);
    expect(v.baseSequence).toBe(9);
    expect(v.recordCount).toBe(2);
    expect(v.isTransactional).toBe(true);
    expect(v.isControl).toBe(false);
    expect(v.compression).toBe(0);
    expect(v.timestampType).toBe(0);
  });

  it('encodes exactly as kafkajs does', async () => {
    const { RecordBatch: KafkaRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
      RecordBatch: (o: object) => Promise<{ buffer: Buffer }>;
    };
    const KafkaRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (o: object) => unknown;
    const records = [
      { key: Buffer.from('key-0'), value: Buffer.from('value-0'), timestampDelta: 0, offsetDelta: 0, headers: { a: Buffer.from('1') } },
      { key: null, value: Buffer.from('x'.repeat(300)), timestampDelta: 5, offsetDelta: 1, headers: {} },
    ];
    const theirs = await KafkaRecordBatch({
      firstTimestamp: 1000,
      maxTimestamp: 1005,
      lastOffsetDelta: 1,
      producerEpoch: 0,
      firstSequence: 0,
      partitionLeaderEpoch: 0,
      records: records.map((r) => KafkaRecord(r)),
    });
    const ours = buildRecordBatch({
      baseTimestamp: 1000n,
      producerEpoch: 0,
      baseSequence: 0,
      partitionLeaderEpoch: 0,
      records: records.map((r) => ({
        key: r.key,
        value: r.value,
        timestampDelta: r.timestampDelta,
        headers: Object.entries(r.headers).map(([key, value]) => ({ key, value })),
      })),
    });
    // kafkajs prefixes its batch with nothing else: firstOffset int64, then length-prefixed bytes = our layout.
    expect(ours.toString('hex')).toBe(theirs.buffer.toString('hex'));
  });
});

describe('splitBatches', () => {
  it('accepts one valid batch and returns a slice (no copy)', () => {
    const buf = sample();
    const [v, ...rest] = splitOk(buf);
    expect(rest).toHaveLength(0);
    expect(v!.buf.buffer).toBe(buf.buffer);
    expect(v!.buf.length).toBe(buf.length);
    expect(v!.recordCount).toBe(3);
  });

  it('walks concatenated batches', () => {
    const a = sample(1);
    const b = sample(4);
    const all = Buffer.concat([a, b]);
    const views = splitOk(all);
    expect(views.map((v) => v.recordCount)).toEqual([1, 4]);
    expect(views[1]!.buf.byteOffset - views[0]!.buf.byteOffset).toBe(a.length);
  });

  it('returns no batches for empty input', () => {
    expect(splitOk(Buffer.alloc(0))).toEqual([]);
  });

  it('rejects a wrong CRC as CORRUPT_MESSAGE', () => {
    const buf = sample();
    buf[buf.length - 1]! ^= 0xff;
    expect(splitErr(buf)).toBe('CORRUPT_MESSAGE');
    const buf2 = sample();
    buf2.writeUInt32BE((buf2.readUInt32BE(CRC_OFFSET) + 1) >>> 0, CRC_OFFSET);
    expect(splitErr(buf2)).toBe('CORRUPT_MESSAGE');
  });

  it('rejects truncated input as CORRUPT_MESSAGE', () => {
    const buf = sample();
    expect(splitErr(buf.subarray(0, buf.length - 1))).toBe('CORRUPT_MESSAGE');
    expect(splitErr(buf.subarray(0, 10))).toBe('CORRUPT_MESSAGE');
    expect(splitErr(buf.subarray(0, 40))).toBe('CORRUPT_MESSAGE');
    // A valid batch followed by a torn one fails as a whole.
    expect(splitErr(Buffer.concat([buf, buf.subarray(0, 30)]))).toBe('CORRUPT_MESSAGE');
  });

  it('rejects a batch length below the header size', () => {
    const buf = sample();
    buf.writeInt32BE(20, 8);
    expect(splitErr(buf)).toBe('CORRUPT_MESSAGE');
  });

  it('reports legacy magic as UNSUPPORTED_MAGIC and unknown magic as corrupt', () => {
    const buf = sample();
    buf.writeInt8(1, MAGIC_OFFSET);
    expect(splitErr(buf)).toBe('UNSUPPORTED_MAGIC');
    buf.writeInt8(0, MAGIC_OFFSET);
    expect(splitErr(buf)).toBe('UNSUPPORTED_MAGIC');
    buf.writeInt8(3, MAGIC_OFFSET);
    expect(splitErr(buf)).toBe('CORRUPT_MESSAGE');
  });

  it('rejects an inconsistent lastOffsetDelta as INVALID_RECORD', () => {
    const buf = sample(3);
    buf.writeInt32BE(5, LAST_OFFSET_DELTA_OFFSET);
    fixCrc(buf);
    expect(splitErr(buf)).toBe('INVALID_RECORD');
  });

  it('rejects a non-control batch without records, accepts an empty control batch', () => {
    const empty = buildRecordBatch({ records: [] });
    expect(splitErr(empty)).toBe('INVALID_RECORD');
    const control = buildRecordBatch({ records: [], control: true });
    expect(splitOk(control)[0]!.isControl).toBe(true);
  });

  it('rejects a negative record count as CORRUPT_MESSAGE', () => {
    const buf = sample(1);
    buf.writeInt32BE(-1, RECORD_COUNT_OFFSET);
    fixCrc(buf);
    expect(splitErr(buf)).toBe('CORRUPT_MESSAGE');
  });
});

describe('in-place patches', () => {
  it('setBaseOffset and setPartitionLeaderEpoch keep the CRC valid', () => {
    const buf = sample();
    const crc = buf.readUInt32BE(CRC_OFFSET);
    setBaseOffset(buf, 123456789012n);
    setPartitionLeaderEpoch(buf, 17);
    const v = new BatchView(buf);
    expect(v.baseOffset).toBe(123456789012n);
    expect(v.partitionLeaderEpoch).toBe(17);
    expect(v.crc).toBe(crc);
    expect(v.crcValid).toBe(true);
    expect(checkBatchAt(buf, 0)).toBe(buf.length);
    expect(decodeRecords(buf).map((r) => r.offset)).toEqual([123456789012n, 123456789013n, 123456789014n]);
  });

  it('setLogAppendTime sets the type bit and maxTimestamp and recomputes the CRC', () => {
    const buf = sample();
    setLogAppendTime(buf, 5_000n);
    const v = new BatchView(buf);
    expect(v.timestampType).toBe(1);
    expect(v.maxTimestamp).toBe(5_000n);
    expect(v.crcValid).toBe(true);
    expect(v.compression).toBe(0);
    expect(decodeRecords(buf).map((r) => r.timestamp)).toEqual([5_000n, 5_000n, 5_000n]);
  });

  it('patches a batch inside a larger buffer at its position', () => {
    const a = sample(1);
    const b = sample(2);
    const all = Buffer.concat([a, b]);
    setBaseOffset(all, 10n, a.length);
    setLogAppendTime(all, 99n, a.length);
    const views = splitOk(all);
    expect(views[0]!.baseOffset).toBe(0n);
    expect(views[1]!.baseOffset).toBe(10n);
    expect(views[1]!.maxTimestamp).toBe(99n);
    expect(views[0]!.timestampType).toBe(0);
  });
});

describe('decodeRecords', () => {
  it('round-trips keys, values, headers, offsets and timestamps', () => {
    const buf = sample(3, 1000n);
    setBaseOffset(buf, 40n);
    const recs = decodeRecords(buf);
    expect(recs).toHaveLength(3);
    expect(recs.map((r) => r.offset)).toEqual([40n, 41n, 42n]);
    expect(recs.map((r) => r.timestamp)).toEqual([1000n, 1010n, 1020n]);
    expect(recs[0]!.key).toBeNull();
    expect(recs[1]!.key!.toString()).toBe('k1');
    expect(recs[2]!.value!.toString()).toBe('value-2');
    expect(recs[1]!.headers.map((h) => [h.key, h.value?.toString() ?? null])).toEqual([
      ['h', 'hv'],
      ['nil', null],
    ]);
    expect(recs[0]!.headers).toEqual([]);
  });

  it('handles null values, large values and explicit offset deltas', () => {
    const big = Buffer.alloc(5000, 7);
    const buf = buildRecordBatch({
      baseTimestamp: 0n,
      records: [
        { key: Buffer.from('tombstone'), value: null, offsetDelta: 0 },
        { key: null, value: big, offsetDelta: 2, timestampDelta: -5 },
      ],
    });
    expect(new BatchView(buf).lastOffsetDelta).toBe(2);
    const recs = decodeRecords(buf);
    expect(recs[0]!.value).toBeNull();
    expect(recs[1]!.value!.equals(big)).toBe(true);
    expect(recs[1]!.offset).toBe(2n);
    expect(recs[1]!.timestamp).toBe(-5n);
  });

  it('throws a clear error for compressed batches', () => {
    const buf = sample();
    buf.writeInt16BE(buf.readInt16BE(ATTRIBUTES_OFFSET) | 1, ATTRIBUTES_OFFSET);
    fixCrc(buf);
    expect(() => decodeRecords(buf)).toThrow(/compressed/);
  });

  it('throws on malformed record bytes instead of returning garbage', () => {
    const buf = sample();
    buf.writeInt32BE(10, RECORD_COUNT_OFFSET); // claims more records than present
    expect(() => decodeRecords(buf)).toThrow(/malformed/);
  });
});
