import { ClassicGroup, type SyncResult } from '../coordinator/classic-group.js';
import { ErrorCode } from '../wire/error-codes.js';
import { SyncGroupRequest, SyncGroupResponse } from '../wire/messages/sync-group.js';
import { defineHandler } from './handler.js';

/** SyncGroup 0-5: followers wait for the leader's assignment; v5 checks protocol type and name. */
export const syncGroup = defineHandler(SyncGroupRequest, SyncGroupResponse, { min: 0, max: 5 }, async (req, ctx) => {
  const groups = ctx.broker.groups;
  const respond = (r: SyncResult) => ({ throttleTimeMs: 0, ...r });
  const fail = (errorCode: number) => respond({ errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) });
  if (req.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
  const parked = await groups.run(req.groupId, () => {
    const group = groups.getGroup(req.groupId);
    // Unknown, empty, or not a classic group: this member cannot be in it.
    if (!(group instanceof ClassicGroup) || group.isEmpty()) return null;
    // Wrapped: the queue must not wait for the assignment, only for the request to be applied.
    const result = group.sync({
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      generationId: req.generationId,
      protocolType: ctx.apiVersion >= 5 ? req.protocolType : null,
      protocolName: ctx.apiVersion >= 5 ? req.protocolName : null,
      assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
    });
    return { result };
  });
  if (parked === null) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
  return respond(await parked.result);
});
