// Fault injection (handle.faults and the admin HTTP API) against kafkajs and the raw client:
// injected errors, dropped connections and latency, how clients recover, and that every
// injected error still produces a response of the right shape.
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../src/admin/recording.js';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { buildRecordBatch, decodeRecords } from '../../src/wire/record-batch.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

const { Kafka, logLevel, Partitioners } = kafkajs;

let b: TestBroker;
let kafka: InstanceType<typeof Kafka>;
const suffix = `${process.pid}-${Date.now().toString(36)}`;
let n = 0;
const topicName = (base: string): string => `fault-${base}-${suffix}-${n++}`;

beforeAll(async () => {
  b = await startTestBroker({ adminPort: 0 });
  kafka = new Kafka({
    clientId: 'fault-test',
    brokers: [b.bootstrapServers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 50, maxRetryTime: 300 },
  });
});

afterAll(async () => {
  await b?.close();
});

beforeEach(() => {
  b.faults.clear();
  b.recording.clear();
  b.recording.start();
});

function values(topic: string, partition = 0): string[] {
  const log = b.broker.store.partition(topic, partition)!;
  return log.read(log.logStartOffset, 1 << 20, true).batches.flatMap((x) => decodeRecords(x).map((r) => r.value!.toString()));
}

function produces(topic: string): RecordedRequest[] {
  return b.recording.entries((e) => e.apiName === 'Produce' && e.topics.includes(topic));
}

async function until<T>(fn: () => T | undefined | false, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function createTopic(topic: string, partitions = 1): Promise<void> {
  await b.broker.createTopic(topic, partitions);
}

describe('kafkajs producer recovers from injected produce faults', () => {
  async function sendWith(topic: string, spec: Parameters<TestBroker['faults']['add']>[0]): Promise<{ fault: string; produceRequests: RecordedRequest[] }> {
    await createTopic(topic);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const fault = b.faults.add(spec);
    try {
      await producer.send({ topic, messages: [{ value: 'payload' }] });
    } finally {
      await producer.disconnect();
    }
    expect(b.faults.get(fault.id)).toBeUndefined(); // `once` rules go once fired
    return { fault: fault.id, produceRequests: produces(topic) };
  }

  it('NOT_LEADER_OR_FOLLOWER: metadata refresh, retry, stored once', async () => {
    const topic = topicName('not-leader');
    const { fault, produceRequests } = await sendWith(topic, { apiKey: 'Produce', topic, errorCode: 'NOT_LEADER_OR_FOLLOWER', once: true });
    expect(produceRequests).toHaveLength(2);
    expect(produceRequests[0]!.faults).toEqual([fault]);
    expect(produceRequests[1]!.faults).toBeUndefined();
    // kafkajs refreshes metadata before retrying a NOT_LEADER error.
    const all = b.recording.entries();
    const between = all.slice(all.indexOf(produceRequests[0]!), all.indexOf(produceRequests[1]!));
    expect(between.some((e) => e.apiName === 'Metadata')).toBe(true);
    expect(values(topic)).toEqual(['payload']);
  });

  it('REQUEST_TIMED_OUT: retry, stored once (the failed attempt was not handled)', async () => {
    const topic = topicName('timeout');
    const { produceRequests } = await sendWith(topic, { apiKey: 0, errorCode: ErrorCode.REQUEST_TIMED_OUT, once: true });
    expect(produceRequests).toHaveLength(2);
    expect(values(topic)).toEqual(['payload']);
  });

  it('REQUEST_TIMED_OUT after handling: the retry duplicates the record, as a non-idempotent producer allows', async () => {
    const topic = topicName('timeout-after');
    const { produceRequests } = await sendWith(topic, { apiKey: 'Produce', topic, errorCode: 'REQUEST_TIMED_OUT', afterHandling: true, once: true });
    expect(produceRequests).toHaveLength(2);
    expect(values(topic)).toEqual(['payload', 'payload']);
  });

  it('a dropped connection: reconnect, retry, stored once', async () => {
    const topic = topicName('dropped');
    const { fault, produceRequests } = await sendWith(topic, { apiKey: 'Produce', closeConnection: true, once: true });
    expect(produceRequests).toHaveLength(2);
    expect(produceRequests[0]!.faults).toEqual([fault]);
    expect(produceRequests[1]!.connection).not.toBe(produceRequests[0]!.connection);
    expect(values(topic)).toEqual(['payload']);
  });
});

describe('kafkajs consumer and COORDINATOR_NOT_AVAILABLE', () => {
  it('rediscovers its coordinator (FindCoordinator again) and still consumes', async () => {
    const topic = topicName('coordinator');
    const groupId = `fault-group-${suffix}`;
    await createTopic(topic);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    await producer.disconnect();

    const fault = b.faults.add({ apiKey: 'JoinGroup', errorCode: 'COORDINATOR_NOT_AVAILABLE', once: true });
    const consumer = kafka.consumer({ groupId, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const got: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
    await until(() => got.length >= 3 || undefined, 'three messages');
    await consumer.disconnect();
    expect(got).toEqual(['a', 'b', 'c']);

    const mine = b.recording.entries((e) => e.clientId === 'fault-test' && ['FindCoordinator', 'JoinGroup'].includes(e.apiName));
    const failedJoin = mine.findIndex((e) => e.apiName === 'JoinGroup' && e.faults?.includes(fault.id));
    expect(failedJoin).toBeGreaterThan(0);
    expect(mine.slice(0, failedJoin).some((e) => e.apiName === 'FindCoordinator')).toBe(true);
    const after = mine.slice(failedJoin + 1);
    expect(after.findIndex((e) => e.apiName === 'FindCoordinator')).toBeGreaterThanOrEqual(0);
    expect(after.findIndex((e) => e.apiName === 'FindCoordinator')).toBeLessThan(after.findIndex((e) => e.apiName === 'JoinGroup'));
  });
});

describe('triggers and effects', () => {
  it('latency is added to the response', async () => {
    const raw = await RawClient.connect(b.port);
    let t0 = performance.now();
    await raw.request(3, 4, { topics: [], allowAutoTopicCreation: false });
    const base = performance.now() - t0;
    b.faults.add({ apiKey: 'Metadata', latencyMs: 300, once: true });
    t0 = performance.now();
    await raw.request(3, 4, { topics: [], allowAutoTopicCreation: false });
    const slowed = performance.now() - t0;
    raw.close();
    expect(slowed).toBeGreaterThanOrEqual(295);
    expect(slowed - base).toBeGreaterThanOrEqual(250);
  });

  it('probability 0 never fires; probability 1 always does (bounded by times)', async () => {
    const raw = await RawClient.connect(b.port);
    const never = b.faults.add({ apiKey: 'Metadata', errorCode: 'LEADER_NOT_AVAILABLE', probability: 0 });
    const topic = topicName('prob');
    await createTopic(topic);
    for (let i = 0; i < 50; i++) {
      const r = await raw.request(3, 4, { topics: [{ name: topic }], allowAutoTopicCreation: false });
      expect(r.topics[0].errorCode).toBe(0);
    }
    expect(b.faults.get(never.id)!.fired).toBe(0);
    b.faults.remove(never.id);

    const always = b.faults.add({ apiKey: 'Metadata', errorCode: 'LEADER_NOT_AVAILABLE', probability: 1, times: 3 });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await raw.request(3, 4, { topics: [{ name: topic }], allowAutoTopicCreation: false })).topics[0].errorCode);
    raw.close();
    expect(codes).toEqual([5, 5, 5, 0, 0]);
    expect(b.faults.get(always.id)).toBeUndefined();
  });

  it('clientId and topic filters', async () => {
    const topic = topicName('filters');
    const other = topicName('filters-other');
    await createTopic(topic);
    await createTopic(other);
    b.faults.add({ apiKey: 'Metadata', clientId: 'victim', topic, errorCode: 'LEADER_NOT_AVAILABLE' });
    const raw = await RawClient.connect(b.port);
    const ask = (clientId: string, names: string[]) => raw.request(3, 4, { topics: names.map((name) => ({ name })), allowAutoTopicCreation: false }, { clientId });
    expect((await ask('bystander', [topic])).topics[0].errorCode).toBe(0);
    expect((await ask('victim', [other])).topics[0].errorCode).toBe(0);
    const hit = await ask('victim', [other, topic]);
    raw.close();
    const byName = new Map(hit.topics.map((t: any) => [t.name, t]));
    expect((byName.get(other) as any).errorCode).toBe(0);
    expect((byName.get(topic) as any).errorCode).toBe(ErrorCode.LEADER_NOT_AVAILABLE);
    expect((byName.get(topic) as any).partitions.map((p: any) => p.errorCode)).toEqual([ErrorCode.LEADER_NOT_AVAILABLE]);
  });
});

describe('injected errors keep the response shape', () => {
  const batch = (v: string) => buildRecordBatch({ records: [{ key: null, value: Buffer.from(v) }] });

  it('Produce: only the matching partition fails (offsets -1, nothing stored); the rest is written', async () => {
    const topic = topicName('shape-produce');
    await createTopic(topic, 2);
    b.faults.add({ apiKey: 'Produce', topic, partition: 1, errorCode: 'NOT_LEADER_OR_FOLLOWER', once: true });
    const raw = await RawClient.connect(b.port);
    const res = await raw.request(0, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records: batch('p0') }, { index: 1, records: batch('p1') }] }],
    });
    raw.close();
    expect(res.responses).toHaveLength(1);
    const parts = [...res.responses[0].partitionResponses].sort((x: any, y: any) => x.index - y.index);
    expect(parts[0]).toMatchObject({ index: 0, errorCode: 0, baseOffset: 0n });
    expect(parts[1]).toMatchObject({ index: 1, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n });
    expect(values(topic, 0)).toEqual(['p0']);
    expect(values(topic, 1)).toEqual([]);
  });

  it('Produce with acks=0: no response, nothing stored, the connection keeps working', async () => {
    const topic = topicName('shape-acks0');
    await createTopic(topic);
    b.faults.add({ apiKey: 'Produce', errorCode: 'NOT_LEADER_OR_FOLLOWER', once: true });
    const raw = await RawClient.connect(b.port);
    await raw.request(0, 9, { transactionalId: null, acks: 0, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch('x') }] }] }, { noResponse: true });
    const md = await raw.request(3, 4, { topics: [{ name: topic }], allowAutoTopicCreation: false });
    raw.close();
    expect(md.topics[0].errorCode).toBe(0);
    expect(values(topic)).toEqual([]);
  });

  it('Fetch v12 and ListOffsets: partition-level errors with -1 offsets and no records', async () => {
    const topic = topicName('shape-fetch');
    await createTopic(topic);
    b.broker.store.partition(topic, 0)!.append(batch('stored'));
    b.faults.add({ apiKey: 'Fetch', topic, errorCode: 'NOT_LEADER_OR_FOLLOWER', once: true });
    b.faults.add({ apiKey: 'ListOffsets', errorCode: 'LEADER_NOT_AVAILABLE', once: true });
    const raw = await RawClient.connect(b.port);
    const fetchReq = {
      replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    };
    const f = await raw.request(1, 12, fetchReq);
    expect(f.errorCode).toBe(0);
    expect(f.responses[0].topic).toBe(topic);
    expect(f.responses[0].partitions[0]).toMatchObject({ partitionIndex: 0, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, highWatermark: -1n, lastStableOffset: -1n });
    expect(f.responses[0].partitions[0].records === null || f.responses[0].partitions[0].records.length === 0).toBe(true);
    // The next fetch is answered normally.
    const ok = await raw.request(1, 12, fetchReq);
    expect(ok.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 1n });

    const lo = await raw.request(2, 4, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }] });
    raw.close();
    expect(lo.topics[0].partitions[0]).toMatchObject({ partitionIndex: 0, errorCode: ErrorCode.LEADER_NOT_AVAILABLE, offset: -1n, timestamp: -1n });
  });

  it('group APIs: top-level errors without handling (JoinGroup, OffsetFetch v4), nested ones patched (FindCoordinator v4)', async () => {
    const raw = await RawClient.connect(b.port);
    b.faults.add({ apiKey: 'JoinGroup', errorCode: 'COORDINATOR_NOT_AVAILABLE', once: true });
    const join = await raw.request(11, 5, {
      groupId: `shape-${suffix}`, sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', groupInstanceId: null, protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
    });
    expect(join).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, generationId: -1, members: [] });
    expect(b.broker.groups.getGroup(`shape-${suffix}`)).toBeUndefined(); // not handled: no group created

    b.faults.add({ apiKey: 'OffsetFetch', errorCode: 'NOT_COORDINATOR', once: true });
    const of = await raw.request(9, 4, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }] });
    expect(of).toMatchObject({ errorCode: ErrorCode.NOT_COORDINATOR, topics: [] });

    b.faults.add({ apiKey: 'FindCoordinator', errorCode: 'COORDINATOR_LOAD_IN_PROGRESS', once: true });
    const fc = await raw.request(10, 4, { keyType: 0, coordinatorKeys: ['g1', 'g2'] });
    raw.close();
    expect(fc.coordinators.map((c: any) => [c.key, c.errorCode])).toEqual([
      ['g1', ErrorCode.COORDINATOR_LOAD_IN_PROGRESS],
      ['g2', ErrorCode.COORDINATOR_LOAD_IN_PROGRESS],
    ]);
  });
});

describe('admin HTTP API', () => {
  const url = (p: string): string => `${b.adminUrl}${p}`;
  const call = async (method: string, p: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(url(p), { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
    return { status: res.status, body: await res.json() };
  };

  it('faults: add, list, get, delete, clear; bad specs are 400', async () => {
    const one = await call('POST', '/faults', { apiKey: 'Produce', topic: 't', errorCode: 'NOT_LEADER_OR_FOLLOWER', once: true });
    expect(one.status).toBe(201);
    expect(one.body).toMatchObject({ apiKey: 0, apiName: 'Produce', topic: 't', errorCode: 6, errorName: 'NOT_LEADER_OR_FOLLOWER', remaining: 1, fired: 0 });
    const many = await call('POST', '/faults', [{ apiKey: 3, latencyMs: 5 }, { closeConnection: true, clientId: 'nobody' }]);
    expect(many.status).toBe(201);
    expect(many.body.faults).toHaveLength(2);
    expect((await call('GET', '/faults')).body.faults.map((f: any) => f.id)).toEqual([one.body.id, ...many.body.faults.map((f: any) => f.id)]);
    expect((await call('GET', `/faults/${one.body.id}`)).body.id).toBe(one.body.id);
    expect(await call('DELETE', `/faults/${one.body.id}`)).toEqual({ status: 200, body: { deleted: one.body.id } });
    expect((await call('DELETE', `/faults/${one.body.id}`)).status).toBe(404);
    expect(b.faults.list()).toHaveLength(2);

    for (const [spec, message] of [
      [{ apiKey: 'Produce' }, 'a fault needs an effect'],
      [{ apiKey: 'NoSuchApi', latencyMs: 1 }, "unknown API 'NoSuchApi'"],
      [{ errorCode: 'NO_SUCH_ERROR' }, "unknown error name 'NO_SUCH_ERROR'"],
      [{ errorCode: 6, probability: 2 }, 'probability must be between 0 and 1'],
      [{ errorCode: 6, closeConnection: true }, 'exclusive'],
      [{ errorCod: 6 }, "unknown fault field 'errorCod'"],
      // A bad entry in a list adds nothing.
      [[{ latencyMs: 1 }, { latencyMs: -1 }], 'latencyMs must be a non-negative number'],
    ] as const) {
      const r = await call('POST', '/faults', spec);
      expect(r.status).toBe(400);
      expect(r.body.error).toContain(message);
    }
    const bad = await fetch(url('/faults'), { method: 'POST', body: '{nope' });
    expect(bad.status).toBe(400);
    expect(b.faults.list()).toHaveLength(2);
    expect(await call('DELETE', '/faults')).toEqual({ status: 200, body: { cleared: true } });
    expect(b.faults.list()).toEqual([]);
  });

  it('an injected fault over HTTP reaches clients; the recording shows it', async () => {
    const topic = topicName('http');
    await createTopic(topic);
    const f = await call('POST', '/faults', { apiKey: 'Metadata', topic, errorCode: 'UNKNOWN_TOPIC_OR_PARTITION', times: 1 });
    const raw = await RawClient.connect(b.port);
    const md = await raw.request(3, 4, { topics: [{ name: topic }], allowAutoTopicCreation: false }, { clientId: 'http-client' });
    raw.close();
    expect(md.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const rec = await call('GET', '/recording?api=Metadata&clientId=http-client');
    expect(rec.body).toEqual([
      expect.objectContaining({ apiKey: 3, apiName: 'Metadata', apiVersion: 4, clientId: 'http-client', correlationId: 1, topics: [topic], faults: [f.body.id] }),
    ]);
    expect(await call('POST', '/recording/stop')).toEqual({ status: 200, body: { recording: false } });
    expect(await call('DELETE', '/recording')).toEqual({ status: 200, body: { recording: false } });
    expect((await call('GET', '/recording')).body).toEqual([]);
    expect(await call('POST', '/recording/start')).toEqual({ status: 200, body: { recording: true } });
  });

  it('broker down closes connections until it is brought back up', async () => {
    const before = await RawClient.connect(b.port);
    await before.request(3, 4, { topics: [], allowAutoTopicCreation: false });
    expect((await call('POST', '/brokers/1/down')).body.brokers).toEqual([{ nodeId: 1, down: true }]);
    await before.waitClosed();
    const during = await RawClient.connect(b.port);
    await expect(during.request(3, 4, { topics: [], allowAutoTopicCreation: false })).rejects.toThrow('connection closed');
    expect((await call('GET', '/health')).body.brokersDown).toEqual([1]);
    expect((await call('POST', '/brokers/2/down')).status).toBe(404);
    expect((await call('POST', '/brokers/1/up')).body.brokers).toEqual([{ nodeId: 1, down: false }]);
    const after = await RawClient.connect(b.port);
    expect((await after.request(3, 4, { topics: [], allowAutoTopicCreation: false })).brokers).toHaveLength(1);
    after.close();

    // The same from JS, with a kafkajs producer riding it out.
    const topic = topicName('down');
    await createTopic(topic);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    b.faults.brokerDown();
    setTimeout(() => b.faults.brokerUp(), 300);
    await producer.send({ topic, messages: [{ value: 'survived' }] });
    await producer.disconnect();
    expect(values(topic)).toEqual(['survived']);
  });

  it('moving a partition leader needs a simulated cluster', async () => {
    const r = await call('POST', '/partitions/some-topic/0/leader', { nodeId: 2 });
    expect(r.status).toBe(400);
    expect(r.body.error).toContain('single broker');
    expect(() => b.faults.moveLeader('some-topic', 0, 3)).toThrow('single broker');
    expect((await call('POST', '/partitions/some-topic/0/leader', {})).status).toBe(400);
  });
});
