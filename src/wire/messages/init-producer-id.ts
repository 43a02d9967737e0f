// Schema for InitProducerId (API key 22). Field order is wire order.
import { message, f } from '../schema.js';

export const InitProducerIdRequest = message(22, 'InitProducerIdRequest', '0-5', '2+', [
  f('transactionalId', 'string', '0+', { nullable: '0+' }),
  f('transactionTimeoutMs', 'int32', '0+'),
  f('producerId', 'int64', '3+', { default: -1n }),
  f('producerEpoch', 'int16', '3+', { default: -1 }),
]);

export const InitProducerIdResponse = message(22, 'InitProducerIdResponse', '0-5', '2+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
  f('producerId', 'int64', '0+', { default: -1n }),
  f('producerEpoch', 'int16', '0+'),
]);
