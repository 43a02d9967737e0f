// Schema for UnregisterBroker (API key 64). Field order is wire order.
import { message, f } from '../schema.js';

export const UnregisterBrokerRequest = message(64, 'UnregisterBrokerRequest', '0', '0+', [
  f('brokerId', 'int32', '0+'),
]);

export const UnregisterBrokerResponse = message(64, 'UnregisterBrokerResponse', '0', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
  f('errorMessage', 'string', '0+', { nullable: '0+' }),
]);
