/**
 * ListPartitionReassignments: a one-broker cluster never has a reassignment
 * in progress (AlterPartitionReassignments completes at once), so the answer
 * lists none, whichever topics are asked for.
 */
import { ErrorCode } from '../wire/error-codes.js';
import { ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse } from '../wire/messages/list-partition-reassignments.js';
import { defineHandler } from './handler.js';

export const listPartitionReassignments = defineHandler(ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse, { min: 0, max: 0 }, () => ({
  throttleTimeMs: 0,
  errorCode: ErrorCode.NONE,
  errorMessage: null,
  topics: [],
}));
