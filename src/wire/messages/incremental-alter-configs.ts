// Schema for IncrementalAlterConfigs (API key 44). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const IncrementalAlterConfigsRequest = message(44, 'IncrementalAlterConfigsRequest', '0-1', '1+', [
  f('resources', arrOf([
    f('resourceType', 'int8', '0+'),
    f('resourceName', 'string', '0+'),
    f('configs', arrOf([
      f('name', 'string', '0+'),
      f('configOperation', 'int8', '0+'),
      f('value', 'string', '0+', { nullable: '0+' }),
    ]), '0+'),
  ]), '0+'),
  f('validateOnly', 'bool', '0+'),
]);

export const IncrementalAlterConfigsResponse = message(44, 'IncrementalAlterConfigsResponse', '0-1', '1+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('responses', arrOf([
    f('errorCode', 'int16', '0+'),
    f('errorMessage', 'string', '0+', { nullable: '0+' }),
    f('resourceType', 'int8', '0+'),
    f('resourceName', 'string', '0+'),
  ]), '0+'),
]);
