// Schema for DescribeLogDirs (API key 35). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const DescribeLogDirsRequest = message(35, 'DescribeLogDirsRequest', '0-4', '2+', [
  f('topics', arrOf([
    f('topic', 'string', '0+'),
    f('partitions', arr('int32'), '0+'),
  ]), '0+', { nullable: '0+' }),
]);

export const DescribeLogDirsResponse = message(35, 'DescribeLogDirsResponse', '0-4', '2+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '3+'),
  f('results', arrOf([
    f('errorCode', 'int16', '0+'),
    f('logDir', 'string', '0+'),
    f('topics', arrOf([
      f('name', 'string', '0+'),
      f('partitions', arrOf([
        f('partitionIndex', 'int32', '0+'),
        f('partitionSize', 'int64', '0+'),
        f('offsetLag', 'int64', '0+'),
        f('isFutureKey', 'bool', '0+'),
      ]), '0+'),
    ]), '0+'),
    f('totalBytes', 'int64', '4+', { default: -1n }),
    f('usableBytes', 'int64', '4+', { default: -1n }),
  ]), '0+'),
]);
