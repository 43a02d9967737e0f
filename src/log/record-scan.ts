/**
 * Record-level access for the log's maintenance work (compaction, validation
 * of compacted topics): a cursor over the records of a v2 batch that exposes
 * each record's key, whether it has a value, its offset and timestamp deltas
 * and where its bytes are, without allocating per record; and the rebuilding
 * of a batch from a subset of its records, keeping offsets, producer fields
 * and attributes (Kafka's MemoryRecords.filterTo for magic 2).
 */
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_MASK,
  CONTROL_BIT,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAX_TIMESTAMP_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_COUNT_OFFSET,
  RECORDS_OFFSET,
  TIMESTAMP_TYPE_BIT,
  TRANSACTIONAL_BIT,
  crc32c,
} from '../wire/record-batch.js';
import { canCompress, compressRecords, decompressRecords } from './batch-codec.js';

/** KIP-534: the batch's baseTimestamp holds the time after which its tombstones and markers may go. */
export const DELETE_HORIZON_BIT = 0x40;

/** Control record types (key: int16 version, int16 type). */
export const ControlType = { Abort: 0, Commit: 1 } as const;

// ---------------------------------------------------------------------------
// Header readers that stay in plain numbers (offsets and timestamps < 2^53).

export function batchAttributes(batch: Buffer): number {
  return batch.readInt16BE(ATTRIBUTES_OFFSET);
}
export function batchBaseOffsetNum(batch: Buffer): number {
  return batch.readInt32BE(BASE_OFFSET_OFFSET) * 0x1_0000_0000 + batch.readUInt32BE(BASE_OFFSET_OFFSET + 4);
}
export function batchLastOffsetNum(batch: Buffer): number {
  return batchBaseOffsetNum(batch) + batch.readInt32BE(LAST_OFFSET_DELTA_OFFSET);
}
export function batchProducerIdNum(batch: Buffer): number {
  return batch.readInt32BE(PRODUCER_ID_OFFSET) * 0x1_0000_0000 + batch.readUInt32BE(PRODUCER_ID_OFFSET + 4);
}
export function int64At(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * 0x1_0000_0000 + buf.readUInt32BE(pos + 4);
}
export function isControlBatch(batch: Buffer): boolean {
  return (batch.readInt16BE(ATTRIBUTES_OFFSET) & CONTROL_BIT) !== 0;
}
export function isTransactionalBatch(batch: Buffer): boolean {
  return (batch.readInt16BE(ATTRIBUTES_OFFSET) & TRANSACTIONAL_BIT) !== 0;
}
export function deleteHorizonOf(batch: Buffer): number | null {
  return (batch.readInt16BE(ATTRIBUTES_OFFSET) & DELETE_HORIZON_BIT) !== 0 ? int64At(batch, BASE_TIMESTAMP_OFFSET) : null;
}

/**
 * The records section of a batch, decompressed when needed; null for a
 * compressed batch that cannot be decompressed (malformed, unknown codec) or,
 * with `forRewrite`, whose codec cannot compress right now. Callers then
 * leave the batch as it is.
 */
export function recordsOf(batch: Buffer, forRewrite = false): Buffer | null {
  const codec = batch.readInt16BE(ATTRIBUTES_OFFSET) & COMPRESSION_MASK;
  const body = batch.subarray(RECORDS_OFFSET, LOG_OVERHEAD + batch.readInt32BE(BATCH_LENGTH_OFFSET));
  if (codec === 0) return body;
  if (forRewrite && !canCompress(codec)) return null;
  try {
    return decompressRecords(codec, body);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------
// Varints (zigzag), in plain numbers.

/** Reads a zigzag varint/varlong at `cur.pos`; -1 position on malformed input. */
function readVar(buf: Buffer, cur: { pos: number }, end: number): number {
  let pos = cur.pos;
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) {
      cur.pos = -1;
      return 0;
    }
    const b = buf[pos++]!;
    result += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) {
      cur.pos = pos;
      // zigzag: (n >>> 1) ^ -(n & 1), in doubles
      const half = Math.floor(result / 2);
      return result % 2 === 0 ? half : -half - 1;
    }
    mul *= 128;
  }
  cur.pos = -1;
  return 0;
}

function varSize(n: number): number {
  let u = n >= 0 ? n * 2 : -n * 2 - 1;
  let size = 1;
  while (u >= 128) {
    u = Math.floor(u / 128);
    size++;
  }
  return size;
}

function writeVar(buf: Buffer, pos: number, n: number): number {
  let u = n >= 0 ? n * 2 : -n * 2 - 1;
  while (u >= 128) {
    buf[pos++] = (u % 128) | 0x80;
    u = Math.floor(u / 128);
  }
  buf[pos++] = u;
  return pos;
}

// ---------------------------------------------------------------------------
// Cursor

/**
 * Walks the records of a records section (an uncompressed batch's bytes after
 * the header, or a decompressed payload). Fields describe the current record
 * after `next()` returned true; `error` is set on malformed input.
 */
export class RecordCursor {
  /** Start of the record's length prefix and end of the record. */
  start = 0;
  end = 0;
  /** Where the timestamp delta varint starts and where the field after it starts. */
  tsPos = 0;
  afterTs = 0;
  timestampDelta = 0;
  offsetDelta = 0;
  /** Key position; keyLength -1 for a null key. */
  keyPos = 0;
  keyLength = -1;
  /** -1 for a null value (a tombstone). */
  valueLength = -1;
  error: string | null = null;
  private pos: number;
  private readonly cur = { pos: 0 };

  constructor(
    readonly buf: Buffer,
    from = 0,
    private readonly limit = buf.length,
  ) {
    this.pos = from;
  }

  next(): boolean {
    if (this.error !== null || this.pos >= this.limit) return false;
    const buf = this.buf;
    const cur = this.cur;
    this.start = this.pos;
    cur.pos = this.pos;
    const length = readVar(buf, cur, this.limit);
    if (cur.pos < 0 || length <= 0 || cur.pos + length > this.limit) return this.fail(`bad record length ${length}`);
    const end = cur.pos + length;
    this.end = end;
    cur.pos += 1; // attributes
    this.tsPos = cur.pos;
    this.timestampDelta = readVar(buf, cur, end);
    if (cur.pos < 0) return this.fail('bad timestamp delta');
    this.afterTs = cur.pos;
    this.offsetDelta = readVar(buf, cur, end);
    if (cur.pos < 0) return this.fail('bad offset delta');
    const keyLength = readVar(buf, cur, end);
    if (cur.pos < 0 || keyLength < -1 || cur.pos + Math.max(0, keyLength) > end) return this.fail('bad key length');
    this.keyPos = cur.pos;
    this.keyLength = keyLength;
    cur.pos += Math.max(0, keyLength);
    const valueLength = readVar(buf, cur, end);
    if (cur.pos < 0 || valueLength < -1 || cur.pos + Math.max(0, valueLength) > end) return this.fail('bad value length');
    this.valueLength = valueLength;
    this.pos = end;
    return true;
  }

  get hasKey(): boolean {
    return this.keyLength >= 0;
  }
  get hasValue(): boolean {
    return this.valueLength >= 0;
  }
  key(): Buffer | null {
    return this.keyLength < 0 ? null : this.buf.subarray(this.keyPos, this.keyPos + this.keyLength);
  }

  private fail(msg: string): false {
    this.error = msg;
    return false;
  }
}

/** The control type (ABORT 0, COMMIT 1, other) of a control batch, or null when unreadable. */
export function controlTypeOf(batch: Buffer): number | null {
  const records = recordsOf(batch);
  if (!records) return null;
  const c = new RecordCursor(records);
  if (!c.next() || c.keyLength < 4) return null;
  return c.buf.readInt16BE(c.keyPos + 2);
}

/**
 * Describes the first record without a key in the batch, or null when every
 * record has one (Kafka: compacted topics refuse keyless records). Batches
 * whose codec is unavailable are not checked (null).
 */
export function keylessRecordError(batch: Buffer): string | null {
  if (isControlBatch(batch)) return null;
  const records = recordsOf(batch);
  if (!records) return null;
  const c = new RecordCursor(records);
  let i = 0;
  while (c.next()) {
    if (!c.hasKey) return `record ${i} has no key`;
    i++;
  }
  return c.error !== null ? `malformed record ${i}: ${c.error}` : null;
}

// ---------------------------------------------------------------------------
// Rebuilding

export interface RetainedRecord {
  start: number;
  end: number;
  tsPos: number;
  afterTs: number;
  timestampDelta: number;
}

export interface RebuildOptions {
  /** Set the delete horizon (KIP-534): baseTimestamp becomes it and record deltas are rebased. */
  deleteHorizonMs?: number;
}

/**
 * A new batch holding `retained` records (positions into `records`, the
 * batch's records section) with the original base offset, last offset delta,
 * producer fields, leader epoch and attributes (codec included: compressed
 * batches are recompressed, so get `records` with recordsOf(batch, true)).
 * With no records it is Kafka's empty batch, kept to preserve a producer's
 * last sequence.
 */
export function rebuildBatch(original: Buffer, records: Buffer, retained: readonly RetainedRecord[], opts: RebuildOptions = {}): Buffer {
  let attributes = original.readInt16BE(ATTRIBUTES_OFFSET);
  const origBaseTs = int64At(original, BASE_TIMESTAMP_OFFSET);
  const logAppendTime = (attributes & TIMESTAMP_TYPE_BIT) !== 0;
  let baseTs = origBaseTs;
  if (opts.deleteHorizonMs !== undefined) {
    baseTs = opts.deleteHorizonMs;
    attributes |= DELETE_HORIZON_BIT;
  }
  // Kafka's empty batch header says "no compression": there is nothing to decompress.
  if (retained.length === 0) attributes &= ~COMPRESSION_MASK;
  const shift = origBaseTs - baseTs;
  let size = 0;
  let maxTs = -Infinity;
  for (const r of retained) {
    const ts = origBaseTs + r.timestampDelta;
    if (ts > maxTs) maxTs = ts;
    if (shift === 0) size += r.end - r.start;
    else {
      const bodyLen = 1 + varSize(r.timestampDelta + shift) + (r.end - r.afterTs);
      size += varSize(bodyLen) + bodyLen;
    }
  }
  let body: Buffer = Buffer.allocUnsafe(size);
  let p = 0;
  for (const r of retained) {
    if (shift === 0) {
      p += records.copy(body, p, r.start, r.end);
    } else {
      const bodyLen = 1 + varSize(r.timestampDelta + shift) + (r.end - r.afterTs);
      p = writeVar(body, p, bodyLen);
      body[p++] = records[r.tsPos - 1]!; // record attributes
      p = writeVar(body, p, r.timestampDelta + shift);
      p += records.copy(body, p, r.afterTs, r.end);
    }
  }
  const codec = attributes & COMPRESSION_MASK;
  if (codec !== 0 && retained.length > 0) body = compressRecords(codec, body);
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + body.length);
  original.copy(out, 0, 0, BATCH_HEADER_SIZE);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  out.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  writeInt64(out, BASE_TIMESTAMP_OFFSET, baseTs);
  // CreateTime: the largest retained timestamp; LogAppendTime (and an empty batch) keep the original.
  if (!logAppendTime && retained.length > 0) writeInt64(out, MAX_TIMESTAMP_OFFSET, maxTs);
  out.writeInt32BE(retained.length, RECORD_COUNT_OFFSET);
  body.copy(out, RECORDS_OFFSET);
  out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return out;
}

function writeInt64(buf: Buffer, pos: number, n: number): void {
  buf.writeBigInt64BE(BigInt(n), pos);
}
