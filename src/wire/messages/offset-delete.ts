// Schema for OffsetDelete (API key 47). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const OffsetDeleteRequest = message(47, 'OffsetDeleteRequest', '0', 'none', [
  f('groupId', 'string', '0+'),
  f('topics', arrOf([
    f('name', 'string', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
    ]), '0+'),
  ]), '0+'),
]);

export const OffsetDeleteResponse = message(47, 'OffsetDeleteResponse', '0', 'none', [
  f('errorCode', 'int16', '0+'),
  f('throttleTimeMs', 'int32', '0+'),
  f('topics', arrOf([
    f('name', 'string', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('errorCode', 'int16', '0+'),
    ]), '0+'),
  ]), '0+'),
]);
