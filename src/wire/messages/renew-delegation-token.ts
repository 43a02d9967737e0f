// Schema for RenewDelegationToken (API key 39). Field order is wire order.
import { message, f } from '../schema.js';

export const RenewDelegationTokenRequest = message(39, 'RenewDelegationTokenRequest', '0-2', '2+', [
  f('hmac', 'bytes', '0+'),
  f('renewPeriodMs', 'int64', '0+'),
]);

export const RenewDelegationTokenResponse = message(39, 'RenewDelegationTokenResponse', '0-2', '2+', [
  f('errorCode', 'int16', '0+'),
  f('expiryTimestampMs', 'int64', '0+'),
  f('throttleTimeMs', 'int32', '0+'),
]);
