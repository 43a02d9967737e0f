// Schema for ShareFetch (API key 78). Field order is wire order.
import { message, f, arr, arrOf, struct } from '../schema.js';

export const ShareFetchRequest = message(78, 'ShareFetchRequest', '0', '0+', [
  f('groupId', 'string', '0+', { nullable: '0+', default: null }),
  f('memberId', 'string', '0+', { nullable: '0+' }),
  f('shareSessionEpoch', 'int32', '0+'),
  f('maxWaitMs', 'int32', '0+'),
  f('minBytes', 'int32', '0+'),
  f('maxBytes', 'int32', '0+', { default: 2147483647 }),
  f('topics', arrOf([
    f('topicId', 'uuid', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('partitionMaxBytes', 'int32', '0+'),
      f('acknowledgementBatches', arrOf([
        f('firstOffset', 'int64', '0+'),
        f('lastOffset', 'int64', '0+'),
        f('acknowledgeTypes', arr('int8'), '0+'),
      ]), '0+'),
    ]), '0+'),
  ]), '0+'),
  f('forgottenTopicsData', arrOf([
    f('topicId', 'uuid', '0+'),
    f('partitions', arr('int32'), '0+'),
  ]), '0+'),
]);

export const ShareFetchResponse = message(78, 'ShareFetchResponse', '0', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
  f('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  f('responses', arrOf([
    f('topicId', 'uuid', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('errorCode', 'int16', '0+'),
      f('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
      f('acknowledgeErrorCode', 'int16', '0+'),
      f('acknowledgeErrorMessage', 'string', '0+', { nullable: '0+', default: null }),
      f('currentLeader', struct([
        f('leaderId', 'int32', '0+'),
        f('leaderEpoch', 'int32', '0+'),
      ]), '0+'),
      f('records', 'records', '0+', { nullable: '0+' }),
      f('acquiredRecords', arrOf([
        f('firstOffset', 'int64', '0+'),
        f('lastOffset', 'int64', '0+'),
        f('deliveryCount', 'int16', '0+'),
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
