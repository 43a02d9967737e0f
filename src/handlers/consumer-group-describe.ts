import { consumerGroups } from '../coordinator/consumer-groups.js';
import { ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse } from '../wire/messages/consumer-group-describe.js';
import { AUTH_OPS_UNKNOWN, GROUP_AUTHORIZED_OPERATIONS } from './group-common.js';
import { defineHandler } from './handler.js';

/**
 * ConsumerGroupDescribe 0 (KIP-848): state, epochs, assignor, and per member its
 * subscription, current and target assignment. Ids of classic groups and unknown
 * ids answer GROUP_ID_NOT_FOUND, an empty id INVALID_GROUP_ID.
 */
export const consumerGroupDescribe = defineHandler(ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse, { min: 0, max: 0 }, (req, ctx) => {
  const manager = consumerGroups(ctx.broker);
  const authorizedOperations = req.includeAuthorizedOperations ? GROUP_AUTHORIZED_OPERATIONS : AUTH_OPS_UNKNOWN;
  return {
    throttleTimeMs: 0,
    groups: req.groupIds.map((groupId) => ({ ...manager.describe(groupId), authorizedOperations })),
  };
});
