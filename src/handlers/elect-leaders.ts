/**
 * ElectLeaders: on a one-broker cluster every partition already has its
 * preferred (and only) replica as leader, so every election is
 * ELECTION_NOT_NEEDED, as Kafka's controller answers; unknown partitions get
 * UNKNOWN_TOPIC_OR_PARTITION. In a simulated cluster, PREFERRED makes each
 * partition's first replica its leader again (after a leader move or a node
 * down), PREFERRED_LEADER_NOT_AVAILABLE while that node is down; UNCLEAN is
 * only needed by partitions without a leader, which have no live replica to
 * elect (ELIGIBLE_LEADERS_NOT_AVAILABLE). With `topicPartitions` null (all
 * partitions), Kafka leaves out the partitions that need no election.
 */
import type { Broker } from '../broker.js';
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
    // Every partition: report the elections that happened or failed, not the ones that were not needed.
    const replicaElectionResults = [...broker.store.topics()].map((t) => {
      const partitionResult = [];
      if (broker.cluster) {
        for (let p = 0; p < t.numPartitions; p++) {
          const r = elect(broker, t.name, p, electionType);
          if (r.errorCode !== ErrorCode.ELECTION_NOT_NEEDED) partitionResult.push({ partitionId: p, ...r });
        }
      }
      return { topic: t.name, partitionResult };
    });
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
        return { partitionId, ...elect(broker, t.topic, partitionId, electionType) };
      }),
    };
  });
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults };
});

function elect(broker: Broker, topic: string, partition: number, electionType: number): { errorCode: number; errorMessage: string | null } {
  const cluster = broker.cluster;
  if (!cluster) return { errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: ELECTION_NOT_NEEDED };
  const errorCode = electionType === ElectionType.PREFERRED ? cluster.electPreferred(topic, partition) : cluster.electUnclean(topic, partition);
  switch (errorCode) {
    case ErrorCode.NONE:
      return { errorCode, errorMessage: null };
    case ErrorCode.ELECTION_NOT_NEEDED:
      return { errorCode, errorMessage: ELECTION_NOT_NEEDED };
    case ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE:
      return { errorCode, errorMessage: `Failed to elect leader for partition ${topic}-${partition} under strategy PreferredReplicaPartitionLeaderElectionStrategy` };
    default:
      return { errorCode, errorMessage: `Failed to elect leader for partition ${topic}-${partition}` };
  }
}
