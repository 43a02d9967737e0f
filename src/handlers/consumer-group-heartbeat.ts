import { consumerGroups } from '../coordinator/consumer-groups.js';
import { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse } from '../wire/messages/consumer-group-heartbeat.js';
import { clientHost } from './group-common.js';
import { defineHandler } from './handler.js';

/**
 * ConsumerGroupHeartbeat 0-1 (KIP-848): join (epoch 0), heartbeat with the
 * current epoch and owned partitions, leave (-1) or leave temporarily as a
 * static member (-2). v0 lets the coordinator generate the member id; v1 adds
 * SubscribedTopicRegex and requires a client-generated member id. A group id
 * held by a non-empty classic group answers GROUP_ID_NOT_FOUND, as Kafka does
 * without online upgrade. See src/coordinator/consumer-group.ts.
 */
export const consumerGroupHeartbeat = defineHandler(ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, { min: 0, max: 1 }, async (req, ctx) => {
  const res = await consumerGroups(ctx.broker).heartbeat(
    req.groupId,
    {
      memberId: req.memberId,
      memberEpoch: req.memberEpoch,
      instanceId: req.instanceId,
      rackId: req.rackId,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      subscribedTopicNames: req.subscribedTopicNames,
      subscribedTopicRegex: ctx.apiVersion >= 1 ? req.subscribedTopicRegex : null,
      serverAssignor: req.serverAssignor,
      topicPartitions: req.topicPartitions,
    },
    { clientId: ctx.clientId ?? '', clientHost: clientHost(ctx), apiVersion: ctx.apiVersion },
  );
  return { throttleTimeMs: 0, ...res };
});
