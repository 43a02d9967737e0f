// KIP-848 consumer group logic (src/coordinator/consumer-group.ts and assignors.ts),
// driven with a manual clock and an in-memory topic table.
import { describe, expect, it } from 'vitest';
import { rangeAssignor, uniformAssignor, type Assignment } from '../../src/coordinator/assignors.js';
import {
  compileTopicRegex,
  ConsumerGroup,
  validateHeartbeatRequest,
  type ConsumerGroupConfig,
  type ConsumerGroupRecord,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type TopicSource,
} from '../../src/coordinator/consumer-group.js';
import { SERVER_ASSIGNORS } from '../../src/coordinator/assignors.js';
import { decodeConsumerGroupRecord, encodeConsumerGroupRecord } from '../../src/coordinator/consumer-group-records.js';
import { codecFor } from '../../src/wire/codecs.js';
import { ErrorCode } from '../../src/wire/error-codes.js';
import '../../src/wire/messages/index.js';
import { Reader } from '../../src/wire/reader.js';
import { Writer } from '../../src/wire/writer.js';
import { ManualClock } from '../helpers/manual-clock.js';

/** A topic id (16 bytes, base64url like Kafka's) derived from the name. */
const tid = (name: string): string => Buffer.from(name.padEnd(16, '.').slice(0, 16)).toString('base64url');

class FakeTopics implements TopicSource {
  private readonly byName = new Map<string, { name: string; topicId: string; numPartitions: number; internal: boolean }>();
  add(name: string, numPartitions: number, internal = false): string {
    const topicId = tid(name);
    this.byName.set(name, { name, topicId, numPartitions, internal });
    return topicId;
  }
  remove(name: string): void {
    this.byName.delete(name);
  }
  topics() {
    return this.byName.values();
  }
  topic(name: string) {
    return this.byName.get(name);
  }
  topicById(id: string) {
    for (const t of this.byName.values()) if (t.topicId === id) return t;
    return undefined;
  }
}

const CTX = { clientId: 'test-client', clientHost: '/127.0.0.1' };

function setup(config: Partial<ConsumerGroupConfig> = {}) {
  const clock = new ManualClock();
  const topics = new FakeTopics();
  const records: ConsumerGroupRecord[] = [];
  const fenced: string[] = [];
  const group = new ConsumerGroup('g', {
    topics,
    clock,
    config,
    onRecords: (r) => records.push(...r),
    onFenced: (id) => fenced.push(id),
  });
  return { clock, topics, group, records, fenced };
}

type Owned = Map<string, number[]>;

/** A well-behaved client: acknowledges revocations at once and reports what it owns. */
class Sim {
  epoch = 0;
  owned: Owned = new Map();
  last!: HeartbeatResponse;
  constructor(
    readonly group: ConsumerGroup,
    readonly memberId: string,
    readonly opts: { topics?: string[]; regex?: string; assignor?: string; instanceId?: string; rebalanceTimeoutMs?: number } = {},
  ) {}

  join(): HeartbeatResponse {
    this.epoch = 0;
    this.owned = new Map();
    return this.send({
      memberId: this.memberId,
      memberEpoch: 0,
      instanceId: this.opts.instanceId ?? null,
      rackId: null,
      rebalanceTimeoutMs: this.opts.rebalanceTimeoutMs ?? 60_000,
      subscribedTopicNames: this.opts.regex !== undefined ? null : (this.opts.topics ?? ['foo']),
      subscribedTopicRegex: this.opts.regex ?? null,
      serverAssignor: this.opts.assignor ?? null,
      topicPartitions: [],
    });
  }

  beat(extra: Partial<HeartbeatRequest> = {}): HeartbeatResponse {
    return this.send({
      memberId: this.memberId,
      memberEpoch: this.epoch,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: -1,
      subscribedTopicNames: null,
      serverAssignor: null,
      topicPartitions: [...this.owned].map(([topicId, partitions]) => ({ topicId, partitions })),
      ...extra,
    });
  }

  private send(req: HeartbeatRequest): HeartbeatResponse {
    const res = this.group.heartbeat(req, CTX);
    this.last = res;
    if (res.errorCode === ErrorCode.NONE) {
      this.epoch = res.memberEpoch;
      if (res.assignment) this.owned = new Map(res.assignment.topicPartitions.map((tp) => [tp.topicId, tp.partitions]));
    }
    return res;
  }

  partitions(topicId = tid('foo')): number[] {
    return [...(this.owned.get(topicId) ?? [])].sort((a, b) => a - b);
  }
}

/** Heartbeats every member until the group is Stable (or gives up). */
function settle(group: ConsumerGroup, sims: Sim[], rounds = 10): void {
  for (let i = 0; i < rounds && group.stateName !== 'Stable'; i++) for (const s of sims) s.beat();
  expect(group.stateName).toBe('Stable');
}

const flat = (a: Assignment | undefined): string[] =>
  [...(a ?? new Map())].flatMap(([t, ps]) => [...ps].map((p) => `${t}:${p}`)).sort();

describe('ConsumerGroup: joining', () => {
  it('a single member gets every partition, the group epoch and assignment epoch move to 1', () => {
    const { topics, group } = setup();
    topics.add('foo', 6);
    const a = new Sim(group, 'A');
    const res = a.join();
    expect(res.errorCode).toBe(ErrorCode.NONE);
    expect(res.memberId).toBe('A');
    expect(res.memberEpoch).toBe(1);
    expect(res.heartbeatIntervalMs).toBe(5000);
    expect(a.partitions()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(group.groupEpoch).toBe(1);
    expect(group.assignmentEpoch).toBe(1);
    expect(group.stateName).toBe('Stable');
  });

  it('three members with the uniform assignor end with 2 partitions each, nothing owned twice', () => {
    const { topics, group } = setup();
    topics.add('foo', 6);
    const sims = ['A', 'B', 'C'].map((id) => new Sim(group, id));
    for (const s of sims) s.join();
    settle(group, sims);
    const all = sims.flatMap((s) => s.partitions());
    expect(all.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const s of sims) expect(s.partitions()).toHaveLength(2);
    expect(group.groupEpoch).toBe(3);
    for (const s of sims) expect(s.epoch).toBe(3);
  });

  it('uses the heartbeat interval from the config', () => {
    const { topics, group } = setup({ heartbeatIntervalMs: 250 });
    topics.add('foo', 1);
    expect(new Sim(group, 'A').join().heartbeatIntervalMs).toBe(250);
  });

  it('ConsumerGroupHeartbeat v0 with an empty member id gets one generated by the coordinator', () => {
    const { topics, group } = setup();
    topics.add('foo', 1);
    const res = group.heartbeat(
      { memberId: '', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 1000, subscribedTopicNames: ['foo'], serverAssignor: null, topicPartitions: [] },
      CTX,
    );
    expect(res.errorCode).toBe(0);
    expect(res.memberId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(group.hasMember(res.memberId!)).toBe(true);
  });

  it('the assignment is only sent on full requests or when it changed', () => {
    const { topics, group } = setup();
    topics.add('foo', 2);
    const a = new Sim(group, 'A');
    expect(a.join().assignment).not.toBeNull();
    expect(a.beat().assignment).toBeNull();
    // Full request (all non-optional fields set): assignment again.
    expect(a.beat({ rebalanceTimeoutMs: 60_000, subscribedTopicNames: ['foo'] }).assignment?.topicPartitions).toEqual([{ topicId: tid('foo'), partitions: [0, 1] }]);
    // Heartbeat without owned partitions (null: unchanged) is fine too.
    expect(a.beat({ topicPartitions: null }).errorCode).toBe(0);
  });

  it('GROUP_MAX_SIZE_REACHED when the group is full, but known members still heartbeat', () => {
    const { topics, group } = setup({ maxSize: 1 });
    topics.add('foo', 2);
    const a = new Sim(group, 'A');
    a.join();
    expect(new Sim(group, 'B').join().errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    expect(a.beat().errorCode).toBe(0);
  });
});

describe('ConsumerGroup: assignors', () => {
  it('range gives co-partitioned topics the same partition numbers per member', () => {
    const { topics, group } = setup();
    topics.add('foo', 4);
    topics.add('bar', 4);
    const sims = ['A', 'B'].map((id) => new Sim(group, id, { topics: ['foo', 'bar'], assignor: 'range' }));
    for (const s of sims) s.join();
    settle(group, sims);
    expect(sims[0]!.partitions(tid('foo'))).toEqual([0, 1]);
    expect(sims[0]!.partitions(tid('bar'))).toEqual([0, 1]);
    expect(sims[1]!.partitions(tid('foo'))).toEqual([2, 3]);
    expect(sims[1]!.partitions(tid('bar'))).toEqual([2, 3]);
    expect(group.describe().assignorName).toBe('range');
  });

  it('uniform is the default and reported by describe', () => {
    const { topics, group } = setup();
    topics.add('foo', 1);
    new Sim(group, 'A').join();
    expect(group.describe().assignorName).toBe('uniform');
  });

  it('uniform balances heterogeneous subscriptions and is sticky when a member leaves', () => {
    const spec = (current: Record<string, Assignment> = {}) => ({
      members: [
        { memberId: 'A', instanceId: null, rackId: null, subscribedTopicIds: new Set(['t1', 't2']), currentAssignment: current.A ?? new Map() },
        { memberId: 'B', instanceId: null, rackId: null, subscribedTopicIds: new Set(['t1']), currentAssignment: current.B ?? new Map() },
        { memberId: 'C', instanceId: null, rackId: null, subscribedTopicIds: new Set(['t2']), currentAssignment: current.C ?? new Map() },
      ],
      partitionCounts: new Map([
        ['t1', 3],
        ['t2', 3],
      ]),
    });
    const first = uniformAssignor.assign(spec());
    const counts = ['A', 'B', 'C'].map((m) => flat(first.get(m)).length);
    expect(counts).toEqual([2, 2, 2]);
    expect(flat(first.get('B')).every((tp) => tp.startsWith('t1:'))).toBe(true);
    expect(flat(first.get('C')).every((tp) => tp.startsWith('t2:'))).toBe(true);
    const all = ['A', 'B', 'C'].flatMap((m) => flat(first.get(m))).sort();
    expect(all).toEqual(['t1:0', 't1:1', 't1:2', 't2:0', 't2:1', 't2:2']);

    // Recomputing from the result changes nothing (sticky, already balanced).
    const again = uniformAssignor.assign(spec({ A: first.get('A')!, B: first.get('B')!, C: first.get('C')! }));
    for (const m of ['A', 'B', 'C']) expect(flat(again.get(m))).toEqual(flat(first.get(m)));
  });

  it('uniform only moves what balance needs when a member joins', () => {
    const members = (ids: string[], current: Map<string, Assignment>) => ({
      members: ids.map((id) => ({ memberId: id, instanceId: null, rackId: null, subscribedTopicIds: new Set(['t']), currentAssignment: current.get(id) ?? new Map() })),
      partitionCounts: new Map([['t', 6]]),
    });
    const two = uniformAssignor.assign(members(['A', 'B'], new Map()));
    const three = uniformAssignor.assign(members(['A', 'B', 'C'], two));
    for (const id of ['A', 'B']) {
      const before = flat(two.get(id));
      const after = flat(three.get(id));
      expect(after).toHaveLength(2);
      expect(after.every((tp) => before.includes(tp))).toBe(true);
    }
    expect(flat(three.get('C'))).toHaveLength(2);
  });

  it('range keeps previous ranges when members are added', () => {
    const spec = (ids: string[], current: Map<string, Assignment>) => ({
      members: ids.map((id) => ({ memberId: id, instanceId: null, rackId: null, subscribedTopicIds: new Set(['t']), currentAssignment: current.get(id) ?? new Map() })),
      partitionCounts: new Map([['t', 7]]),
    });
    const one = rangeAssignor.assign(spec(['A'], new Map()));
    expect(flat(one.get('A'))).toHaveLength(7);
    const two = rangeAssignor.assign(spec(['A', 'B'], one));
    expect(flat(two.get('A'))).toEqual(['t:0', 't:1', 't:2', 't:3']);
    expect(flat(two.get('B'))).toEqual(['t:4', 't:5', 't:6']);
    const three = rangeAssignor.assign(spec(['A', 'B', 'C'], two));
    expect(flat(three.get('A'))).toEqual(['t:0', 't:1', 't:2']);
    expect(flat(three.get('B'))).toEqual(['t:4', 't:5']);
    expect(flat(three.get('C'))).toEqual(['t:3', 't:6']);
  });
});

describe('ConsumerGroup: incremental reconciliation', () => {
  it('a partition moves to a new member only after its owner acknowledged the revocation', () => {
    const { topics, group, records } = setup();
    topics.add('foo', 4);
    const a = new Sim(group, 'A');
    a.join();
    expect(a.partitions()).toEqual([0, 1, 2, 3]);

    // B joins: group epoch 2, new target assignment; but A still owns everything.
    const b = new Sim(group, 'B');
    const bJoin = b.join();
    expect(bJoin.memberEpoch).toBe(2);
    expect(bJoin.assignment).toEqual({ topicPartitions: [] });
    expect(group.member('B')!.state).toBe('UNRELEASED_PARTITIONS');
    expect(group.stateName).toBe('Reconciling');
    expect(flat(group.targetAssignmentOf('B'))).toHaveLength(2);

    // A is asked to revoke: it stays in epoch 1 and gets its reduced assignment.
    const aRevoke = a.beat({ topicPartitions: [{ topicId: tid('foo'), partitions: [0, 1, 2, 3] }] });
    expect(aRevoke.memberEpoch).toBe(1);
    expect(group.member('A')!.state).toBe('UNREVOKED_PARTITIONS');
    const kept = aRevoke.assignment!.topicPartitions[0]!.partitions;
    expect(kept).toHaveLength(2);

    // B heartbeats while A has not acknowledged: still nothing, and nothing new to persist.
    const persisted = records.length;
    expect(b.beat().assignment).toBeNull();
    expect(b.partitions()).toEqual([]);
    expect(records.length).toBe(persisted);

    // A heartbeats still reporting the revoked partitions: still stuck.
    expect(a.beat({ topicPartitions: [{ topicId: tid('foo'), partitions: [0, 1, 2, 3] }] }).memberEpoch).toBe(1);
    expect(b.beat().assignment).toBeNull();

    // A acknowledges (reports only what it kept): it moves to epoch 2.
    const aAck = a.beat({ topicPartitions: [{ topicId: tid('foo'), partitions: kept }] });
    expect(aAck.memberEpoch).toBe(2);
    expect(group.member('A')!.state).toBe('STABLE');

    // Now B receives the released partitions.
    const bGets = b.beat();
    expect(bGets.assignment!.topicPartitions[0]!.partitions.sort()).toEqual([0, 1, 2, 3].filter((p) => !kept.includes(p)));
    expect(group.stateName).toBe('Stable');
    const d = group.describe();
    expect(d.groupState).toBe('Stable');
    expect(d.members.map((m) => m.memberEpoch)).toEqual([2, 2]);
  });

  it('a member that does not revoke within its rebalance timeout is fenced', () => {
    const { clock, topics, group, fenced } = setup({ sessionTimeoutMs: 100_000 });
    topics.add('foo', 2);
    const a = new Sim(group, 'A', { rebalanceTimeoutMs: 3000 });
    a.join();
    const b = new Sim(group, 'B');
    b.join();
    a.beat({ topicPartitions: [{ topicId: tid('foo'), partitions: [0, 1] }] });
    expect(group.member('A')!.state).toBe('UNREVOKED_PARTITIONS');
    clock.advance(2999);
    expect(group.hasMember('A')).toBe(true);
    clock.advance(1);
    expect(group.hasMember('A')).toBe(false);
    expect(fenced).toEqual(['A']);
    // B now gets both partitions on its next heartbeat.
    b.beat();
    expect(b.partitions()).toEqual([0, 1]);
    // A's next heartbeat: unknown member.
    expect(a.beat().errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a new topic matching a regex subscription, or new partitions, bump the group epoch', () => {
    const { topics, group } = setup();
    topics.add('foo-1', 1);
    topics.add('bar', 1);
    const a = new Sim(group, 'A', { regex: 'foo-.*' });
    a.join();
    expect([...a.owned.keys()]).toEqual([tid('foo-1')]);
    expect(group.groupEpoch).toBe(1);

    topics.add('foo-2', 2);
    a.beat();
    expect(group.groupEpoch).toBe(2);
    expect(a.partitions(tid('foo-2'))).toEqual([0, 1]);
    expect(a.epoch).toBe(2);

    topics.add('foo-2', 3); // partitions added (same id)
    a.beat();
    expect(group.groupEpoch).toBe(3);
    expect(a.partitions(tid('foo-2'))).toEqual([0, 1, 2]);

    const d = group.describe();
    expect(d.members[0]!.subscribedTopicRegex).toBe('foo-.*');
    expect(d.members[0]!.assignment.topicPartitions.map((t) => t.topicName).sort()).toEqual(['foo-1', 'foo-2']);
  });

  it('changing the subscription revokes unsubscribed topics and bumps the epoch', () => {
    const { topics, group } = setup();
    topics.add('foo', 1);
    topics.add('bar', 1);
    const a = new Sim(group, 'A', { topics: ['foo', 'bar'] });
    a.join();
    expect([...a.owned.keys()].sort()).toEqual([tid('bar'), tid('foo')]);
    const res = a.beat({ subscribedTopicNames: ['bar'] });
    expect(group.groupEpoch).toBe(2);
    // foo must be revoked first (the request still reported it as owned).
    expect(res.memberEpoch).toBe(1);
    expect([...a.owned.keys()]).toEqual([tid('bar')]);
    expect(a.beat().memberEpoch).toBe(2);
  });

  it('an invalid regex is INVALID_REGULAR_EXPRESSION', () => {
    const { topics, group } = setup();
    topics.add('foo', 1);
    const res = new Sim(group, 'A', { regex: 'foo(' }).join();
    expect(res.errorCode).toBe(ErrorCode.INVALID_REGULAR_EXPRESSION);
    expect(res.errorMessage).toContain('is not a valid regular expression');
    expect(group.isEmpty()).toBe(true);
  });
});

describe('ConsumerGroup: liveness and leaving', () => {
  it('heartbeats keep a member; silence for the session timeout fences it and bumps the epoch', () => {
    const { clock, topics, group, fenced } = setup({ sessionTimeoutMs: 10_000 });
    topics.add('foo', 2);
    const a = new Sim(group, 'A');
    const b = new Sim(group, 'B');
    a.join();
    b.join();
    settle(group, [a, b]);
    const epoch = group.groupEpoch;
    for (let i = 0; i < 5; i++) {
      clock.advance(5000);
      a.beat();
      b.beat();
    }
    expect(group.size).toBe(2);
    clock.advance(5000);
    a.beat();
    clock.advance(5000); // B silent for 10 s
    expect(fenced).toEqual(['B']);
    expect(group.hasMember('B')).toBe(false);
    expect(group.groupEpoch).toBe(epoch + 1);
    expect(group.stateName).toBe('Assigning');
    a.beat();
    expect(a.partitions()).toEqual([0, 1]);
    expect(b.beat().errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('leaving with epoch -1 removes the member at once', () => {
    const { topics, group } = setup();
    topics.add('foo', 2);
    const a = new Sim(group, 'A');
    const b = new Sim(group, 'B');
    a.join();
    b.join();
    settle(group, [a, b]);
    const res = b.beat({ memberEpoch: -1 });
    expect(res).toMatchObject({ errorCode: 0, memberId: 'B', memberEpoch: -1, assignment: null });
    expect(group.hasMember('B')).toBe(false);
    a.beat();
    expect(a.partitions()).toEqual([0, 1]);
    a.beat({ memberEpoch: -1 });
    expect(group.isEmpty()).toBe(true);
    expect(group.stateName).toBe('Empty');
    expect(new Sim(group, 'X').beat({ memberEpoch: -1 }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('FENCED_MEMBER_EPOCH for an epoch ahead, or behind unless it is the previous one with owned ⊆ assigned', () => {
    const { topics, group } = setup();
    topics.add('foo', 4);
    const a = new Sim(group, 'A');
    a.join();
    const b = new Sim(group, 'B');
    b.join();
    settle(group, [a, b]);
    expect(a.epoch).toBe(2);
    expect(a.beat({ memberEpoch: 3 }).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    // Previous epoch (1) with owned partitions inside the current assignment: accepted (lost response).
    expect(a.beat({ memberEpoch: 1 }).errorCode).toBe(0);
    // Previous epoch but still claiming partitions it no longer has: fenced.
    const other = b.partitions();
    expect(a.beat({ memberEpoch: 1, topicPartitions: [{ topicId: tid('foo'), partitions: other }] }).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    // A third member moves A to epoch 3 (previous 2): epoch 1 is now too old.
    const c = new Sim(group, 'C');
    c.join();
    settle(group, [a, b, c]);
    expect(a.epoch).toBe(3);
    expect(a.beat({ memberEpoch: 1 }).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    // A fenced member rejoins with epoch 0 under the same id (KAFKA-19233) and gets its partitions back.
    const mine = a.partitions();
    const again = a.join();
    expect(again.errorCode).toBe(0);
    expect(again.memberEpoch).toBe(group.assignmentEpoch);
    expect(a.partitions()).toEqual(mine);
  });

  it('static member: temporary leave (-2) keeps its partitions; it comes back under a new member id without a rebalance', () => {
    const { topics, group } = setup();
    topics.add('foo', 4);
    const a = new Sim(group, 'A1', { instanceId: 'inst-a' });
    const b = new Sim(group, 'B');
    a.join();
    b.join();
    settle(group, [a, b]);
    const aParts = a.partitions();
    const epoch = group.groupEpoch;

    const left = a.beat({ memberEpoch: -2, instanceId: 'inst-a' });
    expect(left).toMatchObject({ errorCode: 0, memberId: 'A1', memberEpoch: -2 });
    expect(group.member('A1')!.memberEpoch).toBe(-2);
    // B does not get A's partitions meanwhile.
    b.beat();
    expect(b.partitions()).toHaveLength(2);

    const a2 = new Sim(group, 'A2', { instanceId: 'inst-a' });
    const back = a2.join();
    expect(back.errorCode).toBe(0);
    expect(back.memberId).toBe('A2');
    expect(a2.partitions()).toEqual(aParts);
    expect(group.groupEpoch).toBe(epoch);
    expect(group.hasMember('A1')).toBe(false);
    expect(group.stateName).toBe('Stable');
  });

  it('UNRELEASED_INSTANCE_ID while the instance id is in use; FENCED_INSTANCE_ID for a replaced incarnation', () => {
    const { topics, group } = setup();
    topics.add('foo', 2);
    const a = new Sim(group, 'A1', { instanceId: 'inst-a' });
    a.join();
    const dup = new Sim(group, 'A2', { instanceId: 'inst-a' }).join();
    expect(dup.errorCode).toBe(ErrorCode.UNRELEASED_INSTANCE_ID);
    expect(a.beat({ instanceId: 'inst-a', memberId: 'A-other' }).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(a.beat({ memberEpoch: -2, instanceId: 'inst-unknown' }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // Leaving for good with -1 releases the instance id.
    expect(a.beat({ memberEpoch: -1, instanceId: 'inst-a' }).errorCode).toBe(0);
    expect(new Sim(group, 'A3', { instanceId: 'inst-a' }).join().errorCode).toBe(0);
  });

  it('a static member that left temporarily is fenced when its session expires', () => {
    const { clock, topics, group } = setup({ sessionTimeoutMs: 1000 });
    topics.add('foo', 2);
    const a = new Sim(group, 'A1', { instanceId: 'inst-a' });
    a.join();
    a.beat({ memberEpoch: -2, instanceId: 'inst-a' });
    clock.advance(1000);
    expect(group.isEmpty()).toBe(true);
  });

  it('shutdown cancels every timer', () => {
    const { clock, topics, group } = setup();
    topics.add('foo', 2);
    new Sim(group, 'A').join();
    expect(clock.timers).toBe(1);
    group.shutdown();
    expect(clock.timers).toBe(0);
  });
});

describe('ConsumerGroup: request validation', () => {
  const base: HeartbeatRequest = {
    memberId: 'm',
    memberEpoch: 0,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: 1000,
    subscribedTopicNames: ['foo'],
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: [],
  };
  const check = (req: Partial<HeartbeatRequest>, version = 1, groupId = 'g') => validateHeartbeatRequest(groupId, { ...base, ...req }, version, SERVER_ASSIGNORS);

  it('accepts a well-formed join', () => {
    expect(check({})).toBeNull();
    expect(check({ memberId: '' }, 0)).toBeNull();
  });

  it('UNSUPPORTED_ASSIGNOR for an unknown server assignor', () => {
    const e = check({ serverAssignor: 'sticky' });
    expect(e?.code).toBe(ErrorCode.UNSUPPORTED_ASSIGNOR);
    expect(e?.message).toBe('ServerAssignor sticky is not supported. Supported assignors: uniform, range.');
    expect(check({ serverAssignor: 'range' })).toBeNull();
  });

  it('INVALID_REQUEST cases, with Kafka messages', () => {
    expect(check({ memberId: '' }, 1)?.message).toBe("MemberId can't be empty.");
    expect(check({ memberId: '', memberEpoch: 3 }, 0)?.message).toBe("MemberId can't be empty.");
    expect(check({}, 1, '')?.message).toBe("GroupId can't be empty.");
    expect(check({ instanceId: '' })?.message).toBe("InstanceId can't be empty.");
    expect(check({ rackId: '' })?.message).toBe("RackId can't be empty.");
    expect(check({ rebalanceTimeoutMs: -1 })?.message).toBe('RebalanceTimeoutMs must be provided in first request.');
    expect(check({ topicPartitions: null })?.message).toBe('TopicPartitions must be empty when (re-)joining.');
    expect(check({ topicPartitions: [{ topicId: 'x', partitions: [0] }] })?.message).toBe('TopicPartitions must be empty when (re-)joining.');
    expect(check({ subscribedTopicNames: null })?.message).toContain('Either SubscribedTopicNames or SubscribedTopicRegex');
    expect(check({ memberEpoch: -2 })?.message).toBe("InstanceId can't be null.");
    expect(check({ memberEpoch: -3 })?.message).toBe('MemberEpoch is invalid.');
    for (const e of [check({ memberEpoch: -3 }), check({ rackId: '' })]) expect(e?.code).toBe(ErrorCode.INVALID_REQUEST);
  });
});

describe('ConsumerGroup: offsets and records', () => {
  it('validateOffsetCommit follows ConsumerGroup.validateOffsetCommit', () => {
    const { topics, group } = setup();
    topics.add('foo', 1);
    expect(group.validateOffsetCommit('', null, -1)).toBe(0); // empty group: admin commit
    const a = new Sim(group, 'A');
    a.join();
    expect(group.validateOffsetCommit('', null, -1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(group.validateOffsetCommit('nobody', null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(group.validateOffsetCommit('A', null, 1)).toBe(0);
    expect(group.validateOffsetCommit('A', null, 0)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(group.validateOffsetCommit('A', null, 2)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(group.validateOffsetCommit('A', null, 1, { apiVersion: 8 })).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(group.validateOffsetCommit('', null, -1, { transactional: true })).toBe(0);
    expect(group.validateOffsetFetch(null, -1)).toBe(0);
    expect(group.validateOffsetFetch('A', 1)).toBe(0);
    expect(group.validateOffsetFetch('A', 7)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(group.validateOffsetFetch('B', 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(group.validateDeleteGroup()).toBe(ErrorCode.NON_EMPTY_GROUP);
    expect(group.isSubscribedToTopic('foo')).toBe(true);
    expect(group.isSubscribedToTopic('bar')).toBe(false);
  });

  it('replaying the emitted records rebuilds the same group', () => {
    const { topics, group, records } = setup();
    topics.add('foo', 4);
    const a = new Sim(group, 'A', { instanceId: 'ia' });
    const b = new Sim(group, 'B', { assignor: 'range' });
    a.join();
    b.join();
    a.beat({ topicPartitions: [{ topicId: tid('foo'), partitions: [0, 1, 2, 3] }] }); // pending revocation
    const clock = new ManualClock();
    const copy = new ConsumerGroup('g', { topics, clock });
    for (const r of records) copy.replay(r);
    copy.onLoaded();
    expect(copy.describe()).toEqual(group.describe());
    expect(copy.member('A')).toEqual(group.member('A'));
    expect(copy.stateName).toBe(group.stateName);
    expect(clock.timers).toBe(3); // two sessions, one rebalance timeout
    // The rebuilt group carries on: A acknowledges the revocation and moves to epoch 2.
    const ack = copy.heartbeat(
      {
        memberId: 'A',
        memberEpoch: 1,
        instanceId: null,
        rackId: null,
        rebalanceTimeoutMs: -1,
        subscribedTopicNames: null,
        serverAssignor: null,
        topicPartitions: [...a.owned].map(([topicId, partitions]) => ({ topicId, partitions })),
      },
      CTX,
    );
    expect(ack).toMatchObject({ errorCode: 0, memberEpoch: 2 });
  });
});

describe('ConsumerGroup records in __consumer_offsets format', () => {
  it('every record survives encode/decode, and replaying the bytes rebuilds the group', () => {
    const { topics, group, records } = setup();
    topics.add('foo', 3);
    topics.add('bar', 2);
    const a = new Sim(group, 'A', { instanceId: 'ia', topics: ['foo', 'bar'] });
    const b = new Sim(group, 'B', { regex: 'ba.*', assignor: 'range' });
    a.join();
    b.join();
    settle(group, [a, b]);
    b.beat({ memberEpoch: -1 });
    const bytes = records.map(encodeConsumerGroupRecord);
    for (const [i, r] of bytes.entries()) {
      expect(r.key.readInt16BE(0)).toBeGreaterThanOrEqual(3);
      const back = decodeConsumerGroupRecord(r.key, r.value);
      expect(back).toEqual(records[i]);
    }
    const clock = new ManualClock();
    const copy = new ConsumerGroup('g', { topics, clock });
    for (const r of bytes) copy.replay(decodeConsumerGroupRecord(r.key, r.value));
    copy.onLoaded();
    expect(copy.describe()).toEqual(group.describe());
    expect(copy.groupEpoch).toBe(group.groupEpoch);
    // Same topics as when persisted: no rebalance on the next heartbeat.
    const res = copy.heartbeat({ memberId: 'A', memberEpoch: a.epoch, instanceId: null, rackId: null, rebalanceTimeoutMs: -1, subscribedTopicNames: null, serverAssignor: null, topicPartitions: null }, CTX);
    expect(res.errorCode).toBe(0);
    expect(copy.groupEpoch).toBe(group.groupEpoch);
  });

  it('topics changed while down: the first heartbeat after loading bumps the epoch', () => {
    const { topics, group, records } = setup();
    topics.add('foo', 2);
    const a = new Sim(group, 'A');
    a.join();
    topics.add('foo', 4);
    const copy = new ConsumerGroup('g', { topics, clock: new ManualClock() });
    for (const r of records) copy.replay(r);
    copy.onLoaded();
    const res = copy.heartbeat({ memberId: 'A', memberEpoch: 1, instanceId: null, rackId: null, rebalanceTimeoutMs: -1, subscribedTopicNames: null, serverAssignor: null, topicPartitions: null }, CTX);
    expect(res.memberEpoch).toBe(2);
    expect(res.assignment?.topicPartitions).toEqual([{ topicId: tid('foo'), partitions: [0, 1, 2, 3] }]);
  });

  it('deleted() writes tombstones for everything', () => {
    const { topics, group, records } = setup();
    topics.add('foo', 2);
    new Sim(group, 'A').join();
    records.length = 0;
    group.deleted();
    expect(records.every((r) => r.value === null)).toBe(true);
    expect(records.map((r) => r.type).sort()).toEqual(['current-assignment', 'group-epoch', 'member-metadata', 'target-assignment-epoch', 'target-assignment-member']);
    expect(group.stateName).toBe('Dead');
  });
});

describe('ConsumerGroupHeartbeat response codec', () => {
  it('writes the nullable Assignment struct behind a presence byte (-1 null, 1 present), as Kafka does', () => {
    const codec = codecFor(68, 1, 'response')!;
    const encode = (assignment: unknown): Buffer => {
      const w = new Writer();
      codec.encode(w, { throttleTimeMs: 0, errorCode: 0, errorMessage: null, memberId: 'm', memberEpoch: 1, heartbeatIntervalMs: 5000, assignment });
      return w.toBuffer();
    };
    const head = 4 + 2 + 1 + 2 + 4 + 4; // throttle, error, null message, "m", epoch, interval
    const none = encode(null);
    expect(none.length).toBe(head + 2);
    expect(none.readInt8(head)).toBe(-1);
    const some = encode({ topicPartitions: [{ topicId: tid('foo'), partitions: [0, 1] }] });
    expect(some.readInt8(head)).toBe(1);
    expect(some.length).toBe(head + 1 + 1 + 16 + 1 + 8 + 1 + 1 + 1);
    for (const [buf, want] of [
      [none, null],
      [some, { topicPartitions: [{ topicId: tid('foo'), partitions: [0, 1] }] }],
    ] as const) {
      const r = new Reader(buf);
      expect(codec.decode(r)).toMatchObject({ assignment: want });
      expect(r.error).toBeNull();
    }
  });
});

describe('compileTopicRegex (RE2/J subset)', () => {
  it('matches whole topic names', () => {
    expect(compileTopicRegex('foo').test('foo')).toBe(true);
    expect(compileTopicRegex('foo').test('foobar')).toBe(false);
    expect(compileTopicRegex('foo|bar').test('bar')).toBe(true);
  });

  it('translates RE2 syntax JavaScript lacks', () => {
    expect(compileTopicRegex('(?i)FOO.*').test('foo-1')).toBe(true);
    expect(compileTopicRegex('\\Qa.b\\E').test('a.b')).toBe(true);
    expect(compileTopicRegex('\\Qa.b\\E').test('axb')).toBe(false);
    expect(compileTopicRegex('[[:digit:]]+').test('123')).toBe(true);
    expect(compileTopicRegex('(?P<x>a)b').test('ab')).toBe(true);
    expect(compileTopicRegex('\\Afoo\\z').test('foo')).toBe(true);
    expect(compileTopicRegex('[]a]+').test(']a')).toBe(true);
  });

  it('rejects what RE2 rejects', () => {
    for (const bad of ['foo(', '(?=a)a', '(a)\\1', 'a[', '(?<!x)y', '*a']) expect(() => compileTopicRegex(bad), bad).toThrow(SyntaxError);
  });
});
