// Schema for AlterReplicaLogDirs (API key 34). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const AlterReplicaLogDirsRequest = message(34, 'AlterReplicaLogDirsRequest', '0-2', '2+', [
  f('dirs', arrOf([
    f('path', 'string', '0+'),
    f('topics', arrOf([
      f('name', 'string', '0+'),
      f('partitions', arr('int32'), '0+'),
    ]), '0+'),
  ]), '0+'),
]);

export const AlterReplicaLogDirsResponse = message(34, 'AlterReplicaLogDirsResponse', '0-2', '2+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('results', arrOf([
    f('topicName', 'string', '0+'),
    f('partitions', arrOf([
      f('partitionIndex', 'int32', '0+'),
      f('errorCode', 'int16', '0+'),
    ]), '0+'),
  ]), '0+'),
]);
