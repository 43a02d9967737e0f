// Schema for AddRaftVoter (API key 80). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const AddRaftVoterRequest = message(80, 'AddRaftVoterRequest', '0', '0+', [
  f('clusterId', 'string', '0+', { nullable: '0+' }),
  f('timeoutMs', 'int32', '0+'),
  f('voterId', 'int32', '0+'),
  f('voterDirectoryId', 'uuid', '0+'),
  f('listeners', arrOf([
    f('name', 'string', '0+'),
    f('host', 'string', '0+'),
    f('port', 'uint16', '0+'),
  ]), '0+'),
]);

export const AddRaftVoterResponse = message(80, 'AddRaftVoterResponse', '0', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
  f('errorMessage', 'string', '0+', { nullable: '0+' }),
]);
