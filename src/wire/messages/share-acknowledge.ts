// Schema for ShareAcknowledge (API key 79). Field order is wire order.
import { message, f, arr, arrOf, struct } from '../schema.js';

export const ShareAcknowledgeRequest = message(79, 'ShareAcknowledgeRequest', '0', '0+', [
  f('groupId', 'string', '0+', { nullable: '0+', default: null }),
  f('memberId', 'string', '0+', { nullable: '0+' }),
  f('shareSessionEpoch', 'int32', '0+'),
  f('topics', arrOf([
    f('topicId', 'uuid', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('acknowledgementBatches', arrOf([
        f('firstOffset', 'int64', '0+'),
        f('lastOffset', 'int64', '0+'),
        f('acknowledgeTypes', arr('int8'), '0+'),
      ]), '0+'),
    ]), '0+'),
  ]), '0+'),
]);

export const ShareAcknowledgeResponse = message(79, 'ShareAcknowledgeResponse', '0', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
  f('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  f('responses', arrOf([
    f('topicId', 'uuid', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('errorCode', 'int16', '0+'),
      f('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
      f('currentLeader', struct([
        f('leaderId', 'int32', '0+'),
        f('leaderEpoch', 'int32', '0+'),
      ]), '0+'),
    ]), '0+'),
  ]), '0+'),
  f('nodeEndpoints', arrOf([
    f('nodeId', 'int32', '0+'),
    f('host', 'string', '0+'),
    f('port', 'int32', '0+'),
    f('rack', 'string', '0+', { nullable: '0+', default: null }),
  ]), '0+'),
]);
