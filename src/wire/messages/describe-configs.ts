// Schema for DescribeConfigs (API key 32). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const DescribeConfigsRequest = message(32, 'DescribeConfigsRequest', '0-4', '4+', [
  f('resources', arrOf([
    f('resourceType', 'int8', '0+'),
    f('resourceName', 'string', '0+'),
    f('configurationKeys', arr('string'), '0+', { nullable: '0+' }),
  ]), '0+'),
  f('includeSynonyms', 'bool', '1+', { default: false }),
  f('includeDocumentation', 'bool', '3+', { default: false }),
]);

export const DescribeConfigsResponse = message(32, 'DescribeConfigsResponse', '0-4', '4+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('results', arrOf([
    f('errorCode', 'int16', '0+'),
    f('errorMessage', 'string', '0+', { nullable: '0+' }),
    f('resourceType', 'int8', '0+'),
    f('resourceName', 'string', '0+'),
    f('configs', arrOf([
      f('name', 'string', '0+'),
      f('value', 'string', '0+', { nullable: '0+' }),
      f('readOnly', 'bool', '0+'),
      f('isDefault', 'bool', '0'),
      f('configSource', 'int8', '1+', { default: -1 }),
      f('isSensitive', 'bool', '0+'),
      f('synonyms', arrOf([
        f('name', 'string', '1+'),
        f('value', 'string', '1+', { nullable: '0+' }),
        f('source', 'int8', '1+'),
      ]), '1+'),
      f('configType', 'int8', '3+', { default: 0 }),
      f('documentation', 'string', '3+', { nullable: '0+' }),
    ]), '0+'),
  ]), '0+'),
]);
