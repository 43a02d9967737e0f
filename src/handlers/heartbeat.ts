import { ClassicGroup } from '../coordinator/classic-group.js';
import { ErrorCode } from '../wire/error-codes.js';
import { HeartbeatRequest, HeartbeatResponse } from '../wire/messages/heartbeat.js';
import { defineHandler } from './handler.js';

/** Heartbeat 0-4: REBALANCE_IN_PROGRESS tells a member to rejoin; unknown groups and members are UNKNOWN_MEMBER_ID. */
export const heartbeat = defineHandler(HeartbeatRequest, HeartbeatResponse, { min: 0, max: 4 }, async (req, ctx) => {
  const groups = ctx.broker.groups;
  if (req.groupId === '') return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID };
  const errorCode = await groups.run(req.groupId, () => {
    const group = groups.getGroup(req.groupId);
    if (!(group instanceof ClassicGroup)) return ErrorCode.UNKNOWN_MEMBER_ID;
    return group.heartbeat(req.memberId, req.groupInstanceId, req.generationId);
  });
  return { throttleTimeMs: 0, errorCode };
});
