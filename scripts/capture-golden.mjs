#!/usr/bin/env node
/**
 * Captures real client frames (both directions) as golden test vectors.
 *
 * Usage:
 *   npm run build && node scripts/capture-golden.mjs [--out test/golden] [--keep-all] [--only sarama,kafka-go]
 *
 * What it does:
 *   1. Starts kafkalite in-process from dist/ (in-memory, port 0).
 *   2. Starts a recording TCP proxy in front of it. The broker is started with
 *      `advertisedPort = <proxy port>`, so the address clients learn from
 *      Metadata is the proxy's too and every connection goes through it.
 *      The proxy forwards bytes untouched and, on the side, splits each
 *      direction into frames (int32 size prefix). A request is paired with the
 *      response carrying its correlation id (responses come back in request
 *      order per connection; an acks=0 Produce gets none and is skipped).
 *   3. Drives real clients through the proxy, one phase per client:
 *      - kafkajs: admin createTopics, fetchTopicMetadata, producer send
 *        (key/value/headers), admin fetchTopicOffsets;
 *      - kcat (/usr/bin/kcat, librdkafka 2.0): -L, -P keyed with a header,
 *        -C -o beginning -e;
 *      - @platformatic/kafka: Admin createTopics + metadata, Producer send,
 *        and the low-level fetchV17 API on a bare Connection;
 *      - sarama 1.22.1 (Go, test/compat/go/sarama-client) at config.Version
 *        0.8.2.0 (Produce/Fetch/ListOffsets/Metadata v0, magic 0 message sets
 *        with a gzip wrapper), 0.10.2.0 (CreateTopics v0, Produce v2/Fetch v3
 *        with magic 1 and gzip wrappers, a two-member consumer group) and
 *        2.1.0 (ClusterAdmin, headers, idempotence, a group, group admin,
 *        DeleteRecords, and ACLs on a second broker with an authorizer);
 *      - kafka-python 2.0.2 (test/compat/python/kafka_python_client.py):
 *        admin, keyed produce with headers, read, a two-member group, and the
 *        legacy formats with api_version (0, 10, 0) and (0, 9) (gzip wrappers,
 *        group consume);
 *      - confluent-kafka 1.7.0 (test/compat/python/confluent_client.py):
 *        admin, keyed produce with headers, read, a two-member group,
 *        ListGroups/DescribeGroups, transactions and send_offsets_to_transaction;
 *      - segmentio/kafka-go 0.2.1 (test/compat/go/kafka-go-client):
 *        CreateTopics, a gzip magic 1 Writer, partition readers, a group,
 *        DeleteTopics.
 *      The Go drivers are built as the compat tests build them (the
 *      buildGoClient of test/helpers/go-client.ts, transpiled on the fly:
 *      GOPATH mode against Debian's /usr/share/gocode, same binary cache), the
 *      Python drivers run under PYTHON_BIN (/usr/bin/python3), as in
 *      test/helpers/python.ts. A phase whose client is not installed is
 *      skipped, and its fixtures from the previous capture are kept.
 *      Connections are labelled with the phase that was running when they
 *      were accepted.
 *   4. Writes one pair per distinct (client, apiKey, apiVersion) — the one
 *      with the largest request (most fields filled in), or for Fetch the one
 *      with the largest response (the one carrying records) — as
 *        <out>/<client>/<api>-v<N>.request.hex / .response.hex
 *      (each file is the complete frame, size prefix included, as lowercase
 *      hex wrapped at 64 characters) plus <out>/index.json listing them.
 *      With --keep-all, every captured pair is also dumped to <out>/all.json
 *      (for inspection; not meant to be committed). With --only a,b only
 *      those phases run; the other clients' fixtures stay as they are.
 *
 * Timestamps, producer ids, topic ids and the cluster id differ per run: the
 * fixtures are a snapshot, and test/unit/golden.test.ts asserts only on values
 * that are stable (names, versions, keys/values/headers, flags).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: path.join(ROOT, 'test/golden') },
    'keep-all': { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const OUT = path.resolve(args.out);

const { startBroker } = await import(path.join(ROOT, 'dist/index.js'));
const { API_SCHEMAS } = await import(path.join(ROOT, 'dist/wire/messages/index.js'));

const HOST = '127.0.0.1';
const KCAT = '/usr/bin/kcat';

// ---------------------------------------------------------------- proxy ----

/** Splits a byte stream into size-prefixed frames (each returned with its prefix). */
class Framer {
  constructor(onFrame) {
    this.buf = Buffer.alloc(0);
    this.onFrame = onFrame;
  }
  push(chunk) {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 4) {
      const size = this.buf.readInt32BE(0);
      if (this.buf.length < 4 + size) break;
      const frame = Buffer.from(this.buf.subarray(0, 4 + size)); // copy: the tail stays in this.buf
      this.buf = this.buf.subarray(4 + size);
      this.onFrame(frame);
    }
  }
}

function parseRequestHead(frame) {
  const apiKey = frame.readInt16BE(4);
  const apiVersion = frame.readInt16BE(6);
  const correlationId = frame.readInt32BE(8);
  const n = frame.readInt16BE(12);
  const clientId = n < 0 ? null : frame.toString('utf8', 14, 14 + n);
  return { apiKey, apiVersion, correlationId, clientId };
}

let phase = 'setup';
let connSeq = 0;
const pairs = [];
const unanswered = [];

function startProxy(getUpstreamPort) {
  const sockets = new Set();
  const server = net.createServer((client) => {
    const conn = ++connSeq;
    const label = phase;
    const pending = [];
    const upstream = net.connect(getUpstreamPort(), HOST);
    sockets.add(client);
    sockets.add(upstream);
    const reqFramer = new Framer((frame) => {
      pending.push({ ...parseRequestHead(frame), request: frame });
    });
    const resFramer = new Framer((frame) => {
      const cid = frame.readInt32BE(4);
      // Requests that got no response (acks=0 Produce) are skipped over.
      while (pending.length > 0 && pending[0].correlationId !== cid) unanswered.push({ client: label, conn, ...pending.shift() });
      const req = pending.shift();
      if (!req) {
        console.error(`[proxy] conn ${conn}: response with correlation id ${cid} matches no request`);
        return;
      }
      pairs.push({ client: label, conn, seq: pairs.length, ...req, response: frame });
    });
    client.on('data', (d) => {
      reqFramer.push(d);
      upstream.write(d);
    });
    upstream.on('data', (d) => {
      resFramer.push(d);
      client.write(d);
    });
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
  });
  return new Promise((resolve) => {
    server.listen(0, HOST, () =>
      resolve({
        port: server.address().port,
        close: () =>
          new Promise((res) => {
            for (const s of sockets) s.destroy();
            server.close(() => res());
          }),
      }),
    );
  });
}

// -------------------------------------------------------------- clients ----

const KAFKAJS_TOPIC = 'golden-kafkajs';
const KCAT_TOPIC = 'golden-kcat';
const PLAT_TOPIC = 'golden-platformatic';

async function driveKafkajs(bootstrap) {
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({ clientId: 'golden-kafkajs', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: KAFKAJS_TOPIC, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  await admin.fetchTopicMetadata({ topics: [KAFKAJS_TOPIC] });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({
    topic: KAFKAJS_TOPIC,
    acks: -1,
    messages: [{ key: 'k1', value: 'v1', headers: { h1: 'x' }, partition: 0 }],
  });
  await producer.disconnect();
  await admin.fetchTopicOffsets(KAFKAJS_TOPIC);
  await admin.disconnect();
}

function run(cmd, argv, input) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${argv.join(' ')} exited with ${code}: ${err}`));
    });
    p.stdin.end(input ?? '');
  });
}

async function driveKcat(bootstrap) {
  const common = ['-b', bootstrap, '-X', 'client.id=golden-kcat'];
  await run(KCAT, [...common, '-L']);
  await run(KCAT, [...common, '-P', '-t', KCAT_TOPIC, '-p', '0', '-k', 'kk', '-H', 'hk=hv'], 'kv\n');
  const consumed = await run(KCAT, [...common, '-C', '-t', KCAT_TOPIC, '-o', 'beginning', '-e', '-f', '%k=%s\\n']);
  if (!consumed.includes('kk=kv')) throw new Error(`kcat consumed ${JSON.stringify(consumed)}`);
}

async function drivePlatformatic(bootstrap) {
  const plat = await import('@platformatic/kafka');
  const { Admin, Producer, Connection, fetchV17, stringSerializers } = plat;
  const admin = new Admin({ clientId: 'golden-platformatic', bootstrapBrokers: [bootstrap] });
  await admin.createTopics({ topics: [PLAT_TOPIC], partitions: 1, replicas: 1 });
  const md = await admin.metadata({ topics: [PLAT_TOPIC] });
  await admin.close();

  const producer = new Producer({ clientId: 'golden-platformatic', bootstrapBrokers: [bootstrap], serializers: stringSerializers, autocreateTopics: false });
  await producer.send({ messages: [{ topic: PLAT_TOPIC, partition: 0, key: 'pk', value: 'pv', headers: { ph: 'x' } }] });
  await producer.close();

  const topicId = md.topics.get(PLAT_TOPIC)?.id;
  if (!topicId) throw new Error('platformatic metadata has no topic id');
  const [host, port] = bootstrap.split(':');
  const conn = new Connection('golden-platformatic');
  await conn.connect(host, Number(port));
  const res = await fetchV17.api.async(
    conn,
    100, // maxWaitMs
    1, // minBytes
    1048576, // maxBytes
    0, // isolationLevel
    0, // sessionId
    -1, // sessionEpoch
    [{ topicId, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, partitionMaxBytes: 1048576 }] }],
    [],
    '',
  );
  const recs = res.responses[0]?.partitions[0]?.records;
  if (!recs || recs.length === 0) throw new Error('platformatic fetchV17 returned no records');
  await conn.close();
}

/** A phase that cannot run here (its client is not installed): its earlier fixtures are kept. */
class Skip extends Error {}

/**
 * Imports one of the test helpers (TypeScript, node: imports only) by transpiling it with esbuild into a
 * temporary module, so that this script builds and runs the drivers exactly as the compat tests do.
 * `import.meta.url` keeps pointing at the helper's own place (python.ts finds the drivers next to it).
 */
async function importTestHelper(rel) {
  const file = path.join(ROOT, rel);
  const { transform } = await import('esbuild');
  const { code } = await transform(readFileSync(file, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20' });
  const tmp = path.join(os.tmpdir(), `kafkalite-golden-${path.basename(rel, '.ts')}-${process.pid}.mjs`);
  writeFileSync(tmp, code.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(file).href)));
  try {
    return await import(pathToFileURL(tmp).href);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Builds a Go driver of test/compat/go (as test/helpers/go-client.ts does) and returns a runner for it. */
async function goDriver(name, importPath) {
  const go = await importTestHelper('test/helpers/go-client.ts');
  if (go.goVersion === null) throw new Skip(`no go on PATH (apt-get install golang-go ${importPath.includes('sarama') ? 'golang-github-shopify-sarama-dev' : 'golang-github-segmentio-kafka-go-dev'})`);
  if (!go.goPackageInstalled(importPath)) throw new Skip(`${importPath} is not in ${go.DEBIAN_GOPATH}`);
  const b = await go.buildGoClient(path.join(ROOT, 'test/compat/go', name), name);
  console.log(`  ${name}: ${b.built ? `built in ${Math.round(b.ms)} ms` : 'reused an earlier build'} (${go.goVersion})`);
  /** Runs `<driver> <cmd> -<flag> <value>…` with `input` as JSON on stdin; resolves with the JSON it printed. */
  return async (cmd, flags, input, timeoutMs = 30_000) => {
    const argv = [cmd, '-timeout', `${timeoutMs - 3000}ms`];
    for (const [k, v] of Object.entries(flags)) argv.push(`-${k}`, String(v));
    console.log(`  ${name} ${argv.join(' ')}`);
    const r = await go.runProcess(b.bin, argv, { timeoutMs, input: input === undefined ? undefined : JSON.stringify(input) });
    if (r.timedOut || r.code !== 0) {
      throw new Error(`${name} ${argv.join(' ')} ${r.timedOut ? 'timed out' : `exited ${r.code ?? r.signal}`}\n${r.stderr.slice(-6000)}`);
    }
    return JSON.parse(r.stdout);
  };
}

/** A runner for one Python driver of test/compat/python (test/helpers/python.ts's runPython). */
async function pythonDriver(driver, module) {
  const py = await importTestHelper('test/helpers/python.ts');
  if (!py.pythonModuleAvailable(module)) throw new Skip(`${py.PYTHON_BIN} cannot import ${module}`);
  return (op, args, timeoutMs = 60_000) => {
    console.log(`  ${driver} ${op} ${JSON.stringify(args).slice(0, 160)}`);
    return py.runPython(driver, op, args, { timeoutMs });
  };
}

function check(cond, what) {
  if (!cond) throw new Error(`unexpected result: ${what}`);
}

const SARAMA_TOPIC_V0 = 'golden-sarama-magic0';
const SARAMA_TOPIC_V1 = 'golden-sarama-magic1';
const SARAMA_TOPIC_V2 = 'golden-sarama';
const SARAMA_ADMIN_TOPIC = 'golden-sarama-admin';
const SARAMA_GROUP_V1 = 'golden-sarama-group-0.10';
const SARAMA_GROUP_V2 = 'golden-sarama-group';

/** One request per message: keep the values long enough that these are the largest Produce requests of their version. */
const saramaMessages = (prefix, n, partitions, extra = () => ({})) =>
  Array.from({ length: n }, (_, i) => ({ key: `${prefix}-k${i}`, value: `${prefix}-v${i} ${'.'.repeat(200)}`, partition: i % partitions, headers: [], ...extra(i) }));

/** A second broker, with an authorizer and User:ANONYMOUS as super user, behind the same proxy: for the ACL APIs. */
let switchUpstream = async () => {};

async function driveSarama(bootstrap) {
  const sarama = await goDriver('sarama-client', 'github.com/Shopify/sarama');
  const at = (version) => (cmd, flags, input, timeoutMs) =>
    sarama(cmd, { brokers: bootstrap, version, 'client-id': `golden-sarama-${version}`, ...flags }, input, timeoutMs);

  // 0.8.2.0, sarama's default: Metadata v0, Produce v0, ListOffsets v0, Fetch v0, magic 0 message sets.
  // The topic is auto-created by Metadata v0 (sarama has no CreateTopics before 0.10.1).
  const v0 = at('0.8.2.0');
  let r = await v0('produce', { topic: SARAMA_TOPIC_V0, partitioner: 'manual' }, [
    { key: 'm0-k0', value: 'm0-v0', partition: 0 },
    { key: null, value: 'm0-v1 (null key)', partition: 0 },
  ]);
  check(r.map((x) => x.offset).join() === '0,1', `sarama 0.8.2.0 produce ${JSON.stringify(r)}`);
  // An AsyncProducer flushing 5 messages at once: one Produce v0 whose message set is a gzip magic 0 wrapper.
  r = await v0('async-produce', { topic: SARAMA_TOPIC_V0, partitions: 1, count: 5, compression: 'gzip' });
  check(r.length === 5, 'sarama 0.8.2.0 async-produce');
  r = await v0('consume', { topic: SARAMA_TOPIC_V0, partitions: 1, count: 7 });
  check(r.messages.length === 7, 'sarama 0.8.2.0 consume');
  r = await v0('offsets', { topic: SARAMA_TOPIC_V0, partition: 0 });
  check(r.newest === 7, `sarama 0.8.2.0 offsets ${JSON.stringify(r)}`);

  // 0.10.2.0: CreateTopics v0, Produce v2 / Fetch v3 with magic 1 (timestamps), the classic group APIs.
  const v1 = at('0.10.2.0');
  await v1('create-topic', { topic: SARAMA_TOPIC_V1, partitions: 2 });
  r = await v1('produce', { topic: SARAMA_TOPIC_V1, partitioner: 'manual' }, [
    { key: 'm1-k0', value: 'm1-v0', partition: 0, timestamp: 1_700_000_000_000 },
    { key: 'm1-k1', value: 'm1-v1', partition: 1, timestamp: 1_700_000_000_001 },
  ]);
  check(r.every((x) => x.err === null), 'sarama 0.10.2.0 produce');
  r = await v1('async-produce', { topic: SARAMA_TOPIC_V1, partitions: 2, count: 6, compression: 'gzip' });
  check(r.length === 6, 'sarama 0.10.2.0 async-produce');
  r = await v1('consume', { topic: SARAMA_TOPIC_V1, partitions: 2, count: 8 });
  check(r.messages.length === 8, 'sarama 0.10.2.0 consume');
  // Two members in one process: the second one's JoinGroup makes the first one rejoin (told by a Heartbeat).
  r = await v1('group', { topic: SARAMA_TOPIC_V1, group: SARAMA_GROUP_V1, members: 2, count: 8 }, undefined, 45_000);
  check(r.length === 2, 'sarama 0.10.2.0 group');

  // 2.1.0: ClusterAdmin, record batches with headers, idempotence, groups and group admin, DeleteRecords.
  const v2 = at('2.1.0');
  r = await v2('admin', { topic: SARAMA_ADMIN_TOPIC, partitions: 1 });
  check(r.create === null && r.delete === null, `sarama 2.1.0 admin ${JSON.stringify(r)}`);
  await v2('create-topic', { topic: SARAMA_TOPIC_V2, partitions: 2 });
  r = await v2(
    'produce',
    { topic: SARAMA_TOPIC_V2, partitioner: 'manual' },
    saramaMessages('s', 2, 2, (i) => ({ headers: [['h1', `x${i}`], ['h2', '']], timestamp: 1_700_000_000_000 + i })),
  );
  check(r.every((x) => x.err === null), 'sarama 2.1.0 produce');
  r = await v2('idempotent', { topic: SARAMA_TOPIC_V2, partitions: 2, count: 4 });
  check(r.first.length === 4, 'sarama 2.1.0 idempotent');
  r = await v2('consume', { topic: SARAMA_TOPIC_V2, partitions: 2, count: 7 });
  check(r.messages.length === 7, 'sarama 2.1.0 consume');
  r = await v2('offsets', { topic: SARAMA_TOPIC_V2, partition: 0, times: '1700000000000' });
  r = await v2('group', { topic: SARAMA_TOPIC_V2, group: SARAMA_GROUP_V2, members: 2, count: 7 }, undefined, 45_000);
  check(r.length === 2, 'sarama 2.1.0 group');
  r = await v2('group-admin', { topic: SARAMA_TOPIC_V2, group: SARAMA_GROUP_V2, partitions: 2 });
  r = await v2('delete-records', { topic: SARAMA_TOPIC_V2, partition: 0, offset: 1 });
  check(r.err === null, `sarama 2.1.0 delete-records ${JSON.stringify(r)}`);

  // ACLs need an authorizer: the proxy forwards the connections of this step to the second broker.
  await switchUpstream('secured');
  try {
    r = await v2('acls', { topic: SARAMA_TOPIC_V2 });
    check(r.createRead === null && r.listed.length === 2, `sarama 2.1.0 acls ${JSON.stringify(r)}`);
  } finally {
    await switchUpstream('main');
  }
}

const KP_TOPIC = 'golden-kafka-python';
const KP_TOPIC_V0 = 'golden-kafka-python-magic0';
const KP_TOPIC_V1 = 'golden-kafka-python-magic1';

const pyMessages = (prefix, n, partitions, withHeaders) =>
  Array.from({ length: n }, (_, i) => ({
    key: `${prefix}-k${i}`,
    value: `${prefix}-v${i}`,
    partition: i % partitions,
    ...(withHeaders ? { headers: [['h1', `x${i}`], ['h2', '']] } : {}),
  }));

async function driveKafkaPython(bootstrap) {
  const kp = await pythonDriver('kafka_python_client.py', 'kafka');
  const base = { bootstrap, clientId: 'golden-kafka-python' };
  // Without api_version, kafka-python infers 2.5 from ApiVersions and picks its own versions for it.
  let r = await kp('create_topics', { ...base, topics: [{ name: KP_TOPIC, partitions: 2 }, { name: KP_TOPIC_V0, partitions: 1 }, { name: KP_TOPIC_V1, partitions: 1 }] });
  check(Object.values(r).every((e) => e === null), `kafka-python create_topics ${JSON.stringify(r)}`);
  r = await kp('produce', { ...base, topic: KP_TOPIC, messages: pyMessages('kp', 4, 2, true).map((m, i) => ({ ...m, timestamp: 1_700_000_000_000 + i })), config: { linger_ms: 50 } });
  check(r.every((d) => d.error === null), 'kafka-python produce');
  r = await kp('read_all', { ...base, topic: KP_TOPIC, partitions: 2 });
  check(r.messages.length === 4, 'kafka-python read_all');
  r = await kp('group_pair', { ...base, topic: KP_TOPIC, group: 'golden-kafka-python-group', partitions: 2, messages: pyMessages('g', 2, 2, false) }, 90_000);
  // A new member that finds nothing left to read but stays 1.2 s: Heartbeat v1 from its heartbeat thread (every 500 ms).
  r = await kp('group_consume', { ...base, topic: KP_TOPIC, group: 'golden-kafka-python-group', partitions: 2, expect: 0, graceMs: 1200 }, 90_000);
  check(r.consumed.length === 0, `kafka-python group_consume ${JSON.stringify(r)}`);
  r = await kp('describe_group', { ...base, group: 'golden-kafka-python-group' });
  r = await kp('describe_configs', { ...base, topic: KP_TOPIC, names: ['retention.ms'] });
  r = await kp('describe_topics', { ...base, topics: [KP_TOPIC] });
  // The legacy message formats: gzip wrappers of magic 1 (0.10.0: Produce v2, Fetch v2) and magic 0 (0.9: Produce v1, Fetch v1).
  for (const [version, topic] of [
    [[0, 10, 0], KP_TOPIC_V1],
    [[0, 9], KP_TOPIC_V0],
  ]) {
    const label = version.join('.');
    const config = { api_version: version };
    const messages = pyMessages(`legacy${version.join('')}`, 4, 1, false);
    r = await kp('produce', { ...base, topic, messages, config: { ...config, compression_type: 'gzip', linger_ms: 100 } });
    check(r.every((d) => d.error === null), `kafka-python ${label} produce`);
    r = await kp('group_consume', { ...base, topic, group: `golden-kafka-python-group-${label}`, partitions: 1, expect: 4, graceMs: 1200, config }, 90_000);
    check(r.consumed.length === 4, `kafka-python ${label} group_consume`);
  }
  r = await kp('delete_topics', { ...base, topics: [KP_TOPIC_V0, KP_TOPIC_V1] });
}

const CK_TOPIC = 'golden-confluent';
const CK_TXN_TOPIC = 'golden-confluent-txn';
const CK_OUT_TOPIC = 'golden-confluent-out';

async function driveConfluent(bootstrap) {
  const ck = await pythonDriver('confluent_client.py', 'confluent_kafka');
  const base = { bootstrap, clientId: 'golden-confluent' };
  let r = await ck('create_topics', { ...base, topics: [{ name: CK_TOPIC, partitions: 2 }, { name: CK_TXN_TOPIC, partitions: 1 }, { name: CK_OUT_TOPIC, partitions: 2, configs: { 'retention.ms': '3600000' } }] });
  check(Object.values(r).every((e) => e === null), `confluent create_topics ${JSON.stringify(r)}`);
  // Long values and a long linger: per partition one Produce v7 with both records, larger than any transactional one.
  const keyed = pyMessages('ck', 4, 2, true).map((m, i) => ({ ...m, value: `${m.value} ${'.'.repeat(60)}`, timestamp: 1_700_000_000_000 + i }));
  r = await ck('produce', { ...base, topic: CK_TOPIC, messages: keyed, config: { 'linger.ms': 300 } });
  check(r.every((d) => d.error === null), 'confluent produce');
  r = await ck('read_all', { ...base, topic: CK_TOPIC, partitions: 2 });
  check(r.length === 4, 'confluent read_all');
  r = await ck('group_pair', { ...base, topic: CK_TOPIC, group: 'golden-confluent-group', partitions: 2, messages: pyMessages('g', 2, 2, false) }, 90_000);
  r = await ck('list_groups', { ...base });
  r = await ck('describe_configs', { ...base, topic: CK_OUT_TOPIC });
  r = await ck('create_partitions', { ...base, topic: CK_TXN_TOPIC, total: 2 });
  r = await ck('transactions', {
    ...base,
    topic: CK_TXN_TOPIC,
    transactionalId: 'golden-confluent-txn',
    steps: [
      { action: 'commit', messages: [{ key: 'c0', value: 'committed', partition: 0 }] },
      { action: 'abort', messages: [{ key: 'a0', value: 'aborted', partition: 0 }] },
    ],
  });
  // Consume-transform-produce over the committed record of the transactions above (AddOffsetsToTxn, TxnOffsetCommit);
  // its Produce stays smaller than the keyed one, which is the Produce v7 fixture.
  r = await ck('transform', { ...base, input: CK_TXN_TOPIC, output: CK_OUT_TOPIC, group: 'golden-confluent-transform', count: 1, transactionalId: 'golden-confluent-transform' }, 90_000);
  check(r.positions.length === 2, `confluent transform ${JSON.stringify(r)}`);
  r = await ck('delete_topics', { ...base, topics: [CK_TXN_TOPIC] });
  check(r[CK_TXN_TOPIC] === null, 'confluent delete_topics');
}

const KGO_TOPIC = 'golden-kafka-go';

async function driveKafkaGo(bootstrap) {
  const kgo = await goDriver('kafka-go-client', 'github.com/segmentio/kafka-go');
  const run = (cmd, flags, input, timeoutMs) => kgo(cmd, { broker: bootstrap, 'client-id': 'golden-kafka-go', ...flags }, input, timeoutMs);
  let r = await run('create-topic', { topic: KGO_TOPIC, partitions: 2 });
  check(r.create === null, `kafka-go create-topic ${JSON.stringify(r)}`);
  // One WriteMessages call: per partition, one gzip magic 1 wrapper (roundrobin: 3 and 3).
  const messages = Array.from({ length: 6 }, (_, i) => ({ key: `kg-k${i}`, value: `kg-v${i} ${'gzip '.repeat(8)}`, timestamp: 1_700_000_000_000 + i }));
  r = await run('produce', { topic: KGO_TOPIC, compression: 'gzip', balancer: 'roundrobin' }, messages);
  check(r.written === 6, 'kafka-go produce');
  r = await run('consume', { topic: KGO_TOPIC, partitions: 2, count: 6 });
  r = await run('group', { topic: KGO_TOPIC, group: 'golden-kafka-go-group', members: 2, count: 6 }, undefined, 45_000);
  r = await run('delete-topic', { topic: KGO_TOPIC });
  check(r.delete === null, `kafka-go delete-topic ${JSON.stringify(r)}`);
}

// ---------------------------------------------------------------- main -----

const apiName = (key) => {
  const s = API_SCHEMAS.get(key);
  const n = s ? s.request.name.replace(/Request$/, '') : `api${key}`;
  return n.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
};

const wrapHex = (b) => (b.toString('hex').match(/.{1,64}/g) ?? ['']).join('\n') + '\n';

let brokerPort = 0;
const proxy = await startProxy(() => brokerPort);
const broker = await startBroker({ port: 0, host: HOST, inMemory: true, advertisedPort: proxy.port, logLevel: 'warn' });
brokerPort = broker.port;
const bootstrap = `${HOST}:${proxy.port}`;
console.log(`broker on ${broker.bootstrapServers}, recording proxy on ${bootstrap}`);
let secured = null;
switchUpstream = async (which) => {
  if (which === 'secured') {
    secured ??= await startBroker({ port: 0, host: HOST, inMemory: true, advertisedPort: proxy.port, authorizer: true, superUsers: ['User:ANONYMOUS'], logLevel: 'warn' });
    brokerPort = secured.port;
  } else {
    brokerPort = broker.port;
  }
};

const phases = [
  ['kafkajs', driveKafkajs],
  ['kcat', driveKcat],
  ['platformatic', drivePlatformatic],
  ['sarama', driveSarama],
  ['kafka-python', driveKafkaPython],
  ['confluent-kafka', driveConfluent],
  ['kafka-go', driveKafkaGo],
].filter(([name]) => args.only === undefined || args.only.split(',').includes(name));
const failures = [];
const captured = new Set();
try {
  for (const [name, drive] of phases) {
    phase = name;
    const t0 = Date.now();
    try {
      await drive(bootstrap);
      captured.add(name);
      console.log(`${name}: ok (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      if (e instanceof Skip) {
        console.warn(`${name}: SKIPPED (${e.message}); its fixtures from the last capture are kept`);
      } else {
        failures.push(name);
        console.error(`${name}: FAILED: ${e?.stack ?? e}`);
      }
    }
    phase = 'idle';
    await new Promise((r) => setTimeout(r, 300)); // let lingering connections finish
  }
} finally {
  await proxy.close();
  await broker.close();
  await secured?.close();
}

// Pick one pair per (client, apiKey, apiVersion): the one with the largest request (the most fields
// filled in, e.g. Metadata naming a topic rather than asking for none), first seen on ties; for Fetch, the
// one with the largest response (the one that carries the record batch). All frames here are small.
const FETCH = 1;
const score = (p) => (p.apiKey === FETCH ? p.response.length : p.request.length);
const chosen = new Map();
for (const p of pairs) {
  if (!captured.has(p.client)) continue;
  const k = `${p.client}/${p.apiKey}/${p.apiVersion}`;
  const cur = chosen.get(k);
  if (!cur || score(p) > score(cur)) chosen.set(k, p);
}

// Clients not captured this time (skipped, failed, or left out by --only) keep their fixtures.
let previous = { capturedWith: {}, fixtures: [] };
try {
  previous = JSON.parse(readFileSync(path.join(OUT, 'index.json'), 'utf8'));
} catch {
  // first capture
}
const kept = previous.fixtures.filter((f) => !captured.has(f.client));
for (const client of captured) rmSync(path.join(OUT, client), { recursive: true, force: true });
rmSync(path.join(OUT, 'all.json'), { force: true });
mkdirSync(OUT, { recursive: true });
const index = [...kept];
let total = 0;
for (const p of [...chosen.values()].sort((a, b) => a.client.localeCompare(b.client) || a.apiKey - b.apiKey || a.apiVersion - b.apiVersion)) {
  const base = `${p.client}/${apiName(p.apiKey)}-v${p.apiVersion}`;
  mkdirSync(path.join(OUT, p.client), { recursive: true });
  writeFileSync(path.join(OUT, `${base}.request.hex`), wrapHex(p.request));
  writeFileSync(path.join(OUT, `${base}.response.hex`), wrapHex(p.response));
  total += p.request.length + p.response.length;
  index.push({
    client: p.client,
    api: apiName(p.apiKey),
    apiKey: p.apiKey,
    apiVersion: p.apiVersion,
    correlationId: p.correlationId,
    clientId: p.clientId,
    request: `${base}.request.hex`,
    response: `${base}.response.hex`,
    requestBytes: p.request.length,
    responseBytes: p.response.length,
  });
}
const CLIENT_ORDER = ['kafkajs', 'kcat', 'platformatic', 'sarama', 'kafka-python', 'confluent-kafka', 'kafka-go'];
const order = (c) => (CLIENT_ORDER.includes(c) ? CLIENT_ORDER.indexOf(c) : CLIENT_ORDER.length);
index.sort((a, b) => order(a.client) - order(b.client) || a.client.localeCompare(b.client) || a.apiKey - b.apiKey || a.apiVersion - b.apiVersion);
const CLIENT_OF_INFO = { '@platformatic/kafka': 'platformatic' }; // captureInfo() keys that are not phase names
const capturedWith = { ...previous.capturedWith };
for (const [k, v] of Object.entries(captureInfo())) if (captured.has(CLIENT_OF_INFO[k] ?? k)) capturedWith[k] = v;
writeFileSync(path.join(OUT, 'index.json'), JSON.stringify({ capturedWith, fixtures: index }, null, 2) + '\n');
if (args['keep-all']) {
  writeFileSync(
    path.join(OUT, 'all.json'),
    JSON.stringify(
      pairs.map((p) => ({ ...p, request: p.request.toString('hex'), response: p.response.toString('hex') })),
      null,
      1,
    ),
  );
}

function captureInfo() {
  const ver = (m) => {
    try {
      return JSON.parse(readFileSync(path.join(ROOT, 'node_modules', m, 'package.json'), 'utf8')).version;
    } catch {
      return undefined;
    }
  };
  return {
    kafkajs: ver('kafkajs'),
    '@platformatic/kafka': ver('@platformatic/kafka'),
    kcat: 'librdkafka 2.0 (/usr/bin/kcat)',
    sarama: "1.22.1 (Debian's golang-github-shopify-sarama-dev), config.Version 0.8.2.0, 0.10.2.0, 2.1.0",
    'kafka-python': "2.0.2 (Debian's python3-kafka): inferred api_version, (0, 10, 0) and (0, 9)",
    'confluent-kafka': "1.7.0 on librdkafka 2.0.2 (Debian's python3-confluent-kafka)",
    'kafka-go': "segmentio/kafka-go 0.2.1 (Debian's golang-github-segmentio-kafka-go-dev)",
  };
}


console.log(`captured ${pairs.length} request/response pairs (${unanswered.length} requests without a response)`);
for (const e of index.filter((x) => captured.has(x.client))) console.log(`  ${e.client.padEnd(13)} ${e.api.padEnd(14)} key ${String(e.apiKey).padStart(2)} v${e.apiVersion}  ${e.requestBytes}+${e.responseBytes} bytes`);
console.log(`wrote ${index.length - kept.length} pairs (${total} bytes of frames), kept ${kept.length}, in ${path.relative(process.cwd(), OUT) || '.'}`);
if (failures.length > 0) {
  console.error(`client phases failed: ${failures.join(', ')}`);
  process.exitCode = 1;
}
