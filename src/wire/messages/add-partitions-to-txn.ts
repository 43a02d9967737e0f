// Schema for AddPartitionsToTxn (API key 24). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const AddPartitionsToTxnRequest = message(24, 'AddPartitionsToTxnRequest', '0-5', '3+', [
  f('transactions', arrOf([
    f('transactionalId', 'string', '4+'),
    f('producerId', 'int64', '4+'),
    f('producerEpoch', 'int16', '4+'),
    f('verifyOnly', 'bool', '4+', { default: false }),
    f('topics', arrOf([
      f('name', 'string', '0+'),
      f('partitions', arr('int32'), '0+'),
    ]), '4+'),
  ]), '4+'),
  f('v3AndBelowTransactionalId', 'string', '0-3'),
  f('v3AndBelowProducerId', 'int64', '0-3'),
  f('v3AndBelowProducerEpoch', 'int16', '0-3'),
  f('v3AndBelowTopics', arrOf([
    f('name', 'string', '0+'),
    f('partitions', arr('int32'), '0+'),
  ]), '0-3'),
]);

export const AddPartitionsToTxnResponse = message(24, 'AddPartitionsToTxnResponse', '0-5', '3+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '4+'),
  f('resultsByTransaction', arrOf([
    f('transactionalId', 'string', '4+'),
    f('topicResults', arrOf([
      f('name', 'string', '0+'),
      f('resultsByPartition', arrOf([
        f('partitionIndex', 'int32', '0+'),
        f('partitionErrorCode', 'int16', '0+'),
      ]), '0+'),
    ]), '4+'),
  ]), '4+'),
  f('resultsByTopicV3AndBelow', arrOf([
    f('name', 'string', '0+'),
    f('resultsByPartition', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('partitionErrorCode', 'int16', '0+'),
    ]), '0+'),
  ]), '0-3'),
]);
