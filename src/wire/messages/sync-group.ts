// Schema for SyncGroup (API key 14). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const SyncGroupRequest = message(14, 'SyncGroupRequest', '0-5', '4+', [
  f('groupId', 'string', '0+'),
  f('generationId', 'int32', '0+'),
  f('memberId', 'string', '0+'),
  f('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
  f('protocolType', 'string', '5+', { nullable: '5+', default: null }),
  f('protocolName', 'string', '5+', { nullable: '5+', default: null }),
  f('assignments', arrOf([
    f('memberId', 'string', '0+'),
    f('assignment', 'bytes', '0+'),
  ]), '0+'),
]);

export const SyncGroupResponse = message(14, 'SyncGroupResponse', '0-5', '4+', [
  f('throttleTimeMs', 'int32', '1+'),
  f('errorCode', 'int16', '0+'),
  f('protocolType', 'string', '5+', { nullable: '5+', default: null }),
  f('protocolName', 'string', '5+', { nullable: '5+', default: null }),
  f('assignment', 'bytes', '0+'),
]);
