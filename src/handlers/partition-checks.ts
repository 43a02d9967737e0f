/** Checks shared by the partition-level APIs (Produce, Fetch, ListOffsets). */
import type { Broker } from '../broker.js';
import type { PartitionLog } from '../log/types.js';
import { ErrorCode } from '../wire/error-codes.js';

/** KIP-320 fencing: a client's idea of the partition's leader epoch must match ours (-1 means "not checked"). */
export function leaderEpochError(broker: Broker, currentLeaderEpoch: number, topic: string, partition: number): number {
  if (currentLeaderEpoch < 0) return ErrorCode.NONE;
  const epoch = broker.leaderEpochOf(topic, partition);
  if (currentLeaderEpoch === epoch) return ErrorCode.NONE;
  return currentLeaderEpoch > epoch ? ErrorCode.UNKNOWN_LEADER_EPOCH : ErrorCode.FENCED_LEADER_EPOCH;
}

export type PartitionLookup = { log: PartitionLog; errorCode: 0 } | { log: null; errorCode: number };

export function lookupPartition(broker: Broker, topic: string, partition: number): PartitionLookup {
  const log = broker.store.partition(topic, partition);
  return log ? { log, errorCode: ErrorCode.NONE } : { log: null, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
}
