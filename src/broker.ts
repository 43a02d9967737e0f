/**
 * The broker: a config, a log store, a handler table and a network server,
 * wired together. Handlers reach shared state (topics, node identity,
 * cluster id) through this object.
 */
import { randomBytes } from 'node:crypto';
import type { BrokerMetrics } from './admin/broker-metrics.js';
import type { Faults } from './admin/faults.js';
import { applyStartupData, resetBroker, type Fixtures, type TopicSpec } from './admin/fixtures.js';
import { RequestHooks } from './admin/hooks.js';
import type { AdminHttpServer } from './admin/http-server.js';
import { probeMetadata } from './admin/readiness.js';
import type { Recording } from './admin/recording.js';
import type { Connection } from './server/connection.js';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { resolveConfig, type BrokerConfig } from './config/broker-config.js';
import { ConfigRegistry } from './config/config-registry.js';
import { TOPIC_CONFIG_BY_NAME, type TopicConfigDef } from './config/topic-configs.js';
import { consumerGroups } from './coordinator/consumer-groups.js';
import { GroupCoordinator, coordinatorConfig } from './coordinator/group-coordinator.js';
import { ProducerIdManager } from './coordinator/producer-ids.js';
import { ProducerStateManager } from './coordinator/producer-state.js';
import { TransactionCoordinator, transactionConfig } from './coordinator/transaction-coordinator.js';
import { OFFSETS_TOPIC } from './coordinator/offsets-topic.js';
import { HANDLERS } from './handlers/index.js';
import type { Handler } from './handlers/handler.js';
import { createLogStore } from './log/index.js';
import type { LogStore, PartitionLog, TopicConfigs, TopicInfo } from './log/types.js';
import { createDispatcher } from './server/dispatch.js';
import { SimulatedCluster, clusterLayout, type Placement } from './cluster/cluster.js';
import { routeHandlers } from './cluster/routing.js';
import type { Dispatch } from './server/connection.js';
import { KafkaServer } from './server/server.js';
import { probeInProcess, Security } from './security/index.js';

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface NodeEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** Config sources as DescribeConfigs/CreateTopics report them. */
export const ConfigSource = {
  DYNAMIC_TOPIC_CONFIG: 1,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

// Every ACL operation is allowed while there is no authorizer (bit per AclOperation code).
const ALL_TOPIC_OPS = [3, 4, 5, 6, 7, 8, 10, 11].reduce((m, op) => m | (1 << op), 0);
const ALL_CLUSTER_OPS = [4, 5, 7, 8, 9, 10, 11, 12].reduce((m, op) => m | (1 << op), 0);

export class Broker {
  readonly config: BrokerConfig;
  readonly store: LogStore;
  readonly logger: Logger;
  readonly handlers: readonly Handler[];
  /** Consumer groups (classic and KIP-848) and committed offsets, persisted in `__consumer_offsets`. */
  readonly groups: GroupCoordinator;
  /** Per-partition producer state (idempotence, open transactions, LSO, aborted transactions). */
  readonly producers: ProducerStateManager;
  /** Transactional ids and their transactions, persisted in `__transaction_state`. */
  readonly transactions: TransactionCoordinator;
  /** Broker and topic config values with their sources; dynamic broker configs (AlterConfigs). */
  readonly configs: ConfigRegistry;
  /** Leader epoch of every partition of a single broker (never re-elected); see leaderEpochOf. */
  readonly leaderEpoch = 0;
  /**
   * The simulated cluster (`brokers` > 1: several node ids, leaders, coordinators,
   * leader moves, nodes down), or null for a single broker.
   */
  readonly cluster: SimulatedCluster | null;
  clusterId = '';
  private server: KafkaServer | null = null;
  private readonly abort = new AbortController();
  private readonly creating = new Map<string, Promise<TopicInfo>>();
  private metadataServed = false;
  private readonly metadataWaiters: (() => void)[] = [];
  private boundPort = 0;
  /** Version emulation, metrics, request recording and fault injection around every request (src/admin). */
  readonly hooks: RequestHooks = new RequestHooks(this);
  /** Listeners and their protocols, TLS, SASL users, ACLs and the authorizer (src/security). */
  readonly security: Security;
  private dispatch: Dispatch | null = null;

  constructor(config: BrokerConfig, logger: Logger, handlers: readonly Handler[] = HANDLERS) {
    this.config = config;
    this.logger = logger;
    this.handlers = handlers;
    this.configs = new ConfigRegistry(config);
    // Invalid listeners, TLS files or SASL users stop the start here, before anything is opened.
    this.security = new Security(config, logger.child({ component: 'security' }));
    this.store = createLogStore({
      ...(config.inMemory ? { inMemory: true } : { dataDir: config.dataDir }),
      logger: logger.child({ component: 'log' }),
      defaults: { segmentBytes: config.logSegmentBytes, segmentMs: config.logRollMs },
      maintenance: {
        retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
        cleanerEnable: this.configs.brokerValue('log.cleaner.enable') === 'true',
        cleanerBackoffMs: this.configs.staticNumber('log.cleaner.backoff.ms')!,
        ...(config.properties?.['log.cleaner.dedupe.buffer.size'] ? { dedupeBufferSize: this.configs.staticNumber('log.cleaner.dedupe.buffer.size')! } : {}),
        defaults: this.configs.logDefaults(),
        lastStableOffset: (log) => this.lastStableOffset(log),
      },
    });
    const layout = clusterLayout(config);
    this.cluster =
      layout.nodeIds.length > 1
        ? new SimulatedCluster({
            nodeIds: layout.nodeIds,
            store: this.store,
            logger: logger.child({ component: 'cluster' }),
            defaultReplicationFactor: () => this.config.defaultReplicationFactor,
            stateFile: config.inMemory ? null : join(config.dataDir, '__kafkalite', 'cluster.json'),
            onNodeState: (id, down) => (down ? this.server?.suspendNode(id) : this.server?.resumeNode(id)),
          })
        : null;
    // Requests sent to a node that is not the leader or coordinator are refused as Kafka does (src/cluster/routing.ts).
    if (this.cluster) this.handlers = routeHandlers(handlers, this, this.cluster);
    // Coordinators spread over the nodes: one __consumer_offsets / __transaction_state partition per node unless configured.
    const spread = this.cluster && !config.properties?.['offsets.topic.num.partitions'] ? { offsetsTopicNumPartitions: this.cluster.size } : {};
    this.groups = new GroupCoordinator({
      store: this.store,
      config: { ...coordinatorConfig(config), ...spread },
      logger: logger.child({ component: 'groups' }),
      closing: this.abort.signal,
    });
    this.producers = new ProducerStateManager();
    this.transactions = new TransactionCoordinator({
      store: this.store,
      producers: this.producers,
      producerIds: new ProducerIdManager(config.inMemory ? null : join(config.dataDir, '__kafkalite', 'producer-ids')),
      applyOffset: (group, topic, partition, value) => this.groups.offsets.apply(group, topic, partition, value),
      config: { ...transactionConfig(config), ...(this.cluster ? { topicNumPartitions: this.cluster.size } : {}) },
      logger: logger.child({ component: 'transactions' }),
    });
    this.groups.transactionalReplay = (partition, batch) => this.transactions.pendingOffsets.replayBatch(partition, batch);
    if (this.cluster) {
      // Fault injection's broker down/up and leader moves act on the simulated nodes.
      this.hooks.faults.setClusterControl(this.cluster.control());
      this.hooks.nodeOf = (conn) => conn.nodeId ?? this.nodeId;
    }
  }

  get nodeId(): number {
    return this.config.nodeId;
  }

  /** Aborted when shutdown starts; long polls listen to it. */
  get closing(): AbortSignal {
    return this.abort.signal;
  }

  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const t0 = performance.now();
    this.clusterId = this.config.clusterId ?? this.loadOrCreateClusterId();
    await this.store.open();
    this.configs.load();
    for (const name of this.configs.unknownStaticConfigs()) this.logger.warn({ config: name }, 'unknown broker config: kept and described, otherwise ignored');
    await this.groups.load();
    this.transactions.load();
    consumerGroups(this).load();
    this.startProducerExpiry();
    this.security.load();
    // With an authorizer, each handler is wrapped with its authorization rule; otherwise the table is used as it is.
    const dispatch = (this.dispatch = createDispatcher(this, this.security.wrapHandlers(this.handlers, this)));
    const listeners = this.security.listenerConfigs(dispatch, this.handlers);
    this.server = new KafkaServer({
      listeners: this.cluster ? this.cluster.expandListeners(listeners, clusterLayout(this.config).ports) : listeners,
      dispatch,
      logger: this.logger,
      maxInFlight: this.config.maxInFlightRequests,
      maxFrameSize: this.config.socketRequestMaxBytes,
      maxIdleMs: this.config.connectionsMaxIdleMs,
    });
    await this.server.listen();
    this.boundPort = this.server.port;
    this.security.setBound(this.server.listeners.slice(0, listeners.length).map((l) => l.port));
    this.cluster?.bind(this.server.listeners.map((l) => l.port), (name) => this.security.advertisedFor(name)!);
    this.logger.info(
      {
        nodeId: this.nodeId,
        clusterId: this.clusterId,
        storage: this.config.inMemory ? 'memory' : this.config.dataDir,
        topics: [...this.store.topics()].length,
        bootstrap: this.bootstrapServers,
        startupMs: Math.round(performance.now() - t0),
      },
      'broker started',
    );
  }

  /** Every partition in the store (internal topics included). */
  private *allPartitions(): Generator<PartitionLog> {
    for (const t of this.store.topics()) {
      for (let p = 0; p < t.numPartitions; p++) {
        const log = this.store.partition(t.name, p);
        if (log) yield log;
      }
    }
  }

  /** producer.id.expiration.ms, checked every producer.id.expiration.check.interval.ms (Kafka's PeriodicProducerExpirationCheck). */
  private startProducerExpiry(): void {
    const timer = setInterval(() => {
      const removed = this.producers.removeExpired(this.allPartitions(), Date.now(), this.config.producerIdExpirationMs);
      if (removed > 0) this.logger.info({ removed, producerIdExpirationMs: this.config.producerIdExpirationMs }, 'expired idle producer ids (producer.id.expiration.ms)');
    }, this.config.producerIdExpirationCheckIntervalMs);
    timer.unref();
    this.abort.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  }

  async close(): Promise<void> {
    if (this.abort.signal.aborted) return;
    this.logger.info('broker shutting down');
    this.abort.abort();
    await this.server?.close();
    await this.groups.shutdown();
    this.transactions.shutdown();
    await this.store.close();
    this.logger.info('broker stopped');
  }

  /** The first listener's advertised host (what the ready line and bootstrapServers name). */
  get advertisedHost(): string {
    const adv = this.security.advertisedFor(undefined);
    if (adv) return adv.host;
    if (this.config.advertisedHost) return this.config.advertisedHost;
    const h = this.config.host;
    return h === '0.0.0.0' || h === '::' || h === '' ? '127.0.0.1' : h;
  }

  get advertisedPort(): number {
    return this.security.advertisedFor(undefined)?.port ?? this.config.advertisedPort ?? this.boundPort;
  }

  /** `host:port` to give clients; in a simulated cluster, every node's, comma-separated (Kafka's bootstrap.servers syntax). */
  get bootstrapServers(): string {
    return this.bootstrapAddresses.join(',');
  }

  /** Every node's `host:port` (one for a single broker). */
  get bootstrapAddresses(): string[] {
    const fmt = (h: string, p: number) => `${h.includes(':') ? `[${h}]` : h}:${p}`;
    if (this.cluster) return this.cluster.nodes.map((n) => fmt(n.host, n.port));
    return [fmt(this.advertisedHost, this.advertisedPort)];
  }

  /** The nodes' bound ports (the first listener of each), in node order. */
  get ports(): number[] {
    return this.cluster ? this.cluster.nodes.map((n) => n.boundPort) : [this.port];
  }

  supportedApis(): ApiVersionRange[] {
    return this.hooks.restrictApis(this.handlers.map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion })));
  }

  /** Open client connections. */
  openConnections(): ReadonlySet<Connection> {
    return this.server?.connections ?? new Set();
  }

  /** This broker as clients of `listener` must reach it (Kafka answers with the endpoint of the listener the request came in on); every live node of a simulated cluster. */
  brokerEndpoints(listener?: string): NodeEndpoint[] {
    if (this.cluster) return this.cluster.liveNodes().map((n) => ({ nodeId: n.id, ...this.cluster!.endpoint(n.id, listener), rack: null }));
    const adv = listener !== undefined ? this.security.advertisedFor(listener) : undefined;
    return [{ nodeId: this.nodeId, host: adv?.host ?? this.advertisedHost, port: adv?.port ?? this.advertisedPort, rack: null }];
  }

  hasNode(id: number): boolean {
    return this.cluster ? this.cluster.hasNode(id) : id === this.nodeId;
  }

  /** Live nodes (what a replication factor can use). */
  nodeCount(): number {
    return this.cluster ? this.cluster.liveNodes().length : 1;
  }

  /** The controller Metadata and DescribeCluster name. */
  get controllerId(): number {
    return this.cluster ? this.cluster.controllerId : this.nodeId;
  }

  /** A partition's current leader epoch (0 on a single broker). */
  leaderEpochOf(topic: string, partition: number): number {
    return this.cluster ? this.cluster.leaderEpoch(topic, partition) : this.leaderEpoch;
  }

  clusterAuthorizedOperations(): number {
    return ALL_CLUSTER_OPS;
  }

  topicAuthorizedOperations(): number {
    return ALL_TOPIC_OPS;
  }

  /**
   * One Metadata round trip, for readiness: over the first PLAINTEXT listener, or in-process when
   * every listener needs TLS or SASL.
   */
  async readinessProbe(): Promise<void> {
    const plain = this.security.boundListeners.find((l) => l.protocol === 'PLAINTEXT');
    if (plain) await probeMetadata(plain.host, plain.boundPort);
    else if (this.dispatch) await probeInProcess(this.dispatch, this.logger);
  }

  /** Resolves once a Metadata request has been answered (readiness). */
  whenMetadataServed(): Promise<void> {
    if (this.metadataServed) return Promise.resolve();
    return new Promise((resolve) => this.metadataWaiters.push(resolve));
  }

  get isMetadataServed(): boolean {
    return this.metadataServed;
  }

  markMetadataServed(): void {
    if (this.metadataServed) return;
    this.metadataServed = true;
    for (const w of this.metadataWaiters.splice(0)) w();
  }

  isCreating(name: string): boolean {
    return this.creating.has(name);
  }

  /** Creates a topic; concurrent creates of one name share one creation. */
  createTopic(name: string, numPartitions: number, configs: TopicConfigs = {}, placement?: Placement): Promise<TopicInfo> {
    const pending = this.creating.get(name);
    if (pending) return pending;
    // A simulated cluster places the replicas as asked (CreateTopics' replication factor or assignments).
    if (this.cluster && placement) this.cluster.expect(name, placement);
    const p = this.store
      .createTopic(name, { numPartitions, configs })
      .then((t) => {
        this.groups.topicsChanged();
        return t;
      })
      .finally(() => {
        this.creating.delete(name);
        this.cluster?.settled(name);
      });
    this.creating.set(name, p);
    return p;
  }

  /** `auto.create.topics.enable`: a Metadata request for an unknown topic creates it. */
  async autoCreateTopic(name: string): Promise<TopicInfo | undefined> {
    const existing = this.store.topic(name);
    if (existing) return existing;
    try {
      // Kafka creates its internal offsets topic with its own settings (internal, compacted), never as a plain topic.
      if (name === OFFSETS_TOPIC) {
        await this.groups.ready();
        return this.store.topic(name);
      }
      const t = await this.createTopic(name, this.config.numPartitions);
      this.logger.info({ topic: name, partitions: t.numPartitions }, 'auto-created topic');
      return t;
    } catch (err) {
      this.logger.warn({ err, topic: name }, 'auto-create failed');
      return this.store.topic(name);
    }
  }

  async deleteTopic(name: string): Promise<void> {
    await this.store.deleteTopic(name);
    this.cluster?.forget(name);
    this.groups.topicsChanged();
  }

  /** The broker-level value of a topic config (its default for topics that do not set it). */
  brokerDefault(d: TopicConfigDef): { value: string; source: number } {
    const c = this.configs.effectiveTopicConfigs({}).find((e) => e.name === d.name);
    return { value: c?.value ?? d.defaultValue, source: c?.configSource ?? ConfigSource.DEFAULT_CONFIG };
  }

  /** Every topic config with its effective value and source, as CreateTopics v5+ returns them. */
  effectiveTopicConfigs(configs: TopicConfigs): { name: string; value: string; readOnly: boolean; configSource: number; isSensitive: boolean }[] {
    return this.configs.effectiveTopicConfigs(configs);
  }

  /** A topic config's value for `topic`: its own override, else the broker-level value (static or dynamic). */
  topicConfig(topic: TopicInfo | undefined, name: string): string {
    if (!TOPIC_CONFIG_BY_NAME.has(name)) throw new Error(`unknown topic config ${name}`);
    return this.configs.topicValue(topic, name);
  }

  maxMessageBytes(topic: TopicInfo): number {
    return Number(this.topicConfig(topic, 'max.message.bytes'));
  }

  /** The first offset of the partition's oldest open transaction, else the log end. */
  lastStableOffset(log: PartitionLog): bigint {
    return this.producers.lastStableOffset(log);
  }

  /** Kafka keeps the cluster id in meta.properties; so do we, so restarts keep it. */
  private loadOrCreateClusterId(): string {
    // An identifier, not a secret: Math.random spares the start-up from loading node:crypto (~2 ms), which the
    // CLI bundle loads on first use (scripts/bundle-cli.mjs).
    if (this.config.inMemory) return Buffer.from(Array.from({ length: 16 }, () => Math.floor(Math.random() * 256))).toString('base64url');
    const dir = this.config.dataDir;
    const file = join(dir, 'meta.properties');
    if (existsSync(file)) {
      const m = /^cluster\.id=(.+)$/m.exec(readFileSync(file, 'utf8'));
      if (m) return m[1]!.trim();
    }
    const id = randomBytes(16).toString('base64url');
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${file}.tmp`, `#kafkalite\nversion=1\ncluster.id=${id}\nnode.id=${this.nodeId}\n`);
    renameSync(`${file}.tmp`, file);
    return id;
  }
}

export interface StartBrokerOptions extends Omit<Partial<BrokerConfig>, 'seed'> {
  /** A pino logger to use; by default one at `logLevel` writing to stderr. */
  logger?: Logger;
  /** Topics to create at start-up (and again after reset()). */
  topics?: TopicSpec[];
  /** Topics and messages to create at start-up (and again after reset()): a fixtures file or the fixtures (src/admin/fixtures.ts). */
  seed?: string | Fixtures;
}

export interface BrokerHandle {
  /** `host:port` to give clients (a simulated cluster: every node's, comma-separated). */
  readonly bootstrapServers: string;
  /** Every node's `host:port` (one for a single broker). */
  readonly bootstrapAddresses: string[];
  /** The (first) node's port. */
  readonly port: number;
  /** Every node's port. */
  readonly ports: number[];
  /** The simulated cluster (`brokers` > 1): leaders, moves, nodes down/up; null for a single broker. */
  readonly cluster: SimulatedCluster | null;
  readonly broker: Broker;
  /** `http://host:port` of the admin HTTP server, when `adminPort` was given. */
  readonly adminUrl: string | undefined;
  readonly adminServer: AdminHttpServer | undefined;
  /** Fault injection (same operations as the admin `/faults` endpoints). */
  readonly faults: Faults;
  /** Request recording (same as `/recording`). */
  readonly recording: Recording;
  readonly metrics: BrokerMetrics;
  /**
   * Wipes topics, groups, committed offsets, faults and recorded requests, then re-creates the
   * start-up `topics`/`seed` (unless `{ reseed: false }`). No restart: connections stay open.
   */
  reset(opts?: { reseed?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export function createLogger(level: string): Logger {
  return pino({ level, base: { name: 'kafkalite' } }, pino.destination(2));
}

/** Starts a broker; resolves once it accepts connections and can answer Metadata. */
export async function startBroker(opts: StartBrokerOptions = {}): Promise<BrokerHandle> {
  const { logger, topics, seed, ...rest } = opts;
  const config = resolveConfig({ ...rest, ...(typeof seed === 'string' ? { seed } : {}) });
  const broker = new Broker(config, logger ?? createLogger(opts.logLevel ?? 'warn'));
  const startup = { ...(topics ? { topics } : {}), ...(seed !== undefined ? { seed } : config.seed !== undefined ? { seed: config.seed } : {}) };
  void broker.hooks.release; // an unknown --kafka-version fails here, before anything starts
  await broker.start();
  let admin: AdminHttpServer | undefined;
  try {
    await applyStartupData(broker, startup);
    // One Metadata round trip over the listener: the ready line and /ready then mean "Metadata has been served".
    await broker.readinessProbe().catch((err: unknown) => broker.logger.warn({ err }, 'readiness probe failed'));
    if (config.adminPort !== undefined) {
      // Loaded when asked for: node:http and the web console are not needed to serve Kafka clients.
      const { startAdminServer } = await import('./admin/http-server.js');
      admin = await startAdminServer(broker, { host: config.host, port: config.adminPort, reset: () => resetBroker(broker, startup) });
    }
  } catch (err) {
    await broker.close();
    throw err;
  }
  return {
    bootstrapServers: broker.bootstrapServers,
    bootstrapAddresses: broker.bootstrapAddresses,
    port: broker.port,
    ports: broker.ports,
    cluster: broker.cluster,
    broker,
    adminUrl: admin?.url,
    adminServer: admin,
    faults: broker.hooks.faults,
    recording: broker.hooks.recording,
    metrics: broker.hooks.metrics,
    reset: (o) => resetBroker(broker, startup, o),
    close: async () => {
      // The admin server keeps answering (/ready 503) while the broker drains.
      await broker.close();
      await admin?.close();
    },
  };
}
