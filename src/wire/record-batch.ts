/**
 * RecordBatch v2 as a view over bytes. The produce and fetch paths only ever
 * look at the 61-byte header: offsets are assigned by patching `baseOffset`
 * in place and fetches hand out the stored bytes as they are. Individual
 * records are decoded only by `decodeRecords`, for the few places whose
 * semantics need them (timestamp lookups, compaction, control records).
 *
 * Layout (big-endian), https://kafka.apache.org/documentation/#recordbatch:
 *   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 |
 *   crc uint32 | attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 |
 *   maxTimestamp int64 | producerId int64 | producerEpoch int16 | baseSequence int32 |
 *   recordCount int32 | records...
 * The CRC (Castagnoli) covers attributes..end, which is why baseOffset and
 * partitionLeaderEpoch can be rewritten without recomputing it.
 */
import CRC32C from 'crc-32/crc32c.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORD_COUNT_OFFSET = 57;
export const RECORDS_OFFSET = 61;

/** Bytes before `batchLength` starts counting (baseOffset + batchLength). */
export const LOG_OVERHEAD = 12;
/** Size of the fixed header. */
export const BATCH_HEADER_SIZE = RECORDS_OFFSET;
/** Smallest legal `batchLength`: the header after the first 12 bytes, no records. */
export const MIN_BATCH_LENGTH = BATCH_HEADER_SIZE - LOG_OVERHEAD;

export const CURRENT_MAGIC = 2;

// Attribute bits.
export const COMPRESSION_MASK = 0x07;
export const TIMESTAMP_TYPE_BIT = 0x08;
export const TRANSACTIONAL_BIT = 0x10;
export const CONTROL_BIT = 0x20;

/** Compression codecs, attributes & 7. */
export const CompressionType = { None: 0, Gzip: 1, Snappy: 2, Lz4: 3, Zstd: 4 } as const;

/** 0 = CreateTime, 1 = LogAppendTime. */
export type TimestampType = 0 | 1;

/** CRC-32C (Castagnoli) as an unsigned 32-bit number. */
export function crc32c(buf: Uint8Array): number {
  return CRC32C.buf(buf) >>> 0;
}

/** Read-only view of one batch; `buf` is exactly the batch's bytes (usually a slice of a larger buffer). */
export class BatchView {
  constructor(readonly buf: Buffer) {}

  get baseOffset(): bigint {
    return this.buf.readBigInt64BE(BASE_OFFSET_OFFSET);
  }
  get batchLength(): number {
    return this.buf.readInt32BE(BATCH_LENGTH_OFFSET);
  }
  get partitionLeaderEpoch(): number {
    return this.buf.readInt32BE(PARTITION_LEADER_EPOCH_OFFSET);
  }
  get magic(): number {
    return this.buf.readInt8(MAGIC_OFFSET);
  }
  get crc(): number {
    return this.buf.readUInt32BE(CRC_OFFSET);
  }
  get attributes(): number {
    return this.buf.readInt16BE(ATTRIBUTES_OFFSET);
  }
  get lastOffsetDelta(): number {
    return this.buf.readInt32BE(LAST_OFFSET_DELTA_OFFSET);
  }
  get baseTimestamp(): bigint {
    return this.buf.readBigInt64BE(BASE_TIMESTAMP_OFFSET);
  }
  get maxTimestamp(): bigint {
    return this.buf.readBigInt64BE(MAX_TIMESTAMP_OFFSET);
  }
  get producerId(): bigint {
    return this.buf.readBigInt64BE(PRODUCER_ID_OFFSET);
  }
  get producerEpoch(): number {
    return this.buf.readInt16BE(PRODUCER_EPOCH_OFFSET);
  }
  get baseSequence(): number {
    return this.buf.readInt32BE(BASE_SEQUENCE_OFFSET);
  }
  get recordCount(): number {
    return this.buf.readInt32BE(RECORD_COUNT_OFFSET);
  }

  get lastOffset(): bigint {
    return this.baseOffset + BigInt(this.lastOffsetDelta);
  }
  get isTransactional(): boolean {
    return (this.attributes & TRANSACTIONAL_BIT) !== 0;
  }
  get isControl(): boolean {
    return (this.attributes & CONTROL_BIT) !== 0;
  }
  get compression(): number {
    return this.attributes & COMPRESSION_MASK;
  }
  get timestampType(): TimestampType {
    return (this.attributes & TIMESTAMP_TYPE_BIT) !== 0 ? 1 : 0;
  }
  /** Whether the stored CRC matches the bytes. */
  get crcValid(): boolean {
    return crc32c(this.buf.subarray(ATTRIBUTES_OFFSET)) === this.crc;
  }
}

export type BatchErrorCode = 'CORRUPT_MESSAGE' | 'INVALID_RECORD' | 'UNSUPPORTED_MAGIC';
export interface BatchError {
  error: BatchErrorCode;
  message: string;
}

/**
 * Structural check of the batch starting at `pos`: enough bytes for the
 * header, a sane length that fits in `end`, magic 2 and a matching CRC.
 * Returns the batch's total size (12 + batchLength) or an error. Shared by
 * produce validation and on-disk recovery.
 */
export function checkBatchAt(buf: Buffer, pos: number, end = buf.length): number | BatchError {
  const remaining = end - pos;
  // Magic sits at byte 16 in every message format (v0/v1 have crc at 12, magic at 16),
  // so a legacy message set is recognised before its length is judged by v2 rules.
  if (remaining <= MAGIC_OFFSET) {
    return corrupt(`truncated batch header: ${remaining} bytes left at byte ${pos}`);
  }
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic === 0 || magic === 1) {
    return { error: 'UNSUPPORTED_MAGIC', message: `message format v${magic} is not supported (only record batch v2)` };
  }
  if (magic !== CURRENT_MAGIC) return corrupt(`unknown magic ${magic} at byte ${pos}`);
  const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  if (batchLength < MIN_BATCH_LENGTH) {
    return corrupt(`batch length ${batchLength} is smaller than the minimum ${MIN_BATCH_LENGTH} at byte ${pos}`);
  }
  const size = LOG_OVERHEAD + batchLength;
  if (size > remaining) {
    return corrupt(`batch of ${size} bytes at byte ${pos} exceeds the ${remaining} bytes available`);
  }
  const stored = buf.readUInt32BE(pos + CRC_OFFSET);
  const actual = crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + size));
  if (stored !== actual) {
    return corrupt(`CRC mismatch at byte ${pos}: stored ${hex(stored)}, computed ${hex(actual)}`);
  }
  return size;
}

/**
 * Splits the concatenated batches of a produce request into views (slices, no
 * copies) after validating each one. Record-level checks follow Kafka's
 * LogValidator for client batches: a non-control batch must hold at least one
 * record and its offset range must match its count.
 */
export function splitBatches(records: Buffer): { batches: BatchView[] } | BatchError {
  const batches: BatchView[] = [];
  let pos = 0;
  while (pos < records.length) {
    const size = checkBatchAt(records, pos);
    if (typeof size !== 'number') return size;
    const view = new BatchView(records.subarray(pos, pos + size));
    const count = view.recordCount;
    if (count < 0) return corrupt(`negative record count ${count} at byte ${pos}`);
    if (!view.isControl) {
      if (count === 0) return invalid(`record batch at byte ${pos} has no records`);
      if (view.lastOffsetDelta !== count - 1) {
        return invalid(`inconsistent batch at byte ${pos}: lastOffsetDelta ${view.lastOffsetDelta} with ${count} records`);
      }
    }
    if (view.compression === 0) {
      const framing = recordFramingError(view.buf, count);
      if (framing !== null) return invalid(`batch at byte ${pos}: ${framing}`);
    }
    batches.push(view);
    pos += size;
  }
  return { batches };
}

/**
 * Walks the length prefixes of an uncompressed batch's records, without looking
 * inside them: the records must fill the batch exactly and match its count, or
 * consumers would fail on a batch we acknowledged. A few varint reads per
 * record, so it stays cheap on the produce path.
 */
function recordFramingError(buf: Buffer, count: number): string | null {
  let pos = RECORDS_OFFSET;
  let n = 0;
  const end = buf.length;
  while (pos < end) {
    let u = 0;
    let shift = 0;
    let b: number;
    do {
      if (pos >= end || shift > 28) return `malformed length of record ${n}`;
      b = buf[pos++]!;
      u |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    const len = (u >>> 1) ^ -(u & 1);
    if (len <= 0 || len > end - pos) return `record ${n} of length ${len} does not fit the batch`;
    pos += len;
    n++;
  }
  return n === count ? null : `header says ${count} records, the batch holds ${n}`;
}

/** Patches baseOffset in place (not covered by the CRC). */
export function setBaseOffset(buf: Buffer, offset: bigint, pos = 0): void {
  buf.writeBigInt64BE(offset, pos + BASE_OFFSET_OFFSET);
}

/** Patches partitionLeaderEpoch in place (not covered by the CRC). */
export function setPartitionLeaderEpoch(buf: Buffer, epoch: number, pos = 0): void {
  buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH_OFFSET);
}

/**
 * Switches the batch to LogAppendTime: sets the timestamp-type bit and
 * maxTimestamp (which consumers then report as every record's timestamp) and
 * recomputes the CRC, since both fields are covered by it. Records are untouched.
 */
export function setLogAppendTime(buf: Buffer, timestamp: bigint, pos = 0): void {
  const size = LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  buf.writeInt16BE(attributes | TIMESTAMP_TYPE_BIT, pos + ATTRIBUTES_OFFSET);
  buf.writeBigInt64BE(timestamp, pos + MAX_TIMESTAMP_OFFSET);
  buf.writeUInt32BE(crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + size)), pos + CRC_OFFSET);
}

/** Patches maxTimestamp in place and recomputes the CRC, which covers it. */
export function setMaxTimestamp(buf: Buffer, timestamp: bigint, pos = 0): void {
  const size = LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  buf.writeBigInt64BE(timestamp, pos + MAX_TIMESTAMP_OFFSET);
  buf.writeUInt32BE(crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + size)), pos + CRC_OFFSET);
}

// Header readers at a position, for walking stored batches without allocating views.
export function batchSizeAt(buf: Buffer, pos: number): number {
  return LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
}
export function baseOffsetAt(buf: Buffer, pos: number): bigint {
  return buf.readBigInt64BE(pos + BASE_OFFSET_OFFSET);
}
export function lastOffsetAt(buf: Buffer, pos: number): bigint {
  return buf.readBigInt64BE(pos + BASE_OFFSET_OFFSET) + BigInt(buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET));
}
export function maxTimestampAt(buf: Buffer, pos: number): bigint {
  return buf.readBigInt64BE(pos + MAX_TIMESTAMP_OFFSET);
}

// ---------------------------------------------------------------------------
// Record encoding/decoding: tests, tools and internal topics, not the hot path.

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface RecordInput {
  key: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeader[];
  /** Defaults to 0. */
  timestampDelta?: bigint | number;
  /** Defaults to the record's index in the batch. */
  offsetDelta?: number;
}

export interface BuildBatchOptions {
  baseOffset?: bigint;
  records: RecordInput[];
  /** Defaults to Date.now(). */
  baseTimestamp?: bigint;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  control?: boolean;
  partitionLeaderEpoch?: number;
}

/** Encodes an uncompressed v2 batch with a correct CRC. */
export function buildRecordBatch(opts: BuildBatchOptions): Buffer {
  const baseTimestamp = opts.baseTimestamp ?? BigInt(Date.now());
  const body = new Writer(256);
  let maxTsDelta: bigint | null = null;
  let lastOffsetDelta = 0;
  opts.records.forEach((r, i) => {
    const tsDelta = BigInt(r.timestampDelta ?? 0);
    const offsetDelta = r.offsetDelta ?? i;
    if (maxTsDelta === null || tsDelta > maxTsDelta) maxTsDelta = tsDelta;
    if (offsetDelta > lastOffsetDelta) lastOffsetDelta = offsetDelta;
    const rec = encodeRecord(r, tsDelta, offsetDelta);
    body.varint(rec.length);
    body.raw(rec);
  });
  const records = body.toBuffer();

  let attributes = 0;
  if (opts.transactional) attributes |= TRANSACTIONAL_BIT;
  if (opts.control) attributes |= CONTROL_BIT;

  const buf = Buffer.alloc(BATCH_HEADER_SIZE + records.length);
  buf.writeBigInt64BE(opts.baseOffset ?? 0n, BASE_OFFSET_OFFSET);
  buf.writeInt32BE(buf.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  buf.writeInt32BE(opts.partitionLeaderEpoch ?? -1, PARTITION_LEADER_EPOCH_OFFSET);
  buf.writeInt8(CURRENT_MAGIC, MAGIC_OFFSET);
  buf.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  buf.writeInt32BE(lastOffsetDelta, LAST_OFFSET_DELTA_OFFSET);
  buf.writeBigInt64BE(baseTimestamp, BASE_TIMESTAMP_OFFSET);
  buf.writeBigInt64BE(baseTimestamp + (maxTsDelta ?? 0n), MAX_TIMESTAMP_OFFSET);
  buf.writeBigInt64BE(opts.producerId ?? -1n, PRODUCER_ID_OFFSET);
  buf.writeInt16BE(opts.producerEpoch ?? -1, PRODUCER_EPOCH_OFFSET);
  buf.writeInt32BE(opts.baseSequence ?? -1, BASE_SEQUENCE_OFFSET);
  buf.writeInt32BE(opts.records.length, RECORD_COUNT_OFFSET);
  records.copy(buf, RECORDS_OFFSET);
  buf.writeUInt32BE(crc32c(buf.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return buf;
}

function encodeRecord(r: RecordInput, tsDelta: bigint, offsetDelta: number): Buffer {
  const w = new Writer(64);
  w.int8(0); // record attributes: unused
  w.varlong(tsDelta);
  w.varint(offsetDelta);
  varBytes(w, r.key);
  varBytes(w, r.value);
  const headers = r.headers ?? [];
  w.varint(headers.length);
  for (const h of headers) {
    varBytes(w, Buffer.from(h.key, 'utf8'));
    varBytes(w, h.value);
  }
  return w.toBuffer();
}

function varBytes(w: Writer, b: Buffer | null): void {
  if (b === null) return w.varint(-1);
  w.varint(b.length);
  w.raw(b);
}

export interface DecodedRecord {
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/**
 * Decodes the records of one uncompressed batch (keys, values and header values
 * are slices of `batch`). For LogAppendTime batches every record's timestamp
 * is the batch's maxTimestamp, as consumers see it. Throws on compressed or
 * malformed batches.
 */
export function decodeRecords(batch: Buffer): DecodedRecord[] {
  const view = new BatchView(batch);
  if (view.compression !== CompressionType.None) {
    throw new Error(`decodeRecords: compressed batches (codec ${view.compression}) are not supported yet`);
  }
  const baseOffset = view.baseOffset;
  const baseTimestamp = view.baseTimestamp;
  const logAppendTime = view.timestampType === 1 ? view.maxTimestamp : null;
  const count = view.recordCount;
  const end = LOG_OVERHEAD + view.batchLength;
  const r = new Reader(batch, RECORDS_OFFSET, Math.min(end, batch.length));
  const out: DecodedRecord[] = [];
  for (let i = 0; i < count && r.error === null; i++) {
    const length = r.varint();
    const recordEnd = r.pos + length;
    if (length < 0 || recordEnd > r.end) {
      r.fail(`bad record length ${length}`);
      break;
    }
    r.int8(); // attributes
    const tsDelta = r.varlong();
    const offsetDelta = r.varint();
    const key = readVarBytes(r);
    const value = readVarBytes(r);
    const headerCount = r.varint();
    if (headerCount < 0) r.fail(`bad header count ${headerCount}`);
    const headers: RecordHeader[] = [];
    for (let h = 0; h < headerCount && r.error === null; h++) {
      const k = readVarBytes(r);
      headers.push({ key: k === null ? '' : k.toString('utf8'), value: readVarBytes(r) });
    }
    if (r.error === null && r.pos !== recordEnd) r.fail(`record length ${length} does not match its content`);
    out.push({
      offset: baseOffset + BigInt(offsetDelta),
      timestamp: logAppendTime ?? baseTimestamp + tsDelta,
      key,
      value,
      headers,
    });
  }
  if (r.error !== null) throw new Error(`decodeRecords: malformed record batch: ${r.error}`);
  return out;
}

function readVarBytes(r: Reader): Buffer | null {
  const n = r.varint();
  if (n < 0) return null;
  return r.raw(n);
}

function corrupt(message: string): BatchError {
  return { error: 'CORRUPT_MESSAGE', message };
}
function invalid(message: string): BatchError {
  return { error: 'INVALID_RECORD', message };
}
function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
