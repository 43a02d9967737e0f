// segmentio/kafka-go (Go; Debian bookworm's golang-github-segmentio-kafka-go-dev 0.2.1 built
// with its golang-go 1.19) against a real broker socket. The driver is
// test/compat/go/kafka-go-client, built here in GOPATH mode against /usr/share/gocode (no
// module proxy) into a temp dir. kafka-go 0.2.1 speaks old fixed versions: Produce v2 with
// magic 1 message sets (compressed wrappers for gzip/snappy/lz4), Fetch v2 (magic 1 back),
// Metadata v1, CreateTopics v0, DeleteTopics v1, and the classic group APIs (JoinGroup v1,
// SyncGroup v0, OffsetCommit v2 with a retention time, OffsetFetch v1).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../src/admin/recording.js';
import { readRecords } from '../../src/wire/batch-records.js';
import { Codec } from '../../src/wire/compression/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { buildGoClient, goPackageInstalled, goVersion, runProcess, type ProcessResult } from '../helpers/go-client.js';
import { RawClient } from '../helpers/raw-client.js';
import { storedBatches, committedOffsets } from '../helpers/stored.js';

const KAFKA_GO = 'github.com/segmentio/kafka-go';
const available = goVersion !== null && goPackageInstalled(KAFKA_GO);
const SKIP_REASON = `kafka-go tests skipped: ${goVersion === null ? 'no go on PATH' : `${KAFKA_GO} not in /usr/share/gocode`} (apt-get install golang-go golang-github-segmentio-kafka-go-dev; .ci/run does)`;
if (!available) console.warn(SKIP_REASON);

const SRC = join(dirname(fileURLToPath(import.meta.url)), 'go', 'kafka-go-client');
const suffix = `${process.pid}-${Date.now().toString(36)}`;
let seq = 0;
const topicName = (base: string): string => `kafka-go-${base}-${suffix}-${seq++}`;

/** kafka-go's Hash balancer: FNV-1a 32 of the key modulo the partition count (as an unsigned number on 64-bit Go). */
function kafkaGoHashPartition(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(key)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h % partitions;
}

interface Consumed {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  timestamp: number;
}

// Each driver run is killed after its own timeout (25 s, 40 s for groups) and fails with its stderr; a test runs several.
describe.skipIf(!available)(available ? 'kafka-go 0.2.1 (Go)' : SKIP_REASON, { timeout: 120_000 }, () => {
  let broker: TestBroker;
  let raw: RawClient;
  let bin: string;

  beforeAll(async () => {
    const b = await buildGoClient(SRC, 'kafka-go-client');
    bin = b.bin;
    console.log(`kafka-go-client: ${b.built ? `built in ${Math.round(b.ms)} ms` : 'reused an earlier build'} (${goVersion})`);
    // kafka-go readers join as soon as they are created; Kafka's group.initial.rebalance.delay.ms lets both members
    // of the group test into the first generation.
    broker = await startTestBroker({ groupInitialRebalanceDelayMs: 1000 });
    raw = await RawClient.connect(broker.port);
    broker.recording.start();
  }, 240_000);

  afterAll(async () => {
    raw?.close();
    await broker?.close();
  });

  function describeRun(cmd: string, r: ProcessResult): string {
    return `kafka-go-client ${cmd} ${r.timedOut ? 'was killed after its timeout' : `exited ${r.code ?? r.signal}`}\n--- stderr:\n${r.stderr.slice(-20_000)}\n--- stdout:\n${r.stdout.slice(0, 4000)}`;
  }

  /** The driver's JSON result; throws with its stderr (kafka-go's log with -debug) unless it exited 0 in time. */
  async function kafkaGo<T = any>(cmd: string, flags: Record<string, string | number>, opts: { input?: unknown; timeoutMs?: number } = {}): Promise<T> {
    const timeoutMs = opts.timeoutMs ?? 25_000;
    const args = [cmd, '-broker', broker.bootstrapServers, '-debug', '-timeout', `${timeoutMs - 3000}ms`];
    for (const [k, v] of Object.entries(flags)) args.push(`-${k}`, String(v));
    const r = await runProcess(bin, args, { timeoutMs, input: opts.input === undefined ? undefined : JSON.stringify(opts.input) });
    if (r.timedOut || r.code !== 0) throw new Error(describeRun(cmd, r));
    return JSON.parse(r.stdout) as T;
  }

  it('Conn.CreateTopics (v0, with a config) and ReadPartitions; Conn.DeleteTopics (v1)', async () => {
    const topic = topicName('admin');
    const created = await kafkaGo('create-topic', { topic, partitions: 3 });
    expect(created).toEqual({
      create: null,
      createAgain: null, // kafka-go turns TOPIC_ALREADY_EXISTS into success
      partitions: [0, 1, 2].map((id) => ({ id, leader: broker.broker.nodeId, addr: `127.0.0.1:${broker.port}`, replicas: [broker.broker.nodeId], isr: [broker.broker.nodeId] })),
    });
    const cfg = await raw.request(32, 1, { resources: [{ resourceType: 2, resourceName: topic, configurationKeys: ['retention.ms'] }], includeSynonyms: false });
    expect(cfg.results[0].configs.map((c: any) => [c.name, c.value, c.configSource])).toEqual([['retention.ms', '3600000', 1]]);
    expect(await kafkaGo('delete-topic', { topic })).toEqual({
      delete: null,
      deleteAgain: '[3] Unknown Topic Or Partition: the request is for a topic or partition that does not exist on this broker',
    });
  });

  it.each(['none', 'gzip', 'snappy', 'lz4'])('Writer (hash balancer, %s) sends magic 1 message sets; stored as v2 batches of that codec; a Reader reads them back exactly', async (compression) => {
    const topic = topicName(`produce-${compression}`);
    await kafkaGo('create-topic', { topic, partitions: 3 });
    const T = Date.now() - 60_000;
    // Explicit timestamps on some, kafka-go's clock on the others; an empty key and value, and null ones.
    const msgs = Array.from({ length: 15 }, (_, i) => ({ key: `key-${i}`, value: `value-${i} ${compression} `.repeat(3), timestamp: i % 2 === 0 ? T + i : 0 }));
    const t0 = Date.now();
    expect(await kafkaGo('produce', { topic, compression }, { input: msgs })).toEqual({ written: 15 });
    const t1 = Date.now();

    const next = [0, 0, 0];
    const expected = msgs.map((m) => {
      const partition = kafkaGoHashPartition(m.key, 3);
      return { partition, offset: next[partition]++, key: m.key, value: m.value, timestamp: m.timestamp };
    });
    expect(next.every((n) => n > 0)).toBe(true);
    expected.sort((a, b) => a.partition - b.partition || a.offset - b.offset);

    const codec = { none: Codec.None, gzip: Codec.Gzip, snappy: Codec.Snappy, lz4: Codec.Lz4 }[compression]!;
    for (const p of [0, 1, 2]) {
      const batches = await storedBatches(raw, topic, p);
      // One WriteMessages call: each partition's messages arrive in one produce request, one batch.
      expect(batches.map((b) => [b.compression, b.recordCount, b.crcValid, b.producerId])).toEqual([[codec, next[p], true, -1n]]);
      const records = readRecords(batches[0].buf);
      expect(records.map((r) => [Number(r.offset), r.key?.toString(), r.value?.toString()])).toEqual(
        expected.filter((e) => e.partition === p).map((e) => [e.offset, e.key, e.value]),
      );
      expect(batches[0].maxTimestamp).toBe(records.reduce((m, r) => (r.timestamp > m ? r.timestamp : m), -1n));
    }

    const got = await kafkaGo<{ offsets: any[]; messages: Consumed[] }>('consume', { topic, partitions: 3, count: 15 });
    expect(got.offsets).toEqual([0, 1, 2].map((partition) => ({ partition, first: 0, last: next[partition] })));
    for (const m of got.messages) {
      const e = expected.find((x) => x.partition === m.partition && x.offset === m.offset)!;
      if (e.timestamp === 0) expect(m.timestamp >= t0 && m.timestamp <= t1, `timestamp ${m.timestamp} of ${m.key}`).toBe(true);
      else expect(m.timestamp).toBe(e.timestamp);
    }
    expect(got.messages.map((m) => ({ ...m, timestamp: 0 }))).toEqual(expected.map((e) => ({ ...e, timestamp: 0 })));
  });

  it('empty and null keys and values: stored as sent; kafka-go 0.2.1 reads an empty one back as null', async () => {
    const topic = topicName('empty');
    await kafkaGo('create-topic', { topic, partitions: 1 });
    const msgs = [{ key: '', value: '' }, { key: null, value: 'v' }, { key: 'k', value: null }];
    await kafkaGo('produce', { topic, balancer: 'roundrobin' }, { input: msgs });
    const [batch] = await storedBatches(raw, topic, 0);
    expect(readRecords(batch!.buf).map((r) => [r.key?.toString() ?? null, r.value?.toString() ?? null])).toEqual([['', ''], [null, 'v'], ['k', null]]);
    const got = await kafkaGo<{ messages: Consumed[] }>('consume', { topic, partitions: 1, count: 3 });
    // readNewBytes allocates only for a length > 0: zero-length keys and values come back nil (client behaviour).
    expect(got.messages.map((m) => [m.offset, m.key, m.value])).toEqual([[0, null, null], [1, null, 'v'], [2, 'k', null]]);
  });

  it('two group Readers split the partitions and commit as they read; a restarted reader resumes from the commits', async () => {
    const topic = topicName('group');
    const groupId = topicName('group-id');
    await kafkaGo('create-topic', { topic, partitions: 4 });
    const batch = (from: number, n: number) => Array.from({ length: n }, (_, j) => ({ key: `key-${from + j}`, value: `g${from + j}` }));
    await kafkaGo('produce', { topic }, { input: batch(0, 24) });
    const ends = await Promise.all([0, 1, 2, 3].map(async (p) => (await storedBatches(raw, topic, p)).reduce((n, b) => n + b.recordCount, 0)));
    expect(ends.reduce((a, b) => a + b)).toBe(24);

    const members = await kafkaGo<Consumed[][]>('group', { topic, group: groupId, members: 2, count: 24 }, { timeoutMs: 40_000 });
    const partitionsOf = (ms: Consumed[]) => [...new Set(ms.map((m) => m.partition))].sort();
    // Both joined the first generation (the broker's initial rebalance delay): the range balancer gives each two partitions.
    expect(members.map(partitionsOf).sort()).toEqual([[0, 1], [2, 3]]);
    const all = members.flat().map((m) => `${m.partition}/${m.offset}/${m.value}`).sort();
    expect(all).toEqual(
      [0, 1, 2, 3].flatMap((p) => batch(0, 24).filter((m) => kafkaGoHashPartition(m.key, 4) === p).map((m, o) => `${p}/${o}/${m.value}`)).sort(),
    );
    expect(await committedOffsets(raw, groupId, topic, 4)).toEqual(ends.map(BigInt));

    // kafka-go 0.2.1's Reader.Close never sends LeaveGroup (it dials the coordinator with the context it has just
    // cancelled), so the restarted reader's JoinGroup waits for the old members until their rebalance timeout (2 s here),
    // as it would on Kafka.
    await kafkaGo('produce', { topic }, { input: batch(24, 8) });
    const [again] = await kafkaGo<Consumed[][]>('group', { topic, group: groupId, members: 1, count: 8 }, { timeoutMs: 40_000 });
    const newEnds = await Promise.all([0, 1, 2, 3].map(async (p) => (await storedBatches(raw, topic, p)).reduce((n, b) => n + b.recordCount, 0)));
    expect(again!.map((m) => `${m.partition}/${m.offset}/${m.value}`).sort()).toEqual(
      [0, 1, 2, 3].flatMap((p) => batch(24, 8).filter((m) => kafkaGoHashPartition(m.key, 4) === p).map((m, o) => `${p}/${ends[p]! + o}/${m.value}`)).sort(),
    );
    expect(await committedOffsets(raw, groupId, topic, 4)).toEqual(newEnds.map(BigInt));
    expect(broker.recording.entries((e) => e.apiName === 'LeaveGroup' && e.clientId === 'kafka-go-compat')).toEqual([]);
  });

  it('API versions kafka-go used (all served, none refused)', () => {
    const entries = broker.recording.entries((e: RecordedRequest) => e.clientId === 'kafka-go-compat');
    expect(entries.filter((e) => e.refused)).toEqual([]);
    const apis = new Map<string, Set<number>>();
    for (const e of entries) apis.set(e.apiName, (apis.get(e.apiName) ?? new Set()).add(e.apiVersion));
    const table = Object.fromEntries([...apis].sort().map(([api, vs]) => [api, [...vs].sort((a, b) => a - b)]));
    console.log(`kafka-go 0.2.1 request versions: ${Object.entries(table).map(([api, vs]) => `${api} v${vs.join('/')}`).join(', ')}`);
    expect(table).toMatchObject({ Produce: [2], Fetch: [2], ListOffsets: [1], Metadata: [1], CreateTopics: [0], DeleteTopics: [1], FindCoordinator: [0], JoinGroup: [1], SyncGroup: [0], OffsetCommit: [2], OffsetFetch: [1] });
  });
});
