// Legacy message formats over a real socket: hand-built magic 0 and magic 1
// message sets (uncompressed and compressed wrappers) produced with Produce
// v0–2, stored as v2 batches, and fetched back through Fetch v0–3 (converted
// down to magic 0 / magic 1) and v4+ (the stored batches); the errors Kafka
// gives old clients; ListOffsets v0. Messages are written field by field here
// with zlib's CRC-32, independently of the broker's encoder.
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecords } from '../../src/wire/batch-records.js';
import { Codec, codecReady, decompress } from '../../src/wire/compression/index.js';
import { headerChecksum, headerChecksumPos } from '../../src/wire/compression/lz4.js';
import { xxhash32 } from '../../src/wire/compression/xxhash32.js';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { deepMessages, readMessageSet, type LegacyMessage } from '../../src/wire/legacy-records.js';
import { BatchView, buildRecordBatch, splitBatches } from '../../src/wire/record-batch.js';
import { recompressBatch } from '../../src/wire/batch-records.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { kcat, kcatAvailable } from '../helpers/kcat.js';
import { RawClient } from '../helpers/raw-client.js';
import { handMessage as message } from '../helpers/legacy-message.js';

const require = createRequire(import.meta.url);
const snappyjs = require('snappyjs') as { compress(b: Buffer): Buffer };

const suffix = `${process.pid}-${Date.now().toString(36)}`;
let seq = 0;
const topicName = (base: string): string => `legacy-${base}-${suffix}-${seq++}`;
const T = 1_700_000_000_000n;
const b = (s: string): Buffer => Buffer.from(s);

let broker: TestBroker;
let raw: RawClient;

beforeAll(async () => {
  broker = await startTestBroker();
  raw = await RawClient.connect(broker.port);
});

afterAll(async () => {
  raw?.close();
  await broker?.close();
});

// ---------------------------------------------------------------------------
// Hand-built messages

/** An LZ4 frame as Kafka's Java client wrote it before KIP-57 (magic 0): FLG 0x60, BD 64 KiB, HC over magic + descriptor, one stored block. */
function brokenHcLz4Frame(data: Buffer): Buffer {
  const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0]);
  header[6] = (xxhash32(header.subarray(0, 6)) >>> 8) & 0xff;
  const size = Buffer.alloc(4);
  size.writeUInt32LE((data.length | 0x80000000) >>> 0);
  return Buffer.concat([header, size, data, Buffer.alloc(4)]);
}

// ---------------------------------------------------------------------------
// Raw requests

async function createTopic(name: string, configs: Record<string, string> = {}): Promise<void> {
  const res = await raw.request(19, 7, {
    topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  expect(res.topics[0].errorCode).toBe(ErrorCode.NONE);
}

interface ProduceResult {
  errorCode: number;
  baseOffset: bigint;
  logAppendTimeMs?: bigint;
}

async function produce(version: number, topic: string, records: Buffer): Promise<ProduceResult> {
  const res = await raw.request(0, version, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
  return res.responses[0].partitionResponses[0];
}

interface FetchResult {
  errorCode: number;
  highWatermark: bigint;
  records: Buffer;
}

async function fetch(version: number, topic: string, fetchOffset: bigint): Promise<FetchResult> {
  const res = await raw.request(1, version, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 24, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 24 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  const p = res.responses[0].partitions[0];
  return { errorCode: p.errorCode, highWatermark: p.highWatermark, records: Buffer.isBuffer(p.records) ? p.records : Buffer.alloc(0) };
}

function messagesOf(set: Buffer): LegacyMessage[] {
  const shallow = readMessageSet(set);
  if ('error' in shallow) throw new Error(shallow.message);
  return shallow;
}

function deep(set: Buffer): LegacyMessage[] {
  return messagesOf(set).flatMap((m) => {
    const d = deepMessages(m);
    if ('error' in d) throw new Error(d.message);
    return d;
  });
}

function stored(topic: string): BatchView[] {
  const log = broker.broker.store.partition(topic, 0)!;
  return log.read(log.logStartOffset, 1 << 30, true).batches.map((x) => new BatchView(x));
}

const str = (x: Buffer | null): string | null => (x === null ? null : x.toString());

// ---------------------------------------------------------------------------

describe('versions', () => {
  it('ApiVersions advertises Produce 0–11 and Fetch 0–17', async () => {
    const res = await raw.request(18, 3, { clientSoftwareName: 'legacy-test', clientSoftwareVersion: '1' });
    const byKey = new Map(res.apiKeys.map((k: any) => [k.apiKey, [k.minVersion, k.maxVersion]]));
    expect(byKey.get(0)).toEqual([0, 11]);
    expect(byKey.get(1)).toEqual([0, 17]);
  });
});

describe('produce v0–2 with magic 0 and magic 1 message sets, fetched back with every Fetch version', () => {
  const topic = topicName('roundtrip');
  // What the partition should hold, record by record: [offset, key, value, timestamp as stored (-1 = none)].
  const expected: [bigint, string | null, string | null, bigint][] = [];

  beforeAll(async () => {
    await createTopic(topic);
    // v0: three uncompressed magic 0 messages (one without a key).
    const p1 = Buffer.concat([message(0n, 0, 0, -1n, b('k0'), b('v0')), message(0n, 0, 0, -1n, null, b('v1')), message(0n, 0, 0, -1n, b('k2'), b('v2'))]);
    expect(await produce(0, topic, p1)).toMatchObject({ errorCode: 0, baseOffset: 0n });
    expected.push([0n, 'k0', 'v0', -1n], [1n, null, 'v1', -1n], [2n, 'k2', 'v2', -1n]);

    // v1: a magic 0 gzip wrapper holding two messages (absolute inner offsets, as 0.8/0.9 clients wrote them).
    const inner2 = Buffer.concat([message(0n, 0, 0, -1n, b('g0'), b('gzip zero')), message(1n, 0, 0, -1n, b('g1'), b('gzip one'))]);
    expect(await produce(1, topic, message(1n, 0, Codec.Gzip, -1n, null, zlib.gzipSync(inner2)))).toMatchObject({ errorCode: 0, baseOffset: 3n });
    expected.push([3n, 'g0', 'gzip zero', -1n], [4n, 'g1', 'gzip one', -1n]);

    // v2: two uncompressed magic 1 messages with CreateTime timestamps.
    const p3 = Buffer.concat([message(0n, 1, 0, T, b('t0'), b('time zero')), message(1n, 1, 0, T + 1n, b('t1'), b('time one'))]);
    expect(await produce(2, topic, p3)).toMatchObject({ errorCode: 0, baseOffset: 5n, logAppendTimeMs: -1n });
    expected.push([5n, 't0', 'time zero', T], [6n, 't1', 'time one', T + 1n]);

    // v2: a magic 1 snappy wrapper (raw snappy block) with relative inner offsets 0..2, wrapper offset 2, max timestamp.
    const inner4 = Buffer.concat([0, 1, 2].map((i) => message(BigInt(i), 1, 0, T + 10n + BigInt(i), b(`s${i}`), b(`snappy ${i}`))));
    expect(await produce(2, topic, message(2n, 1, Codec.Snappy, T + 12n, null, snappyjs.compress(inner4)))).toMatchObject({ errorCode: 0, baseOffset: 7n });
    expected.push(...[0, 1, 2].map((i): [bigint, string, string, bigint] => [7n + BigInt(i), `s${i}`, `snappy ${i}`, T + 10n + BigInt(i)]));

    // v0: a magic 0 lz4 wrapper with the pre-KIP-57 frame descriptor checksum.
    const inner5 = message(0n, 0, 0, -1n, b('l0'), b('lz4 zero'));
    expect(await produce(0, topic, message(0n, 0, Codec.Lz4, -1n, null, brokenHcLz4Frame(inner5)))).toMatchObject({ errorCode: 0, baseOffset: 10n });
    expected.push([10n, 'l0', 'lz4 zero', -1n]);
  });

  it('each produce became one v2 batch: codec of the producer, timestamps (none for magic 0), no producer id', () => {
    const batches = stored(topic);
    expect(batches.map((x) => [x.baseOffset, x.magic, x.compression, x.recordCount, x.baseTimestamp, x.maxTimestamp, x.timestampType, x.producerId, x.producerEpoch, x.baseSequence, x.crcValid])).toEqual([
      [0n, 2, Codec.None, 3, -1n, -1n, 0, -1n, -1, -1, true],
      [3n, 2, Codec.Gzip, 2, -1n, -1n, 0, -1n, -1, -1, true],
      [5n, 2, Codec.None, 2, T, T + 1n, 0, -1n, -1, -1, true],
      [7n, 2, Codec.Snappy, 3, T + 10n, T + 12n, 0, -1n, -1, -1, true],
      [10n, 2, Codec.Lz4, 1, -1n, -1n, 0, -1n, -1, -1, true],
    ]);
    const records = batches.flatMap((x) => readRecords(x.buf));
    expect(records.map((r) => [r.offset, str(r.key), str(r.value), r.timestamp])).toEqual(expected);
    expect(records.every((r) => r.headers.length === 0)).toBe(true);
    // The broker's lz4 frame for a v2 batch carries the correct descriptor checksum.
    const lz4 = batches[4]!.buf.subarray(61);
    expect(lz4[headerChecksumPos(lz4)]).toBe(headerChecksum(lz4));
  });

  for (const version of [0, 1]) {
    it(`Fetch v${version}: magic 0 messages (no timestamps), compressed batches as wrappers of the same codec`, async () => {
      const f = await fetch(version, topic, 0n);
      expect(f.errorCode).toBe(0);
      expect(f.highWatermark).toBe(11n);
      const shallow = messagesOf(f.records);
      expect(shallow.map((m) => [m.offset, m.magic, m.attributes])).toEqual([
        [0n, 0, 0],
        [1n, 0, 0],
        [2n, 0, 0],
        [4n, 0, Codec.Gzip],
        [5n, 0, 0],
        [6n, 0, 0],
        [9n, 0, Codec.Snappy],
        [10n, 0, Codec.Lz4],
      ]);
      // Magic 0 lz4 wrappers carry Kafka's old (broken) descriptor checksum, which magic 0 readers expect.
      const lz4 = shallow[7]!.value!;
      expect(lz4[headerChecksumPos(lz4)]).toBe(headerChecksum(lz4, true));
      expect(deep(f.records).map((m) => [m.offset, m.magic, str(m.key), str(m.value), m.timestamp])).toEqual(expected.map(([o, k, v]) => [o, 0, k, v, -1n]));
    });
  }

  for (const version of [2, 3]) {
    it(`Fetch v${version}: magic 1 messages with timestamps; wrappers carry the max timestamp and relative inner offsets`, async () => {
      const f = await fetch(version, topic, 0n);
      expect(f.errorCode).toBe(0);
      const shallow = messagesOf(f.records);
      expect(shallow.map((m) => [m.offset, m.magic, m.attributes, m.timestamp])).toEqual([
        [0n, 1, 0, -1n],
        [1n, 1, 0, -1n],
        [2n, 1, 0, -1n],
        [4n, 1, Codec.Gzip, -1n],
        [5n, 1, 0, T],
        [6n, 1, 0, T + 1n],
        [9n, 1, Codec.Snappy, T + 12n],
        [10n, 1, Codec.Lz4, -1n],
      ]);
      const snappyInner = messagesOf(decompress(Codec.Snappy, shallow[6]!.value!));
      expect(snappyInner.map((m) => [m.offset, m.timestamp])).toEqual([
        [0n, T + 10n],
        [1n, T + 11n],
        [2n, T + 12n],
      ]);
      const lz4 = shallow[7]!.value!;
      expect(lz4[headerChecksumPos(lz4)]).toBe(headerChecksum(lz4));
      expect(deep(f.records).map((m) => [m.offset, m.magic, str(m.key), str(m.value), m.timestamp])).toEqual(expected.map(([o, k, v, ts]) => [o, 1, k, v, ts]));
    });
  }

  it('Fetch v0–3 from inside a batch: uncompressed batches start at the fetch offset, compressed ones are converted whole', async () => {
    const mid = messagesOf((await fetch(3, topic, 1n)).records);
    expect(mid.slice(0, 2).map((m) => m.offset)).toEqual([1n, 2n]);
    const inSnappy = await fetch(2, topic, 8n);
    const first = messagesOf(inSnappy.records)[0]!;
    expect([first.offset, first.attributes]).toEqual([9n, Codec.Snappy]);
    expect(deep(inSnappy.records).map((m) => m.offset)).toEqual([7n, 8n, 9n, 10n]);
    expect(messagesOf((await fetch(0, topic, 11n)).records)).toEqual([]);
  });

  for (const version of [4, 7, 12]) {
    it(`Fetch v${version}: the stored v2 batches, unchanged`, async () => {
      const f = await fetch(version, topic, 0n);
      expect(f.errorCode).toBe(0);
      const split = splitBatches(f.records);
      if ('error' in split) throw new Error(split.message);
      expect(split.batches.map((x) => x.buf)).toEqual(stored(topic).map((x) => x.buf));
    });
  }

  it.skipIf(!kcatAvailable)('kcat (librdkafka, Fetch v11) reads the converted records', async () => {
    const out = await kcat(broker.bootstrapServers, ['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-Z', '-f', '%o|%k|%s\\n']);
    expect(out.stdout.replace(/\n$/, '').split('\n')).toEqual(expected.map(([o, k, v]) => `${o}|${k ?? 'NULL'}|${v ?? 'NULL'}`));
  });
});

describe('conversions with topic configs', () => {
  it('LogAppendTime: a magic 1 produce gets the append time back (v2) and old fetchers see it with the timestamp-type bit', async () => {
    const topic = topicName('lat');
    await createTopic(topic, { 'message.timestamp.type': 'LogAppendTime' });
    const before = BigInt(Date.now());
    const r = await produce(2, topic, Buffer.concat([message(0n, 1, 0, T, null, b('a')), message(1n, 1, 0, T, null, b('b'))]));
    expect(r.errorCode).toBe(0);
    expect(r.logAppendTimeMs!).toBeGreaterThanOrEqual(before);
    const f = messagesOf((await fetch(2, topic, 0n)).records);
    expect(f.map((m) => [m.attributes, m.timestamp])).toEqual([
      [0x08, r.logAppendTimeMs],
      [0x08, r.logAppendTimeMs],
    ]);
    expect(stored(topic)[0]!.timestampType).toBe(1);
  });

  it('compression.type=lz4: a gzip wrapper is stored as an lz4 batch and served to old fetchers as lz4 wrappers', async () => {
    const topic = topicName('lz4-topic');
    await createTopic(topic, { 'compression.type': 'lz4' });
    const inner = Buffer.concat([message(0n, 0, 0, -1n, b('a'), b('one')), message(1n, 0, 0, -1n, b('b'), b('two'))]);
    expect(await produce(1, topic, message(1n, 0, Codec.Gzip, -1n, null, zlib.gzipSync(inner)))).toMatchObject({ errorCode: 0, baseOffset: 0n });
    expect(stored(topic).map((x) => x.compression)).toEqual([Codec.Lz4]);
    const [w0] = messagesOf((await fetch(1, topic, 0n)).records);
    expect([w0!.offset, w0!.attributes]).toEqual([1n, Codec.Lz4]);
    expect(w0!.value![headerChecksumPos(w0!.value!)]).toBe(headerChecksum(w0!.value!, true));
    expect(deep((await fetch(3, topic, 0n)).records).map((m) => [m.offset, str(m.value)])).toEqual([
      [0n, 'one'],
      [1n, 'two'],
    ]);
  });

  it('compression.type=uncompressed: a snappy wrapper is stored uncompressed and fetched as plain messages', async () => {
    const topic = topicName('plain-topic');
    await createTopic(topic, { 'compression.type': 'uncompressed' });
    const inner = Buffer.concat([message(0n, 1, 0, T, null, b('x')), message(1n, 1, 0, T + 1n, null, b('y'))]);
    expect((await produce(2, topic, message(1n, 1, Codec.Snappy, T + 1n, null, snappyjs.compress(inner)))).errorCode).toBe(0);
    expect(stored(topic).map((x) => x.compression)).toEqual([Codec.None]);
    expect(messagesOf((await fetch(3, topic, 0n)).records).map((m) => [m.offset, m.attributes, m.timestamp, str(m.value)])).toEqual([
      [0n, 0, T, 'x'],
      [1n, 0, T + 1n, 'y'],
    ]);
  });

  it('message.downconversion.enable=false: Fetch v0–3 get UNSUPPORTED_VERSION, v4+ the batches', async () => {
    const topic = topicName('nodown');
    await createTopic(topic, { 'message.downconversion.enable': 'false' });
    expect((await produce(0, topic, message(0n, 0, 0, -1n, null, b('v')))).errorCode).toBe(0);
    expect((await fetch(3, topic, 0n)).errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect((await fetch(4, topic, 0n)).errorCode).toBe(0);
  });
});

describe('errors old clients get', () => {
  it('a bad CRC is CORRUPT_MESSAGE and nothing is stored', async () => {
    const topic = topicName('crc');
    await createTopic(topic);
    const bad = message(0n, 0, 0, -1n, null, b('value'));
    bad[bad.length - 1] ^= 0x20;
    expect((await produce(0, topic, bad)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    const inner = message(0n, 1, 0, T, null, b('inner'));
    inner[inner.length - 1] ^= 0x20;
    expect((await produce(2, topic, message(0n, 1, Codec.Gzip, T, null, zlib.gzipSync(inner)))).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(stored(topic)).toEqual([]);
  });

  it('zstd in a legacy message set is UNSUPPORTED_COMPRESSION_TYPE; nested compression and mixed magics are INVALID_RECORD', async () => {
    const topic = topicName('invalid');
    await createTopic(topic);
    expect((await produce(2, topic, message(0n, 1, Codec.Zstd, T, null, b('whatever')))).errorCode).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    const nested = message(0n, 1, Codec.Gzip, T, null, zlib.gzipSync(message(0n, 1, Codec.Gzip, T, null, zlib.gzipSync(message(0n, 1, 0, T, null, b('x'))))));
    expect((await produce(2, topic, nested)).errorCode).toBe(ErrorCode.INVALID_RECORD);
    const mixed = message(0n, 1, Codec.Gzip, T, null, zlib.gzipSync(message(0n, 0, 0, -1n, null, b('x'))));
    expect((await produce(2, topic, mixed)).errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect(stored(topic)).toEqual([]);
  });

  it('Produce v3+ refuses legacy message sets (INVALID_RECORD); v0–2 accept a v2 batch', async () => {
    const topic = topicName('versions');
    await createTopic(topic);
    expect((await produce(3, topic, message(0n, 1, 0, T, null, b('x')))).errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect((await produce(9, topic, message(0n, 0, 0, -1n, null, b('x')))).errorCode).toBe(ErrorCode.INVALID_RECORD);
    const v2 = buildRecordBatch({ baseTimestamp: T, records: [{ key: null, value: b('v2 in produce v2') }] });
    expect(await produce(2, topic, v2)).toMatchObject({ errorCode: 0, baseOffset: 0n });
    expect(deep((await fetch(2, topic, 0n)).records).map((m) => str(m.value))).toEqual(['v2 in produce v2']);
  });

  it('a compacted topic refuses keyless legacy messages (INVALID_RECORD)', async () => {
    const topic = topicName('compacted');
    await createTopic(topic, { 'cleanup.policy': 'compact' });
    expect((await produce(0, topic, message(0n, 0, 0, -1n, null, b('no key')))).errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect((await produce(0, topic, message(0n, 0, 0, -1n, b('k'), b('keyed')))).errorCode).toBe(0);
  });

  it('zstd before Fetch v10: a zstd batch stops down-conversion (UNSUPPORTED_COMPRESSION_TYPE when first); a zstd topic refuses v0–9', async () => {
    await codecReady(Codec.Zstd);
    const topic = topicName('zstd-batch');
    await createTopic(topic);
    const plain = buildRecordBatch({ baseTimestamp: T, records: [{ key: null, value: b('plain') }] });
    expect((await produce(9, topic, plain)).errorCode).toBe(0);
    expect((await produce(9, topic, recompressBatch(plain, Codec.Zstd))).errorCode).toBe(0);
    const f = await fetch(3, topic, 0n);
    expect(f.errorCode).toBe(0);
    expect(deep(f.records).map((m) => m.offset)).toEqual([0n]);
    expect((await fetch(3, topic, 1n)).errorCode).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    // v4–9 get the batches as stored (Kafka only refuses topics configured for zstd).
    expect((await fetch(9, topic, 1n)).errorCode).toBe(0);

    const zstdTopic = topicName('zstd-topic');
    await createTopic(zstdTopic, { 'compression.type': 'zstd' });
    expect((await produce(9, zstdTopic, plain)).errorCode).toBe(0);
    for (const v of [0, 3, 9]) expect((await fetch(v, zstdTopic, 0n)).errorCode, `v${v}`).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    expect((await fetch(10, zstdTopic, 0n)).errorCode).toBe(0);
  });
});

describe('ListOffsets v0', () => {
  async function offsetsV0(topic: string, timestamp: bigint, maxNumOffsets: number): Promise<bigint[]> {
    const res = await raw.request(2, 0, { replicaId: -1, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp, maxNumOffsets }] }] });
    const p = res.topics[0].partitions[0];
    expect(p.errorCode).toBe(0);
    return p.oldStyleOffsets;
  }

  it("answers like Kafka's legacyFetchOffsetsBefore: latest is [end, start], earliest [start], by time the offsets before it", async () => {
    const topic = topicName('lo-v0');
    await createTopic(topic);
    expect(await offsetsV0(topic, -1n, 10)).toEqual([0n]);
    expect(await offsetsV0(topic, -2n, 10)).toEqual([0n]);
    expect((await produce(0, topic, Buffer.concat([0, 1, 2].map((i) => message(0n, 0, 0, -1n, null, b(`m${i}`)))))).errorCode).toBe(0);
    expect(await offsetsV0(topic, -1n, 1)).toEqual([3n]);
    expect(await offsetsV0(topic, -1n, 10)).toEqual([3n, 0n]);
    expect(await offsetsV0(topic, -2n, 10)).toEqual([0n]);
    expect(await offsetsV0(topic, BigInt(Date.now()) + 60_000n, 10)).toEqual([3n, 0n]);
    expect(await offsetsV0(topic, -1n, 0)).toEqual([]);
  });
});
