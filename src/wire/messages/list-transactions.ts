// Schema for ListTransactions (API key 66). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const ListTransactionsRequest = message(66, 'ListTransactionsRequest', '0-1', '0+', [
  f('stateFilters', arr('string'), '0+'),
  f('producerIdFilters', arr('int64'), '0+'),
  f('durationFilter', 'int64', '1+', { default: -1n }),
]);

export const ListTransactionsResponse = message(66, 'ListTransactionsResponse', '0-1', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
  f('unknownStateFilters', arr('string'), '0+'),
  f('transactionStates', arrOf([
    f('transactionalId', 'string', '0+'),
    f('producerId', 'int64', '0+'),
    f('transactionState', 'string', '0+'),
  ]), '0+'),
]);
