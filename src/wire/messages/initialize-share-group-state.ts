// Schema for InitializeShareGroupState (API key 83). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const InitializeShareGroupStateRequest = message(83, 'InitializeShareGroupStateRequest', '0', '0+', [
  f('groupId', 'string', '0+'),
  f('topics', arrOf([
    f('topicId', 'uuid', '0+'),
    f('partitions', arrOf([
      f('partition', 'int32', '0+'),
      f('stateEpoch', 'int32', '0+'),
      f('startOffset', 'int64', '0+'),
    ]), '0+'),
  ]), '0+'),
]);

export const InitializeShareGroupStateResponse = message(83, 'InitializeShareGroupStateResponse', '0', '0+', [
  f('results', arrOf([
    f('topicId', 'uuid', '0+'),
    f('partitions', arrOf([
      f('partition', 'int32', '0+'),
      f('errorCode', 'int16', '0+'),
      f('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
    ]), '0+'),
  ]), '0+'),
]);
