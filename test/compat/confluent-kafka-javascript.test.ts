// @confluentinc/kafka-javascript 1.10.1 (librdkafka 2.15.1) against kafkalite, through its KafkaJS-compatible API:
// admin (topics, groups, offsets, DeleteRecords), keyed produce with headers over three partitions in every codec with
// the idempotent producer, a consumer reading everything from the beginning, a two-member group that commits and a
// new member that resumes with the classic and the KIP-848 consumer protocol (`group.protocol=consumer`,
// ConsumerGroupHeartbeat), a broker-side regex subscription, transactions (commit, abort, sendOffsets) read with
// read_committed and read_uncommitted, the API versions librdkafka negotiates, and leader moves on the simulated
// cluster. The module is not a root dependency (its librdkafka build takes minutes): `.ci/run` installs it into
// test/compat/rdkafka-js with `npm ci` (CKJS_LINKING=dynamic, so librdkafka's configure uses Debian's zlib, OpenSSL
// and zstd instead of downloading them). Without it the tests skip with a message. CKJS_LOG=WARN|INFO|DEBUG shows
// librdkafka's log.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { CompressionType } from '../../src/wire/record-batch.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { storedBatches, committedOffsets as committedBigints } from '../helpers/stored.js';

/** Committed offsets by partition, as numbers (-1 = none). */
const committedOffsets = async (group: string, topic: string, n: number): Promise<number[]> => (await committedBigints(raw, group, topic, n)).map(Number);

const here = dirname(fileURLToPath(import.meta.url));
const requireFromCompat = createRequire(join(here, 'rdkafka-js', 'package.json'));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let ckjs: any = null;
let loadError = '';
try {
  ckjs = requireFromCompat('@confluentinc/kafka-javascript');
} catch (e) {
  loadError = (e as Error).message.split('\n')[0] ?? String(e);
}
const SKIP = `@confluentinc/kafka-javascript is not installed in test/compat/rdkafka-js (${loadError}); run \`CKJS_LINKING=dynamic npm ci --prefix test/compat/rdkafka-js\` (as .ci/run does) — skipping its tests`;
if (!ckjs) console.warn(SKIP);

const suffix = `${process.pid}-${Date.now().toString(36)}`;
let seq = 0;
const unique = (base: string): string => `ckjs-${base}-${suffix}-${seq++}`;

let broker: TestBroker;
let raw: RawClient;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

/** A KafkaJS-compatible client; `clientId` starts with "ckjs-" so the recording can tell its requests apart. */
function kafka(clientId: string): Any {
  const { Kafka, logLevel } = ckjs.KafkaJS;
  return new Kafka({ kafkaJS: { brokers: [broker.bootstrapServers], clientId, logLevel: process.env.CKJS_LOG ? logLevel[process.env.CKJS_LOG] : logLevel.ERROR } });
}

interface Got {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

function toGot(partition: number, m: Any): Got {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  return { partition, offset: Number(m.offset), key: m.key === null || m.key === undefined ? null : m.key.toString(), value: m.value === null ? null : m.value.toString(), headers };
}

const byPosition = (a: Got, b: Got): number => a.partition - b.partition || a.offset - b.offset;

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Produces `messages` with a plain (non-idempotent, uncompressed) producer and returns the delivery reports. */
async function produce(topic: string, messages: { key: string; value: string; partition: number; headers?: Record<string, string> }[]): Promise<Any[]> {
  const p = kafka(unique('seed')).producer({ kafkaJS: { acks: -1 }, 'linger.ms': 5 });
  await p.connect();
  try {
    // send() rewrites the messages it is given in place (values to Buffers, headers to arrays): pass copies.
    return await p.send({ topic, messages: messages.map((m) => ({ ...m, ...(m.headers ? { headers: { ...m.headers } } : {}) })) });
  } finally {
    await p.disconnect();
  }
}

/** A consumer running `eachMessage` into `into`; returns it (call `disconnect()`). */
async function runConsumer(config: Any, topic: string, into: Got[]): Promise<Any> {
  const { clientId, ...rest } = config;
  const c = kafka(clientId ?? unique('consumer')).consumer(rest);
  await c.connect();
  await c.subscribe({ topics: [topic] });
  await c.run({ eachMessage: async ({ partition, message }: Any) => void into.push(toGot(partition, message)) });
  return c;
}

/** Requests the ckjs clients sent, as { apiName: sorted versions }. */
function versionsSeen(): Record<string, number[]> {
  const seen: Record<string, Set<number>> = {};
  for (const e of broker.recording.entries((e) => e.clientId?.startsWith('ckjs-') === true)) (seen[e.apiName] ??= new Set()).add(e.apiVersion);
  return Object.fromEntries(Object.entries(seen).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort((a, b) => a - b)]));
}

describe.skipIf(!ckjs)('@confluentinc/kafka-javascript (librdkafka 2.15)', () => {
  beforeAll(async () => {
    broker = await startTestBroker({ groupConsumerHeartbeatIntervalMs: 500 });
    raw = await RawClient.connect(broker.port);
    broker.recording.start();
  });

  afterAll(async () => {
    raw?.close();
    await broker?.close();
  });

  it('bundles librdkafka 2.15.1 with every codec', () => {
    expect(ckjs.librdkafkaVersion).toBe('2.15.1');
    expect(ckjs.features).toEqual(expect.arrayContaining(['gzip', 'snappy', 'lz4', 'zstd']));
  });

  it('admin: createTopics, listTopics, fetchTopicOffsets, deleteTopics', async () => {
    const admin = kafka(unique('admin')).admin();
    await admin.connect();
    try {
      const t = unique('admin-topic');
      expect(await admin.createTopics({ topics: [{ topic: t, numPartitions: 3 }] })).toBe(true);
      expect(await admin.listTopics()).toContain(t);
      await produce(t, [
        { key: 'a', value: '1', partition: 0 },
        { key: 'b', value: '2', partition: 0 },
        { key: 'c', value: '3', partition: 2 },
      ]);
      const offsets = await admin.fetchTopicOffsets(t);
      expect([...offsets].sort((a: Any, b: Any) => a.partition - b.partition)).toEqual([
        { partition: 0, offset: '2', high: '2', low: '0' },
        { partition: 1, offset: '0', high: '0', low: '0' },
        { partition: 2, offset: '1', high: '1', low: '0' },
      ]);
      // Creating it again: TOPIC_ALREADY_EXISTS, which the KafkaJS API reports as false (nothing created).
      expect(await admin.createTopics({ topics: [{ topic: t, numPartitions: 3 }] })).toBe(false);
      await admin.deleteTopics({ topics: [t] });
      expect(await admin.listTopics()).not.toContain(t);
      expect(broker.broker.store.topic(t)).toBeUndefined();
    } finally {
      await admin.disconnect();
    }
  });

  const codecs = [
    ['gzip', CompressionType.Gzip],
    ['snappy', CompressionType.Snappy],
    ['lz4', CompressionType.Lz4],
    ['zstd', CompressionType.Zstd],
  ] as const;

  let codecTopic = '';
  const produced: Got[] = [];

  it('idempotent producer: keys, headers, three partitions, every codec; stored batches carry codec and producer id', async () => {
    codecTopic = unique('codecs');
    await broker.broker.createTopic(codecTopic, 3);
    const { CompressionTypes } = ckjs.KafkaJS;
    const names: Record<string, string> = { gzip: CompressionTypes.GZIP, snappy: CompressionTypes.SNAPPY, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD };
    const perPartition = [0, 0, 0];
    for (const [codec] of codecs) {
      const p = kafka(unique(`producer-${codec}`)).producer({ kafkaJS: { idempotent: true, compression: names[codec] }, 'linger.ms': 50 });
      await p.connect();
      const messages = [];
      for (let i = 0; i < 12; i++) {
        const partition = i % 3;
        messages.push({ key: `${codec}-k${i}`, value: `${codec}-v${i}-${'x'.repeat(40)}`, partition, headers: { codec, i: String(i) } });
      }
      const reports = await p.send({ topic: codecTopic, messages: messages.map((m) => ({ ...m, headers: { ...m.headers } })) });
      await p.disconnect();
      // One report per partition (KafkaJS shape), each with the base offset of that partition's batch.
      expect([...reports].sort((a: Any, b: Any) => a.partition - b.partition).map((r: Any) => [r.topicName, r.partition, r.errorCode, r.baseOffset])).toEqual(
        [0, 1, 2].map((part) => [codecTopic, part, 0, String(perPartition[part])]),
      );
      for (const m of messages) produced.push({ partition: m.partition, offset: perPartition[m.partition]!++, key: m.key, value: m.value, headers: m.headers });
    }
    for (let part = 0; part < 3; part++) {
      const batches = await storedBatches(raw, codecTopic, part);
      expect(batches.map((b) => [b.compression, b.recordCount, b.baseSequence, b.producerEpoch, b.isTransactional])).toEqual(codecs.map(([, id]) => [id, 4, 0, 0, false]));
      // Four idempotent producers: four distinct producer ids, each the same on every partition.
      expect(new Set(batches.map((b) => b.producerId)).size).toBe(4);
      for (const b of batches) expect(b.producerId >= 0n && b.crcValid).toBe(true);
    }
  });

  it('a consumer from the beginning reads every value, key, header and offset exactly', async () => {
    expect(produced).toHaveLength(48);
    const got: Got[] = [];
    const c = await runConsumer({ kafkaJS: { groupId: unique('from-beginning'), fromBeginning: true, autoCommit: false } }, codecTopic, got);
    try {
      await waitFor(() => got.length >= 48, 20_000, '48 messages');
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await c.disconnect();
    }
    expect([...got].sort(byPosition)).toEqual([...produced].sort(byPosition));
  });

  const groups: Record<string, { group: string; topic: string }> = {};
  for (const protocol of ['classic', 'consumer'] as const) {
    it(`group.protocol=${protocol}: two members split three partitions, commit, and a new member resumes after the commits`, async () => {
      const topic = unique(`group-${protocol}`);
      const group = unique(`g-${protocol}`);
      await broker.broker.createTopic(topic, 3);
      groups[protocol] = { group, topic };
      const config = (name: string): Any => ({
        kafkaJS: { groupId: group, fromBeginning: true, autoCommit: true, autoCommitInterval: 200 },
        ...(protocol === 'consumer' ? { 'group.protocol': 'consumer' } : {}),
        clientId: unique(`${protocol}-${name}`),
      });
      const gotA: Got[] = [];
      const gotB: Got[] = [];
      const configA = config('a');
      const configB = config('b');
      const clientIds = { a: configA.clientId as string, b: configB.clientId as string };
      const a = await runConsumer(configA, topic, gotA);
      const b = await runConsumer(configB, topic, gotB);
      const parts = (c: Any): number[] => c.assignment().map((x: Any) => x.partition as number).sort((x: number, y: number) => x - y);
      try {
        await waitFor(() => parts(a).length > 0 && parts(b).length > 0 && parts(a).length + parts(b).length === 3, 30_000, 'both members assigned');
        expect([...parts(a), ...parts(b)].sort()).toEqual([0, 1, 2]);
        // The admin client describes the stable group: DescribeGroups for a classic group, ConsumerGroupDescribe for a consumer one.
        const admin = kafka(unique('admin-describe')).admin();
        await admin.connect();
        try {
          const { groups: [d] } = await admin.describeGroups([group]);
          const topicParts = (m: Any): number[] => m.assignment.topicPartitions.map((tp: Any) => (expect(tp.topic).toBe(topic), tp.partition as number)).sort();
          expect({ groupId: d.groupId, state: d.state, type: d.type, protocolType: d.protocolType, assignor: d.partitionAssignor }).toEqual({
            groupId: group,
            state: 3, // STABLE
            type: protocol === 'consumer' ? 1 : 2, // CONSUMER : CLASSIC
            protocolType: 'consumer',
            assignor: protocol === 'consumer' ? 'uniform' : 'roundrobin',
          });
          const members = Object.fromEntries(d.members.map((m: Any) => [m.clientId, topicParts(m)]));
          expect(members).toEqual({ [clientIds.a]: parts(a), [clientIds.b]: parts(b) });
          if (protocol === 'consumer') for (const m of d.members) expect(m.targetAssignment).toEqual(m.assignment);
        } finally {
          await admin.disconnect();
        }
        const first = Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `first-${i}`, partition: i % 3, headers: { n: String(i) } }));
        await produce(topic, first);
        await waitFor(() => gotA.length + gotB.length >= 30, 20_000, '30 messages across the group');
        await new Promise((r) => setTimeout(r, 600));
        const expected = first.map((m, i) => ({ partition: m.partition, offset: Math.floor(i / 3), key: m.key, value: m.value, headers: m.headers }));
        expect([...gotA].sort(byPosition)).toEqual(expected.filter((m) => parts(a).includes(m.partition)).sort(byPosition));
        expect([...gotB].sort(byPosition)).toEqual(expected.filter((m) => parts(b).includes(m.partition)).sort(byPosition));
      } finally {
        await a.disconnect();
        await b.disconnect();
      }
      expect(await committedOffsets(group, topic, 3)).toEqual([10, 10, 10]);

      const second = Array.from({ length: 9 }, (_, i) => ({ key: `r${i}`, value: `second-${i}`, partition: i % 3 }));
      await produce(topic, second);
      const gotC: Got[] = [];
      const c = await runConsumer(config('c'), topic, gotC);
      try {
        await waitFor(() => gotC.length >= 9, 30_000, 'the resumed member reading 9 messages');
        await new Promise((r) => setTimeout(r, 600));
      } finally {
        await c.disconnect();
      }
      expect([...gotC].sort(byPosition)).toEqual(second.map((m, i) => ({ partition: m.partition, offset: 10 + Math.floor(i / 3), key: m.key, value: m.value, headers: {} })).sort(byPosition));
      expect(await committedOffsets(group, topic, 3)).toEqual([13, 13, 13]);
    });
  }

  it('transactions: commit and abort; read_committed skips the aborted records and the markers, read_uncommitted only the markers', async () => {
    const topic = unique('txn');
    await broker.broker.createTopic(topic, 1);
    const p = kafka(unique('txn-producer')).producer({ kafkaJS: { transactionalId: unique('tid'), idempotent: true, maxInFlightRequests: 1 } });
    await p.connect();
    try {
      const send = async (values: string[], commit: boolean): Promise<void> => {
        const txn = await p.transaction();
        await txn.send({ topic, messages: values.map((v) => ({ key: v, value: v, partition: 0 })) });
        await (commit ? txn.commit() : txn.abort());
      };
      await send(['c0', 'c1', 'c2'], true);
      await send(['a0', 'a1'], false);
      await send(['c3'], true);
    } finally {
      await p.disconnect();
    }
    const batches = await storedBatches(raw, topic, 0);
    expect(batches.map((b) => [Number(b.baseOffset), b.recordCount, b.isTransactional, b.isControl])).toEqual([
      [0, 3, true, false], [3, 1, true, true],
      [4, 2, true, false], [6, 1, true, true],
      [7, 1, true, false], [8, 1, true, true],
    ]);
    const read = async (readUncommitted: boolean): Promise<Got[]> => {
      const got: Got[] = [];
      const c = await runConsumer({ kafkaJS: { groupId: unique('txn-reader'), fromBeginning: true, autoCommit: false, readUncommitted } }, topic, got);
      try {
        await waitFor(() => got.some((g) => g.value === 'c3'), 20_000, 'the last committed record');
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        await c.disconnect();
      }
      return got.map((g) => ({ ...g, headers: {} }));
    };
    const rec = (offset: number, v: string): Got => ({ partition: 0, offset, key: v, value: v, headers: {} });
    expect(await read(false)).toEqual([rec(0, 'c0'), rec(1, 'c1'), rec(2, 'c2'), rec(7, 'c3')]);
    expect(await read(true)).toEqual([rec(0, 'c0'), rec(1, 'c1'), rec(2, 'c2'), rec(4, 'a0'), rec(5, 'a1'), rec(7, 'c3')]);
  });

  for (const protocol of ['classic', 'consumer'] as const) {
    it(`group.protocol=${protocol}: consume-transform-produce, sendOffsets commits the group's offsets with the transaction and not on abort`, async () => {
      const src = unique(`ctp-src-${protocol}`);
      const out = unique(`ctp-out-${protocol}`);
      const group = unique(`ctp-g-${protocol}`);
      await broker.broker.createTopic(src, 1);
      await broker.broker.createTopic(out, 1);
      await produce(src, ['s0', 's1', 's2', 's3', 's4'].map((v) => ({ key: v, value: v, partition: 0 })));
      const got: Got[] = [];
      const consumer = await runConsumer(
        { kafkaJS: { groupId: group, fromBeginning: true, autoCommit: false }, ...(protocol === 'consumer' ? { 'group.protocol': 'consumer' } : {}) },
        src,
        got,
      );
      const p = kafka(unique(`ctp-producer-${protocol}`)).producer({ kafkaJS: { transactionalId: unique('ctp-tid'), idempotent: true, maxInFlightRequests: 1 } });
      await p.connect();
      try {
        await waitFor(() => got.length >= 5, 20_000, '5 source records');
        const txn = await p.transaction();
        await txn.send({ topic: out, messages: got.slice(0, 3).map((g) => ({ key: g.key, value: g.value!.toUpperCase(), partition: 0 })) });
        await txn.sendOffsets({ consumer, topics: [{ topic: src, partitions: [{ partition: 0, offset: '3' }] }] });
        await txn.commit();
        expect(await committedOffsets(group, src, 1)).toEqual([3]);
        const aborted = await p.transaction();
        await aborted.send({ topic: out, messages: got.slice(3).map((g) => ({ key: g.key, value: g.value!.toUpperCase(), partition: 0 })) });
        await aborted.sendOffsets({ consumer, topics: [{ topic: src, partitions: [{ partition: 0, offset: '5' }] }] });
        await aborted.abort();
        expect(await committedOffsets(group, src, 1)).toEqual([3]);
      } finally {
        await p.disconnect();
        await consumer.disconnect();
      }
      const batches = await storedBatches(raw, out, 0);
      expect(batches.map((b) => [Number(b.baseOffset), b.recordCount, b.isTransactional, b.isControl])).toEqual([
        [0, 3, true, false], [3, 1, true, true],
        [4, 2, true, false], [6, 1, true, true],
      ]);
      expect(await committedOffsets(group, src, 1)).toEqual([3]);
    });
  }

  it('group.protocol=consumer: a regex subscription is resolved by the broker, and picks up a matching topic created later', async () => {
    const prefix = unique('rx');
    await broker.broker.createTopic(`${prefix}-a`, 1);
    await broker.broker.createTopic(`${prefix}-other`.replace('rx', 'xr'), 1);
    const got: Got[] = [];
    const gotTopics: string[] = [];
    const rxGroup = unique('rx-g');
    const c = kafka(unique('rx-consumer')).consumer({ kafkaJS: { groupId: rxGroup, fromBeginning: true }, 'group.protocol': 'consumer' });
    await c.connect();
    await c.subscribe({ topics: [new RegExp(`^${prefix}-.*`)] });
    await c.run({ eachMessage: async ({ topic, partition, message }: Any) => { gotTopics.push(topic); got.push(toGot(partition, message)); } });
    try {
      await produce(`${prefix}-a`, [{ key: 'a', value: 'in-a', partition: 0 }]);
      await produce(`${prefix}-other`.replace('rx', 'xr'), [{ key: 'x', value: 'not-matching', partition: 0 }]);
      await waitFor(() => got.length >= 1, 20_000, 'the record of the matching topic');
      await broker.broker.createTopic(`${prefix}-b`, 2);
      await produce(`${prefix}-b`, [{ key: 'b', value: 'in-b', partition: 1 }]);
      await waitFor(() => got.length >= 2, 30_000, 'the record of the topic created later');
      await new Promise((r) => setTimeout(r, 300));
      // The member sent the regex itself (ConsumerGroupHeartbeat v1 SubscribedTopicRegex, each of the client's regexes
      // in parentheses, joined by '|'), not a client-side topic list.
      const res = await raw.request(69, 0, { groupIds: [rxGroup], includeAuthorizedOperations: false });
      const [member] = res.groups[0].members;
      expect([res.groups[0].errorCode, res.groups[0].members.length, member.subscribedTopicRegex, member.subscribedTopicNames]).toEqual([0, 1, `(^${prefix}-.*)`, []]);
      expect(member.assignment.topicPartitions.map((tp: Any) => tp.partitions.length).sort()).toEqual([1, 2]);
    } finally {
      await c.disconnect();
    }
    expect(got.map((g, i) => [gotTopics[i], g.partition, g.offset, g.value])).toEqual([[`${prefix}-a`, 0, 0, 'in-a'], [`${prefix}-b`, 1, 0, 'in-b']]);
  });

  for (const protocol of ['classic-cooperative', 'consumer'] as const) {
    it(`group.protocol=${protocol === 'consumer' ? 'consumer' : 'classic with cooperative-sticky'}: when one of two members leaves, the other takes over its partitions from the committed offsets`, async () => {
      const topic = unique(`leave-${protocol}`);
      const group = unique(`leave-g-${protocol}`);
      await broker.broker.createTopic(topic, 3);
      const config = (): Any => ({
        kafkaJS: { groupId: group, fromBeginning: true, autoCommit: true, autoCommitInterval: 100, ...(protocol === 'consumer' ? {} : { partitionAssignors: ['cooperative-sticky'] }) },
        ...(protocol === 'consumer' ? { 'group.protocol': 'consumer' } : {}),
      });
      const gotA: Got[] = [];
      const gotB: Got[] = [];
      const a = await runConsumer(config(), topic, gotA);
      const b = await runConsumer(config(), topic, gotB);
      const parts = (c: Any): number[] => c.assignment().map((x: Any) => x.partition as number).sort((x: number, y: number) => x - y);
      const msg = (tag: string, i: number) => ({ key: `${tag}${i}`, value: `${tag}-${i}`, partition: i % 3 });
      try {
        await waitFor(() => parts(a).length > 0 && parts(b).length > 0 && parts(a).length + parts(b).length === 3, 30_000, 'both members assigned');
        if (protocol !== 'consumer') expect(a.rebalanceProtocol()).toBe('COOPERATIVE');
        const first = Array.from({ length: 12 }, (_, i) => msg('one', i));
        await produce(topic, first);
        await waitFor(() => gotA.length + gotB.length >= 12, 20_000, '12 messages across the group');
        await new Promise((r) => setTimeout(r, 500));
        await a.disconnect();
        await waitFor(() => parts(b).length === 3, 30_000, 'the remaining member owning all three partitions');
        const second = Array.from({ length: 12 }, (_, i) => msg('two', i));
        await produce(topic, second);
        await waitFor(() => gotB.filter((g) => g.value!.startsWith('two')).length >= 12, 20_000, 'the remaining member reading the next 12');
        await new Promise((r) => setTimeout(r, 500));
      } finally {
        await b.disconnect();
      }
      const all = [...gotA, ...gotB].sort(byPosition);
      // Exactly once: every offset 0..7 of every partition, no duplicates.
      expect(all.map((g) => [g.partition, g.offset, g.value])).toEqual(
        [0, 1, 2].flatMap((p) => Array.from({ length: 8 }, (_, o) => [p, o, o < 4 ? `one-${p + 3 * o}` : `two-${p + 3 * (o - 4)}`])),
      );
      expect(await committedOffsets(group, topic, 3)).toEqual([8, 8, 8]);
    });
  }

  it('group.protocol=consumer: group.remote.assignor=range, and a static member (group.instance.id) that restarts gets its partitions back', async () => {
    const topic = unique('static');
    const group = unique('static-g');
    await broker.broker.createTopic(topic, 4);
    const config = (instance: string): Any => ({
      kafkaJS: { groupId: group, fromBeginning: true, autoCommit: true, autoCommitInterval: 100 },
      'group.protocol': 'consumer',
      'group.remote.assignor': 'range',
      'group.instance.id': `${group}-${instance}`,
    });
    const parts = (c: Any): number[] => c.assignment().map((x: Any) => x.partition as number).sort((x: number, y: number) => x - y);
    const got: Got[] = [];
    const a = await runConsumer(config('a'), topic, got);
    const b = await runConsumer(config('b'), topic, got);
    let a2: Any = null;
    try {
      await waitFor(() => parts(a).length + parts(b).length === 4 && parts(a).length > 0 && parts(b).length > 0, 30_000, 'both static members assigned');
      // range: contiguous halves.
      expect([parts(a), parts(b)].sort((x, y) => x[0]! - y[0]!)).toEqual([[0, 1], [2, 3]]);
      const before = parts(a);
      await produce(topic, [0, 1, 2, 3].map((p) => ({ key: `k${p}`, value: `v${p}`, partition: p })));
      await waitFor(() => got.length >= 4, 20_000, 'four records');
      await new Promise((r) => setTimeout(r, 300));
      await a.disconnect();
      // A static member that leaves keeps its assignment until the session times out; the same instance comes back to it.
      a2 = await runConsumer(config('a'), topic, got);
      await waitFor(() => parts(a2).length === 2, 30_000, 'the restarted static member assigned');
      expect(parts(a2)).toEqual(before);
      expect(parts(b).length).toBe(2);
      await produce(topic, [0, 1, 2, 3].map((p) => ({ key: `k${p}`, value: `w${p}`, partition: p })));
      await waitFor(() => got.length >= 8, 20_000, 'four more records');
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await a2?.disconnect();
      await b.disconnect();
    }
    expect([...got].sort(byPosition).map((g) => [g.partition, g.offset, g.value])).toEqual([0, 1, 2, 3].flatMap((p) => [[p, 0, `v${p}`], [p, 1, `w${p}`]]));
  });

  it('admin: listGroups, describeGroups, fetchOffsets, deleteGroups, fetchTopicMetadata, offsets by timestamp, deleteTopicRecords', async () => {
    const admin = kafka(unique('admin-groups')).admin();
    await admin.connect();
    try {
      const { classic, consumer } = groups as Record<'classic' | 'consumer', { group: string; topic: string }>;
      const mine = (list: Any[]): Any[] => list.filter((g) => g.groupId === classic.group || g.groupId === consumer.group).sort((x, y) => (x.groupId < y.groupId ? -1 : 1));
      const listed = await admin.listGroups();
      expect(listed.errors).toEqual([]);
      // Both groups are empty now (state 5 = EMPTY); type 2 = CLASSIC, 1 = CONSUMER.
      expect(mine(listed.groups)).toEqual([
        { groupId: classic.group, isSimpleConsumerGroup: false, protocolType: 'consumer', state: 5, type: 2 },
        { groupId: consumer.group, isSimpleConsumerGroup: false, protocolType: 'consumer', state: 5, type: 1 },
      ]);
      const { groups: described } = await admin.describeGroups([classic.group, consumer.group]);
      expect(described.map((g: Any) => [g.groupId, g.state, g.type, g.members, g.protocol, g.coordinator.id, g.coordinator.port])).toEqual([
        [classic.group, 5, 2, [], '', 1, broker.port],
        [consumer.group, 5, 1, [], 'uniform', 1, broker.port],
      ]);
      for (const { group, topic } of [classic, consumer]) {
        // All the group's committed offsets (no partitions named: the broker's order, which Kafka does not define).
        const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        for (const t of offsets) t.partitions.sort((x: Any, y: Any) => x.partition - y.partition);
        expect(offsets).toEqual([{ topic, partitions: [0, 1, 2].map((partition) => ({ partition, offset: '13', metadata: null, leaderEpoch: null, error: null })) }]);
      }
      const [md] = await admin.fetchTopicMetadata({ topics: [classic.topic] });
      expect(md.name).toBe(classic.topic);
      // librdkafka prints the topic id in standard base64, kafkalite keeps Kafka's URL-safe form: compare the 16 bytes.
      expect(Buffer.from(md.topicId.base64, 'base64').toString('hex')).toBe(Buffer.from(broker.broker.store.topic(classic.topic)!.topicId, 'base64url').toString('hex'));
      expect(md.partitions.map((p: Any) => [p.partitionId, p.partitionErrorCode, p.leader, p.replicas, p.isr])).toEqual([0, 1, 2].map((i) => [i, 0, 1, [1], [1]]));
      // Every record is younger than an hour: the first offset at or after that time is 0; far in the future: the end.
      expect(await admin.fetchTopicOffsetsByTimestamp(classic.topic, Date.now() - 3600_000)).toEqual([0, 1, 2].map((partition) => ({ partition, offset: '0' })));
      expect(await admin.fetchTopicOffsetsByTimestamp(classic.topic, Date.now() + 3600_000)).toEqual([0, 1, 2].map((partition) => ({ partition, offset: '13' })));
      expect(await admin.deleteTopicRecords({ topic: classic.topic, partitions: [{ partition: 0, offset: '5' }] })).toEqual([{ topic: classic.topic, partition: 0, lowWatermark: 5 }]);
      expect((await admin.fetchTopicOffsets(classic.topic)).find((o: Any) => o.partition === 0)).toEqual({ partition: 0, offset: '13', high: '13', low: '5' });
      expect(await admin.deleteGroups([classic.group, consumer.group])).toEqual([
        { groupId: classic.group, errorCode: 0 },
        { groupId: consumer.group, errorCode: 0 },
      ]);
      expect(mine((await admin.listGroups()).groups)).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });

  it('API versions librdkafka 2.15 negotiated (from the request recording)', () => {
    // Every request the clients above sent, with the one version librdkafka 2.15.1 picked against kafkalite's
    // ApiVersions: its newest for each API (Produce 10, Fetch 16, ListOffsets 7 ... are librdkafka's maxima, below
    // kafkalite's 11, 17, 10).
    expect(versionsSeen()).toEqual({
      AddOffsetsToTxn: [0],
      AddPartitionsToTxn: [0],
      ApiVersions: [3],
      ConsumerGroupDescribe: [0],
      ConsumerGroupHeartbeat: [1],
      CreateTopics: [4],
      DeleteGroups: [2],
      DeleteRecords: [2],
      DeleteTopics: [4],
      DescribeGroups: [5],
      EndTxn: [1],
      Fetch: [16],
      FindCoordinator: [2],
      Heartbeat: [3],
      InitProducerId: [4],
      JoinGroup: [5],
      LeaveGroup: [1],
      ListGroups: [5],
      ListOffsets: [7],
      Metadata: [12],
      OffsetCommit: [9],
      OffsetFetch: [9],
      Produce: [10],
      SyncGroup: [3],
      TxnOffsetCommit: [3],
    });
    // No request was refused (unsupported API or version).
    expect(broker.recording.entries((e) => e.clientId?.startsWith('ckjs-') === true && e.refused === true)).toEqual([]);
  });
});

// A Fetch that names a partition the node does not lead gets NOT_LEADER_OR_FOLLOWER for it from the routing layer
// (src/cluster/routing.ts → errorEntries in src/admin/message-walk.ts). Kafka always sends an empty record set with a
// partition error; librdkafka (every version) rejects a null one as "invalid MessageSetSize -1" and fails the whole
// response, so its consumer retried the same Fetch forever and never learned about the move, until message-walk's
// blankField/markEntry sent empty records (also for fault-injected and ACL-denied Fetch partitions).
async function misroutedFetchRecords(b: TestBroker): Promise<unknown> {
  const topic = unique('probe');
  const info = await b.broker.createTopic(topic, 1);
  const leader = b.cluster!.leaderOf(topic, 0)!;
  const other = leader === 1 ? 2 : 1;
  const c = await RawClient.connect(b.ports[other - 1]!);
  try {
    const res = await c.request(1, 16, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topicId: info.topicId, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    const part = res.responses[0].partitions[0];
    expect(part.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(part.currentLeader).toMatchObject({ leaderId: leader });
    return part.records;
  } finally {
    c.close();
  }
}

describe('@confluentinc/kafka-javascript on a simulated three-node cluster', () => {
  let cluster: TestBroker;
  beforeAll(async () => {
    cluster = await startTestBroker({ brokers: 3, groupConsumerHeartbeatIntervalMs: 500 });
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('a NOT_LEADER_OR_FOLLOWER Fetch partition carries an empty record set, not null (raw Fetch v16)', async () => {
    const records = await misroutedFetchRecords(cluster);
    expect(records).not.toBeNull();
    expect(Buffer.concat([records as Buffer].flat()).length).toBe(0);
  });

  for (const protocol of ['classic', 'consumer'] as const) {
    it(`group.protocol=${protocol}: the idempotent producer and a group follow leader moves (KIP-951 leader hints, KIP-320 epochs) with nothing lost or duplicated`, async (ctx) => {
      if (!ckjs) ctx.skip();
      const { Kafka, logLevel } = ckjs.KafkaJS;
      const k = (clientId: string): Any => new Kafka({ kafkaJS: { brokers: cluster.bootstrapAddresses, clientId, logLevel: process.env.CKJS_LOG ? logLevel[process.env.CKJS_LOG] : logLevel.ERROR } });
      const topic = unique(`moves-${protocol}`);
      await cluster.broker.createTopic(topic, 3);
      const got: Got[] = [];
      const c = k(unique(`moves-consumer-${protocol}`)).consumer({
        kafkaJS: { groupId: unique(`moves-g-${protocol}`), fromBeginning: true },
        ...(protocol === 'consumer' ? { 'group.protocol': 'consumer' } : {}),
      });
      await c.connect();
      await c.subscribe({ topics: [topic] });
      await c.run({ eachMessage: async ({ partition, message }: Any) => void got.push(toGot(partition, message)) });
      const p = k(unique(`moves-producer-${protocol}`)).producer({ kafkaJS: { idempotent: true }, 'linger.ms': 5 });
      await p.connect();
      const expected: Got[] = [];
      try {
        for (let round = 0; round < 8; round++) {
          const messages = Array.from({ length: 12 }, (_, i) => ({ key: `r${round}-${i}`, value: `round-${round}-${i}`, partition: i % 3 }));
          const sent = p.send({ topic, messages: messages.map((m) => ({ ...m })) });
          if (round % 2 === 1) cluster.cluster!.moveLeader(topic, round % 3);
          await sent;
          for (const [i, m] of messages.entries()) expected.push({ partition: m.partition, offset: round * 4 + Math.floor(i / 3), key: m.key, value: m.value, headers: {} });
          if (round % 2 === 0) cluster.cluster!.moveLeader(topic, (round + 1) % 3);
        }
        await waitFor(() => got.length >= expected.length, 30_000, `${expected.length} records through the moves`);
        await new Promise((r) => setTimeout(r, 500));
      } finally {
        await p.disconnect();
        await c.disconnect();
      }
      expect([...got].sort(byPosition)).toEqual(expected.sort(byPosition));
    });
  }
});
