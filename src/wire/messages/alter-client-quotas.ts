// Schema for AlterClientQuotas (API key 49). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const AlterClientQuotasRequest = message(49, 'AlterClientQuotasRequest', '0-1', '1+', [
  f('entries', arrOf([
    f('entity', arrOf([
      f('entityType', 'string', '0+'),
      f('entityName', 'string', '0+', { nullable: '0+' }),
    ]), '0+'),
    f('ops', arrOf([
      f('key', 'string', '0+'),
      f('value', 'float64', '0+'),
      f('remove', 'bool', '0+'),
    ]), '0+'),
  ]), '0+'),
  f('validateOnly', 'bool', '0+'),
]);

export const AlterClientQuotasResponse = message(49, 'AlterClientQuotasResponse', '0-1', '1+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('entries', arrOf([
    f('errorCode', 'int16', '0+'),
    f('errorMessage', 'string', '0+', { nullable: '0+' }),
    f('entity', arrOf([
      f('entityType', 'string', '0+'),
      f('entityName', 'string', '0+', { nullable: '0+' }),
    ]), '0+'),
  ]), '0+'),
]);
