/** OffsetFetch `require_stable` (KIP-447), kept out of offset-fetch.ts. */
import { ErrorCode } from '../wire/error-codes.js';
import type { RequestContext } from './handler.js';

interface Partition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string;
  errorCode: number;
}

/**
 * Partitions with a transactional offset commit not yet committed or aborted
 * answer UNSTABLE_OFFSET_COMMIT with no offset, as Kafka's OffsetMetadataManager
 * does when the client asks for stable offsets; the client retries.
 */
export function markUnstable(ctx: RequestContext, groupId: string, group: { errorCode: number; topics: { name: string; partitions: Partition[] }[] }): void {
  const pending = ctx.broker.transactions.pendingOffsets;
  if (group.errorCode !== ErrorCode.NONE || !pending.hasPending(groupId)) return;
  for (const t of group.topics) {
    for (const p of t.partitions) {
      if (p.errorCode !== ErrorCode.NONE || !pending.isPending(groupId, t.name, p.partitionIndex)) continue;
      p.errorCode = ErrorCode.UNSTABLE_OFFSET_COMMIT;
      p.committedOffset = -1n;
      p.committedLeaderEpoch = -1;
      p.metadata = '';
    }
  }
}
