// Schema for ShareGroupHeartbeat (API key 76). Field order is wire order.
import { message, f, arr, arrOf, struct } from '../schema.js';

export const ShareGroupHeartbeatRequest = message(76, 'ShareGroupHeartbeatRequest', '0', '0+', [
  f('groupId', 'string', '0+'),
  f('memberId', 'string', '0+'),
  f('memberEpoch', 'int32', '0+'),
  f('rackId', 'string', '0+', { nullable: '0+', default: null }),
  f('subscribedTopicNames', arr('string'), '0+', { nullable: '0+', default: null }),
]);

export const ShareGroupHeartbeatResponse = message(76, 'ShareGroupHeartbeatResponse', '0', '0+', [
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
