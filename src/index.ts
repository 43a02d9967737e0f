/** Public API: `import { startBroker } from 'kafkalite'`. */
export { startBroker, Broker } from './broker.js';
export type { BrokerHandle, StartBrokerOptions } from './broker.js';
export type { BrokerConfig } from './config/broker-config.js';
export { DEFAULT_CONFIG } from './config/broker-config.js';
