// kafkajs 2.x exactly-once against kafkalite: the idempotent producer through
// connection drops (no duplicates), transactions read by read_committed and
// read_uncommitted consumers, sendOffsets (consume-transform-produce), zombie
// fencing, and a broker restart between begin and commit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { consume, droppingProxy } from '../helpers/eos.js';
import { RawClient } from '../helpers/raw-client.js';

const { Kafka, logLevel } = kafkajs;
type KafkaT = InstanceType<typeof Kafka>;
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const suffix = `${process.pid}-${Date.now().toString(36)}`;
const name = (base: string): string => `eos-${base}-${suffix}`;
const retry = { retries: 8, initialRetryTime: 50, maxRetryTime: 500 };

let broker: TestBroker;
let kafka: KafkaT;
let raw: RawClient;

beforeAll(async () => {
  broker = await startTestBroker();
  kafka = new Kafka({ clientId: 'eos', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING, retry });
  raw = await RawClient.connect(broker.port);
});

afterAll(async () => {
  raw?.close();
  await broker?.close();
});

async function createTopic(k: KafkaT, topic: string, numPartitions = 1): Promise<void> {
  const admin = k.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions }] });
  await admin.disconnect();
}

/** Runs a kafkajs consumer until it has seen `count` messages (or 10 s), then stops it. */
async function consumeWithKafkajs(k: KafkaT, topic: string, readUncommitted: boolean, count: number): Promise<string[]> {
  const seen: string[] = [];
  const consumer = k.consumer({ groupId: name(`reader-${readUncommitted ? 'ru' : 'rc'}-${topic}`), readUncommitted, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push(message.value === null ? '<null>' : message.value.toString());
      if (seen.length >= count) done();
    },
  });
  await Promise.race([finished, new Promise((r) => setTimeout(r, 10_000))]);
  // Anything extra (duplicates, control records, aborted data) would show up in a short grace period.
  await new Promise((r) => setTimeout(r, 300));
  await consumer.disconnect();
  return seen;
}

describe('idempotent producer', () => {
  it('retries after connections dropped with the response in flight and writes every message exactly once', async () => {
    const proxy = await droppingProxy(() => b.port, 3);
    const b = await startTestBroker({ advertisedPort: proxy.port });
    try {
      const k = new Kafka({ clientId: 'eos-idem', brokers: [`127.0.0.1:${proxy.port}`], logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 20, maxRetryTime: 200 } });
      const topic = name('idem');
      await createTopic(k, topic);
      const producer = k.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      const n = 30;
      for (let i = 0; i < n; i++) await producer.send({ topic, acks: -1, messages: [{ value: `m${i}` }, { value: `m${i}b` }] });
      await producer.disconnect();
      expect(proxy.drops).toBeGreaterThanOrEqual(5);
      // Every dropped produce was retried: more requests than sends.
      expect(proxy.produces).toBeGreaterThan(n);
      const c = await RawClient.connect(b.port);
      const got = await consume(c, topic, 0, 0);
      c.close();
      const expected = Array.from({ length: n }, (_, i) => [`m${i}`, `m${i}b`]).flat();
      expect(got.values).toEqual(expected);
      expect(got.highWatermark).toBe(BigInt(2 * n));
    } finally {
      await proxy.close();
      await b.close();
    }
  });
});

describe('transactions', () => {
  it('abort and commit: read_committed sees only committed records, read_uncommitted both; no control records reach the application', async () => {
    const topic = name('txn');
    await createTopic(kafka, topic, 2);
    const producer = kafka.producer({ transactionalId: name('tx-ac'), maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ value: 'aborted-1', partition: 0 }, { value: 'aborted-2', partition: 1 }] });
    await aborted.abort();
    const committed = await producer.transaction();
    await committed.send({ topic, messages: [{ value: 'committed-1', partition: 0 }, { value: 'committed-2', partition: 1 }] });
    await committed.commit();
    await producer.disconnect();

    const rc = await consumeWithKafkajs(kafka, topic, false, 2);
    expect(rc.sort()).toEqual(['committed-1', 'committed-2']);
    const ru = await consumeWithKafkajs(kafka, topic, true, 4);
    expect(ru.sort()).toEqual(['aborted-1', 'aborted-2', 'committed-1', 'committed-2']);

    // What the broker holds: data, an abort marker, data, a commit marker on each partition.
    for (const p of [0, 1]) {
      const got = await consume(raw, topic, p, 1);
      expect(got.controlBatches).toBe(2);
      expect(got.highWatermark).toBe(4n);
      expect(got.lastStableOffset).toBe(4n);
      expect(got.abortedTransactions).toHaveLength(1);
      expect(got.values).toEqual([`committed-${p + 1}`]);
    }
  });

  it('sendOffsets: consume-transform-produce commits the input offsets with the output, and an abort commits neither', async () => {
    const input = name('ctp-in');
    const output = name('ctp-out');
    const groupId = name('ctp-group');
    await createTopic(kafka, input);
    await createTopic(kafka, output);
    const plain = kafka.producer();
    await plain.connect();
    await plain.send({ topic: input, messages: ['a', 'b', 'c', 'd'].map((value) => ({ value })) });
    await plain.disconnect();

    const admin = kafka.admin();
    await admin.connect();
    const committedOffset = async () => (await admin.fetchOffsets({ groupId, topics: [input] }))[0]!.partitions[0]!.offset;

    const producer = kafka.producer({ transactionalId: name('tx-ctp'), maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    // Transform the first two, then abort: nothing visible, offsets unchanged.
    let txn = await producer.transaction();
    await txn.send({ topic: output, messages: [{ value: 'A' }, { value: 'B' }] });
    await txn.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition: 0, offset: '2' }] }] });
    // Pending: OffsetFetch with require_stable (v7) is told to retry.
    const pending = await raw.request(9, 7, { groupId, topics: [{ name: input, partitionIndexes: [0] }], requireStable: true });
    expect(pending.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);
    const unstableOk = await raw.request(9, 7, { groupId, topics: [{ name: input, partitionIndexes: [0] }], requireStable: false });
    expect(unstableOk.topics[0].partitions[0]).toMatchObject({ errorCode: 0, committedOffset: -1n });
    await txn.abort();
    expect(await committedOffset()).toBe('-1');

    txn = await producer.transaction();
    await txn.send({ topic: output, messages: [{ value: 'A' }, { value: 'B' }, { value: 'C' }, { value: 'D' }] });
    await txn.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition: 0, offset: '4' }] }] });
    await txn.commit();
    await producer.disconnect();
    expect(await committedOffset()).toBe('4');
    const stable = await raw.request(9, 7, { groupId, topics: [{ name: input, partitionIndexes: [0] }], requireStable: true });
    expect(stable.topics[0].partitions[0]).toMatchObject({ errorCode: 0, committedOffset: 4n });
    await admin.disconnect();

    const out = await consume(raw, output, 0, 1);
    expect(out.values).toEqual(['A', 'B', 'C', 'D']);
  });

  it('fences a zombie: a second instance with the same transactional.id aborts the first one’s transaction, whose commit then fails', async () => {
    const topic = name('zombie');
    await createTopic(kafka, topic);
    const transactionalId = name('tx-zombie');
    const zombie = kafka.producer({ transactionalId, maxInFlightRequests: 1, idempotent: true });
    await zombie.connect();
    const ztxn = await zombie.transaction();
    await ztxn.send({ topic, messages: [{ value: 'from-zombie' }] });

    const successor = kafka.producer({ transactionalId, maxInFlightRequests: 1, idempotent: true });
    await successor.connect(); // InitProducerId: aborts the zombie's transaction, bumps the epoch
    const stxn = await successor.transaction();
    await stxn.send({ topic, messages: [{ value: 'from-successor' }] });
    await stxn.commit();

    const err = await ztxn.commit().then(
      () => null,
      (e: any) => e,
    );
    expect(err).not.toBeNull();
    expect(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH']).toContain(err.type ?? err.cause?.type);
    await zombie.disconnect().catch(() => {});
    await successor.disconnect();

    const got = await consume(raw, topic, 0, 1);
    expect(got.values).toEqual(['from-successor']);
    const all = await consume(raw, topic, 0, 0);
    expect(all.values.sort()).toEqual(['from-successor', 'from-zombie']);
  });
});

describe('restart', () => {
  it('a broker restart between begin and commit keeps the transaction, which then commits', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kafkalite-eos-'));
    let b: TestBroker | null = await startTestBroker({ inMemory: false, dataDir });
    const port = b.port;
    try {
      const k = new Kafka({ clientId: 'eos-restart', brokers: [b.bootstrapServers], logLevel: logLevel.NOTHING, retry: { retries: 15, initialRetryTime: 100, maxRetryTime: 500 } });
      const topic = name('restart');
      await createTopic(k, topic);
      const producer = k.producer({ transactionalId: name('tx-restart'), maxInFlightRequests: 1, idempotent: true });
      await producer.connect();
      const txn = await producer.transaction();
      await txn.send({ topic, messages: [{ value: 'before-restart' }] });

      await b.close();
      b = await startTestBroker({ inMemory: false, dataDir, port });
      let c = await RawClient.connect(b.port);
      // Still open after the restart: read_committed consumers are held at the LSO.
      let rc = await consume(c, topic, 0, 1);
      expect(rc.values).toEqual([]);
      expect(rc.lastStableOffset).toBe(0n);
      const d = await raw.request.call(c, 65, 0, { transactionalIds: [name('tx-restart')] });
      expect(d.transactionStates[0]).toMatchObject({ errorCode: 0, transactionState: 'Ongoing' });

      await txn.send({ topic, messages: [{ value: 'after-restart' }] });
      await txn.commit();
      rc = await consume(c, topic, 0, 1);
      expect(rc.values).toEqual(['before-restart', 'after-restart']);
      c.close();

      // And once more: the committed state and producer state survive another restart.
      await b.close();
      b = await startTestBroker({ inMemory: false, dataDir, port });
      c = await RawClient.connect(b.port);
      const d2 = await c.request(65, 0, { transactionalIds: [name('tx-restart')] });
      expect(d2.transactionStates[0]).toMatchObject({ errorCode: 0, transactionState: 'CompleteCommit' });
      const txn2 = await producer.transaction();
      await txn2.send({ topic, messages: [{ value: 'third' }] });
      await txn2.commit();
      rc = await consume(c, topic, 0, 1);
      expect(rc.values).toEqual(['before-restart', 'after-restart', 'third']);
      c.close();
      await producer.disconnect();
    } finally {
      await b?.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
