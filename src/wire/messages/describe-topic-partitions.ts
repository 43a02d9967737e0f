// Schema for DescribeTopicPartitions (API key 75). Field order is wire order.
import { message, f, arr, arrOf, struct } from '../schema.js';

export const DescribeTopicPartitionsRequest = message(75, 'DescribeTopicPartitionsRequest', '0', '0+', [
  f('topics', arrOf([
    f('name', 'string', '0+'),
  ]), '0+'),
  f('responsePartitionLimit', 'int32', '0+', { default: 2000 }),
  f('cursor', struct([
    f('topicName', 'string', '0+'),
    f('partitionIndex', 'int32', '0+'),
  ]), '0+', { nullable: '0+', default: null }),
]);

export const DescribeTopicPartitionsResponse = message(75, 'DescribeTopicPartitionsResponse', '0', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('topics', arrOf([
    f('errorCode', 'int16', '0+'),
    f('name', 'string', '0+', { nullable: '0+' }),
    f('topicId', 'uuid', '0+'),
    f('isInternal', 'bool', '0+', { default: false }),
    f('partitions', arrOf([
      f('errorCode', 'int16', '0+'),
      f('partitionIndex', 'int32', '0+'),
      f('leaderId', 'int32', '0+'),
      f('leaderEpoch', 'int32', '0+', { default: -1 }),
      f('replicaNodes', arr('int32'), '0+'),
      f('isrNodes', arr('int32'), '0+'),
      f('eligibleLeaderReplicas', arr('int32'), '0+', { nullable: '0+', default: null }),
      f('lastKnownElr', arr('int32'), '0+', { nullable: '0+', default: null }),
      f('offlineReplicas', arr('int32'), '0+'),
    ]), '0+'),
    f('topicAuthorizedOperations', 'int32', '0+', { default: -2147483648 }),
  ]), '0+'),
  f('nextCursor', struct([
    f('topicName', 'string', '0+'),
    f('partitionIndex', 'int32', '0+'),
  ]), '0+', { nullable: '0+', default: null }),
]);
