// Schema for Heartbeat (API key 12). Field order is wire order.
import { message, f } from '../schema.js';

export const HeartbeatRequest = message(12, 'HeartbeatRequest', '0-4', '4+', [
  f('groupId', 'string', '0+'),
  f('generationId', 'int32', '0+'),
  f('memberId', 'string', '0+'),
  f('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
]);

export const HeartbeatResponse = message(12, 'HeartbeatResponse', '0-4', '4+', [
  f('throttleTimeMs', 'int32', '1+'),
  f('errorCode', 'int16', '0+'),
]);
