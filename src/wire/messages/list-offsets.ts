// Schema for ListOffsets (API key 2). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const ListOffsetsRequest = message(2, 'ListOffsetsRequest', '0-10', '6+', [
  f('replicaId', 'int32', '0+'),
  f('isolationLevel', 'int8', '2+'),
  f('topics', arrOf([
    f('name', 'string', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('currentLeaderEpoch', 'int32', '4+', { default: -1 }),
      f('timestamp', 'int64', '0+'),
      f('maxNumOffsets', 'int32', '0', { default: 1 }),
    ]), '0+'),
  ]), '0+'),
  f('timeoutMs', 'int32', '10+'),
]);

export const ListOffsetsResponse = message(2, 'ListOffsetsResponse', '0-10', '6+', [
  f('throttleTimeMs', 'int32', '2+'),
  f('topics', arrOf([
    f('name', 'string', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('errorCode', 'int16', '0+'),
      f('oldStyleOffsets', arr('int64'), '0'),
      f('timestamp', 'int64', '1+', { default: -1n }),
      f('offset', 'int64', '1+', { default: -1n }),
      f('leaderEpoch', 'int32', '4+', { default: -1 }),
    ]), '0+'),
  ]), '0+'),
]);
