// Schema for AlterPartitionReassignments (API key 45). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const AlterPartitionReassignmentsRequest = message(45, 'AlterPartitionReassignmentsRequest', '0', '0+', [
  f('timeoutMs', 'int32', '0+', { default: 60000 }),
  f('topics', arrOf([
    f('name', 'string', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('replicas', arr('int32'), '0+', { nullable: '0+', default: null }),
    ]), '0+'),
  ]), '0+'),
]);

export const AlterPartitionReassignmentsResponse = message(45, 'AlterPartitionReassignmentsResponse', '0', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
  f('errorMessage', 'string', '0+', { nullable: '0+' }),
  f('responses', arrOf([
    f('name', 'string', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('errorCode', 'int16', '0+'),
      f('errorMessage', 'string', '0+', { nullable: '0+' }),
    ]), '0+'),
  ]), '0+'),
]);
