// Schema for CreateAcls (API key 30). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const CreateAclsRequest = message(30, 'CreateAclsRequest', '0-3', '2+', [
  f('creations', arrOf([
    f('resourceType', 'int8', '0+'),
    f('resourceName', 'string', '0+'),
    f('resourcePatternType', 'int8', '1+', { default: 3 }),
    f('principal', 'string', '0+'),
    f('host', 'string', '0+'),
    f('operation', 'int8', '0+'),
    f('permissionType', 'int8', '0+'),
  ]), '0+'),
]);

export const CreateAclsResponse = message(30, 'CreateAclsResponse', '0-3', '2+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('results', arrOf([
    f('errorCode', 'int16', '0+'),
    f('errorMessage', 'string', '0+', { nullable: '0+' }),
  ]), '0+'),
]);
