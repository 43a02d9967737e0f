import { ClassicGroup, type LeaveResult } from '../coordinator/classic-group.js';
import { ErrorCode } from '../wire/error-codes.js';
import { LeaveGroupRequest, LeaveGroupResponse } from '../wire/messages/leave-group.js';
import { defineHandler } from './handler.js';

/**
 * LeaveGroup 0-5: one member (v0-2) or a batch (v3+, also by group instance
 * id alone, for administrative removal). Before v3 the member's error is the
 * response's error.
 */
export const leaveGroup = defineHandler(LeaveGroupRequest, LeaveGroupResponse, { min: 0, max: 5 }, async (req, ctx) => {
  const groups = ctx.broker.groups;
  const batched = ctx.apiVersion >= 3;
  const members = batched
    ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: m.reason }))
    : [{ memberId: req.memberId, groupInstanceId: null, reason: null }];
  let result: LeaveResult;
  if (req.groupId === '') {
    result = { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
  } else {
    result = await groups.run(req.groupId, () => {
      const group = groups.getGroup(req.groupId);
      if (!(group instanceof ClassicGroup)) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: [] };
      return group.leave(members);
    });
  }
  if (batched) return { throttleTimeMs: 0, errorCode: result.errorCode, members: result.members };
  const errorCode = result.errorCode !== ErrorCode.NONE ? result.errorCode : (result.members[0]?.errorCode ?? ErrorCode.NONE);
  return { throttleTimeMs: 0, errorCode };
});
