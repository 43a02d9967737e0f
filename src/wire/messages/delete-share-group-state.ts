// Schema for DeleteShareGroupState (API key 86). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const DeleteShareGroupStateRequest = message(86, 'DeleteShareGroupStateRequest', '0', '0+', [
  f('groupId', 'string', '0+'),
  f('topics', arrOf([
    f('topicId', 'uuid', '0+'),
    f('partitions', arrOf([
      f('partition', 'int32', '0+'),
    ]), '0+'),
  ]), '0+'),
]);

export const DeleteShareGroupStateResponse = message(86, 'DeleteShareGroupStateResponse', '0', '0+', [
  f('results', arrOf([
    f('topicId', 'uuid', '0+'),
    f('partitions', arrOf([
      f('partition', 'int32', '0+'),
      f('errorCode', 'int16', '0+'),
      f('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
    ]), '0+'),
  ]), '0+'),
]);
