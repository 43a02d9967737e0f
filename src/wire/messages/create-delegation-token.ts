// Schema for CreateDelegationToken (API key 38). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const CreateDelegationTokenRequest = message(38, 'CreateDelegationTokenRequest', '0-3', '2+', [
  f('ownerPrincipalType', 'string', '3+', { nullable: '3+' }),
  f('ownerPrincipalName', 'string', '3+', { nullable: '3+' }),
  f('renewers', arrOf([
    f('principalType', 'string', '0+'),
    f('principalName', 'string', '0+'),
  ]), '0+'),
  f('maxLifetimeMs', 'int64', '0+'),
]);

export const CreateDelegationTokenResponse = message(38, 'CreateDelegationTokenResponse', '0-3', '2+', [
  f('errorCode', 'int16', '0+'),
  f('principalType', 'string', '0+'),
  f('principalName', 'string', '0+'),
  f('tokenRequesterPrincipalType', 'string', '3+'),
  f('tokenRequesterPrincipalName', 'string', '3+'),
  f('issueTimestampMs', 'int64', '0+'),
  f('expiryTimestampMs', 'int64', '0+'),
  f('maxTimestampMs', 'int64', '0+'),
  f('tokenId', 'string', '0+'),
  f('hmac', 'bytes', '0+'),
  f('throttleTimeMs', 'int32', '0+'),
]);
