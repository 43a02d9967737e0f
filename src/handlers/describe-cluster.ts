/**
 * DescribeCluster: this broker as the whole cluster and its controller (KIP-700).
 * v1 asks for an endpoint type: brokers are served; controllers are not
 * reachable through a broker (MISMATCHED_ENDPOINT_TYPE, as Kafka's brokers answer).
 */
import { ErrorCode } from '../wire/error-codes.js';
import { DescribeClusterRequest, DescribeClusterResponse } from '../wire/messages/describe-cluster.js';
import { defineHandler } from './handler.js';

const EndpointType = { UNKNOWN: 0, BROKER: 1, CONTROLLER: 2 } as const;
const AUTH_OPS_UNKNOWN = -2147483648;

export const describeCluster = defineHandler(DescribeClusterRequest, DescribeClusterResponse, { min: 0, max: 1 }, (req, ctx) => {
  const { broker, apiVersion } = ctx;
  const requested = apiVersion >= 1 ? req.endpointType : EndpointType.BROKER;
  if (requested !== EndpointType.BROKER) {
    const known = requested === EndpointType.CONTROLLER;
    return {
      throttleTimeMs: 0,
      errorCode: apiVersion === 0 ? ErrorCode.INVALID_REQUEST : known ? ErrorCode.MISMATCHED_ENDPOINT_TYPE : ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
      errorMessage: known ? 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER' : `Unsupported endpoint type ${requested}`,
      endpointType: EndpointType.BROKER,
      clusterId: '',
      controllerId: -1,
      brokers: [],
      clusterAuthorizedOperations: AUTH_OPS_UNKNOWN,
    };
  }
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    endpointType: EndpointType.BROKER,
    clusterId: broker.clusterId,
    controllerId: broker.controllerId,
    brokers: broker.brokerEndpoints(ctx.listener).map((b) => ({ brokerId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
    clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? broker.clusterAuthorizedOperations() : AUTH_OPS_UNKNOWN,
  };
});
