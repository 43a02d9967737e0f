// Schema for UpdateFeatures (API key 57). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const UpdateFeaturesRequest = message(57, 'UpdateFeaturesRequest', '0-2', '0+', [
  f('timeoutMs', 'int32', '0+', { default: 60000 }),
  f('featureUpdates', arrOf([
    f('feature', 'string', '0+'),
    f('maxVersionLevel', 'int16', '0+'),
    f('allowDowngrade', 'bool', '0'),
    f('upgradeType', 'int8', '1+', { default: 1 }),
  ]), '0+'),
  f('validateOnly', 'bool', '1+', { default: false }),
]);

export const UpdateFeaturesResponse = message(57, 'UpdateFeaturesResponse', '0-2', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
  f('errorMessage', 'string', '0+', { nullable: '0+' }),
  f('results', arrOf([
    f('feature', 'string', '0+'),
    f('errorCode', 'int16', '0+'),
    f('errorMessage', 'string', '0+', { nullable: '0+' }),
  ]), '0-1'),
]);
