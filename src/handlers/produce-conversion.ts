/**
 * What Produce does to a client's records beyond storing them as they are,
 * following Kafka's LogValidator:
 *  - Produce v0–2 may carry legacy message sets (magic 0/1): they become one
 *    v2 batch (`upConvertProduce`).
 *  - A topic whose `compression.type` names a codec stores its batches with
 *    that codec: a batch compressed otherwise is recompressed, keeping its
 *    offsets, timestamps and producer fields (`recompressForTopic`).
 * Everything else (validation, CRC, append) is produce.ts's.
 */
import type { TopicInfo } from '../log/types.js';
import { recompressBatch } from '../wire/batch-records.js';
import { Codec, codecForCompressionType, codecName, codecReady } from '../wire/compression/index.js';
import { ErrorCode } from '../wire/error-codes.js';
import { isLegacyMessageSet, legacyToBatch, readProducedMessageSet } from '../wire/legacy-records.js';
import { BatchView } from '../wire/record-batch.js';

export interface ConversionRejection {
  errorCode: number;
  message: string;
}

/** The codec a topic stores its batches with, or null to keep the producer's (`compression.type=producer`). */
export function topicCodec(topic: TopicInfo): number | null {
  return codecForCompressionType(topic.configs['compression.type']);
}

function isCompacted(topic: TopicInfo): boolean {
  return (topic.configs['cleanup.policy'] ?? 'delete').split(',').some((p) => p.trim() === 'compact');
}

/**
 * Resolves once the codecs this topic's produce path may need are loaded
 * (only zstd's compressor loads asynchronously, once per process); null when
 * they already are, which is the case for every topic but the first zstd one.
 */
export function produceCodecsPending(topic: TopicInfo): Promise<void> | null {
  const codec = topicCodec(topic);
  return codec === null ? null : codecReady(codec);
}

/**
 * Produce v0–2 records: a legacy message set is validated and converted to
 * one uncompressed-or-source-codec v2 batch (see readProducedMessageSet and
 * legacyToBatch for the rules); anything else is returned unchanged for the
 * v2 checks. With `compression.type=producer` the batch keeps the codec of the
 * producer's wrappers, as Kafka does; otherwise recompressForTopic applies
 * the topic's codec afterwards, so the records are compressed only once.
 */
export function upConvertProduce(records: Buffer, apiVersion: number, topic: TopicInfo): Buffer | ConversionRejection {
  if (apiVersion >= 3 || !isLegacyMessageSet(records)) return records;
  const produced = readProducedMessageSet(records);
  if ('error' in produced) return { errorCode: ErrorCode[produced.error], message: produced.message };
  // LogValidator.validateKey: compacted topics need a key on every record.
  if (isCompacted(topic) && produced.records.some((r) => r.key === null)) {
    return { errorCode: ErrorCode.INVALID_RECORD, message: `Compacted topic cannot accept message without key in topic partition ${topic.name}` };
  }
  const batch = legacyToBatch(produced.records);
  const codec = topicCodec(topic) === null ? produced.sourceCodec : Codec.None;
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
export function recompressForTopic(batch: BatchView, topic: TopicInfo, maxMessageBytes: number): BatchView | ConversionRejection {
  const codec = topicCodec(topic);
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
