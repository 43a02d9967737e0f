import type { PartitionLog, TimestampLookup } from '../log/types.js';
import { ErrorCode } from '../wire/error-codes.js';
import { ListOffsetsRequest, ListOffsetsResponse } from '../wire/messages/list-offsets.js';
import { readRecords } from '../wire/batch-records.js';
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
      const epochErr = leaderEpochError(ctx.broker, p.currentLeaderEpoch, t.name, p.partitionIndex);
      if (epochErr !== ErrorCode.NONE) return { partitionIndex: p.partitionIndex, errorCode: epochErr, oldStyleOffsets: [] };
      // v0 (Kafka < 0.10.1) has its own semantics: a list of offsets, by segment.
      if (ctx.apiVersion === 0) {
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, oldStyleOffsets: legacyOffsets(found.log, p.timestamp, p.maxNumOffsets) };
      }
      const hit = lookup(found.log, p.timestamp, req.isolationLevel, ctx);
      return {
        partitionIndex: p.partitionIndex,
        errorCode: ErrorCode.NONE,
        timestamp: hit?.timestamp ?? -1n,
        offset: hit?.offset ?? -1n,
        leaderEpoch: hit && hit.offset >= 0n ? ctx.broker.leaderEpochOf(t.name, p.partitionIndex) : -1,
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
 * the one batch found, decompressing it when needed (the time index and the
 * max-timestamp bookkeeping only know batches: their base offsets).
 */
function refine(log: PartitionLog, hit: TimestampLookup, match: (r: { timestamp: bigint }) => boolean): TimestampLookup {
  const { batches } = log.read(hit.offset, 1, true);
  const batch = batches[0];
  if (!batch) return hit;
  try {
    for (const r of readRecords(batch)) {
      if (r.offset >= hit.offset && match(r)) return { offset: r.offset, timestamp: r.timestamp };
    }
  } catch {
    // An undecodable batch: keep the batch-level answer.
  }
  return hit;
}

/**
 * ListOffsets v0, Kafka's UnifiedLog.legacyFetchOffsetsBefore: over the pairs
 * (segment base offset, segment last-modified time) plus (log end offset, now)
 * when the log holds data, latest (-1) answers from the last pair backwards,
 * earliest (-2) from the first, and a timestamp from the last pair whose time
 * is at or before it; at most `maxNumOffsets` offsets, in descending order.
 * This log is answered as one segment whose last modification is its largest
 * record timestamp (segment files are not exposed); consumers ask for -1 or
 * -2 with maxNumOffsets 1, which this reproduces exactly.
 */
function legacyOffsets(log: PartitionLog, timestamp: bigint, maxNumOffsets: number): bigint[] {
  const start = log.logStartOffset;
  const end = log.logEndOffset;
  const pairs: { offset: bigint; time: bigint }[] = [{ offset: start, time: log.maxTimestamp()?.timestamp ?? 0n }];
  if (end > start) pairs.push({ offset: end, time: BigInt(Date.now()) });
  let from: number;
  if (timestamp === LATEST) from = pairs.length - 1;
  else if (timestamp === EARLIEST) from = 0;
  else {
    from = pairs.length - 1;
    while (from >= 0 && pairs[from]!.time > timestamp) from--;
  }
  const out: bigint[] = [];
  for (let i = from; i >= 0 && out.length < maxNumOffsets; i--) out.push(pairs[i]!.offset);
  return out;
}
