// Schema for CreatePartitions (API key 37). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const CreatePartitionsRequest = message(37, 'CreatePartitionsRequest', '0-3', '2+', [
  f('topics', arrOf([
    f('name', 'string', '0+'),
    f('count', 'int32', '0+'),
    f('assignments', arrOf([
      f('brokerIds', arr('int32'), '0+'),
    ]), '0+', { nullable: '0+' }),
  ]), '0+'),
  f('timeoutMs', 'int32', '0+'),
  f('validateOnly', 'bool', '0+'),
]);

export const CreatePartitionsResponse = message(37, 'CreatePartitionsResponse', '0-3', '2+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('results', arrOf([
    f('name', 'string', '0+'),
    f('errorCode', 'int16', '0+'),
    f('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  ]), '0+'),
]);
