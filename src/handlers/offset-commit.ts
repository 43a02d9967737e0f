import { ErrorCode } from '../wire/error-codes.js';
import { OffsetCommitRequest, OffsetCommitResponse } from '../wire/messages/offset-commit.js';
import { collectOffsetCommits, failRemaining } from './group-common.js';
import { defineHandler } from './handler.js';

/**
 * OffsetCommit 0-9. Per partition: UNKNOWN_TOPIC_OR_PARTITION first (Kafka
 * checks the metadata cache before the coordinator), then the group's verdict
 * on the member and generation (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID,
 * REBALANCE_IN_PROGRESS while the group awaits its assignment, ...), then
 * OFFSET_METADATA_TOO_LARGE. Generation -1 commits to an unknown group create a
 * "simple" group; with a generation the group must exist (GROUP_ID_NOT_FOUND
 * from v9, ILLEGAL_GENERATION before). v1 may carry the commit timestamp and
 * v2-4 a retention time.
 */
export const offsetCommit = defineHandler(OffsetCommitRequest, OffsetCommitResponse, { min: 0, max: 9 }, async (req, ctx) => {
  const { broker, apiVersion } = ctx;
  const groups = broker.groups;
  const setupError = await groups.readyErrorCode(ctx.log);
  const topics = await groups.run(req.groupId, () => {
    const now = Date.now();
    const generation = req.generationIdOrMemberEpoch;
    let groupError = setupError;
    let group = groups.getGroup(req.groupId);
    if (groupError === ErrorCode.NONE && !group) {
      if (generation < 0) group = groups.simpleGroup(req.groupId);
      else groupError = apiVersion >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION;
    }
    if (groupError === ErrorCode.NONE && group) {
      groupError = group.validateOffsetCommit(req.memberId, req.groupInstanceId, generation);
      // KIP-848 epochs need OffsetCommit v9; older clients cannot act on STALE_MEMBER_EPOCH.
      if (groupError === ErrorCode.STALE_MEMBER_EPOCH && apiVersion < 9) groupError = ErrorCode.UNSUPPORTED_VERSION;
    }
    const expireTimestampMs = apiVersion >= 2 && apiVersion <= 4 && req.retentionTimeMs !== -1n ? now + Number(req.retentionTimeMs) : null;
    const { out, commits } = collectOffsetCommits(broker, req.topics, groupError, (p) => ({
      offset: p.committedOffset,
      leaderEpoch: p.committedLeaderEpoch,
      metadata: p.committedMetadata ?? '',
      commitTimestampMs: apiVersion === 1 && p.commitTimestamp !== -1n ? Number(p.commitTimestamp) : now,
      expireTimestampMs,
    }));
    if (commits.length > 0) {
      try {
        groups.offsets.commit(req.groupId, commits);
        group?.onOffsetCommit?.(req.memberId);
      } catch (err) {
        ctx.log.error({ err, group: req.groupId }, 'failed to write committed offsets');
        failRemaining(out, ErrorCode.UNKNOWN_SERVER_ERROR);
      }
    }
    return out;
  });
  return { throttleTimeMs: 0, topics };
});
