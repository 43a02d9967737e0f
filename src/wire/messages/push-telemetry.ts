// Schema for PushTelemetry (API key 72). Field order is wire order.
import { message, f } from '../schema.js';

export const PushTelemetryRequest = message(72, 'PushTelemetryRequest', '0', '0+', [
  f('clientInstanceId', 'uuid', '0+'),
  f('subscriptionId', 'int32', '0+'),
  f('terminating', 'bool', '0+'),
  f('compressionType', 'int8', '0+'),
  f('metrics', 'bytes', '0+'),
]);

export const PushTelemetryResponse = message(72, 'PushTelemetryResponse', '0', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
]);
