// Schema for AddOffsetsToTxn (API key 25). Field order is wire order.
import { message, f } from '../schema.js';

export const AddOffsetsToTxnRequest = message(25, 'AddOffsetsToTxnRequest', '0-4', '3+', [
  f('transactionalId', 'string', '0+'),
  f('producerId', 'int64', '0+'),
  f('producerEpoch', 'int16', '0+'),
  f('groupId', 'string', '0+'),
]);

export const AddOffsetsToTxnResponse = message(25, 'AddOffsetsToTxnResponse', '0-4', '3+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
]);
