// Schema for CreateTopics (API key 19). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const CreateTopicsRequest = message(19, 'CreateTopicsRequest', '0-7', '5+', [
  f('topics', arrOf([
    f('name', 'string', '0+'),
    f('numPartitions', 'int32', '0+'),
    f('replicationFactor', 'int16', '0+'),
    f('assignments', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('brokerIds', arr('int32'), '0+'),
    ]), '0+'),
    f('configs', arrOf([
      f('name', 'string', '0+'),
      f('value', 'string', '0+', { nullable: '0+' }),
    ]), '0+'),
  ]), '0+'),
  f('timeoutMs', 'int32', '0+', { default: 60000 }),
  f('validateOnly', 'bool', '1+', { default: false }),
]);

export const CreateTopicsResponse = message(19, 'CreateTopicsResponse', '0-7', '5+', [
  f('throttleTimeMs', 'int32', '2+'),
  f('topics', arrOf([
    f('name', 'string', '0+'),
    f('topicId', 'uuid', '7+'),
    f('errorCode', 'int16', '0+'),
    f('errorMessage', 'string', '1+', { nullable: '0+' }),
    f('topicConfigErrorCode', 'int16', '5+', { tag: 0 }),
    f('numPartitions', 'int32', '5+', { default: -1 }),
    f('replicationFactor', 'int16', '5+', { default: -1 }),
    f('configs', arrOf([
      f('name', 'string', '5+'),
      f('value', 'string', '5+', { nullable: '5+' }),
      f('readOnly', 'bool', '5+'),
      f('configSource', 'int8', '5+', { default: -1 }),
      f('isSensitive', 'bool', '5+'),
    ]), '5+', { nullable: '5+' }),
  ]), '0+'),
]);
