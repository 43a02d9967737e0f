// @platformatic/kafka's idempotent and transactional producer against kafkalite.
// Records are checked as consumers of both isolation levels see them (raw Fetch).
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { consume } from '../helpers/eos.js';
import { RawClient } from '../helpers/raw-client.js';

let broker: TestBroker;
let admin: Admin;
let raw: RawClient;
const suffix = `${process.pid}-${Date.now().toString(36)}`;
const topicName = (base: string) => `plt-eos-${base}-${suffix}`;

beforeAll(async () => {
  broker = await startTestBroker();
  admin = new Admin({ clientId: 'eos-plt-admin', bootstrapBrokers: [broker.bootstrapServers], retries: 0 });
  raw = await RawClient.connect(broker.port);
});

afterAll(async () => {
  raw?.close();
  await admin?.close();
  await broker?.close();
});

describe('@platformatic/kafka', () => {
  it('idempotent producer: sequences accepted in order, producer id and epoch in every batch', async () => {
    const topic = topicName('idem');
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    const producer = new Producer({ clientId: 'eos-plt-idem', bootstrapBrokers: [broker.bootstrapServers], serializers: stringSerializers, idempotent: true });
    try {
      for (let i = 0; i < 5; i++) await producer.send({ messages: [{ topic, value: `v${i}`, partition: 0 }, { topic, value: `w${i}`, partition: 0 }] });
    } finally {
      await producer.close();
    }
    const got = await consume(raw, topic, 0, 0);
    expect(got.values).toEqual(['v0', 'w0', 'v1', 'w1', 'v2', 'w2', 'v3', 'w3', 'v4', 'w4']);
    const dp = await raw.request(61, 0, { topics: [{ name: topic, partitionIndexes: [0] }] });
    const producers = dp.topics[0].partitions[0].activeProducers;
    expect(producers).toHaveLength(1);
    expect(producers[0]).toMatchObject({ lastSequence: 9, currentTxnStartOffset: -1n });
  });

  it('transactional producer: abort and commit, read_committed sees only the committed records', async () => {
    const topic = topicName('txn');
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    const producer = new Producer({
      clientId: 'eos-plt-txn',
      bootstrapBrokers: [broker.bootstrapServers],
      serializers: stringSerializers,
      idempotent: true,
      transactionalId: `plt-tx-${suffix}`,
    });
    try {
      const aborted = await producer.beginTransaction();
      await aborted.send({ messages: [{ topic, value: 'aborted', partition: 0 }] });
      await aborted.abort();
      const committed = await producer.beginTransaction();
      await committed.send({ messages: [{ topic, value: 'committed-1', partition: 0 }, { topic, value: 'committed-2', partition: 0 }] });
      await committed.commit();
    } finally {
      await producer.close();
    }
    expect((await consume(raw, topic, 0, 1)).values).toEqual(['committed-1', 'committed-2']);
    const all = await consume(raw, topic, 0, 0);
    expect(all.values).toEqual(['aborted', 'committed-1', 'committed-2']);
    expect(all.controlBatches).toBe(2);
    const dt = await raw.request(65, 0, { transactionalIds: [`plt-tx-${suffix}`] });
    expect(dt.transactionStates[0]).toMatchObject({ errorCode: 0, transactionState: 'CompleteCommit' });
  });
});

describe('producer.id.expiration.ms', () => {
  it('an idle idempotent producer drops out of DescribeProducers; writing again, it starts afresh without an error', async () => {
    const b = await startTestBroker({ producerIdExpirationMs: 400, producerIdExpirationCheckIntervalMs: 50 });
    const r = await RawClient.connect(b.port);
    const adm = new Admin({ clientId: 'eos-plt-expiry-admin', bootstrapBrokers: [b.bootstrapServers], retries: 0 });
    const producer = new Producer({ clientId: 'eos-plt-expiry', bootstrapBrokers: [b.bootstrapServers], serializers: stringSerializers, idempotent: true });
    const topic = topicName('expiry');
    const active = async () => (await r.request(61, 0, { topics: [{ name: topic, partitionIndexes: [0] }] })).topics[0].partitions[0].activeProducers as { producerId: bigint; lastSequence: number }[];
    try {
      await adm.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
      await producer.send({ messages: [{ topic, value: 'a', partition: 0 }] });
      const [first] = await active();
      expect(first).toMatchObject({ lastSequence: 0 });
      const deadline = Date.now() + 5000;
      while ((await active()).length > 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
      expect(await active()).toEqual([]);
      // The producer goes on with sequence 1, which the broker accepts from an unknown producer (Kafka >= 2.5).
      await producer.send({ messages: [{ topic, value: 'b', partition: 0 }] });
      expect(await active()).toEqual([expect.objectContaining({ producerId: first!.producerId, lastSequence: 1 })]);
      expect((await consume(r, topic, 0, 0)).values).toEqual(['a', 'b']);
    } finally {
      await producer.close();
      await adm.close();
      r.close();
      await b.close();
    }
  });
});
