// Schema for DescribeQuorum (API key 55). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const DescribeQuorumRequest = message(55, 'DescribeQuorumRequest', '0-2', '0+', [
  f('topics', arrOf([
    f('topicName', 'string', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
    ]), '0+'),
  ]), '0+'),
]);

export const DescribeQuorumResponse = message(55, 'DescribeQuorumResponse', '0-2', '0+', [
  f('errorCode', 'int16', '0+'),
  f('errorMessage', 'string', '2+', { nullable: '2+' }),
  f('topics', arrOf([
    f('topicName', 'string', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('errorCode', 'int16', '0+'),
      f('errorMessage', 'string', '2+', { nullable: '2+' }),
      f('leaderId', 'int32', '0+'),
      f('leaderEpoch', 'int32', '0+'),
      f('highWatermark', 'int64', '0+'),
      f('currentVoters', arrOf([
        f('replicaId', 'int32', '0+'),
        f('replicaDirectoryId', 'uuid', '2+'),
        f('logEndOffset', 'int64', '0+'),
        f('lastFetchTimestamp', 'int64', '1+', { default: -1n }),
        f('lastCaughtUpTimestamp', 'int64', '1+', { default: -1n }),
      ]), '0+'),
      f('observers', arrOf([
        f('replicaId', 'int32', '0+'),
        f('replicaDirectoryId', 'uuid', '2+'),
        f('logEndOffset', 'int64', '0+'),
        f('lastFetchTimestamp', 'int64', '1+', { default: -1n }),
        f('lastCaughtUpTimestamp', 'int64', '1+', { default: -1n }),
      ]), '0+'),
    ]), '0+'),
  ]), '0+'),
  f('nodes', arrOf([
    f('nodeId', 'int32', '2+'),
    f('listeners', arrOf([
      f('name', 'string', '2+'),
      f('host', 'string', '2+'),
      f('port', 'uint16', '2+'),
    ]), '2+'),
  ]), '2+'),
]);
