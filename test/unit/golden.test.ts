// Golden vectors: real frames from kafkajs, kcat (librdkafka 2.0), @platformatic/kafka, sarama 1.22.1 (at
// config.Version 0.8.2.0, 0.10.2.0 and 2.1.0), kafka-python 2.0.2 (inferred 2.5, and api_version (0, 10, 0) and
// (0, 9)), confluent-kafka 1.7.0 and segmentio/kafka-go 0.2.1, captured by scripts/capture-golden.mjs through a
// recording proxy. Every request and response must parse, decode with the project's codec consuming exactly all
// bytes, and re-encode to the very same bytes; so must the record data inside them (legacy magic 0/1 message sets
// and their compressed wrappers, v2 record batches), with one documented exception (NON_CANONICAL_BATCHES). Frames
// are also checked field by field. Values that change per capture (timestamps, member/topic/cluster/producer ids,
// ports) are compared only with each other, never with literals. The clients themselves are not needed here.
import '../../src/wire/messages/index.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { subscriptionTopics } from '../../src/coordinator/offsets-topic.js';
import { codecFor, encodeResponseFrame, isFlexible, responseHeaderVersion } from '../../src/wire/codecs.js';
import { encodeRequestFrame, readRequestHeader, type RequestHeader } from '../../src/wire/header.js';
import { Reader } from '../../src/wire/reader.js';
import { decompressBatch } from '../../src/wire/batch-records.js';
import { Codec, decompress } from '../../src/wire/compression/index.js';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { encodeMessage, encodeWrapper, isLegacyMessageSet, legacyCodec, legacyTimestampType, readMessageSet, type LegacyMessage } from '../../src/wire/legacy-records.js';
import { BatchView, buildRecordBatch, decodeRecords, setMaxTimestamp, splitBatches, type DecodedRecord } from '../../src/wire/record-batch.js';

const GOLDEN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../golden');

interface Fixture {
  client: 'kafkajs' | 'kcat' | 'platformatic' | 'sarama' | 'kafka-python' | 'confluent-kafka' | 'kafka-go';
  api: string;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  request: string;
  response: string;
}

const INDEX: { fixtures: Fixture[] } = JSON.parse(readFileSync(path.join(GOLDEN, 'index.json'), 'utf8'));
const FIXTURES = INDEX.fixtures;

const readHex = (file: string): Buffer => Buffer.from(readFileSync(path.join(GOLDEN, file), 'utf8').replace(/\s+/g, ''), 'hex');

interface DecodedRequest {
  header: RequestHeader;
  body: any;
  frame: Buffer;
}
interface DecodedResponse {
  correlationId: number;
  body: any;
  frame: Buffer;
}

function decodeRequest(f: Fixture): DecodedRequest {
  const frame = readHex(f.request);
  expect(frame.readInt32BE(0), 'size prefix').toBe(frame.length - 4);
  const r = new Reader(frame, 4);
  const header = readRequestHeader(r);
  expect(r.error).toBeNull();
  const codec = codecFor(header.apiKey, header.apiVersion, 'request');
  expect(codec, `request codec ${header.apiKey} v${header.apiVersion}`).not.toBeNull();
  const body = codec!.decode(r);
  expect(r.error).toBeNull();
  expect(r.remaining, 'bytes left after the request body').toBe(0);
  return { header, body, frame };
}

function decodeResponse(f: Fixture): DecodedResponse {
  const frame = readHex(f.response);
  expect(frame.readInt32BE(0), 'size prefix').toBe(frame.length - 4);
  const r = new Reader(frame, 4);
  const correlationId = r.int32();
  if (responseHeaderVersion(f.apiKey, f.apiVersion) === 1) {
    expect(r.uvarint(), 'response header tagged fields').toBe(0);
  }
  const codec = codecFor(f.apiKey, f.apiVersion, 'response');
  expect(codec, `response codec ${f.apiKey} v${f.apiVersion}`).not.toBeNull();
  const body = codec!.decode(r);
  expect(r.error).toBeNull();
  expect(r.remaining, 'bytes left after the response body').toBe(0);
  return { correlationId, body, frame };
}

function fixture(client: Fixture['client'], apiKey: number, apiVersion: number): Fixture {
  const f = FIXTURES.find((x) => x.client === client && x.apiKey === apiKey && x.apiVersion === apiVersion);
  if (!f) throw new Error(`no golden fixture for ${client} api ${apiKey} v${apiVersion}`);
  return f;
}

/** The records of a produce/fetch `records` field: exactly one valid uncompressed v2 batch. */
function recordsOf(records: Buffer | null): DecodedRecord[] {
  expect(records).not.toBeNull();
  const split = splitBatches(records!);
  if ('error' in split) throw new Error(`${split.error}: ${split.message}`);
  expect(split.batches).toHaveLength(1);
  const batch = split.batches[0]!;
  expect(batch.magic).toBe(2);
  expect(batch.crcValid).toBe(true);
  expect(batch.compression).toBe(0);
  return decodeRecords(batch.buf);
}

const str = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));
const simple = (recs: DecodedRecord[]) =>
  recs.map((r) => ({ offset: r.offset, key: str(r.key), value: str(r.value), headers: r.headers.map((h) => [h.key, str(h.value)]) }));

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const API = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  AddPartitionsToTxn: 24,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  TxnOffsetCommit: 28,
  DescribeAcls: 29,
  CreateAcls: 30,
  DeleteAcls: 31,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  CreatePartitions: 37,
} as const;

describe('golden fixture set', () => {
  const seen = (client: string) =>
    FIXTURES.filter((f) => f.client === client)
      .map((f) => `${f.apiKey}:${f.apiVersion}`)
      .sort();

  it('kafkajs 2.2.4 uses old, non-flexible versions: ApiVersions 2, Metadata 6, CreateTopics 3, Produce 7, ListOffsets 3', () => {
    expect(seen('kafkajs')).toEqual(['0:7', '18:2', '19:3', '2:3', '3:6']);
    for (const f of FIXTURES.filter((x) => x.client === 'kafkajs')) expect(isFlexible(f.apiKey, f.apiVersion), `${f.api} v${f.apiVersion}`).toBe(false);
  });

  it('kcat (librdkafka 2.0.2) mixes: ApiVersions 3 (flexible), Metadata 4, Produce 7, ListOffsets 2, Fetch 11 (classic)', () => {
    expect(seen('kcat')).toEqual(['0:7', '18:3', '1:11', '2:2', '3:4']);
    for (const f of FIXTURES.filter((x) => x.client === 'kcat')) expect(isFlexible(f.apiKey, f.apiVersion), `${f.api} v${f.apiVersion}`).toBe(f.apiKey === API.ApiVersions);
  });

  it('@platformatic/kafka 1.35 uses the newest flexible versions: ApiVersions 3, CreateTopics 7, Metadata 12, Produce 11, Fetch 17', () => {
    expect(seen('platformatic')).toEqual(['0:11', '18:3', '19:7', '1:17', '3:12']);
    for (const f of FIXTURES.filter((x) => x.client === 'platformatic')) expect(isFlexible(f.apiKey, f.apiVersion), `${f.api} v${f.apiVersion}`).toBe(true);
  });

  // The sets below are what scripts/capture-golden.mjs's phases made these clients send (one pair per version).
  const flexible = (client: string) =>
    FIXTURES.filter((f) => f.client === client && isFlexible(f.apiKey, f.apiVersion))
      .map((f) => `${f.apiKey}:${f.apiVersion}`)
      .sort();

  it('sarama 1.22.1 at config.Version 0.8.2.0, 0.10.2.0 and 2.1.0: only old, non-flexible versions, no ApiVersions', () => {
    expect(seen('sarama')).toEqual(
      [
        ...['0:0', '1:0', '2:0', '3:0'], // 0.8.2.0
        ...['0:2', '1:3', '2:1', '3:1', '19:0', '10:0', '11:1', '14:0', '12:0', '13:0', '8:1', '9:1'], // 0.10.2.0
        ...['0:3', '1:4', '3:5', '19:2', '20:1', '32:0', '33:0', '37:0', '22:0', '15:0', '16:0', '21:0', '29:0', '30:0', '31:0'], // 2.1.0
      ].sort(),
    );
    expect(flexible('sarama')).toEqual([]);
  });

  it('kafka-python 2.0.2: ApiVersions v0, then the versions it knows for an inferred 2.5, or for api_version (0, 10, 0) and (0, 9)', () => {
    expect(seen('kafka-python')).toEqual(
      [
        ...['18:0', '19:3', '20:3', '32:2', '3:5', '0:7', '2:1', '1:4', '10:0', '11:2', '14:1', '12:1', '13:1', '8:2', '9:3', '15:3'], // inferred 2.5
        ...['3:1', '0:2', '1:2', '2:0', '11:0', '14:0', '12:0', '13:0', '9:1'], // (0, 10, 0); the group APIs also at (0, 9)
        ...['3:0', '0:1', '1:1'], // (0, 9)
      ].sort(),
    );
    expect(flexible('kafka-python')).toEqual([]);
  });

  it('confluent-kafka 1.7.0 (librdkafka 2.0.2, as kcat): flexible ApiVersions, OffsetFetch, InitProducerId and TxnOffsetCommit', () => {
    expect(seen('confluent-kafka')).toEqual(
      ['18:3', '3:4', '19:4', '20:1', '37:0', '32:1', '0:7', '1:11', '2:2', '10:2', '11:5', '14:3', '12:3', '13:1', '8:7', '9:7', '16:0', '15:0', '22:4', '24:0', '25:0', '26:1', '28:3'].sort(),
    );
    expect(flexible('confluent-kafka')).toEqual(['18:3', '22:4', '28:3', '9:7']);
  });

  it('kafka-go 0.2.1: fixed old versions (no ApiVersions; no Heartbeat in this capture, and it never sends LeaveGroup)', () => {
    expect(seen('kafka-go')).toEqual(['19:0', '20:1', '3:1', '0:2', '1:2', '2:1', '10:0', '11:1', '14:0', '8:2', '9:1'].sort());
    expect(flexible('kafka-go')).toEqual([]);
  });

  it('every request version a fixture holds is one kafkalite serves (ApiVersions advertises it)', () => {
    for (const f of FIXTURES) expect(codecFor(f.apiKey, f.apiVersion, 'request'), `${f.client} ${f.api} v${f.apiVersion}`).not.toBeNull();
  });
});

describe.each(FIXTURES.map((f) => [`${f.client} ${f.api} v${f.apiVersion}`, f] as const))('%s', (_name, f) => {
  it('request: header as recorded, body decodes exactly, re-encodes byte for byte', () => {
    const { header, body, frame } = decodeRequest(f);
    expect(header).toEqual({
      apiKey: f.apiKey,
      apiVersion: f.apiVersion,
      correlationId: f.correlationId,
      clientId: f.clientId,
      headerVersion: isFlexible(f.apiKey, f.apiVersion) ? 2 : 1,
    });
    const re = encodeRequestFrame(
      { apiKey: header.apiKey, apiVersion: header.apiVersion, correlationId: header.correlationId, clientId: header.clientId },
      (w) => codecFor(f.apiKey, f.apiVersion, 'request')!.encode(w, body),
    );
    expect(re.toString('hex')).toBe(frame.toString('hex'));
  });

  it(`response: header v${responseHeaderVersion(f.apiKey, f.apiVersion)}, body decodes exactly, re-encodes byte for byte`, () => {
    const { correlationId, body, frame } = decodeResponse(f);
    expect(correlationId).toBe(f.correlationId);
    const re = Buffer.concat(encodeResponseFrame(f.apiKey, f.apiVersion, correlationId, body));
    expect(re.toString('hex')).toBe(frame.toString('hex'));
  });
});

// ------------------------------------------------------------------------------------------------
// Inside the frames: the record data. The codecs pass `records` through as bytes, so the frame-level
// round trip above says nothing about it. Here every message set and record batch is decoded and
// encoded again with src/wire (legacy-records.ts, record-batch.ts).

interface RecordsField {
  where: string;
  records: Buffer;
}

/** Every non-empty `records` field of a decoded body, with its path. */
function recordsFields(body: unknown, where = ''): RecordsField[] {
  if (Buffer.isBuffer(body) || body === null || typeof body !== 'object') return [];
  if (Array.isArray(body)) return body.flatMap((x, i) => recordsFields(x, `${where}[${i}]`));
  return Object.entries(body).flatMap(([k, v]) =>
    k === 'records' && Buffer.isBuffer(v) ? (v.length > 0 ? [{ where: `${where}.${k}`, records: v }] : []) : recordsFields(v, `${where}.${k}`),
  );
}

/** A legacy message set as it is (wrappers stay wrappers); throws on a malformed one. */
function messageSet(buf: Buffer): LegacyMessage[] {
  const ms = readMessageSet(buf);
  if ('error' in ms) throw new Error(`${ms.error}: ${ms.message}`);
  return ms;
}

/** The inner messages of a compressed wrapper exactly as they are in it (magic 1: relative offsets). */
function innerMessages(wrapper: LegacyMessage): { inner: Buffer; messages: LegacyMessage[] } {
  const inner = decompress(legacyCodec(wrapper), wrapper.value!, { magic: wrapper.magic });
  return { inner, messages: messageSet(inner) };
}

/**
 * A legacy message set re-encoded by encodeMessage must give the same bytes (offsets, sizes, CRC-32,
 * attributes, timestamps, null keys); so must the inner set of each compressed wrapper, decompressed.
 * A wrapper the broker built (down-converted for an old fetcher) is rebuilt whole by encodeWrapper,
 * compression included. A client's compressed bytes come from its own compressor (Go's compress/gzip,
 * Python's gzip with the current time in its header) and are not compared.
 */
function expectMessageSetRoundTrip(buf: Buffer, builtByBroker: boolean): void {
  const ms = messageSet(buf);
  expect(Buffer.concat(ms.map(encodeMessage)).toString('hex')).toBe(buf.toString('hex'));
  for (const m of ms) {
    if (legacyCodec(m) === Codec.None) continue;
    const { inner, messages } = innerMessages(m);
    expect(Buffer.concat(messages.map(encodeMessage)).toString('hex')).toBe(inner.toString('hex'));
    for (const i of messages) expect([i.magic, legacyCodec(i)]).toEqual([m.magic, Codec.None]);
    if (builtByBroker) {
      const rebuilt = encodeWrapper(messages, m.offset, { magic: m.magic, codec: legacyCodec(m), timestampType: legacyTimestampType(m) }, m.timestamp);
      expect(rebuilt.toString('hex')).toBe(encodeMessage(m).toString('hex'));
    }
  }
}

/** The batch rebuilt by buildRecordBatch from its decoded header fields and records (uncompressed, CreateTime). */
function rebuildBatch(plain: Buffer): Buffer {
  const b = new BatchView(plain);
  return buildRecordBatch({
    baseOffset: b.baseOffset,
    baseTimestamp: b.baseTimestamp,
    partitionLeaderEpoch: b.partitionLeaderEpoch,
    producerId: b.producerId,
    producerEpoch: b.producerEpoch,
    baseSequence: b.baseSequence,
    transactional: b.isTransactional,
    control: b.isControl,
    records: decodeRecords(plain).map((r) => ({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestampDelta: r.timestamp - b.baseTimestamp,
      offsetDelta: Number(r.offset - b.baseOffset),
    })),
  });
}

/**
 * Record batches whose re-encoding is legitimately not byte-identical, by `<client> <api> v<N> <direction>`:
 * what differs, and why it is the client's (valid) choice rather than a codec bug.
 */
const NON_CANONICAL_BATCHES: Record<string, { field: 'maxTimestamp'; why: string }> = {
  'sarama produce v3 request': {
    field: 'maxTimestamp',
    why: 'sarama before IBM/sarama#3108 leaves maxTimestamp at -1 in CreateTime batches; Kafka (and kafkalite) store the largest record timestamp instead',
  },
};

function expectBatchesRoundTrip(buf: Buffer, key: string): void {
  const split = splitBatches(buf);
  if ('error' in split) throw new Error(`${split.error}: ${split.message}`);
  expect(split.batches.length).toBeGreaterThan(0);
  for (const batch of split.batches) {
    expect(batch.magic).toBe(2);
    expect(batch.crcValid).toBe(true);
    expect(batch.timestampType, 'no LogAppendTime topic in the capture').toBe(0);
    // Compressed batches are compared decompressed (same header, codec bits cleared, CRC recomputed).
    const plain = decompressBatch(batch.buf);
    const rebuilt = rebuildBatch(plain);
    const known = NON_CANONICAL_BATCHES[key];
    if (known === undefined) {
      expect(rebuilt.toString('hex')).toBe(plain.toString('hex'));
      continue;
    }
    // The client's field differs; with it set as kafkalite would, the rest is byte for byte the same.
    expect(rebuilt.toString('hex')).not.toBe(plain.toString('hex'));
    const patched = Buffer.from(plain);
    expect(batch.maxTimestamp).toBe(-1n);
    setMaxTimestamp(patched, new BatchView(rebuilt).maxTimestamp);
    expect(rebuilt.toString('hex')).toBe(patched.toString('hex'));
  }
}

/** A body decoded without assertions (at collection time; the tests above check the decoding itself). */
function quietBody(f: Fixture, direction: 'request' | 'response'): unknown {
  const frame = readHex(direction === 'request' ? f.request : f.response);
  const r = new Reader(frame, 4);
  if (direction === 'request') readRequestHeader(r);
  else {
    r.int32();
    if (responseHeaderVersion(f.apiKey, f.apiVersion) === 1) r.uvarint();
  }
  return codecFor(f.apiKey, f.apiVersion, direction)?.decode(r) ?? null;
}

const withRecords = FIXTURES.flatMap((f) =>
  (['request', 'response'] as const).flatMap((direction) => {
    const body = quietBody(f, direction);
    return recordsFields(body).map((r) => [`${f.client} ${f.api} v${f.apiVersion} ${direction} ${r.where}`, `${f.client} ${f.api} v${f.apiVersion} ${direction}`, direction, r.records] as const);
  }),
);

describe('record data inside the frames re-encodes byte for byte', () => {
  it('the fixtures carry records in Produce requests and Fetch responses of every client', () => {
    const clients = new Set(withRecords.map(([name]) => name.split(' ')[0]));
    expect([...clients].sort()).toEqual([...new Set(FIXTURES.map((f) => f.client))].sort());
  });

  it.each(withRecords.map(([name, key, direction, records]) => [name, key, direction, records]))('%s', (_name, key, direction, records) => {
    if (isLegacyMessageSet(records)) expectMessageSetRoundTrip(records, direction === 'response');
    else expectBatchesRoundTrip(records, key);
  });

  it("clients' gzip wrappers are valid gzip members but not kafkalite's bytes (so only their decompressed sets are compared)", () => {
    // gzip header: magic 1f 8b, method 08, flags, mtime (4 bytes, little endian), extra flags, OS.
    const header = (client: Fixture['client'], version: number) => {
      const body = decodeRequest(fixture(client, API.Produce, version)).body;
      const [wrapper] = messageSet(body.topicData[0].partitionData[0].records);
      const gz = wrapper!.value!;
      return { magic: gz.subarray(0, 3).toString('hex'), mtime: gz.readUInt32LE(4) !== 0, xfl: gz[8], os: gz[9] };
    };
    // Go's compress/gzip (sarama, kafka-go): no mtime, OS "unknown".
    for (const [client, v] of [['sarama', 0], ['sarama', 2], ['kafka-go', 2]] as const) expect(header(client, v)).toEqual({ magic: '1f8b08', mtime: false, xfl: 0, os: 255 });
    // Python's gzip module (kafka-python): the current time and "maximum compression".
    for (const v of [1, 2]) expect(header('kafka-python', v)).toEqual({ magic: '1f8b08', mtime: true, xfl: 2, os: 255 });
    // kafkalite's (Node's zlib), as in its down-converted wrappers: no mtime, OS Unix.
    const [ours] = messageSet(decodeResponse(fixture('sarama', API.Fetch, 0)).body.responses[0].partitions[0].records).filter((m) => legacyCodec(m) === Codec.Gzip);
    expect([ours!.value!.readUInt32LE(4), ours!.value![9]]).toEqual([0, 3]);
  });

  it('every entry of NON_CANONICAL_BATCHES names a fixture', () => {
    for (const key of Object.keys(NON_CANONICAL_BATCHES)) expect(withRecords.map(([, k]) => k)).toContain(key);
  });
});

describe('kafkajs frames', () => {
  it('Produce v7 request: topic, partition, acks, and a batch holding the produced key/value/headers', () => {
    const { body } = decodeRequest(fixture('kafkajs', API.Produce, 7));
    expect(body.transactionalId).toBeNull();
    expect(body.acks).toBe(-1);
    expect(body.timeoutMs).toBe(30000);
    expect(body.topicData).toHaveLength(1);
    expect(body.topicData[0].name).toBe('golden-kafkajs');
    expect(body.topicData[0].partitionData).toHaveLength(1);
    expect(body.topicData[0].partitionData[0].index).toBe(0);
    expect(simple(recordsOf(body.topicData[0].partitionData[0].records))).toEqual([{ offset: 0n, key: 'k1', value: 'v1', headers: [['h1', 'x']] }]);
  });

  it('Produce v7 response: no error, base offset 0', () => {
    const { body } = decodeResponse(fixture('kafkajs', API.Produce, 7));
    expect(body.responses[0].name).toBe('golden-kafkajs');
    expect(body.responses[0].partitionResponses[0]).toMatchObject({ index: 0, errorCode: 0, baseOffset: 0n, logAppendTimeMs: -1n });
  });

  it('ApiVersions v2 request has an empty body (client software fields start at v3); response header v0', () => {
    const f = fixture('kafkajs', API.ApiVersions, 2);
    const { body } = decodeRequest(f);
    expect(readHex(f.request).length).toBe(4 + 2 + 2 + 4 + 2 + 'golden-kafkajs'.length);
    expect(body.clientSoftwareName).toBe('');
    const res = decodeResponse(f);
    expect(res.body.errorCode).toBe(0);
    expect(res.frame.readInt16BE(8)).toBe(0); // error code right after the correlation id: no tagged-field byte
  });

  it('Metadata v6 request names its topic with allowAutoTopicCreation false', () => {
    const { body } = decodeRequest(fixture('kafkajs', API.Metadata, 6));
    expect(body.topics.map((t: any) => t.name)).toEqual(['golden-kafkajs']);
    expect(body.allowAutoTopicCreation).toBe(false);
  });

  it('CreateTopics v3 request: one topic, 1 partition, replication factor 1', () => {
    const { body } = decodeRequest(fixture('kafkajs', API.CreateTopics, 3));
    expect(body.topics).toEqual([{ name: 'golden-kafkajs', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }]);
    expect(body.validateOnly).toBe(false);
  });

  it('ListOffsets v3 (fetchTopicOffsets) asks for the latest offset and gets 1', () => {
    const f = fixture('kafkajs', API.ListOffsets, 3);
    const { body } = decodeRequest(f);
    expect(body.replicaId).toBe(-1);
    expect(body.topics[0].name).toBe('golden-kafkajs');
    expect(body.topics[0].partitions[0]).toMatchObject({ partitionIndex: 0, timestamp: -1n });
    expect(decodeResponse(f).body.topics[0].partitions[0]).toMatchObject({ partitionIndex: 0, errorCode: 0, offset: 1n });
  });
});

describe('kcat (librdkafka 2.0) frames', () => {
  it("ApiVersions v3 request: header v2, clientSoftwareName 'librdkafka', version 2.0.x; response header v0", () => {
    const f = fixture('kcat', API.ApiVersions, 3);
    const { header, body } = decodeRequest(f);
    expect(header.headerVersion).toBe(2);
    expect(header.clientId).toBe('golden-kcat');
    expect(body.clientSoftwareName).toBe('librdkafka');
    expect(body.clientSoftwareVersion).toMatch(/^2\.0\.\d+$/);
    const res = decodeResponse(f);
    expect(responseHeaderVersion(f.apiKey, f.apiVersion)).toBe(0);
    expect(res.body.errorCode).toBe(0);
    expect(res.body.apiKeys.map((k: any) => k.apiKey)).toEqual(expect.arrayContaining([0, 1, 2, 3, 18]));
  });

  it('Metadata v4 request asks for its topic with auto-creation allowed', () => {
    const { body } = decodeRequest(fixture('kcat', API.Metadata, 4));
    expect(body.topics.map((t: any) => t.name)).toEqual(['golden-kcat']);
    expect(body.allowAutoTopicCreation).toBe(true);
  });

  it('Produce v7 request (-P -k kk -H hk=hv): acks -1 and the keyed record with its header', () => {
    const { body } = decodeRequest(fixture('kcat', API.Produce, 7));
    expect(body.acks).toBe(-1);
    expect(body.topicData[0].name).toBe('golden-kcat');
    expect(body.topicData[0].partitionData[0].index).toBe(0);
    expect(simple(recordsOf(body.topicData[0].partitionData[0].records))).toEqual([{ offset: 0n, key: 'kk', value: 'kv', headers: [['hk', 'hv']] }]);
  });

  it('ListOffsets v2 request (-o beginning): timestamp -2 (earliest), read_committed', () => {
    const f = fixture('kcat', API.ListOffsets, 2);
    const { body } = decodeRequest(f);
    expect(body.isolationLevel).toBe(1);
    expect(body.topics[0].partitions[0]).toMatchObject({ partitionIndex: 0, timestamp: -2n });
    expect(decodeResponse(f).body.topics[0].partitions[0]).toMatchObject({ errorCode: 0, offset: 0n });
  });

  it('Fetch v11 request: maxWaitMs 500, minBytes 1, maxBytes 50 MiB, read_committed, sessionless, partition 0 from offset 0', () => {
    const { body } = decodeRequest(fixture('kcat', API.Fetch, 11));
    expect(body).toMatchObject({ replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes: 52428800, isolationLevel: 1, sessionId: 0, sessionEpoch: -1, rackId: '' });
    expect(body.topics).toHaveLength(1);
    expect(body.topics[0].topic).toBe('golden-kcat');
    expect(body.topics[0].partitions).toEqual([
      expect.objectContaining({ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1048576 }),
    ]);
    expect(body.forgottenTopicsData).toEqual([]);
  });

  it('Fetch v11 response: high watermark 1 and the batch kcat produced', () => {
    const { body } = decodeResponse(fixture('kcat', API.Fetch, 11));
    const p = body.responses[0].partitions[0];
    expect(body.responses[0].topic).toBe('golden-kcat');
    expect(p).toMatchObject({ partitionIndex: 0, errorCode: 0, highWatermark: 1n, lastStableOffset: 1n, logStartOffset: 0n });
    expect(simple(recordsOf(p.records))).toEqual([{ offset: 0n, key: 'kk', value: 'kv', headers: [['hk', 'hv']] }]);
  });
});

describe('@platformatic/kafka frames', () => {
  it("ApiVersions v3 request: clientSoftwareName 'platformatic-kafka'", () => {
    const { body } = decodeRequest(fixture('platformatic', API.ApiVersions, 3));
    expect(body.clientSoftwareName).toBe('platformatic-kafka');
    expect(body.clientSoftwareVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('Metadata v12 request: topics by name (zero topic id), includeTopicAuthorizedOperations', () => {
    const { header, body } = decodeRequest(fixture('platformatic', API.Metadata, 12));
    expect(header.headerVersion).toBe(2);
    expect(body.topics).toEqual([{ topicId: ZERO_UUID, name: 'golden-platformatic' }]);
    expect(body.allowAutoTopicCreation).toBe(false);
    expect(body.includeTopicAuthorizedOperations).toBe(true);
  });

  it('CreateTopics v7, Metadata v12 and Fetch v17 agree on the topic id', () => {
    const created = decodeResponse(fixture('platformatic', API.CreateTopics, 7)).body.topics[0];
    expect(created).toMatchObject({ name: 'golden-platformatic', errorCode: 0, numPartitions: 1, replicationFactor: 1 });
    const meta = decodeResponse(fixture('platformatic', API.Metadata, 12)).body.topics[0];
    expect(meta.name).toBe('golden-platformatic');
    expect(meta.topicId).not.toBe(ZERO_UUID);
    expect(meta.topicId).toBe(created.topicId);
    const fetchReq = decodeRequest(fixture('platformatic', API.Fetch, 17)).body;
    expect(fetchReq.topics[0].topicId).toBe(meta.topicId);
    expect(fetchReq.topics[0].topic).toBe(''); // v13+ carries topics by id only
  });

  it('Produce v11 request: acks 1 and the record with key/value/headers', () => {
    const { body } = decodeRequest(fixture('platformatic', API.Produce, 11));
    expect(body.acks).toBe(1);
    expect(body.topicData[0].name).toBe('golden-platformatic');
    expect(simple(recordsOf(body.topicData[0].partitionData[0].records))).toEqual([{ offset: 0n, key: 'pk', value: 'pv', headers: [['ph', 'x']] }]);
  });

  it('Fetch v17 (low-level fetchV17) request fields and the response batch', () => {
    const f = fixture('platformatic', API.Fetch, 17);
    const { body } = decodeRequest(f);
    expect(body).toMatchObject({ maxWaitMs: 100, minBytes: 1, maxBytes: 1048576, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, rackId: '' });
    expect(body.topics[0].partitions).toEqual([expect.objectContaining({ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1048576 })]);
    const res = decodeResponse(f).body;
    expect(res.errorCode).toBe(0);
    expect(res.responses[0].topicId).toBe(body.topics[0].topicId);
    const p = res.responses[0].partitions[0];
    expect(p).toMatchObject({ partitionIndex: 0, errorCode: 0, highWatermark: 1n });
    expect(simple(recordsOf(p.records))).toEqual([{ offset: 0n, key: 'pk', value: 'pv', headers: [['ph', 'x']] }]);
  });
});

// ------------------------------------------------------------------------------------------------
// Helpers for the clients below.

const req = (client: Fixture['client'], apiKey: number, apiVersion: number): any => decodeRequest(fixture(client, apiKey, apiVersion)).body;
const res = (client: Fixture['client'], apiKey: number, apiVersion: number): any => decodeResponse(fixture(client, apiKey, apiVersion)).body;

interface LegacyEntry {
  offset: bigint;
  magic: number;
  codec: number;
  timestamp: bigint;
  key: string | null;
  /** Null for a compressed wrapper (see `inner`). */
  value: string | null;
  /** A wrapper's messages as they are inside it: magic 0 absolute offsets, magic 1 relative ones. */
  inner?: { offset: bigint; magic: number; timestamp: bigint; key: string | null; value: string | null }[];
}

/** A legacy (magic 0/1) message set, wrappers opened. */
function legacy(records: Buffer | null): LegacyEntry[] {
  expect(records).not.toBeNull();
  expect(isLegacyMessageSet(records!)).toBe(true);
  return messageSet(records!).map((m) => {
    const codec = legacyCodec(m);
    const e: LegacyEntry = { offset: m.offset, magic: m.magic, codec, timestamp: m.timestamp, key: str(m.key), value: codec === Codec.None ? str(m.value) : null };
    if (codec !== Codec.None) {
      e.inner = innerMessages(m).messages.map((i) => ({ offset: i.offset, magic: i.magic, timestamp: i.timestamp, key: str(i.key), value: str(i.value) }));
    }
    return e;
  });
}

/** Every record of the v2 batches of a `records` field (any codec). */
function batchRecords(records: Buffer | null): { batches: BatchView[]; records: DecodedRecord[] } {
  expect(records).not.toBeNull();
  const split = splitBatches(records!);
  if ('error' in split) throw new Error(split.message);
  return { batches: split.batches, records: split.batches.flatMap((b) => decodeRecords(decompressBatch(b.buf))) };
}

/** ConsumerProtocolSubscription (JoinGroup metadata of protocol type "consumer"), read field by field to its end. */
function subscription(buf: Buffer): { version: number; topics: string[]; userData: string | null; ownedPartitions?: [string, number[]][] } {
  const r = new Reader(buf);
  const version = r.int16();
  const topics = Array.from({ length: r.arrayLength() }, () => r.string());
  const userData = r.nullableBytes();
  const out: ReturnType<typeof subscription> = { version, topics, userData: userData === null ? null : userData.toString('hex') };
  if (version >= 1 && r.remaining > 0) {
    out.ownedPartitions = Array.from({ length: r.arrayLength() }, () => [r.string(), Array.from({ length: r.arrayLength() }, () => r.int32())] as [string, number[]]);
  }
  expect(r.error).toBeNull();
  expect(r.remaining).toBe(0);
  // What the coordinator reads from it (ClassicGroup's subscribed topics).
  expect(subscriptionTopics(buf)).toEqual(topics);
  return out;
}

/** ConsumerProtocolAssignment (SyncGroup), read field by field to its end. */
function assignment(buf: Buffer): { version: number; partitions: [string, number[]][]; userData: string | null } {
  const r = new Reader(buf);
  const version = r.int16();
  const partitions = Array.from({ length: r.arrayLength() }, () => [r.string(), Array.from({ length: r.arrayLength() }, () => r.int32())] as [string, number[]]);
  const userData = r.nullableBytes();
  expect(r.error).toBeNull();
  expect(r.remaining).toBe(0);
  return { version, partitions, userData: userData === null ? null : userData.toString('hex') };
}

/** Every Heartbeat of a member has the same size; whether the one the capture kept (the first) came during a rebalance is timing. */
const HEARTBEAT_ANSWERS = [ErrorCode.NONE, ErrorCode.REBALANCE_IN_PROGRESS];

/**
 * A JoinGroup response lists the members to the leader only, those of its generation: which join the capture
 * kept (a follower's, or the leader's of the first generation, before the second member came) varies.
 */
function expectJoinMembers(joined: any, max: number): any[] {
  expect(joined.errorCode).toBe(0);
  if (joined.leader !== joined.memberId) expect(joined.members).toEqual([]);
  else {
    expect(joined.members.length).toBeGreaterThanOrEqual(1);
    expect(joined.members.length).toBeLessThanOrEqual(max);
    expect(joined.members.map((m: any) => m.memberId)).toContain(joined.memberId);
  }
  return joined.members;
}

/** SyncGroup assignments decoded, in partition order (which member the leader lists first varies). */
const assignments = (sync: any) => sync.assignments.map((a: any) => assignment(a.assignment)).sort((a: any, b: any) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

const byPartition = <T extends { index?: number; partitionIndex?: number }>(xs: T[]): T[] => [...xs].sort((a, b) => (a.index ?? a.partitionIndex!) - (b.index ?? b.partitionIndex!));

// ------------------------------------------------------------------------------------------------
// sarama 1.22.1 (Go): every request version comes from config.Version.

describe('sarama 1.22.1 frames', () => {
  const gzipValue = (i: number) => `v${i}-${'gzip-'.repeat(20)}`; // the driver's async-produce values

  it('0.8.2.0 Produce v0: one gzip magic 0 wrapper around an AsyncProducer flush; sarama leaves every inner offset at 0', () => {
    const body = req('sarama', API.Produce, 0);
    expect(body).toMatchObject({ transactionalId: null, acks: 1, timeoutMs: 10000 });
    expect(body.topicData.map((t: any) => t.name)).toEqual(['golden-sarama-magic0']);
    const [wrapper, ...rest] = legacy(body.topicData[0].partitionData[0].records);
    expect(rest).toEqual([]);
    expect(wrapper).toMatchObject({ offset: 0n, magic: 0, codec: Codec.Gzip, timestamp: -1n, key: null });
    // The broker assigns offsets; a Java producer would have numbered them 0..4.
    expect(wrapper!.inner).toEqual([0, 1, 2, 3, 4].map((i) => ({ offset: 0n, magic: 0, timestamp: -1n, key: `k${i}`, value: gzipValue(i) })));
    // Two sync-produced messages came first: the wrapper's messages got offsets 2..6.
    expect(res('sarama', API.Produce, 0).responses[0].partitionResponses[0]).toMatchObject({ index: 0, errorCode: 0, baseOffset: 2n });
  });

  it('0.8.2.0 Fetch v0: the whole partition down-converted to magic 0, the gzip batch as one wrapper with absolute inner offsets', () => {
    const f = fixture('sarama', API.Fetch, 0);
    const body = decodeRequest(f).body;
    expect(body).toMatchObject({ replicaId: -1, maxWaitMs: 100, minBytes: 1 });
    expect(body.topics[0].topic).toBe('golden-sarama-magic0');
    expect(body.topics[0].partitions[0]).toMatchObject({ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1048576 });
    const p = decodeResponse(f).body.responses[0].partitions[0];
    expect(p).toMatchObject({ partitionIndex: 0, errorCode: 0, highWatermark: 7n });
    expect(legacy(p.records)).toEqual([
      { offset: 0n, magic: 0, codec: Codec.None, timestamp: -1n, key: 'm0-k0', value: 'm0-v0' },
      { offset: 1n, magic: 0, codec: Codec.None, timestamp: -1n, key: null, value: 'm0-v1 (null key)' },
      {
        offset: 6n, // a magic 0 wrapper carries the offset of its last message
        magic: 0,
        codec: Codec.Gzip,
        timestamp: -1n,
        key: null,
        value: null,
        inner: [0, 1, 2, 3, 4].map((i) => ({ offset: BigInt(2 + i), magic: 0, timestamp: -1n, key: `k${i}`, value: gzipValue(i) })),
      },
    ]);
  });

  it('0.8.2.0 ListOffsets v0 (oldest: timestamp -2, maxNumOffsets 1) answers in oldStyleOffsets; Metadata v0 names the topic', () => {
    const lo = fixture('sarama', API.ListOffsets, 0);
    expect(decodeRequest(lo).body.topics).toEqual([{ name: 'golden-sarama-magic0', partitions: [expect.objectContaining({ partitionIndex: 0, timestamp: -2n, maxNumOffsets: 1 })] }]);
    expect(decodeResponse(lo).body.topics[0].partitions[0]).toMatchObject({ partitionIndex: 0, errorCode: 0, oldStyleOffsets: [0n] });
    expect(req('sarama', API.Metadata, 0).topics.map((t: any) => t.name)).toEqual(['golden-sarama-magic0']);
    const md = res('sarama', API.Metadata, 0);
    expect(md.topics[0]).toMatchObject({ errorCode: 0, name: 'golden-sarama-magic0', partitions: [expect.objectContaining({ partitionIndex: 0, leaderId: md.brokers[0].nodeId })] });
  });

  it('0.10.2.0 Produce v2: per partition one gzip magic 1 wrapper; relative inner offsets, wrapper offset 0 and the first message\'s timestamp', () => {
    const body = req('sarama', API.Produce, 2);
    expect(body.topicData.map((t: any) => t.name)).toEqual(['golden-sarama-magic1']);
    const parts = byPartition(body.topicData[0].partitionData as any[]);
    expect(parts.map((p) => p.index)).toEqual([0, 1]);
    for (const [n, p] of parts.entries()) {
      const [wrapper, ...rest] = legacy(p.records);
      expect(rest).toEqual([]);
      expect(wrapper).toMatchObject({ offset: 0n, magic: 1, codec: Codec.Gzip, key: null });
      const keys = [n, n + 2, n + 4];
      expect(wrapper!.inner!.map((m) => [m.offset, m.magic, m.key, m.value])).toEqual(keys.map((k, i) => [BigInt(i), 1, `k${k}`, gzipValue(k)]));
      // sarama: the wrapper's timestamp is its first message's (Kafka's producer uses the largest).
      expect(wrapper!.timestamp).toBe(wrapper!.inner![0]!.timestamp);
      expect(wrapper!.timestamp).toBeGreaterThan(1_700_000_000_000n);
    }
    const r = res('sarama', API.Produce, 2).responses[0].partitionResponses;
    expect(byPartition(r).map((p: any) => [p.index, p.errorCode, p.baseOffset])).toEqual([
      [0, 0, 1n],
      [1, 0, 1n],
    ]);
  });

  it('0.10.2.0 Fetch v3: magic 1 down-conversion, the sync-produced message with its timestamp and the gzip wrapper (relative inner offsets)', () => {
    const withData = res('sarama', API.Fetch, 3).responses[0].partitions.filter((x: any) => x.records?.length > 0);
    expect(withData.length).toBeGreaterThan(0);
    for (const p of withData) {
      const n = p.partitionIndex;
      expect(p).toMatchObject({ errorCode: 0, highWatermark: 4n });
      const [plain, wrapper, ...rest] = legacy(p.records);
      expect(rest).toEqual([]);
      expect(plain).toEqual({ offset: 0n, magic: 1, codec: Codec.None, timestamp: 1_700_000_000_000n + BigInt(n), key: `m1-k${n}`, value: `m1-v${n}` });
      expect(wrapper).toMatchObject({ offset: 3n, magic: 1, codec: Codec.Gzip, key: null });
      expect(wrapper!.inner!.map((m) => [m.offset, m.key, m.value])).toEqual([n, n + 2, n + 4].map((k, i) => [BigInt(i), `k${k}`, gzipValue(k)]));
      // The broker's wrapper carries the largest inner timestamp, as Kafka's down-conversion does.
      expect(wrapper!.timestamp).toBe(wrapper!.inner!.reduce((m, i) => (i.timestamp > m ? i.timestamp : m), -1n));
    }
  });

  it('0.10.2.0 CreateTopics v0, ListOffsets v1 (offset instead of oldStyleOffsets), Metadata v1', () => {
    expect(req('sarama', API.CreateTopics, 0)).toEqual({
      topics: [{ name: 'golden-sarama-magic1', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(res('sarama', API.CreateTopics, 0).topics[0]).toMatchObject({ name: 'golden-sarama-magic1', errorCode: 0 });
    const lo = fixture('sarama', API.ListOffsets, 1);
    expect(decodeRequest(lo).body.topics[0]).toEqual({ name: 'golden-sarama-magic1', partitions: [expect.objectContaining({ partitionIndex: 0, timestamp: -2n })] });
    expect(decodeResponse(lo).body.topics[0].partitions[0]).toMatchObject({ errorCode: 0, oldStyleOffsets: [], offset: 0n });
    expect(res('sarama', API.Metadata, 1).topics[0].partitions.map((p: any) => p.partitionIndex)).toEqual([0, 1]);
  });

  it('0.10.2.0 group of two: FindCoordinator v0, JoinGroup v1 (range, subscription v0), SyncGroup v0 (the leader assigns both), OffsetCommit v1, OffsetFetch v1', () => {
    const group = 'golden-sarama-group-0.10';
    const topic = 'golden-sarama-magic1';
    expect(req('sarama', API.FindCoordinator, 0)).toMatchObject({ key: group, keyType: 0 });
    expect(res('sarama', API.FindCoordinator, 0)).toMatchObject({ errorCode: 0 });

    const join = req('sarama', API.JoinGroup, 1);
    expect(join).toMatchObject({ groupId: group, sessionTimeoutMs: 6000, rebalanceTimeoutMs: 5000, protocolType: 'consumer' });
    expect(join.protocols.map((p: any) => p.name)).toEqual(['range']);
    expect(subscription(join.protocols[0].metadata)).toEqual({ version: 0, topics: [topic], userData: null });
    const joined = res('sarama', API.JoinGroup, 1);
    expect(joined).toMatchObject({ errorCode: 0, protocolName: 'range' });
    for (const m of expectJoinMembers(joined, 2)) expect(subscription(m.metadata).topics).toEqual([topic]);

    const sync = req('sarama', API.SyncGroup, 0);
    expect(sync).toMatchObject({ groupId: group, generationId: joined.generationId });
    const given = sync.assignments.map((a: any) => assignment(a.assignment));
    expect(given.map((a: any) => [a.version, a.userData])).toEqual([
      [0, null],
      [0, null],
    ]);
    expect(given.flatMap((a: any) => a.partitions.flatMap(([t, ps]: [string, number[]]) => ps.map((p) => `${t}/${p}`))).sort()).toEqual([`${topic}/0`, `${topic}/1`]);
    expect(given.map((a: any) => a.partitions[0][1].length)).toEqual([1, 1]);
    const synced = res('sarama', API.SyncGroup, 0);
    expect(synced.errorCode).toBe(0);
    expect(given.map((a: any) => JSON.stringify(a))).toContain(JSON.stringify(assignment(synced.assignment)));

    const commit = req('sarama', API.OffsetCommit, 1);
    expect(commit).toMatchObject({ groupId: group, generationIdOrMemberEpoch: joined.generationId });
    expect(commit.topics[0].name).toBe(topic);
    expect(commit.topics[0].partitions[0]).toMatchObject({ commitTimestamp: -1n, committedMetadata: 'sarama-compat' });
    expect(res('sarama', API.OffsetCommit, 1).topics[0].partitions[0].errorCode).toBe(0);
    expect(req('sarama', API.OffsetFetch, 1)).toMatchObject({ groupId: group, topics: [{ name: topic, partitionIndexes: [expect.any(Number)] }] });
  });

  it('0.10.2.0 Heartbeat v0 (REBALANCE_IN_PROGRESS tells the first member that the second joined), LeaveGroup v0 on Close', () => {
    expect(req('sarama', API.Heartbeat, 0)).toMatchObject({ groupId: 'golden-sarama-group-0.10' });
    expect(HEARTBEAT_ANSWERS).toContain(res('sarama', API.Heartbeat, 0).errorCode);
    expect(req('sarama', API.LeaveGroup, 0)).toMatchObject({ groupId: 'golden-sarama-group-0.10', members: [] });
    expect(res('sarama', API.LeaveGroup, 0).errorCode).toBe(0);
  });

  it('2.1.0 Produce v3: a record batch with headers and an explicit timestamp, maxTimestamp -1 (sarama), acks -1', () => {
    const body = req('sarama', API.Produce, 3);
    expect(body).toMatchObject({ transactionalId: null, acks: -1 });
    expect(body.topicData[0].name).toBe('golden-sarama');
    const { batches, records } = batchRecords(body.topicData[0].partitionData[0].records);
    expect(batches.map((b) => [b.magic, b.compression, b.producerId, b.maxTimestamp])).toEqual([[2, 0, -1n, -1n]]);
    expect(simple(records)).toEqual([{ offset: 0n, key: 's-k0', value: `s-v0 ${'.'.repeat(200)}`, headers: [['h1', 'x0'], ['h2', '']] }]);
    expect(records[0]!.timestamp).toBe(1_700_000_000_000n);
  });

  it('2.1.0 Fetch v4: the keyed batch (maxTimestamp set by the broker) and the two idempotent producers\' batches', () => {
    const parts = res('sarama', API.Fetch, 4).responses[0].partitions.filter((x: any) => x.records?.length > 0);
    const p = parts.find((x: any) => x.partitionIndex === 0);
    expect(p).toMatchObject({ errorCode: 0, abortedTransactions: null });
    expect(p.lastStableOffset).toBe(p.highWatermark);
    const { batches, records } = batchRecords(p.records);
    expect(records.map((r) => str(r.key))).toEqual(['s-k0', 'a-k0', 'a-k2', 'b-k0']);
    expect(batches[0]!.maxTimestamp).toBe(1_700_000_000_000n);
    const pids = batches.map((b) => b.producerId);
    expect(pids[0]).toBe(-1n);
    expect(pids.at(-1)).not.toBe(pids[1]); // the second idempotent producer got a new id
    for (const b of batches.slice(1)) expect([b.producerId >= 0n, b.producerEpoch]).toEqual([true, 0]);
    const other = parts.find((x: any) => x.partitionIndex === 1);
    if (other) expect(batchRecords(other.records).records.map((r) => str(r.key))).toEqual(['s-k1', 'a-k1', 'a-k3']);
    // InitProducerId v0 without a transactional id
    expect(req('sarama', API.InitProducerId, 0)).toMatchObject({ transactionalId: null });
    expect(res('sarama', API.InitProducerId, 0)).toMatchObject({ errorCode: 0, producerEpoch: 0 });
  });

  it('2.1.0 ClusterAdmin: CreateTopics v2 with configs, DescribeConfigs v0 (all of every topic), AlterConfigs v0, CreatePartitions v0, DeleteTopics v1, Metadata v5', () => {
    expect(req('sarama', API.CreateTopics, 2).topics).toEqual([
      {
        name: 'golden-sarama-admin',
        numPartitions: 1,
        replicationFactor: 1,
        assignments: [],
        configs: expect.arrayContaining([
          { name: 'retention.ms', value: '3600000' },
          { name: 'cleanup.policy', value: 'delete' },
        ]),
      },
    ]);
    expect(res('sarama', API.CreateTopics, 2).topics[0]).toMatchObject({ name: 'golden-sarama-admin', errorCode: 0 });
    // ListTopics: DescribeConfigs of every topic, all configs (null keys).
    const dc = req('sarama', API.DescribeConfigs, 0);
    expect(dc.resources.map((r: any) => [r.resourceType, r.configurationKeys])).toEqual(dc.resources.map(() => [2, null]));
    expect(dc.resources.map((r: any) => r.resourceName)).toContain('golden-sarama-admin');
    const admin = res('sarama', API.DescribeConfigs, 0).results.find((r: any) => r.resourceName === 'golden-sarama-admin');
    expect(admin.errorCode).toBe(0);
    expect(admin.configs.find((c: any) => c.name === 'retention.ms')).toMatchObject({ value: '3600000', isDefault: false });
    expect(req('sarama', API.AlterConfigs, 0)).toEqual({
      resources: [{ resourceType: 2, resourceName: 'golden-sarama-admin', configs: [{ name: 'retention.ms', value: '7200000' }] }],
      validateOnly: false,
    });
    expect(req('sarama', API.CreatePartitions, 0).topics).toEqual([{ name: 'golden-sarama-admin', count: 2, assignments: null }]);
    expect(res('sarama', API.CreatePartitions, 0).results[0]).toMatchObject({ name: 'golden-sarama-admin', errorCode: 0 });
    expect(req('sarama', API.DeleteTopics, 1).topicNames).toEqual(['golden-sarama-admin']);
    expect(res('sarama', API.DeleteTopics, 1).responses[0]).toMatchObject({ name: 'golden-sarama-admin', errorCode: 0 });
    expect(req('sarama', API.Metadata, 5)).toMatchObject({ topics: [{ name: 'golden-sarama-admin' }], allowAutoTopicCreation: false });
  });

  it('2.1.0 group admin: ListGroups v0, DescribeGroups v0 of the live group (range; subscriptions and assignments decoded), DeleteRecords v0', () => {
    expect(res('sarama', API.ListGroups, 0).groups.map((g: any) => [g.groupId, g.protocolType])).toEqual(
      expect.arrayContaining([
        ['golden-sarama-group', 'consumer'],
        ['golden-sarama-group-0.10', 'consumer'],
      ]),
    );
    expect(req('sarama', API.DescribeGroups, 0).groups).toEqual(['golden-sarama-group']);
    const [g] = res('sarama', API.DescribeGroups, 0).groups;
    expect(g).toMatchObject({ errorCode: 0, groupId: 'golden-sarama-group', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(g.members).toHaveLength(2);
    for (const m of g.members) {
      expect(m).toMatchObject({ clientId: 'golden-sarama-2.1.0', clientHost: '/127.0.0.1' });
      expect(subscription(m.memberMetadata)).toEqual({ version: 0, topics: ['golden-sarama'], userData: null });
    }
    expect(g.members.flatMap((m: any) => assignment(m.memberAssignment).partitions.flatMap(([, ps]: [string, number[]]) => ps)).sort()).toEqual([0, 1]);
    expect(req('sarama', API.DeleteRecords, 0).topics).toEqual([{ name: 'golden-sarama', partitions: [{ partitionIndex: 0, offset: 1n }] }]);
    expect(res('sarama', API.DeleteRecords, 0).topics[0].partitions[0]).toMatchObject({ partitionIndex: 0, lowWatermark: 1n, errorCode: 0 });
  });

  it('2.1.0 ACLs (v0, on a broker with an authorizer): CreateAcls, DescribeAcls, DeleteAcls', () => {
    expect(req('sarama', API.CreateAcls, 0).creations).toEqual([
      expect.objectContaining({ resourceType: 2, resourceName: 'golden-sarama', principal: 'User:bob', host: '10.0.0.1', operation: 4, permissionType: 2 }),
    ]);
    expect(res('sarama', API.CreateAcls, 0).results).toEqual([{ errorCode: 0, errorMessage: null }]);
    expect(req('sarama', API.DescribeAcls, 0)).toMatchObject({ resourceTypeFilter: 2, resourceNameFilter: 'golden-sarama', operation: 1, permissionType: 1 });
    const described = res('sarama', API.DescribeAcls, 0);
    expect(described.errorCode).toBe(0);
    expect(described.resources.flatMap((r: any) => r.acls.map((a: any) => `${r.resourceName} ${a.principal}@${a.host} op=${a.operation} perm=${a.permissionType}`)).sort()).toEqual([
      'golden-sarama User:alice@* op=3 perm=3',
      'golden-sarama User:bob@10.0.0.1 op=4 perm=2',
    ]);
    expect(req('sarama', API.DeleteAcls, 0).filters).toEqual([expect.objectContaining({ resourceTypeFilter: 2, resourceNameFilter: null, principalFilter: 'User:alice' })]);
    const deleted = res('sarama', API.DeleteAcls, 0).filterResults;
    expect(deleted.map((r: any) => [r.errorCode, r.matchingAcls.map((a: any) => a.principal)])).toEqual([[0, ['User:alice']]]);
  });
});

// ------------------------------------------------------------------------------------------------
// kafka-python 2.0.2: ApiVersions v0 and an inferred 2.5, or api_version pinned to (0, 10, 0) / (0, 9).

describe('kafka-python 2.0.2 frames', () => {
  it('ApiVersions v0: empty body, response header v0 listing every API kafkalite serves', () => {
    const f = fixture('kafka-python', API.ApiVersions, 0);
    expect(decodeRequest(f).body).toEqual({ clientSoftwareName: '', clientSoftwareVersion: '' });
    const r = decodeResponse(f).body;
    expect(r.errorCode).toBe(0);
    expect(r.apiKeys.map((k: any) => k.apiKey)).toEqual(expect.arrayContaining([0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 18, 19, 20, 32]));
  });

  it('CreateTopics v3 (three topics), DeleteTopics v3, DescribeConfigs v2 with a key', () => {
    const names = ['golden-kafka-python', 'golden-kafka-python-magic0', 'golden-kafka-python-magic1'];
    expect(req('kafka-python', API.CreateTopics, 3).topics.map((t: any) => [t.name, t.numPartitions, t.replicationFactor])).toEqual([
      [names[0], 2, 1],
      [names[1], 1, 1],
      [names[2], 1, 1],
    ]);
    expect(res('kafka-python', API.CreateTopics, 3).topics.map((t: any) => [t.name, t.errorCode])).toEqual(names.map((n) => [n, 0]));
    expect(req('kafka-python', API.DeleteTopics, 3).topicNames).toEqual([names[1], names[2]]);
    expect(res('kafka-python', API.DeleteTopics, 3).responses.map((t: any) => t.errorCode)).toEqual([0, 0]);
    expect(req('kafka-python', API.DescribeConfigs, 2).resources).toEqual([{ resourceType: 2, resourceName: names[0], configurationKeys: ['retention.ms'] }]);
    expect(res('kafka-python', API.DescribeConfigs, 2).results[0].configs).toEqual([expect.objectContaining({ name: 'retention.ms', value: '604800000', configSource: 5 })]);
  });

  it('Produce v7 (acks 1): one batch per partition, keys, headers and explicit timestamps, no producer id', () => {
    const body = req('kafka-python', API.Produce, 7);
    expect(body).toMatchObject({ transactionalId: null, acks: 1, timeoutMs: 30000 });
    expect(body.topicData[0].name).toBe('golden-kafka-python');
    const parts = byPartition(body.topicData[0].partitionData as any[]);
    for (const [n, p] of parts.entries()) {
      const { batches, records } = batchRecords(p.records);
      expect(batches.map((b) => [b.compression, b.producerId, b.baseSequence])).toEqual([[0, -1n, -1]]);
      expect(simple(records)).toEqual(
        [n, n + 2].map((i, off) => ({ offset: BigInt(off), key: `kp-k${i}`, value: `kp-v${i}`, headers: [['h1', `x${i}`], ['h2', '']] })),
      );
      expect(records.map((r) => r.timestamp)).toEqual([n, n + 2].map((i) => 1_700_000_000_000n + BigInt(i)));
    }
  });

  it('Fetch v4 and ListOffsets v1 (latest) of both partitions', () => {
    const fetched = res('kafka-python', API.Fetch, 4).responses[0];
    expect(fetched.topic).toBe('golden-kafka-python');
    expect(byPartition(fetched.partitions as any[]).map((p: any) => simple(batchRecords(p.records).records).map((r) => r.key))).toEqual([
      ['kp-k0', 'kp-k2'],
      ['kp-k1', 'kp-k3'],
    ]);
    expect(req('kafka-python', API.ListOffsets, 1).topics[0].partitions.map((p: any) => [p.partitionIndex, p.timestamp])).toEqual([
      [0, -1n],
      [1, -1n],
    ]);
    expect(res('kafka-python', API.ListOffsets, 1).topics[0].partitions.map((p: any) => [p.partitionIndex, p.offset])).toEqual([
      [0, 2n],
      [1, 2n],
    ]);
  });

  it('api_version (0, 9): Produce v1 with a gzip magic 0 wrapper (inner offsets 0..n-1); Fetch v1 gets it back as a magic 0 wrapper', () => {
    const body = req('kafka-python', API.Produce, 1);
    expect(body.topicData[0].name).toBe('golden-kafka-python-magic0');
    const msgs = (prefix: string) => [0, 1, 2, 3].map((i) => [BigInt(i), `${prefix}-k${i}`, `${prefix}-v${i}`]);
    const [wrapper, ...rest] = legacy(body.topicData[0].partitionData[0].records);
    expect(rest).toEqual([]);
    expect(wrapper).toMatchObject({ offset: 0n, magic: 0, codec: Codec.Gzip, timestamp: -1n, key: null });
    expect(wrapper!.inner!.map((m) => [m.offset, m.key, m.value])).toEqual(msgs('legacy09'));
    const fetched = res('kafka-python', API.Fetch, 1).responses[0];
    expect(fetched.topic).toBe('golden-kafka-python-magic0');
    const [back, ...more] = legacy(fetched.partitions[0].records);
    expect(more).toEqual([]);
    expect(back).toMatchObject({ offset: 3n, magic: 0, codec: Codec.Gzip });
    expect(back!.inner!.map((m) => [m.offset, m.key, m.value])).toEqual(msgs('legacy09'));
    expect(req('kafka-python', API.Metadata, 0).topics.map((t: any) => t.name)).toEqual(['golden-kafka-python-magic0']);
  });

  it('api_version (0, 10, 0): Produce v2 with a gzip magic 1 wrapper (offset 0 and timestamp 0, as kafka-python writes them); Fetch v2 gets a broker-built one', () => {
    const body = req('kafka-python', API.Produce, 2);
    expect(body.topicData[0].name).toBe('golden-kafka-python-magic1');
    const [wrapper, ...rest] = legacy(body.topicData[0].partitionData[0].records);
    expect(rest).toEqual([]);
    expect(wrapper).toMatchObject({ offset: 0n, magic: 1, codec: Codec.Gzip, timestamp: 0n, key: null });
    const inner = wrapper!.inner!;
    expect(inner.map((m) => [m.offset, m.magic, m.key, m.value])).toEqual([0, 1, 2, 3].map((i) => [BigInt(i), 1, `legacy0100-k${i}`, `legacy0100-v${i}`]));
    expect(inner.every((m) => m.timestamp > 1_700_000_000_000n)).toBe(true);
    const [back, ...more] = legacy(res('kafka-python', API.Fetch, 2).responses[0].partitions[0].records);
    expect(more).toEqual([]);
    // The broker's wrapper: the last message's offset and the largest timestamp; the inner messages as produced.
    expect(back).toMatchObject({ offset: 3n, magic: 1, codec: Codec.Gzip, timestamp: inner.reduce((m, i) => (i.timestamp > m ? i.timestamp : m), -1n) });
    expect(back!.inner).toEqual(inner);
    expect(req('kafka-python', API.Metadata, 1).topics.map((t: any) => t.name)).toEqual(['golden-kafka-python-magic1']);
    expect(req('kafka-python', API.ListOffsets, 0).topics[0].partitions[0]).toMatchObject({ timestamp: -2n, maxNumOffsets: 1 });
    expect(res('kafka-python', API.ListOffsets, 0).topics[0].partitions[0]).toMatchObject({ errorCode: 0, oldStyleOffsets: [0n] });
  });

  it('group of two (inferred 2.5): JoinGroup v2 offers range and roundrobin (subscription v0, empty user data), SyncGroup v1, Heartbeat v1, LeaveGroup v1', () => {
    const join = req('kafka-python', API.JoinGroup, 2);
    expect(join).toMatchObject({ groupId: 'golden-kafka-python-group', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 300000, protocolType: 'consumer' });
    expect(join.protocols.map((p: any) => p.name)).toEqual(['range', 'roundrobin']);
    for (const p of join.protocols) expect(subscription(p.metadata)).toEqual({ version: 0, topics: ['golden-kafka-python'], userData: '' });
    const joined = res('kafka-python', API.JoinGroup, 2);
    expect(joined).toMatchObject({ errorCode: 0, protocolName: 'range' });
    for (const m of expectJoinMembers(joined, 2)) expect(subscription(m.metadata).topics).toEqual(['golden-kafka-python']);
    expect(assignments(req('kafka-python', API.SyncGroup, 1))).toEqual([
      { version: 0, partitions: [['golden-kafka-python', [0]]], userData: '' },
      { version: 0, partitions: [['golden-kafka-python', [1]]], userData: '' },
    ]);
    expect(res('kafka-python', API.SyncGroup, 1).errorCode).toBe(0);
    expect(req('kafka-python', API.Heartbeat, 1).groupId).toBe('golden-kafka-python-group');
    expect(HEARTBEAT_ANSWERS).toContain(res('kafka-python', API.Heartbeat, 1).errorCode);
    expect(req('kafka-python', API.LeaveGroup, 1).groupId).toBe('golden-kafka-python-group');
    expect(res('kafka-python', API.LeaveGroup, 1).errorCode).toBe(0);
    expect(req('kafka-python', API.FindCoordinator, 0)).toMatchObject({ keyType: 0 });
  });

  it('OffsetCommit v2 (retention -1) and OffsetFetch v3 of all topics (null) agree; DescribeGroups v3 shows the stable group', () => {
    const commit = req('kafka-python', API.OffsetCommit, 2);
    expect(commit).toMatchObject({ groupId: 'golden-kafka-python-group', retentionTimeMs: -1n });
    expect(commit.topics[0].partitions.map((p: any) => [p.partitionIndex, p.committedOffset, p.committedMetadata])).toEqual([
      [0, 3n, ''],
      [1, 3n, ''],
    ]);
    expect(req('kafka-python', API.OffsetFetch, 3)).toMatchObject({ groupId: 'golden-kafka-python-group', topics: null });
    expect(byPartition(res('kafka-python', API.OffsetFetch, 3).topics[0].partitions as any[]).map((p: any) => [p.partitionIndex, p.committedOffset])).toEqual([
      [0, 3n],
      [1, 3n],
    ]);
    const [g] = res('kafka-python', API.DescribeGroups, 3).groups;
    expect(g).toMatchObject({ errorCode: 0, groupId: 'golden-kafka-python-group', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(g.members.map((m: any) => m.clientId).sort()).toEqual(['golden-kafka-python-member-1', 'golden-kafka-python-member-2']);
  });

  it('legacy group APIs: JoinGroup v0 (no rebalance timeout), SyncGroup v0, Heartbeat v0, LeaveGroup v0, OffsetFetch v1', () => {
    const join = req('kafka-python', API.JoinGroup, 0);
    expect(join).toMatchObject({ groupId: expect.stringMatching(/^golden-kafka-python-group-0\.(9|10\.0)$/), sessionTimeoutMs: 30000, protocolType: 'consumer' });
    expect(join.protocols.map((p: any) => p.name)).toEqual(['range', 'roundrobin']);
    const [p] = assignment(res('kafka-python', API.SyncGroup, 0).assignment).partitions;
    expect(p).toEqual([expect.stringMatching(/^golden-kafka-python-magic[01]$/), [0]]);
    expect(HEARTBEAT_ANSWERS).toContain(res('kafka-python', API.Heartbeat, 0).errorCode);
    expect(res('kafka-python', API.LeaveGroup, 0).errorCode).toBe(0);
    expect(req('kafka-python', API.OffsetFetch, 1).topics[0].partitionIndexes).toEqual([0]);
  });
});

// ------------------------------------------------------------------------------------------------
// confluent-kafka 1.7.0 on librdkafka 2.0.2 (the kcat frames above come from the same librdkafka).

describe('confluent-kafka 1.7.0 frames', () => {
  it("ApiVersions v3: clientSoftwareName 'confluent-kafka-python', version 1.7.0-rdkafka-2.0.2", () => {
    expect(req('confluent-kafka', API.ApiVersions, 3)).toEqual({ clientSoftwareName: 'confluent-kafka-python', clientSoftwareVersion: '1.7.0-rdkafka-2.0.2' });
  });

  it('admin: CreateTopics v4 with a config, CreatePartitions v0, DescribeConfigs v1 with synonyms, DeleteTopics v1', () => {
    expect(req('confluent-kafka', API.CreateTopics, 4).topics.map((t: any) => [t.name, t.numPartitions, t.configs])).toEqual([
      ['golden-confluent', 2, []],
      ['golden-confluent-txn', 1, []],
      ['golden-confluent-out', 2, [{ name: 'retention.ms', value: '3600000' }]],
    ]);
    expect(res('confluent-kafka', API.CreateTopics, 4).topics.map((t: any) => t.errorCode)).toEqual([0, 0, 0]);
    expect(req('confluent-kafka', API.CreatePartitions, 0).topics).toEqual([{ name: 'golden-confluent-txn', count: 2, assignments: null }]);
    expect(req('confluent-kafka', API.DescribeConfigs, 1)).toMatchObject({ resources: [{ resourceType: 2, resourceName: 'golden-confluent-out', configurationKeys: null }], includeSynonyms: true });
    const retention = res('confluent-kafka', API.DescribeConfigs, 1).results[0].configs.find((c: any) => c.name === 'retention.ms');
    expect(retention).toMatchObject({ value: '3600000', configSource: 1 });
    expect(retention.synonyms.map((s: any) => [s.name, s.source])).toEqual(expect.arrayContaining([['retention.ms', 1]]));
    expect(req('confluent-kafka', API.DeleteTopics, 1).topicNames).toEqual(['golden-confluent-txn']);
  });

  it('Produce v7 (acks -1): the keyed records with headers and timestamps of one partition', () => {
    const body = req('confluent-kafka', API.Produce, 7);
    expect(body).toMatchObject({ transactionalId: null, acks: -1 });
    expect(body.topicData[0].name).toBe('golden-confluent');
    const p = body.topicData[0].partitionData[0];
    const { records } = batchRecords(p.records);
    const keys = p.index === 0 ? [0, 2] : [1, 3];
    expect(simple(records)).toEqual(keys.map((i, off) => ({ offset: BigInt(off), key: `ck-k${i}`, value: `ck-v${i} ${'.'.repeat(60)}`, headers: [['h1', `x${i}`], ['h2', '']] })));
    expect(records.map((r) => r.timestamp)).toEqual(keys.map((i) => 1_700_000_000_000n + BigInt(i)));
  });

  it('Fetch v11 read_committed of the transactional topic: an aborted transaction listed, control batches (markers) in the records', () => {
    const f = fixture('confluent-kafka', API.Fetch, 11);
    expect(decodeRequest(f).body).toMatchObject({ isolationLevel: 1, topics: [{ topic: 'golden-confluent-txn' }] });
    const p = decodeResponse(f).body.responses[0].partitions.find((x: any) => x.partitionIndex === 0);
    expect(p).toMatchObject({ errorCode: 0, highWatermark: 4n, lastStableOffset: 4n });
    const { batches, records } = batchRecords(p.records);
    expect(batches.map((b) => [b.baseOffset, b.isTransactional, b.isControl])).toEqual([
      [0n, true, false],
      [1n, true, true],
      [2n, true, false],
      [3n, true, true],
    ]);
    expect(p.abortedTransactions).toEqual([{ producerId: batches[2]!.producerId, firstOffset: 2n }]);
    expect(records.map((r) => str(r.key))).toEqual(['c0', '\0\0\0\x01', 'a0', '\0\0\0\0']); // COMMIT and ABORT markers (control record keys)
  });

  it('group of two: JoinGroup v5 (subscription v1 with owned partitions), SyncGroup v3, Heartbeat v3, LeaveGroup v1, OffsetCommit v7, OffsetFetch v7', () => {
    const join = req('confluent-kafka', API.JoinGroup, 5);
    expect(join).toMatchObject({ groupId: 'golden-confluent-group', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 300000, groupInstanceId: null, protocolType: 'consumer' });
    expect(join.protocols.map((p: any) => p.name)).toEqual(['range', 'roundrobin']);
    for (const p of join.protocols) expect(subscription(p.metadata)).toEqual({ version: 1, topics: ['golden-confluent'], userData: '', ownedPartitions: [] });
    for (const m of expectJoinMembers(res('confluent-kafka', API.JoinGroup, 5), 2)) expect(subscription(m.metadata).topics).toEqual(['golden-confluent']);
    expect(assignments(req('confluent-kafka', API.SyncGroup, 3))).toEqual([
      { version: 0, partitions: [['golden-confluent', [0]]], userData: '' },
      { version: 0, partitions: [['golden-confluent', [1]]], userData: '' },
    ]);
    expect(HEARTBEAT_ANSWERS).toContain(res('confluent-kafka', API.Heartbeat, 3).errorCode);
    expect(req('confluent-kafka', API.LeaveGroup, 1).groupId).toBe('golden-confluent-group');
    expect(req('confluent-kafka', API.FindCoordinator, 2)).toMatchObject({ key: 'golden-confluent-group', keyType: 0 });
    const commit = req('confluent-kafka', API.OffsetCommit, 7);
    expect(commit).toMatchObject({ groupId: 'golden-confluent-group', groupInstanceId: null });
    expect(commit.topics[0].name).toBe('golden-confluent');
    const fetch = req('confluent-kafka', API.OffsetFetch, 7);
    expect(fetch).toMatchObject({ groupId: 'golden-confluent-group', topics: [{ name: 'golden-confluent', partitionIndexes: [0, 1] }], requireStable: true });
    expect(res('confluent-kafka', API.OffsetFetch, 7).topics[0].partitions.map((p: any) => [p.partitionIndex, p.errorCode])).toEqual([
      [0, 0],
      [1, 0],
    ]);
  });

  it('ListGroups v0 and DescribeGroups v0 (AdminClient.list_groups) name the group', () => {
    expect(res('confluent-kafka', API.ListGroups, 0).groups.map((g: any) => g.groupId)).toContain('golden-confluent-group');
    expect(req('confluent-kafka', API.DescribeGroups, 0).groups).toContain('golden-confluent-group');
    expect(res('confluent-kafka', API.DescribeGroups, 0).groups.find((g: any) => g.groupId === 'golden-confluent-group')).toMatchObject({ errorCode: 0, protocolType: 'consumer' });
  });

  it('transactions: InitProducerId v4, AddPartitionsToTxn v0, AddOffsetsToTxn v0, TxnOffsetCommit v3, EndTxn v1 (commit) of one producer', () => {
    const init = req('confluent-kafka', API.InitProducerId, 4);
    expect(init).toMatchObject({ transactionalId: 'golden-confluent-transform', transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
    const { producerId, producerEpoch } = res('confluent-kafka', API.InitProducerId, 4);
    const ids = { producerId, producerEpoch };
    expect(req('confluent-kafka', API.AddPartitionsToTxn, 0)).toMatchObject({
      v3AndBelowTransactionalId: 'golden-confluent-transform',
      v3AndBelowProducerId: producerId,
      v3AndBelowTopics: [{ name: 'golden-confluent-out' }],
    });
    expect(res('confluent-kafka', API.AddPartitionsToTxn, 0).resultsByTopicV3AndBelow[0].resultsByPartition.map((p: any) => p.partitionErrorCode)).toEqual([0]);
    expect(req('confluent-kafka', API.AddOffsetsToTxn, 0)).toEqual({ transactionalId: 'golden-confluent-transform', ...ids, groupId: 'golden-confluent-transform' });
    const txnCommit = req('confluent-kafka', API.TxnOffsetCommit, 3);
    expect(txnCommit).toMatchObject({ transactionalId: 'golden-confluent-transform', groupId: 'golden-confluent-transform', ...ids, groupInstanceId: null });
    expect(txnCommit.topics).toEqual([{ name: 'golden-confluent-txn', partitions: [expect.objectContaining({ partitionIndex: 0, committedOffset: 1n })] }]);
    expect(res('confluent-kafka', API.TxnOffsetCommit, 3).topics[0].partitions[0].errorCode).toBe(0);
    expect(req('confluent-kafka', API.EndTxn, 1)).toEqual({ transactionalId: 'golden-confluent-transform', ...ids, committed: true });
    expect(res('confluent-kafka', API.EndTxn, 1).errorCode).toBe(0);
  });
});

// ------------------------------------------------------------------------------------------------
// segmentio/kafka-go 0.2.1: hand-written fixed versions.

describe('kafka-go 0.2.1 frames', () => {
  const value = (i: number) => `kg-v${i} ${'gzip '.repeat(8)}`;

  it('CreateTopics v0 with a config, DeleteTopics v1, Metadata v1', () => {
    expect(req('kafka-go', API.CreateTopics, 0).topics).toEqual([
      { name: 'golden-kafka-go', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '3600000' }] },
    ]);
    expect(res('kafka-go', API.CreateTopics, 0).topics[0]).toMatchObject({ name: 'golden-kafka-go', errorCode: 0 });
    expect(req('kafka-go', API.DeleteTopics, 1).topicNames).toEqual(['golden-kafka-go']);
    expect(res('kafka-go', API.DeleteTopics, 1).responses[0].errorCode).toBe(0);
    expect(req('kafka-go', API.Metadata, 1).topics.map((t: any) => t.name)).toEqual(['golden-kafka-go']);
  });

  it('Produce v2 (acks -1): one partition per request, a gzip magic 1 wrapper with offset 0 and timestamp 0 around relative inner messages', () => {
    const body = req('kafka-go', API.Produce, 2);
    expect(body).toMatchObject({ acks: -1 });
    expect(body.topicData).toHaveLength(1);
    expect(body.topicData[0].partitionData).toHaveLength(1);
    const p = body.topicData[0].partitionData[0];
    const [wrapper, ...rest] = legacy(p.records);
    expect(rest).toEqual([]);
    expect(wrapper).toMatchObject({ offset: 0n, magic: 1, codec: Codec.Gzip, timestamp: 0n, key: null });
    const keys = p.index === 0 ? [0, 2, 4] : [1, 3, 5]; // round-robin
    expect(wrapper!.inner).toEqual(keys.map((k, i) => ({ offset: BigInt(i), magic: 1, timestamp: 1_700_000_000_000n + BigInt(k), key: `kg-k${k}`, value: value(k) })));
  });

  it('Fetch v2 gets a broker-built magic 1 wrapper (last offset, largest timestamp); ListOffsets v1', () => {
    const f = fixture('kafka-go', API.Fetch, 2);
    const asked = decodeRequest(f).body.topics[0];
    expect(asked.topic).toBe('golden-kafka-go');
    const p = decodeResponse(f).body.responses[0].partitions[0];
    const [wrapper, ...rest] = legacy(p.records);
    expect(rest).toEqual([]);
    const keys = p.partitionIndex === 0 ? [0, 2, 4] : [1, 3, 5];
    expect(wrapper).toMatchObject({ offset: 2n, magic: 1, codec: Codec.Gzip, timestamp: 1_700_000_000_000n + BigInt(keys[2]!) });
    expect(wrapper!.inner!.map((m) => [m.offset, m.key, m.value])).toEqual(keys.map((k, i) => [BigInt(i), `kg-k${k}`, value(k)]));
    expect(req('kafka-go', API.ListOffsets, 1).topics[0].name).toBe('golden-kafka-go');
    expect(res('kafka-go', API.ListOffsets, 1).topics[0].partitions[0].errorCode).toBe(0);
  });

  it('group: JoinGroup v1 whose subscription says version 1 but has no owned partitions (kafka-go predates KIP-429), SyncGroup v0, OffsetCommit v2, OffsetFetch v1', () => {
    const join = req('kafka-go', API.JoinGroup, 1);
    expect(join).toMatchObject({ groupId: 'golden-kafka-go-group', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 2000, protocolType: 'consumer' });
    expect(join.protocols.map((p: any) => p.name)).toEqual(['range', 'roundrobin']);
    // ConsumerProtocolSubscription v1 would carry owned partitions; kafka-go stops after the v0 fields, which is
    // all the coordinator reads (subscriptionTopics).
    for (const p of join.protocols) expect(subscription(p.metadata)).toEqual({ version: 1, topics: ['golden-kafka-go'], userData: null });
    expect(assignments(req('kafka-go', API.SyncGroup, 0))).toEqual([
      { version: 1, partitions: [['golden-kafka-go', [0]]], userData: null },
      { version: 1, partitions: [['golden-kafka-go', [1]]], userData: null },
    ]);
    expect(res('kafka-go', API.SyncGroup, 0).errorCode).toBe(0);
    const commit = req('kafka-go', API.OffsetCommit, 2);
    expect(commit).toMatchObject({ groupId: 'golden-kafka-go-group' });
    expect(commit.topics[0].name).toBe('golden-kafka-go');
    expect(res('kafka-go', API.OffsetCommit, 2).topics[0].partitions.every((p: any) => p.errorCode === 0)).toBe(true);
    expect(req('kafka-go', API.OffsetFetch, 1)).toMatchObject({ groupId: 'golden-kafka-go-group', topics: [{ name: 'golden-kafka-go' }] });
    expect(req('kafka-go', API.FindCoordinator, 0)).toMatchObject({ key: 'golden-kafka-go-group', keyType: 0 });
  });
});
