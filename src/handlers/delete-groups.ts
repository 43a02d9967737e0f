import { DeleteGroupsRequest, DeleteGroupsResponse } from '../wire/messages/delete-groups.js';
import { defineHandler } from './handler.js';

/** DeleteGroups 0-2: only empty groups (NON_EMPTY_GROUP otherwise); their committed offsets go with them. */
export const deleteGroups = defineHandler(DeleteGroupsRequest, DeleteGroupsResponse, { min: 0, max: 2 }, async (req, ctx) => {
  const { groups } = ctx.broker;
  const results = [];
  for (const groupId of req.groupsNames) {
    const errorCode = await groups.run(groupId, () => {
      try {
        return groups.deleteGroup(groupId);
      } catch (err) {
        ctx.log.error({ err, group: groupId }, 'failed to delete group');
        return -1;
      }
    });
    results.push({ groupId, errorCode });
  }
  return { throttleTimeMs: 0, results };
});
