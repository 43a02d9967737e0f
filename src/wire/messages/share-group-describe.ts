// Schema for ShareGroupDescribe (API key 77). Field order is wire order.
import { message, f, arr, arrOf, struct } from '../schema.js';

export const ShareGroupDescribeRequest = message(77, 'ShareGroupDescribeRequest', '0', '0+', [
  f('groupIds', arr('string'), '0+'),
  f('includeAuthorizedOperations', 'bool', '0+'),
]);

export const ShareGroupDescribeResponse = message(77, 'ShareGroupDescribeResponse', '0', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('groups', arrOf([
    f('errorCode', 'int16', '0+'),
    f('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
    f('groupId', 'string', '0+'),
    f('groupState', 'string', '0+'),
    f('groupEpoch', 'int32', '0+'),
    f('assignmentEpoch', 'int32', '0+'),
    f('assignorName', 'string', '0+'),
    f('members', arrOf([
      f('memberId', 'string', '0+'),
      f('rackId', 'string', '0+', { nullable: '0+', default: null }),
      f('memberEpoch', 'int32', '0+'),
      f('clientId', 'string', '0+'),
      f('clientHost', 'string', '0+'),
      f('subscribedTopicNames', arr('string'), '0+'),
      f('assignment', struct([
        f('topicPartitions', arrOf([
          f('topicId', 'uuid', '0+'),
          f('topicName', 'string', '0+'),
          f('partitions', arr('int32'), '0+'),
        ]), '0+'),
      ]), '0+'),
    ]), '0+'),
    f('authorizedOperations', 'int32', '0+', { default: -2147483648 }),
  ]), '0+'),
]);
