// Schema for WriteTxnMarkers (API key 27). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const WriteTxnMarkersRequest = message(27, 'WriteTxnMarkersRequest', '0-1', '1+', [
  f('markers', arrOf([
    f('producerId', 'int64', '0+'),
    f('producerEpoch', 'int16', '0+'),
    f('transactionResult', 'bool', '0+'),
    f('topics', arrOf([
      f('name', 'string', '0+'),
      f('partitionIndexes', arr('int32'), '0+'),
    ]), '0+'),
    f('coordinatorEpoch', 'int32', '0+'),
  ]), '0+'),
]);

export const WriteTxnMarkersResponse = message(27, 'WriteTxnMarkersResponse', '0-1', '1+', [
  f('markers', arrOf([
    f('producerId', 'int64', '0+'),
    f('topics', arrOf([
      f('name', 'string', '0+'),
      f('partitions', arrOf([
        f('partitionIndex', 'int32', '0+'),
        f('errorCode', 'int16', '0+'),
      ]), '0+'),
    ]), '0+'),
  ]), '0+'),
]);
