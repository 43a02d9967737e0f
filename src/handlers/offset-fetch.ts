import { ErrorCode } from '../wire/error-codes.js';
import { OffsetFetchRequest, OffsetFetchResponse } from '../wire/messages/offset-fetch.js';
import { defineHandler, type RequestContext } from './handler.js';
import { markUnstable } from './offset-fetch-txn.js';

interface FetchedPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string;
  errorCode: number;
}
interface FetchedGroup {
  errorCode: number;
  topics: { name: string; partitions: FetchedPartition[] }[];
}

/**
 * OffsetFetch 0-9: one group (v0-7) or several (v8+); `topics` null asks for
 * every committed offset of the group (v2+). Partitions without a committed
 * offset answer -1. With `require_stable` (v7+), a partition with a pending
 * transactional offset commit answers UNSTABLE_OFFSET_COMMIT (see offset-fetch-txn.ts).
 */
export const offsetFetch = defineHandler(OffsetFetchRequest, OffsetFetchResponse, { min: 0, max: 9 }, (req, ctx) => {
  if (ctx.apiVersion >= 8) {
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((g) => ({ groupId: g.groupId, ...fetchGroup(ctx, g.groupId, g.topics, g.memberId, g.memberEpoch, req.requireStable) })),
    };
  }
  const r = fetchGroup(ctx, req.groupId, req.topics, null, -1, ctx.apiVersion >= 7 && req.requireStable);
  if (ctx.apiVersion < 2 && r.errorCode !== ErrorCode.NONE) {
    // No top-level error before v2: each partition carries it.
    for (const t of r.topics) for (const p of t.partitions) p.errorCode = r.errorCode;
  }
  return { throttleTimeMs: 0, topics: r.topics, errorCode: r.errorCode };
});

function fetchGroup(
  ctx: RequestContext,
  groupId: string,
  wanted: { name: string; partitionIndexes: number[] }[] | null,
  memberId: string | null,
  memberEpoch: number,
  requireStable: boolean,
): FetchedGroup {
  const result = fetchCommitted(ctx, groupId, wanted, memberId, memberEpoch);
  if (requireStable) markUnstable(ctx, groupId, result);
  return result;
}

function fetchCommitted(
  ctx: RequestContext,
  groupId: string,
  wanted: { name: string; partitionIndexes: number[] }[] | null,
  memberId: string | null,
  memberEpoch: number,
): FetchedGroup {
  const { groups } = ctx.broker;
  const group = groups.getGroup(groupId);
  if (group?.validateOffsetFetch && (memberId !== null || memberEpoch !== -1)) {
    const errorCode = group.validateOffsetFetch(memberId, memberEpoch);
    if (errorCode !== ErrorCode.NONE) {
      return { errorCode, topics: (wanted ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => missing(p)) })) };
    }
  }
  if (wanted === null) {
    const topics = [];
    for (const [name, parts] of groups.offsets.group(groupId) ?? []) {
      const partitions = [...parts].map(([partitionIndex, o]) => ({
        partitionIndex,
        committedOffset: o.offset,
        committedLeaderEpoch: o.leaderEpoch,
        metadata: o.metadata,
        errorCode: ErrorCode.NONE,
      }));
      topics.push({ name, partitions });
    }
    return { errorCode: ErrorCode.NONE, topics };
  }
  return {
    errorCode: ErrorCode.NONE,
    topics: wanted.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => {
        const o = groups.offsets.get(groupId, t.name, partitionIndex);
        if (!o) return missing(partitionIndex);
        return { partitionIndex, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: ErrorCode.NONE };
      }),
    })),
  };
}

function missing(partitionIndex: number): FetchedPartition {
  return { partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE };
}
