// Python clients from Debian against kafkalite over real sockets:
// - confluent-kafka-python 1.7.0 on librdkafka 2.0.2 (python3-confluent-kafka): AdminClient (create, list,
//   describe_configs, create_partitions, delete), keyed produce with headers and timestamps, reading back every
//   partition, a two-member consumer group that commits and a new member that resumes, the idempotent producer,
//   transactions (commit, abort, read_committed vs read_uncommitted, consume-transform-produce with
//   send_offsets_to_transaction), gzip/snappy/lz4/zstd.
// - kafka-python 2.0.2 (python3-kafka), which infers a broker version from ApiVersions and sends that release's
//   request versions (mostly older ones), and with api_version pinned to 0.10.0 / 0.9 sends the legacy message
//   formats: KafkaAdminClient, keyed produce with headers, reading back, the same group scenario, gzip (snappy and
//   lz4 when Debian's python3-snappy / python3-lz4 are installed).
// The drivers are test/compat/python/*.py, run under /usr/bin/python3 (Debian's packages do not import under a
// pyenv python3); each call is one process with a timeout that prints one JSON result. What the clients report is
// checked against what was produced and against what the broker stored (raw Fetch, OffsetFetch).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { CompressionType } from '../../src/wire/record-batch.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { pythonModuleAvailable, runPython, PYTHON_BIN } from '../helpers/python.js';
import { RawClient } from '../helpers/raw-client.js';
import { storedBatches, committedOffsets as committedBigints } from '../helpers/stored.js';

/** Committed offsets by partition, as numbers (-1 = none). */
const committedOffsets = async (group: string, topic: string, n: number): Promise<number[]> => (await committedBigints(raw, group, topic, n)).map(Number);

const confluentAvailable = pythonModuleAvailable('confluent_kafka');
const kafkaPythonAvailable = pythonModuleAvailable('kafka');
const SKIP_CONFLUENT = `confluent_kafka does not import under ${PYTHON_BIN} (apt-get install python3-confluent-kafka) — skipping confluent-kafka tests`;
const SKIP_KAFKA_PYTHON = `kafka does not import under ${PYTHON_BIN} (apt-get install python3-kafka) — skipping kafka-python tests`;
if (!confluentAvailable) console.warn(SKIP_CONFLUENT);
if (!kafkaPythonAvailable) console.warn(SKIP_KAFKA_PYTHON);

const suffix = `${process.pid}-${Date.now().toString(36)}`;

/** A message as the drivers take it (and, with partition/offset/timestamp, as they report it). */
interface Msg {
  key: string | null;
  value: string | null;
  partition?: number;
  headers?: [string, string | null][];
  timestamp?: number;
}
interface Consumed {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
  timestamp: number | null;
  timestampType: number | null;
}
interface Delivery {
  error: { code: number | null; name: string } | null;
  partition: number;
  offset: number;
  timestamp: number;
}
interface GroupPairResult {
  assignments: Record<string, number[][]>;
  stable: Record<string, number[]>;
  described: unknown;
  final: Record<string, number[]>;
  consumed: Record<string, Consumed[]>;
  committed: Record<string, Record<string, number>>;
  deliveries: Delivery[];
}
interface GroupConsumeResult {
  assignments: Record<string, number[][]>;
  consumed: Consumed[];
  committed: Record<string, number>;
}

let broker: TestBroker;
let raw: RawClient;
let bs: string;

beforeAll(async () => {
  broker = await startTestBroker();
  bs = broker.bootstrapServers;
  raw = await RawClient.connect(broker.port);
  broker.recording.start();
});

afterAll(async () => {
  raw?.close();
  await broker?.close();
});

/** ListOffsets v2 latest for one partition: the high watermark (read_uncommitted) or last stable offset (read_committed). */
async function latestOffset(topic: string, partition: number, isolationLevel: 0 | 1): Promise<number> {
  const res = await raw.request(2, 2, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: partition, timestamp: -1n }] }] });
  const p = res.topics[0].partitions[0];
  expect(p.errorCode).toBe(ErrorCode.NONE);
  return Number(p.offset);
}

/** Requests the matching clients (by client id) sent, as { apiName: sorted versions }. */
function versionsSeen(client: (clientId: string) => boolean): Record<string, number[]> {
  const seen: Record<string, Set<number>> = {};
  for (const e of broker.recording.entries((e) => e.clientId !== null && client(e.clientId))) (seen[e.apiName] ??= new Set()).add(e.apiVersion);
  return Object.fromEntries(Object.entries(seen).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort((a, b) => a - b)]));
}

/** Every version seen is one the client is known to send, and the core APIs were seen with exactly these versions. */
function expectVersions(seen: Record<string, number[]>, expected: Record<string, number[]>, core: string[]): void {
  for (const [api, versions] of Object.entries(seen)) expect({ api, versions }).toEqual({ api, versions: versions.filter((v) => expected[api]?.includes(v)) });
  for (const api of core) expect({ api, versions: seen[api] }).toEqual({ api, versions: expected[api] });
}

/** The consumed view of produced messages at the offsets their delivery reports named. */
function asConsumed(messages: Msg[], deliveries: Delivery[], timestampType: number): Consumed[] {
  return messages
    .map((m, i) => ({
      partition: deliveries[i]!.partition,
      offset: deliveries[i]!.offset,
      key: m.key,
      value: m.value,
      headers: m.headers ?? [],
      timestamp: m.timestamp ?? deliveries[i]!.timestamp,
      timestampType,
    }))
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

const byPartitionOffset = (a: Consumed, b: Consumed): number => a.partition - b.partition || a.offset - b.offset;

/** `count` keyed messages with headers spread over `partitions` explicitly: message i goes to partition i % partitions. */
function keyedMessages(prefix: string, count: number, partitions: number, withHeaders = true): Msg[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `${prefix}-key-${i}`,
    value: `${prefix}-value-${i} ${'é'.repeat(i % 3)}`,
    partition: i % partitions,
    ...(withHeaders ? { headers: [['trace', `t-${i}`], ['seq', String(i)], ['trace', 'second']] as [string, string | null][] } : {}),
  }));
}

// ---------------------------------------------------------------------------------------------------------------
describe.skipIf(!confluentAvailable)(confluentAvailable ? 'confluent-kafka-python 1.7.0 (librdkafka 2.0.2)' : SKIP_CONFLUENT, () => {
  const ck = <T = any>(op: string, args: Record<string, unknown>, timeoutMs?: number): Promise<T> =>
    runPython<T>('confluent_client.py', op, { bootstrap: bs, clientId: `ck-${op}`, ...args }, { timeoutMs });
  const topic = (base: string): string => `py-ck-${base}-${suffix}`;
  const created: string[] = [];
  const createTopics = async (topics: { name: string; partitions: number; configs?: Record<string, string> }[]): Promise<void> => {
    expect(await ck('create_topics', { topics })).toEqual(Object.fromEntries(topics.map((t) => [t.name, null])));
    created.push(...topics.map((t) => t.name));
  };

  it('reports the Debian versions this test is written for', async () => {
    expect(await runPython('confluent_client.py', 'versions', {})).toEqual({ version: '1.7.0', librdkafka: '2.0.2' });
  });

  it('AdminClient: create_topics (with configs; an existing topic and a bad config fail as in Kafka), list_topics, describe_configs, create_partitions', async () => {
    const a = topic('admin-a');
    const b = topic('admin-b');
    await createTopics([
      { name: a, partitions: 3, configs: { 'retention.ms': '3600000', 'cleanup.policy': 'compact,delete' } },
      { name: b, partitions: 1 },
    ]);
    expect(await ck('create_topics', { topics: [{ name: a, partitions: 3 }] })).toEqual({ [a]: { code: ErrorCode.TOPIC_ALREADY_EXISTS, name: 'TOPIC_ALREADY_EXISTS' } });
    expect(await ck('create_topics', { topics: [{ name: topic('bad'), partitions: 1, configs: { 'retention.ms': 'soon' } }] })).toEqual({
      [topic('bad')]: { code: ErrorCode.INVALID_CONFIG, name: 'INVALID_CONFIG' },
    });

    const md = await ck('list_topics', {});
    expect(md.brokers).toEqual({ [String(broker.broker.nodeId)]: `127.0.0.1:${broker.port}` });
    expect(md.controllerId).toBe(broker.broker.nodeId);
    expect(md.clusterId).toBe(broker.broker.clusterId);
    expect(md.topics[a]).toEqual({
      error: null,
      partitions: Object.fromEntries([0, 1, 2].map((p) => [String(p), { leader: 1, replicas: [1], isrs: [1], error: null }])),
    });
    expect(Object.keys(md.topics[b].partitions)).toEqual(['0']);
    expect(md.topics[topic('bad')]).toBeUndefined();

    const cfg = await ck('describe_configs', { topic: a });
    // librdkafka's ConfigSource: 1 = DYNAMIC_TOPIC_CONFIG (Kafka's TOPIC_CONFIG), 5 = DEFAULT_CONFIG.
    expect(cfg['retention.ms']).toEqual({ value: '3600000', source: 1, readOnly: false, isDefault: false, sensitive: false });
    expect(cfg['cleanup.policy']).toEqual({ value: 'compact,delete', source: 1, readOnly: false, isDefault: false, sensitive: false });
    expect(cfg['segment.bytes']).toEqual({ value: '1073741824', source: 5, readOnly: false, isDefault: true, sensitive: false });
    expect(cfg['max.message.bytes']).toEqual({ value: '1048588', source: 5, readOnly: false, isDefault: true, sensitive: false });

    expect(await ck('create_partitions', { topic: b, total: 4 })).toEqual({ [b]: null });
    expect(await ck('create_partitions', { topic: b, total: 2 })).toEqual({ [b]: { code: ErrorCode.INVALID_PARTITIONS, name: 'INVALID_PARTITIONS' } });
    const mdB = await ck('list_topics', { topic: b });
    expect(Object.keys(mdB.topics)).toEqual([b]);
    expect(Object.keys(mdB.topics[b].partitions).sort()).toEqual(['0', '1', '2', '3']);
  });

  it('produces keyed messages with headers and timestamps to 3 partitions, then reads every partition back exactly', async () => {
    const t = topic('keyed');
    await createTopics([{ name: t, partitions: 3 }]);
    const messages: Msg[] = [
      ...keyedMessages('ck', 12, 3).map((m, i) => ({ ...m, timestamp: 1_700_000_000_000 + i })),
      { key: null, value: 'no key', partition: 0, headers: [['empty', ''], ['null', null]], timestamp: 1_700_000_001_000 },
      { key: 'tombstone', value: null, partition: 1, timestamp: 1_700_000_002_000 },
    ];
    const deliveries = await ck<Delivery[]>('produce', { topic: t, messages });
    expect(deliveries.map((d) => [d.error, d.partition, d.offset])).toEqual([
      ...Array.from({ length: 12 }, (_, i) => [null, i % 3, Math.floor(i / 3)]),
      [null, 0, 4],
      [null, 1, 4],
    ]);
    const read = await ck<Consumed[]>('read_all', { topic: t, partitions: 3 });
    // librdkafka's timestamp type 1 = CREATE_TIME.
    expect(read).toEqual(asConsumed(messages, deliveries, 1));

    // What the broker stored: one batch per produce request per partition, with the client's timestamps.
    const stored = await storedBatches(raw, t, 1);
    expect(stored.reduce((n, b) => n + b.recordCount, 0)).toBe(5);
    expect(stored[0]!.baseTimestamp).toBe(1_700_000_000_001n);
    expect(stored.at(-1)!.maxTimestamp).toBe(1_700_000_002_000n);
  });

  it('a consumer group of 2 splits 4 partitions, each member reads its own and commits; a new member resumes from the commits', async () => {
    const t = topic('group');
    const group = `py-ck-group-${suffix}`;
    await createTopics([{ name: t, partitions: 4 }]);
    const messages = keyedMessages('g', 20, 4);
    const r = await ck<GroupPairResult>('group_pair', { topic: t, group, partitions: 4, messages }, 60_000);

    expect(r.deliveries.map((d) => [d.partition, d.offset])).toEqual(messages.map((_, i) => [i % 4, Math.floor(i / 4)]));
    const [m1, m2] = ['ck-group_pair-member-1', 'ck-group_pair-member-2'];
    expect(Object.keys(r.stable).sort()).toEqual([m1, m2]);
    expect(r.stable[m1]).toHaveLength(2);
    expect([...r.stable[m1]!, ...r.stable[m2]!].sort()).toEqual([0, 1, 2, 3]);
    // No rebalance once the group was stable.
    expect(r.final).toEqual(r.stable);
    // AdminClient.list_groups(group) meanwhile (ListGroups, DescribeGroups v0): librdkafka's first assignor, range.
    expect(r.described).toEqual({
      state: 'Stable', protocolType: 'consumer', protocol: 'range', error: null,
      members: [m1, m2].map((clientId) => ({ clientId, clientHost: '/127.0.0.1', hasMetadata: true, hasAssignment: true })),
    });
    for (const m of [m1, m2]) {
      // Each member read exactly the records of its own partitions, once.
      expect([...r.consumed[m]!].sort(byPartitionOffset)).toEqual(asConsumed(messages, r.deliveries, 1).filter((c) => r.stable[m]!.includes(c.partition)));
      for (const p of r.stable[m]!) expect(r.committed[m]![String(p)]).toBe(5);
    }
    expect(await committedOffsets(group, t, 4)).toEqual([5, 5, 5, 5]);

    // 8 more records; a new member of the same group gets all 4 partitions and starts at the committed offsets.
    const more = keyedMessages('g2', 8, 4);
    const moreDeliveries = await ck<Delivery[]>('produce', { topic: t, messages: more });
    expect(moreDeliveries.map((d) => [d.partition, d.offset])).toEqual(more.map((_, i) => [i % 4, 5 + Math.floor(i / 4)]));
    const resumed = await ck<GroupConsumeResult>('group_consume', { topic: t, group, partitions: 4, expect: 8, graceMs: 1500 }, 60_000);
    expect(resumed.assignments).toEqual({ 'ck-group_consume-member-3': [[0, 1, 2, 3]] });
    expect([...resumed.consumed].sort(byPartitionOffset)).toEqual(asConsumed(more, moreDeliveries, 1));
    expect(resumed.committed).toEqual({ 0: 7, 1: 7, 2: 7, 3: 7 });
    expect(await committedOffsets(group, t, 4)).toEqual([7, 7, 7, 7]);

    const groups = await ck<any[]>('list_groups', {});
    expect(groups.find((g) => g.group === group)).toEqual({ group, state: 'Empty', protocolType: 'consumer', protocol: '', members: 0 });
  });

  it('idempotent producer (enable.idempotence): one producer id, epoch 0, contiguous sequences, every record once', async () => {
    const t = topic('idempotent');
    await createTopics([{ name: t, partitions: 2 }]);
    const messages = keyedMessages('idem', 40, 2, false);
    const deliveries = await ck<Delivery[]>('produce', { topic: t, messages, config: { 'enable.idempotence': true, 'linger.ms': 20 } });
    expect(deliveries.map((d) => [d.error, d.partition, d.offset])).toEqual(messages.map((_, i) => [null, i % 2, Math.floor(i / 2)]));
    const pids = new Set<bigint>();
    for (const p of [0, 1]) {
      const batches = await storedBatches(raw, t, p);
      let seq = 0;
      for (const b of batches) {
        pids.add(b.producerId);
        expect(b.producerEpoch).toBe(0);
        expect(b.isTransactional).toBe(false);
        expect(b.baseSequence).toBe(seq);
        seq += b.recordCount;
      }
      expect(seq).toBe(20);
    }
    expect(pids.size).toBe(1);
    expect([...pids][0]! >= 0n).toBe(true);
    expect(await ck<Consumed[]>('read_all', { topic: t, partitions: 2 })).toEqual(asConsumed(messages, deliveries, 1));
  });

  it('transactions: commit, abort, commit — read_committed sees only committed records, read_uncommitted sees all', async () => {
    const t = topic('txn');
    await createTopics([{ name: t, partitions: 2 }]);
    const step = (prefix: string, n: number): Msg[] => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: `${prefix}-value-${i}`, partition: i % 2 }));
    const steps = [
      { action: 'commit', messages: step('c', 4) },
      { action: 'abort', messages: step('a', 4) },
      { action: 'commit', messages: step('z', 2) },
    ];
    const reports = await ck<Delivery[][]>('transactions', { topic: t, transactionalId: `py-ck-txn-${suffix}`, steps }, 60_000);
    // Each transaction ends with a marker (one offset) in both partitions.
    expect(reports.map((r) => r.map((d) => [d.error, d.partition, d.offset]))).toEqual([
      [[null, 0, 0], [null, 1, 0], [null, 0, 1], [null, 1, 1]],
      [[null, 0, 3], [null, 1, 3], [null, 0, 4], [null, 1, 4]],
      [[null, 0, 6], [null, 1, 6]],
    ]);
    for (const p of [0, 1]) {
      const batches = await storedBatches(raw, t, p);
      expect(batches.map((b) => [Number(b.baseOffset), b.isControl, b.isTransactional])).toEqual([
        [0, false, true], [2, true, true], [3, false, true], [5, true, true], [6, false, true], [7, true, true],
      ]);
      expect(await latestOffset(t, p, 0)).toBe(8);
      expect(await latestOffset(t, p, 1)).toBe(8);
    }
    const all = steps.flatMap((s, i) => s.messages.map((m, j) => ({ m, d: reports[i]![j]!, committed: s.action === 'commit' })));
    const view = (rows: typeof all): { partition: number; offset: number; key: string | null; value: string | null }[] =>
      rows.map(({ m, d }) => ({ partition: d.partition, offset: d.offset, key: m.key, value: m.value })).sort((a, b) => a.partition - b.partition || a.offset - b.offset);
    const strip = (c: Consumed[]): ReturnType<typeof view> => c.map(({ partition, offset, key, value }) => ({ partition, offset, key, value }));

    const committed = await ck<Consumed[]>('read_all', { topic: t, partitions: 2, config: { 'isolation.level': 'read_committed' } });
    expect(strip(committed)).toEqual(view(all.filter((r) => r.committed)));
    const uncommitted = await ck<Consumed[]>('read_all', { topic: t, partitions: 2, config: { 'isolation.level': 'read_uncommitted' } });
    expect(strip(uncommitted)).toEqual(view(all));
  });

  it('consume-transform-produce: send_offsets_to_transaction commits the group offsets with the output records', async () => {
    const input = topic('ctp-in');
    const output = topic('ctp-out');
    const group = `py-ck-ctp-${suffix}`;
    await createTopics([{ name: input, partitions: 2 }, { name: output, partitions: 2 }]);
    const messages = keyedMessages('ctp', 6, 2, false);
    await ck('produce', { topic: input, messages });
    const r = await ck('transform', { input, output, group, count: 6, transactionalId: `py-ck-ctp-${suffix}` }, 60_000);
    expect(r.positions).toEqual([[0, 3], [1, 3]]);
    expect(await committedOffsets(group, input, 2)).toEqual([3, 3]);
    const out = await ck<Consumed[]>('read_all', { topic: output, partitions: 2, config: { 'isolation.level': 'read_committed' } });
    expect(out.map((m) => [m.partition, m.offset, m.key, m.value])).toEqual(
      [...messages].map((m, i) => [i % 2, Math.floor(i / 2), m.key, m.value!.toUpperCase()]).sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number)),
    );
  });

  it.each([
    ['gzip', CompressionType.Gzip],
    ['snappy', CompressionType.Snappy],
    ['lz4', CompressionType.Lz4],
    ['zstd', CompressionType.Zstd],
  ] as const)('compression.type=%s: batches are stored in that codec and read back exactly', async (codec, id) => {
    const t = topic(`codec-${codec}`);
    await createTopics([{ name: t, partitions: 1 }]);
    const messages = Array.from({ length: 50 }, (_, i): Msg => ({ key: `k${i}`, value: `${codec} value ${i} `.repeat(10), partition: 0, headers: [['i', String(i)]] }));
    const deliveries = await ck<Delivery[]>('produce', { topic: t, messages, config: { 'compression.type': codec, 'linger.ms': 100 } });
    expect(deliveries.map((d) => d.offset)).toEqual(messages.map((_, i) => i));
    const batches = await storedBatches(raw, t, 0);
    expect(batches.map((b) => b.compression)).toEqual(batches.map(() => id));
    expect(batches.reduce((n, b) => n + b.recordCount, 0)).toBe(50);
    expect(await ck<Consumed[]>('read_all', { topic: t, partitions: 1 })).toEqual(asConsumed(messages, deliveries, 1));
  });

  it('AdminClient.delete_topics removes every topic this suite created; deleting again is UNKNOWN_TOPIC_OR_PART', async () => {
    expect(created.length).toBeGreaterThan(0);
    expect(await ck('delete_topics', { topics: created })).toEqual(Object.fromEntries(created.map((t) => [t, null])));
    const md = await ck('list_topics', {});
    expect(Object.keys(md.topics).filter((t) => t.startsWith('py-ck-'))).toEqual([]);
    expect(await ck('delete_topics', { topics: [created[0]] })).toEqual({ [created[0]!]: { code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name: 'UNKNOWN_TOPIC_OR_PART' } });
  });

  it('API versions librdkafka 2.0.2 negotiated (the highest both support)', () => {
    const seen = versionsSeen((id) => id.startsWith('ck-'));
    console.log(`confluent-kafka (librdkafka 2.0.2) request versions: ${JSON.stringify(seen)}`);
    expectVersions(
      seen,
      {
        AddOffsetsToTxn: [0], AddPartitionsToTxn: [0], ApiVersions: [3], CreatePartitions: [0], CreateTopics: [4], DeleteTopics: [1],
        DescribeConfigs: [1], DescribeGroups: [0], EndTxn: [1], Fetch: [11], FindCoordinator: [2], Heartbeat: [3], InitProducerId: [4],
        JoinGroup: [5], LeaveGroup: [1], ListGroups: [0], ListOffsets: [2], Metadata: [4], OffsetCommit: [7], OffsetFetch: [7],
        Produce: [7], SyncGroup: [3], TxnOffsetCommit: [3],
      },
      ['ApiVersions', 'Metadata', 'Produce', 'Fetch', 'JoinGroup', 'SyncGroup', 'OffsetCommit', 'OffsetFetch', 'InitProducerId', 'EndTxn'],
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe.skipIf(!kafkaPythonAvailable)(kafkaPythonAvailable ? 'kafka-python 2.0.2' : SKIP_KAFKA_PYTHON, () => {
  const kp = <T = any>(op: string, args: Record<string, unknown>, timeoutMs?: number): Promise<T> =>
    runPython<T>('kafka_python_client.py', op, { bootstrap: bs, clientId: `kp-${op}`, ...args }, { timeoutMs });
  const topic = (base: string): string => `py-kp-${base}-${suffix}`;
  const created: string[] = [];
  const createTopics = async (topics: { name: string; partitions: number; configs?: Record<string, string> }[]): Promise<void> => {
    expect(await kp('create_topics', { topics })).toEqual(Object.fromEntries(topics.map((t) => [t.name, null])));
    created.push(...topics.map((t) => t.name));
  };
  let codecs: Record<string, boolean>;

  beforeAll(async () => {
    const v = await runPython('kafka_python_client.py', 'versions', {});
    codecs = v.codecs;
  });

  it('reports the Debian version and infers broker version 2.5 from ApiVersions', async () => {
    const v = await kp('versions', {});
    expect(v.version).toBe('2.0.2');
    // kafka-python 2.0.2 knows releases up to 2.5 and picks its request versions from the release it infers.
    expect(v.brokerVersion).toEqual([2, 5, 0]);
    expect(v.codecs.gzip).toBe(true);
  });

  it('KafkaAdminClient: create_topics (an existing topic fails as in Kafka), list_topics, describe_topics, describe_configs', async () => {
    const a = topic('admin-a');
    await createTopics([{ name: a, partitions: 3, configs: { 'retention.ms': '7200000' } }]);
    // kafka-python raises the first per-topic error.
    expect(await kp('create_topics', { topics: [{ name: a, partitions: 3 }] })).toEqual({ error: { code: ErrorCode.TOPIC_ALREADY_EXISTS, name: 'TopicAlreadyExistsError' } });
    expect(await kp('list_topics', {})).toContain(a);
    expect(await kp('describe_topics', { topics: [a] })).toEqual([
      {
        error_code: 0, topic: a, is_internal: false,
        partitions: [0, 1, 2].map((p) => ({ error_code: 0, partition: p, leader: 1, replicas: [1], isr: [1], offline_replicas: [] })),
      },
    ]);
    const cfg = await kp('describe_configs', { topic: a });
    // Kafka's config sources: 1 = TOPIC_CONFIG, 5 = DEFAULT_CONFIG.
    expect(cfg['retention.ms']).toEqual({ value: '7200000', readOnly: false, source: 1, sensitive: false });
    expect(cfg['cleanup.policy']).toEqual({ value: 'delete', readOnly: false, source: 5, sensitive: false });
    expect(await kp('describe_configs', { topic: a, names: ['retention.ms'] })).toEqual({ 'retention.ms': { value: '7200000', readOnly: false, source: 1, sensitive: false } });
  });

  it('produces keyed messages with headers and timestamps to 3 partitions, then reads every partition back exactly', async () => {
    const t = topic('keyed');
    await createTopics([{ name: t, partitions: 3 }]);
    const messages: Msg[] = [
      ...keyedMessages('kp', 12, 3).map((m, i) => ({ ...m, timestamp: 1_700_000_000_000 + i })),
      { key: null, value: 'no key', partition: 2, headers: [['empty', '']], timestamp: 1_700_000_001_000 },
      { key: 'tombstone', value: null, partition: 2, timestamp: 1_700_000_002_000 },
    ];
    const deliveries = await kp<Delivery[]>('produce', { topic: t, messages });
    expect(deliveries.map((d) => [d.error, d.partition, d.offset, d.timestamp])).toEqual([
      ...Array.from({ length: 12 }, (_, i) => [null, i % 3, Math.floor(i / 3), 1_700_000_000_000 + i]),
      [null, 2, 4, 1_700_000_001_000],
      [null, 2, 5, 1_700_000_002_000],
    ]);
    const read = await kp('read_all', { topic: t, partitions: 3 });
    expect(read.endOffsets).toEqual({ 0: 4, 1: 4, 2: 6 });
    // kafka-python's timestamp_type 0 = CreateTime.
    expect(read.messages).toEqual(asConsumed(messages, deliveries, 0));
  });

  it('a consumer group of 2 splits 4 partitions, each member reads its own and commits; a new member resumes from the commits', async () => {
    const t = topic('group');
    const group = `py-kp-group-${suffix}`;
    await createTopics([{ name: t, partitions: 4 }]);
    const messages = keyedMessages('g', 20, 4);
    const r = await kp<GroupPairResult>('group_pair', { topic: t, group, partitions: 4, messages }, 60_000);

    expect(r.deliveries.map((d) => [d.partition, d.offset])).toEqual(messages.map((_, i) => [i % 4, Math.floor(i / 4)]));
    const [m1, m2] = ['kp-group_pair-member-1', 'kp-group_pair-member-2'];
    expect(r.stable[m1]).toHaveLength(2);
    expect([...r.stable[m1]!, ...r.stable[m2]!].sort()).toEqual([0, 1, 2, 3]);
    expect(r.final).toEqual(r.stable);
    // describe_consumer_groups meanwhile (DescribeGroups v3): each member's subscription and assignment as it decodes them.
    expect(r.described).toEqual({
      state: 'Stable', protocolType: 'consumer', protocol: 'range',
      members: [m1, m2].map((clientId) => ({ clientId, clientHost: '/127.0.0.1', subscription: [t], assignment: { [t]: r.stable[clientId] } })),
    });
    for (const m of [m1, m2]) {
      expect([...r.consumed[m]!].sort(byPartitionOffset)).toEqual(asConsumed(messages, r.deliveries, 0).filter((c) => r.stable[m]!.includes(c.partition)));
      expect(r.committed[m]).toEqual({ 0: 5, 1: 5, 2: 5, 3: 5 });
    }
    expect(await committedOffsets(group, t, 4)).toEqual([5, 5, 5, 5]);

    const more = keyedMessages('g2', 8, 4);
    const moreDeliveries = await kp<Delivery[]>('produce', { topic: t, messages: more });
    expect(moreDeliveries.map((d) => [d.partition, d.offset])).toEqual(more.map((_, i) => [i % 4, 5 + Math.floor(i / 4)]));
    const resumed = await kp<GroupConsumeResult>('group_consume', { topic: t, group, partitions: 4, expect: 8, graceMs: 1500 }, 60_000);
    expect(resumed.assignments).toEqual({ 'kp-group_consume-member-3': [[0, 1, 2, 3]] });
    expect([...resumed.consumed].sort(byPartitionOffset)).toEqual(asConsumed(more, moreDeliveries, 0));
    expect(resumed.committed).toEqual({ 0: 7, 1: 7, 2: 7, 3: 7 });
    expect(await committedOffsets(group, t, 4)).toEqual([7, 7, 7, 7]);

    const g = await kp('describe_group', { group });
    expect(g).toEqual({ state: 'Empty', protocolType: 'consumer', protocol: '', members: [], offsets: Object.fromEntries([0, 1, 2, 3].map((p) => [`${t}/${p}`, 7])) });
  });

  for (const codec of ['gzip', 'snappy', 'lz4'] as const) {
    const id = { gzip: CompressionType.Gzip, snappy: CompressionType.Snappy, lz4: CompressionType.Lz4 }[codec];
    it(`compression_type=${codec}: batches are stored in that codec and read back exactly (needs the codec's Python module)`, async (ctx) => {
      if (!codecs[codec]) {
        // python3-snappy / python3-lz4 are not dependencies of python3-kafka; without them kafka-python cannot use the codec.
        console.warn(`kafka-python: no ${codec} module under ${PYTHON_BIN} — skipping its compression test`);
        ctx.skip();
      }
      const t = topic(`codec-${codec}`);
      await createTopics([{ name: t, partitions: 1 }]);
      const messages = Array.from({ length: 50 }, (_, i): Msg => ({ key: `k${i}`, value: `${codec} value ${i} `.repeat(10), partition: 0, headers: [['i', String(i)]] }));
      const deliveries = await kp<Delivery[]>('produce', { topic: t, messages, config: { compression_type: codec, linger_ms: 100 } });
      expect(deliveries.map((d) => d.offset)).toEqual(messages.map((_, i) => i));
      const batches = await storedBatches(raw, t, 0);
      expect(batches.map((b) => b.compression)).toEqual(batches.map(() => id));
      expect(batches.reduce((n, b) => n + b.recordCount, 0)).toBe(50);
      expect((await kp('read_all', { topic: t, partitions: 1 })).messages).toEqual(asConsumed(messages, deliveries, 0));
    });
  }

  it.each([
    // [api_version, message format (magic) it produces, the timestamp type kafka-python reports]
    ['0.10.0', 1, 0],
    ['0.9', 0, null],
  ] as const)('api_version=%s: legacy message format %s, gzip, produce + group consume + commit', async (version, magic, timestampType) => {
    const label = version.replace(/\./g, '');
    const t = topic(`legacy-${label}`);
    const group = `py-kp-legacy-${label}-${suffix}`;
    await createTopics([{ name: t, partitions: 2 }]);
    const config = { api_version: version.split('.').map(Number) };
    // Before 0.11 (magic 2) there are no headers; magic 0 has no timestamps.
    const messages = keyedMessages(`legacy${label}`, 10, 2, false).map((m, i) => ({ ...m, ...(magic === 1 ? { timestamp: 1_700_000_000_000 + i } : {}) }));
    const deliveries = await kp<Delivery[]>('produce', { topic: t, messages, config: { ...config, compression_type: 'gzip', linger_ms: 50 }, clientId: `kp-legacy-${label}` });
    expect(deliveries.map((d) => [d.error, d.partition, d.offset])).toEqual(messages.map((_, i) => [null, i % 2, Math.floor(i / 2)]));
    // Stored as v2 batches, keeping the producer's codec; magic 0 messages get no timestamp (-1).
    for (const p of [0, 1]) {
      const batches = await storedBatches(raw, t, p);
      expect(batches.map((b) => [b.magic, b.compression])).toEqual(batches.map(() => [2, CompressionType.Gzip]));
      expect(batches.reduce((n, b) => n + b.recordCount, 0)).toBe(5);
      if (magic === 0) expect(batches.map((b) => b.maxTimestamp)).toEqual(batches.map(() => -1n));
    }
    const r = await kp<GroupConsumeResult>('group_consume', { topic: t, group, partitions: 2, expect: 10, graceMs: 500, config, clientId: `kp-legacy-${label}` }, 60_000);
    expect([...r.consumed].sort(byPartitionOffset)).toEqual(
      asConsumed(messages, deliveries, 0).map((c) => ({ ...c, timestamp: magic === 0 ? null : c.timestamp, timestampType })),
    );
    expect(r.committed).toEqual({ 0: 5, 1: 5 });
    expect(await committedOffsets(group, t, 2)).toEqual([5, 5]);
    const seen = versionsSeen((id) => id.startsWith(`kp-legacy-${label}`));
    console.log(`kafka-python api_version=${version} request versions: ${JSON.stringify(seen)}`);
    expect({ Produce: seen.Produce, Fetch: seen.Fetch, JoinGroup: seen.JoinGroup, OffsetCommit: seen.OffsetCommit }).toEqual(
      magic === 1
        ? { Produce: [2], Fetch: [2], JoinGroup: [0], OffsetCommit: [2] }
        : { Produce: [1], Fetch: [1], JoinGroup: [0], OffsetCommit: [2] },
    );
  });

  it.skipIf(!confluentAvailable)('reads a topic written by a transactional producer: kafka-python 2.0.2 returns the commit/abort markers as records (its bug)', async () => {
    const t = topic('txn-read');
    await createTopics([{ name: t, partitions: 1 }]);
    const reports = await runPython<Delivery[][]>('confluent_client.py', 'transactions', {
      bootstrap: bs, clientId: 'confluent-txn-for-kp', topic: t, transactionalId: `py-kp-txn-${suffix}`,
      steps: [
        { action: 'commit', messages: [{ key: 'c0', value: 'committed', partition: 0 }] },
        { action: 'abort', messages: [{ key: 'a0', value: 'aborted', partition: 0 }] },
      ],
    });
    expect(reports.map((r) => r.map((d) => d.offset))).toEqual([[0], [2]]);
    const read = await kp('read_all', { topic: t, partitions: 1 });
    expect(read.endOffsets).toEqual({ 0: 4 });
    // kafka-python 2.0.2 does not skip control batches (dpkp/kafka-python#1853, fixed upstream by #2499): the COMMIT
    // marker (offset 1) and the ABORT marker (offset 3) come back as records whose key is the control record key
    // (version 0, type 1 = COMMIT / 0 = ABORT) and whose value is version 0 + coordinator epoch 0. It has no
    // read_committed either, so the aborted record is returned too. Kafka serves the same batches to Fetch v4.
    expect(read.messages.map((m: Consumed) => [m.offset, m.key, m.value])).toEqual([
      [0, 'c0', 'committed'],
      [1, '\0\0\0\x01', '\0'.repeat(6)],
      [2, 'a0', 'aborted'],
      [3, '\0\0\0\0', '\0'.repeat(6)],
    ]);
  });

  it('KafkaAdminClient.delete_topics removes every topic this suite created', async () => {
    expect(created.length).toBeGreaterThan(0);
    expect(await kp('delete_topics', { topics: created })).toEqual(Object.fromEntries(created.map((t) => [t, 0])));
    expect((await kp<string[]>('list_topics', {})).filter((t) => t.startsWith('py-kp-'))).toEqual([]);
  });

  it('API versions kafka-python 2.0.2 sent (those of Kafka 2.5 as it knows them, after probing with ApiVersions v0)', () => {
    const seen = versionsSeen((id) => id.startsWith('kp-') && !id.startsWith('kp-legacy-'));
    console.log(`kafka-python 2.0.2 request versions: ${JSON.stringify(seen)}`);
    expectVersions(
      seen,
      {
        ApiVersions: [0], Metadata: [0, 1, 5], CreateTopics: [3], DeleteTopics: [3], DescribeConfigs: [2], DescribeGroups: [3],
        Produce: [7], Fetch: [4], ListOffsets: [1], FindCoordinator: [0], JoinGroup: [2], SyncGroup: [1],
        Heartbeat: [1], LeaveGroup: [1], OffsetCommit: [2], OffsetFetch: [1, 3],
      },
      ['ApiVersions', 'Produce', 'Fetch', 'JoinGroup', 'SyncGroup', 'OffsetCommit', 'CreateTopics', 'DeleteTopics', 'DescribeConfigs'],
    );
  });
});
