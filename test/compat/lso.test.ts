// Last stable offset over the raw protocol: an open transaction holds
// read_committed consumers at its first offset while read_uncommitted ones read
// past it; markers and aborted data never reach applications (raw reads, kcat
// and kafkajs consumers); produce-side errors of idempotent/transactional batches.
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { buildRecordBatch } from '../../src/wire/record-batch.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { consume } from '../helpers/eos.js';
import { kcat, kcatAvailable } from '../helpers/kcat.js';
import { RawClient } from '../helpers/raw-client.js';

const { Kafka, logLevel } = kafkajs;
let broker: TestBroker;
let raw: RawClient;
const suffix = `${process.pid}-${Date.now().toString(36)}`;
const topicName = (base: string) => `lso-${base}-${suffix}`;

beforeAll(async () => {
  broker = await startTestBroker();
  raw = await RawClient.connect(broker.port);
});
afterAll(async () => {
  raw?.close();
  await broker?.close();
});

async function createTopic(name: string, numPartitions = 1): Promise<void> {
  const r = await raw.request(19, 4, { topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  expect(r.topics[0].errorCode).toBe(0);
}

interface Producer {
  transactionalId: string | null;
  producerId: bigint;
  producerEpoch: number;
  seq: Map<number, number>;
}

async function initProducer(transactionalId: string | null): Promise<Producer> {
  const r = await raw.request(22, 4, { transactionalId, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
  expect(r.errorCode).toBe(0);
  return { transactionalId, producerId: r.producerId, producerEpoch: r.producerEpoch, seq: new Map() };
}

async function addPartition(p: Producer, topic: string, partition = 0): Promise<number> {
  const r = await raw.request(24, 3, { v3AndBelowTransactionalId: p.transactionalId, v3AndBelowProducerId: p.producerId, v3AndBelowProducerEpoch: p.producerEpoch, v3AndBelowTopics: [{ name: topic, partitions: [partition] }] });
  return r.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode;
}

async function endTxn(p: Producer, committed: boolean): Promise<number> {
  const r = await raw.request(26, 3, { transactionalId: p.transactionalId, producerId: p.producerId, producerEpoch: p.producerEpoch, committed });
  return r.errorCode;
}

async function produceRaw(topic: string, records: Buffer, transactionalId: string | null = null, partition = 0): Promise<{ errorCode: number; baseOffset: bigint }> {
  const r = await raw.request(0, 9, { transactionalId, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
  return r.responses[0].partitionResponses[0];
}

async function send(topic: string, values: string[], p?: Producer, partition = 0): Promise<{ errorCode: number; baseOffset: bigint }> {
  const seq = p?.seq.get(partition) ?? 0;
  const batch = buildRecordBatch({
    records: values.map((v) => ({ key: null, value: Buffer.from(v) })),
    ...(p ? { producerId: p.producerId, producerEpoch: p.producerEpoch, baseSequence: seq, transactional: p.transactionalId !== null } : {}),
  });
  const r = await produceRaw(topic, batch, p?.transactionalId ?? null, partition);
  if (p && r.errorCode === 0) p.seq.set(partition, seq + values.length);
  return r;
}

async function latest(topic: string, isolationLevel: number): Promise<bigint> {
  const r = await raw.request(2, 5, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }] });
  return r.topics[0].partitions[0].offset;
}

describe('last stable offset', () => {
  const topic = topicName('main');

  it('an open transaction holds read_committed at its first offset; read_uncommitted reads past it; ListOffsets agrees', async () => {
    await createTopic(topic);
    await send(topic, ['p1']);
    const t = await initProducer(`txn-${suffix}`);
    expect(await addPartition(t, topic)).toBe(0);
    expect(await send(topic, ['open-1'], t)).toMatchObject({ errorCode: 0, baseOffset: 1n });
    await send(topic, ['p2']);

    const rc = await consume(raw, topic, 0, 1);
    expect(rc).toMatchObject({ values: ['p1'], lastStableOffset: 1n, highWatermark: 3n });
    const ru = await consume(raw, topic, 0, 0);
    expect(ru).toMatchObject({ values: ['p1', 'open-1', 'p2'], lastStableOffset: 1n, highWatermark: 3n });
    expect(await latest(topic, 1)).toBe(1n);
    expect(await latest(topic, 0)).toBe(3n);

    // A read_committed long poll parked at the LSO wakes up when the transaction commits.
    const other = await RawClient.connect(broker.port);
    const t0 = Date.now();
    const parked = other.request(1, 11, {
      replicaId: -1,
      maxWaitMs: 5000,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 1n, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [],
      rackId: '',
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(await endTxn(t, true)).toBe(0);
    const woke = await parked;
    other.close();
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(woke.responses[0].partitions[0].lastStableOffset).toBe(4n);

    const after = await consume(raw, topic, 0, 1);
    expect(after).toMatchObject({ values: ['p1', 'open-1', 'p2'], lastStableOffset: 4n, highWatermark: 4n, controlBatches: 1 });
    expect(await latest(topic, 1)).toBe(4n);

    // An aborted transaction: listed for read_committed, its data dropped.
    expect(await addPartition(t, topic)).toBe(0);
    await send(topic, ['aborted-1', 'aborted-2'], t);
    expect(await endTxn(t, false)).toBe(0);
    await send(topic, ['p3']);
    const rc2 = await consume(raw, topic, 0, 1);
    expect(rc2.values).toEqual(['p1', 'open-1', 'p2', 'p3']);
    expect(rc2.abortedTransactions).toEqual([{ producerId: t.producerId, firstOffset: 4n }]);
    expect((await consume(raw, topic, 0, 0)).values).toEqual(['p1', 'open-1', 'p2', 'aborted-1', 'aborted-2', 'p3']);

    // DescribeProducers and DescribeTransactions see it all.
    const dp = await raw.request(61, 0, { topics: [{ name: topic, partitionIndexes: [0] }] });
    expect(dp.topics[0].partitions[0].activeProducers).toEqual([
      expect.objectContaining({ producerId: t.producerId, producerEpoch: t.producerEpoch, lastSequence: 2, currentTxnStartOffset: -1n }),
    ]);
    const dt = await raw.request(65, 0, { transactionalIds: [t.transactionalId] });
    expect(dt.transactionStates[0]).toMatchObject({ errorCode: 0, transactionState: 'CompleteAbort', producerId: t.producerId });
    const lt = await raw.request(66, 1, { stateFilters: ['CompleteAbort'], producerIdFilters: [], durationFilter: -1n });
    expect(lt.transactionStates).toContainEqual({ transactionalId: t.transactionalId, producerId: t.producerId, transactionState: 'CompleteAbort' });
  });

  it.skipIf(!kcatAvailable)('kcat consumers: read_committed skips aborted data, neither sees control records', async () => {
    const committed = await kcat(broker.bootstrapServers, ['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\\n', '-X', 'isolation.level=read_committed']);
    expect(committed.stdout.trim().split('\n')).toEqual(['p1', 'open-1', 'p2', 'p3']);
    const all = await kcat(broker.bootstrapServers, ['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\\n', '-X', 'isolation.level=read_uncommitted']);
    expect(all.stdout.trim().split('\n')).toEqual(['p1', 'open-1', 'p2', 'aborted-1', 'aborted-2', 'p3']);
  });

  it('kafkajs consumers: read_committed skips aborted data, neither sees control records', async () => {
    const kafka = new Kafka({ clientId: 'lso', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
    for (const readUncommitted of [false, true]) {
      const seen: (string | null)[] = [];
      const consumer = kafka.consumer({ groupId: `lso-${readUncommitted}-${suffix}`, readUncommitted, maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const want = readUncommitted ? 6 : 4;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            seen.push(message.value === null ? null : message.value.toString());
            if (seen.length >= want) {
              clearTimeout(timer);
              setTimeout(resolve, 300);
            }
          },
        });
      });
      await consumer.disconnect();
      expect(seen).toEqual(readUncommitted ? ['p1', 'open-1', 'p2', 'aborted-1', 'aborted-2', 'p3'] : ['p1', 'open-1', 'p2', 'p3']);
    }
  });
});

describe('produce errors of idempotent and transactional batches', () => {
  const topic = topicName('errors');

  it('as Kafka answers them', async () => {
    await createTopic(topic, 2);
    const t = await initProducer(`txn-err-${suffix}`);
    // Transactional records without a transactional id in the request.
    const txnBatch = buildRecordBatch({ records: [{ key: null, value: Buffer.from('x') }], producerId: t.producerId, producerEpoch: t.producerEpoch, baseSequence: 0, transactional: true });
    expect((await produceRaw(topic, txnBatch, null)).errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    // A partition not added to the transaction.
    expect((await produceRaw(topic, txnBatch, t.transactionalId)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(await addPartition(t, topic, 0)).toBe(0);
    expect((await produceRaw(topic, txnBatch, t.transactionalId, 1)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    expect((await produceRaw(topic, txnBatch, t.transactionalId, 0)).errorCode).toBe(0);
    // The same batch again is a duplicate: original offset, nothing appended.
    expect(await produceRaw(topic, txnBatch, t.transactionalId, 0)).toMatchObject({ errorCode: 0, baseOffset: 0n });
    // Unknown partitions in AddPartitionsToTxn: nothing added.
    const r = await raw.request(24, 3, {
      v3AndBelowTransactionalId: t.transactionalId,
      v3AndBelowProducerId: t.producerId,
      v3AndBelowProducerEpoch: t.producerEpoch,
      v3AndBelowTopics: [{ name: topic, partitions: [1, 7] }],
    });
    expect(r.resultsByTopicV3AndBelow[0].resultsByPartition).toEqual([
      { partitionIndex: 1, partitionErrorCode: ErrorCode.OPERATION_NOT_ATTEMPTED },
      { partitionIndex: 7, partitionErrorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
    ]);
    // EndTxn with a stale epoch: PRODUCER_FENCED from v2, INVALID_PRODUCER_EPOCH before (KIP-588).
    const stale = { transactionalId: t.transactionalId, producerId: t.producerId, producerEpoch: t.producerEpoch - 1, committed: true };
    expect((await raw.request(26, 3, stale)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await raw.request(26, 1, stale)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(await endTxn(t, true)).toBe(0);

    // Idempotent producer: negative sequence, gaps, stale epoch.
    const idem = await initProducer(null);
    const b = (seq: number, epoch = idem.producerEpoch) =>
      buildRecordBatch({ records: [{ key: null, value: Buffer.from('i') }], producerId: idem.producerId, producerEpoch: epoch, baseSequence: seq });
    expect((await produceRaw(topic, b(-1), null, 1)).errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect((await produceRaw(topic, b(0), null, 1)).errorCode).toBe(0);
    expect((await produceRaw(topic, b(2), null, 1)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await produceRaw(topic, b(1), null, 1)).errorCode).toBe(0);
    expect((await produceRaw(topic, b(0, idem.producerEpoch + 1), null, 1)).errorCode).toBe(0);
    expect((await produceRaw(topic, b(2, idem.producerEpoch), null, 1)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);

    // transaction.max.timeout.ms
    const tooLong = await raw.request(22, 4, { transactionalId: `x-${suffix}`, transactionTimeoutMs: 900_001, producerId: -1n, producerEpoch: -1 });
    expect(tooLong.errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    // FindCoordinator for a transactional id names this broker.
    const fc = await raw.request(10, 4, { keyType: 1, coordinatorKeys: [t.transactionalId] });
    expect(fc.coordinators[0]).toMatchObject({ errorCode: 0, nodeId: broker.broker.nodeId, port: broker.port });
  });
});
