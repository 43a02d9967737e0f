// Schema for AlterConfigs (API key 33). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const AlterConfigsRequest = message(33, 'AlterConfigsRequest', '0-2', '2+', [
  f('resources', arrOf([
    f('resourceType', 'int8', '0+'),
    f('resourceName', 'string', '0+'),
    f('configs', arrOf([
      f('name', 'string', '0+'),
      f('value', 'string', '0+', { nullable: '0+' }),
    ]), '0+'),
  ]), '0+'),
  f('validateOnly', 'bool', '0+'),
]);

export const AlterConfigsResponse = message(33, 'AlterConfigsResponse', '0-2', '2+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('responses', arrOf([
    f('errorCode', 'int16', '0+'),
    f('errorMessage', 'string', '0+', { nullable: '0+' }),
    f('resourceType', 'int8', '0+'),
    f('resourceName', 'string', '0+'),
  ]), '0+'),
]);
