// Golden vectors: real frames from kafkajs, kcat (librdkafka 2.0) and @platformatic/kafka, captured by
// scripts/capture-golden.mjs through a recording proxy. Every request and response must parse, decode with
// the project's codec consuming exactly all bytes, and re-encode to the very same bytes. A few frames are
// also checked field by field. Values that change per capture (timestamps, topic/cluster ids, ports) are
// compared only with each other, never with literals.
import '../../src/wire/messages/index.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codecFor, encodeResponseFrame, isFlexible, responseHeaderVersion } from '../../src/wire/codecs.js';
import { encodeRequestFrame, readRequestHeader, type RequestHeader } from '../../src/wire/header.js';
import { Reader } from '../../src/wire/reader.js';
import { decodeRecords, splitBatches, type DecodedRecord } from '../../src/wire/record-batch.js';

const GOLDEN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../golden');

interface Fixture {
  client: 'kafkajs' | 'kcat' | 'platformatic';
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
const API = { Produce: 0, Fetch: 1, ListOffsets: 2, Metadata: 3, ApiVersions: 18, CreateTopics: 19 } as const;

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
