// The simulated cluster (`brokers: 3`): three node ids on three ports from one
// process. Metadata and DescribeCluster list them, partition leaders are spread
// over them, misrouted requests are refused as Kafka refuses them
// (NOT_LEADER_OR_FOLLOWER, NOT_COORDINATOR), kafkajs and kcat produce and
// consume in groups, follow leader moves injected mid-run without losing or
// duplicating records, and ride out a node taken down and brought back.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRecordBatch } from '../../src/wire/record-batch.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { KCAT_BIN, kcat, kcatAvailable } from '../helpers/kcat.js';
import { RawClient } from '../helpers/raw-client.js';

const { Kafka, logLevel, Partitioners } = kafkajs;
type KafkaT = InstanceType<typeof Kafka>;
type AdminT = ReturnType<KafkaT['admin']>;

const suffix = `${process.pid}-${Date.now().toString(36)}`;
const name = (base: string): string => `cl-${base}-${suffix}`;
const NOT_LEADER_OR_FOLLOWER = 6;
const NOT_COORDINATOR = 16;
const CONSUMER_OPTS = { sessionTimeout: 3000, rebalanceTimeout: 4000, heartbeatInterval: 100, maxWaitTimeInMs: 100 };
const GROUP_X = ['-X', 'session.timeout.ms=3000', '-X', 'heartbeat.interval.ms=100', '-X', 'auto.offset.reset=earliest', '-X', 'topic.metadata.refresh.interval.ms=500'];

let broker: TestBroker;
let admin: AdminT;
const raws: RawClient[] = [];
const children = new Set<ChildProcess>();
const cleanup: (() => Promise<unknown>)[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

function kafkaFor(clientId: string): KafkaT {
  return new Kafka({
    clientId,
    brokers: broker.bootstrapAddresses,
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 500 },
  });
}

/** A raw client connected to node `nodeId` (ids 1..3 on the handle's ports, in order). */
async function rawTo(nodeId: number): Promise<RawClient> {
  const c = await RawClient.connect(broker.ports[nodeId - 1]!);
  raws.push(c);
  return c;
}

async function metadata(c: RawClient, topic: string) {
  const res = await c.request(3, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  return res;
}

/** Partition → leader, from Metadata. */
async function leaders(topic: string): Promise<Map<number, number>> {
  const c = raws[0] ?? (await rawTo(1));
  const res = await metadata(c, topic);
  return new Map((res.topics[0].partitions as { partitionIndex: number; leaderId: number }[]).map((p) => [p.partitionIndex, p.leaderId]));
}

beforeAll(async () => {
  broker = await startTestBroker({ brokers: 3, groupMinSessionTimeoutMs: 100, adminPort: 0 });
  admin = kafkaFor('cl-admin').admin();
  await admin.connect();
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const c of cleanup.reverse()) await Promise.race([c().catch(() => {}), sleep(1000)]);
  for (const r of raws) r.close();
  await admin?.disconnect();
  await broker?.close();
});

describe('simulated 3-broker cluster: metadata and placement', () => {
  it('serves three node ids on three ports; Metadata and DescribeCluster list them', async () => {
    expect(broker.bootstrapAddresses).toHaveLength(3);
    expect(new Set(broker.ports).size).toBe(3);
    expect(broker.bootstrapServers).toBe(broker.bootstrapAddresses.join(','));
    for (const id of [1, 2, 3]) {
      const c = await rawTo(id);
      const res = await c.request(3, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      expect(res.brokers.map((b: { nodeId: number; port: number }) => [b.nodeId, b.port])).toEqual([1, 2, 3].map((n) => [n, broker.ports[n - 1]]));
      expect(res.controllerId).toBe(1);
    }
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
    expect(cluster.controller).toBe(1);
  });

  it('spreads 6 partitions over 3 leaders, 2 each, with 3 replicas in sync', async () => {
    const topic = name('spread');
    await admin.createTopics({ topics: [{ topic, numPartitions: 6, replicationFactor: 3 }] });
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    const parts = md.topics[0]!.partitions;
    expect(parts).toHaveLength(6);
    const perLeader = new Map<number, number>();
    for (const p of parts) perLeader.set(p.leader, (perLeader.get(p.leader) ?? 0) + 1);
    expect([...perLeader.keys()].sort()).toEqual([1, 2, 3]);
    expect([...perLeader.values()]).toEqual([2, 2, 2]);
    for (const p of parts) {
      expect(p.replicas).toHaveLength(3);
      expect(p.replicas[0]).toBe(p.leader);
      expect([...p.isr].sort()).toEqual([1, 2, 3]);
    }
  });
});
