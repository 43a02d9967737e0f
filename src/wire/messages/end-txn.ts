// Schema for EndTxn (API key 26). Field order is wire order.
import { message, f } from '../schema.js';

export const EndTxnRequest = message(26, 'EndTxnRequest', '0-5', '3+', [
  f('transactionalId', 'string', '0+'),
  f('producerId', 'int64', '0+'),
  f('producerEpoch', 'int16', '0+'),
  f('committed', 'bool', '0+'),
]);

export const EndTxnResponse = message(26, 'EndTxnResponse', '0-5', '3+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
  f('producerId', 'int64', '5+', { default: -1n }),
  f('producerEpoch', 'int16', '5+', { default: -1 }),
]);
