// Schema for TxnOffsetCommit (API key 28). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const TxnOffsetCommitRequest = message(28, 'TxnOffsetCommitRequest', '0-4', '3+', [
  f('transactionalId', 'string', '0+'),
  f('groupId', 'string', '0+'),
  f('producerId', 'int64', '0+'),
  f('producerEpoch', 'int16', '0+'),
  f('generationId', 'int32', '3+', { default: -1 }),
  f('memberId', 'string', '3+', { default: "" }),
  f('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
  f('topics', arrOf([
    f('name', 'string', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('committedOffset', 'int64', '0+'),
      f('committedLeaderEpoch', 'int32', '2+', { default: -1 }),
      f('committedMetadata', 'string', '0+', { nullable: '0+' }),
    ]), '0+'),
  ]), '0+'),
]);

export const TxnOffsetCommitResponse = message(28, 'TxnOffsetCommitResponse', '0-4', '3+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('topics', arrOf([
    f('name', 'string', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('errorCode', 'int16', '0+'),
    ]), '0+'),
  ]), '0+'),
]);
