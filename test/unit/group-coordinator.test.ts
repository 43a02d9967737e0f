// The group coordinator over an in-memory log store: replay of
// __consumer_offsets, offset expiry, deleted topics, the shared group-id
// namespace with consumer groups, the per-group queue, record formats.
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/broker-config.js';
import { ClassicGroup } from '../../src/coordinator/classic-group.js';
import type { GroupLike } from '../../src/coordinator/group.js';
import { GroupCoordinator, coordinatorConfig, partitionFor, type GroupCoordinatorConfig } from '../../src/coordinator/group-coordinator.js';
import {
  OFFSETS_TOPIC,
  decodeOffsetCommitValue,
  decodeOffsetsRecord,
  groupMetadataKey,
  offsetCommitKey,
  offsetCommitValue,
  type OffsetAndMetadata,
} from '../../src/coordinator/offsets-topic.js';
import { MemoryLogStore } from '../../src/log/index.js';
import type { LogStore } from '../../src/log/types.js';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { decodeRecords } from '../../src/wire/record-batch.js';
import { Writer } from '../../src/wire/writer.js';

const log = pino({ level: 'silent' });
const DAY = 24 * 3600_000;
const RETENTION = 7 * DAY;

let store: LogStore;
const coordinators: GroupCoordinator[] = [];

function coordinator(over: Partial<GroupCoordinatorConfig> = {}): GroupCoordinator {
  const c = new GroupCoordinator({ store, config: { ...coordinatorConfig(DEFAULT_CONFIG), ...over }, logger: log });
  coordinators.push(c);
  return c;
}

async function loaded(over: Partial<GroupCoordinatorConfig> = {}): Promise<GroupCoordinator> {
  const c = coordinator(over);
  await c.load();
  await c.ready();
  return c;
}

beforeEach(async () => {
  store = new MemoryLogStore(log);
  await store.open();
  await store.createTopic('orders', { numPartitions: 3 });
  await store.createTopic('payments', { numPartitions: 1 });
});

afterEach(async () => {
  for (const c of coordinators.splice(0)) await c.shutdown();
  await store.close();
});

const om = (offset: bigint, commitTimestampMs: number, expireTimestampMs: number | null = null): OffsetAndMetadata => ({ offset, leaderEpoch: 3, metadata: 'md', commitTimestampMs, expireTimestampMs });

function subscription(topics: string[]): Buffer {
  const w = new Writer();
  w.int16(0);
  w.int32(topics.length);
  for (const t of topics) w.string(t);
  w.int32(0);
  return w.toBuffer();
}

/** Drives one classic member into a Stable group subscribed to `topics`. */
async function stableMember(c: GroupCoordinator, groupId: string, topics: string[]): Promise<{ group: ClassicGroup; memberId: string }> {
  const { group } = c.classicGroupForJoin(groupId, true);
  const j = await group!.join({
    memberId: '',
    groupInstanceId: null,
    clientId: 'c',
    clientHost: '/h',
    sessionTimeoutMs: 60_000,
    rebalanceTimeoutMs: 60_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(topics) }],
    requireKnownMemberId: false,
    supportsSkippingAssignment: true,
  });
  await group!.sync({ memberId: j.memberId, groupInstanceId: null, generationId: j.generationId, protocolType: null, protocolName: null, assignments: [] });
  return { group: group!, memberId: j.memberId };
}

class FakeConsumerGroup implements GroupLike {
  readonly type = 'consumer' as const;
  readonly protocolType = 'consumer';
  members = 0;
  deletedCalls = 0;
  shutdownCalls = 0;
  constructor(readonly groupId: string) {}
  get stateName(): string {
    return this.members > 0 ? 'Stable' : 'Empty';
  }
  isEmpty(): boolean {
    return this.members === 0;
  }
  validateOffsetCommit(): number {
    return 0;
  }
  deleted(): void {
    this.deletedCalls++;
  }
  shutdown(): void {
    this.shutdownCalls++;
  }
}

describe('replay of __consumer_offsets', () => {
  it('rebuilds committed offsets and classic groups, honouring tombstones', async () => {
    const a = await loaded();
    a.offsets.commit('g1', [
      { topic: 'orders', partition: 0, value: om(10n, 1000) },
      { topic: 'orders', partition: 2, value: om(12n, 1000) },
    ]);
    a.offsets.commit('g1', [{ topic: 'orders', partition: 0, value: om(11n, 2000) }]); // newer wins
    a.offsets.commit('g2', [{ topic: 'payments', partition: 0, value: om(5n, 1000) }]);
    a.offsets.delete('g2', [{ topic: 'payments', partition: 0 }]);
    const { memberId } = await stableMember(a, 'g1', ['orders']);
    await a.shutdown();

    const b = await loaded();
    expect(b.offsets.get('g1', 'orders', 0)).toEqual(om(11n, 2000));
    expect(b.offsets.get('g1', 'orders', 2)?.offset).toBe(12n);
    expect(b.offsets.hasOffsets('g2')).toBe(false);
    const g1 = b.classicGroup('g1')!;
    expect(g1.stateName).toBe('Stable');
    expect(g1.hasMember(memberId)).toBe(true);
    expect(g1.generationId).toBe(1);
    // A group that only ever had offsets comes back as a simple (empty, protocol-less) group.
    b.offsets.commit('simple', [{ topic: 'orders', partition: 1, value: om(1n, 1) }]);
    await b.shutdown();
    const c = await loaded();
    expect(c.getGroup('simple')).toBeInstanceOf(ClassicGroup);
    expect(c.classicGroup('simple')!.isSimpleGroup()).toBe(true);
  });

  it('writes Kafka formats: OffsetCommitKey v1, OffsetCommitValue v3 (v1 with an expire timestamp), GroupMetadataKey v2', async () => {
    const c = await loaded();
    c.offsets.commit('g', [{ topic: 'orders', partition: 1, value: om(7n, 1234) }]);
    c.offsets.commit('g', [{ topic: 'orders', partition: 2, value: om(8n, 1234, 99_999) }]);
    const logp = store.partition(OFFSETS_TOPIC, 0)!;
    const records = logp.read(0n, 1 << 20, true).batches.flatMap((b) => decodeRecords(b));
    expect(records).toHaveLength(2);
    expect(records[0]!.key).toEqual(offsetCommitKey('g', 'orders', 1));
    expect(records[0]!.key!.readInt16BE(0)).toBe(1);
    expect(records[0]!.value!.readInt16BE(0)).toBe(3);
    expect(records[1]!.value!.readInt16BE(0)).toBe(1);
    // v1 has no leader epoch (OffsetCommit v2-4, the only commits with an expire timestamp, carry none either).
    expect(decodeOffsetCommitValue(records[1]!.value!)).toEqual({ ...om(8n, 1234, 99_999), leaderEpoch: -1 });
    expect(decodeOffsetsRecord(groupMetadataKey('g'), null)).toEqual({ type: 'group', group: 'g', value: null });
    expect(store.topic(OFFSETS_TOPIC)).toMatchObject({ internal: true, numPartitions: 1, configs: { 'cleanup.policy': 'compact' } });
    // Old value versions still read (v0: no leader epoch).
    const w = new Writer();
    w.int16(0);
    w.int64(5n);
    w.string('x');
    w.int64(77n);
    expect(decodeOffsetCommitValue(w.toBuffer())).toEqual({ offset: 5n, leaderEpoch: -1, metadata: 'x', commitTimestampMs: 77, expireTimestampMs: null });
  });

  it('keeps records of types nobody handles yet and hands them over at registration', async () => {
    const a = await loaded();
    const key = (type: number, id: string) => {
      const w = new Writer();
      w.int16(type);
      w.string(id);
      return w.toBuffer();
    };
    a.appendRecords('cg', [
      { key: key(3, 'cg'), value: Buffer.from('v1') },
      { key: key(5, 'cg'), value: Buffer.from('gone') },
    ]);
    a.appendRecords('cg', [
      { key: key(3, 'cg'), value: Buffer.from('v2') },
      { key: key(5, 'cg'), value: null },
    ]);
    await a.shutdown();
    const b = await loaded();
    const seen: [number, string | null][] = [];
    b.onRecord(3, (k, v) => seen.push([k.readInt16BE(0), v?.toString() ?? null]));
    b.onRecord(5, (k, v) => seen.push([k.readInt16BE(0), v?.toString() ?? null]));
    expect(seen).toEqual([[3, 'v2']]);
    expect(() => b.onRecord(1, () => {})).toThrow();
  });

  it('spreads groups over several partitions like Kafka (abs(hashCode) % n) and replays them all', async () => {
    expect(partitionFor('', 50)).toBe(0);
    // Java: "my-group".hashCode() = -1906497762 -> abs % 50 = 12.
    expect(partitionFor('my-group', 50)).toBe(12);
    const a = await loaded({ offsetsTopicNumPartitions: 3 });
    for (const g of ['a', 'b', 'c', 'd', 'e']) a.offsets.commit(g, [{ topic: 'orders', partition: 0, value: om(BigInt(g.charCodeAt(0)), 1) }]);
    expect(store.topic(OFFSETS_TOPIC)!.numPartitions).toBe(3);
    await a.shutdown();
    const b = await loaded({ offsetsTopicNumPartitions: 3 });
    for (const g of ['a', 'b', 'c', 'd', 'e']) expect(b.offsets.get(g, 'orders', 0)?.offset).toBe(BigInt(g.charCodeAt(0)));
  });
});

describe('offset expiry (offsets.retention.minutes)', () => {
  it('expires offsets of a group that has been Empty for the retention, then deletes the group', async () => {
    const c = await loaded();
    const { group, memberId } = await stableMember(c, 'g', ['orders']);
    c.offsets.commit('g', [{ topic: 'orders', partition: 0, value: om(3n, Date.now()) }]);
    group.leave([{ memberId, groupInstanceId: null }]);
    expect(group.stateName).toBe('Empty');
    const emptySince = group.stateTimestampMs!;
    c.expireOffsets(emptySince + RETENTION - 1);
    expect(c.offsets.get('g', 'orders', 0)).toBeDefined();
    c.expireOffsets(emptySince + RETENTION);
    expect(c.offsets.get('g', 'orders', 0)).toBeUndefined();
    expect(c.getGroup('g')).toBeUndefined();
    await c.shutdown();
    const again = await loaded();
    expect(again.getGroup('g')).toBeUndefined(); // tombstones replayed
    expect(again.offsets.hasOffsets('g')).toBe(false);
  });

  it('keeps offsets of a Stable group for the topics it consumes, expires the others from their commit time', async () => {
    const c = await loaded();
    await stableMember(c, 'g', ['orders']);
    c.offsets.commit('g', [
      { topic: 'orders', partition: 0, value: om(1n, 1000) },
      { topic: 'payments', partition: 0, value: om(2n, 1000) },
    ]);
    c.expireOffsets(1000 + RETENTION);
    expect(c.offsets.get('g', 'orders', 0)).toBeDefined();
    expect(c.offsets.get('g', 'payments', 0)).toBeUndefined();
    expect(c.getGroup('g')).toBeDefined();
  });

  it('simple groups expire by commit time; an explicit expire timestamp (OffsetCommit v2-4) wins', async () => {
    const c = await loaded();
    c.simpleGroup('s');
    c.offsets.commit('s', [
      { topic: 'orders', partition: 0, value: om(1n, 5000) },
      { topic: 'orders', partition: 1, value: om(1n, 5000, 6000) },
    ]);
    c.expireOffsets(6000);
    expect(c.offsets.get('s', 'orders', 1)).toBeUndefined();
    expect(c.offsets.get('s', 'orders', 0)).toBeDefined();
    c.expireOffsets(5000 + RETENTION);
    expect(c.offsets.hasOffsets('s')).toBe(false);
    expect(c.getGroup('s')).toBeUndefined();
  });

  it('runs every offsets.retention.check.interval.ms', async () => {
    const c = await loaded({ offsetsRetentionMs: 1, offsetsRetentionCheckIntervalMs: 20 });
    c.simpleGroup('s');
    c.offsets.commit('s', [{ topic: 'orders', partition: 0, value: om(1n, Date.now()) }]);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.offsets.hasOffsets('s')).toBe(false);
  });
});

describe('topics and namespace', () => {
  it('topicsChanged() removes the committed offsets of deleted topics and notifies listeners', async () => {
    const c = await loaded();
    c.offsets.commit('g', [
      { topic: 'orders', partition: 0, value: om(1n, 1) },
      { topic: 'payments', partition: 0, value: om(1n, 1) },
    ]);
    let calls = 0;
    const off = c.onTopicsChanged(() => calls++);
    await store.deleteTopic('payments');
    c.topicsChanged();
    expect(c.offsets.get('g', 'payments', 0)).toBeUndefined();
    expect(c.offsets.get('g', 'orders', 0)).toBeDefined();
    expect(calls).toBe(1);
    off();
    c.topicsChanged();
    expect(calls).toBe(1);
  });

  it('classic and consumer groups share one id namespace, as Kafka answers', async () => {
    const c = await loaded();
    const cg = new FakeConsumerGroup('shared');
    c.registerGroup(cg);
    expect(() => c.registerGroup(new FakeConsumerGroup('shared'))).toThrow();
    cg.members = 1;
    expect(c.classicGroupForJoin('shared', true)).toEqual({ errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL });
    cg.members = 0;
    const r = c.classicGroupForJoin('shared', true);
    expect(r.group).toBeInstanceOf(ClassicGroup);
    expect(cg.deletedCalls).toBe(1);
    expect(cg.shutdownCalls).toBe(1);

    await stableMember(c, 'busy', ['orders']);
    expect(c.consumerGroupSlot('busy')).toEqual({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND });
    c.classicGroupForJoin('idle', true); // an empty classic group
    expect(c.consumerGroupSlot('idle')).toEqual({ errorCode: 0 });
    expect(c.getGroup('idle')).toBeUndefined();
    expect(c.consumerGroupSlot('nothing')).toEqual({ errorCode: 0 });
    // A simple group (offsets only) gives way to a consumer group.
    c.simpleGroup('simple');
    const replacement = new FakeConsumerGroup('simple');
    c.registerGroup(replacement);
    expect(c.getGroup('simple')).toBe(replacement);
    expect(c.consumerGroupSlot('simple').group).toBe(replacement);
  });

  it('DeleteGroups: NON_EMPTY_GROUP for groups with members, GROUP_ID_NOT_FOUND for unknown ids; offsets go too', async () => {
    const c = await loaded();
    await stableMember(c, 'busy', ['orders']);
    expect(c.deleteGroup('busy')).toBe(ErrorCode.NON_EMPTY_GROUP);
    expect(c.deleteGroup('never')).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    c.simpleGroup('s');
    c.offsets.commit('s', [{ topic: 'orders', partition: 0, value: om(1n, 1) }]);
    expect(c.deleteGroup('s')).toBe(0);
    expect(c.offsets.hasOffsets('s')).toBe(false);
    const cg = new FakeConsumerGroup('cg');
    c.registerGroup(cg);
    expect(c.deleteGroup('cg')).toBe(0);
    expect(cg.deletedCalls).toBe(1);
  });

  it('run() serializes work per group, and groups do not wait for each other', async () => {
    const c = await loaded();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = c.run('g', async () => {
      await gate;
      order.push('g1');
    });
    const second = c.run('g', () => order.push('g2'));
    const other = c.run('h', () => order.push('h'));
    await other;
    expect(order).toEqual(['h']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['h', 'g1', 'g2']);
    // A failing task does not block the queue.
    await expect(c.run('g', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await c.run('g', () => 42)).toBe(42);
  });

  it('shutdown answers parked JoinGroups with NOT_COORDINATOR and clears timers', async () => {
    const c = await loaded({ initialRebalanceDelayMs: 60_000 });
    const { group } = c.classicGroupForJoin('g', true);
    const parked = group!.join({
      memberId: '',
      groupInstanceId: null,
      clientId: 'c',
      clientHost: '',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 120_000,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: subscription(['orders']) }],
      requireKnownMemberId: false,
      supportsSkippingAssignment: true,
    });
    c.unload();
    expect((await parked).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    // No new groups once shutdown has started.
    expect(c.classicGroupForJoin('new', true)).toEqual({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE });
    expect(c.consumerGroupSlot('new')).toEqual({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE });
  });
});

describe('offset values', () => {
  it('round-trip through the value encoder', () => {
    for (const v of [om(0n, 0), om(123456789012345n, 1_700_000_000_000), om(1n, 2, 3)]) {
      expect(decodeOffsetCommitValue(offsetCommitValue(v))).toEqual(v.expireTimestampMs === null ? v : { ...v, leaderEpoch: -1 });
    }
  });
});
