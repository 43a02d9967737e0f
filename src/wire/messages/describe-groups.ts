// Schema for DescribeGroups (API key 15). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const DescribeGroupsRequest = message(15, 'DescribeGroupsRequest', '0-5', '5+', [
  f('groups', arr('string'), '0+'),
  f('includeAuthorizedOperations', 'bool', '3+'),
]);

export const DescribeGroupsResponse = message(15, 'DescribeGroupsResponse', '0-5', '5+', [
  f('throttleTimeMs', 'int32', '1+'),
  f('groups', arrOf([
    f('errorCode', 'int16', '0+'),
    f('groupId', 'string', '0+'),
    f('groupState', 'string', '0+'),
    f('protocolType', 'string', '0+'),
    f('protocolData', 'string', '0+'),
    f('members', arrOf([
      f('memberId', 'string', '0+'),
      f('groupInstanceId', 'string', '4+', { nullable: '4+', default: null }),
      f('clientId', 'string', '0+'),
      f('clientHost', 'string', '0+'),
      f('memberMetadata', 'bytes', '0+'),
      f('memberAssignment', 'bytes', '0+'),
    ]), '0+'),
    f('authorizedOperations', 'int32', '3+', { default: -2147483648 }),
  ]), '0+'),
]);
