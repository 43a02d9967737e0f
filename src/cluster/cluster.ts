/**
 * The simulated cluster (`--brokers N`): N node ids served by one process from
 * one log store and one set of coordinators. Nothing is replicated — every
 * node reads and writes the same partitions — but the cluster's metadata is
 * Kafka's: each partition has replicas (Kafka's placement, see placement.ts),
 * a leader and a leader epoch; the ISR is the replicas that are up; group and
 * transaction coordinators are the leaders of the `__consumer_offsets` and
 * `__transaction_state` partitions a key hashes to. Requests sent to a node
 * that is not the leader or coordinator are refused as Kafka refuses them
 * (routing.ts), so clients' routing, metadata refreshes and coordinator
 * discovery are exercised.
 *
 * Faults: a leader can be moved (`moveLeader`, bumping the leader epoch), a
 * node taken down and brought back (`setDown`: its listener stops accepting,
 * its connections close, the partitions it led move to other live replicas as
 * Kafka's controller moves them; partitions with no live replica go offline,
 * leader -1, until one comes back). ElectLeaders (PREFERRED) moves leaders back
 * to their first replica. With a data directory, the placement, leaders and
 * epoch history are kept in `<data-dir>/__kafkalite/cluster.json`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { FaultError, type ClusterControl } from '../admin/faults.js';
import { partitionFor } from '../coordinator/group-coordinator.js';
import type { LogStore, TopicInfo } from '../log/types.js';
import type { ListenerConfig } from '../server/server.js';
import { ErrorCode } from '../wire/error-codes.js';
import { assignReplicas, seedFor } from './placement.js';

/** Replication factor Kafka gives its internal topics (offsets.topic.replication.factor), capped at the node count. */
const INTERNAL_REPLICATION_FACTOR = 3;
const NO_LEADER = -1;

export interface Endpoint {
  host: string;
  port: number;
}

export interface ClusterNode {
  readonly id: number;
  /** Advertised address of its first listener (set once the listeners are bound). */
  host: string;
  port: number;
  /** Port its first listener is bound to. */
  boundPort: number;
  /** Advertised address per listener name. */
  readonly endpoints: Map<string, Endpoint>;
  down: boolean;
}

export interface EpochEntry {
  epoch: number;
  /** First offset written under this epoch (the log end offset when it began). */
  startOffset: bigint;
}

export interface PartitionState {
  /** Replica node ids; the first is the preferred leader. */
  replicas: number[];
  /** Leader node id; -1 while no replica is up. */
  leader: number;
  leaderEpoch: number;
  /** Kafka's leader epoch cache: when each epoch began, oldest first. */
  epochs: EpochEntry[];
}

interface TopicState {
  topicId: string;
  partitions: PartitionState[];
}

/** How a topic being created is placed: a replication factor, or Kafka's manual assignments (one replica list per partition). */
export interface Placement {
  replicationFactor?: number;
  assignments?: readonly (readonly number[])[];
}

/** A partition's metadata as Metadata and DescribeTopicPartitions report it. */
export interface PartitionView {
  errorCode: number;
  leaderId: number;
  leaderEpoch: number;
  replicaNodes: number[];
  isrNodes: number[];
  offlineReplicas: number[];
}

export interface SimulatedClusterOptions {
  /** Node ids, in order (node i listens on the i-th port). */
  nodeIds: readonly number[];
  store: LogStore;
  logger: Logger;
  /** `default.replication.factor` (capped at the node count). */
  defaultReplicationFactor: () => number;
  /** Where placement and leader state are kept; null in memory. */
  stateFile: string | null;
  /** Stops (down) or restarts (up) a node's listeners and closes its connections. */
  onNodeState?: (nodeId: number, down: boolean) => void | Promise<void>;
}

interface SavedState {
  nodes: number[];
  topics: Record<string, { topicId: string; partitions: { replicas: number[]; leader: number; leaderEpoch: number; epochs: [number, string][] }[] }>;
}

export class SimulatedCluster {
  readonly nodes: readonly ClusterNode[];
  private readonly byId = new Map<number, ClusterNode>();
  private readonly topics = new Map<string, TopicState>();
  /** Placements asked for by creations in progress (CreateTopics replication factor or assignments). */
  private readonly pending = new Map<string, Placement>();
  private readonly store: LogStore;
  private readonly log: Logger;
  private downCount = 0;
  private saveScheduled = false;
  private perNode = 1;
  private listenerNames: string[] = [];

  constructor(private readonly opts: SimulatedClusterOptions) {
    if (opts.nodeIds.length < 1) throw new RangeError('a cluster needs at least one node');
    if (new Set(opts.nodeIds).size !== opts.nodeIds.length) throw new RangeError(`node ids must be distinct: ${opts.nodeIds.join(',')}`);
    this.nodes = opts.nodeIds.map((id) => ({ id, host: '', port: -1, boundPort: -1, endpoints: new Map(), down: false }));
    for (const n of this.nodes) this.byId.set(n.id, n);
    this.store = opts.store;
    this.log = opts.logger;
  }

  // ---- Nodes ------------------------------------------------------------------------

  get size(): number {
    return this.nodes.length;
  }

  get nodeIds(): number[] {
    return this.nodes.map((n) => n.id);
  }

  hasNode(id: number): boolean {
    return this.byId.has(id);
  }

  isDown(id: number): boolean {
    return this.downCount > 0 && this.byId.get(id)?.down === true;
  }

  isLive(id: number): boolean {
    const n = this.byId.get(id);
    return n !== undefined && !n.down;
  }

  liveNodes(): ClusterNode[] {
    return this.downCount === 0 ? [...this.nodes] : this.nodes.filter((n) => !n.down);
  }

  node(id: number): ClusterNode | undefined {
    return this.byId.get(id);
  }

  /** The controller Metadata and DescribeCluster name: the lowest live node id (-1 when all are down). */
  get controllerId(): number {
    let min = NO_LEADER;
    for (const n of this.nodes) if (!n.down && (min === NO_LEADER || n.id < min)) min = n.id;
    return min;
  }

  /**
   * The broker's listeners, once per node (node after node, each in the given
   * order). Node i's first listener is on `ports[i]` when given; otherwise
   * every listener on port P is on P + i × (listeners per node), so one
   * listener on 9092 gives 9092, 9093, 9094; port 0 stays 0 (free ports).
   */
  expandListeners(listeners: readonly ListenerConfig[], ports?: readonly number[]): ListenerConfig[] {
    const per = listeners.length;
    this.perNode = per;
    this.listenerNames = listeners.map((l) => l.name ?? '');
    return this.nodes.flatMap((n, i) =>
      listeners.map((l, j) => ({ ...l, port: j === 0 && ports?.[i] !== undefined ? ports[i]! : l.port === 0 ? 0 : l.port + i * per, nodeId: n.id })),
    );
  }

  /**
   * Records every node's advertised endpoints once the listeners are bound
   * (`boundPorts` in expandListeners' order). `advertised(name)` is the first
   * node's advertised address of a listener: a node's port is its bound port,
   * unless an advertised port was configured, which is then offset as the
   * listen ports are.
   */
  bind(boundPorts: readonly number[], advertised: (listener: string) => Endpoint): void {
    const per = this.perNode;
    this.nodes.forEach((n, i) => {
      n.endpoints.clear();
      this.listenerNames.forEach((name, j) => {
        const base = advertised(name);
        const explicit = base.port !== boundPorts[j];
        n.endpoints.set(name, { host: base.host, port: explicit ? base.port + i * per : boundPorts[i * per + j]! });
      });
      n.boundPort = boundPorts[i * per]!;
      const first = n.endpoints.get(this.listenerNames[0]!)!;
      n.host = first.host;
      n.port = first.port;
    });
  }

  /** A node's address for clients of `listener` (the first listener's for unknown names or none). */
  endpoint(nodeId: number, listener?: string): Endpoint {
    const n = this.byId.get(nodeId);
    if (!n) return { host: '', port: -1 };
    return (listener !== undefined ? n.endpoints.get(listener) : undefined) ?? { host: n.host, port: n.port };
  }

  /** The ClusterControl fault injection drives (broker down/up, leader moves). */
  control(): ClusterControl {
    return {
      nodeIds: () => this.nodeIds,
      nodeStateChanged: (nodeId, down) => this.setDown(nodeId, down),
      moveLeader: (topic, partition, nodeId) => {
        this.moveLeader(topic, partition, nodeId);
      },
    };
  }

  // ---- Topic state ----------------------------------------------------------------------

  /** Called before a topic is created: how to place it (the default is the configured replication factor). */
  expect(name: string, placement: Placement): void {
    this.pending.set(name, placement);
  }

  /** Called after a topic creation finished or failed: a created topic is placed now, as asked. */
  settled(name: string): void {
    this.topic(name);
    this.pending.delete(name);
  }

  /** Forgets a deleted topic. */
  forget(name: string): void {
    if (this.topics.delete(name)) this.changed();
  }

  /** A topic's state, placed on first use (and grown when partitions were added). Undefined for unknown topics. */
  topic(name: string): TopicState | undefined {
    const info = this.store.topic(name);
    if (!info) return undefined;
    let s = this.topics.get(name);
    if (s === undefined || s.topicId !== info.topicId) {
      s = this.place(info);
      this.topics.set(name, s);
      this.changed();
    } else if (s.partitions.length < info.numPartitions) {
      this.grow(info, s, this.pending.get(name)?.assignments);
      this.changed();
    }
    return s;
  }

  partition(topic: string, partition: number): PartitionState | undefined {
    return this.topic(topic)?.partitions[partition];
  }

  /** The leader of a partition (-1: offline), or undefined for an unknown partition. */
  leaderOf(topic: string, partition: number): number | undefined {
    return this.topic(topic)?.partitions[partition]?.leader;
  }

  leaderEpoch(topic: string, partition: number): number {
    return this.topic(topic)?.partitions[partition]?.leaderEpoch ?? 0;
  }

  /** Metadata's view of a partition: ISR = the replicas that are up, LEADER_NOT_AVAILABLE while offline. */
  view(topic: string, partition: number): PartitionView {
    const p = this.partition(topic, partition);
    if (!p) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, leaderId: NO_LEADER, leaderEpoch: -1, replicaNodes: [], isrNodes: [], offlineReplicas: [] };
    const isr = this.downCount === 0 ? p.replicas : p.replicas.filter((r) => this.isLive(r));
    return {
      errorCode: p.leader === NO_LEADER ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicas,
      isrNodes: isr,
      offlineReplicas: this.downCount === 0 ? [] : p.replicas.filter((r) => !this.isLive(r)),
    };
  }

  /**
   * The coordinator of a key (group id, transactional id): the leader of the
   * internal topic's partition it hashes to; -1 when that partition has no
   * leader; undefined while the topic does not exist.
   */
  coordinator(internalTopic: string, key: string): number | undefined {
    const info = this.store.topic(internalTopic);
    if (!info) return undefined;
    return this.leaderOf(internalTopic, partitionFor(key, info.numPartitions)) ?? NO_LEADER;
  }

  /** FindCoordinator's answer: the coordinator's address for clients of `listener`, or null while it has no leader. */
  coordinatorEndpoint(internalTopic: string, key: string, listener?: string): { nodeId: number; host: string; port: number } | null {
    const id = this.coordinator(internalTopic, key);
    if (id === undefined || id < 0) return null;
    return { nodeId: id, ...this.endpoint(id, listener) };
  }

  /**
   * OffsetForLeaderEpoch: the epoch at or below `requested` and the offset where
   * the next epoch began (the log end for the current one), as Kafka's
   * LeaderEpochFileCache.endOffsetFor answers.
   */
  endOffsetFor(topic: string, partition: number, requested: number, logStartOffset: bigint, logEndOffset: bigint): { leaderEpoch: number; endOffset: bigint } {
    const undefinedAnswer = { leaderEpoch: -1, endOffset: -1n };
    const p = this.partition(topic, partition);
    if (!p || requested === -1) return undefinedAnswer;
    if (requested === p.leaderEpoch) return { leaderEpoch: requested, endOffset: logEndOffset };
    const higher = p.epochs.findIndex((e) => e.epoch > requested);
    if (higher < 0) return undefinedAnswer;
    const end = p.epochs[higher]!.startOffset;
    const floor = higher > 0 ? p.epochs[higher - 1]! : null;
    const endOffset = end < logStartOffset ? logStartOffset : end;
    return { leaderEpoch: floor ? floor.epoch : requested, endOffset };
  }

  // ---- Leader changes ---------------------------------------------------------------------

  /**
   * Moves a partition's leader to `to` (default: the next live replica, or the
   * next live node for a single replica), bumping the leader epoch. A target
   * outside the replica set takes the current leader's place in it (a
   * reassignment, so a single-replica partition can move too). Throws
   * FaultError for unknown partitions and nodes, or a node that is down.
   */
  moveLeader(topic: string, partition: number, to?: number): { leader: number; leaderEpoch: number } {
    const p = this.partition(topic, partition);
    if (!p) throw new FaultError(`unknown partition ${topic}-${partition}`, 404);
    if (to === undefined) {
      to = this.nextLeader(p);
      if (to === undefined) throw new FaultError(`no other live node to lead ${topic}-${partition}`);
    }
    if (!this.byId.has(to)) throw new FaultError(`no broker with node id ${to}`, 404);
    if (this.isDown(to)) throw new FaultError(`node ${to} is down`);
    if (to === p.leader) return { leader: p.leader, leaderEpoch: p.leaderEpoch };
    if (!p.replicas.includes(to)) {
      const i = p.replicas.indexOf(p.leader);
      p.replicas = [...p.replicas];
      if (i >= 0) p.replicas[i] = to;
      else p.replicas.push(to);
    }
    this.elect(topic, partition, p, to, 'leader moved');
    return { leader: p.leader, leaderEpoch: p.leaderEpoch };
  }

  /**
   * ElectLeaders PREFERRED: makes the first replica the leader again. Returns
   * NONE (moved), ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE (it is
   * down) or UNKNOWN_TOPIC_OR_PARTITION.
   */
  electPreferred(topic: string, partition: number): number {
    const p = this.partition(topic, partition);
    if (!p) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    const preferred = p.replicas[0]!;
    if (p.leader === preferred) return ErrorCode.ELECTION_NOT_NEEDED;
    if (!this.isLive(preferred)) return ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE;
    this.elect(topic, partition, p, preferred, 'preferred leader elected');
    return ErrorCode.NONE;
  }

  /** ElectLeaders UNCLEAN: only offline partitions need one (and none can happen here: every replica is in sync). */
  electUnclean(topic: string, partition: number): number {
    const p = this.partition(topic, partition);
    if (!p) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    if (p.leader !== NO_LEADER) return ErrorCode.ELECTION_NOT_NEEDED;
    return ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE;
  }

  /** AlterPartitionReassignments: the new replica set applies at once; the leader moves when it is not part of it. */
  reassign(topic: string, partition: number, replicas: readonly number[]): void {
    const p = this.partition(topic, partition);
    if (!p) throw new FaultError(`unknown partition ${topic}-${partition}`, 404);
    p.replicas = [...replicas];
    if (!p.replicas.includes(p.leader)) {
      const next = p.replicas.find((r) => this.isLive(r)) ?? NO_LEADER;
      this.elect(topic, partition, p, next, 'reassigned');
    } else {
      this.changed();
    }
  }

  /**
   * Takes a node down or brings it back. Down: its listener closes (via
   * `onNodeState`) and the partitions it led move to their next live replica
   * (leader -1 when none is left). Up: partitions left without a leader get
   * this node back as leader; others stay where they are (ElectLeaders
   * PREFERRED moves them back).
   */
  setDown(nodeId: number, down: boolean): void {
    const n = this.byId.get(nodeId);
    if (!n) throw new FaultError(`no broker with node id ${nodeId}`, 404);
    if (n.down === down) return;
    n.down = down;
    this.downCount += down ? 1 : -1;
    for (const t of this.store.topics()) {
      const s = this.topic(t.name);
      if (!s) continue;
      s.partitions.forEach((p, i) => {
        if (down && p.leader === nodeId) this.elect(t.name, i, p, p.replicas.find((r) => this.isLive(r)) ?? NO_LEADER, `node ${nodeId} down`);
        else if (!down && p.leader === NO_LEADER && p.replicas.includes(nodeId)) this.elect(t.name, i, p, nodeId, `node ${nodeId} up`);
      });
    }
    this.log.info({ nodeId, down }, down ? 'simulated node down' : 'simulated node up');
    const r = this.opts.onNodeState?.(nodeId, down);
    if (r instanceof Promise) r.catch((err: unknown) => this.log.error({ err, nodeId, down }, 'cannot change listener state'));
  }

  // ---- Internals ------------------------------------------------------------------------------

  private nextLeader(p: PartitionState): number | undefined {
    const ring = p.replicas.length > 1 ? p.replicas : this.nodeIds;
    const at = Math.max(0, ring.indexOf(p.leader));
    for (let k = 1; k < ring.length; k++) {
      const candidate = ring[(at + k) % ring.length]!;
      if (this.isLive(candidate)) return candidate;
    }
    return undefined;
  }

  private elect(topic: string, partition: number, p: PartitionState, leader: number, reason: string): void {
    p.leader = leader;
    p.leaderEpoch++;
    const start = this.store.partition(topic, partition)?.logEndOffset ?? 0n;
    // Kafka's cache drops entries that start at or after the new epoch's start offset.
    while (p.epochs.length > 0 && p.epochs[p.epochs.length - 1]!.startOffset >= start) p.epochs.pop();
    p.epochs.push({ epoch: p.leaderEpoch, startOffset: start });
    this.log.info({ topic, partition, leader, leaderEpoch: p.leaderEpoch, reason }, 'partition leader changed');
    this.changed();
  }

  private replicationFactorFor(info: TopicInfo): number {
    const n = this.nodes.length;
    if (info.internal) return Math.min(INTERNAL_REPLICATION_FACTOR, n);
    return Math.max(1, Math.min(this.pending.get(info.name)?.replicationFactor ?? this.opts.defaultReplicationFactor(), n));
  }

  /** Nodes new replicas go to: the live ones when enough are up (Kafka places on unfenced brokers only). */
  private placementNodes(rf: number): number[] {
    const live = this.liveNodes().map((n) => n.id);
    return live.length >= rf ? live : this.nodeIds;
  }

  private place(info: TopicInfo): TopicState {
    const s: TopicState = { topicId: info.topicId, partitions: [] };
    const saved = this.saved?.topics[info.name];
    if (saved && saved.topicId === info.topicId && saved.partitions.every((p) => p.replicas.every((r) => this.byId.has(r)))) {
      s.partitions = saved.partitions.slice(0, info.numPartitions).map((p) => ({
        replicas: p.replicas,
        leader: p.leader,
        leaderEpoch: p.leaderEpoch,
        epochs: p.epochs.map(([epoch, start]) => ({ epoch, startOffset: BigInt(start) })),
      }));
    }
    // Every node is up after a restart: a partition saved without a (live) leader gets one.
    s.partitions.forEach((p, i) => {
      if (!this.isLive(p.leader)) {
        const next = p.replicas.find((r) => this.isLive(r));
        if (next !== undefined) this.elect(info.name, i, p, next, 'restored without a leader');
      }
    });
    this.grow(info, s, this.pending.get(info.name)?.assignments);
    return s;
  }

  private grow(info: TopicInfo, s: TopicState, assignments: readonly (readonly number[])[] | undefined): void {
    const from = s.partitions.length;
    const count = info.numPartitions - from;
    if (count <= 0) return;
    let lists: (readonly number[])[];
    if (assignments && assignments.length >= info.numPartitions) lists = assignments.slice(from, info.numPartitions);
    else if (assignments && assignments.length === count) lists = assignments.slice();
    else {
      const rf = from > 0 ? s.partitions[0]!.replicas.length : this.replicationFactorFor(info);
      const nodes = this.placementNodes(rf);
      lists = assignReplicas(nodes, count, Math.min(rf, nodes.length), seedFor(info.topicId, nodes.length), from);
    }
    for (const replicas of lists) {
      const leader = replicas.find((r) => this.isLive(r)) ?? NO_LEADER;
      s.partitions.push({ replicas: [...replicas], leader, leaderEpoch: 0, epochs: [{ epoch: 0, startOffset: 0n }] });
    }
  }

  // ---- Persistence -------------------------------------------------------------------------------

  private savedState: SavedState | null | undefined;

  private get saved(): SavedState | null {
    if (this.savedState === undefined) this.savedState = this.load();
    return this.savedState;
  }

  private load(): SavedState | null {
    const file = this.opts.stateFile;
    if (file === null || !existsSync(file)) return null;
    try {
      const s = JSON.parse(readFileSync(file, 'utf8')) as SavedState;
      if (!Array.isArray(s.nodes) || s.nodes.join(',') !== this.nodeIds.join(',')) {
        this.log.warn({ file, saved: s.nodes, now: this.nodeIds }, 'cluster nodes changed: partitions are placed again');
        return null;
      }
      return s;
    } catch (err) {
      this.log.warn({ err, file }, 'unreadable cluster state: partitions are placed again');
      return null;
    }
  }

  private changed(): void {
    if (this.opts.stateFile === null || this.saveScheduled) return;
    this.saveScheduled = true;
    queueMicrotask(() => {
      this.saveScheduled = false;
      this.save();
    });
  }

  /** Writes the state file now (atomically); a no-op in memory. */
  save(): void {
    const file = this.opts.stateFile;
    if (file === null) return;
    const topics: SavedState['topics'] = {};
    for (const [name, t] of this.topics) {
      if (this.store.topic(name)?.topicId !== t.topicId) continue;
      topics[name] = {
        topicId: t.topicId,
        partitions: t.partitions.map((p) => ({ replicas: p.replicas, leader: p.leader, leaderEpoch: p.leaderEpoch, epochs: p.epochs.map((e) => [e.epoch, String(e.startOffset)]) })),
      };
    }
    // Topics not looked at since start-up keep their saved state.
    for (const [name, t] of Object.entries(this.saved?.topics ?? {})) {
      if (!(name in topics) && !this.topics.has(name) && this.store.topic(name)?.topicId === t.topicId) topics[name] = t;
    }
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, `${JSON.stringify({ nodes: this.nodeIds, topics } satisfies SavedState)}\n`);
      renameSync(`${file}.tmp`, file);
    } catch (err) {
      this.log.warn({ err, file }, 'cannot save the cluster state');
    }
  }
}

/** Most nodes a simulated cluster may have (each is a listener and a share of the placement). */
export const MAX_SIMULATED_NODES = 64;

/**
 * Node ids and ports of a `brokers`/`brokerPorts` setting: `nodeId … nodeId +
 * N - 1`; ports as given (a list or comma-separated text, as the CLI passes
 * it), which also sets N. Throws on invalid values, so the start fails early.
 */
export function clusterLayout(c: { nodeId: number; brokers?: number | undefined; brokerPorts?: readonly number[] | string | undefined }): { nodeIds: number[]; ports: number[] | undefined } {
  let ports: number[] | undefined;
  if (c.brokerPorts !== undefined) {
    const raw = typeof c.brokerPorts === 'string' ? c.brokerPorts.split(',').map((s) => s.trim()).filter(Boolean) : c.brokerPorts;
    ports = raw.map((p) => {
      const n = Number(p);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`brokerPorts: invalid port '${String(p)}'`);
      return n;
    });
    if (ports.length === 0) throw new Error('brokerPorts: no port given');
    const nonZero = ports.filter((p) => p !== 0);
    if (new Set(nonZero).size !== nonZero.length) throw new Error(`brokerPorts: ports must be distinct: ${ports.join(',')}`);
  }
  const n = c.brokers ?? ports?.length ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > MAX_SIMULATED_NODES) throw new Error(`brokers: expected 1 to ${MAX_SIMULATED_NODES}, got ${String(c.brokers)}`);
  if (ports !== undefined && ports.length !== n) throw new Error(`brokers is ${n} but brokerPorts lists ${ports.length} port(s)`);
  if (ports !== undefined && n === 1) throw new Error('brokerPorts lists the ports of a simulated cluster (2 or more brokers); a single broker listens on port');
  return { nodeIds: Array.from({ length: n }, (_, i) => c.nodeId + i), ports };
}
