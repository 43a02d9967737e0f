// Schema for DescribeUserScramCredentials (API key 50). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const DescribeUserScramCredentialsRequest = message(50, 'DescribeUserScramCredentialsRequest', '0', '0+', [
  f('users', arrOf([
    f('name', 'string', '0+'),
  ]), '0+', { nullable: '0+' }),
]);

export const DescribeUserScramCredentialsResponse = message(50, 'DescribeUserScramCredentialsResponse', '0', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
  f('errorMessage', 'string', '0+', { nullable: '0+' }),
  f('results', arrOf([
    f('user', 'string', '0+'),
    f('errorCode', 'int16', '0+'),
    f('errorMessage', 'string', '0+', { nullable: '0+' }),
    f('credentialInfos', arrOf([
      f('mechanism', 'int8', '0+'),
      f('iterations', 'int32', '0+'),
    ]), '0+'),
  ]), '0+'),
]);
