// Schema for Metadata (API key 3). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const MetadataRequest = message(3, 'MetadataRequest', '0-12', '9+', [
  f('topics', arrOf([
    f('topicId', 'uuid', '10+'),
    f('name', 'string', '0+', { nullable: '10+' }),
  ]), '0+', { nullable: '1+' }),
  f('allowAutoTopicCreation', 'bool', '4+', { default: true }),
  f('includeClusterAuthorizedOperations', 'bool', '8-10'),
  f('includeTopicAuthorizedOperations', 'bool', '8+'),
]);

export const MetadataResponse = message(3, 'MetadataResponse', '0-12', '9+', [
  f('throttleTimeMs', 'int32', '3+'),
  f('brokers', arrOf([
    f('nodeId', 'int32', '0+'),
    f('host', 'string', '0+'),
    f('port', 'int32', '0+'),
    f('rack', 'string', '1+', { nullable: '1+', default: null }),
  ]), '0+'),
  f('clusterId', 'string', '2+', { nullable: '2+', default: null }),
  f('controllerId', 'int32', '1+', { default: -1 }),
  f('topics', arrOf([
    f('errorCode', 'int16', '0+'),
    f('name', 'string', '0+', { nullable: '12+' }),
    f('topicId', 'uuid', '10+'),
    f('isInternal', 'bool', '1+', { default: false }),
    f('partitions', arrOf([
      f('errorCode', 'int16', '0+'),
      f('partitionIndex', 'int32', '0+'),
      f('leaderId', 'int32', '0+'),
      f('leaderEpoch', 'int32', '7+', { default: -1 }),
      f('replicaNodes', arr('int32'), '0+'),
      f('isrNodes', arr('int32'), '0+'),
      f('offlineReplicas', arr('int32'), '5+'),
    ]), '0+'),
    f('topicAuthorizedOperations', 'int32', '8+', { default: -2147483648 }),
  ]), '0+'),
  f('clusterAuthorizedOperations', 'int32', '8-10', { default: -2147483648 }),
]);
