// Schema for DescribeTransactions (API key 65). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const DescribeTransactionsRequest = message(65, 'DescribeTransactionsRequest', '0', '0+', [
  f('transactionalIds', arr('string'), '0+'),
]);

export const DescribeTransactionsResponse = message(65, 'DescribeTransactionsResponse', '0', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('transactionStates', arrOf([
    f('errorCode', 'int16', '0+'),
    f('transactionalId', 'string', '0+'),
    f('transactionState', 'string', '0+'),
    f('transactionTimeoutMs', 'int32', '0+'),
    f('transactionStartTimeMs', 'int64', '0+'),
    f('producerId', 'int64', '0+'),
    f('producerEpoch', 'int16', '0+'),
    f('topics', arrOf([
      f('topic', 'string', '0+'),
      f('partitions', arr('int32'), '0+'),
    ]), '0+'),
  ]), '0+'),
]);
