// Schema for FindCoordinator (API key 10). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const FindCoordinatorRequest = message(10, 'FindCoordinatorRequest', '0-6', '3+', [
  f('key', 'string', '0-3'),
  f('keyType', 'int8', '1+', { default: 0 }),
  f('coordinatorKeys', arr('string'), '4+'),
]);

export const FindCoordinatorResponse = message(10, 'FindCoordinatorResponse', '0-6', '3+', [
  f('throttleTimeMs', 'int32', '1+'),
  f('errorCode', 'int16', '0-3'),
  f('errorMessage', 'string', '1-3', { nullable: '1-3' }),
  f('nodeId', 'int32', '0-3'),
  f('host', 'string', '0-3'),
  f('port', 'int32', '0-3'),
  f('coordinators', arrOf([
    f('key', 'string', '4+'),
    f('nodeId', 'int32', '4+'),
    f('host', 'string', '4+'),
    f('port', 'int32', '4+'),
    f('errorCode', 'int16', '4+'),
    f('errorMessage', 'string', '4+', { nullable: '4+' }),
  ]), '4+'),
]);
