import { ErrorCode } from '../wire/error-codes.js';
import { OffsetDeleteRequest, OffsetDeleteResponse } from '../wire/messages/offset-delete.js';
import { defineHandler } from './handler.js';

/**
 * OffsetDelete 0: removes committed offsets of topics the group does not
 * consume (GROUP_SUBSCRIBED_TO_TOPIC for those it does, read from the members'
 * consumer-protocol subscriptions). A non-empty classic group must use the
 * consumer protocol (NON_EMPTY_GROUP otherwise); an unknown group is GROUP_ID_NOT_FOUND.
 */
export const offsetDelete = defineHandler(OffsetDeleteRequest, OffsetDeleteResponse, { min: 0, max: 0 }, async (req, ctx) => {
  const { broker } = ctx;
  const { groups } = broker;
  return groups.run(req.groupId, () => {
    const group = groups.getGroup(req.groupId);
    const topLevel = !group ? ErrorCode.GROUP_ID_NOT_FOUND : (group.validateOffsetDelete?.() ?? ErrorCode.NONE);
    if (!group || topLevel !== ErrorCode.NONE) return { errorCode: topLevel, throttleTimeMs: 0, topics: [] };
    const toDelete: { topic: string; partition: number }[] = [];
    const topics = req.topics.map((t) => {
      const subscribed = groups.isSubscribedToTopic(group, t.name);
      return {
        name: t.name,
        partitions: t.partitions.map((p) => {
          let errorCode: number = ErrorCode.NONE;
          if (!broker.store.partition(t.name, p.partitionIndex)) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          else if (subscribed) errorCode = ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
          else toDelete.push({ topic: t.name, partition: p.partitionIndex });
          return { partitionIndex: p.partitionIndex, errorCode };
        }),
      };
    });
    try {
      groups.offsets.delete(req.groupId, toDelete);
    } catch (err) {
      ctx.log.error({ err, group: req.groupId }, 'failed to delete offsets');
      return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, throttleTimeMs: 0, topics: [] };
    }
    return { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics };
  });
});
