// Schema for DescribeAcls (API key 29). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const DescribeAclsRequest = message(29, 'DescribeAclsRequest', '0-3', '2+', [
  f('resourceTypeFilter', 'int8', '0+'),
  f('resourceNameFilter', 'string', '0+', { nullable: '0+' }),
  f('patternTypeFilter', 'int8', '1+', { default: 3 }),
  f('principalFilter', 'string', '0+', { nullable: '0+' }),
  f('hostFilter', 'string', '0+', { nullable: '0+' }),
  f('operation', 'int8', '0+'),
  f('permissionType', 'int8', '0+'),
]);

export const DescribeAclsResponse = message(29, 'DescribeAclsResponse', '0-3', '2+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
  f('errorMessage', 'string', '0+', { nullable: '0+' }),
  f('resources', arrOf([
    f('resourceType', 'int8', '0+'),
    f('resourceName', 'string', '0+'),
    f('patternType', 'int8', '1+', { default: 3 }),
    f('acls', arrOf([
      f('principal', 'string', '0+'),
      f('host', 'string', '0+'),
      f('operation', 'int8', '0+'),
      f('permissionType', 'int8', '0+'),
    ]), '0+'),
  ]), '0+'),
]);
