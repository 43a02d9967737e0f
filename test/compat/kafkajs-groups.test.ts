// kafkajs 2.x consumer groups against a real broker socket (JoinGroup v5,
// SyncGroup v3, Heartbeat v3, LeaveGroup v3, OffsetCommit v5, OffsetFetch v4,
// FindCoordinator v2, DescribeGroups/ListGroups/DeleteGroups): membership
// changes with exactly-once consumption, a broker restart, eachBatch, seek,
// pause/resume, and the admin group APIs.
import { connect, type Socket } from 'node:net';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

const { Kafka, logLevel, AssignerProtocol } = kafkajs;
type KafkaT = InstanceType<typeof Kafka>;
type ConsumerT = ReturnType<KafkaT['consumer']>;
type AdminT = ReturnType<KafkaT['admin']>;

const suffix = `${process.pid}-${Date.now().toString(36)}`;
const name = (base: string): string => `kjg-${base}-${suffix}`;
// Short sessions so a killed member is noticed quickly; the broker's minimum is lowered to allow them.
const CONSUMER_OPTS = { sessionTimeout: 1200, rebalanceTimeout: 4000, heartbeatInterval: 100, maxWaitTimeInMs: 100 };
const BROKER_OPTS = { groupMinSessionTimeoutMs: 100 };

let broker: TestBroker;
let admin: AdminT;
const cleanup: (() => Promise<unknown>)[] = [];

function kafkaFor(b: TestBroker, clientId: string, socketFactory?: ConstructorParameters<typeof Kafka>[0]['socketFactory']): KafkaT {
  return new Kafka({
    clientId,
    brokers: [b.bootstrapServers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 50, maxRetryTime: 300 },
    ...(socketFactory ? { socketFactory } : {}),
  });
}

beforeAll(async () => {
  broker = await startTestBroker(BROKER_OPTS);
  admin = kafkaFor(broker, 'kjg-admin').admin();
  await admin.connect();
});

afterAll(async () => {
  for (const c of cleanup.reverse()) await Promise.race([c().catch(() => {}), sleep(500)]);
  await admin?.disconnect();
  await broker?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

async function produce(b: TestBroker, topic: string, values: string[], partitions: number): Promise<void> {
  const producer = kafkaFor(b, 'kjg-producer').producer();
  await producer.connect();
  await producer.send({ topic, messages: values.map((value, i) => ({ value, partition: i % partitions })) });
  await producer.disconnect();
}

async function groupState(a: AdminT, groupId: string): Promise<{ state: string; members: number }> {
  const { groups } = await a.describeGroups([groupId]);
  return { state: groups[0]!.state, members: groups[0]!.members.length };
}

/** Every partition's committed offset equals its end offset. */
async function allCommitted(a: AdminT, groupId: string, topic: string): Promise<boolean> {
  const ends = await a.fetchTopicOffsets(topic);
  const [committed] = await a.fetchOffsets({ groupId, topics: [topic] });
  return ends.every((e) => committed!.partitions.find((p) => p.partition === e.partition)?.offset === e.high);
}

describe('kafkajs consumer group', () => {
  it('3 consumers on 6 partitions consume everything exactly once while a member joins, one leaves, and one is killed', async () => {
    const topic = name('membership');
    const groupId = name('membership-group');
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });

    const seen = new Map<string, string[]>(); // value -> consumers that got it
    const consumerOf = new Map<string, Set<number>>(); // consumer -> partitions it consumed from
    const start = async (label: string, kafka: KafkaT): Promise<ConsumerT> => {
      const consumer = kafka.consumer({ groupId, ...CONSUMER_OPTS });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          const v = message.value!.toString();
          seen.set(v, [...(seen.get(v) ?? []), label]);
          consumerOf.set(label, (consumerOf.get(label) ?? new Set()).add(partition));
        },
      });
      return consumer;
    };
    let produced = 0;
    const phase = async (label: string, expectedMembers: number) => {
      await waitFor(`${expectedMembers} members in a Stable group (${label})`, async () => {
        const s = await groupState(admin, groupId);
        return s.state === 'Stable' && s.members === expectedMembers;
      });
      const values = Array.from({ length: 60 }, (_, i) => `${label}-${i}`);
      await produce(broker, topic, values, 6);
      produced += values.length;
      await waitFor(`phase ${label} consumed`, () => values.every((v) => seen.has(v)));
      await waitFor(`phase ${label} committed`, () => allCommitted(admin, groupId, topic));
    };

    // The member to be killed: its sockets can be cut, and it can never connect again.
    const sockets = new Set<Socket>();
    let killed = false;
    const killable = kafkaFor(broker, 'kjg-killable', ({ host, port, onConnect }) => {
      const s = connect({ host, port: killed ? 1 : port }, onConnect);
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      return s;
    });

    const a = await start('A', killable);
    cleanup.push(() => a.disconnect());
    const b = await start('B', kafkaFor(broker, 'kjg-b'));
    cleanup.push(() => b.disconnect());
    await phase('p1', 2);

    // A member joins.
    const c = await start('C', kafkaFor(broker, 'kjg-c'));
    cleanup.push(() => c.disconnect());
    await phase('p2', 3);
    expect(consumerOf.get('C')?.size).toBeGreaterThan(0);

    // One leaves cleanly (LeaveGroup).
    await b.disconnect();
    await phase('p3', 2);

    // One is killed: no LeaveGroup, no more heartbeats; its session times out.
    killed = true;
    for (const s of sockets) s.destroy();
    const killedAt = Date.now();
    await phase('p4', 1);
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(CONSUMER_OPTS.sessionTimeout - 200);

    expect(seen.size).toBe(produced);
    const dupes = [...seen].filter(([, by]) => by.length !== 1);
    expect(dupes).toEqual([]);
    // After the kill, C alone got phase 4, from all six partitions.
    expect([...seen].filter(([v]) => v.startsWith('p4-')).every(([, by]) => by[0] === 'C')).toBe(true);
    await c.disconnect();
    await waitFor('group empty', async () => (await groupState(admin, groupId)).state === 'Empty');
  });

  it('resumes from the committed offsets after a broker restart', async () => {
    const b1 = await startTestBroker({ ...BROKER_OPTS, inMemory: false });
    const dataDir = b1.dataDir!;
    const topic = name('restart');
    const groupId = name('restart-group');
    const got: string[] = [];
    const consume = async (b: TestBroker) => {
      const consumer = kafkaFor(b, 'kjg-restart').consumer({ groupId, ...CONSUMER_OPTS });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
      return consumer;
    };
    const a1 = kafkaFor(b1, 'kjg-restart-admin').admin();
    await a1.connect();
    await a1.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await produce(b1, topic, Array.from({ length: 10 }, (_, i) => `before-${i}`), 2);
    const c1 = await consume(b1);
    await waitFor('first 10', () => got.length === 10);
    await waitFor('committed', () => allCommitted(a1, groupId, topic));
    await c1.disconnect();
    await a1.disconnect();
    await b1.broker.close(); // keep the data directory

    const b2 = await startTestBroker({ ...BROKER_OPTS, inMemory: false, dataDir });
    try {
      const a2 = kafkaFor(b2, 'kjg-restart-admin').admin();
      await a2.connect();
      const [offsets] = await a2.fetchOffsets({ groupId, topics: [topic] });
      expect(offsets!.partitions.map((p) => p.offset).sort()).toEqual(['5', '5']);
      expect((await a2.listGroups()).groups.map((g) => g.groupId)).toContain(groupId);
      await produce(b2, topic, Array.from({ length: 4 }, (_, i) => `after-${i}`), 2);
      const c2 = await consume(b2);
      await waitFor('the 4 new messages', () => got.length >= 14);
      await sleep(300);
      expect(got.slice(10).sort()).toEqual(['after-0', 'after-1', 'after-2', 'after-3']);
      expect(got).toHaveLength(14); // nothing from before the restart again
      await c2.disconnect();
      await a2.disconnect();
    } finally {
      await b2.broker.close();
      const { rmSync } = await import('node:fs');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('eachBatch, seek and pause/resume', async () => {
    const topic = name('batch');
    const groupId = name('batch-group');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await produce(broker, topic, Array.from({ length: 20 }, (_, i) => `b-${i}`), 1);
    const consumer = kafkaFor(broker, 'kjg-batch').consumer({ groupId, ...CONSUMER_OPTS });
    cleanup.push(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const offsets: number[] = [];
    let batches = 0;
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        batches++;
        for (const m of batch.messages) {
          offsets.push(Number(m.offset));
          resolveOffset(m.offset);
        }
        await heartbeat();
      },
    });
    await waitFor('20 messages', () => offsets.length >= 20);
    expect(batches).toBeGreaterThan(0);
    expect(offsets.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i));

    // seek back: offsets 15.. are delivered again.
    consumer.seek({ topic, partition: 0, offset: '15' });
    await waitFor('re-delivery after seek', () => offsets.length >= 25);
    expect(offsets.slice(20, 25)).toEqual([15, 16, 17, 18, 19]);

    // pause: nothing new arrives; resume: it does.
    consumer.pause([{ topic }]);
    const before = offsets.length;
    await produce(broker, topic, ['late-0', 'late-1'], 1);
    await sleep(400);
    expect(offsets.length).toBe(before);
    expect(consumer.paused()).toEqual([{ topic, partitions: [0] }]);
    consumer.resume([{ topic }]);
    await waitFor('messages after resume', () => offsets.length === before + 2);
    expect(offsets.slice(-2)).toEqual([20, 21]);
    await waitFor('committed', () => allCommitted(admin, groupId, topic));
    await consumer.disconnect();
  });

  it('admin describeGroups, listGroups, fetchOffsets, resetOffsets and deleteGroups', async () => {
    const topic = name('admin');
    const groupId = name('admin-group');
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    await produce(broker, topic, Array.from({ length: 9 }, (_, i) => `a-${i}`), 3);
    const got: string[] = [];
    const consumer = kafkaFor(broker, 'kjg-admin-consumer').consumer({ groupId, ...CONSUMER_OPTS });
    cleanup.push(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
    await waitFor('9 messages', () => got.length === 9);
    await waitFor('committed', () => allCommitted(admin, groupId, topic));

    const { groups } = await admin.describeGroups([groupId]);
    const g = groups[0]!;
    expect(g).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner', errorCode: 0 });
    expect(g.members).toHaveLength(1);
    expect(g.members[0]).toMatchObject({ clientId: 'kjg-admin-consumer', clientHost: '/127.0.0.1' });
    const assignment = AssignerProtocol.MemberAssignment.decode(g.members[0]!.memberAssignment)!;
    expect(assignment.assignment[topic]!.sort()).toEqual([0, 1, 2]);
    const metadata = AssignerProtocol.MemberMetadata.decode(g.members[0]!.memberMetadata)!;
    expect(metadata.topics).toEqual([topic]);

    const listed = (await admin.listGroups()).groups.find((x) => x.groupId === groupId);
    expect(listed).toEqual({ groupId, protocolType: 'consumer' });

    const [fetched] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(fetched!.partitions.map((p) => p.offset)).toEqual(['3', '3', '3']);

    // Not while the group has members.
    await expect(admin.deleteGroups([groupId])).rejects.toThrow();
    await expect(admin.resetOffsets({ groupId, topic, earliest: true })).rejects.toThrow(/running instances/);
    await consumer.disconnect();
    await waitFor('group empty', async () => (await groupState(admin, groupId)).state === 'Empty');

    // (kafkajs' resetOffsets runs a paused consumer that sleeps its default maxWaitTime, 5 s, before it commits.)
    await admin.resetOffsets({ groupId, topic, earliest: true });
    // kafkajs commits the EARLIEST sentinel (-2) itself; the broker stores what is committed, as Kafka does.
    const [reset] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(reset!.partitions.map((p) => p.offset)).toEqual(['-2', '-2', '-2']);

    // Consuming again starts from the reset offsets: all 9 messages again (kafkajs resolves a
    // committed -2 like a missing offset, so `fromBeginning` picks the earliest).
    const again: string[] = [];
    const consumer2 = kafkaFor(broker, 'kjg-admin-consumer').consumer({ groupId, ...CONSUMER_OPTS });
    cleanup.push(() => consumer2.disconnect());
    await consumer2.connect();
    await consumer2.subscribe({ topic, fromBeginning: true });
    await consumer2.run({ eachMessage: async ({ message }) => void again.push(message.value!.toString()) });
    await waitFor('9 messages after reset', () => again.length === 9);
    expect(again.sort()).toEqual(got.sort());
    await consumer2.disconnect();

    const deleted = await admin.deleteGroups([groupId]);
    expect(deleted).toEqual([{ groupId, errorCode: 0 }]);
    const [afterDelete] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(afterDelete!.partitions.map((p) => p.offset)).toEqual(['-1', '-1', '-1']);
    expect((await admin.listGroups()).groups.map((x) => x.groupId)).not.toContain(groupId);
  });
});
