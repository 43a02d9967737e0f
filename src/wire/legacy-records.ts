/**
 * Kafka's legacy message formats, magic 0 (Kafka 0.8–0.9) and magic 1 (0.10,
 * KIP-32 timestamps), as carried by Produce v0–2 and Fetch v0–3
 * (https://kafka.apache.org/documentation/#messageset):
 *
 *   message set = [offset int64 | message_size int32 | message]*
 *   message     = crc uint32 | magic int8 | attributes int8 | timestamp int64 (magic 1 only) |
 *                 key bytes | value bytes          (bytes: int32 length, -1 = null)
 *
 * The CRC is CRC-32 (IEEE) over magic..end. Attributes: bits 0–2 the codec,
 * bit 3 the timestamp type (magic 1: 0 CreateTime, 1 LogAppendTime). A
 * compressed message is a "wrapper": its value is a compressed message set of
 * inner messages. Inner offsets are absolute in magic 0 and relative (0..n-1)
 * in magic 1, where the wrapper carries the absolute offset of the last one.
 *
 * The broker stores only v2 batches, so legacy data is converted up on produce
 * (`readProducedMessageSet` + `legacyToBatch`) and stored batches are converted
 * down for old fetchers (`downConvert`), following Kafka's LogValidator and
 * RecordsUtil.downConvert/MemoryRecordsBuilder.
 */
import CRC32 from 'crc-32';
import { Codec, codecName, compress, decompress } from './compression/index.js';
import { readRecords } from './batch-records.js';
import {
  ATTRIBUTES_OFFSET as BATCH_ATTRIBUTES_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  BatchView,
  CRC_OFFSET,
  CURRENT_MAGIC,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  BASE_SEQUENCE_OFFSET,
  RECORD_COUNT_OFFSET,
  RECORDS_OFFSET,
  crc32c,
  type DecodedRecord,
} from './record-batch.js';

/** offset (8) + message_size (4). */
export const LEGACY_LOG_OVERHEAD = 12;
/** Position of the magic byte in a message-set entry (after offset, size and crc), as in a v2 batch. */
export const LEGACY_MAGIC_OFFSET = 16;
const ATTRIBUTES_OFFSET = 17;
/** crc + magic + attributes + key length + value length. */
const MESSAGE_OVERHEAD_V0 = 14;
/** ... plus the timestamp. */
const MESSAGE_OVERHEAD_V1 = 22;

export const LEGACY_TIMESTAMP_TYPE_BIT = 0x08;
/** Kafka's RecordBatch.NO_TIMESTAMP: what magic 0 messages get when converted. */
export const NO_TIMESTAMP = -1n;

export type LegacyMagic = 0 | 1;

export interface LegacyMessage {
  /** For inner messages of a compressed wrapper: the absolute offset (magic 1: derived from the wrapper). */
  offset: bigint;
  magic: LegacyMagic;
  attributes: number;
  /** NO_TIMESTAMP (-1) for magic 0. Inner messages of a LogAppendTime wrapper report the wrapper's timestamp. */
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

export interface LegacyError {
  error: 'CORRUPT_MESSAGE' | 'INVALID_RECORD' | 'UNSUPPORTED_COMPRESSION_TYPE';
  message: string;
}

export function legacyCodec(m: { attributes: number }): number {
  return m.attributes & 0x07;
}

export function legacyTimestampType(m: { magic: number; attributes: number }): 0 | 1 {
  return m.magic > 0 && (m.attributes & LEGACY_TIMESTAMP_TYPE_BIT) !== 0 ? 1 : 0;
}

/** CRC-32 (IEEE), unsigned. */
export function crc32(buf: Uint8Array): number {
  return CRC32.buf(buf) >>> 0;
}

/** Whether `records` (a produce request's bytes) starts with a legacy (magic 0 or 1) message. */
export function isLegacyMessageSet(records: Buffer): boolean {
  return records.length > LEGACY_MAGIC_OFFSET && records.readInt8(LEGACY_MAGIC_OFFSET) < 2 && records.readInt8(LEGACY_MAGIC_OFFSET) >= 0;
}

export interface ReadOptions {
  /** Stop quietly at a truncated last entry (fetch responses may end with one); otherwise it is CORRUPT_MESSAGE. */
  allowPartialTail?: boolean;
}

/**
 * Reads the messages of a message set as they are (wrappers stay wrappers),
 * checking each message's size, layout and CRC.
 */
export function readMessageSet(buf: Buffer, opts: ReadOptions = {}): LegacyMessage[] | LegacyError {
  const out: LegacyMessage[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (buf.length - pos < LEGACY_LOG_OVERHEAD) {
      if (opts.allowPartialTail) break;
      return corrupt(`truncated message set entry at byte ${pos}`);
    }
    const offset = buf.readBigInt64BE(pos);
    const size = buf.readInt32BE(pos + 8);
    const start = pos + LEGACY_LOG_OVERHEAD;
    const end = start + size;
    if (size < MESSAGE_OVERHEAD_V0) return corrupt(`message size ${size} at byte ${pos} is smaller than the minimum ${MESSAGE_OVERHEAD_V0}`);
    if (end > buf.length) {
      if (opts.allowPartialTail) break;
      return corrupt(`message of ${size} bytes at byte ${pos} exceeds the ${buf.length - start} bytes available`);
    }
    const m = readMessage(buf, start, end, offset);
    if ('error' in m) return { error: m.error, message: `${m.message} (message at byte ${pos})` };
    out.push(m);
    pos = end;
  }
  return out;
}

function readMessage(buf: Buffer, start: number, end: number, offset: bigint): LegacyMessage | LegacyError {
  const magic = buf.readInt8(start + 4);
  if (magic !== 0 && magic !== 1) return { error: 'CORRUPT_MESSAGE', message: `magic ${magic} is not a legacy message format` };
  if (end - start < (magic === 0 ? MESSAGE_OVERHEAD_V0 : MESSAGE_OVERHEAD_V1)) return corrupt(`message of ${end - start} bytes is too small for magic ${magic}`);
  const stored = buf.readUInt32BE(start);
  const actual = crc32(buf.subarray(start + 4, end));
  if (stored !== actual) return corrupt(`CRC-32 mismatch: stored ${hex(stored)}, computed ${hex(actual)}`);
  const attributes = buf.readInt8(start + 5);
  let pos = start + 6;
  let timestamp = NO_TIMESTAMP;
  if (magic === 1) {
    timestamp = buf.readBigInt64BE(pos);
    pos += 8;
  }
  const key = readBytes(buf, pos, end);
  if (key === undefined) return corrupt('malformed key length');
  pos += 4 + (key?.length ?? 0);
  const value = readBytes(buf, pos, end);
  if (value === undefined) return corrupt('malformed value length');
  pos += 4 + (value?.length ?? 0);
  if (pos !== end) return corrupt(`message size ${end - start} does not match its content (${pos - start} bytes)`);
  return { offset, magic, attributes, timestamp, key, value };
}

/** Bytes at `pos` (int32 length, -1 = null); undefined when malformed or past `end`. */
function readBytes(buf: Buffer, pos: number, end: number): Buffer | null | undefined {
  if (pos + 4 > end) return undefined;
  const n = buf.readInt32BE(pos);
  if (n === -1) return null;
  if (n < 0 || pos + 4 + n > end) return undefined;
  return buf.subarray(pos + 4, pos + 4 + n);
}

export interface DeepOptions {
  /** Reject inner messages whose magic differs from the wrapper's, as Kafka's LogValidator does. */
  ensureMatchingMagic?: boolean;
}

/**
 * The messages a message stands for: itself when uncompressed, else the inner
 * messages of the wrapper with absolute offsets and, for LogAppendTime
 * wrappers, the wrapper's timestamp (Kafka's DeepRecordsIterator).
 */
export function deepMessages(wrapper: LegacyMessage, opts: DeepOptions = {}): LegacyMessage[] | LegacyError {
  const codec = legacyCodec(wrapper);
  if (codec === Codec.None) return [wrapper];
  if (wrapper.value === null) return invalid('compressed message has a null value');
  let inner: Buffer;
  try {
    inner = decompress(codec, wrapper.value, { magic: wrapper.magic });
  } catch (err) {
    return corrupt(`cannot decompress the ${codecName(codec)} message at offset ${wrapper.offset}: ${(err as Error).message}`);
  }
  const messages = readMessageSet(inner);
  if ('error' in messages) return { error: messages.error, message: `inner message set of the wrapper at offset ${wrapper.offset}: ${messages.message}` };
  if (messages.length === 0) return invalid(`compressed message at offset ${wrapper.offset} holds no messages`);
  const last = messages[messages.length - 1]!.offset;
  const logAppendTime = legacyTimestampType(wrapper) === 1;
  for (const m of messages) {
    if (legacyCodec(m) !== Codec.None) return invalid('compressed message has an inner message with a compression attribute set');
    if (opts.ensureMatchingMagic && m.magic !== wrapper.magic) {
      return invalid(`inner message magic ${m.magic} does not match wrapper magic ${wrapper.magic}`);
    }
    if (wrapper.magic > 0) m.offset = wrapper.offset - last + m.offset;
    if (logAppendTime) m.timestamp = wrapper.timestamp;
  }
  return messages;
}

/** One message set entry (offset, size, message) with its CRC. */
export function encodeMessage(m: LegacyMessage): Buffer {
  const keyLen = m.key?.length ?? 0;
  const valueLen = m.value?.length ?? 0;
  const size = (m.magic === 0 ? MESSAGE_OVERHEAD_V0 : MESSAGE_OVERHEAD_V1) + keyLen + valueLen;
  const buf = Buffer.allocUnsafe(LEGACY_LOG_OVERHEAD + size);
  buf.writeBigInt64BE(m.offset, 0);
  buf.writeInt32BE(size, 8);
  buf.writeInt8(m.magic, LEGACY_MAGIC_OFFSET);
  buf.writeInt8(m.attributes, ATTRIBUTES_OFFSET);
  let pos = ATTRIBUTES_OFFSET + 1;
  if (m.magic === 1) pos = buf.writeBigInt64BE(m.timestamp, pos);
  pos = writeBytes(buf, pos, m.key);
  writeBytes(buf, pos, m.value);
  buf.writeUInt32BE(crc32(buf.subarray(LEGACY_MAGIC_OFFSET)), LEGACY_LOG_OVERHEAD);
  return buf;
}

function writeBytes(buf: Buffer, pos: number, b: Buffer | null): number {
  if (b === null) return buf.writeInt32BE(-1, pos);
  pos = buf.writeInt32BE(b.length, pos);
  return pos + b.copy(buf, pos);
}

export interface WrapperOptions {
  magic: LegacyMagic;
  codec: number;
  /** 1 = LogAppendTime (magic 1 only). */
  timestampType?: 0 | 1;
}

/**
 * A compressed wrapper around `inner` (already carrying the offsets the format
 * wants): offset = the last inner message's absolute offset, null key,
 * timestamp = the largest inner timestamp (or the log append time). `absoluteLastOffset`
 * is given because magic 1 inner offsets are relative.
 */
export function encodeWrapper(inner: LegacyMessage[], absoluteLastOffset: bigint, opts: WrapperOptions, timestamp: bigint): Buffer {
  const set = Buffer.concat(inner.map(encodeMessage));
  const tsBit = opts.magic > 0 && opts.timestampType === 1 ? LEGACY_TIMESTAMP_TYPE_BIT : 0;
  return encodeMessage({
    offset: absoluteLastOffset,
    magic: opts.magic,
    attributes: opts.codec | tsBit,
    timestamp: opts.magic === 0 ? NO_TIMESTAMP : timestamp,
    key: null,
    value: compress(opts.codec, set, { magic: opts.magic }),
  });
}

// ---------------------------------------------------------------------------
// Produce: legacy message set → records for one v2 batch

export interface ProducedMessageSet {
  /** Every record, wrappers expanded, in order. */
  records: LegacyMessage[];
  /** The codec of the last compressed wrapper (Kafka's source compression), or Codec.None. */
  sourceCodec: number;
  /** The largest message magic seen. */
  magic: LegacyMagic;
}

/**
 * Validates a Produce v0–2 message set as Kafka's Log/LogValidator do: each
 * message's CRC (CORRUPT_MESSAGE), inner messages neither compressed nor of
 * another magic than their wrapper and their CRCs (INVALID_RECORD /
 * CORRUPT_MESSAGE), no zstd (UNSUPPORTED_COMPRESSION_TYPE: produce < v7), at
 * least one record.
 */
export function readProducedMessageSet(buf: Buffer): ProducedMessageSet | LegacyError {
  const shallow = readMessageSet(buf);
  if ('error' in shallow) return shallow;
  if (shallow.length === 0) return invalid('produce request contains no messages');
  const records: LegacyMessage[] = [];
  let sourceCodec: number = Codec.None;
  let magic: LegacyMagic = 0;
  for (const m of shallow) {
    const codec = legacyCodec(m);
    if (codec === Codec.Zstd) return { error: 'UNSUPPORTED_COMPRESSION_TYPE', message: 'Produce requests with version < 7 cannot use ZStandard compression' };
    if (codec > Codec.Zstd) return corrupt(`unknown compression codec ${codec}`);
    if (codec !== Codec.None) sourceCodec = codec;
    if (m.magic > magic) magic = m.magic;
    const deep = deepMessages(m, { ensureMatchingMagic: true });
    if ('error' in deep) return deep;
    for (const r of deep) records.push(r);
  }
  return { records, sourceCodec, magic };
}

/**
 * One uncompressed v2 batch holding `records` (Kafka's conversion of a
 * legacy produce): offset deltas 0..n-1, each record's timestamp (magic 0:
 * NO_TIMESTAMP, -1), baseTimestamp = the first record's, no headers,
 * producer id/epoch/sequence -1, CreateTime. The caller compresses it and
 * applies LogAppendTime as the topic says.
 */
export function legacyToBatch(records: LegacyMessage[]): Buffer {
  // Written straight into one buffer (a size pass, then a write pass): old clients send
  // thousands of small messages per request, and per-record writers would dominate.
  const base = records[0]?.timestamp ?? NO_TIMESTAMP;
  let maxTimestamp = base;
  const deltas = new Array<number>(records.length);
  const bodySizes = new Array<number>(records.length);
  let size = RECORDS_OFFSET;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
    const delta = Number(r.timestamp - base);
    deltas[i] = delta;
    const keyLen = r.key?.length ?? -1;
    const valueLen = r.value?.length ?? -1;
    // attributes, timestamp delta, offset delta, key, value, header count (0)
    const body = 1 + varintSize(delta) + varintSize(i) + varintSize(keyLen) + Math.max(0, keyLen) + varintSize(valueLen) + Math.max(0, valueLen) + 1;
    bodySizes[i] = body;
    size += varintSize(body) + body;
  }
  const buf = Buffer.allocUnsafe(size);
  let pos = RECORDS_OFFSET;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    pos = writeVarint(buf, pos, bodySizes[i]!);
    buf[pos++] = 0;
    pos = writeVarint(buf, pos, deltas[i]!);
    pos = writeVarint(buf, pos, i);
    pos = writeVarBytes(buf, pos, r.key);
    pos = writeVarBytes(buf, pos, r.value);
    buf[pos++] = 0;
  }
  buf.writeBigInt64BE(0n, 0);
  buf.writeInt32BE(size - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  buf.writeInt32BE(-1, PARTITION_LEADER_EPOCH_OFFSET);
  buf.writeInt8(CURRENT_MAGIC, MAGIC_OFFSET);
  buf.writeInt16BE(0, BATCH_ATTRIBUTES_OFFSET);
  buf.writeInt32BE(records.length - 1, LAST_OFFSET_DELTA_OFFSET);
  buf.writeBigInt64BE(base, BASE_TIMESTAMP_OFFSET);
  buf.writeBigInt64BE(maxTimestamp, MAX_TIMESTAMP_OFFSET);
  buf.writeBigInt64BE(-1n, PRODUCER_ID_OFFSET);
  buf.writeInt16BE(-1, PRODUCER_EPOCH_OFFSET);
  buf.writeInt32BE(-1, BASE_SEQUENCE_OFFSET);
  buf.writeInt32BE(records.length, RECORD_COUNT_OFFSET);
  buf.writeUInt32BE(crc32c(buf.subarray(BATCH_ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return buf;
}

/** Bytes of a zigzag varint/varlong (values within ±2^53). */
function varintSize(v: number): number {
  let z = v >= 0 ? v * 2 : -v * 2 - 1;
  let n = 1;
  while (z >= 128) {
    z = Math.floor(z / 128);
    n++;
  }
  return n;
}

function writeVarint(buf: Buffer, pos: number, v: number): number {
  let z = v >= 0 ? v * 2 : -v * 2 - 1;
  while (z >= 128) {
    buf[pos++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  buf[pos++] = z;
  return pos;
}

function writeVarBytes(buf: Buffer, pos: number, b: Buffer | null): number {
  if (b === null) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, b.length);
  return pos + b.copy(buf, pos);
}

// ---------------------------------------------------------------------------
// Fetch: stored v2 batches → legacy message set

export interface DownConverted {
  /** The message set (possibly empty). */
  records: Buffer;
  /**
   * Set when conversion stopped at a batch it cannot convert (zstd: Kafka has
   * no zstd before magic 2). With nothing converted before it, the caller
   * answers UNSUPPORTED_COMPRESSION_TYPE.
   */
  stoppedAt: LegacyError | null;
}

/**
 * Converts stored v2 batches to magic `toMagic` messages, as Kafka's
 * RecordsUtil.downConvert: control batches are dropped; an uncompressed
 * batch becomes one message per record, dropping records below
 * `fetchOffset` (uncompressed legacy messages are not batched, so the fetch
 * starts exactly there); a compressed batch becomes one wrapper of the same
 * codec holding all its records (Kafka converts from the whole batch), with
 * magic 1 relative inner offsets. Headers are dropped (the formats have none);
 * magic 0 has no timestamps; magic 1 keeps each record's timestamp, or for
 * LogAppendTime batches the batch's maxTimestamp with the timestamp-type bit.
 */
export function downConvert(batches: readonly Buffer[], toMagic: LegacyMagic, fetchOffset: bigint): DownConverted {
  const out: Buffer[] = [];
  for (const batch of batches) {
    const view = new BatchView(batch);
    if (view.isControl) continue;
    const codec = view.compression;
    if (codec === Codec.Zstd) {
      return { records: Buffer.concat(out), stoppedAt: { error: 'UNSUPPORTED_COMPRESSION_TYPE', message: 'Down-conversion of zstandard-compressed batches is not supported' } };
    }
    let records: DecodedRecord[] = readRecords(batch);
    if (codec === Codec.None) records = records.filter((r) => r.offset >= fetchOffset);
    if (records.length === 0) continue;
    const timestampType = toMagic > 0 ? view.timestampType : 0;
    const tsBit = timestampType === 1 ? LEGACY_TIMESTAMP_TYPE_BIT : 0;
    const timestampOf = (r: DecodedRecord): bigint => (toMagic === 0 ? NO_TIMESTAMP : timestampType === 1 ? view.maxTimestamp : r.timestamp);
    if (codec === Codec.None) {
      for (const r of records) out.push(encodeMessage({ offset: r.offset, magic: toMagic, attributes: tsBit, timestamp: timestampOf(r), key: r.key, value: r.value }));
      continue;
    }
    const baseOffset = records[0]!.offset;
    let maxTimestamp = NO_TIMESTAMP;
    const inner = records.map((r): LegacyMessage => {
      const timestamp = timestampOf(r);
      if (timestamp > maxTimestamp) maxTimestamp = timestamp;
      return { offset: toMagic > 0 ? r.offset - baseOffset : r.offset, magic: toMagic, attributes: tsBit, timestamp, key: r.key, value: r.value };
    });
    const wrapperTimestamp = timestampType === 1 ? view.maxTimestamp : maxTimestamp;
    out.push(encodeWrapper(inner, records[records.length - 1]!.offset, { magic: toMagic, codec, timestampType }, wrapperTimestamp));
  }
  return { records: out.length === 1 ? out[0]! : Buffer.concat(out), stoppedAt: null };
}

function corrupt(message: string): LegacyError {
  return { error: 'CORRUPT_MESSAGE', message };
}
function invalid(message: string): LegacyError {
  return { error: 'INVALID_RECORD', message };
}
function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
