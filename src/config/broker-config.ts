import { propertiesFromSettings, readPropertiesFile, settingsFromProperties } from './broker-configs.js';

/** Broker settings, with the defaults a development/CI broker should have. */
export interface BrokerConfig {
  /** Interface to listen on. */
  host: string;
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Host clients are told to connect to (Metadata); defaults to `host`, or 127.0.0.1 when listening on all interfaces. */
  advertisedHost?: string;
  /** Port clients are told to connect to; defaults to the bound port. */
  advertisedPort?: number;
  /** Where topics live on disk (ignored with `inMemory`). */
  dataDir: string;
  /** Keep everything in memory; nothing touches the disk. */
  inMemory: boolean;
  nodeId: number;
  /** Simulated cluster: serve this many brokers (node ids nodeId … nodeId+N-1, ports port, port+1, …) from one process and one store. Default 1. */
  brokers?: number;
  /** Simulated cluster: each broker's port (a list, or comma-separated text as the CLI gives it); sets `brokers` when that is not given. */
  brokerPorts?: number[] | string;
  /** Fixed cluster id; by default generated once and kept in `<dataDir>/meta.properties`. */
  clusterId?: string;
  /** `num.partitions`: partitions of auto-created topics and of CreateTopics with -1. */
  numPartitions: number;
  /** `auto.create.topics.enable`. */
  autoCreateTopics: boolean;
  /** `default.replication.factor`. */
  defaultReplicationFactor: number;
  /** `message.max.bytes`: largest record batch accepted (topic `max.message.bytes` overrides). */
  messageMaxBytes: number;
  /** `socket.request.max.bytes`: largest request frame; larger closes the connection. */
  socketRequestMaxBytes: number;
  /** `connections.max.idle.ms`: connections with no traffic for this long are closed; negative: never. */
  connectionsMaxIdleMs: number;
  /** `producer.id.expiration.ms` / `producer.id.expiration.check.interval.ms`: idempotent producer state is forgotten after this long without a write. */
  producerIdExpirationMs: number;
  producerIdExpirationCheckIntervalMs: number;
  /** Requests a connection may have in flight before the broker stops reading from it. */
  maxInFlightRequests: number;
  /** `log.segment.bytes` / `log.roll.ms`: defaults for topics without their own. */
  logSegmentBytes: number;
  logRollMs: number;
  /** `log.retention.ms` (or `log.retention.minutes`/`.hours` in a config file) / `log.retention.bytes`: retention defaults for topics without their own. */
  logRetentionMs: number;
  logRetentionBytes: number;
  /** `log.retention.check.interval.ms`: how often retention looks for segments to delete. */
  logRetentionCheckIntervalMs: number;
  /** `log.cleaner.enable`: run the compaction cleaner for `cleanup.policy=compact` topics. */
  logCleanerEnable: boolean;
  /** `log.cleaner.backoff.ms`: pause between two runs of the cleaner. */
  logCleanerBackoffMs: number;
  /**
   * `log.cleaner.dedupe.buffer.size`: bytes of the cleaner's key → offset map (24 bytes a key).
   * Kafka: 128 MiB; 32 MiB here, so a dev broker stays small (a larger dirty log takes more passes).
   */
  logCleanerDedupeBufferSize: number;
  /** A Kafka `server.properties`-style file (`key=value`, `#` comments) read at start-up; typed settings given alongside win. */
  configFile?: string;
  /**
   * Kafka-named broker configs (`log.retention.hours`, `num.partitions`, ...). On input: applied
   * under the typed settings, over the config file. After resolveConfig: every statically
   * configured property (file, these, and the typed settings that were given), which
   * DescribeConfigs reports as STATIC_BROKER_CONFIG.
   */
  properties?: Record<string, string>;
  /** `delete.topic.enable`. */
  deleteTopicEnable: boolean;
  /**
   * Largest partition count CreateTopics accepts for one topic (INVALID_PARTITIONS above it).
   * Kafka has no such cap; a one-process broker needs one, since every partition holds open files.
   */
  maxPartitionsPerTopic: number;
  /**
   * `group.initial.rebalance.delay.ms`: how long the first rebalance of an empty
   * classic group waits for more members. Kafka's default is 3000; 0 here, so a
   * lone consumer in a test gets its partitions at once.
   */
  groupInitialRebalanceDelayMs: number;
  /** `group.min.session.timeout.ms` / `group.max.session.timeout.ms`: accepted JoinGroup session timeouts. */
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  /** `group.max.size`: members per classic group (GROUP_MAX_SIZE_REACHED beyond). */
  groupMaxSize: number;
  /** `offsets.retention.minutes`: committed offsets of empty groups are dropped after this. */
  offsetsRetentionMinutes: number;
  /** `offsets.retention.check.interval.ms`: how often expired offsets are looked for. */
  offsetsRetentionCheckIntervalMs: number;
  /** `offset.metadata.max.bytes`: longest metadata string of a committed offset. */
  offsetMetadataMaxBytes: number;
  /** `offsets.topic.num.partitions`: partitions of `__consumer_offsets` when it is created (Kafka: 50). */
  offsetsTopicNumPartitions: number;
  /** `group.consumer.heartbeat.interval.ms`: heartbeat interval given to KIP-848 consumer group members. */
  groupConsumerHeartbeatIntervalMs: number;
  /** `group.consumer.session.timeout.ms`: a KIP-848 member not heard from for this long is fenced. */
  groupConsumerSessionTimeoutMs: number;
  /** `group.consumer.max.size`: members per KIP-848 consumer group (GROUP_MAX_SIZE_REACHED beyond). */
  groupConsumerMaxSize: number;
  /** `group.consumer.assignors`: server-side assignors (`uniform`, `range`), the first being the default. */
  groupConsumerAssignors: string[];
  logLevel: string;
  /** Port of the admin HTTP server (/ready, /health, /metrics, /faults, /recording); 0 = any free port; unset = no admin server. */
  adminPort?: number;
  /** Emulate this Apache Kafka release's API versions (`2.8`, `0.11`, `4.0`, ...); unset = everything the handlers serve. */
  kafkaVersion?: string;
  /** A fixtures file (topics and messages) loaded at start-up and restored by reset(). */
  seed?: string;
  // ---- Security (src/security/config.ts maps these to Kafka's names) ----
  /** Kafka's `listeners`: `PLAINTEXT|SSL|SASL_PLAINTEXT|SASL_SSL://host:port` each; unset: one PLAINTEXT listener on host:port. */
  listeners?: string[];
  /** Kafka's `advertised.listeners`: `NAME://host:port` for listeners whose address clients are told differs. */
  advertisedListeners?: string[];
  /** Kafka's `listener.security.protocol.map` (`INTERNAL:SASL_SSL,EXTERNAL:SSL`), for listener names that are not protocols. */
  listenerSecurityProtocolMap?: string;
  /** PEM private key, certificate chain and CA bundle (client certificates) files of the TLS listeners. */
  sslKey?: string;
  sslCert?: string;
  sslCa?: string;
  /** Passphrase of an encrypted PEM key (`ssl.key.password`). */
  sslKeyPassword?: string;
  /** `ssl.client.auth` of SSL listeners: `required`, `requested` or `none` (default). */
  sslClientAuth?: 'required' | 'requested' | 'none';
  /** `sasl.enabled.mechanisms` (default: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; OAUTHBEARER when listed). */
  saslEnabledMechanisms?: string[];
  /** SASL users as `name:password` (salted at start-up; the passwords are not kept). */
  saslUsers?: string[];
  /** A JSON file of SASL users (passwords or salted SCRAM credentials). */
  saslUsersFile?: string;
  /** `super.users`: principals allowed everything (`User:admin`). */
  superUsers?: string[];
  /** Enable the ACL authorizer (Kafka: `authorizer.class.name`). */
  authorizer?: boolean;
  /** `allow.everyone.if.no.acl.found` (default false, as Kafka). */
  allowEveryoneIfNoAclFound?: boolean;
  /** `connections.max.reauth.ms`: SASL sessions expire after this long and clients re-authenticate (KIP-368); 0 = never. */
  connectionsMaxReauthMs?: number;
  /**
   * The OAUTHBEARER JAAS config of every SASL listener (Kafka: `listener.name.<listener>.oauthbearer.sasl.jaas.config`),
   * e.g. `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredValidatorRequiredScope="kafka";`.
   */
  saslOauthbearerJaasConfig?: string;
}

export const DEFAULT_CONFIG: BrokerConfig = {
  host: '127.0.0.1',
  port: 9092,
  dataDir: './data',
  inMemory: false,
  nodeId: 1,
  numPartitions: 1,
  autoCreateTopics: true,
  defaultReplicationFactor: 1,
  messageMaxBytes: 1048588,
  socketRequestMaxBytes: 104857600,
  connectionsMaxIdleMs: 600000,
  producerIdExpirationMs: 86400000,
  producerIdExpirationCheckIntervalMs: 600000,
  maxInFlightRequests: 100,
  logSegmentBytes: 1073741824,
  logRollMs: 604800000,
  logRetentionMs: 604800000,
  logRetentionBytes: -1,
  logRetentionCheckIntervalMs: 300000,
  logCleanerEnable: true,
  logCleanerBackoffMs: 15000,
  logCleanerDedupeBufferSize: 33554432,
  deleteTopicEnable: true,
  maxPartitionsPerTopic: 10000,
  groupInitialRebalanceDelayMs: 0,
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1800000,
  groupMaxSize: 2147483647,
  offsetsRetentionMinutes: 10080,
  offsetsRetentionCheckIntervalMs: 600000,
  offsetMetadataMaxBytes: 4096,
  offsetsTopicNumPartitions: 1,
  groupConsumerHeartbeatIntervalMs: 5000,
  groupConsumerSessionTimeoutMs: 45000,
  groupConsumerMaxSize: 2147483647,
  groupConsumerAssignors: ['uniform', 'range'],
  logLevel: 'info',
};

/**
 * Defaults, then the config file, then `properties`, then the typed settings given.
 * Throws on an unreadable file or an invalid value (as Kafka refuses to start).
 */
export function resolveConfig(partial: Partial<BrokerConfig>): BrokerConfig {
  const given: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(partial)) if (v !== undefined && k !== 'properties') given[k] = v;
  const props = { ...(partial.configFile ? readPropertiesFile(partial.configFile) : {}), ...partial.properties };
  const c: BrokerConfig = { ...DEFAULT_CONFIG, ...settingsFromProperties(props), ...given };
  c.properties = { ...props, ...propertiesFromSettings(given as Partial<BrokerConfig>) };
  return c;
}
