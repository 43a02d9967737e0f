// Schema for ApiVersions (API key 18). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const ApiVersionsRequest = message(18, 'ApiVersionsRequest', '0-4', '3+', [
  f('clientSoftwareName', 'string', '3+'),
  f('clientSoftwareVersion', 'string', '3+'),
]);

export const ApiVersionsResponse = message(18, 'ApiVersionsResponse', '0-4', '3+', [
  f('errorCode', 'int16', '0+'),
  f('apiKeys', arrOf([
    f('apiKey', 'int16', '0+'),
    f('minVersion', 'int16', '0+'),
    f('maxVersion', 'int16', '0+'),
  ]), '0+'),
  f('throttleTimeMs', 'int32', '1+'),
  f('supportedFeatures', arrOf([
    f('name', 'string', '3+'),
    f('minVersion', 'int16', '3+'),
    f('maxVersion', 'int16', '3+'),
  ]), '3+', { tag: 0 }),
  f('finalizedFeaturesEpoch', 'int64', '3+', { tag: 1, default: -1n }),
  f('finalizedFeatures', arrOf([
    f('name', 'string', '3+'),
    f('maxVersionLevel', 'int16', '3+'),
    f('minVersionLevel', 'int16', '3+'),
  ]), '3+', { tag: 2 }),
  f('zkMigrationReady', 'bool', '3+', { tag: 3, default: false }),
]);
