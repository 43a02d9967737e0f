// Schema for ExpireDelegationToken (API key 40). Field order is wire order.
import { message, f } from '../schema.js';

export const ExpireDelegationTokenRequest = message(40, 'ExpireDelegationTokenRequest', '0-2', '2+', [
  f('hmac', 'bytes', '0+'),
  f('expiryTimePeriodMs', 'int64', '0+'),
]);

export const ExpireDelegationTokenResponse = message(40, 'ExpireDelegationTokenResponse', '0-2', '2+', [
  f('errorCode', 'int16', '0+'),
  f('expiryTimestampMs', 'int64', '0+'),
  f('throttleTimeMs', 'int32', '0+'),
]);
