/** Helpers shared by the group and offset handlers. */
import type { Broker } from '../broker.js';
import type { OffsetCommit } from '../coordinator/offset-store.js';
import type { OffsetAndMetadata } from '../coordinator/offsets-topic.js';
import { ErrorCode } from '../wire/error-codes.js';
import type { RequestContext } from './handler.js';

/**
 * The client's address as Kafka reports it in DescribeGroups ("/127.0.0.1"),
 * taken from the connection logger's `remote` binding ("host:port").
 */
export function clientHost(ctx: RequestContext): string {
  const remote = (ctx.log.bindings() as { remote?: unknown }).remote;
  if (typeof remote !== 'string' || remote === 'unknown') return '';
  const m = /^\[(.*)\]:\d+$/.exec(remote) ?? /^(.*):\d+$/.exec(remote);
  return `/${m ? m[1] : remote}`;
}

/** Kafka's group ACL operations (READ, DELETE, DESCRIBE) as DescribeGroups reports them; there is no authorizer. */
export const GROUP_AUTHORIZED_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);
export const AUTH_OPS_UNKNOWN = -2147483648;

interface CommitPartitionIn {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  committedMetadata: string | null;
}

export interface CommitTopicOut {
  name: string;
  partitions: { partitionIndex: number; errorCode: number }[];
}

/**
 * Per-partition checks shared by OffsetCommit and TxnOffsetCommit, in Kafka's
 * order: unknown partition, then the group's verdict, then metadata size. Returns
 * the response topics and the commits to write (the caller writes them and marks
 * a write failure on the partitions that were still fine).
 */
export function collectOffsetCommits<P extends CommitPartitionIn>(
  broker: Broker,
  topics: readonly { name: string; partitions: readonly P[] }[],
  groupError: number,
  value: (p: P) => OffsetAndMetadata,
): { out: CommitTopicOut[]; commits: OffsetCommit[] } {
  const commits: OffsetCommit[] = [];
  const maxMetadata = broker.groups.config.offsetMetadataMaxBytes;
  const out = topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      let errorCode: number = ErrorCode.NONE;
      if (!broker.store.partition(t.name, p.partitionIndex)) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      else if (groupError !== ErrorCode.NONE) errorCode = groupError;
      else if (p.committedMetadata !== null && p.committedMetadata.length > maxMetadata) errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
      else commits.push({ topic: t.name, partition: p.partitionIndex, value: value(p) });
      return { partitionIndex: p.partitionIndex, errorCode };
    }),
  }));
  return { out, commits };
}

/** Marks every partition that had no error with `errorCode` (a failed write of the commits). */
export function failRemaining(out: CommitTopicOut[], errorCode: number): void {
  for (const t of out) for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE) p.errorCode = errorCode;
}
