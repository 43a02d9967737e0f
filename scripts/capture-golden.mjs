#!/usr/bin/env node
/**
 * Captures real client frames (both directions) as golden test vectors.
 *
 * Usage:
 *   npm run build && node scripts/capture-golden.mjs [--out test/golden] [--keep-all]
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
 *        and the low-level fetchV17 API on a bare Connection.
 *      Connections are labelled with the phase that was running when they
 *      were accepted.
 *   4. Writes one pair per distinct (client, apiKey, apiVersion) — the one
 *      with the largest request (most fields filled in), or for Fetch the one
 *      with the largest response (the one carrying records) — as
 *        <out>/<client>/<api>-v<N>.request.hex / .response.hex
 *      (each file is the complete frame, size prefix included, as lowercase
 *      hex wrapped at 64 characters) plus <out>/index.json listing them.
 *      With --keep-all, every captured pair is also dumped to <out>/all.json
 *      (for inspection; not meant to be committed).
 *
 * Timestamps, producer ids, topic ids and the cluster id differ per run: the
 * fixtures are a snapshot, and test/unit/golden.test.ts asserts only on values
 * that are stable (names, versions, keys/values/headers, flags).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: { out: { type: 'string', default: path.join(ROOT, 'test/golden') }, 'keep-all': { type: 'boolean', default: false } },
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

const phases = [
  ['kafkajs', driveKafkajs],
  ['kcat', driveKcat],
  ['platformatic', drivePlatformatic],
];
const failures = [];
try {
  for (const [name, drive] of phases) {
    phase = name;
    try {
      await drive(bootstrap);
      console.log(`${name}: ok`);
    } catch (e) {
      failures.push(name);
      console.error(`${name}: FAILED: ${e?.stack ?? e}`);
    }
    phase = 'idle';
    await new Promise((r) => setTimeout(r, 200)); // let lingering connections finish
  }
} finally {
  await proxy.close();
  await broker.close();
}

// Pick one pair per (client, apiKey, apiVersion): the one with the largest request (the most fields
// filled in, e.g. Metadata naming a topic rather than asking for none), first seen on ties; for Fetch, the
// one with the largest response (the one that carries the record batch). All frames here are small.
const FETCH = 1;
const score = (p) => (p.apiKey === FETCH ? p.response.length : p.request.length);
const chosen = new Map();
for (const p of pairs) {
  if (!['kafkajs', 'kcat', 'platformatic'].includes(p.client)) continue;
  const k = `${p.client}/${p.apiKey}/${p.apiVersion}`;
  const cur = chosen.get(k);
  if (!cur || score(p) > score(cur)) chosen.set(k, p);
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const index = [];
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
writeFileSync(path.join(OUT, 'index.json'), JSON.stringify({ capturedWith: captureInfo(), fixtures: index }, null, 2) + '\n');
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
  return { kafkajs: ver('kafkajs'), '@platformatic/kafka': ver('@platformatic/kafka'), kcat: 'librdkafka 2.0 (/usr/bin/kcat)' };
}

console.log(`captured ${pairs.length} request/response pairs (${unanswered.length} requests without a response)`);
for (const e of index) console.log(`  ${e.client.padEnd(13)} ${e.api.padEnd(14)} key ${String(e.apiKey).padStart(2)} v${e.apiVersion}  ${e.requestBytes}+${e.responseBytes} bytes`);
console.log(`wrote ${index.length} pairs (${total} bytes of frames) to ${path.relative(process.cwd(), OUT) || '.'}`);
if (failures.length > 0) {
  console.error(`client phases failed: ${failures.join(', ')}`);
  process.exitCode = 1;
}
