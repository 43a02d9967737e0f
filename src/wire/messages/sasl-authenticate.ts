// Schema for SaslAuthenticate (API key 36). Field order is wire order.
import { message, f } from '../schema.js';

export const SaslAuthenticateRequest = message(36, 'SaslAuthenticateRequest', '0-2', '2+', [
  f('authBytes', 'bytes', '0+'),
]);

export const SaslAuthenticateResponse = message(36, 'SaslAuthenticateResponse', '0-2', '2+', [
  f('errorCode', 'int16', '0+'),
  f('errorMessage', 'string', '0+', { nullable: '0+' }),
  f('authBytes', 'bytes', '0+'),
  f('sessionLifetimeMs', 'int64', '1+', { default: 0n }),
]);
