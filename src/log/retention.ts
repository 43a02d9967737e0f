/**
 * Which segments retention deletes, as Kafka's UnifiedLog.deleteOldSegments
 * decides it for `cleanup.policy` including `delete`:
 *  - `retention.ms`: a segment whose largest timestamp is more than
 *    retention.ms old (the file's modification time when it holds no
 *    timestamp);
 *  - `retention.bytes`: as many of the oldest segments as keep the log at or
 *    above the limit once they are gone;
 * always a prefix of the log (the scan stops at the first segment that stays),
 * and never an empty active segment. A non-empty active segment may go: the
 * log rolls a new, empty one first, so the log start offset becomes the log
 * end offset. Both backends use this with their (real or virtual) segments.
 */
import type { LogPolicy } from './log-config.js';

export interface SegmentStat {
  baseOffset: bigint;
  /** Bytes of record data. */
  size: number;
  /** Largest record timestamp in ms, or the last modification time when none. */
  largestTimestamp: number;
}

export interface RetentionDecision {
  /** How many of the oldest segments go (the last one may be the active segment). */
  count: number;
  reason: 'retention.ms' | 'retention.bytes' | null;
}

export function segmentsToDelete(segments: readonly SegmentStat[], policy: Pick<LogPolicy, 'delete' | 'retentionMs' | 'retentionBytes'>, nowMs: number): RetentionDecision {
  if (!policy.delete || segments.length === 0) return { count: 0, reason: null };
  const deletable = (i: number): boolean => !(i === segments.length - 1 && segments[i]!.size === 0);
  let count = 0;
  let reason: RetentionDecision['reason'] = null;
  if (policy.retentionMs >= 0) {
    while (count < segments.length && deletable(count) && nowMs - segments[count]!.largestTimestamp > policy.retentionMs) count++;
    if (count > 0) reason = 'retention.ms';
  }
  if (policy.retentionBytes >= 0) {
    let size = 0;
    for (let i = count; i < segments.length; i++) size += segments[i]!.size;
    let diff = size - policy.retentionBytes;
    const before = count;
    while (count < segments.length && deletable(count) && diff - segments[count]!.size >= 0) {
      diff -= segments[count]!.size;
      count++;
    }
    if (count > before && reason === null) reason = 'retention.bytes';
  }
  return { count, reason };
}
