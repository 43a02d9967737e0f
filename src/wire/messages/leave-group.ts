// Schema for LeaveGroup (API key 13). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const LeaveGroupRequest = message(13, 'LeaveGroupRequest', '0-5', '4+', [
  f('groupId', 'string', '0+'),
  f('memberId', 'string', '0-2'),
  f('members', arrOf([
    f('memberId', 'string', '3+'),
    f('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
    f('reason', 'string', '5+', { nullable: '5+', default: null }),
  ]), '3+'),
]);

export const LeaveGroupResponse = message(13, 'LeaveGroupResponse', '0-5', '4+', [
  f('throttleTimeMs', 'int32', '1+'),
  f('errorCode', 'int16', '0+'),
  f('members', arrOf([
    f('memberId', 'string', '3+'),
    f('groupInstanceId', 'string', '3+', { nullable: '3+' }),
    f('errorCode', 'int16', '3+'),
  ]), '3+'),
]);
