// Schema for ElectLeaders (API key 43). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const ElectLeadersRequest = message(43, 'ElectLeadersRequest', '0-2', '2+', [
  f('electionType', 'int8', '1+'),
  f('topicPartitions', arrOf([
    f('topic', 'string', '0+'),
    f('partitions', arr('int32'), '0+'),
  ]), '0+', { nullable: '0+' }),
  f('timeoutMs', 'int32', '0+', { default: 60000 }),
]);

export const ElectLeadersResponse = message(43, 'ElectLeadersResponse', '0-2', '2+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '1+'),
  f('replicaElectionResults', arrOf([
    f('topic', 'string', '0+'),
    f('partitionResult', arrOf([
      f('partitionId', 'int32', '0+'),
      f('errorCode', 'int16', '0+'),
      f('errorMessage', 'string', '0+', { nullable: '0+' }),
    ]), '0+'),
  ]), '0+'),
]);
