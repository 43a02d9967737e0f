/**
 * ElectLeaders: on a one-broker cluster every partition already has its
 * preferred (and only) replica as leader, so every election is
 * ELECTION_NOT_NEEDED, as Kafka's controller answers; unknown partitions get
 * UNKNOWN_TOPIC_OR_PARTITION. With `topicPartitions` null (all partitions),
 * Kafka leaves out the partitions that need no election.
 */
import { ErrorCode } from '../wire/error-codes.js';
import { ElectLeadersRequest, ElectLeadersResponse } from '../wire/messages/elect-leaders.js';
import { defineHandler } from './handler.js';

const ElectionType = { PREFERRED: 0, UNCLEAN: 1 } as const;
const ELECTION_NOT_NEEDED = 'Leader election not needed for topic partition.';

export const electLeaders = defineHandler(ElectLeadersRequest, ElectLeadersResponse, { min: 0, max: 2 }, (req, ctx) => {
  const { broker, apiVersion } = ctx;
  const electionType = apiVersion >= 1 ? req.electionType : ElectionType.PREFERRED;
  if (electionType !== ElectionType.PREFERRED && electionType !== ElectionType.UNCLEAN) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, replicaElectionResults: [] };
  }
  if (req.topicPartitions === null) {
    // Every partition is led by its preferred replica: nothing to report.
    const replicaElectionResults = [...broker.store.topics()].map((t) => ({ topic: t.name, partitionResult: [] }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults };
  }
  const replicaElectionResults = req.topicPartitions.map((t) => {
    const info = broker.store.topic(t.topic);
    return {
      topic: t.topic,
      partitionResult: t.partitions.map((partitionId) => {
        if (!info) return { partitionId, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such topic as ${t.topic}` };
        if (partitionId < 0 || partitionId >= info.numPartitions) {
          return { partitionId, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such partition as ${t.topic}-${partitionId}` };
        }
        return { partitionId, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: ELECTION_NOT_NEEDED };
      }),
    };
  });
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults };
});
