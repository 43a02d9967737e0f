import { offsetCommitKey, offsetCommitValue } from '../coordinator/offsets-topic.js';
import { ErrorCode } from '../wire/error-codes.js';
import { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../wire/messages/txn-offset-commit.js';
import { collectOffsetCommits, failRemaining } from './group-common.js';
import { defineHandler } from './handler.js';

/**
 * TxnOffsetCommit 0-4: offsets committed inside a transaction (consume-transform-produce).
 * Written to `__consumer_offsets` as a transactional batch of the producer; they become
 * the group's committed offsets only when the transaction commits (OffsetFetch with
 * require_stable answers UNSTABLE_OFFSET_COMMIT until then) and vanish on abort.
 * Per partition: UNKNOWN_TOPIC_OR_PARTITION; then the group's verdict on member and
 * generation (v3+, skipped for generation -1 without a member id, as Kafka does);
 * OFFSET_METADATA_TOO_LARGE; then the transaction's: the group's offsets partition must
 * be in the producer's ongoing transaction (AddOffsetsToTxn), else INVALID_TXN_STATE,
 * a stale epoch INVALID_PRODUCER_EPOCH, an unknown producer INVALID_PRODUCER_ID_MAPPING.
 */
export const txnOffsetCommit = defineHandler(TxnOffsetCommitRequest, TxnOffsetCommitResponse, { min: 0, max: 4 }, async (req, ctx) => {
  const { broker } = ctx;
  const groups = broker.groups;
  const setupError = await groups.readyErrorCode(ctx.log);
  const topics = await groups.run(req.groupId, () => {
    const now = Date.now();
    let groupError = setupError;
    let group = groups.getGroup(req.groupId);
    const unchecked = req.generationId < 0 && req.memberId === '' && req.groupInstanceId === null;
    if (groupError === ErrorCode.NONE && !group) {
      if (req.generationId < 0) group = groups.simpleGroup(req.groupId);
      else groupError = ErrorCode.ILLEGAL_GENERATION;
    }
    if (groupError === ErrorCode.NONE && group && !unchecked) {
      groupError = group.validateOffsetCommit(req.memberId, req.groupInstanceId, req.generationId);
      if (groupError === ErrorCode.STALE_MEMBER_EPOCH) groupError = ErrorCode.ILLEGAL_GENERATION;
    }
    const { out, commits } = collectOffsetCommits(broker, req.topics, groupError, (p) => ({
      offset: p.committedOffset,
      leaderEpoch: p.committedLeaderEpoch,
      metadata: p.committedMetadata ?? '',
      commitTimestampMs: now,
      expireTimestampMs: null,
    }));
    if (commits.length > 0) {
      let err: number;
      try {
        err = broker.transactions.commitOffsets(
          req.groupId,
          req.producerId,
          req.producerEpoch,
          commits.map((c) => ({ key: offsetCommitKey(req.groupId, c.topic, c.partition), value: offsetCommitValue(c.value) })),
          commits,
        );
      } catch (e) {
        ctx.log.error({ err: e, group: req.groupId }, 'failed to write transactional offsets');
        err = ErrorCode.UNKNOWN_SERVER_ERROR;
      }
      if (err !== ErrorCode.NONE) failRemaining(out, err);
    }
    return out;
  });
  return { throttleTimeMs: 0, topics };
});
