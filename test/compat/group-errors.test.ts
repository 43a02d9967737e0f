// Group coordinator error paths over a real socket with the raw client, at
// exact versions: each answered with the error code Kafka's group coordinator
// uses. One connection per member, since a parked JoinGroup holds back later
// responses on its connection (responses go out in request order).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { Writer } from '../../src/wire/writer.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

const API = { OffsetCommit: 8, OffsetFetch: 9, FindCoordinator: 10, JoinGroup: 11, Heartbeat: 12, LeaveGroup: 13, SyncGroup: 14, DescribeGroups: 15, ListGroups: 16, Metadata: 3, CreateTopics: 19, DeleteTopics: 20, DeleteGroups: 42, OffsetDelete: 47 };
const SESSION = 2000;

let broker: TestBroker;
let admin: RawClient;
const clients: RawClient[] = [];
const suffix = `${process.pid}-${Date.now().toString(36)}`;
let seq = 0;
const groupName = (base: string): string => `ge-${base}-${suffix}-${seq++}`;
const TOPIC = `ge-topic-${suffix}`;

beforeAll(async () => {
  broker = await startTestBroker({ groupMinSessionTimeoutMs: 100 });
  admin = await RawClient.connect(broker.port);
  const res = await admin.request(API.CreateTopics, 7, { topics: [{ name: TOPIC, numPartitions: 3, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  expect(res.topics[0].errorCode).toBe(0);
});

afterAll(async () => {
  admin?.close();
  for (const c of clients) c.close();
  await broker?.close();
});

async function client(): Promise<RawClient> {
  const c = await RawClient.connect(broker.port);
  clients.push(c);
  return c;
}

function subscription(topics: string[]): Buffer {
  const w = new Writer();
  w.int16(1);
  w.int32(topics.length);
  for (const t of topics) w.string(t);
  w.int32(-1); // null user data
  w.int32(0); // owned partitions (v1)
  return w.toBuffer();
}

interface JoinOpts {
  groupInstanceId?: string | null;
  protocolType?: string;
  protocols?: { name: string; metadata: Buffer }[];
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  version?: number;
}

function joinBody(groupId: string, memberId: string, o: JoinOpts = {}) {
  return {
    groupId,
    sessionTimeoutMs: o.sessionTimeoutMs ?? SESSION,
    rebalanceTimeoutMs: o.rebalanceTimeoutMs ?? 2000,
    memberId,
    groupInstanceId: o.groupInstanceId ?? null,
    protocolType: o.protocolType ?? 'consumer',
    protocols: o.protocols ?? [{ name: 'range', metadata: subscription([TOPIC]) }],
    reason: null,
  };
}

/** A member through MEMBER_ID_REQUIRED and into the group; resolves with the final JoinGroup response. */
async function join(c: RawClient, groupId: string, o: JoinOpts = {}): Promise<any> {
  const v = o.version ?? 5;
  if (o.groupInstanceId) return c.request(API.JoinGroup, v, joinBody(groupId, '', o));
  const first = await c.request(API.JoinGroup, v, joinBody(groupId, '', o));
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  return c.request(API.JoinGroup, v, joinBody(groupId, first.memberId, o));
}

function sync(c: RawClient, groupId: string, memberId: string, generationId: number, assignments: { memberId: string; assignment: Buffer }[] = [], version = 3, extra: object = {}): Promise<any> {
  return c.request(API.SyncGroup, version, { groupId, generationId, memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments, ...extra });
}

function heartbeat(c: RawClient, groupId: string, memberId: string, generationId: number, groupInstanceId: string | null = null): Promise<number> {
  return c.request(API.Heartbeat, 4, { groupId, generationId, memberId, groupInstanceId }).then((r: any) => r.errorCode);
}

function commit(c: RawClient, groupId: string, memberId: string, generation: number, offset = 5n, version = 8, extra: { metadata?: string; topic?: string; partition?: number } = {}): Promise<number> {
  return c
    .request(API.OffsetCommit, version, {
      groupId,
      generationIdOrMemberEpoch: generation,
      memberId,
      groupInstanceId: null,
      topics: [{ name: extra.topic ?? TOPIC, partitions: [{ partitionIndex: extra.partition ?? 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: extra.metadata ?? 'm' }] }],
    })
    .then((r: any) => r.topics[0].partitions[0].errorCode);
}

/** One member, joined and synced: the group is Stable at generation 1. */
async function stableGroup(groupId: string): Promise<{ c: RawClient; memberId: string; generationId: number }> {
  const c = await client();
  const j = await join(c, groupId);
  expect(j.errorCode).toBe(0);
  const s = await sync(c, groupId, j.memberId, j.generationId, [{ memberId: j.memberId, assignment: Buffer.from('x') }]);
  expect(s.errorCode).toBe(0);
  return { c, memberId: j.memberId, generationId: j.generationId };
}

async function describeGroup(groupId: string): Promise<any> {
  const r = await admin.request(API.DescribeGroups, 5, { groups: [groupId], includeAuthorizedOperations: false });
  return r.groups[0];
}

describe('FindCoordinator', () => {
  it('names this broker for groups and transactional ids, batched from v4; unknown key types are INVALID_REQUEST', async () => {
    for (const v of [0, 1, 2, 3]) {
      const r = await admin.request(API.FindCoordinator, v, { key: 'g', keyType: 0 });
      expect(r).toMatchObject({ errorCode: 0, nodeId: 1, port: broker.port });
    }
    const batched = await admin.request(API.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['a', 'b'] });
    expect(batched.coordinators.map((c: any) => [c.key, c.errorCode, c.port])).toEqual([
      ['a', 0, broker.port],
      ['b', 0, broker.port],
    ]);
    const txn = await admin.request(API.FindCoordinator, 6, { keyType: 1, coordinatorKeys: ['tx'] });
    expect(txn.coordinators[0].errorCode).toBe(0);
    const bad = await admin.request(API.FindCoordinator, 6, { keyType: 7, coordinatorKeys: ['x'] });
    expect(bad.coordinators[0]).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, nodeId: -1 });
    expect((await admin.request(API.FindCoordinator, 2, { key: 'x', keyType: 7 })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('creates __consumer_offsets, which Metadata reports as internal and DeleteTopics refuses', async () => {
    await admin.request(API.FindCoordinator, 3, { key: 'g', keyType: 0 });
    const md = await admin.request(API.Metadata, 12, { topics: [{ name: '__consumer_offsets', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(md.topics[0]).toMatchObject({ name: '__consumer_offsets', errorCode: 0, isInternal: true });
    const del = await admin.request(API.DeleteTopics, 5, { topicNames: ['__consumer_offsets'], timeoutMs: 1000 });
    expect(del.responses[0].errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  });
});

describe('__consumer_offsets auto-creation', () => {
  it('a Metadata request naming it creates the internal, compacted topic, not a plain one', async () => {
    const fresh = await startTestBroker();
    try {
      const c = await RawClient.connect(fresh.port);
      const md = await c.request(API.Metadata, 12, { topics: [{ name: '__consumer_offsets', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
      expect(md.topics[0]).toMatchObject({ name: '__consumer_offsets', errorCode: 0, isInternal: true });
      expect(fresh.broker.store.topic('__consumer_offsets')!.configs['cleanup.policy']).toBe('compact');
      c.close();
    } finally {
      await fresh.close();
    }
  });
});

describe('JoinGroup errors', () => {
  it('hands out `${clientId}-<uuid>` with MEMBER_ID_REQUIRED (v4+); an unknown member id is UNKNOWN_MEMBER_ID', async () => {
    const c = await client();
    const g = groupName('memberid');
    const first = await c.request(API.JoinGroup, 5, joinBody(g, ''), { clientId: 'my-app' });
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^my-app-[0-9a-f-]{36}$/);
    const ghost = await c.request(API.JoinGroup, 5, joinBody(g, 'ghost'));
    expect(ghost.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // A known member id for a group that does not exist.
    expect((await c.request(API.JoinGroup, 5, joinBody(groupName('none'), 'ghost'))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('session timeouts outside group.min/max.session.timeout.ms are INVALID_SESSION_TIMEOUT; an empty group id is INVALID_GROUP_ID', async () => {
    const c = await client();
    expect((await c.request(API.JoinGroup, 5, joinBody(groupName('st'), '', { sessionTimeoutMs: 50 }))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await c.request(API.JoinGroup, 5, joinBody(groupName('st'), '', { sessionTimeoutMs: 1_800_001 }))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await c.request(API.JoinGroup, 5, joinBody('', ''))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });

  it('a member whose protocol type or protocols the group cannot use gets INCONSISTENT_GROUP_PROTOCOL', async () => {
    const g = groupName('proto');
    await stableGroup(g);
    const c = await client();
    expect((await c.request(API.JoinGroup, 5, joinBody(g, '', { protocolType: 'connect' }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const rr = await c.request(API.JoinGroup, 5, joinBody(g, '', { protocols: [{ name: 'roundrobin', metadata: subscription([TOPIC]) }] }));
    expect(rr.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    // Flexible version: protocolName is null on errors.
    const v9 = await c.request(API.JoinGroup, 9, joinBody(g, '', { protocolType: 'connect' }));
    expect(v9).toMatchObject({ errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, protocolName: null, generationId: -1 });
  });

  it('a static member restarting takes its place back without a rebalance and fences the old incarnation (FENCED_INSTANCE_ID)', async () => {
    const g = groupName('static');
    const c1 = await client();
    const first = await join(c1, g, { groupInstanceId: 'pod-1', version: 9 });
    expect(first.errorCode).toBe(0);
    expect(first.memberId).toMatch(/^pod-1-/);
    expect((await sync(c1, g, first.memberId, 1, [{ memberId: first.memberId, assignment: Buffer.from('mine') }], 5, { groupInstanceId: 'pod-1' })).errorCode).toBe(0);
    const c2 = await client();
    const again = await join(c2, g, { groupInstanceId: 'pod-1', version: 9 });
    expect(again).toMatchObject({ errorCode: 0, generationId: 1, skipAssignment: true, leader: again.memberId });
    expect(again.memberId).not.toBe(first.memberId);
    expect(await heartbeat(c1, g, first.memberId, 1, 'pod-1')).toBe(ErrorCode.FENCED_INSTANCE_ID);
    const s = await sync(c2, g, again.memberId, 1, [], 5, { groupInstanceId: 'pod-1' });
    expect(s.assignment.toString()).toBe('mine');
    expect((await describeGroup(g)).groupState).toBe('Stable');
  });
});

describe('generation and member checks', () => {
  it('wrong generation → ILLEGAL_GENERATION (Heartbeat, SyncGroup, OffsetCommit)', async () => {
    const g = groupName('gen');
    const { c, memberId, generationId } = await stableGroup(g);
    expect(await heartbeat(c, g, memberId, generationId)).toBe(0);
    expect(await heartbeat(c, g, memberId, generationId + 1)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await sync(c, g, memberId, generationId - 1)).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await commit(c, g, memberId, generationId - 1)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await commit(c, g, memberId, generationId)).toBe(0);
  });

  it('unknown member → UNKNOWN_MEMBER_ID (Heartbeat, SyncGroup, OffsetCommit, LeaveGroup), also for unknown groups', async () => {
    const g = groupName('unknown');
    const { c, generationId } = await stableGroup(g);
    expect(await heartbeat(c, g, 'nobody', generationId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await heartbeat(c, groupName('no-such-group'), 'nobody', 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await sync(c, g, 'nobody', generationId)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await commit(c, g, 'nobody', generationId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // A "simple" commit (no member, generation -1) is refused while the group has members.
    expect(await commit(c, g, '', -1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const v3 = await c.request(API.LeaveGroup, 5, { groupId: g, members: [{ memberId: 'nobody', groupInstanceId: null, reason: 'test' }] });
    expect(v3).toMatchObject({ errorCode: 0, members: [{ memberId: 'nobody', errorCode: ErrorCode.UNKNOWN_MEMBER_ID }] });
    const v0 = await c.request(API.LeaveGroup, 0, { groupId: g, memberId: 'nobody' });
    expect(v0.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await c.request(API.LeaveGroup, 1, { groupId: groupName('gone'), memberId: 'x' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('commits with a generation to a group that does not exist: ILLEGAL_GENERATION before v9, GROUP_ID_NOT_FOUND from v9', async () => {
    const c = await client();
    expect(await commit(c, groupName('nogroup'), 'm', 3, 1n, 8)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await commit(c, groupName('nogroup'), 'm', 3, 1n, 9)).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });
});

describe('during a rebalance', () => {
  it('heartbeats answer REBALANCE_IN_PROGRESS until the member rejoins; SyncGroup too', async () => {
    const g = groupName('hb-rebalance');
    const a = await stableGroup(g);
    const cb = await client();
    const bJoin = join(cb, g); // parks: a has to rejoin
    await waitForState(g, 'PreparingRebalance');
    expect(await heartbeat(a.c, g, a.memberId, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect((await sync(a.c, g, a.memberId, 1)).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const aJoin = await a.c.request(API.JoinGroup, 5, joinBody(g, a.memberId));
    const bJoined = await bJoin;
    expect(aJoin.generationId).toBe(2);
    expect(bJoined.generationId).toBe(2);
    expect([aJoin.leader, bJoined.leader]).toEqual([a.memberId, a.memberId]); // the old leader stays leader
    expect(aJoin.members).toHaveLength(2);
    expect(await heartbeat(a.c, g, a.memberId, 2)).toBe(0); // CompletingRebalance: heartbeats are fine
  });

  it('commit to a group in rebalance: accepted from the old generation while members rejoin, REBALANCE_IN_PROGRESS once they have joined the new one', async () => {
    const g = groupName('commit-rebalance');
    const a = await stableGroup(g);
    const cb = await client();
    const bJoin = join(cb, g);
    await waitForState(g, 'PreparingRebalance');
    // PreparingRebalance: a's generation is still current, so it may commit what it processed (Kafka allows this).
    expect(await commit(a.c, g, a.memberId, 1, 10n)).toBe(0);
    const aJoin = await a.c.request(API.JoinGroup, 5, joinBody(g, a.memberId));
    await bJoin;
    expect((await describeGroup(g)).groupState).toBe('CompletingRebalance');
    expect(await commit(a.c, g, a.memberId, aJoin.generationId, 11n)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(await commit(a.c, g, a.memberId, 1, 11n)).toBe(ErrorCode.ILLEGAL_GENERATION);
    const fetched = await admin.request(API.OffsetFetch, 5, { groupId: g, topics: [{ name: TOPIC, partitionIndexes: [0] }], requireStable: false });
    expect(fetched.topics[0].partitions[0].committedOffset).toBe(10n);
  });

  it('a member that stops heartbeating is removed after its session timeout', async () => {
    const g = groupName('session');
    const c = await client();
    const j = await join(c, g, { sessionTimeoutMs: 300 });
    await sync(c, g, j.memberId, j.generationId);
    await waitForState(g, 'Empty', 3000);
    expect(await heartbeat(c, g, j.memberId, j.generationId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});

describe('offsets', () => {
  it('OffsetCommit per-partition errors: UNKNOWN_TOPIC_OR_PARTITION, OFFSET_METADATA_TOO_LARGE', async () => {
    const c = await client();
    const g = groupName('commit-errors');
    expect(await commit(c, g, '', -1, 1n, 8, { topic: 'no-such-topic' })).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(await commit(c, g, '', -1, 1n, 8, { partition: 99 })).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(await commit(c, g, '', -1, 1n, 8, { metadata: 'x'.repeat(4097) })).toBe(ErrorCode.OFFSET_METADATA_TOO_LARGE);
    expect(await commit(c, g, '', -1, 1n, 8, { metadata: 'x'.repeat(4096) })).toBe(0);
  });

  it('OffsetFetch: -1 for partitions without a commit, all partitions when topics is null, several groups from v8', async () => {
    const c = await client();
    const g1 = groupName('fetch-a');
    const g2 = groupName('fetch-b');
    expect(await commit(c, g1, '', -1, 42n, 2, { partition: 1, metadata: 'meta' })).toBe(0);
    expect(await commit(c, g2, '', -1, 7n, 8)).toBe(0);
    const v1 = await c.request(API.OffsetFetch, 1, { groupId: g1, topics: [{ name: TOPIC, partitionIndexes: [0, 1] }] });
    expect(v1.topics[0].partitions.map((p: any) => [p.partitionIndex, p.committedOffset, p.metadata])).toEqual([
      [0, -1n, ''],
      [1, 42n, 'meta'],
    ]);
    const all = await c.request(API.OffsetFetch, 7, { groupId: g1, topics: null, requireStable: true });
    expect(all.topics).toEqual([{ name: TOPIC, partitions: [{ partitionIndex: 1, committedOffset: 42n, committedLeaderEpoch: -1, metadata: 'meta', errorCode: 0 }] }]);
    const multi = await c.request(API.OffsetFetch, 9, {
      groups: [
        { groupId: g1, memberId: null, memberEpoch: -1, topics: null },
        { groupId: g2, memberId: null, memberEpoch: -1, topics: [{ name: TOPIC, partitionIndexes: [0] }] },
        { groupId: groupName('nothing'), memberId: null, memberEpoch: -1, topics: [{ name: TOPIC, partitionIndexes: [2] }] },
      ],
      requireStable: false,
    });
    expect(multi.groups.map((gr: any) => gr.topics.map((t: any) => t.partitions.map((p: any) => p.committedOffset)))).toEqual([[[42n]], [[7n]], [[-1n]]]);
  });

  it('DeleteGroups: NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND, and deletion takes the offsets along', async () => {
    const busy = groupName('busy');
    await stableGroup(busy);
    const idle = groupName('idle');
    const c = await client();
    expect(await commit(c, idle, '', -1, 3n)).toBe(0);
    const r = await c.request(API.DeleteGroups, 2, { groupsNames: [busy, idle, groupName('never')] });
    expect(r.results.map((x: any) => x.errorCode)).toEqual([ErrorCode.NON_EMPTY_GROUP, 0, ErrorCode.GROUP_ID_NOT_FOUND]);
    const f = await c.request(API.OffsetFetch, 5, { groupId: idle, topics: [{ name: TOPIC, partitionIndexes: [0] }], requireStable: false });
    expect(f.topics[0].partitions[0].committedOffset).toBe(-1n);
  });

  it('OffsetDelete: GROUP_SUBSCRIBED_TO_TOPIC for topics the group consumes, GROUP_ID_NOT_FOUND for unknown groups', async () => {
    const g = groupName('offdel');
    const { c, memberId } = await stableGroup(g); // subscribed to TOPIC
    expect(await commit(c, g, memberId, 1)).toBe(0);
    const subscribed = await c.request(API.OffsetDelete, 0, { groupId: g, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0 }] }] });
    expect(subscribed).toMatchObject({ errorCode: 0, topics: [{ partitions: [{ errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }] }] });
    const unknown = await c.request(API.OffsetDelete, 0, { groupId: groupName('x'), topics: [] });
    expect(unknown.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    // An empty (simple) group: the offset can go.
    const simple = groupName('offdel-simple');
    expect(await commit(c, simple, '', -1, 9n)).toBe(0);
    const ok = await c.request(API.OffsetDelete, 0, { groupId: simple, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0 }] }] });
    expect(ok.topics[0].partitions[0].errorCode).toBe(0);
    const f = await c.request(API.OffsetFetch, 5, { groupId: simple, topics: [{ name: TOPIC, partitionIndexes: [0] }], requireStable: false });
    expect(f.topics[0].partitions[0].committedOffset).toBe(-1n);
  });
});

describe('ListGroups and DescribeGroups', () => {
  it('lists groups with state (v4 filter) and type (v5 filter), case-insensitively', async () => {
    const g = groupName('listed');
    await stableGroup(g);
    const all = await admin.request(API.ListGroups, 5, { statesFilter: [], typesFilter: [] });
    expect(all.groups.find((x: any) => x.groupId === g)).toEqual({ groupId: g, protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' });
    const stable = await admin.request(API.ListGroups, 5, { statesFilter: ['stable'], typesFilter: ['CLASSIC'] });
    expect(stable.groups.map((x: any) => x.groupId)).toContain(g);
    const empty = await admin.request(API.ListGroups, 4, { statesFilter: ['Empty'] });
    expect(empty.groups.map((x: any) => x.groupId)).not.toContain(g);
    expect((await admin.request(API.ListGroups, 5, { statesFilter: [], typesFilter: ['consumer'] })).groups.map((x: any) => x.groupId)).not.toContain(g);
    const v0 = await admin.request(API.ListGroups, 0, {});
    expect(v0.groups.map((x: any) => x.groupId)).toContain(g);
  });

  it('describes members with client id/host, metadata and assignment in Stable; unknown groups are Dead', async () => {
    const g = groupName('described');
    const { memberId } = await stableGroup(g);
    const d = await describeGroup(g);
    expect(d).toMatchObject({ errorCode: 0, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(d.members).toHaveLength(1);
    expect(d.members[0]).toMatchObject({ memberId, clientId: 'raw-client', clientHost: '/127.0.0.1' });
    expect(d.members[0].memberAssignment.toString()).toBe('x');
    expect(d.members[0].memberMetadata.length).toBeGreaterThan(0);
    expect(await describeGroup(groupName('nope'))).toMatchObject({ errorCode: 0, groupState: 'Dead', members: [] });
  });
});

describe('durability', () => {
  it('committed offsets and static members survive a broker restart', async () => {
    const b1 = await startTestBroker({ inMemory: false, groupMinSessionTimeoutMs: 100 });
    const dataDir = b1.dataDir!;
    const c1 = await RawClient.connect(b1.port);
    await c1.request(API.CreateTopics, 7, { topics: [{ name: 'durable', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    const j = await c1.request(API.JoinGroup, 9, { ...joinBody('dg', ''), groupInstanceId: 'keeper', protocols: [{ name: 'range', metadata: subscription(['durable']) }], sessionTimeoutMs: 30_000 });
    expect(j.errorCode).toBe(0);
    await c1.request(API.SyncGroup, 5, { groupId: 'dg', generationId: 1, memberId: j.memberId, groupInstanceId: 'keeper', protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: j.memberId, assignment: Buffer.from('p0') }] });
    const committed = await c1.request(API.OffsetCommit, 8, {
      groupId: 'dg',
      generationIdOrMemberEpoch: 1,
      memberId: j.memberId,
      groupInstanceId: 'keeper',
      topics: [{ name: 'durable', partitions: [{ partitionIndex: 1, committedOffset: 17n, committedLeaderEpoch: 0, committedMetadata: 'kept' }] }],
    });
    expect(committed.topics[0].partitions[0].errorCode).toBe(0);
    c1.close();
    // Keep the data directory: close the broker itself, not the helper (which would remove it).
    await b1.broker.close();

    const b2 = await startTestBroker({ inMemory: false, dataDir, groupMinSessionTimeoutMs: 100 });
    try {
      const c2 = await RawClient.connect(b2.port);
      const f = await c2.request(API.OffsetFetch, 8, { groups: [{ groupId: 'dg', topics: null }], requireStable: false });
      expect(f.groups[0].topics).toEqual([{ name: 'durable', partitions: [{ partitionIndex: 1, committedOffset: 17n, committedLeaderEpoch: 0, metadata: 'kept', errorCode: 0 }] }]);
      const d = (await c2.request(API.DescribeGroups, 5, { groups: ['dg'], includeAuthorizedOperations: false })).groups[0];
      expect(d.groupState).toBe('Stable');
      expect(d.members.map((m: any) => [m.memberId, m.groupInstanceId])).toEqual([[j.memberId, 'keeper']]);
      // The static member comes back and takes its place, still generation 1, assignment intact.
      const again = await c2.request(API.JoinGroup, 9, { ...joinBody('dg', ''), groupInstanceId: 'keeper', protocols: [{ name: 'range', metadata: subscription(['durable']) }], sessionTimeoutMs: 30_000 });
      expect(again).toMatchObject({ errorCode: 0, generationId: 1 });
      const s = await c2.request(API.SyncGroup, 5, { groupId: 'dg', generationId: 1, memberId: again.memberId, groupInstanceId: 'keeper', protocolType: 'consumer', protocolName: 'range', assignments: [] });
      expect(s.assignment.toString()).toBe('p0');
      c2.close();
    } finally {
      await b2.broker.close();
      const { rmSync } = await import('node:fs');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

async function waitForState(groupId: string, state: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await describeGroup(groupId);
    if (d.groupState === state) return;
    if (Date.now() > deadline) throw new Error(`group ${groupId} is ${d.groupState}, not ${state}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
