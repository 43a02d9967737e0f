/**
 * What old fetchers get instead of the stored v2 batches, as in Kafka's
 * KafkaApis.handleFetchRequest (maybeConvertFetchedData):
 *  - Fetch v0–3 predates record batches: the batches are converted down to a
 *    message set, magic 0 for v0–1 and magic 1 for v2–3 (see downConvert), unless
 *    the topic sets `message.downconversion.enable=false` (UNSUPPORTED_VERSION).
 *  - Fetch v0–9 predates zstd (KIP-110): a topic with `compression.type=zstd`
 *    answers UNSUPPORTED_COMPRESSION_TYPE, and so does a conversion that
 *    meets a zstd batch before converting anything.
 */
import { ErrorCode } from '../wire/error-codes.js';
import { downConvert, type LegacyMagic } from '../wire/legacy-records.js';

/** The first Fetch version that may carry zstd batches. */
const FETCH_ZSTD_MIN_VERSION = 10;
/** The first Fetch version that carries record batches (magic 2). */
const FETCH_V2_MIN_VERSION = 4;

export interface OldFetchResult {
  errorCode: number;
  /** The records to send (a message set for v0–3; the batches unchanged otherwise). */
  records: Buffer | Buffer[];
}

/** Whether this fetch version needs anything from this module (v0–9). */
export function needsFetchConversion(apiVersion: number): boolean {
  return apiVersion < FETCH_ZSTD_MIN_VERSION;
}

/**
 * The partition's answer for a Fetch older than v10, from the batches the log
 * returned for `fetchOffset`; `topicConfig` gives the topic's effective configs
 * (its own or the broker's). A non-NONE errorCode comes with no records.
 */
export function convertForOldFetch(apiVersion: number, topicConfig: (name: string) => string, batches: Buffer[], fetchOffset: bigint): OldFetchResult {
  if (topicConfig('compression.type') === 'zstd') return { errorCode: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, records: [] };
  if (apiVersion >= FETCH_V2_MIN_VERSION) return { errorCode: ErrorCode.NONE, records: batches };
  if (topicConfig('message.downconversion.enable') === 'false') return { errorCode: ErrorCode.UNSUPPORTED_VERSION, records: [] };
  const toMagic: LegacyMagic = apiVersion <= 1 ? 0 : 1;
  const converted = downConvert(batches, toMagic, fetchOffset);
  if (converted.stoppedAt && converted.records.length === 0) return { errorCode: ErrorCode[converted.stoppedAt.error], records: [] };
  return { errorCode: ErrorCode.NONE, records: converted.records };
}
