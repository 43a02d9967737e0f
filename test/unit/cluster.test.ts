// The simulated cluster's pure parts: replica placement, the node layout from
// settings, leader moves and epochs, nodes down and up, coordinators, the
// leader-epoch cache, and the state file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultError } from '../../src/admin/faults.js';
import { SimulatedCluster, clusterLayout } from '../../src/cluster/cluster.js';
import { assignReplicas, seedFor } from '../../src/cluster/placement.js';
import { partitionFor } from '../../src/coordinator/group-coordinator.js';
import { MemoryLogStore } from '../../src/log/index.js';
import { buildRecordBatch } from '../../src/wire/record-batch.js';
import { ErrorCode } from '../../src/wire/error-codes.js';

const silent = pino({ level: 'silent' });
const noTimers = { retentionCheckIntervalMs: 0, cleanerEnable: false };

describe('replica placement', () => {
  it('spreads leaders round-robin: 6 partitions on 3 nodes give each node 2', () => {
    for (const topicId of ['a', 'bb', 'ccc', 'dddd', 'x1y2z3']) {
      const lists = assignReplicas([1, 2, 3], 6, 3, seedFor(topicId, 3));
      const leaders = lists.map((r) => r[0]!);
      for (const n of [1, 2, 3]) expect(leaders.filter((l) => l === n)).toHaveLength(2);
      // Consecutive partitions have consecutive leaders.
      for (let p = 1; p < 6; p++) expect(leaders[p]).toBe([1, 2, 3][([1, 2, 3].indexOf(leaders[0]!) + p) % 3]);
      for (const r of lists) {
        expect(r).toHaveLength(3);
        expect(new Set(r).size).toBe(3);
      }
    }
  });

  it('follows Kafka’s assignment: followers shifted, the shift growing every N partitions', () => {
    // AdminUtils.assignReplicasToBrokersRackUnaware with fixedStartIndex 0 (start 0, shift 0) on brokers 0..4, RF 3.
    const lists = assignReplicas([0, 1, 2, 3, 4], 10, 3, { startIndex: 0, shift: 0 });
    expect(lists).toEqual([
      [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 0], [4, 0, 1],
      [0, 2, 3], [1, 3, 4], [2, 4, 0], [3, 0, 1], [4, 1, 2],
    ]);
  });

  it('is deterministic per topic id, and extending a topic continues the same assignment', () => {
    const seed = seedFor('topic-id-123', 4);
    expect(seedFor('topic-id-123', 4)).toEqual(seed);
    const all = assignReplicas([1, 2, 3, 4], 9, 2, seed);
    expect([...assignReplicas([1, 2, 3, 4], 5, 2, seed), ...assignReplicas([1, 2, 3, 4], 4, 2, seed, 5)]).toEqual(all);
    expect([...assignReplicas([1, 2, 3, 4], 4, 2, seed), ...assignReplicas([1, 2, 3, 4], 5, 2, seed, 4)]).toEqual(all);
  });

  it('refuses a replication factor above the node count', () => {
    expect(() => assignReplicas([1, 2], 1, 3, { startIndex: 0, shift: 0 })).toThrow(RangeError);
    expect(assignReplicas([7], 2, 1, { startIndex: 0, shift: 0 })).toEqual([[7], [7]]);
  });
});

describe('cluster layout from settings', () => {
  it('gives node ids from nodeId on, and ports from brokerPorts', () => {
    expect(clusterLayout({ nodeId: 1 })).toEqual({ nodeIds: [1], ports: undefined });
    expect(clusterLayout({ nodeId: 1, brokers: 3 })).toEqual({ nodeIds: [1, 2, 3], ports: undefined });
    expect(clusterLayout({ nodeId: 10, brokerPorts: '9092, 9095,9098' })).toEqual({ nodeIds: [10, 11, 12], ports: [9092, 9095, 9098] });
    expect(clusterLayout({ nodeId: 1, brokers: 2, brokerPorts: [0, 0] })).toEqual({ nodeIds: [1, 2], ports: [0, 0] });
  });

  it('refuses inconsistent or invalid values', () => {
    expect(() => clusterLayout({ nodeId: 1, brokers: 0 })).toThrow(/brokers/);
    expect(() => clusterLayout({ nodeId: 1, brokers: 1000 })).toThrow(/brokers/);
    expect(() => clusterLayout({ nodeId: 1, brokers: 2, brokerPorts: '9092,9093,9094' })).toThrow(/lists 3/);
    expect(() => clusterLayout({ nodeId: 1, brokerPorts: '9092,x' })).toThrow(/invalid port/);
    expect(() => clusterLayout({ nodeId: 1, brokerPorts: '9092,9092' })).toThrow(/distinct/);
    expect(() => clusterLayout({ nodeId: 1, brokerPorts: '9095' })).toThrow(/single broker listens on port/);
  });
});

describe('SimulatedCluster', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function setup(nodes = [1, 2, 3], stateFile: string | null = null, rf = 1) {
    const store = new MemoryLogStore({ logger: silent, maintenance: noTimers });
    await store.open();
    const states: [number, boolean][] = [];
    const cluster = new SimulatedCluster({ nodeIds: nodes, store, logger: silent, defaultReplicationFactor: () => rf, stateFile, onNodeState: (id, down) => void states.push([id, down]) });
    return { store, cluster, states };
  }

  async function createTopic(store: MemoryLogStore, cluster: SimulatedCluster, name: string, partitions: number, rf?: number) {
    if (rf !== undefined) cluster.expect(name, { replicationFactor: rf });
    const t = await store.createTopic(name, { numPartitions: partitions });
    cluster.settled(name);
    return t;
  }

  it('places topics with the replication factor asked for, or the default one; internal topics get 3', async () => {
    const { store, cluster } = await setup([1, 2, 3, 4]);
    await createTopic(store, cluster, 'rf3', 4, 3);
    await createTopic(store, cluster, 'dflt', 4);
    await store.createTopic('__consumer_offsets', { numPartitions: 4, internal: true });
    expect(cluster.topic('rf3')!.partitions.map((p) => p.replicas.length)).toEqual([3, 3, 3, 3]);
    expect(cluster.topic('dflt')!.partitions.map((p) => p.replicas.length)).toEqual([1, 1, 1, 1]);
    expect(cluster.topic('__consumer_offsets')!.partitions.every((p) => p.replicas.length === 3)).toBe(true);
    expect(new Set(cluster.topic('rf3')!.partitions.map((p) => p.leader)).size).toBe(4);
    const v = cluster.view('rf3', 0);
    expect(v).toMatchObject({ errorCode: 0, leaderEpoch: 0, offlineReplicas: [] });
    expect(v.isrNodes).toEqual(v.replicaNodes);
    expect(cluster.leaderOf('nope', 0)).toBeUndefined();
    expect(cluster.leaderOf('rf3', 9)).toBeUndefined();
  });

  it('honours manual assignments, and grows with added partitions', async () => {
    const { store, cluster } = await setup();
    cluster.expect('manual', { assignments: [[3, 1], [2, 3]] });
    await store.createTopic('manual', { numPartitions: 2 });
    cluster.settled('manual');
    expect(cluster.topic('manual')!.partitions.map((p) => [p.replicas, p.leader])).toEqual([[[3, 1], 3], [[2, 3], 2]]);
    await store.createPartitions!('manual', 4);
    expect(cluster.topic('manual')!.partitions.map((p) => p.replicas.length)).toEqual([2, 2, 2, 2]);
  });

  it('moves a leader, bumping the epoch; the epoch cache answers OffsetForLeaderEpoch as Kafka does', async () => {
    const { store, cluster } = await setup();
    await createTopic(store, cluster, 't', 1, 3);
    const log = store.partition('t', 0)!;
    const append = (n: number) => log.append(buildRecordBatch({ records: Array.from({ length: n }, () => ({ key: null, value: Buffer.from('x') })) }));
    const p = cluster.partition('t', 0)!;
    const first = p.leader;
    append(5);
    const moved = cluster.moveLeader('t', 0);
    expect(moved.leader).not.toBe(first);
    expect(p.replicas).toContain(moved.leader);
    expect(moved.leaderEpoch).toBe(1);
    append(3);
    cluster.moveLeader('t', 0, first);
    append(2);
    expect(cluster.leaderEpoch('t', 0)).toBe(2);
    // Moving to the current leader changes nothing.
    expect(cluster.moveLeader('t', 0, first)).toEqual({ leader: first, leaderEpoch: 2 });
    const end = (e: number) => cluster.endOffsetFor('t', 0, e, log.logStartOffset, log.logEndOffset);
    expect(end(0)).toEqual({ leaderEpoch: 0, endOffset: 5n });
    expect(end(1)).toEqual({ leaderEpoch: 1, endOffset: 8n });
    expect(end(2)).toEqual({ leaderEpoch: 2, endOffset: 10n });
    expect(end(3)).toEqual({ leaderEpoch: -1, endOffset: -1n });
    expect(end(-1)).toEqual({ leaderEpoch: -1, endOffset: -1n });
    // Two moves without appends in between: the earlier epoch's entry goes (Kafka's cache keeps one entry per start offset).
    cluster.moveLeader('t', 0);
    cluster.moveLeader('t', 0);
    expect(end(3)).toEqual({ leaderEpoch: 2, endOffset: 10n });
    expect(() => cluster.moveLeader('t', 0, 9)).toThrow(FaultError);
    expect(() => cluster.moveLeader('t', 7)).toThrow(/unknown partition/);
  });

  it('a move to a node outside the replica set takes the old leader’s place', async () => {
    const { store, cluster } = await setup();
    await createTopic(store, cluster, 'one', 1, 1);
    const p = cluster.partition('one', 0)!;
    const from = p.leader;
    const to = [1, 2, 3].find((n) => n !== from)!;
    cluster.moveLeader('one', 0, to);
    expect(p.replicas).toEqual([to]);
    expect(p.leader).toBe(to);
    // Without a target: the next node.
    cluster.moveLeader('one', 0);
    expect(p.replicas).toHaveLength(1);
    expect(p.leader).not.toBe(to);
  });

  it('a node down moves its leaderships to live replicas or leaves partitions offline; up brings them back', async () => {
    const { store, cluster, states } = await setup();
    await createTopic(store, cluster, 'r3', 6, 3);
    await createTopic(store, cluster, 'r1', 3, 1);
    const ledBy2 = cluster.topic('r3')!.partitions.flatMap((p, i) => (p.leader === 2 ? [i] : []));
    const r1On2 = cluster.topic('r1')!.partitions.findIndex((p) => p.replicas[0] === 2);
    expect(ledBy2).toHaveLength(2);
    cluster.setDown(2, true);
    expect(states).toEqual([[2, true]]);
    expect(cluster.liveNodes().map((n) => n.id)).toEqual([1, 3]);
    expect(cluster.isDown(2)).toBe(true);
    for (const i of ledBy2) {
      const v = cluster.view('r3', i);
      expect(v.leaderId).not.toBe(2);
      expect(v.leaderEpoch).toBe(1);
      expect(v.isrNodes).not.toContain(2);
      expect(v.offlineReplicas).toEqual([2]);
    }
    const offline = cluster.view('r1', r1On2);
    expect(offline).toMatchObject({ errorCode: ErrorCode.LEADER_NOT_AVAILABLE, leaderId: -1, leaderEpoch: 1, isrNodes: [], offlineReplicas: [2] });
    expect(() => cluster.moveLeader('r3', 0, 2)).toThrow(/down/);
    expect(cluster.electPreferred('r3', ledBy2[0]!)).toBe(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE);
    expect(cluster.electUnclean('r1', r1On2)).toBe(ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE);
    // Topics created while a node is down are placed on the live ones.
    await createTopic(store, cluster, 'later', 4, 2);
    expect(cluster.topic('later')!.partitions.every((p) => !p.replicas.includes(2))).toBe(true);

    cluster.setDown(2, false);
    expect(states).toEqual([[2, true], [2, false]]);
    expect(cluster.view('r1', r1On2)).toMatchObject({ errorCode: 0, leaderId: 2, leaderEpoch: 2 });
    // Led elsewhere until a preferred election.
    for (const i of ledBy2) {
      expect(cluster.leaderOf('r3', i)).not.toBe(2);
      expect(cluster.electPreferred('r3', i)).toBe(ErrorCode.NONE);
      expect(cluster.leaderOf('r3', i)).toBe(2);
      expect(cluster.electPreferred('r3', i)).toBe(ErrorCode.ELECTION_NOT_NEEDED);
    }
  });

  it('names the controller and the coordinators (leaders of the internal topics’ partitions)', async () => {
    const { store, cluster } = await setup([4, 5, 6]);
    expect(cluster.controllerId).toBe(4);
    expect(cluster.coordinator('__consumer_offsets', 'g')).toBeUndefined();
    await store.createTopic('__consumer_offsets', { numPartitions: 3, internal: true });
    for (const g of ['a', 'b', 'c', 'group-1', 'group-2']) {
      expect(cluster.coordinator('__consumer_offsets', g)).toBe(cluster.leaderOf('__consumer_offsets', partitionFor(g, 3)));
    }
    const coordinators = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((g) => cluster.coordinator('__consumer_offsets', g)));
    expect(coordinators.size).toBeGreaterThan(1);
    cluster.setDown(4, true);
    expect(cluster.controllerId).toBe(5);
    expect(cluster.coordinator('__consumer_offsets', 'a')).not.toBe(4);
  });

  it('a topic deleted and created again under the same name (DeleteTopics, reset()) is placed afresh', async () => {
    const { store, cluster } = await setup();
    await createTopic(store, cluster, 'again', 2, 3);
    cluster.moveLeader('again', 0);
    expect(cluster.leaderEpoch('again', 0)).toBe(1);
    await store.deleteTopic('again');
    expect(cluster.topic('again')).toBeUndefined();
    await createTopic(store, cluster, 'again', 3, 1);
    expect(cluster.topic('again')!.partitions.map((p) => [p.leaderEpoch, p.replicas.length])).toEqual([[0, 1], [0, 1], [0, 1]]);
  });

  it('keeps placement, leaders and epochs in its state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafkalite-cluster-'));
    dirs.push(dir);
    const file = join(dir, 'cluster.json');
    const { store, cluster } = await setup([1, 2, 3], file);
    await createTopic(store, cluster, 'kept', 3, 2);
    cluster.moveLeader('kept', 1);
    cluster.save();
    const before = cluster.topic('kept')!.partitions.map((p) => ({ ...p }));

    const again = new SimulatedCluster({ nodeIds: [1, 2, 3], store, logger: silent, defaultReplicationFactor: () => 1, stateFile: file });
    expect(again.topic('kept')!.partitions).toEqual(before);
    // Another node set: placed again.
    const other = new SimulatedCluster({ nodeIds: [1, 2, 3, 4], store, logger: silent, defaultReplicationFactor: () => 1, stateFile: file });
    expect(other.topic('kept')!.partitions.every((p) => p.leaderEpoch === 0 && p.replicas.length === 1)).toBe(true);
  });
});
