/**
 * OffsetForLeaderEpoch: the end offset of a leader epoch, which clients use to
 * detect log truncation (KIP-320). This broker has been the only leader, at
 * epoch 0, since each partition was created, so its epoch cache holds one
 * entry: epoch 0 ends at the log end offset; a later epoch is unknown
 * (UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET), as Kafka's LeaderEpochFileCache
 * answers; an earlier one ends where epoch 0 starts. In a simulated cluster
 * each leader change starts an epoch and the cluster's epoch history answers
 * (SimulatedCluster.endOffsetFor). The current-leader-epoch check (v2+) gives
 * FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH.
 */
import { ErrorCode } from '../wire/error-codes.js';
import { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from '../wire/messages/offset-for-leader-epoch.js';
import { defineHandler } from './handler.js';
import { leaderEpochError, lookupPartition } from './partition-checks.js';

const UNDEFINED_EPOCH = -1;
const UNDEFINED_EPOCH_OFFSET = -1n;

export const offsetForLeaderEpoch = defineHandler(OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse, { min: 0, max: 4 }, (req, ctx) => {
  const { broker } = ctx;
  const topics = req.topics.map((t) => ({
    topic: t.topic,
    partitions: t.partitions.map((p) => {
      const undefinedAnswer = { partition: p.partition, leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
      const found = lookupPartition(broker, t.topic, p.partition);
      if (!found.log) return { ...undefinedAnswer, errorCode: found.errorCode };
      const epochErr = leaderEpochError(broker, p.currentLeaderEpoch, t.topic, p.partition);
      if (epochErr !== ErrorCode.NONE) return { ...undefinedAnswer, errorCode: epochErr };
      const requested = p.leaderEpoch;
      if (broker.cluster) {
        const { log } = found;
        return { partition: p.partition, errorCode: ErrorCode.NONE, ...broker.cluster.endOffsetFor(t.topic, p.partition, requested, log.logStartOffset, log.logEndOffset) };
      }
      if (requested === UNDEFINED_EPOCH || requested > broker.leaderEpoch) return { ...undefinedAnswer, errorCode: ErrorCode.NONE };
      if (requested === broker.leaderEpoch) return { partition: p.partition, errorCode: ErrorCode.NONE, leaderEpoch: requested, endOffset: found.log.logEndOffset };
      // Before the first epoch: the requested epoch, ending where the first known epoch starts.
      return { partition: p.partition, errorCode: ErrorCode.NONE, leaderEpoch: requested, endOffset: found.log.logStartOffset };
    }),
  }));
  return { throttleTimeMs: 0, topics };
});
