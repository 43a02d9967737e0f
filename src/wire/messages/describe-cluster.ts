// Schema for DescribeCluster (API key 60). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const DescribeClusterRequest = message(60, 'DescribeClusterRequest', '0-1', '0+', [
  f('includeClusterAuthorizedOperations', 'bool', '0+'),
  f('endpointType', 'int8', '1+', { default: 1 }),
]);

export const DescribeClusterResponse = message(60, 'DescribeClusterResponse', '0-1', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
  f('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  f('endpointType', 'int8', '1+', { default: 1 }),
  f('clusterId', 'string', '0+'),
  f('controllerId', 'int32', '0+', { default: -1 }),
  f('brokers', arrOf([
    f('brokerId', 'int32', '0+'),
    f('host', 'string', '0+'),
    f('port', 'int32', '0+'),
    f('rack', 'string', '0+', { nullable: '0+', default: null }),
  ]), '0+'),
  f('clusterAuthorizedOperations', 'int32', '0+', { default: -2147483648 }),
]);
