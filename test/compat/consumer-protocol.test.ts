// KIP-848 (the "consumer" group protocol) over a real socket: ConsumerGroupHeartbeat
// v0/v1 and ConsumerGroupDescribe v0 with the project's own codecs (raw client),
// then @platformatic/kafka consumers with `groupProtocol: 'consumer'` end to end.
import { randomBytes } from 'node:crypto';
import { Consumer, MessagesStreamModes, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

const CGHB = 68;
const CGD = 69;
const suffix = `${process.pid}-${Date.now().toString(36)}`;
let seq = 0;
const unique = (base: string): string => `cp-${base}-${suffix}-${seq++}`;
const uuid = (): string => randomBytes(16).toString('base64url');

let broker: TestBroker;
const clients: RawClient[] = [];

beforeAll(async () => {
  broker = await startTestBroker({ groupConsumerHeartbeatIntervalMs: 200, groupConsumerSessionTimeoutMs: 1500 });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await broker?.close();
});

async function client(): Promise<RawClient> {
  const c = await RawClient.connect(broker.port);
  clients.push(c);
  return c;
}

async function createTopic(b: TestBroker, name: string, partitions: number): Promise<string> {
  const t = await b.broker.createTopic(name, partitions);
  return t.topicId;
}

interface Hb {
  errorCode: number;
  errorMessage: string | null;
  memberId: string | null;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  assignment: { topicPartitions: { topicId: string; partitions: number[] }[] } | null;
}

interface HbArgs {
  memberId: string;
  memberEpoch: number;
  instanceId?: string | null;
  rebalanceTimeoutMs?: number;
  subscribedTopicNames?: string[] | null;
  subscribedTopicRegex?: string | null;
  serverAssignor?: string | null;
  topicPartitions?: { topicId: string; partitions: number[] }[] | null;
}

function heartbeat(c: RawClient, groupId: string, a: HbArgs, version = 1): Promise<Hb> {
  const joining = a.memberEpoch === 0;
  return c.request<Hb>(CGHB, version, {
    groupId,
    memberId: a.memberId,
    memberEpoch: a.memberEpoch,
    instanceId: a.instanceId ?? null,
    rackId: null,
    rebalanceTimeoutMs: a.rebalanceTimeoutMs ?? (joining ? 30_000 : -1),
    subscribedTopicNames: a.subscribedTopicNames === undefined ? null : a.subscribedTopicNames,
    subscribedTopicRegex: a.subscribedTopicRegex ?? null,
    serverAssignor: a.serverAssignor ?? null,
    topicPartitions: a.topicPartitions === undefined ? (joining ? [] : null) : a.topicPartitions,
  });
}

function describeGroups(c: RawClient, groupIds: string[], includeAuthorizedOperations = false): Promise<any> {
  return c.request(CGD, 0, { groupIds, includeAuthorizedOperations });
}

const parts = (res: Hb, topicId: string): number[] => [...(res.assignment?.topicPartitions.find((t) => t.topicId === topicId)?.partitions ?? [])].sort((x, y) => x - y);

describe('ConsumerGroupHeartbeat over the wire', () => {
  it('join, assignment, revocation before reassignment, leave, and ConsumerGroupDescribe', async () => {
    const c = await client();
    const group = unique('g');
    const topic = unique('t');
    const topicId = await createTopic(broker, topic, 4);

    // A joins with v1 (client-generated member id) and gets every partition.
    const aId = uuid();
    const aJoin = await heartbeat(c, group, { memberId: aId, memberEpoch: 0, subscribedTopicNames: [topic] });
    expect(aJoin).toMatchObject({ errorCode: 0, errorMessage: null, memberId: aId, memberEpoch: 1, heartbeatIntervalMs: 200 });
    expect(parts(aJoin, topicId)).toEqual([0, 1, 2, 3]);

    // B joins with v0 and an empty member id: the coordinator generates one. Nothing free yet.
    const bJoin = await heartbeat(c, group, { memberId: '', memberEpoch: 0, subscribedTopicNames: [topic] }, 0);
    expect(bJoin.errorCode).toBe(0);
    const bId = bJoin.memberId!;
    expect(bId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(bJoin.memberEpoch).toBe(2);
    expect(bJoin.assignment).toEqual({ topicPartitions: [] });

    let d = (await describeGroups(c, [group])).groups[0];
    expect(d).toMatchObject({ errorCode: 0, groupId: group, groupState: 'Reconciling', groupEpoch: 2, assignmentEpoch: 2, assignorName: 'uniform', authorizedOperations: -2147483648 });

    // A's next heartbeat (still owning all four) asks it to revoke two; it stays in epoch 1.
    const aRevoke = await heartbeat(c, group, { memberId: aId, memberEpoch: 1, topicPartitions: [{ topicId, partitions: [0, 1, 2, 3] }] });
    expect(aRevoke.errorCode).toBe(0);
    expect(aRevoke.memberEpoch).toBe(1);
    const kept = parts(aRevoke, topicId);
    expect(kept).toHaveLength(2);
    const moving = [0, 1, 2, 3].filter((p) => !kept.includes(p));

    // Until A acknowledges, B gets nothing.
    const bWait = await heartbeat(c, group, { memberId: bId, memberEpoch: 2, topicPartitions: [] }, 0);
    expect(bWait.errorCode).toBe(0);
    expect(bWait.assignment).toBeNull();
    d = (await describeGroups(c, [group])).groups[0];
    const bDesc = d.members.find((m: any) => m.memberId === bId);
    expect(bDesc.assignment.topicPartitions).toEqual([]);
    expect(bDesc.targetAssignment.topicPartitions).toEqual([{ topicId, topicName: topic, partitions: moving }]);

    // A acknowledges by reporting only what it kept: epoch 2.
    const aAck = await heartbeat(c, group, { memberId: aId, memberEpoch: 1, topicPartitions: [{ topicId, partitions: kept }] });
    expect(aAck).toMatchObject({ errorCode: 0, memberEpoch: 2, assignment: null });

    // Now B receives the released partitions.
    const bGets = await heartbeat(c, group, { memberId: bId, memberEpoch: 2, topicPartitions: [] }, 0);
    expect(parts(bGets, topicId)).toEqual(moving);

    d = (await describeGroups(c, [group], true)).groups[0];
    expect(d.groupState).toBe('Stable');
    expect(d.authorizedOperations).not.toBe(-2147483648);
    const byId = new Map<string, any>(d.members.map((m: any) => [m.memberId, m]));
    expect(byId.get(aId)).toMatchObject({
      memberEpoch: 2,
      clientId: 'raw-client',
      clientHost: '/127.0.0.1',
      instanceId: null,
      rackId: null,
      subscribedTopicNames: [topic],
      subscribedTopicRegex: null,
      assignment: { topicPartitions: [{ topicId, topicName: topic, partitions: kept }] },
      targetAssignment: { topicPartitions: [{ topicId, topicName: topic, partitions: kept }] },
    });
    expect(byId.get(bId).assignment.topicPartitions).toEqual([{ topicId, topicName: topic, partitions: moving }]);

    // B leaves; A takes everything back at the next epoch.
    const bLeave = await heartbeat(c, group, { memberId: bId, memberEpoch: -1 }, 0);
    expect(bLeave).toMatchObject({ errorCode: 0, memberId: bId, memberEpoch: -1 });
    const aAll = await heartbeat(c, group, { memberId: aId, memberEpoch: 2, topicPartitions: [{ topicId, partitions: kept }] });
    expect(aAll.memberEpoch).toBe(3);
    expect(parts(aAll, topicId)).toEqual([0, 1, 2, 3]);

    // A leaves: the group is Empty.
    expect((await heartbeat(c, group, { memberId: aId, memberEpoch: -1 })).errorCode).toBe(0);
    d = (await describeGroups(c, [group])).groups[0];
    expect(d).toMatchObject({ errorCode: 0, groupState: 'Empty', members: [] });
  });

  it('answers Kafka error codes', async () => {
    const c = await client();
    const group = unique('errors');
    const topic = unique('t');
    await createTopic(broker, topic, 2);
    const id = uuid();
    await heartbeat(c, group, { memberId: id, memberEpoch: 0, subscribedTopicNames: [topic] });

    expect((await heartbeat(c, group, { memberId: id, memberEpoch: 7 })).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    expect((await heartbeat(c, group, { memberId: uuid(), memberEpoch: 1 })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const unsupported = await heartbeat(c, group, { memberId: uuid(), memberEpoch: 0, subscribedTopicNames: [topic], serverAssignor: 'cooperative-sticky' });
    expect(unsupported.errorCode).toBe(ErrorCode.UNSUPPORTED_ASSIGNOR);
    expect(unsupported.errorMessage).toBe('ServerAssignor cooperative-sticky is not supported. Supported assignors: uniform, range.');
    // v1 requires a client-generated member id.
    const noId = await heartbeat(c, group, { memberId: '', memberEpoch: 0, subscribedTopicNames: [topic] }, 1);
    expect(noId).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: "MemberId can't be empty." });
    expect((await heartbeat(c, group, { memberId: uuid(), memberEpoch: 0, subscribedTopicRegex: '[a-' })).errorCode).toBe(ErrorCode.INVALID_REGULAR_EXPRESSION);
    // Unknown group with a non-zero epoch.
    expect((await heartbeat(c, unique('nope'), { memberId: uuid(), memberEpoch: 3 })).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);

    // Static members: a second instance with the same instance id is UNRELEASED_INSTANCE_ID.
    const s1 = uuid();
    expect((await heartbeat(c, group, { memberId: s1, memberEpoch: 0, instanceId: 'inst-1', subscribedTopicNames: [topic] })).errorCode).toBe(0);
    expect((await heartbeat(c, group, { memberId: uuid(), memberEpoch: 0, instanceId: 'inst-1', subscribedTopicNames: [topic] })).errorCode).toBe(ErrorCode.UNRELEASED_INSTANCE_ID);
    // After a temporary leave (-2) it can come back under a new member id.
    expect((await heartbeat(c, group, { memberId: s1, memberEpoch: -2, instanceId: 'inst-1' })).memberEpoch).toBe(-2);
    const back = await heartbeat(c, group, { memberId: uuid(), memberEpoch: 0, instanceId: 'inst-1', subscribedTopicNames: [topic] });
    expect(back.errorCode).toBe(0);

    const described = await describeGroups(c, ['', unique('unknown')]);
    expect(described.groups.map((g: any) => g.errorCode)).toEqual([ErrorCode.INVALID_GROUP_ID, ErrorCode.GROUP_ID_NOT_FOUND]);
  });

  it('OffsetCommit v9 and OffsetFetch v9 check the member epoch (STALE_MEMBER_EPOCH, UNKNOWN_MEMBER_ID)', async () => {
    const c = await client();
    const group = unique('offsets');
    const topic = unique('t');
    await createTopic(broker, topic, 1);
    const id = uuid();
    const join = await heartbeat(c, group, { memberId: id, memberEpoch: 0, subscribedTopicNames: [topic] });
    const commit = async (memberId: string, epoch: number): Promise<number> => {
      const res = await c.request(8, 9, {
        groupId: group,
        generationIdOrMemberEpoch: epoch,
        memberId,
        groupInstanceId: null,
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: -1, committedMetadata: null }] }],
      });
      return res.topics[0].partitions[0].errorCode;
    };
    const fetch = async (memberId: string | null, epoch: number): Promise<any> => {
      const res = await c.request(9, 9, { groups: [{ groupId: group, memberId, memberEpoch: epoch, topics: [{ name: topic, partitionIndexes: [0] }] }], requireStable: false });
      return res.groups[0];
    };
    expect(await commit(id, join.memberEpoch + 1)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(await commit(id, join.memberEpoch - 1)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(await commit(uuid(), join.memberEpoch)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await commit('', -1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID); // admin commits need an empty group
    expect(await commit(id, join.memberEpoch)).toBe(0);
    expect((await fetch(id, join.memberEpoch + 3)).errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    const ok = await fetch(id, join.memberEpoch);
    expect(ok.errorCode).toBe(0);
    expect(ok.topics[0].partitions[0].committedOffset).toBe(42n);
    expect((await fetch(null, -1)).topics[0].partitions[0].committedOffset).toBe(42n); // admin read
    // Once the member has left, the empty group accepts admin commits.
    await heartbeat(c, group, { memberId: id, memberEpoch: -1 });
    expect(await commit('', -1)).toBe(0);
  });

  it('a group id held by a non-empty classic group answers GROUP_ID_NOT_FOUND', async () => {
    const c = await client();
    const group = unique('classic');
    const topic = unique('t');
    await createTopic(broker, topic, 1);
    const join = (memberId: string) =>
      c.request(11, 5, {
        groupId: group,
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 10_000,
        memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) }],
      });
    const first = await join('');
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    const joined = await join(first.memberId);
    expect(joined.errorCode).toBe(0);

    const res = await heartbeat(c, group, { memberId: uuid(), memberEpoch: 0, subscribedTopicNames: [topic] });
    expect(res.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect(res.errorMessage).toBe(`Group ${group} is not a consumer group.`);
    expect((await describeGroups(c, [group])).groups[0].errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('a member that stops heartbeating is fenced after the session timeout', async () => {
    const c = await client();
    const group = unique('session');
    const topic = unique('t');
    const topicId = await createTopic(broker, topic, 2);
    const a = uuid();
    const b = uuid();
    await heartbeat(c, group, { memberId: a, memberEpoch: 0, subscribedTopicNames: [topic] });
    const bJoin = await heartbeat(c, group, { memberId: b, memberEpoch: 0, subscribedTopicNames: [topic] });
    let aEpoch = 1;
    let aOwned = [0, 1];
    // Only A keeps heartbeating (every 200 ms) for 2.5 s; B (session 1.5 s) is fenced.
    const until = Date.now() + 2500;
    while (Date.now() < until) {
      const r = await heartbeat(c, group, { memberId: a, memberEpoch: aEpoch, topicPartitions: [{ topicId, partitions: aOwned }] });
      expect(r.errorCode).toBe(0);
      aEpoch = r.memberEpoch;
      if (r.assignment) aOwned = parts(r, topicId);
      await new Promise((res) => setTimeout(res, 200));
    }
    const d = (await describeGroups(c, [group])).groups[0];
    expect(d.members.map((m: any) => m.memberId)).toEqual([a]);
    expect(aOwned).toEqual([0, 1]);
    expect((await heartbeat(c, group, { memberId: b, memberEpoch: bJoin.memberEpoch, topicPartitions: [] })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});

describe('consumer groups survive a broker restart', () => {
  it('members, epochs and assignments are rebuilt from __consumer_offsets', async () => {
    const first = await startTestBroker({ inMemory: false, groupConsumerHeartbeatIntervalMs: 200 });
    const dataDir = first.dataDir!;
    const group = unique('restart');
    const topic = unique('t');
    let second: TestBroker | undefined;
    try {
      const topicId = await createTopic(first, topic, 2);
      const c1 = await RawClient.connect(first.port);
      const a = uuid();
      const join = await heartbeat(c1, group, { memberId: a, memberEpoch: 0, subscribedTopicNames: [topic], serverAssignor: 'range' });
      expect(parts(join, topicId)).toEqual([0, 1]);
      const before = (await describeGroups(c1, [group])).groups[0];
      c1.close();
      await first.broker.close();

      second = await startTestBroker({ inMemory: false, dataDir, groupConsumerHeartbeatIntervalMs: 200 });
      const c2 = await RawClient.connect(second.port);
      clients.push(c2);
      const after = (await describeGroups(c2, [group])).groups[0];
      expect(after).toEqual(before);
      // The member carries on with its epoch; no rebalance.
      const hb = await heartbeat(c2, group, { memberId: a, memberEpoch: join.memberEpoch, topicPartitions: [{ topicId, partitions: [0, 1] }] });
      expect(hb).toMatchObject({ errorCode: 0, memberEpoch: join.memberEpoch });
    } finally {
      await second?.close();
      await first.close();
    }
  });
});

describe('@platformatic/kafka consumers with groupProtocol "consumer"', () => {
  it('two members split the partitions and consume the topic end to end', async () => {
    const topic = unique('plt');
    const group = unique('plt-group');
    await createTopic(broker, topic, 4);
    const producer = new Producer({ clientId: 'cp-producer', bootstrapBrokers: [broker.bootstrapServers], serializers: stringSerializers, retries: 0 });
    const total = 200;
    const messages = Array.from({ length: total }, (_, i) => ({ topic, key: `k${i}`, value: `v${i}`, partition: i % 4 }));
    await producer.send({ messages });
    await producer.close();

    const consumers: Consumer<string, string, string, string>[] = [];
    const streams: { close(): Promise<void> }[] = [];
    const seenBy = new Map<string, Set<string>>();
    const seen = new Set<string>();
    try {
      for (const name of ['c1', 'c2']) {
        const consumer = new Consumer({
          clientId: `cp-${name}`,
          groupId: group,
          groupProtocol: 'consumer',
          bootstrapBrokers: [broker.bootstrapServers],
          deserializers: stringDeserializers,
          maxWaitTime: 100,
          retries: 5,
          retryDelay: 100,
        });
        consumers.push(consumer);
        const mine = new Set<string>();
        seenBy.set(name, mine);
        const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: 100 });
        streams.push(stream);
        stream.on('data', (m) => {
          seen.add(m.value);
          mine.add(`${m.partition}`);
        });
      }

      // Both members end up with two partitions each, and every record is consumed.
      const deadline = Date.now() + 20_000;
      const assigned = () => consumers.map((c) => (c.assignments ?? []).flatMap((a) => a.partitions.map((p) => `${a.topic}:${p}`)).sort());
      while (Date.now() < deadline) {
        const [x, y] = assigned();
        if (seen.size === total && x!.length === 2 && y!.length === 2) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(seen.size).toBe(total);
      const [x, y] = assigned();
      expect(x).toHaveLength(2);
      expect(y).toHaveLength(2);
      expect([...x!, ...y!].sort()).toEqual([0, 1, 2, 3].map((p) => `${topic}:${p}`));

      // Autocommit (OffsetCommit v9 with member epochs) stored every partition's position.
      const committedDeadline = Date.now() + 5000;
      const committedTotal = (): bigint => {
        const offsets = broker.broker.groups.offsets.group(group)?.get(topic);
        return [...(offsets?.values() ?? [])].reduce((n, o) => n + o.offset, 0n);
      };
      while (committedTotal() < BigInt(total) && Date.now() < committedDeadline) await new Promise((r) => setTimeout(r, 100));
      expect(committedTotal()).toBe(BigInt(total));

      const c = await client();
      const d = (await describeGroups(c, [group])).groups[0];
      expect(d.groupState).toBe('Stable');
      expect(d.members).toHaveLength(2);
      expect(d.members.map((m: any) => m.clientId).sort()).toEqual(['cp-c1', 'cp-c2']);
    } finally {
      for (const s of streams) await s.close().catch(() => {});
      for (const consumer of consumers) await consumer.close().catch(() => {});
    }
  });
});
