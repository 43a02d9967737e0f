// Schema for DeleteTopics (API key 20). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const DeleteTopicsRequest = message(20, 'DeleteTopicsRequest', '0-6', '4+', [
  f('topics', arrOf([
    f('name', 'string', '6+', { nullable: '6+', default: null }),
    f('topicId', 'uuid', '6+'),
  ]), '6+'),
  f('topicNames', arr('string'), '0-5'),
  f('timeoutMs', 'int32', '0+'),
]);

export const DeleteTopicsResponse = message(20, 'DeleteTopicsResponse', '0-6', '4+', [
  f('throttleTimeMs', 'int32', '1+'),
  f('responses', arrOf([
    f('name', 'string', '0+', { nullable: '6+' }),
    f('topicId', 'uuid', '6+'),
    f('errorCode', 'int16', '0+'),
    f('errorMessage', 'string', '5+', { nullable: '5+', default: null }),
  ]), '0+'),
]);
