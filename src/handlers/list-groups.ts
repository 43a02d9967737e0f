import { ErrorCode } from '../wire/error-codes.js';
import { ListGroupsRequest, ListGroupsResponse } from '../wire/messages/list-groups.js';
import { defineHandler } from './handler.js';

/** ListGroups 0-5: every group, classic and consumer; state filter (v4+) and type filter (v5+) are case-insensitive. */
export const listGroups = defineHandler(ListGroupsRequest, ListGroupsResponse, { min: 0, max: 5 }, (req, ctx) => {
  const states = new Set((ctx.apiVersion >= 4 ? req.statesFilter : []).map((s) => s.toLowerCase()));
  const types = new Set((ctx.apiVersion >= 5 ? req.typesFilter : []).map((s) => s.toLowerCase()));
  const groups = ctx.broker.groups
    .allGroups()
    .filter((g) => (states.size === 0 || states.has(g.stateName.toLowerCase())) && (types.size === 0 || types.has(g.type)))
    .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.stateName, groupType: g.type }));
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups };
});
