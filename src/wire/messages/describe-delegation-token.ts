// Schema for DescribeDelegationToken (API key 41). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const DescribeDelegationTokenRequest = message(41, 'DescribeDelegationTokenRequest', '0-3', '2+', [
  f('owners', arrOf([
    f('principalType', 'string', '0+'),
    f('principalName', 'string', '0+'),
  ]), '0+', { nullable: '0+' }),
]);

export const DescribeDelegationTokenResponse = message(41, 'DescribeDelegationTokenResponse', '0-3', '2+', [
  f('errorCode', 'int16', '0+'),
  f('tokens', arrOf([
    f('principalType', 'string', '0+'),
    f('principalName', 'string', '0+'),
    f('tokenRequesterPrincipalType', 'string', '3+'),
    f('tokenRequesterPrincipalName', 'string', '3+'),
    f('issueTimestamp', 'int64', '0+'),
    f('expiryTimestamp', 'int64', '0+'),
    f('maxTimestamp', 'int64', '0+'),
    f('tokenId', 'string', '0+'),
    f('hmac', 'bytes', '0+'),
    f('renewers', arrOf([
      f('principalType', 'string', '0+'),
      f('principalName', 'string', '0+'),
    ]), '0+'),
  ]), '0+'),
  f('throttleTimeMs', 'int32', '0+'),
]);
