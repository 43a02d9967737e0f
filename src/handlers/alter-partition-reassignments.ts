/**
 * AlterPartitionReassignments, answered as Kafka's controller would on a
 * one-broker cluster: a target replica set other than this broker is
 * INVALID_REPLICA_ASSIGNMENT (unknown broker, empty list, duplicates); this
 * broker alone is the current assignment, so the reassignment completes at
 * once; cancelling (replicas null) finds NO_REASSIGNMENT_IN_PROGRESS. In a
 * simulated cluster the target replicas (any of its nodes) apply at once
 * too, so ListPartitionReassignments never shows one in progress.
 */
import { ErrorCode } from '../wire/error-codes.js';
import { AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse } from '../wire/messages/alter-partition-reassignments.js';
import { assignmentError } from './create-partitions.js';
import { defineHandler } from './handler.js';

export const alterPartitionReassignments = defineHandler(AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse, { min: 0, max: 0 }, (req, ctx) => {
  const { broker } = ctx;
  const responses = req.topics.map((t) => {
    const info = broker.store.topic(t.name);
    return {
      name: t.name,
      partitions: t.partitions.map((p) => {
        const fail = (errorCode: number, errorMessage: string) => ({ partitionIndex: p.partitionIndex, errorCode, errorMessage });
        if (!info) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unable to find a topic named ${t.name}.`);
        if (p.partitionIndex < 0 || p.partitionIndex >= info.numPartitions) {
          return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unable to find partition ${t.name}:${p.partitionIndex}.`);
        }
        if (p.replicas === null) return fail(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, 'No partition reassignment is in progress.');
        const err = assignmentError(p.replicas, (id) => broker.hasNode(id), null);
        if (err) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, err);
        // A simulated cluster takes the new replica set at once (the leader moves if it is not part of it).
        broker.cluster?.reassign(t.name, p.partitionIndex, p.replicas);
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null };
      }),
    };
  });
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses };
});
