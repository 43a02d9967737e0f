// Schema for RemoveRaftVoter (API key 81). Field order is wire order.
import { message, f } from '../schema.js';

export const RemoveRaftVoterRequest = message(81, 'RemoveRaftVoterRequest', '0', '0+', [
  f('clusterId', 'string', '0+', { nullable: '0+' }),
  f('voterId', 'int32', '0+'),
  f('voterDirectoryId', 'uuid', '0+'),
]);

export const RemoveRaftVoterResponse = message(81, 'RemoveRaftVoterResponse', '0', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
  f('errorMessage', 'string', '0+', { nullable: '0+' }),
]);
