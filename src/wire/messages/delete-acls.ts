// Schema for DeleteAcls (API key 31). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const DeleteAclsRequest = message(31, 'DeleteAclsRequest', '0-3', '2+', [
  f('filters', arrOf([
    f('resourceTypeFilter', 'int8', '0+'),
    f('resourceNameFilter', 'string', '0+', { nullable: '0+' }),
    f('patternTypeFilter', 'int8', '1+', { default: 3 }),
    f('principalFilter', 'string', '0+', { nullable: '0+' }),
    f('hostFilter', 'string', '0+', { nullable: '0+' }),
    f('operation', 'int8', '0+'),
    f('permissionType', 'int8', '0+'),
  ]), '0+'),
]);

export const DeleteAclsResponse = message(31, 'DeleteAclsResponse', '0-3', '2+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('filterResults', arrOf([
    f('errorCode', 'int16', '0+'),
    f('errorMessage', 'string', '0+', { nullable: '0+' }),
    f('matchingAcls', arrOf([
      f('errorCode', 'int16', '0+'),
      f('errorMessage', 'string', '0+', { nullable: '0+' }),
      f('resourceType', 'int8', '0+'),
      f('resourceName', 'string', '0+'),
      f('patternType', 'int8', '1+', { default: 3 }),
      f('principal', 'string', '0+'),
      f('host', 'string', '0+'),
      f('operation', 'int8', '0+'),
      f('permissionType', 'int8', '0+'),
    ]), '0+'),
  ]), '0+'),
]);
