// Schema for OffsetFetch (API key 9). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const OffsetFetchRequest = message(9, 'OffsetFetchRequest', '0-9', '6+', [
  f('groupId', 'string', '0-7'),
  f('topics', arrOf([
    f('name', 'string', '0-7'),
    f('partitionIndexes', arr('int32'), '0-7'),
  ]), '0-7', { nullable: '2-7' }),
  f('groups', arrOf([
    f('groupId', 'string', '8+'),
    f('memberId', 'string', '9+', { nullable: '9+', default: null }),
    f('memberEpoch', 'int32', '9+', { default: -1 }),
    f('topics', arrOf([
      f('name', 'string', '8+'),
      f('partitionIndexes', arr('int32'), '8+'),
    ]), '8+', { nullable: '8+' }),
  ]), '8+'),
  f('requireStable', 'bool', '7+', { default: false }),
]);

export const OffsetFetchResponse = message(9, 'OffsetFetchResponse', '0-9', '6+', [
  f('throttleTimeMs', 'int32', '3+'),
  f('topics', arrOf([
    f('name', 'string', '0-7'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0-7'),
      f('committedOffset', 'int64', '0-7'),
      f('committedLeaderEpoch', 'int32', '5-7', { default: -1 }),
      f('metadata', 'string', '0-7', { nullable: '0-7' }),
      f('errorCode', 'int16', '0-7'),
    ]), '0-7'),
  ]), '0-7'),
  f('errorCode', 'int16', '2-7', { default: 0 }),
  f('groups', arrOf([
    f('groupId', 'string', '8+'),
    f('topics', arrOf([
      f('name', 'string', '8+'),
      f('partitions', arrOf([
        f('partitionIndex', 'int32', '8+'),
        f('committedOffset', 'int64', '8+'),
        f('committedLeaderEpoch', 'int32', '8+', { default: -1 }),
        f('metadata', 'string', '8+', { nullable: '8+' }),
        f('errorCode', 'int16', '8+'),
      ]), '8+'),
    ]), '8+'),
    f('errorCode', 'int16', '8+', { default: 0 }),
  ]), '8+'),
]);
