/** Public API: `import { startBroker } from 'kafkalite'`. */
export { startBroker, Broker } from './broker.js';
export type { BrokerHandle, StartBrokerOptions } from './broker.js';
export type { BrokerConfig } from './config/broker-config.js';
export { DEFAULT_CONFIG } from './config/broker-config.js';
export type { FaultInfo, FaultSpec } from './admin/faults.js';
export type { RecordedRequest } from './admin/recording.js';
export type { FixtureMessage, FixtureTopic, Fixtures, TopicSpec } from './admin/fixtures.js';
export { HttpError, registerAdminRoutes } from './admin/http-server.js';
export type { AdminHttpServer, AdminRoutesPlugin, RouteContext, RouteHandler } from './admin/http-server.js';
export { KAFKA_RELEASES } from './admin/kafka-versions.js';
export { generateDevCertificates } from './security/dev-cert.js';
export type { DevCertFiles, DevCertOptions } from './security/dev-cert.js';
export type { ClusterNode, PartitionState, PartitionView, Placement, SimulatedCluster } from './cluster/cluster.js';
