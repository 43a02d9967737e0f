import { ClassicGroup } from '../coordinator/classic-group.js';
import { ErrorCode } from '../wire/error-codes.js';
import { DescribeGroupsRequest, DescribeGroupsResponse } from '../wire/messages/describe-groups.js';
import { AUTH_OPS_UNKNOWN, GROUP_AUTHORIZED_OPERATIONS } from './group-common.js';
import { defineHandler } from './handler.js';

/**
 * DescribeGroups 0-5 (classic groups). Members' metadata and assignments are
 * only shown in Stable, as Kafka does. Unknown ids, and consumer groups (which
 * ConsumerGroupDescribe describes), come back in state Dead without an error
 * code, which is Kafka's answer before v6.
 */
export const describeGroups = defineHandler(DescribeGroupsRequest, DescribeGroupsResponse, { min: 0, max: 5 }, (req, ctx) => {
  const { groups } = ctx.broker;
  const authorizedOperations = req.includeAuthorizedOperations ? GROUP_AUTHORIZED_OPERATIONS : AUTH_OPS_UNKNOWN;
  return {
    throttleTimeMs: 0,
    groups: req.groups.map((groupId) => {
      const group = groups.getGroup(groupId);
      if (!(group instanceof ClassicGroup)) {
        return { errorCode: ErrorCode.NONE, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations };
      }
      const d = group.describe();
      return {
        errorCode: ErrorCode.NONE,
        groupId,
        groupState: d.state,
        protocolType: d.protocolType,
        protocolData: d.protocolData,
        members: d.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: m.metadata,
          memberAssignment: m.assignment,
        })),
        authorizedOperations,
      };
    }),
  };
});
