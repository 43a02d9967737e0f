// Schema for Produce (API key 0). Field order is wire order.
import { message, f, arrOf, struct } from '../schema.js';

export const ProduceRequest = message(0, 'ProduceRequest', '0-11', '9+', [
  f('transactionalId', 'string', '3+', { nullable: '3+', default: null }),
  f('acks', 'int16', '0+'),
  f('timeoutMs', 'int32', '0+'),
  f('topicData', arrOf([
    f('name', 'string', '0+'),
    f('partitionData', arrOf([
      f('index', 'int32', '0+'),
      f('records', 'records', '0+', { nullable: '0+' }),
    ]), '0+'),
  ]), '0+'),
]);

export const ProduceResponse = message(0, 'ProduceResponse', '0-11', '9+', [
  f('responses', arrOf([
    f('name', 'string', '0+'),
    f('partitionResponses', arrOf([
      f('index', 'int32', '0+'),
      f('errorCode', 'int16', '0+'),
      f('baseOffset', 'int64', '0+'),
      f('logAppendTimeMs', 'int64', '2+', { default: -1n }),
      f('logStartOffset', 'int64', '5+', { default: -1n }),
      f('recordErrors', arrOf([
        f('batchIndex', 'int32', '8+'),
        f('batchIndexErrorMessage', 'string', '8+', { nullable: '8+', default: null }),
      ]), '8+'),
      f('errorMessage', 'string', '8+', { nullable: '8+', default: null }),
      f('currentLeader', struct([
        f('leaderId', 'int32', '10+', { default: -1 }),
        f('leaderEpoch', 'int32', '10+', { default: -1 }),
      ]), '10+', { tag: 0 }),
    ]), '0+'),
  ]), '0+'),
  f('throttleTimeMs', 'int32', '1+', { default: 0 }),
  f('nodeEndpoints', arrOf([
    f('nodeId', 'int32', '10+'),
    f('host', 'string', '10+'),
    f('port', 'int32', '10+'),
    f('rack', 'string', '10+', { nullable: '10+', default: null }),
  ]), '10+', { tag: 0 }),
]);
