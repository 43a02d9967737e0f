// Schema for SaslHandshake (API key 17). Field order is wire order.
import { message, f, arr } from '../schema.js';

export const SaslHandshakeRequest = message(17, 'SaslHandshakeRequest', '0-1', 'none', [
  f('mechanism', 'string', '0+'),
]);

export const SaslHandshakeResponse = message(17, 'SaslHandshakeResponse', '0-1', 'none', [
  f('errorCode', 'int16', '0+'),
  f('mechanisms', arr('string'), '0+'),
]);
