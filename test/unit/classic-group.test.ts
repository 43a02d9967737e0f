// The classic group state machine on its own, with fake timers: joins, the
// leader's assignment, rebalances on join/leave/session and rebalance timeouts,
// static membership, and the error codes Kafka answers with.
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ClassicGroup,
  type ClassicGroupConfig,
  type JoinRequest,
  type JoinResult,
  type Protocol,
  type SyncResult,
} from '../../src/coordinator/classic-group.js';
import { decodeGroupMetadataValue, groupMetadataValue, type GroupMetadata } from '../../src/coordinator/offsets-topic.js';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { Writer } from '../../src/wire/writer.js';

const SESSION = 1000;
const REBALANCE = 3000;

/** A consumer-protocol subscription (version 0): topics and empty user data. */
function subscription(topics: string[]): Buffer {
  const w = new Writer();
  w.int16(0);
  w.int32(topics.length);
  for (const t of topics) w.string(t);
  w.int32(0);
  return w.toBuffer();
}

const RANGE = (topics = ['t']): Protocol[] => [{ name: 'range', metadata: subscription(topics) }];

interface Harness {
  group: ClassicGroup;
  persisted: GroupMetadata[];
  failPersist: { on: boolean };
}

function makeGroup(cfg: Partial<ClassicGroupConfig> = {}, loaded?: GroupMetadata): Harness {
  const persisted: GroupMetadata[] = [];
  const failPersist = { on: false };
  const group = new ClassicGroup(
    'g',
    {
      config: { initialRebalanceDelayMs: 0, maxSize: 100, newMemberJoinTimeoutMs: 300_000, ...cfg },
      log: pino({ level: 'silent' }),
      persist: (g, a) => {
        if (failPersist.on) throw new Error('disk on fire');
        persisted.push(g.toMetadata(a));
      },
    },
    loaded,
  );
  return { group, persisted, failPersist };
}

function req(over: Partial<JoinRequest> = {}): JoinRequest {
  return {
    memberId: '',
    groupInstanceId: null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: SESSION,
    rebalanceTimeoutMs: REBALANCE,
    protocolType: 'consumer',
    protocols: RANGE(),
    requireKnownMemberId: true,
    supportsSkippingAssignment: true,
    ...over,
  };
}

/** Tracks a pending promise so tests can tell whether it has resolved. */
function track<T>(p: Promise<T>): { done: () => boolean; value: () => T } {
  let v: T | undefined;
  let settled = false;
  void p.then((x) => {
    v = x;
    settled = true;
  });
  return { done: () => settled, value: () => v as T };
}

/** KIP-394 dance: the first join hands out a member id, the second one really joins. */
async function newMember(group: ClassicGroup, over: Partial<JoinRequest> = {}): Promise<{ memberId: string; join: ReturnType<typeof track<JoinResult>> }> {
  const first = await group.join(req(over));
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  return { memberId: first.memberId, join: track(group.join(req({ ...over, memberId: first.memberId }))) };
}

const tick = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

async function syncAll(group: ClassicGroup, generationId: number, leader: string, members: string[], assignment: (m: string) => Buffer) {
  const followers = members.filter((m) => m !== leader).map((m) => track(group.sync({ memberId: m, groupInstanceId: null, generationId, protocolType: 'consumer', protocolName: 'range', assignments: [] })));
  const lead = track(
    group.sync({
      memberId: leader,
      groupInstanceId: null,
      generationId,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: members.map((m) => ({ memberId: m, assignment: assignment(m) })),
    }),
  );
  await tick();
  return { lead, followers };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ClassicGroup: joining and syncing', () => {
  it('asks a new member for a member id first, then forms generation 1 with it as leader', async () => {
    const { group, persisted } = makeGroup();
    expect(group.stateName).toBe('Empty');
    const { memberId, join } = await newMember(group, { clientId: 'my-client' });
    expect(memberId).toMatch(/^my-client-[0-9a-f-]{36}$/);
    expect(group.stateName).toBe('PreparingRebalance');
    await tick();
    const r = join.value();
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.generationId).toBe(1);
    expect(r.leader).toBe(memberId);
    expect(r.protocolName).toBe('range');
    expect(r.protocolType).toBe('consumer');
    expect(r.members.map((m) => m.memberId)).toEqual([memberId]);
    expect(group.stateName).toBe('CompletingRebalance');

    const sync = await group.sync({ memberId, groupInstanceId: null, generationId: 1, protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId, assignment: Buffer.from('A') }] });
    expect(sync).toEqual({ errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('A') });
    expect(group.stateName).toBe('Stable');
    expect(persisted).toHaveLength(1);
    expect(persisted[0]!.members[0]!.assignment).toEqual(Buffer.from('A'));
    group.shutdown();
  });

  it('JoinGroup before v4 (no member id required) joins directly', async () => {
    const { group } = makeGroup();
    const join = track(group.join(req({ requireKnownMemberId: false })));
    await tick();
    expect(join.value().errorCode).toBe(0);
    expect(join.value().memberId).toMatch(/^client-/);
    group.shutdown();
  });

  it('the initial rebalance waits group.initial.rebalance.delay.ms and takes everyone who joins meanwhile', async () => {
    const { group } = makeGroup({ initialRebalanceDelayMs: 100 });
    const a = await newMember(group);
    await tick(60);
    const b = await newMember(group);
    await tick(60); // 120 ms: the delay was extended because b arrived
    expect(a.join.done()).toBe(false);
    await tick(100);
    expect(a.join.value().generationId).toBe(1);
    expect(b.join.value().generationId).toBe(1);
    const leaderView = [a.join.value(), b.join.value()].find((r) => r.leader === r.memberId)!;
    expect(leaderView.members).toHaveLength(2);
    const follower = [a.join.value(), b.join.value()].find((r) => r.leader !== r.memberId)!;
    expect(follower.members).toEqual([]);
    group.shutdown();
  });

  it('a follower SyncGroup waits for the leader; SyncGroup during PreparingRebalance is REBALANCE_IN_PROGRESS', async () => {
    const { group } = makeGroup({ initialRebalanceDelayMs: 10 });
    const a = await newMember(group);
    const b = await newMember(group);
    await tick(20);
    const leader = a.join.value().leader;
    const follower = leader === a.memberId ? b.memberId : a.memberId;
    const f = track(group.sync({ memberId: follower, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [] }));
    await tick();
    expect(f.done()).toBe(false);
    await group.sync({
      memberId: leader,
      groupInstanceId: null,
      generationId: 1,
      protocolType: null,
      protocolName: null,
      assignments: [
        { memberId: leader, assignment: Buffer.from('L') },
        { memberId: follower, assignment: Buffer.from('F') },
      ],
    });
    await tick();
    expect(f.value().assignment).toEqual(Buffer.from('F'));
    // A new member starts a rebalance; a stale sync now gets REBALANCE_IN_PROGRESS.
    await newMember(group);
    expect(group.stateName).toBe('PreparingRebalance');
    const s = await group.sync({ memberId: leader, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [] });
    expect(s.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    group.shutdown();
  });

  it('selects the protocol all members support, by preference vote', async () => {
    const { group } = makeGroup({ initialRebalanceDelayMs: 10 });
    const both = (first: string, second: string): Protocol[] => [
      { name: first, metadata: subscription(['t']) },
      { name: second, metadata: subscription(['t']) },
    ];
    await newMember(group, { protocols: both('cooperative-sticky', 'range') });
    await newMember(group, { protocols: both('range', 'cooperative-sticky') });
    const c = await newMember(group, { protocols: both('range', 'cooperative-sticky') });
    await tick(20);
    expect(c.join.value().protocolName).toBe('range');
    group.shutdown();
  });
});

describe('ClassicGroup: rebalances', () => {
  async function stableGroupOfTwo(cfg: Partial<ClassicGroupConfig> = {}) {
    const h = makeGroup({ initialRebalanceDelayMs: 10, ...cfg });
    const a = await newMember(h.group);
    const b = await newMember(h.group);
    await tick(20);
    const leader = a.join.value().leader;
    await syncAll(h.group, 1, leader, [a.memberId, b.memberId], (m) => Buffer.from(m));
    expect(h.group.stateName).toBe('Stable');
    return { ...h, a: a.memberId, b: b.memberId, leader, follower: leader === a.memberId ? b.memberId : a.memberId };
  }

  it('a new member triggers a rebalance; heartbeats answer REBALANCE_IN_PROGRESS until everyone rejoined', async () => {
    const { group, a, b } = await stableGroupOfTwo();
    const c = await newMember(group);
    expect(group.stateName).toBe('PreparingRebalance');
    expect(group.heartbeat(a, null, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const ja = track(group.join(req({ memberId: a })));
    await tick();
    expect(ja.done()).toBe(false);
    const jb = track(group.join(req({ memberId: b })));
    await tick();
    for (const j of [ja, jb, c.join]) expect(j.value().generationId).toBe(2);
    expect(group.stateName).toBe('CompletingRebalance');
    expect(group.heartbeat(a, null, 2)).toBe(ErrorCode.NONE);
    group.shutdown();
  });

  it('LeaveGroup triggers a rebalance; the remaining member gets a new generation alone', async () => {
    const { group, a, b } = await stableGroupOfTwo();
    const left = group.leave([{ memberId: b, groupInstanceId: null }]);
    expect(left.members).toEqual([{ memberId: b, groupInstanceId: null, errorCode: 0 }]);
    expect(group.stateName).toBe('PreparingRebalance');
    const ja = await group.join(req({ memberId: a }));
    expect(ja.generationId).toBe(2);
    expect(ja.leader).toBe(a);
    expect(ja.members.map((m) => m.memberId)).toEqual([a]);
    expect(group.leave([{ memberId: b, groupInstanceId: null }]).members[0]!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    group.shutdown();
  });

  it('the last member leaving makes the group Empty (and persists that)', async () => {
    const { group, a, b, persisted } = await stableGroupOfTwo();
    group.leave([
      { memberId: a, groupInstanceId: null },
      { memberId: b, groupInstanceId: null },
    ]);
    expect(group.stateName).toBe('Empty');
    expect(group.generationId).toBe(2);
    expect(persisted.at(-1)!.members).toEqual([]);
    group.shutdown();
  });

  it('a member that stops heartbeating is removed after its session timeout and the group rebalances', async () => {
    const { group, a, b } = await stableGroupOfTwo();
    // a keeps heartbeating, b goes silent.
    for (let t = 0; t < SESSION + 200; t += 200) {
      if (group.stateName === 'Stable') expect(group.heartbeat(a, null, 1)).toBe(ErrorCode.NONE);
      await tick(200);
    }
    expect(group.hasMember(b)).toBe(false);
    expect(group.stateName).toBe('PreparingRebalance');
    expect(group.heartbeat(a, null, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(group.heartbeat(b, null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const ja = await group.join(req({ memberId: a }));
    expect(ja.generationId).toBe(2);
    expect(ja.members).toHaveLength(1);
    group.shutdown();
  });

  it('a member that does not rejoin within the rebalance timeout is dropped', async () => {
    const { group, a, b } = await stableGroupOfTwo();
    const ja = track(group.join(req({ memberId: a }))); // a (re)joins: rebalance
    expect(group.stateName).toBe('PreparingRebalance');
    for (let t = 0; t < REBALANCE - 500; t += 500) {
      expect(group.heartbeat(b, null, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS); // alive, but never rejoins
      await tick(500);
    }
    expect(ja.done()).toBe(false);
    await tick(600);
    expect(ja.value().generationId).toBe(2);
    expect(ja.value().members.map((m) => m.memberId)).toEqual([a]);
    expect(group.hasMember(b)).toBe(false);
    group.shutdown();
  });

  it('members that do not SyncGroup within the rebalance timeout are removed', async () => {
    const { group, a, b, leader, follower } = await stableGroupOfTwo();
    const j1 = track(group.join(req({ memberId: a })));
    const j2 = track(group.join(req({ memberId: b })));
    await tick();
    expect(j1.value().generationId).toBe(2);
    expect(j2.value().generationId).toBe(2);
    // Only the leader syncs.
    const lead = track(group.sync({ memberId: leader, groupInstanceId: null, generationId: 2, protocolType: null, protocolName: null, assignments: [] }));
    await tick();
    expect(lead.value().errorCode).toBe(0);
    for (let t = 0; t <= REBALANCE; t += 500) {
      group.heartbeat(leader, null, group.generationId);
      await tick(500);
    }
    expect(group.hasMember(follower)).toBe(false);
    expect(group.stateName).toBe('PreparingRebalance');
    group.shutdown();
  });

  it('a pending member (MEMBER_ID_REQUIRED) that never comes back expires after its session timeout', async () => {
    const { group, a, b } = await stableGroupOfTwo();
    const first = await group.join(req());
    expect(group.isPendingMember(first.memberId)).toBe(true);
    const ja = track(group.join(req({ memberId: a }))); // rebalance: waits for b and the pending member
    const jb = track(group.join(req({ memberId: b })));
    await tick(100);
    expect(ja.done()).toBe(false);
    await tick(SESSION);
    expect(group.isPendingMember(first.memberId)).toBe(false);
    expect(ja.value().generationId).toBe(2);
    expect(jb.value().generationId).toBe(2);
    group.shutdown();
  });

  it('the leader rejoining a Stable group forces a rebalance; an unchanged follower gets the current generation', async () => {
    const { group, leader, follower } = await stableGroupOfTwo();
    const f = await group.join(req({ memberId: follower }));
    expect(f).toMatchObject({ errorCode: 0, generationId: 1, members: [] });
    expect(group.stateName).toBe('Stable');
    const l = track(group.join(req({ memberId: leader })));
    expect(group.stateName).toBe('PreparingRebalance');
    group.join(req({ memberId: follower }));
    await tick();
    expect(l.value().generationId).toBe(2);
    group.shutdown();
  });
});

describe('ClassicGroup: static membership', () => {
  async function staticPair(supportsSkippingAssignment = true) {
    const h = makeGroup({ initialRebalanceDelayMs: 10 });
    const s1 = track(h.group.join(req({ groupInstanceId: 'i-1', requireKnownMemberId: false, supportsSkippingAssignment })));
    const s2 = track(h.group.join(req({ groupInstanceId: 'i-2', requireKnownMemberId: false, supportsSkippingAssignment })));
    await tick(20);
    const m1 = s1.value().memberId;
    const m2 = s2.value().memberId;
    expect(m1).toMatch(/^i-1-/); // static member ids start with the instance id
    const leader = s1.value().leader;
    await syncAll(h.group, 1, leader, [m1, m2], (m) => Buffer.from(m === m1 ? 'one' : 'two'));
    expect(h.group.stateName).toBe('Stable');
    return { ...h, m1, m2, leader };
  }

  it('a static member rejoining with an unknown member id replaces its old id without a rebalance', async () => {
    const { group, m1, m2, leader, persisted } = await staticPair();
    const follower = leader === m1 ? 'i-2' : 'i-1';
    const oldId = leader === m1 ? m2 : m1;
    const before = persisted.length;
    const r = await group.join(req({ groupInstanceId: follower, requireKnownMemberId: false }));
    expect(r.errorCode).toBe(0);
    expect(r.memberId).not.toBe(oldId);
    expect(r.generationId).toBe(1);
    expect(r.skipAssignment).toBe(false);
    expect(group.stateName).toBe('Stable');
    expect(persisted.length).toBe(before + 1); // the new member id is persisted
    // The old incarnation is fenced.
    expect(group.heartbeat(oldId, follower, 1)).toBe(ErrorCode.FENCED_INSTANCE_ID);
    const fencedCommit = group.validateOffsetCommit(oldId, follower, 1);
    expect(fencedCommit).toBe(ErrorCode.FENCED_INSTANCE_ID);
    // The new id keeps the assignment.
    const s = await group.sync({ memberId: r.memberId, groupInstanceId: follower, generationId: 1, protocolType: 'consumer', protocolName: 'range', assignments: [] });
    expect(s.assignment.toString()).toBe(follower === 'i-1' ? 'one' : 'two');
    expect(group.heartbeat(r.memberId, follower, 1)).toBe(ErrorCode.NONE);
    group.shutdown();
  });

  it('a static leader rejoining (v9) gets the members with skipAssignment; before v9 it is told the old leader id', async () => {
    const { group, leader } = await staticPair();
    const leaderInstance = group.member(leader)!.groupInstanceId!;
    const r9 = await group.join(req({ groupInstanceId: leaderInstance, requireKnownMemberId: false, supportsSkippingAssignment: true }));
    expect(r9.skipAssignment).toBe(true);
    expect(r9.leader).toBe(r9.memberId);
    expect(r9.members).toHaveLength(2);
    const r5 = await group.join(req({ groupInstanceId: leaderInstance, requireKnownMemberId: false, supportsSkippingAssignment: false }));
    expect(r5.skipAssignment).toBe(false);
    expect(r5.leader).toBe(r9.memberId); // the id it had, not its new one: it acts as a follower
    expect(r5.memberId).not.toBe(r9.memberId);
    expect(r5.members).toEqual([]);
    expect(group.stateName).toBe('Stable');
    group.shutdown();
  });

  it('a static member with changed protocols triggers a rebalance; a parked JoinGroup of its old id is fenced', async () => {
    const { group, m1, m2 } = await staticPair();
    // m1 rejoins with its id (parks in PreparingRebalance since m2 has not rejoined).
    const parked = track(group.join(req({ memberId: m1, groupInstanceId: 'i-1', requireKnownMemberId: false, protocols: RANGE(['t', 'u']) })));
    expect(group.stateName).toBe('PreparingRebalance');
    // A second process with the same instance id joins: the parked request is fenced.
    const replacement = track(group.join(req({ groupInstanceId: 'i-1', requireKnownMemberId: false })));
    await tick();
    expect(parked.value().errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    group.join(req({ memberId: m2, groupInstanceId: 'i-2', requireKnownMemberId: false }));
    await tick();
    expect(replacement.value().errorCode).toBe(0);
    expect(replacement.value().generationId).toBe(2);
    group.shutdown();
  });

  it('static members that miss the rebalance are kept (their session decides), dynamic ones are dropped', async () => {
    const { group, m1, m2 } = await staticPair();
    const j1 = track(group.join(req({ memberId: m1, groupInstanceId: 'i-1', requireKnownMemberId: false, protocols: RANGE(['x']) })));
    for (let t = 0; t < REBALANCE + 100; t += 200) {
      group.heartbeat(m2, 'i-2', 1);
      await tick(200);
    }
    expect(j1.value().generationId).toBe(2);
    expect(group.hasMember(m2)).toBe(true);
    group.shutdown();
  });

  it('LeaveGroup by group instance id alone removes the static member', async () => {
    const { group, m2 } = await staticPair();
    const r = group.leave([{ memberId: '', groupInstanceId: 'i-2' }]);
    expect(r.members[0]!.errorCode).toBe(0);
    expect(group.hasMember(m2)).toBe(false);
    expect(group.leave([{ memberId: '', groupInstanceId: 'nope' }]).members[0]!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(group.leave([{ memberId: 'wrong', groupInstanceId: 'i-1' }]).members[0]!.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    group.shutdown();
  });
});

describe('ClassicGroup: errors', () => {
  async function stableOne() {
    const h = makeGroup();
    const m = await newMember(h.group);
    await tick();
    await h.group.sync({ memberId: m.memberId, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [] });
    return { ...h, id: m.memberId };
  }

  it('wrong generation → ILLEGAL_GENERATION; unknown member → UNKNOWN_MEMBER_ID', async () => {
    const { group, id } = await stableOne();
    expect(group.heartbeat(id, null, 7)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(group.heartbeat('ghost', null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const s: SyncResult = await group.sync({ memberId: id, groupInstanceId: null, generationId: 0, protocolType: null, protocolName: null, assignments: [] });
    expect(s.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await group.sync({ memberId: 'ghost', groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [] })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await group.join(req({ memberId: 'ghost' }))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    group.shutdown();
  });

  it('protocol type or protocols the group cannot use → INCONSISTENT_GROUP_PROTOCOL (JoinGroup and SyncGroup v5)', async () => {
    const { group, id } = await stableOne();
    expect((await group.join(req({ protocolType: 'connect' }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await group.join(req({ protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }] }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await group.join(req({ protocols: [] }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const s = await group.sync({ memberId: id, groupInstanceId: null, generationId: 1, protocolType: 'consumer', protocolName: 'roundrobin', assignments: [] });
    expect(s.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const s2 = await group.sync({ memberId: id, groupInstanceId: null, generationId: 1, protocolType: 'connect', protocolName: 'range', assignments: [] });
    expect(s2.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    // An empty group accepts any non-empty protocol type.
    const fresh = makeGroup().group;
    expect((await fresh.join(req({ protocolType: 'connect' }))).errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect((await fresh.join(req({ protocolType: '' }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    group.shutdown();
  });

  it('group.max.size → GROUP_MAX_SIZE_REACHED for members beyond it', async () => {
    const { group } = makeGroup({ maxSize: 1 });
    const a = await newMember(group);
    await tick();
    expect(a.join.value().errorCode).toBe(0);
    const b = await group.join(req()); // MEMBER_ID_REQUIRED is still handed out...
    const r = await group.join(req({ memberId: b.memberId })); // ...but the join itself is refused
    expect(r.errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    group.shutdown();
  });

  it('offset commits: generation checks, REBALANCE_IN_PROGRESS while awaiting the assignment, simple commits only when empty', async () => {
    const { group } = makeGroup();
    expect(group.validateOffsetCommit('', null, -1)).toBe(0); // empty group: admin/standalone commit
    const m = await newMember(group);
    await tick();
    expect(group.stateName).toBe('CompletingRebalance');
    expect(group.validateOffsetCommit(m.memberId, null, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    await group.sync({ memberId: m.memberId, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [] });
    expect(group.validateOffsetCommit(m.memberId, null, 1)).toBe(0);
    expect(group.validateOffsetCommit(m.memberId, null, 0)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(group.validateOffsetCommit('ghost', null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(group.validateOffsetCommit('', null, -1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    group.shutdown();
  });

  it('DeleteGroups/OffsetDelete checks and subscription parsing', async () => {
    const { group } = makeGroup();
    expect(group.validateDeleteGroup()).toBe(0);
    const m = await newMember(group, { protocols: RANGE(['orders', 'payments']) });
    await tick();
    expect(m.join.value().errorCode).toBe(0);
    expect(group.validateDeleteGroup()).toBe(ErrorCode.NON_EMPTY_GROUP);
    expect(group.validateOffsetDelete()).toBe(0); // consumer protocol: per-topic check instead
    expect(group.isSubscribedToTopic('orders')).toBe(true);
    expect(group.isSubscribedToTopic('other')).toBe(false);
    group.shutdown();
  });

  it('shutdown answers parked requests with NOT_COORDINATOR and the group is Dead', async () => {
    const { group } = makeGroup({ initialRebalanceDelayMs: 1000 });
    const a = await newMember(group);
    group.unload();
    await tick();
    expect(a.join.value().errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(group.stateName).toBe('Dead');
    expect(group.heartbeat(a.memberId, null, 0)).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a failed write of the leader assignment fails the SyncGroup and rebalances', async () => {
    const { group, failPersist } = makeGroup();
    const m = await newMember(group);
    await tick();
    failPersist.on = true;
    const s = await group.sync({ memberId: m.memberId, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [] });
    expect(s.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(group.stateName).toBe('PreparingRebalance');
    group.shutdown();
  });
});

describe('ClassicGroup: persistence', () => {
  it('round-trips through GroupMetadataValue and resumes Stable with the same members and generation', async () => {
    const { group, persisted } = makeGroup();
    const m = await newMember(group, { groupInstanceId: null });
    await tick();
    await group.sync({ memberId: m.memberId, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [{ memberId: m.memberId, assignment: Buffer.from('xyz') }] });
    const meta = decodeGroupMetadataValue(groupMetadataValue(persisted.at(-1)!));
    group.shutdown();

    const loaded = makeGroup({}, meta).group;
    loaded.onLoaded();
    expect(loaded.stateName).toBe('Stable');
    expect(loaded.generationId).toBe(1);
    expect(loaded.heartbeat(m.memberId, null, 1)).toBe(0);
    const s = await loaded.sync({ memberId: m.memberId, groupInstanceId: null, generationId: 1, protocolType: 'consumer', protocolName: 'range', assignments: [] });
    expect(s.assignment.toString()).toBe('xyz');
    // Without heartbeats the loaded member's session expires.
    await tick(SESSION + 10);
    expect(loaded.hasMember(m.memberId)).toBe(false);
    loaded.shutdown();
  });
});
