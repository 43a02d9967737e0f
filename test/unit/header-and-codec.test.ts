// Request headers, response framing and whole-message decoding checked against hand-built bytes.
import '../../src/wire/messages/index.js';
import { describe, expect, it } from 'vitest';
import { codecFor, encodeResponseFrame, responseHeaderVersion } from '../../src/wire/codecs.js';
import { encodeRequestFrame, readRequestHeader } from '../../src/wire/header.js';
import { Reader } from '../../src/wire/reader.js';
import { Writer } from '../../src/wire/writer.js';

// ---- Byte builders (independent of Writer, so the tests do not check the code against itself) ----

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const i8 = (n: number): Buffer => Buffer.from([n & 0xff]);
const i16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const i32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
/** Classic string: int16 length (or -1 for null). */
const str = (s: string | null): Buffer => (s === null ? i16(-1) : Buffer.concat([i16(Buffer.byteLength(s)), Buffer.from(s)]));
/** Compact string: unsigned varint length+1 (single byte here), 0 for null. */
const cstr = (s: string | null): Buffer => {
  if (s === null) return i8(0);
  const b = Buffer.from(s);
  expect(b.length).toBeLessThan(127);
  return Buffer.concat([i8(b.length + 1), b]);
};
/** Compact array length (n + 1, single byte here). */
const carr = (n: number): Buffer => i8(n + 1);
const NO_TAGS = i8(0);
const cat = (...parts: Buffer[]): Buffer => Buffer.concat(parts);
/** A complete frame: int32 size prefix + content. */
const frame = (...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  return Buffer.concat([i32(body.length), body]);
};

/** Decodes a body with the registry codec and checks it consumed exactly `end`. */
function decodeBody(apiKey: number, version: number, dir: 'request' | 'response', r: Reader): any {
  const codec = codecFor(apiKey, version, dir);
  expect(codec, `codec ${apiKey} v${version} ${dir}`).not.toBeNull();
  const v = codec!.decode(r);
  expect(r.error).toBeNull();
  expect(r.remaining).toBe(0);
  return v;
}

describe('request headers', () => {
  it('v2 (flexible): an ApiVersions v3 request as librdkafka sends it', () => {
    // client_id stays a classic int16 string in header v2; then the header's empty tagged-field section;
    // then the body: compact strings client_software_name/version and the body's tagged-field section.
    const bytes = frame(
      i16(18), // api key: ApiVersions
      i16(3), // api version
      i32(1), // correlation id
      str('rdkafka'),
      NO_TAGS,
      cstr('librdkafka'),
      cstr('2.3.0'),
      NO_TAGS,
    );
    expect(bytes.subarray(0, 22).toString('hex')).toBe('00000024' + '0012' + '0003' + '00000001' + '0007' + '72646b61666b61' + '00');
    const r = new Reader(bytes, 4);
    const h = readRequestHeader(r);
    expect(h).toEqual({ apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 'rdkafka', headerVersion: 2 });
    expect(r.error).toBeNull();
    expect(r.pos).toBe(4 + 2 + 2 + 4 + 9 + 1); // body starts after the header tag byte
    expect(decodeBody(18, 3, 'request', r)).toEqual({ clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.3.0' });
  });

  it('v2: tagged fields in the header are skipped', () => {
    const bytes = frame(i16(18), i16(3), i32(9), str('c'), hex('02 00 02 aaaa 07 00'), cstr('x'), cstr('y'), NO_TAGS);
    const r = new Reader(bytes, 4);
    const h = readRequestHeader(r);
    expect(h.headerVersion).toBe(2);
    expect(h.clientId).toBe('c');
    expect(decodeBody(18, 3, 'request', r)).toEqual({ clientSoftwareName: 'x', clientSoftwareVersion: 'y' });
  });

  it('v1 (non-flexible): no tagged-field section after client_id', () => {
    // Metadata v1 with topics = null (all topics): classic int32 array length -1.
    const bytes = frame(i16(3), i16(1), i32(0x01020304), str('kafkajs'), i32(-1));
    const r = new Reader(bytes, 4);
    const h = readRequestHeader(r);
    expect(h).toEqual({ apiKey: 3, apiVersion: 1, correlationId: 0x01020304, clientId: 'kafkajs', headerVersion: 1 });
    expect(r.pos).toBe(4 + 8 + 9);
    expect(decodeBody(3, 1, 'request', r)).toEqual({
      topics: null,
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
  });

  it('v1: a null client_id (ff ff)', () => {
    const bytes = frame(i16(18), i16(0), i32(5), str(null));
    const r = new Reader(bytes, 4);
    const h = readRequestHeader(r);
    expect(h.clientId).toBeNull();
    expect(h.headerVersion).toBe(1);
    expect(r.remaining).toBe(0);
    expect(decodeBody(18, 0, 'request', r)).toEqual({ clientSoftwareName: '', clientSoftwareVersion: '' });
  });

  it('the header version follows the API: ApiVersions v2 is v1, Metadata v9 is v2', () => {
    const av2 = new Reader(frame(i16(18), i16(2), i32(1), str('a')), 4);
    expect(readRequestHeader(av2).headerVersion).toBe(1);
    expect(av2.remaining).toBe(0);
    const md9 = new Reader(frame(i16(3), i16(9), i32(1), str('a'), NO_TAGS, carr(0), i8(1), i8(0), i8(0), NO_TAGS), 4);
    expect(readRequestHeader(md9).headerVersion).toBe(2);
    expect(decodeBody(3, 9, 'request', md9).topics).toEqual([]);
  });

  it('an ApiVersions request newer than we support still gets header v2, as Kafka parses it', () => {
    // Kafka derives the header version from (apiKey, apiVersion): ApiVersions ≥ 3 → header v2.
    const r = new Reader(frame(i16(18), i16(99), i32(77), str('future'), NO_TAGS, cstr('x'), cstr('9'), NO_TAGS), 4);
    const h = readRequestHeader(r);
    expect(h).toMatchObject({ apiKey: 18, apiVersion: 99, correlationId: 77, clientId: 'future', headerVersion: 2 });
    expect(r.error).toBeNull();
    expect(codecFor(18, 99, 'request')).toBeNull();
  });

  it('a truncated header sets the reader error instead of throwing', () => {
    const r = new Reader(hex('0012 0003 0000'));
    expect(() => readRequestHeader(r)).not.toThrow();
    expect(r.error).toMatch(/truncated/);
  });

  it('encodeRequestFrame writes what readRequestHeader reads', () => {
    const b = encodeRequestFrame({ apiKey: 18, apiVersion: 3, correlationId: 12, clientId: 'rdkafka' }, (w) => {
      w.compactString('librdkafka');
      w.compactString('2.3.0');
      w.uvarint(0);
    });
    expect(b.equals(frame(i16(18), i16(3), i32(12), str('rdkafka'), NO_TAGS, cstr('librdkafka'), cstr('2.3.0'), NO_TAGS))).toBe(true);
  });
});

describe('response frames', () => {
  it('ApiVersions v3 uses response header v0 (no tag byte) even though the body is flexible', () => {
    expect(responseHeaderVersion(18, 3)).toBe(0);
    const out = Buffer.concat(
      encodeResponseFrame(18, 3, 42, { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }], throttleTimeMs: 0 }),
    );
    const expected = frame(
      i32(42), // correlation id, and nothing else in header v0
      i16(0), // error code
      carr(1),
      i16(18),
      i16(0),
      i16(4),
      NO_TAGS, // api key entry
      i32(0), // throttle time
      NO_TAGS, // body tagged fields (all defaults: none written)
    );
    expect(out.toString('hex')).toBe(expected.toString('hex'));
    expect(out.toString('hex')).toBe('00000013' + '0000002a' + '0000' + '02' + '0012' + '0000' + '0004' + '00' + '00000000' + '00');
    const r = new Reader(out, 8);
    expect(decodeBody(18, 3, 'response', r).apiKeys).toEqual([{ apiKey: 18, minVersion: 0, maxVersion: 4 }]);
  });

  it('Metadata v9 uses response header v1: an extra 00 tag byte after the correlation id', () => {
    expect(responseHeaderVersion(3, 9)).toBe(1);
    const out = Buffer.concat(encodeResponseFrame(3, 9, 7, { throttleTimeMs: 0, brokers: [], clusterId: null, controllerId: 1, topics: [] }));
    const expected = frame(
      i32(7),
      NO_TAGS, // response header v1 tagged fields
      i32(0), // throttle
      carr(0), // brokers
      cstr(null), // cluster id
      i32(1), // controller
      carr(0), // topics
      i32(-2147483648), // cluster authorized operations (v8-10), default
      NO_TAGS,
    );
    expect(out.toString('hex')).toBe(expected.toString('hex'));
    expect(out.readInt32BE(0)).toBe(out.length - 4);
    expect(out[8]).toBe(0);
  });

  it('Metadata v8 (non-flexible) uses response header v0', () => {
    expect(responseHeaderVersion(3, 8)).toBe(0);
    const out = Buffer.concat(encodeResponseFrame(3, 8, 7, { brokers: [], clusterId: null, controllerId: 1, topics: [] }));
    expect(out.toString('hex')).toBe(
      frame(i32(7), i32(0), i32(0), str(null), i32(1), i32(0), i32(-2147483648)).toString('hex'),
    );
  });

  it('large record data goes out by reference and the size prefix counts it', () => {
    const records = Buffer.alloc(5000, 0xab);
    const chunks = encodeResponseFrame(1, 4, 3, {
      throttleTimeMs: 0,
      responses: [{ topic: 't', partitions: [{ partitionIndex: 0, highWatermark: 10n, lastStableOffset: 10n, records }] }],
    });
    expect(chunks.some((c) => c === records)).toBe(true);
    const total = chunks.reduce((s, c) => s + c.length, 0);
    expect(chunks[0]!.readInt32BE(0)).toBe(total - 4);
    const out = Buffer.concat(chunks);
    const r = new Reader(out, 8);
    const body = decodeBody(1, 4, 'response', r);
    expect(body.responses[0].partitions[0].records.equals(records)).toBe(true);
  });

  it('fields left out encode their schema default, not zero', () => {
    // ProduceResponse v2: log_append_time_ms defaults to -1 (meaning CreateTime); 0 would claim LogAppendTime at epoch 0.
    const out = Buffer.concat(
      encodeResponseFrame(0, 2, 1, { responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 5n }] }] }),
    );
    const expected = frame(i32(1), i32(1), str('t'), i32(1), i32(0), i16(0), hex('0000000000000005'), hex('ffffffffffffffff'), i32(0));
    expect(out.toString('hex')).toBe(expected.toString('hex'));
    // MetadataRequest v4: allow_auto_topic_creation defaults to true; an explicit value still wins.
    const codec = codecFor(3, 4, 'request')!;
    const enc = (v: object): string => {
      const w = new Writer();
      codec.encode(w, v);
      return w.toBuffer().toString('hex');
    };
    expect(enc({ topics: null })).toBe('ffffffff01');
    expect(enc({ topics: null, allowAutoTopicCreation: false })).toBe('ffffffff00');
    // A nullable field whose default is null still writes an explicit value, and null when left out.
    expect(Buffer.concat(encodeResponseFrame(3, 2, 1, { brokers: [], topics: [] })).subarray(8).toString('hex')).toBe(
      cat(i32(0), str(null), i32(-1), i32(0)).toString('hex'),
    );
  });

  it('an unknown API or version is an error', () => {
    expect(() => encodeResponseFrame(18, 99, 1, {})).toThrow(/no response codec/);
    expect(() => encodeResponseFrame(9999, 0, 1, {})).toThrow(/no response codec/);
  });
});

describe('a hand-built Metadata v12 response decodes field by field', () => {
  const topicId = hex('000102030405060708090a0b0c0d0e0f');
  const body = cat(
    i32(5), // throttle_time_ms
    carr(2), // brokers
    /**/ i32(1), cstr('localhost'), i32(9092), cstr(null), NO_TAGS,
    /**/ i32(2), cstr('b2'), i32(9093), cstr('r1'), NO_TAGS,
    cstr('kl-cluster'), // cluster_id
    i32(1), // controller_id
    carr(2), // topics
    /**/ i16(0), cstr('orders'), topicId, i8(0), // error, name, topic_id, is_internal
    /**/ carr(1), // partitions
    /**/ /**/ i16(0), i32(0), i32(1), i32(7), // error, index, leader, leader_epoch
    /**/ /**/ carr(2), i32(1), i32(2), // replica_nodes
    /**/ /**/ carr(1), i32(1), // isr_nodes
    /**/ /**/ carr(0), // offline_replicas
    /**/ /**/ NO_TAGS,
    /**/ i32(-2147483648), NO_TAGS, // topic_authorized_operations
    /**/ i16(3), cstr(null), Buffer.alloc(16), i8(1), carr(0), i32(0x0f8), NO_TAGS, // an unknown topic by id: name null (v12+)
    NO_TAGS, // no cluster_authorized_operations in v12 (8-10 only)
  );

  it('decodes every field and consumes exactly the body', () => {
    const r = new Reader(body);
    const m = decodeBody(3, 12, 'response', r);
    expect(m.throttleTimeMs).toBe(5);
    expect(m.brokers).toEqual([
      { nodeId: 1, host: 'localhost', port: 9092, rack: null },
      { nodeId: 2, host: 'b2', port: 9093, rack: 'r1' },
    ]);
    expect(m.clusterId).toBe('kl-cluster');
    expect(m.controllerId).toBe(1);
    expect(m.topics).toHaveLength(2);
    const [t0, t1] = m.topics;
    expect(t0.errorCode).toBe(0);
    expect(t0.name).toBe('orders');
    expect(t0.topicId).toBe('AAECAwQFBgcICQoLDA0ODw');
    expect(t0.isInternal).toBe(false);
    expect(t0.partitions).toEqual([
      { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 7, replicaNodes: [1, 2], isrNodes: [1], offlineReplicas: [] },
    ]);
    expect(t0.topicAuthorizedOperations).toBe(-2147483648);
    expect(t1).toEqual({
      errorCode: 3,
      name: null,
      topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
      isInternal: true,
      partitions: [],
      topicAuthorizedOperations: 0xf8,
    });
    // Absent in v12: the schema default.
    expect(m.clusterAuthorizedOperations).toBe(-2147483648);
    expect(m._unknownTags).toBeUndefined();
  });

  it('re-encodes to the same bytes', () => {
    const m = decodeBody(3, 12, 'response', new Reader(body));
    const out = Buffer.concat(encodeResponseFrame(3, 12, 1, m));
    expect(out.subarray(9).equals(body)).toBe(true);
  });

  it('every truncation of it fails cleanly', () => {
    const codec = codecFor(3, 12, 'response')!;
    for (let cut = 0; cut < body.length; cut++) {
      const r = new Reader(body, 0, cut);
      expect(() => codec.decode(r)).not.toThrow();
      expect(r.error, `cut at ${cut}`).not.toBeNull();
    }
  });
});

describe('Produce v3 request (non-flexible) with a records blob', () => {
  // Stand-in record batch bytes: the codec does not look inside them.
  const blob = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff));
  const bytes = frame(
    i16(0), // Produce
    i16(3),
    i32(1234),
    str('producer-1'),
    // body
    str(null), // transactional_id (v3+, nullable)
    i16(-1), // acks
    i32(30000), // timeout_ms
    i32(1), // topic_data
    str('orders'),
    i32(1), // partition_data
    i32(0), // index
    i32(blob.length), // records: int32 size + bytes
    blob,
  );
  const blobOffset = bytes.length - blob.length;

  it('decodes the header and body; records is a zero-copy subarray of the frame', () => {
    const r = new Reader(bytes, 4);
    const h = readRequestHeader(r);
    expect(h).toEqual({ apiKey: 0, apiVersion: 3, correlationId: 1234, clientId: 'producer-1', headerVersion: 1 });
    const req = decodeBody(0, 3, 'request', r);
    expect(req.transactionalId).toBeNull();
    expect(req.acks).toBe(-1);
    expect(req.timeoutMs).toBe(30000);
    expect(req.topicData).toHaveLength(1);
    expect(req.topicData[0].name).toBe('orders');
    const p = req.topicData[0].partitionData[0];
    expect(p.index).toBe(0);
    const rec: Buffer = p.records;
    expect(Buffer.isBuffer(rec)).toBe(true);
    expect(rec.equals(blob)).toBe(true);
    // Same memory as the frame, at the blob's offset: no copy was made.
    expect(rec.buffer).toBe(bytes.buffer);
    expect(rec.byteOffset).toBe(bytes.byteOffset + blobOffset);
    expect(rec.length).toBe(blob.length);
    bytes[blobOffset] = 0xfe;
    expect(rec[0]).toBe(0xfe);
    bytes[blobOffset] = blob[0]!;
  });

  it('a records size beyond the frame is an error, not a short slice', () => {
    const cut = bytes.subarray(0, bytes.length - 1);
    const r = new Reader(cut, 4);
    readRequestHeader(r);
    const codec = codecFor(0, 3, 'request')!;
    codec.decode(r);
    expect(r.error).toMatch(/truncated: need 300 bytes, have 299/);
  });

  it('null records (int32 -1) decode as null', () => {
    const body = cat(str(null), i16(1), i32(1000), i32(1), str('t'), i32(1), i32(2), i32(-1));
    const req = decodeBody(0, 3, 'request', new Reader(body));
    expect(req.topicData[0].partitionData[0]).toEqual({ index: 2, records: null });
  });
});
