/**
 * Records of any v2 batch, compressed or not, and whole-batch recompression.
 * Off the produce/fetch hot path (which keeps batches as bytes): used where
 * semantics need the records (exact ListOffsets answers, conversion to and
 * from legacy message formats) and for a topic's `compression.type`.
 */
import { Codec, compress, decompress } from './compression/index.js';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  BatchView,
  COMPRESSION_MASK,
  CRC_OFFSET,
  LOG_OVERHEAD,
  RECORDS_OFFSET,
  buildRecordBatch,
  crc32c,
  decodeRecords,
  type BuildBatchOptions,
  type DecodedRecord,
} from './record-batch.js';

/** The batch's records section (everything after the 61-byte header), decompressed when needed. */
export function recordsSection(batch: Buffer): Buffer {
  const view = new BatchView(batch);
  const section = batch.subarray(RECORDS_OFFSET, LOG_OVERHEAD + view.batchLength);
  return view.compression === Codec.None ? section : decompress(view.compression, section);
}

/**
 * The batch's header followed by `section` as its records, with the codec bits
 * set to `codec`, batchLength updated and the CRC recomputed. Every other
 * header field (base offset, leader epoch, offsets and timestamps, producer
 * id/epoch/sequence, transactional and control bits, timestamp type) is kept.
 */
function withSection(batch: Buffer, section: Buffer, codec: number): Buffer {
  const out = Buffer.allocUnsafe(RECORDS_OFFSET + section.length);
  batch.copy(out, 0, 0, RECORDS_OFFSET);
  section.copy(out, RECORDS_OFFSET);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  out.writeInt16BE((out.readInt16BE(ATTRIBUTES_OFFSET) & ~COMPRESSION_MASK) | codec, ATTRIBUTES_OFFSET);
  out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return out;
}

/** An uncompressed copy of the batch (the batch itself when it is not compressed). */
export function decompressBatch(batch: Buffer): Buffer {
  const view = new BatchView(batch);
  if (view.compression === Codec.None) return batch;
  return withSection(batch, recordsSection(batch), Codec.None);
}

/**
 * The batch with its records compressed with `codec` (Codec.None: stored
 * uncompressed), as Kafka's LogValidator rebuilds a batch for a topic's
 * `compression.type`: same offsets, timestamps and producer fields, new
 * length and CRC. Returns the batch itself when it already uses `codec`.
 * zstd needs `codecReady(Codec.Zstd)` to have resolved.
 */
export function recompressBatch(batch: Buffer, codec: number): Buffer {
  const view = new BatchView(batch);
  if (view.compression === codec) return batch;
  const section = recordsSection(batch);
  return withSection(batch, codec === Codec.None ? section : compress(codec, section), codec);
}

/**
 * Decodes every record of a batch, whatever its codec (see decodeRecords for
 * the shape; LogAppendTime batches report maxTimestamp for each record).
 * Throws on malformed batches or compressed data.
 */
export function readRecords(batch: Buffer): DecodedRecord[] {
  return decodeRecords(decompressBatch(batch));
}

/** The largest record timestamp of a CreateTime batch, whatever its codec (-1 when it has no records). Throws like readRecords. */
export function recordsMaxTimestamp(batch: Buffer): bigint {
  let max = -1n;
  for (const r of readRecords(batch)) if (r.timestamp > max) max = r.timestamp;
  return max;
}

/** buildRecordBatch plus a codec: builds the batch, then compresses its records. */
export function buildBatch(opts: BuildBatchOptions & { compression?: number }): Buffer {
  const batch = buildRecordBatch(opts);
  return opts.compression ? recompressBatch(batch, opts.compression) : batch;
}
