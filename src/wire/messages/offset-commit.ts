// Schema for OffsetCommit (API key 8). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const OffsetCommitRequest = message(8, 'OffsetCommitRequest', '0-9', '8+', [
  f('groupId', 'string', '0+'),
  f('generationIdOrMemberEpoch', 'int32', '1+', { default: -1 }),
  f('memberId', 'string', '1+'),
  f('groupInstanceId', 'string', '7+', { nullable: '7+', default: null }),
  f('retentionTimeMs', 'int64', '2-4', { default: -1n }),
  f('topics', arrOf([
    f('name', 'string', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('committedOffset', 'int64', '0+'),
      f('committedLeaderEpoch', 'int32', '6+', { default: -1 }),
      f('commitTimestamp', 'int64', '1', { default: -1n }),
      f('committedMetadata', 'string', '0+', { nullable: '0+' }),
    ]), '0+'),
  ]), '0+'),
]);

export const OffsetCommitResponse = message(8, 'OffsetCommitResponse', '0-9', '8+', [
  f('throttleTimeMs', 'int32', '3+'),
  f('topics', arrOf([
    f('name', 'string', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('errorCode', 'int16', '0+'),
    ]), '0+'),
  ]), '0+'),
]);
