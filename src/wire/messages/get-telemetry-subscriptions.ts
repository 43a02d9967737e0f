// Schema for GetTelemetrySubscriptions (API key 71). Field order is wire order.
import { message, f, arr } from '../schema.js';

export const GetTelemetrySubscriptionsRequest = message(71, 'GetTelemetrySubscriptionsRequest', '0', '0+', [
  f('clientInstanceId', 'uuid', '0+'),
]);

export const GetTelemetrySubscriptionsResponse = message(71, 'GetTelemetrySubscriptionsResponse', '0', '0+', [
  f('throttleTimeMs', 'int32', '0+'),
  f('errorCode', 'int16', '0+'),
  f('clientInstanceId', 'uuid', '0+'),
  f('subscriptionId', 'int32', '0+'),
  f('acceptedCompressionTypes', arr('int8'), '0+'),
  f('pushIntervalMs', 'int32', '0+'),
  f('telemetryMaxBytes', 'int32', '0+'),
  f('deltaTemporality', 'bool', '0+'),
  f('requestedMetrics', arr('string'), '0+'),
]);
