// Schema for ListPartitionReassignments (API key 46). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const ListPartitionReassignmentsRequest = message(46, 'ListPartitionReassignmentsRequest', '0', '0+', [
  f('timeoutMs', 'int32', '0+', { default: 60000 }),
  f('topics', arrOf([
    f('name', 'string', '0+'),
    f('partitionIndexes', arr('int32'), '0+'),
  ]), '0+', { nullable: '0+', default: null }),
]);

export const ListPartitionReassignmentsResponse = message(46, 'ListPartitionReassignmentsResponse', '0', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
  f('errorMessage', 'string', '0+', { nullable: '0+' }),
  f('topics', arrOf([
    f('name', 'string', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('replicas', arr('int32'), '0+'),
      f('addingReplicas', arr('int32'), '0+'),
      f('removingReplicas', arr('int32'), '0+'),
    ]), '0+'),
  ]), '0+'),
]);
