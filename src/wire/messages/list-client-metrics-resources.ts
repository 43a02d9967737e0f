// Schema for ListClientMetricsResources (API key 74). Field order is wire order.
import { message, f, arrOf } from '../schema.js';

export const ListClientMetricsResourcesRequest = message(74, 'ListClientMetricsResourcesRequest', '0', '0+', [
]);

export const ListClientMetricsResourcesResponse = message(74, 'ListClientMetricsResourcesResponse', '0', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
  f('clientMetricsResources', arrOf([
    f('name', 'string', '0+'),
  ]), '0+'),
]);
