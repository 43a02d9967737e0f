// Schema for ListGroups (API key 16). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const ListGroupsRequest = message(16, 'ListGroupsRequest', '0-5', '3+', [
  f('statesFilter', arr('string'), '4+'),
  f('typesFilter', arr('string'), '5+'),
]);

export const ListGroupsResponse = message(16, 'ListGroupsResponse', '0-5', '3+', [
  f('throttleTimeMs', 'int32', '1+'),
  f('errorCode', 'int16', '0+'),
  f('groups', arrOf([
    f('groupId', 'string', '0+'),
    f('protocolType', 'string', '0+'),
    f('groupState', 'string', '4+'),
    f('groupType', 'string', '5+'),
  ]), '0+'),
]);
