import type { PartitionLog, TimestampLookup } from '../log/types.js';
import { ErrorCode } from '../wire/error-codes.js';
import { ListOffsetsRequest, ListOffsetsResponse } from '../wire/messages/list-offsets.js';
import { decodeRecords } from '../wire/record-batch.js';
import type { InputMessage } from '../wire/schema.js';
import { defineHandler, type RequestContext } from './handler.js';
import { leaderEpochError, lookupPartition } from './partition-checks.js';

type PartitionOut = NonNullable<NonNullable<InputMessage<typeof ListOffsetsResponse>['topics']>[number]['partitions']>[number];

// Special timestamps (ListOffsetsRequest): latest, earliest, max timestamp (v7+), earliest local (v8+), latest tiered (v9+).
const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;
const EARLIEST_LOCAL = -4n;
const LATEST_TIERED = -5n;

export const listOffsets = defineHandler(ListOffsetsRequest, ListOffsetsResponse, { min: 0, max: 10 }, (req, ctx) => {
  const topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p): PartitionOut => {
      const found = lookupPartition(ctx.broker, t.name, p.partitionIndex);
      if (!found.log) return { partitionIndex: p.partitionIndex, errorCode: found.errorCode, oldStyleOffsets: [] };
      const epochErr = leaderEpochError(ctx.broker, p.currentLeaderEpoch);
      if (epochErr !== ErrorCode.NONE) return { partitionIndex: p.partitionIndex, errorCode: epochErr, oldStyleOffsets: [] };
      const hit = lookup(found.log, p.timestamp, req.isolationLevel, ctx);
      return {
        partitionIndex: p.partitionIndex,
        errorCode: ErrorCode.NONE,
        // v0 answers with a list of offsets (at most maxNumOffsets).
        oldStyleOffsets: hit && hit.offset >= 0n && p.maxNumOffsets > 0 ? [hit.offset] : [],
        timestamp: hit?.timestamp ?? -1n,
        offset: hit?.offset ?? -1n,
        leaderEpoch: hit && hit.offset >= 0n ? ctx.broker.leaderEpoch : -1,
      };
    }),
  }));
  return { throttleTimeMs: 0, topics };
});

function lookup(log: PartitionLog, ts: bigint, isolationLevel: number, ctx: RequestContext): TimestampLookup | null {
  switch (ts) {
    case LATEST:
      return { offset: isolationLevel === 1 ? ctx.broker.lastStableOffset(log) : log.logEndOffset, timestamp: -1n };
    case EARLIEST:
    case EARLIEST_LOCAL:
      return { offset: log.logStartOffset, timestamp: -1n };
    case LATEST_TIERED:
      // No tiered storage: Kafka answers -1.
      return { offset: -1n, timestamp: -1n };
    case MAX_TIMESTAMP: {
      const hit = log.maxTimestamp();
      return hit ? refine(log, hit, (r) => r.timestamp === hit.timestamp) : null;
    }
    default: {
      if (ts < 0n) return null;
      const hit = log.offsetForTimestamp(ts);
      return hit ? refine(log, hit, (r) => r.timestamp >= ts) : null;
    }
  }
}

/**
 * The log indexes batches; Kafka answers with the exact record, so look inside
 * the one batch found (uncompressed batches; otherwise the batch-level answer stands).
 */
function refine(log: PartitionLog, hit: TimestampLookup, match: (r: { timestamp: bigint }) => boolean): TimestampLookup {
  const { batches } = log.read(hit.offset, 1, true);
  const batch = batches[0];
  if (!batch) return hit;
  try {
    for (const r of decodeRecords(batch)) {
      if (r.offset >= hit.offset && match(r)) return { offset: r.offset, timestamp: r.timestamp };
    }
  } catch {
    // Compressed batch: keep the batch-level answer.
  }
  return hit;
}
