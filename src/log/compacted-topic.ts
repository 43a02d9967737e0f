/**
 * Produce-side rule of compacted topics (Kafka's LogValidator.validateKey):
 * every record needs a key, since compaction keeps the latest record per
 * key. Only batches for topics whose cleanup.policy includes `compact` are
 * decoded (decompressed when needed).
 */
import { cleanupPolicyOf } from './log-config.js';
import { keylessRecordError } from './record-scan.js';

/**
 * The INVALID_RECORD message for a batch holding a record without a key on a
 * topic with this `cleanup.policy` value, or null when the batch is fine.
 */
export function compactedTopicKeyError(cleanupPolicy: string, batch: Buffer, topicPartition: string): string | null {
  if (!cleanupPolicyOf(cleanupPolicy).compact) return null;
  const problem = keylessRecordError(batch);
  return problem === null ? null : `Compacted topic cannot accept message without key in topic partition ${topicPartition} (${problem})`;
}
