// @platformatic/kafka consumers with the classic group protocol against a real
// broker socket; it speaks the newest versions it shares with the broker
// (JoinGroup v6-9, SyncGroup v5 with protocol type/name, Heartbeat v4, LeaveGroup v4-5).
import { Admin, Consumer, MessagesStreamModes, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

const suffix = `${process.pid}-${Date.now().toString(36)}`;
let broker: TestBroker;
let admin: Admin;
let raw: RawClient;

beforeAll(async () => {
  broker = await startTestBroker({ groupMinSessionTimeoutMs: 100 });
  admin = new Admin({ clientId: 'plg-admin', bootstrapBrokers: [broker.bootstrapServers], retries: 0 });
  raw = await RawClient.connect(broker.port);
});

afterAll(async () => {
  raw?.close();
  await admin?.close();
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

describe('@platformatic/kafka classic consumer group', () => {
  it('two members split the partitions, consume everything, commit, and leave', async () => {
    const topic = `plg-${suffix}`;
    const groupId = `plg-group-${suffix}`;
    await admin.createTopics({ topics: [topic], partitions: 4, replicas: 1 });
    const producer = new Producer({ clientId: 'plg-producer', bootstrapBrokers: [broker.bootstrapServers], serializers: stringSerializers, retries: 0 });
    const values = Array.from({ length: 20 }, (_, i) => `v${i}`);
    await producer.send({ messages: values.map((value, i) => ({ topic, value, partition: i % 4 })) });
    await producer.close();

    const got = new Map<string, Set<number>>(); // member -> partitions
    const seen = new Set<string>();
    const members = await Promise.all(
      ['m1', 'm2'].map(async (id) => {
        const consumer = new Consumer({
          clientId: `plg-${id}`,
          groupId,
          bootstrapBrokers: [broker.bootstrapServers],
          deserializers: stringDeserializers,
          sessionTimeout: 2000,
          heartbeatInterval: 100,
          maxWaitTime: 100,
          retries: 2,
        });
        const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: 100 });
        stream.on('data', (m) => {
          seen.add(m.value);
          got.set(id, (got.get(id) ?? new Set()).add(m.partition));
        });
        return { consumer, stream };
      }),
    );
    await waitFor('all 20 values', () => values.every((v) => seen.has(v)));
    await waitFor('a Stable group of two that split the partitions', async () => {
      const d = (await raw.request(15, 5, { groups: [groupId], includeAuthorizedOperations: false })).groups[0];
      return d.groupState === 'Stable' && d.members.length === 2;
    });
    await waitFor('committed offsets', async () => {
      const f = await raw.request(9, 8, { groups: [{ groupId, topics: [{ name: topic, partitionIndexes: [0, 1, 2, 3] }] }], requireStable: false });
      return f.groups[0].topics[0].partitions.every((p: any) => p.committedOffset === 5n);
    });
    for (const m of members) {
      await m.stream.close();
      await m.consumer.close();
    }
    await waitFor('group empty after both left', async () => {
      const d = (await raw.request(15, 5, { groups: [groupId], includeAuthorizedOperations: false })).groups[0];
      return d.groupState === 'Empty';
    });
    expect(seen.size).toBe(20);
  });
});
