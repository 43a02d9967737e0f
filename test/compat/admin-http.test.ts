// The admin HTTP server (/ready, /health, /metrics), start-up topics and seed fixtures,
// and reset(), against real sockets and kafkajs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { murmur2 } from '../../src/admin/fixtures.js';
import { startAdminServer } from '../../src/admin/http-server.js';
import { Broker } from '../../src/broker.js';
import { resolveConfig } from '../../src/config/broker-config.js';
import { readBuffers } from '../../src/log/read-buffers.js';
import { decodeRecords } from '../../src/wire/record-batch.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { ensureBuilt, spawnBroker } from '../helpers/spawn-broker.js';

const { Kafka, logLevel, Partitioners } = kafkajs;

const suffix = `${process.pid}-${Date.now().toString(36)}`;

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

async function metrics(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
  return res.text();
}

/** Value of one series, e.g. sample(text, 'kafkalite_requests_total', { api: 'Produce' }); undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string | number> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = new Map<string, string>();
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)) got.set(l[1]!, l[2]!);
    if (Object.entries(labels).every(([k, v]) => got.get(k) === String(v))) return Number(m[3]);
  }
  return undefined;
}

function sum(text: string, name: string, labels: Record<string, string | number> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const body = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => body.includes(`${k}="${v}"`))) total += Number(m[3]);
  }
  return total;
}

async function until<T>(fn: () => Promise<T | undefined | false>, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('/ready', () => {
  it('is 503 until Metadata has been served, 200 after, 503 again once shutdown starts', async () => {
    const broker = new Broker(resolveConfig({ port: 0, inMemory: true }), pino({ level: 'silent' }));
    await broker.start();
    const admin = await startAdminServer(broker, { host: '127.0.0.1', port: 0 });
    try {
      let r = await getJson(`${admin.url}/ready`);
      expect(r.status).toBe(503);
      expect(r.body).toEqual({ ready: false, reason: 'metadata not served yet' });

      // An ApiVersions request is not enough.
      const raw = await RawClient.connect(broker.port);
      await raw.request(18, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
      expect((await getJson(`${admin.url}/ready`)).status).toBe(503);
      await raw.request(3, 1, { topics: [] });
      r = await getJson(`${admin.url}/ready`);
      expect(r).toEqual({ status: 200, body: { ready: true } });
      raw.close();

      const closing = broker.close();
      r = await getJson(`${admin.url}/ready`);
      expect(r.status).toBe(503);
      expect(r.body.reason).toBe('shutting down');
      await closing;
    } finally {
      await broker.close();
      await admin.close();
    }
  });

  it('is 200 as soon as startBroker resolves (its start-up probe is a Metadata request)', async () => {
    const b = await startTestBroker({ adminPort: 0 });
    try {
      expect(b.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await getJson(`${b.adminUrl}/ready`)).status).toBe(200);
      // The probe asked for no topics, so nothing was auto-created.
      expect([...b.broker.store.topics()]).toEqual([]);
    } finally {
      await b.close();
    }
  });
});

describe('admin server', () => {
  let b: TestBroker;
  let kafka: InstanceType<typeof Kafka>;

  beforeAll(async () => {
    b = await startTestBroker({ adminPort: 0 });
    kafka = new Kafka({
      clientId: 'admin-http-test',
      brokers: [b.bootstrapServers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 3, initialRetryTime: 50, maxRetryTime: 200 },
    });
  });

  afterAll(async () => {
    await b?.close();
  });

  it('/health reports status, uptime, topics and connections', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: `health-${suffix}`, numPartitions: 3 }] });
    const r = await getJson(`${b.adminUrl}/health`);
    await admin.disconnect();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', nodeId: 1, bootstrapServers: b.bootstrapServers, storage: 'memory', kafkaVersion: null });
    expect(r.body.uptimeSeconds).toBeGreaterThan(0);
    expect(r.body.topics).toBeGreaterThanOrEqual(1);
    expect(r.body.partitions).toBeGreaterThanOrEqual(3);
    expect(r.body.connections).toBeGreaterThanOrEqual(1);
  });

  it('unknown paths are 404 and wrong methods 405, as JSON', async () => {
    expect(await getJson(`${b.adminUrl}/nope`)).toEqual({ status: 404, body: { error: 'no route for GET /nope' } });
    const res = await fetch(`${b.adminUrl}/ready`, { method: 'POST' });
    expect(res.status).toBe(405);
  });

  it('other features can add routes', async () => {
    b.adminServer!.route('GET', '/console/*', ({ params }) => ({ path: params['*'] }));
    expect(await getJson(`${b.adminUrl}/console/topics/a`)).toEqual({ status: 200, body: { path: 'topics/a' } });
  });

  it('/metrics: request counters grow with traffic, histograms are cumulative, lag follows commits', async () => {
    const topic = `metrics-${suffix}`;
    const group = `metrics-group-${suffix}`;
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'warm-up' }] });
    const before = await metrics(b.adminUrl!);
    const produceBefore = sample(before, 'kafkalite_requests_total', { api: 'Produce', version: 7 })!;
    expect(produceBefore).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 9; i++) await producer.send({ topic, messages: [{ value: `m${i}` }] });

    const after = await metrics(b.adminUrl!);
    expect(sample(after, 'kafkalite_requests_total', { api: 'Produce', version: 7 })).toBe(produceBefore + 9);
    expect(sample(after, 'kafkalite_request_bytes_total', { api: 'Produce' })!).toBeGreaterThan(sample(before, 'kafkalite_request_bytes_total', { api: 'Produce' })!);
    expect(sample(after, 'kafkalite_response_bytes_total', { api: 'Produce' })!).toBeGreaterThan(sample(before, 'kafkalite_response_bytes_total', { api: 'Produce' })!);
    expect(sample(after, 'kafkalite_log_end_offset', { topic, partition: 0 })).toBe(10);
    expect(sample(after, 'kafkalite_log_size_bytes', { topic, partition: 0 })!).toBeGreaterThan(0);
    expect(sample(after, 'kafkalite_connections')!).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'kafkalite_topics')!).toBeGreaterThanOrEqual(1);
    // Process memory: plausible magnitudes (this test process runs the broker), and the read pool as the pool reports it.
    expect(sample(after, 'process_resident_memory_bytes')!).toBeGreaterThan(20 * 1024 * 1024);
    expect(sample(after, 'nodejs_heap_size_used_bytes')!).toBeGreaterThan(1024 * 1024);
    expect(sample(after, 'nodejs_heap_size_used_bytes')!).toBeLessThan(sample(after, 'process_resident_memory_bytes')!);
    expect(sample(after, 'nodejs_external_memory_bytes')!).toBeGreaterThan(0);
    expect(sample(after, 'kafkalite_read_buffer_pool_bytes')).toBe(readBuffers.pooledBytes);
    expect(after).toContain('# TYPE kafkalite_request_duration_seconds histogram');

    // Histogram: buckets are cumulative (never decrease), +Inf equals _count.
    const buckets = after
      .split('\n')
      .filter((l) => l.startsWith('kafkalite_request_duration_seconds_bucket{api="Produce"'))
      .map((l) => ({ le: /le="([^"]+)"/.exec(l)![1]!, n: Number(l.split(' ').pop()) }));
    expect(buckets.length).toBeGreaterThan(5);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.n).toBeGreaterThanOrEqual(buckets[i - 1]!.n);
    expect(buckets.at(-1)!.le).toBe('+Inf');
    expect(buckets.at(-1)!.n).toBe(sample(after, 'kafkalite_request_duration_seconds_count', { api: 'Produce' }));
    expect(buckets.at(-1)!.n).toBe(produceBefore + 9);

    // Errors per API and version: a Metadata request for an invalid topic name.
    const raw = await RawClient.connect(b.port);
    await raw.request(3, 4, { topics: [{ name: 'bad name!' }], allowAutoTopicCreation: false });
    raw.close();
    expect(sample(await metrics(b.adminUrl!), 'kafkalite_request_errors_total', { api: 'Metadata', version: 4, error: 'INVALID_TOPIC_EXCEPTION' })).toBe(1);

    // Consumer-group lag: a consumer reads all 10 and commits; 4 more are produced after it stopped.
    const consumer = kafka.consumer({ groupId: group, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    await consumer.run({
      eachMessage: async () => {
        seen++;
      },
    });
    await until(async () => seen >= 10 || undefined, 'the consumer to read 10 messages');
    await until(async () => sample(await metrics(b.adminUrl!), 'kafkalite_consumer_group_committed_offset', { group, topic, partition: 0 }) === 10, 'the commit of offset 10');
    await consumer.disconnect();
    expect(sample(await metrics(b.adminUrl!), 'kafkalite_consumer_group_lag', { group, topic, partition: 0 })).toBe(0);
    for (let i = 0; i < 4; i++) await producer.send({ topic, messages: [{ value: `late${i}` }] });
    const lagText = await metrics(b.adminUrl!);
    expect(sample(lagText, 'kafkalite_consumer_group_lag', { group, topic, partition: 0 })).toBe(4);
    expect(sample(lagText, 'kafkalite_consumer_groups', { type: 'classic', state: 'Empty' })!).toBeGreaterThanOrEqual(1);
    expect(sum(lagText, 'kafkalite_requests_total', { api: 'OffsetCommit' })).toBeGreaterThanOrEqual(1);
    await producer.disconnect();
  });
});

describe('start-up topics, seed fixtures and reset()', () => {
  const fixtures = {
    topics: [
      {
        name: 'orders',
        partitions: 3,
        configs: { 'cleanup.policy': 'compact' },
        messages: [
          { key: 'order-1', value: { total: 12 }, headers: { source: 'seed' }, timestamp: '2024-01-02T03:04:05Z' },
          { key: 'order-2', value: 'plain' },
          { partition: 2, value: 'pinned', headers: [{ key: 'h', value: null }] },
          { key: 'order-1', value: null },
        ],
      },
      { name: 'empty-topic' },
    ],
  };

  function readAll(b: TestBroker, topic: string, partition: number) {
    const log = b.broker.store.partition(topic, partition)!;
    return log.read(log.logStartOffset, 1 << 20, true).batches.flatMap((batch) => decodeRecords(batch));
  }

  it('murmur2 matches Kafka (Utils.murmur2 test vectors, and kafkajs\'s port on random keys)', async () => {
    // @ts-expect-error kafkajs ships no types for its internals
    const { default: kafkajsMurmur2 } = (await import('kafkajs/src/producer/partitioners/default/murmur2.js')) as { default: (k: string | Buffer) => number };
    for (let i = 0; i < 200; i++) {
      const key = Buffer.from(Array.from({ length: i % 23 }, (_, j) => (i * 31 + j * 7) & 0xff));
      expect(murmur2(key)).toBe(kafkajsMurmur2(key));
    }
    const h = (s: string) => murmur2(Buffer.from(s));
    expect(h('21')).toBe(-973932308);
    expect(h('foobar')).toBe(-790332482);
    expect(h('a-little-bit-long-string')).toBe(-985981536);
    expect(h('a-little-bit-longer-string')).toBe(-1486304829);
    expect(h('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8')).toBe(-58897971);
    expect(h('')).toBe(275646681);
  });

  it('creates topics and messages from a fixtures object, keyed messages where Kafka\'s default partitioner puts them', async () => {
    const b = await startTestBroker({ seed: fixtures, topics: [{ name: 'plain', partitions: 2, configs: { 'retention.ms': '60000' } }] });
    try {
      expect(b.broker.store.topic('plain')).toMatchObject({ numPartitions: 2, configs: { 'retention.ms': '60000' } });
      expect(b.broker.store.topic('orders')).toMatchObject({ numPartitions: 3, configs: { 'cleanup.policy': 'compact' } });
      expect(b.broker.store.topic('empty-topic')!.numPartitions).toBe(1);

      // kafkajs's default partitioner (murmur2, like Java's) must agree on where order-1 goes.
      const partitioner = Partitioners.DefaultPartitioner();
      const p1 = partitioner({ topic: 'orders', partitionMetadata: [0, 1, 2].map((p) => ({ partitionId: p, leader: 1 })) as any, message: { key: 'order-1', value: null } });
      const recs = readAll(b, 'orders', p1);
      const order1 = recs.filter((r) => r.key?.toString() === 'order-1');
      expect(order1.map((r) => r.value?.toString() ?? null)).toEqual(['{"total":12}', null]);
      expect(order1[0]!.timestamp).toBe(BigInt(Date.parse('2024-01-02T03:04:05Z')));
      expect(order1[0]!.headers).toEqual([{ key: 'source', value: Buffer.from('seed') }]);
      const pinned = readAll(b, 'orders', 2).find((r) => r.value?.toString() === 'pinned')!;
      expect(pinned.key).toBeNull();
      expect(pinned.headers).toEqual([{ key: 'h', value: null }]);
      const total = [0, 1, 2].reduce((n, p) => n + readAll(b, 'orders', p).length, 0);
      expect(total).toBe(4);

      // And a kafkajs consumer reads them like any other data.
      const kafka = new Kafka({ clientId: 'seed-test', brokers: [b.bootstrapServers], logLevel: logLevel.NOTHING });
      const consumer = kafka.consumer({ groupId: `seed-${suffix}` });
      await consumer.connect();
      await consumer.subscribe({ topic: 'orders', fromBeginning: true });
      const values: (string | null)[] = [];
      await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value?.toString() ?? null) });
      await until(async () => values.length >= 4 || undefined, 'four seeded messages');
      await consumer.disconnect();
      expect(values.sort()).toEqual(['pinned', 'plain', '{"total":12}', null].sort());
    } finally {
      await b.close();
    }
  });

  it('reads a fixtures file, and refuses bad fixtures with the offending entry named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafkalite-seed-'));
    try {
      const file = join(dir, 'fixtures.json');
      writeFileSync(file, JSON.stringify(fixtures));
      const b = await startTestBroker({ seed: file });
      expect(readAll(b, 'orders', 2).some((r) => r.value?.toString() === 'pinned')).toBe(true);
      await b.close();

      await expect(startTestBroker({ seed: { topics: [{ name: 'x', partitions: 1, messages: [{ partition: 5, value: 'v' }] }] } })).rejects.toThrow(
        'topics[0] (x).messages[0]: partition 5 does not exist',
      );
      await expect(startTestBroker({ seed: { topics: [{ name: 'y', configs: { 'no.such.config': '1' } }] } })).rejects.toThrow('Unknown topic config name');
      await expect(startTestBroker({ seed: join(dir, 'missing.json') })).rejects.toThrow('cannot read fixtures');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** A "simple" commit (no group membership), as admin tools do. */
  async function commit(b: TestBroker, groupId: string, topic: string, offset: bigint): Promise<number> {
    const raw = await RawClient.connect(b.port);
    const res = await raw.request(8, 2, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      retentionTimeMs: -1n,
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: offset, committedMetadata: null }] }],
    });
    raw.close();
    return res.topics[0].partitions[0].errorCode;
  }

  it('reset() wipes topics, groups, offsets and faults in milliseconds, then restores the start-up data', async () => {
    const b = await startTestBroker({ seed: fixtures, adminPort: 0 });
    const kafka = new Kafka({ clientId: 'reset-test', brokers: [b.bootstrapServers], logLevel: logLevel.NOTHING });
    try {
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: Array.from({ length: 100 }, (_, i) => ({ topic: `bulk-${i}`, numPartitions: 2 })) });
      await admin.disconnect();
      expect(await commit(b, 'g1', 'orders', 1n)).toBe(0);
      b.faults.add({ apiKey: 'Metadata', latencyMs: 10 });
      b.recording.start();
      expect(b.broker.groups.offsets.hasOffsets('g1')).toBe(true);
      expect([...b.broker.store.topics()].length).toBeGreaterThanOrEqual(102);

      const t0 = performance.now();
      await b.reset();
      const ms = performance.now() - t0;
      expect(ms).toBeLessThan(1000);

      const names = [...b.broker.store.topics()].map((t) => t.name).sort();
      expect(names).toEqual(['empty-topic', 'orders']);
      expect(b.broker.groups.allGroups()).toEqual([]);
      expect(b.broker.groups.offsets.hasOffsets('g1')).toBe(false);
      expect(b.faults.list()).toEqual([]);
      expect(b.recording.entries()).toEqual([]);
      expect([0, 1, 2].reduce((n, p) => n + readAll(b, 'orders', p).length, 0)).toBe(4);

      // The broker keeps working, and offsets can be committed again (the offsets topic comes back).
      expect(await commit(b, 'g2', 'orders', 3n)).toBe(0);
      const admin2 = kafka.admin();
      await admin2.connect();
      const fetched = await admin2.fetchOffsets({ groupId: 'g2', topics: ['orders'] });
      expect(fetched[0]!.partitions.find((p) => p.partition === 0)!.offset).toBe('3');
      await admin2.disconnect();

      // reset({ reseed: false }) leaves nothing; POST /reset does the same as reset().
      await b.reset({ reseed: false });
      expect([...b.broker.store.topics()]).toEqual([]);
      const r = await fetch(`${b.adminUrl}/reset`, { method: 'POST' });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { reset: boolean }).reset).toBe(true);
      expect([...b.broker.store.topics()].map((t) => t.name).sort()).toEqual(['empty-topic', 'orders']);
    } finally {
      await b.close();
    }
  });

  it('reset() of a disk broker', async () => {
    const b = await startTestBroker({ inMemory: false, topics: [{ name: 'kept', partitions: 2 }] });
    try {
      await b.broker.createTopic('scratch', 4);
      const seen: string[][] = [];
      const off = b.broker.hooks.onReset(() => void seen.push([...b.broker.store.topics()].map((t) => t.name)));
      await b.reset();
      expect([...b.broker.store.topics()].map((t) => t.name)).toEqual(['kept']);
      expect(seen).toEqual([[]]); // listeners run once everything is wiped, before the start-up data returns
      off();
      await b.reset();
      expect(seen).toHaveLength(1);
    } finally {
      await b.close();
    }
  });
});

describe('the CLI', () => {
  // Builds dist/ when stale; tsc under a loaded test run can take a while.
  beforeAll(() => ensureBuilt(), 180_000);

  it('--admin-port, --seed and --kafka-version: the ready line, then /ready and /health', async () => {
    const free = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const port = (srv.address() as AddressInfo).port;
        srv.close(() => resolve(port));
      });
    });
    const dir = mkdtempSync(join(tmpdir(), 'kafkalite-cli-admin-'));
    const seed = join(dir, 'fixtures.json');
    writeFileSync(seed, JSON.stringify({ topics: [{ name: 'cli-seeded', partitions: 2, messages: [{ value: 'hello' }] }] }));
    const child = await spawnBroker({ dataDir: join(dir, 'data'), args: ['--admin-port', String(free), '--seed', seed, '--kafka-version', '2.8'] });
    try {
      expect(child.stdout()).toBe(`kafkalite ready on ${child.bootstrap}\n`);
      const admin = `http://127.0.0.1:${free}`;
      expect((await getJson(`${admin}/ready`)).status).toBe(200);
      const health = await getJson(`${admin}/health`);
      expect(health.body).toMatchObject({ status: 'ok', kafkaVersion: '2.8', storage: 'disk', topics: 1, partitions: 2 });
      expect(sample(await metrics(admin), 'kafkalite_log_end_offset', { topic: 'cli-seeded', partition: 0 })! + sample(await metrics(admin), 'kafkalite_log_end_offset', { topic: 'cli-seeded', partition: 1 })!).toBe(1);
      expect(await child.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    } finally {
      await child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
