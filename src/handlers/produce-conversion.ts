/**
 * What Produce does to a client's records beyond storing them as they are,
 * following Kafka's LogValidator:
 *  - Produce v0–2 may carry legacy message sets (magic 0/1): they become one
 *    v2 batch (`upConvertProduce`).
 *  - A topic whose `compression.type` names a codec stores its batches with
 *    that codec: a batch compressed otherwise is recompressed, keeping its
 *    offsets, timestamps and producer fields (`recompressForTopic`).
 *  - A CreateTime batch is stored with maxTimestamp = its largest record
 *    timestamp, whatever the producer wrote there (`fillMaxTimestamp`).
 * Everything else (validation, CRC, append) is produce.ts's.
 */
import { recompressBatch, recordsMaxTimestamp } from '../wire/batch-records.js';
import { Codec, codecForCompressionType, codecName, codecReady } from '../wire/compression/index.js';
import { ErrorCode } from '../wire/error-codes.js';
import { isLegacyMessageSet, legacyToBatch, readProducedMessageSet } from '../wire/legacy-records.js';
import { BatchView, setMaxTimestamp } from '../wire/record-batch.js';

export interface ConversionRejection {
  errorCode: number;
  message: string;
}


/**
 * Resolves once the codec a topic's `compression.type` names is loaded (only
 * zstd's compressor loads asynchronously, once per process); null when it
 * already is, which is the case for every topic but the first zstd one.
 */
export function produceCodecsPending(compressionType: string): Promise<void> | null {
  const codec = codecForCompressionType(compressionType);
  return codec === null ? null : codecReady(codec);
}

/**
 * Produce v0–2 records: a legacy message set is validated and converted to
 * one uncompressed-or-source-codec v2 batch (see readProducedMessageSet and
 * legacyToBatch for the rules); anything else is returned unchanged for the
 * v2 checks (the keyless-record check of compacted topics included). With `compression.type=producer` the batch keeps the codec of the
 * producer's wrappers, as Kafka does; otherwise recompressForTopic applies
 * the topic's codec afterwards, so the records are compressed only once.
 */
export function upConvertProduce(records: Buffer, apiVersion: number, compressionType: string): Buffer | ConversionRejection {
  if (apiVersion >= 3 || !isLegacyMessageSet(records)) return records;
  const produced = readProducedMessageSet(records);
  if ('error' in produced) return { errorCode: ErrorCode[produced.error], message: produced.message };
  const batch = legacyToBatch(produced.records);
  const codec = codecForCompressionType(compressionType) === null ? produced.sourceCodec : Codec.None;
  return codec === Codec.None ? batch : recompressBatch(batch, codec);
}

/**
 * The batch as the topic stores it: recompressed when the topic's
 * `compression.type` names another codec than the batch's (new length and
 * CRC; offsets, timestamps, producer id/epoch/sequence and attributes other
 * than the codec unchanged). Undecodable records are CORRUPT_MESSAGE; a
 * result over `maxMessageBytes` is MESSAGE_TOO_LARGE, as Kafka checks again
 * after recompressing. zstd must be loaded (produceCodecsPending).
 */
export function recompressForTopic(batch: BatchView, compressionType: string, maxMessageBytes: number): BatchView | ConversionRejection {
  const codec = codecForCompressionType(compressionType);
  if (codec === null || codec === batch.compression) return batch;
  let buf: Buffer;
  try {
    buf = recompressBatch(batch.buf, codec);
  } catch (err) {
    return { errorCode: ErrorCode.CORRUPT_MESSAGE, message: `cannot recompress the ${codecName(batch.compression)} batch as ${codecName(codec)}: ${(err as Error).message}` };
  }
  if (buf.length > maxMessageBytes) {
    return { errorCode: ErrorCode.MESSAGE_TOO_LARGE, message: `The batch size ${buf.length} after recompression as ${codecName(codec)} is larger than the max message size ${maxMessageBytes}` };
  }
  return new BatchView(buf);
}

/**
 * Kafka's LogValidator sets every CreateTime batch's maxTimestamp to its
 * largest record timestamp (uncompressed and compressed paths alike), so time
 * lookups (ListOffsets by timestamp, the time index, time-based retention)
 * never depend on the producer's header. sarama before IBM/sarama#3108 (2025)
 * leaves it at -1. Only a header that cannot be right is recomputed: below
 * baseTimestamp, the first record's timestamp; other batches cost one
 * comparison. Patched in place (with the CRC); undecodable records are
 * CORRUPT_MESSAGE. Returns null when the batch is fine as it is (or fixed).
 */
export function fillMaxTimestamp(batch: BatchView): ConversionRejection | null {
  if (batch.timestampType !== 0 || batch.maxTimestamp >= batch.baseTimestamp) return null;
  let max: bigint;
  try {
    max = recordsMaxTimestamp(batch.buf);
  } catch (err) {
    return { errorCode: ErrorCode.CORRUPT_MESSAGE, message: `cannot read the records of the ${codecName(batch.compression)} batch: ${(err as Error).message}` };
  }
  if (max !== batch.maxTimestamp) setMaxTimestamp(batch.buf, max);
  return null;
}
