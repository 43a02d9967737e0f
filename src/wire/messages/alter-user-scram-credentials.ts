// Schema for AlterUserScramCredentials (API key 51). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const AlterUserScramCredentialsRequest = message(51, 'AlterUserScramCredentialsRequest', '0', '0+', [
  f('deletions', arrOf([
    f('name', 'string', '0+'),
    f('mechanism', 'int8', '0+'),
  ]), '0+'),
  f('upsertions', arrOf([
    f('name', 'string', '0+'),
    f('mechanism', 'int8', '0+'),
    f('iterations', 'int32', '0+'),
    f('salt', 'bytes', '0+'),
    f('saltedPassword', 'bytes', '0+'),
  ]), '0+'),
]);

export const AlterUserScramCredentialsResponse = message(51, 'AlterUserScramCredentialsResponse', '0', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('results', arrOf([
    f('user', 'string', '0+'),
    f('errorCode', 'int16', '0+'),
    f('errorMessage', 'string', '0+', { nullable: '0+' }),
  ]), '0+'),
]);
