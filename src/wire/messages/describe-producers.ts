// Schema for DescribeProducers (API key 61). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const DescribeProducersRequest = message(61, 'DescribeProducersRequest', '0', '0+', [
  f('topics', arrOf([
    f('name', 'string', '0+'),
    f('partitionIndexes', arr('int32'), '0+'),
  ]), '0+'),
]);

export const DescribeProducersResponse = message(61, 'DescribeProducersResponse', '0', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('topics', arrOf([
    f('name', 'string', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('errorCode', 'int16', '0+'),
      f('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
      f('activeProducers', arrOf([
        f('producerId', 'int64', '0+'),
        f('producerEpoch', 'int32', '0+'),
        f('lastSequence', 'int32', '0+', { default: -1 }),
        f('lastTimestamp', 'int64', '0+', { default: -1n }),
        f('coordinatorEpoch', 'int32', '0+'),
        f('currentTxnStartOffset', 'int64', '0+', { default: -1n }),
      ]), '0+'),
    ]), '0+'),
  ]), '0+'),
]);
