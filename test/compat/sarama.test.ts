// sarama (Go; Debian bookworm's golang-github-shopify-sarama-dev 1.22.1 built with its
// golang-go 1.19) against a real broker socket. The driver is test/compat/go/sarama-client,
// built here in GOPATH mode against /usr/share/gocode (no module proxy) into a temp dir.
//
// sarama picks every request version from config.Version, so each feature runs at several
// of them: 0.8.2.0 (sarama's default: Produce/Fetch v0, magic 0 messages), 0.10.2.0 (magic 1,
// the first version with consumer groups), 0.11.0.0 (record batches, headers, idempotence),
// 1.0.0 and 2.1.0. What sarama reports is compared with exact values, and what the broker
// stored is read back with the raw client.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecords } from '../../src/wire/batch-records.js';
import { codecReady, Codec } from '../../src/wire/compression/index.js';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { buildBatch } from '../../src/wire/batch-records.js';
import type { RecordedRequest } from '../../src/admin/recording.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { buildGoClient, goPackageInstalled, goVersion, runProcess, type ProcessResult } from '../helpers/go-client.js';
import { RawClient } from '../helpers/raw-client.js';
import { storedBatches } from '../helpers/stored.js';

const { Kafka, logLevel } = kafkajs;
const SARAMA = 'github.com/Shopify/sarama';
const available = goVersion !== null && goPackageInstalled(SARAMA);
const SKIP_REASON = `sarama tests skipped: ${goVersion === null ? 'no go on PATH' : `${SARAMA} not in /usr/share/gocode`} (apt-get install golang-go golang-github-shopify-sarama-dev; .ci/run does)`;
if (!available) console.warn(SKIP_REASON);

const SRC = join(dirname(fileURLToPath(import.meta.url)), 'go', 'sarama-client');
const suffix = `${process.pid}-${Date.now().toString(36)}`;
let seq = 0;
const topicName = (base: string): string => `sarama-${base}-${suffix}-${seq++}`;

/** FNV-1a 32 (unsigned). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/** sarama's HashPartitioner (the default): FNV-1a 32 of the key, as int32, modulo, then abs. */
function saramaHashPartition(key: string, partitions: number): number {
  return Math.abs((fnv1a(key) | 0) % partitions);
}

interface RunOpts {
  input?: unknown;
  timeoutMs?: number;
  /** Defaults to the main test broker. */
  broker?: TestBroker;
}

interface Consumed {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: [string, string][];
  timestamp: number;
}

// Each driver run is killed after its own timeout (25 s, 40 s for groups) and fails with its stderr; a test runs several.
describe.skipIf(!available)(available ? 'sarama 1.22.1 (Go)' : SKIP_REASON, { timeout: 120_000 }, () => {
  let broker: TestBroker;
  let raw: RawClient;
  let bin: string;
  // For ACLs and dynamic broker configs: an authorizer, and the plaintext principal (User:ANONYMOUS) as super user.
  let secured: TestBroker;

  beforeAll(async () => {
    const b = await buildGoClient(SRC, 'sarama-client');
    bin = b.bin;
    console.log(`sarama-client: ${b.built ? `built in ${Math.round(b.ms)} ms` : 'reused an earlier build'} (${goVersion})`);
    broker = await startTestBroker();
    raw = await RawClient.connect(broker.port);
    broker.recording.start();
    secured = await startTestBroker({ authorizer: true, superUsers: ['User:ANONYMOUS'] });
    secured.recording.start();
  }, 240_000);

  afterAll(async () => {
    raw?.close();
    await broker?.close();
    await secured?.close();
  });

  /** Runs the driver; `-debug` puts sarama's log on stderr, shown when the run fails. */
  function run(cmd: string, version: string, flags: Record<string, string | number>, opts: RunOpts = {}): Promise<ProcessResult> {
    const timeoutMs = opts.timeoutMs ?? 25_000;
    const args = [cmd, '-brokers', (opts.broker ?? broker).bootstrapServers, '-version', version, '-debug', '-timeout', `${timeoutMs - 3000}ms`];
    for (const [k, v] of Object.entries(flags)) args.push(`-${k}`, String(v));
    return runProcess(bin, args, { timeoutMs, input: opts.input === undefined ? undefined : JSON.stringify(opts.input) });
  }

  function describeRun(cmd: string, version: string, r: ProcessResult): string {
    return `sarama-client ${cmd} (config.Version ${version}) ${r.timedOut ? 'was killed after its timeout' : `exited ${r.code ?? r.signal}`}\n--- stderr:\n${r.stderr.slice(-20_000)}\n--- stdout:\n${r.stdout.slice(0, 4000)}`;
  }

  /** The driver's JSON result; throws with its stderr unless it exited 0 in time. */
  async function sarama<T = any>(cmd: string, version: string, flags: Record<string, string | number>, opts: RunOpts = {}): Promise<T> {
    const r = await run(cmd, version, flags, opts);
    if (r.timedOut || r.code !== 0) throw new Error(describeRun(cmd, version, r));
    return JSON.parse(r.stdout) as T;
  }

  /** A run that must fail with exit 1: the driver's error line (the last line it printed that starts with `sarama-client`). */
  async function saramaError(cmd: string, version: string, flags: Record<string, string | number>, opts: RunOpts = {}): Promise<string> {
    const r = await run(cmd, version, flags, opts);
    if (r.timedOut || r.code !== 1) throw new Error(`expected a failure (exit 1): ${describeRun(cmd, version, r)}`);
    return r.stderr.split('\n').filter((l) => l.startsWith(`sarama-client ${cmd}:`)).at(-1) ?? r.stderr;
  }

  async function createTopic(name: string, numPartitions: number, configs: Record<string, string> = {}): Promise<void> {
    const res = await raw.request(19, 7, {
      topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(res.topics[0].errorCode).toBe(ErrorCode.NONE);
  }

  /** The stored records of a partition: [offset, key, value, headers]. */
  async function storedRecords(topic: string, partition: number): Promise<[number, string | null, string | null, [string, string][]][]> {
    const out: [number, string | null, string | null, [string, string][]][] = [];
    for (const b of await storedBatches(raw, topic, partition)) {
      for (const r of readRecords(b.buf)) {
        out.push([Number(r.offset), r.key?.toString() ?? null, r.value?.toString() ?? null, r.headers.map((h) => [h.key, h.value?.toString() ?? ''] as [string, string])]);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ ClusterAdmin

  // sarama's ClusterAdmin needs 0.11 (ListTopics sends DescribeConfigs); CreatePartitions needs 1.0.
  it.each(['0.11.0.0', '1.0.0', '2.1.0'])('ClusterAdmin at %s: CreateTopic, ListTopics, DescribeTopics, DescribeConfig, AlterConfig, CreatePartitions, DescribeCluster, DeleteTopic', async (version) => {
    const topic = topicName('admin');
    const r = await sarama('admin', version, { topic, partitions: 2 });
    const atLeast1 = version !== '0.11.0.0';
    expect(r.allConfigNames).toBeGreaterThan(20);
    delete r.allConfigNames;
    const noError = 'kafka server: Not an error, why are you printing me?';
    // DescribeConfigs v0 (all sarama 1.22 sends) has no config source: sarama reports "Unknown".
    const cfg = (name: string, value: string, isDefault: boolean) => ({ name, value, readOnly: false, default: isDefault, source: 'Unknown' });
    expect(r).toEqual({
      create: null,
      createAgain: `kafka server: Topic with this name already exists. - Topic '${topic}' already exists.`,
      createInvalid: 'kafka server: Configuration is invalid. - Unknown topic config name: no.such.config',
      listed: { numPartitions: 2, replicationFactor: 1, configEntries: { 'retention.ms': '3600000', 'cleanup.policy': 'delete' } },
      describeTopics: [{
        name: topic,
        err: noError,
        partitions: [0, 1].map((id) => ({ id, leader: broker.broker.nodeId, replicas: [broker.broker.nodeId], isr: [broker.broker.nodeId], err: noError })),
      }],
      configs: [cfg('cleanup.policy', 'delete', false), cfg('retention.ms', '3600000', false), cfg('segment.bytes', '1073741824', true)],
      // AlterConfigs (not incremental) replaces the topic's overrides: cleanup.policy is back to its default.
      alter: null,
      configsAfterAlter: [cfg('cleanup.policy', 'delete', true), cfg('retention.ms', '7200000', false)],
      // Below 1.0 sarama refuses CreatePartitions itself, without sending it.
      createPartitions: atLeast1 ? null : 'kafka server: The version of API is not supported.',
      partitionsAfterCreatePartitions: atLeast1 ? 3 : 2,
      // Metadata v0 (what DescribeCluster sends) has no controller id.
      cluster: { brokers: [{ id: broker.broker.nodeId, addr: `127.0.0.1:${broker.port}` }], controller: -1 },
      delete: null,
      deleteAgain: 'kafka server: Request was for a topic or partition that does not exist on this broker.',
      listedAfterDelete: false,
    });
  });

  it.each(['1.0.0', '2.1.0'])('ClusterAdmin at %s: DeleteRecords moves the log start offset; consumers from the oldest offset start there', async (version) => {
    const topic = topicName('delete-records');
    await createTopic(topic, 1);
    await sarama('async-produce', version, { topic, partitions: 1, count: 10 });
    expect(await sarama('delete-records', version, { topic, partition: 0, offset: 4 })).toEqual({ err: null });
    expect(await sarama('offsets', version, { topic, partition: 0 })).toEqual({ oldest: 4, newest: 10, byTime: [] });
    const got = await sarama<{ messages: Consumed[]; partitions: any[] }>('consume', version, { topic, partitions: 1, count: 6 });
    expect(got.partitions).toEqual([{ partition: 0, oldest: 4, newest: 10, highWaterMark: 10 }]);
    expect(got.messages.map((m) => [m.offset, m.key])).toEqual([4, 5, 6, 7, 8, 9].map((o) => [o, `k${o}`]));
  });

  it.each(['0.11.0.0', '2.1.0'])('ClusterAdmin at %s: CreateACL, ListAcls, DeleteACL (v0) against an authorizer', async (version) => {
    const topic = topicName('acl');
    const r = await sarama('acls', version, { topic }, { broker: secured });
    // resource type 2 = TOPIC, operation 3 = READ / 4 = WRITE, permission 3 = ALLOW / 2 = DENY
    expect(r).toEqual({
      createRead: null,
      createWrite: null,
      listed: [`2:${topic} User:alice@* op=3 perm=3`, `2:${topic} User:bob@10.0.0.1 op=4 perm=2`],
      deleted: [`2:${topic} User:alice@* op=3 perm=3 err=kafka server: Not an error, why are you printing me?`],
      listedAfterDelete: [`2:${topic} User:bob@10.0.0.1 op=4 perm=2`],
    });
  });

  it('ClusterAdmin at 1.0.0: DescribeConfig and AlterConfig of a broker (dynamic and read-only configs)', async () => {
    const r = await sarama('broker-config', '1.0.0', { topic: String(secured.broker.nodeId) }, { broker: secured });
    const cfg = (name: string, value: string, readOnly: boolean, isDefault: boolean) => ({ name, value, readOnly, default: isDefault, source: 'Unknown' });
    expect(r).toEqual({
      // sarama 1.22's BrokerResource is 5, a type Kafka does not know (its BROKER is 4); the driver then uses 4.
      brokerResourceErr: 'Unsupported resource type: UNKNOWN',
      // log.retention.ms has no value of its own (log.retention.hours gives 7 days): null, which sarama reads as "".
      before: [cfg('log.retention.ms', '', false, true), cfg('message.max.bytes', '1048588', false, true), cfg('num.partitions', '1', true, true)],
      alter: null,
      alterReadOnly: 'Cannot update these configs dynamically: Set(num.partitions)',
      after: [cfg('log.retention.ms', '86400000', false, false), cfg('message.max.bytes', '1048588', false, true), cfg('num.partitions', '1', true, true)],
    });
  });

  // ------------------------------------------------------------------ SyncProducer + PartitionConsumer

  it.each(['0.8.2.0', '0.10.2.0', '0.11.0.0', '1.0.0', '2.1.0'])('SyncProducer at %s: keyed records land on sarama hash partitions with consecutive offsets; a PartitionConsumer reads them back exactly', async (version) => {
    const withHeaders = !['0.8.2.0', '0.10.2.0'].includes(version);
    const withTimestamps = version !== '0.8.2.0';
    const topic = topicName('sync');
    await createTopic(topic, 3);
    const headersOf = (i: number): [string, string][] => (!withHeaders ? [] : i % 3 === 0 ? [['trace', `t${i}`], ['empty', '']] : i % 3 === 1 ? [['dup', 'a'], ['dup', 'b']] : []);
    const keyed = Array.from({ length: 12 }, (_, i) => ({ key: `key-${i}`, value: `value-${i}`, partition: 0, headers: headersOf(i) }));
    // To partition 1 with the manual partitioner: a null key, an empty key, a tombstone, both empty.
    const special = [
      { key: null, value: 'no-key', partition: 1, headers: [] },
      { key: '', value: 'empty-key', partition: 1, headers: [] },
      { key: 'tomb', value: null, partition: 1, headers: [] },
      { key: '', value: '', partition: 1, headers: [] },
    ];
    const t0 = Date.now();
    const sentKeyed = await sarama<{ partition: number; offset: number; err: string | null }[]>('produce', version, { topic, partitioner: 'hash' }, { input: keyed });
    const sentSpecial = await sarama<{ partition: number; offset: number; err: string | null }[]>('produce', version, { topic, partitioner: 'manual' }, { input: special });
    const t1 = Date.now();

    const next = [0, 0, 0];
    const expected: Consumed[] = [];
    const expectSent = (msgs: typeof keyed | typeof special, partitionOf: (m: (typeof msgs)[number]) => number) =>
      msgs.map((m) => {
        const partition = partitionOf(m);
        const offset = next[partition]++;
        expected.push({ partition, offset, key: m.key, value: m.value, headers: m.headers as [string, string][], timestamp: 0 });
        return { partition, offset, err: null };
      });
    expect(sentKeyed).toEqual(expectSent(keyed, (m) => saramaHashPartition(m.key!, 3)));
    expect(sentSpecial).toEqual(expectSent(special, () => 1));
    expect(next.every((n) => n > 0)).toBe(true); // the keys spread over all three partitions

    // What the broker stored (as record batches, whatever the message format sarama sent).
    for (const p of [0, 1, 2]) {
      expect(await storedRecords(topic, p)).toEqual(
        expected.filter((e) => e.partition === p).sort((a, b) => a.offset - b.offset).map((e) => [e.offset, e.key, e.value, e.headers]),
      );
    }

    const got = await sarama<{ partitions: any[]; messages: Consumed[]; extra: number }>('consume', version, { topic, partitions: 3, count: expected.length });
    expect(got.extra).toBe(0);
    expect(got.partitions).toEqual([0, 1, 2].map((p) => ({ partition: p, oldest: 0, newest: next[p], highWaterMark: next[p] })));
    for (const m of got.messages) {
      // Magic 0 (0.8.2.0) has no timestamps; from 0.10 sarama stamps each message when it is sent.
      if (withTimestamps) {
        expect(m.timestamp).toBeGreaterThanOrEqual(t0);
        expect(m.timestamp).toBeLessThanOrEqual(t1);
      } else expect(m.timestamp).toBe(0);
    }
    expected.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
    expect(got.messages.map((m) => ({ ...m, timestamp: 0 }))).toEqual(expected);
  });

  it('records written at 2.1.0 (headers, record batches) are read at 0.8.2.0 and 0.10.2.0 (down-converted to magic 0 and 1) and at 1.0.0', async () => {
    const topic = topicName('cross');
    await createTopic(topic, 1);
    const msgs = [
      { key: 'a', value: 'first', partition: 0, headers: [['h', 'x']] },
      { key: null, value: 'second', partition: 0, headers: [] },
      { key: '', value: null, partition: 0, headers: [['k', '']] },
    ];
    const t0 = Date.now();
    expect(await sarama('produce', '2.1.0', { topic }, { input: msgs })).toEqual([0, 1, 2].map((offset) => ({ partition: 0, offset, err: null })));
    const t1 = Date.now();
    for (const version of ['0.8.2.0', '0.10.2.0', '1.0.0']) {
      const got = await sarama<{ messages: Consumed[] }>('consume', version, { topic, partitions: 1, count: 3 });
      expect(got.messages.map((m) => ({ ...m, timestamp: 0 })), version).toEqual(
        msgs.map((m, offset) => ({ partition: 0, offset, key: m.key, value: m.value, headers: version === '1.0.0' ? m.headers : [], timestamp: 0 })),
      );
      for (const m of got.messages) {
        if (version === '0.8.2.0') expect(m.timestamp).toBe(0);
        else expect(m.timestamp >= t0 && m.timestamp <= t1, `${version} timestamp ${m.timestamp}`).toBe(true);
      }
    }
  });

  it.each(['0.10.2.0', '0.11.0.0', '2.1.0'])('GetOffset by timestamp at %s: the first offset whose timestamp is at or after it', async (version) => {
    // Fixed CreateTime timestamps, one out of order. From 0.11 sarama leaves each batch's maxTimestamp at -1; Kafka
    // (and kafkalite since 7785c49) stores the largest record timestamp instead, so time lookups find the batches.
    const topic = topicName('by-time');
    await createTopic(topic, 1);
    const T = Date.now() - 3_600_000;
    const ts = [T, T + 2000, T + 3000, T + 1500];
    await sarama('produce', version, { topic }, { input: ts.map((timestamp, i) => ({ key: `t${i}`, value: `v${i}`, partition: 0, headers: [], timestamp })) });
    const batches = await storedBatches(raw, topic, 0);
    expect(batches.map((b) => [b.timestampType, b.maxTimestamp])).toEqual(ts.map((t) => [0, BigInt(t)]));
    const times = [T - 1, T, T + 1, T + 1500, T + 2000, T + 2500, T + 3000, T + 3001];
    const r = await sarama('offsets', version, { topic, partition: 0, times: times.join(',') });
    expect(r).toEqual({ oldest: 0, newest: 4, byTime: times.map((time, i) => ({ time, offset: [0, 0, 1, 1, 1, 2, 2, -1][i] })) });
    const got = await sarama<{ messages: Consumed[] }>('consume', version, { topic, partitions: 1, count: 4 });
    expect(got.messages.map((m) => [m.offset, m.timestamp])).toEqual(ts.map((t, i) => [i, t]));
  });

  // ------------------------------------------------------------------ AsyncProducer with compression

  const codecIds: Record<string, number> = { none: Codec.None, gzip: Codec.Gzip, snappy: Codec.Snappy, lz4: Codec.Lz4 };
  const compressionCases: [string, string][] = [
    ['0.8.2.0', 'gzip'], ['0.8.2.0', 'snappy'], // magic 0 wrappers (sarama refuses lz4 below 0.10)
    ['0.10.2.0', 'gzip'], ['0.10.2.0', 'snappy'], ['0.10.2.0', 'lz4'], // magic 1 wrappers
    ['1.0.0', 'gzip'],
    ['2.1.0', 'none'], ['2.1.0', 'gzip'], ['2.1.0', 'snappy'], ['2.1.0', 'lz4'], // record batches
  ];
  it.each(compressionCases)('AsyncProducer at %s with %s: offsets in order, batches stored in that codec, consumed back exactly', async (version, compression) => {
    const topic = topicName(`async-${compression}`);
    await createTopic(topic, 2);
    const count = 30;
    const filler = `${compression}-`.repeat(20);
    const value = (i: number) => `v${i}-${filler}`;
    const sent = await sarama<{ key: string; value: string; partition: number; offset: number }[]>('async-produce', version, { topic, partitions: 2, count, compression });
    // Message i went to partition i % 2; per partition, in send order, from offset 0.
    const expected = Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: value(i), partition: i % 2, offset: Math.floor(i / 2) }));
    expected.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
    expect(sent).toEqual(expected);

    for (const p of [0, 1]) {
      const batches = await storedBatches(raw, topic, p);
      expect(batches.map((b) => b.compression)).toEqual(batches.map(() => codecIds[compression]));
      expect(batches.length).toBeLessThan(count / 2); // sarama batched several messages per request
      expect(batches.every((b) => b.crcValid)).toBe(true);
      // Each batch's maxTimestamp is its largest record timestamp, as Kafka stores it (sarama sends -1 from 0.11 on).
      expect(batches.map((b) => b.maxTimestamp)).toEqual(batches.map((b) => readRecords(b.buf).reduce((m, r) => (r.timestamp > m ? r.timestamp : m), -1n)));
      expect(await storedRecords(topic, p)).toEqual(expected.filter((e) => e.partition === p).map((e) => [e.offset, e.key, e.value, []]));
    }
    const got = await sarama<{ messages: Consumed[] }>('consume', version, { topic, partitions: 2, count });
    expect(got.messages.map(({ partition, offset, key, value }) => ({ key, value, partition, offset }))).toEqual(expected);
  });

  it('compressed record batches written at 2.1.0 are read at 0.8.2.0 and 0.10.2.0 as compressed wrappers (lz4 for magic 0: sarama fails like it would on Kafka)', async () => {
    for (const compression of ['gzip', 'snappy', 'lz4']) {
      const topic = topicName(`down-${compression}`);
      await createTopic(topic, 1);
      const sent = await sarama<any[]>('async-produce', '2.1.0', { topic, partitions: 1, count: 12, compression });
      expect(sent.map((s) => s.offset)).toEqual([...Array(12).keys()]);
      for (const version of ['0.8.2.0', '0.10.2.0']) {
        if (compression === 'lz4' && version === '0.8.2.0') {
          // Kafka writes magic 0 LZ4 wrappers with the pre-KIP-57 (wrong) frame header checksum, and so does
          // kafkalite; sarama's pierrec/lz4 checks it and gives up. Not a broker bug: sarama never produces lz4
          // below 0.10 either ("lz4 compression requires Version >= V0_10_0_0").
          expect(await saramaError('consume', version, { topic, partitions: 1, count: 12 }, { timeoutMs: 15_000 })).toMatch(/lz4: invalid header checksum/);
          continue;
        }
        const got = await sarama<{ messages: Consumed[] }>('consume', version, { topic, partitions: 1, count: 12 });
        expect(got.messages.map((m) => [m.offset, m.key, m.value]), `${compression} at ${version}`).toEqual(sent.map((s) => [s.offset, s.key, s.value]));
      }
    }
  });

  it('zstd: sarama 1.22 produces it with Produce v3, which Kafka refuses (UNSUPPORTED_COMPRESSION_TYPE); it reads zstd batches with Fetch v4 unless the topic is compression.type=zstd', async () => {
    const topic = topicName('zstd');
    await createTopic(topic, 1);
    // sarama bug #1252 (fixed in 1.26 by sending Produce v7 / Fetch v10): Kafka answers Produce < v7 carrying zstd with
    // UNSUPPORTED_COMPRESSION_TYPE (KIP-110), as kafkalite does.
    expect(await saramaError('async-produce', '2.1.0', { topic, partitions: 1, count: 3, compression: 'zstd' })).toBe(
      'sarama-client async-produce: produce error: kafka server: The requesting client does not support the compression type of given partition.',
    );
    expect(await storedBatches(raw, topic, 0)).toEqual([]);

    // A zstd batch from a newer producer (Produce v9) is served to Fetch v4 as stored; sarama decompresses it.
    await codecReady(Codec.Zstd);
    const produceZstd = async (t: string) => {
      const records = buildBatch({ compression: Codec.Zstd, records: [0, 1, 2].map((i) => ({ key: Buffer.from(`z${i}`), value: Buffer.from(`zstd value ${i} `.repeat(10)) })) });
      const res = await raw.request(0, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: t, partitionData: [{ index: 0, records }] }] });
      expect(res.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
    };
    await produceZstd(topic);
    expect((await storedBatches(raw, topic, 0)).map((b) => b.compression)).toEqual([Codec.Zstd]);
    const got = await sarama<{ messages: Consumed[] }>('consume', '2.1.0', { topic, partitions: 1, count: 3 });
    expect(got.messages.map((m) => [m.offset, m.key, m.value])).toEqual([0, 1, 2].map((i) => [i, `z${i}`, `zstd value ${i} `.repeat(10)]));

    // compression.type=zstd: Fetch < v10 gets UNSUPPORTED_COMPRESSION_TYPE, as from Kafka.
    const zTopic = topicName('zstd-topic');
    await createTopic(zTopic, 1, { 'compression.type': 'zstd' });
    await produceZstd(zTopic);
    expect(await saramaError('consume', '2.1.0', { topic: zTopic, partitions: 1, count: 3 }, { timeoutMs: 15_000 })).toBe(
      `sarama-client consume: consume error: kafka: error while consuming ${zTopic}/0: kafka server: The requesting client does not support the compression type of given partition.`,
    );
  });

  it('IsolationLevel ReadCommitted (Fetch v4) at 0.11.0.0 and 2.1.0 skips an aborted transaction written by kafkajs; ReadUncommitted sees it', async () => {
    const topic = topicName('txn');
    await createTopic(topic, 1);
    const kafka = new Kafka({ brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
    const p = kafka.producer({ transactionalId: topicName('txn-id'), idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    try {
      for (const [values, commit] of [[['c1', 'c2'], true], [['a1', 'a2'], false], [['c3'], true]] as const) {
        const t = await p.transaction();
        await t.send({ topic, messages: values.map((value) => ({ key: 'k', value })) });
        await (commit ? t.commit() : t.abort());
      }
    } finally {
      await p.disconnect();
    }
    // Offsets: c1 0, c2 1, marker 2, a1 3, a2 4, marker 5, c3 6, marker 7.
    for (const version of ['0.11.0.0', '2.1.0']) {
      const committed = await sarama<{ messages: Consumed[]; extra: number }>('consume', version, { topic, partitions: 1, count: 3, isolation: 'committed' });
      expect(committed.messages.map((m) => [m.offset, m.value]), version).toEqual([[0, 'c1'], [1, 'c2'], [6, 'c3']]);
      expect(committed.extra).toBe(0);
      const all = await sarama<{ messages: Consumed[]; extra: number }>('consume', version, { topic, partitions: 1, count: 5 });
      expect(all.messages.map((m) => [m.offset, m.value]), version).toEqual([[0, 'c1'], [1, 'c2'], [3, 'a1'], [4, 'a2'], [6, 'c3']]);
      expect(all.extra).toBe(0);
    }
  });

  // ------------------------------------------------------------------ idempotent producer

  it.each(['0.11.0.0', '1.0.0', '2.1.0'])('idempotent AsyncProducer at %s: InitProducerId, sequences from 0 per partition, a second producer gets a new id', async (version) => {
    const topic = topicName('idem');
    await createTopic(topic, 2);
    const before = broker.recording.entries((e) => e.apiName === 'InitProducerId' && e.clientId === `sarama-compat-${version}`).length;
    const r = await sarama<{ first: any[]; second: any[] }>('idempotent', version, { topic, partitions: 2, count: 20 });
    const first = Array.from({ length: 20 }, (_, i) => ({ key: `a-k${i}`, value: `a-v${i}`, partition: i % 2, offset: Math.floor(i / 2) }));
    first.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
    expect(r.first).toEqual(first);
    expect(r.second).toEqual([{ key: 'b-k0', value: 'b-v0', partition: 0, offset: 10 }]);
    expect(broker.recording.entries((e) => e.apiName === 'InitProducerId' && e.clientId === `sarama-compat-${version}`).length - before).toBe(2);

    const p0 = await storedBatches(raw, topic, 0);
    const p1 = await storedBatches(raw, topic, 1);
    const firstBatches = [...p0.slice(0, -1), ...p1];
    const pid = firstBatches[0].producerId;
    expect(pid).toBeGreaterThanOrEqual(0n);
    for (const b of firstBatches) {
      expect([b.producerId, b.producerEpoch, b.isTransactional]).toEqual([pid, 0, false]);
      // One producer from offset 0: each batch's first sequence is its first offset.
      expect(b.baseSequence).toBe(Number(b.baseOffset));
    }
    const last = p0.at(-1)!;
    expect([last.baseOffset, last.recordCount, last.producerEpoch, last.baseSequence]).toEqual([10n, 1, 0, 0]);
    expect(last.producerId).toBeGreaterThanOrEqual(0n);
    expect(last.producerId).not.toBe(pid);

    const got = await sarama<{ messages: Consumed[] }>('consume', version, { topic, partitions: 2, count: 21 });
    expect(got.messages.map(({ partition, offset, key, value }) => ({ key, value, partition, offset }))).toEqual(
      [...first.filter((m) => m.partition === 0), { key: 'b-k0', value: 'b-v0', partition: 0, offset: 10 }, ...first.filter((m) => m.partition === 1)],
    );
  });

  // ------------------------------------------------------------------ ConsumerGroup

  it.each(['0.10.2.0', '0.11.0.0', '1.0.0', '2.1.0'])('ConsumerGroup at %s: two members split four partitions, commit what they marked; a restarted group resumes from the commits', async (version) => {
    const topic = topicName('group');
    const group = topicName('group-id');
    await createTopic(topic, 4);
    const batch = (from: number, n: number) => Array.from({ length: n }, (_, j) => ({ key: `k${from + j}`, value: `g${from + j}`, partition: (from + j) % 4, headers: [] }));
    await sarama('produce', version, { topic }, { input: batch(0, 20) });

    type Member = { memberId: string; sessions: { generation: number; claims: number[] }[]; messages: Consumed[]; described: any };
    const members = await sarama<Member[]>('group', version, { topic, group, members: 2, count: 20 }, { timeoutMs: 40_000 });
    expect(members).toHaveLength(2);
    const finals = members.map((m) => m.sessions.at(-1)!);
    expect(finals[0].generation).toBe(finals[1].generation);
    // sarama's range strategy orders the members by FNV-1a of topic + member id: the first gets 0-1, the second 2-3.
    const sorted = [...members].sort((a, b) => fnv1a(topic + a.memberId) - fnv1a(topic + b.memberId));
    expect(sorted.map((m) => m.sessions.at(-1)!.claims)).toEqual([[0, 1], [2, 3]]);
    // DescribeConsumerGroups while both run (sarama's ClusterAdmin needs 0.11): the subscriptions and assignments they sent.
    for (const m of version === '0.10.2.0' ? [] : members) {
      expect(m.described).toEqual({
        state: 'Stable', protocolType: 'consumer', protocol: 'range', members: 2,
        clientId: `sarama-compat-${version}`, clientHost: '/127.0.0.1', topics: [topic], assignment: { [topic]: m.sessions.at(-1)!.claims },
      });
    }
    for (const m of members) {
      const claims = m.sessions.at(-1)!.claims;
      // Every message of its partitions, once each, in offset order; nothing else.
      expect(m.messages.map((x) => [x.partition, x.offset, x.key, x.value])).toEqual(
        claims.flatMap((p) => [0, 1, 2, 3, 4].map((o) => [p, o, `k${o * 4 + p}`, `g${o * 4 + p}`])),
      );
    }

    const committed = async () => {
      const res = await raw.request(9, 5, { groupId: group, topics: [{ name: topic, partitionIndexes: [0, 1, 2, 3] }], requireStable: false });
      return res.topics[0].partitions.map((p: any) => [p.partitionIndex, p.committedOffset, p.metadata, p.errorCode]);
    };
    expect(await committed()).toEqual([0, 1, 2, 3].map((p) => [p, 5n, 'sarama-compat', ErrorCode.NONE]));
    const admin = await sarama('group-admin', version, { topic, group, partitions: 4 });
    expect(admin).toEqual({
      listed: 'consumer',
      described: [{ groupId: group, state: 'Empty', protocolType: 'consumer', protocol: '', members: 0, err: 'kafka server: Not an error, why are you printing me?' }],
      offsets: [0, 1, 2, 3].map((partition) => ({ partition, offset: 5, metadata: 'sarama-compat', err: 'kafka server: Not an error, why are you printing me?' })),
    });

    // Restart with one member: only the 8 new messages (offsets 5 and 6 of each partition).
    await sarama('produce', version, { topic }, { input: batch(20, 8) });
    const again = await sarama<Member[]>('group', version, { topic, group, members: 1, count: 8 }, { timeoutMs: 40_000 });
    expect(again[0].sessions.at(-1)!.claims).toEqual([0, 1, 2, 3]);
    expect(again[0].messages.map((x) => [x.partition, x.offset, x.value])).toEqual(
      [0, 1, 2, 3].flatMap((p) => [5, 6].map((o) => [p, o, `g${o * 4 + p}`])),
    );
    expect(await committed()).toEqual([0, 1, 2, 3].map((p) => [p, 7n, 'sarama-compat', ErrorCode.NONE]));
  });

  // ------------------------------------------------------------------ what was spoken

  it('API versions sarama used per config.Version (all served, none refused)', () => {
    const ours = (e: RecordedRequest) => e.clientId?.startsWith('sarama-compat-') ?? false;
    const entries = [...broker.recording.entries(ours), ...secured.recording.entries(ours)];
    expect(entries.filter((e) => e.refused)).toEqual([]);
    const byVersion = new Map<string, Map<string, Set<number>>>();
    const numeric = (v: string) => v.split('.').map((n) => n.padStart(3, '0')).join('.');
    for (const e of entries) {
      const v = e.clientId!.slice('sarama-compat-'.length);
      const apis = byVersion.get(v) ?? new Map<string, Set<number>>();
      byVersion.set(v, apis);
      const set = apis.get(e.apiName) ?? new Set<number>();
      apis.set(e.apiName, set);
      set.add(e.apiVersion);
    }
    const table: Record<string, Record<string, number[]>> = Object.fromEntries(
      [...byVersion].sort(([a], [b]) => (numeric(a) < numeric(b) ? -1 : 1)).map(([v, apis]) => [v, Object.fromEntries([...apis].sort().map(([api, vs]) => [api, [...vs].sort((a, b) => a - b)]))]),
    );
    const lines = Object.entries(table).map(([v, apis]) => `  ${v.padEnd(9)} ${Object.entries(apis).map(([api, vs]) => `${api} v${vs.join('/')}`).join(', ')}`);
    console.log(`sarama 1.22.1 request versions by config.Version:\n${lines.join('\n')}`);
    // The requests that define each level: magic 0 messages, magic 1, record batches. (ClusterAdmin sends Metadata v0 whatever the version.)
    expect(table['0.8.2.0']).toMatchObject({ Produce: [0], Fetch: [0], Metadata: [0], ListOffsets: [0] });
    expect(table['0.10.2.0']).toMatchObject({ Produce: [2], Fetch: [3], Metadata: [1], ListOffsets: [1], JoinGroup: [1], SyncGroup: [0], Heartbeat: [0], OffsetCommit: [1], OffsetFetch: [1] });
    expect(table['0.11.0.0']).toMatchObject({ Produce: [3], Fetch: [4], ListOffsets: [1], InitProducerId: [0], CreateTopics: [1], DeleteTopics: [1], DescribeConfigs: [0], AlterConfigs: [0] });
    expect(table['1.0.0']).toMatchObject({ Produce: [3], Fetch: [4], CreateTopics: [2], CreatePartitions: [0], DeleteRecords: [0] });
    expect(table['0.11.0.0']).toMatchObject({ CreateAcls: [0], DescribeAcls: [0], DeleteAcls: [0] });
    expect(table['2.1.0']).toMatchObject({ Produce: [3], Fetch: [4], ListOffsets: [1] });
    expect(table['2.1.0'].Metadata).toContain(5);
  });
});
