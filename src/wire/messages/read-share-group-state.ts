// Schema for ReadShareGroupState (API key 84). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const ReadShareGroupStateRequest = message(84, 'ReadShareGroupStateRequest', '0', '0+', [
  f('groupId', 'string', '0+'),
  f('topics', arrOf([
    f('topicId', 'uuid', '0+'),
    f('partitions', arrOf([
      f('partition', 'int32', '0+'),
      f('leaderEpoch', 'int32', '0+'),
    ]), '0+'),
  ]), '0+'),
]);

export const ReadShareGroupStateResponse = message(84, 'ReadShareGroupStateResponse', '0', '0+', [
  f('results', arrOf([
    f('topicId', 'uuid', '0+'),
    f('partitions', arrOf([
      f('partition', 'int32', '0+'),
      f('errorCode', 'int16', '0+'),
      f('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
      f('stateEpoch', 'int32', '0+'),
      f('startOffset', 'int64', '0+'),
      f('stateBatches', arrOf([
        f('firstOffset', 'int64', '0+'),
        f('lastOffset', 'int64', '0+'),
        f('deliveryState', 'int8', '0+'),
        f('deliveryCount', 'int16', '0+'),
      ]), '0+'),
    ]), '0+'),
  ]), '0+'),
]);
