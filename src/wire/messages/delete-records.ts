// Schema for DeleteRecords (API key 21). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const DeleteRecordsRequest = message(21, 'DeleteRecordsRequest', '0-2', '2+', [
  f('topics', arrOf([
    f('name', 'string', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('offset', 'int64', '0+'),
    ]), '0+'),
  ]), '0+'),
  f('timeoutMs', 'int32', '0+'),
]);

export const DeleteRecordsResponse = message(21, 'DeleteRecordsResponse', '0-2', '2+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('topics', arrOf([
    f('name', 'string', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('lowWatermark', 'int64', '0+'),
      f('errorCode', 'int16', '0+'),
    ]), '0+'),
  ]), '0+'),
]);
