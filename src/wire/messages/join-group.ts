// Schema for JoinGroup (API key 11). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const JoinGroupRequest = message(11, 'JoinGroupRequest', '0-9', '6+', [
  f('groupId', 'string', '0+'),
  f('sessionTimeoutMs', 'int32', '0+'),
  f('rebalanceTimeoutMs', 'int32', '1+', { default: -1 }),
  f('memberId', 'string', '0+'),
  f('groupInstanceId', 'string', '5+', { nullable: '5+', default: null }),
  f('protocolType', 'string', '0+'),
  f('protocols', arrOf([
    f('name', 'string', '0+'),
    f('metadata', 'bytes', '0+'),
  ]), '0+'),
  f('reason', 'string', '8+', { nullable: '8+', default: null }),
]);

export const JoinGroupResponse = message(11, 'JoinGroupResponse', '0-9', '6+', [
  f('throttleTimeMs', 'int32', '2+'),
  f('errorCode', 'int16', '0+'),
  f('generationId', 'int32', '0+', { default: -1 }),
  f('protocolType', 'string', '7+', { nullable: '7+', default: null }),
  f('protocolName', 'string', '0+', { nullable: '7+' }),
  f('leader', 'string', '0+'),
  f('skipAssignment', 'bool', '9+', { default: false }),
  f('memberId', 'string', '0+'),
  f('members', arrOf([
    f('memberId', 'string', '0+'),
    f('groupInstanceId', 'string', '5+', { nullable: '5+', default: null }),
    f('metadata', 'bytes', '0+'),
  ]), '0+'),
]);
