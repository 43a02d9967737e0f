// Schema for ConsumerGroupHeartbeat (API key 68). Field order is wire order.
import { message, f, arr, arrOf, struct } from '../schema.js';

export const ConsumerGroupHeartbeatRequest = message(68, 'ConsumerGroupHeartbeatRequest', '0-1', '0+', [
  f('groupId', 'string', '0+'),
  f('memberId', 'string', '0+'),
  f('memberEpoch', 'int32', '0+'),
  f('instanceId', 'string', '0+', { nullable: '0+', default: null }),
  f('rackId', 'string', '0+', { nullable: '0+', default: null }),
  f('rebalanceTimeoutMs', 'int32', '0+', { default: -1 }),
  f('subscribedTopicNames', arr('string'), '0+', { nullable: '0+', default: null }),
  f('subscribedTopicRegex', 'string', '1+', { nullable: '1+', default: null }),
  f('serverAssignor', 'string', '0+', { nullable: '0+', default: null }),
  f('topicPartitions', arrOf([
    f('topicId', 'uuid', '0+'),
    f('partitions', arr('int32'), '0+'),
  ]), '0+', { nullable: '0+', default: null }),
]);

export const ConsumerGroupHeartbeatResponse = message(68, 'ConsumerGroupHeartbeatResponse', '0-1', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
  f('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  f('memberId', 'string', '0+', { nullable: '0+', default: null }),
  f('memberEpoch', 'int32', '0+'),
  f('heartbeatIntervalMs', 'int32', '0+'),
  f('assignment', struct([
    f('topicPartitions', arrOf([
      f('topicId', 'uuid', '0+'),
      f('partitions', arr('int32'), '0+'),
    ]), '0+'),
  ]), '0+', { nullable: '0+', default: null }),
]);
