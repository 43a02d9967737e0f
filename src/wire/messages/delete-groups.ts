// Schema for DeleteGroups (API key 42). Field order is wire order.
import { message, f, arr, arrOf } from '../schema.js';

export const DeleteGroupsRequest = message(42, 'DeleteGroupsRequest', '0-2', '2+', [
  f('groupsNames', arr('string'), '0+'),
]);

export const DeleteGroupsResponse = message(42, 'DeleteGroupsResponse', '0-2', '2+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('results', arrOf([
    f('groupId', 'string', '0+'),
    f('errorCode', 'int16', '0+'),
  ]), '0+'),
]);
