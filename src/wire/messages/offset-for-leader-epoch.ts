// Schema for OffsetForLeaderEpoch (API key 23). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const OffsetForLeaderEpochRequest = message(23, 'OffsetForLeaderEpochRequest', '0-4', '4+', [
  f('replicaId', 'int32', '3+', { default: -2 }),
  f('topics', arrOf([
    f('topic', 'string', '0+'),
    f('partitions', arrOf([
      f('partition', 'int32', '0+'),
      f('currentLeaderEpoch', 'int32', '2+', { default: -1 }),
      f('leaderEpoch', 'int32', '0+'),
    ]), '0+'),
  ]), '0+'),
]);

export const OffsetForLeaderEpochResponse = message(23, 'OffsetForLeaderEpochResponse', '0-4', '4+', [
  f('throttleTimeMs', 'int32', '2+'),
  f('topics', arrOf([
    f('topic', 'string', '0+'),
    f('partitions', arrOf([
      f('errorCode', 'int16', '0+'),
      f('partition', 'int32', '0+'),
      f('leaderEpoch', 'int32', '1+', { default: -1 }),
      f('endOffset', 'int64', '0+', { default: -1n }),
    ]), '0+'),
  ]), '0+'),
]);
