// Schema for DescribeClientQuotas (API key 48). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const DescribeClientQuotasRequest = message(48, 'DescribeClientQuotasRequest', '0-1', '1+', [
  f('components', arrOf([
    f('entityType', 'string', '0+'),
    f('matchType', 'int8', '0+'),
    f('match', 'string', '0+', { nullable: '0+' }),
  ]), '0+'),
  f('strict', 'bool', '0+'),
]);

export const DescribeClientQuotasResponse = message(48, 'DescribeClientQuotasResponse', '0-1', '1+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
  f('errorMessage', 'string', '0+', { nullable: '0+' }),
  f('entries', arrOf([
    f('entity', arrOf([
      f('entityType', 'string', '0+'),
      f('entityName', 'string', '0+', { nullable: '0+' }),
    ]), '0+'),
    f('values', arrOf([
      f('key', 'string', '0+'),
      f('value', 'float64', '0+'),
    ]), '0+'),
  ]), '0+', { nullable: '0+' }),
]);
