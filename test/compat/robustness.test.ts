// Robustness over real sockets: a fuzzer hammers one in-process (disk-backed) broker
// with broken and mutated requests on many connections while a well-behaved client
// produces and fetches numbered records; afterwards every acknowledged record must be
// readable exactly once, in order, and the broker must still serve new clients.
//
// Also: huge size prefixes cost no memory, a half-sent frame blocks nobody, malformed
// frames close exactly their own connection.
//
// Knobs (env): FUZZ_SEED (default: random, printed), FUZZ_MS (fuzzing time, default 8000),
// FUZZ_CONNS (bad connections, default 6).
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codecFor, isFlexible } from '../../src/wire/codecs.js';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { encodeRequestFrame } from '../../src/wire/header.js';
import { API_SCHEMAS } from '../../src/wire/messages/index.js';
import { HANDLERS } from '../../src/handlers/index.js';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  RECORD_COUNT_OFFSET,
  RECORDS_OFFSET,
  buildRecordBatch,
  crc32c,
  decodeRecords,
} from '../../src/wire/record-batch.js';
import { Reader, ZERO_UUID } from '../../src/wire/reader.js';
import { inRange, type AnyField, type FieldType } from '../../src/wire/schema.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { rng } from '../helpers/sample.js';
import { ensureBuilt, spawnBroker, type SpawnedBroker } from '../helpers/spawn-broker.js';
import { withTimeout } from '../helpers/with-timeout.js';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const FUZZ_MS = Number(process.env.FUZZ_MS ?? 8000);
const FUZZ_CONNS = Number(process.env.FUZZ_CONNS ?? 6);
const MiB = 1024 * 1024;

const GOOD = 'good';
const FUZZ = 'fuzz';
const FUZZ_PARTITIONS = 3;

// ---------------------------------------------------------------------------
// Shared broker, log capture, process-level error capture

interface LogEntry {
  level: number;
  msg: string;
  err?: { message?: string; stack?: string };
}

let broker: TestBroker;
/** error/fatal log entries: "request handler failed" means a handler threw on input (a bug). */
const errorLogs: LogEntry[] = [];
let warnCount = 0;
const uncaught: unknown[] = [];
const onUncaught = (e: unknown): void => {
  uncaught.push(e);
};
const topicIds = new Map<string, string>();

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  const sink = {
    write(line: string): void {
      const o = JSON.parse(line) as LogEntry;
      if (o.level >= 50) {
        if (errorLogs.length < 200) errorLogs.push(o);
      } else warnCount++;
    },
  };
  broker = await startTestBroker({ inMemory: false, logger: pino({ level: 'warn' }, sink) });
  const c = await RawClient.connect(broker.port);
  try {
    const res = await c.request(19, 7, {
      topics: [
        { name: GOOD, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        { name: FUZZ, numPartitions: FUZZ_PARTITIONS, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 5000,
    });
    for (const t of res.topics) {
      expect(t.errorCode, t.name).toBe(0);
      topicIds.set(t.name, t.topicId);
    }
  } finally {
    c.close();
  }
});

afterAll(async () => {
  await broker?.close();
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
});

/** Fails with the handler bugs (internal errors) the broker logged, if any. */
function expectNoHandlerBugs(): void {
  const bugs = errorLogs.map((e) => `${e.msg}: ${e.err?.message ?? ''}\n${(e.err?.stack ?? '').split('\n').slice(0, 4).join('\n')}`);
  expect(bugs, `broker logged errors (seed ${SEED})`).toEqual([]);
  expect(uncaught, `uncaught exceptions / unhandled rejections (seed ${SEED})`).toEqual([]);
}

// ---------------------------------------------------------------------------
// Small utilities

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

function randomBytes(r: Rand, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

async function waitUntil(pred: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) return false;
    await sleep(2);
  }
  return true;
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((res, rej) => {
    const s = connect({ port, host: '127.0.0.1' }, () => {
      s.off('error', rej);
      res(s);
    });
    s.once('error', rej);
  });
}

/** Parses response frames off a socket; tracks whether the broker (not us) closed it. */
class Wire {
  readonly frames: Buffer[] = [];
  private buf: Buffer = Buffer.alloc(0);
  closed = false;
  /** We called destroy(); a close after that is ours. */
  destroyedByUs = false;
  private readonly waiters: (() => void)[] = [];
  onFrame: ((frame: Buffer) => void) | null = null;

  constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      while (this.buf.length >= 4) {
        const size = this.buf.readInt32BE(0);
        if (this.buf.length < 4 + size) break;
        const f = this.buf.subarray(4, 4 + size);
        this.buf = this.buf.subarray(4 + size);
        if (this.onFrame) this.onFrame(f);
        else this.frames.push(f);
      }
      this.wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  get closedByBroker(): boolean {
    return this.closed && !this.destroyedByUs;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves true when `pred` holds, false after `ms`. Re-checked on every frame and on close. */
  until(pred: () => boolean, ms: number): Promise<boolean> {
    if (pred()) return Promise.resolve(true);
    return new Promise((res) => {
      const t = setTimeout(() => res(pred()), ms);
      const check = (): void => {
        if (pred()) {
          clearTimeout(t);
          res(true);
        } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  destroy(): void {
    if (!this.closed) this.destroyedByUs = true;
    this.socket.destroy();
  }
}

function encodeFrame(apiKey: number, apiVersion: number, correlationId: number, body: unknown, clientId: string | null = 'fuzz'): Buffer {
  const codec = codecFor(apiKey, apiVersion, 'request');
  if (!codec) throw new Error(`no codec for ${apiKey} v${apiVersion}`);
  return encodeRequestFrame({ apiKey, apiVersion, correlationId, clientId }, (w) => codec.encode(w, body));
}

/** Decodes a response frame (correlation id first) for (apiKey, version); throws on a malformed one. */
function decodeResponse(apiKey: number, version: number, frame: Buffer): any {
  const r = new Reader(frame, 4);
  if (apiKey !== 18 && isFlexible(apiKey, version)) r.uvarint();
  const v = codecFor(apiKey, version, 'response')!.decode(r);
  if (r.error !== null) throw new Error(`malformed ${apiKey} v${version} response: ${r.error}`);
  if (r.remaining !== 0) throw new Error(`${r.remaining} trailing bytes in ${apiKey} v${version} response`);
  return v;
}

/** Every batch in a fetched records blob (whole ones only). */
function batchesIn(records: Buffer | null): Buffer[] {
  const out: Buffer[] = [];
  if (!records) return out;
  let p = 0;
  while (records.length - p >= LOG_OVERHEAD) {
    const size = LOG_OVERHEAD + records.readInt32BE(p + BATCH_LENGTH_OFFSET);
    if (size < LOG_OVERHEAD || p + size > records.length) break;
    out.push(records.subarray(p, p + size));
    p += size;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Captured valid requests ("templates"), built with the project's codecs

interface Template {
  apiKey: number;
  version: number;
  body: Record<string, unknown>;
}

const TEMPLATE_KINDS: readonly (readonly [number, number])[] = [
  [0, 3],
  [0, 9],
  [0, 11],
  [1, 4],
  [1, 12],
  [1, 17],
  [3, 1],
  [3, 12],
  [19, 4],
  [19, 7],
  [2, 1],
  [2, 7],
  [18, 0],
  [18, 3],
];

function fuzzBatch(r: Rand): Buffer {
  const n = int(r, 1, 3);
  return buildRecordBatch({
    records: Array.from({ length: n }, (_, i) => ({
      key: r() < 0.3 ? null : Buffer.from(`fz${i}`),
      value: r() < 0.1 ? null : Buffer.from(`fz-value-${i}-${'x'.repeat(int(r, 0, 64))}`),
      headers: r() < 0.3 ? [{ key: 'fh', value: Buffer.from('v') }] : [],
      timestampDelta: i,
    })),
    ...(r() < 0.2 ? { producerId: BigInt(int(r, 0, 1000)), producerEpoch: 0, baseSequence: int(r, 0, 100) } : {}),
  });
}

function topicPick(r: Rand): string {
  return r() < 0.6 ? FUZZ : GOOD;
}

function makeTemplate(r: Rand): Template {
  const [apiKey, version] = pick(r, TEMPLATE_KINDS);
  const topic = topicPick(r);
  const partition = int(r, 0, topic === FUZZ ? FUZZ_PARTITIONS - 1 : 1);
  switch (apiKey) {
    case 0:
      return {
        apiKey,
        version,
        body: {
          transactionalId: null,
          acks: pick(r, [1, 1, -1, 0]),
          timeoutMs: 1000,
          topicData: [{ name: topic, partitionData: [{ index: partition, records: fuzzBatch(r) }] }],
        },
      };
    case 1: {
      const part = { partition, currentLeaderEpoch: -1, fetchOffset: BigInt(int(r, 0, 50)), logStartOffset: -1n, partitionMaxBytes: pick(r, [0, 100, 65536, MiB]) };
      return {
        apiKey,
        version,
        body: {
          replicaId: -1,
          maxWaitMs: int(r, 0, 20),
          minBytes: pick(r, [0, 1]),
          maxBytes: pick(r, [1024, 65536, MiB]),
          isolationLevel: pick(r, [0, 1]),
          sessionId: 0,
          sessionEpoch: -1,
          topics: [version >= 13 ? { topicId: topicIds.get(topic)!, partitions: [part] } : { topic, partitions: [part] }],
          forgottenTopicsData: [],
          rackId: '',
        },
      };
    }
    case 3: {
      const names = [GOOD, FUZZ, `fz-auto-${int(r, 0, 4)}`];
      const topics =
        r() < 0.2
          ? null
          : names.slice(0, int(r, 0, 3)).map((name) => (version >= 10 ? { topicId: ZERO_UUID, name } : { name }));
      return { apiKey, version, body: { topics, allowAutoTopicCreation: r() < 0.5, includeTopicAuthorizedOperations: r() < 0.5 } };
    }
    case 19:
      return {
        apiKey,
        version,
        body: {
          topics: [
            {
              name: `fz-ct-${int(r, 0, 4)}`,
              numPartitions: pick(r, [1, 2, -1]),
              replicationFactor: pick(r, [1, -1]),
              assignments: [],
              configs: r() < 0.5 ? [{ name: 'retention.ms', value: '60000' }] : [],
            },
          ],
          timeoutMs: 1000,
          validateOnly: r() < 0.5,
        },
      };
    case 2:
      return {
        apiKey,
        version,
        body: {
          replicaId: -1,
          isolationLevel: 0,
          topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: pick(r, [-1n, -2n, -3n, 0n, BigInt(Date.now())]) }] }],
        },
      };
    case 18:
      return { apiKey, version, body: version >= 3 ? { clientSoftwareName: 'kafkalite-fuzz', clientSoftwareVersion: '1.0.0' } : {} };
    default:
      throw new Error('unreachable');
  }
}

// ---------------------------------------------------------------------------
// Mutations

const INT16S = [-32768, -2, -1, 0, 1, 2, 0x7fff];
const INT32S = [-2147483648, -2, -1, 0, 1, 2, 3, 1000, 65536, 0x7fffffff];
const INT64S = [-(2n ** 63n), -5n, -4n, -3n, -2n, -1n, 0n, 1n, 2n, 1000n, 2n ** 63n - 1n];
const STRINGS = ['', 'x'.repeat(300), '..', '.', 'bad name!', GOOD, FUZZ, 'fz-auto-9', 'ünï', '\u0000', 'a'];

/** Random walk over the request's fields (per its schema) to mutate 1-3 values, keeping the encoding valid. */
function mutateSemantically(t: Template, r: Rand): void {
  const schema = API_SCHEMAS.get(t.apiKey)!.request;
  interface Slot {
    type: FieldType;
    nullable: boolean;
    get(): unknown;
    set(v: unknown): void;
  }
  const slots: Slot[] = [];
  const walk = (fields: readonly AnyField[], obj: Record<string, unknown>): void => {
    for (const fl of fields) {
      if (!inRange(fl.versions, t.version)) continue;
      const v = obj[fl.name];
      slots.push({ type: fl.type, nullable: inRange(fl.opts.nullable, t.version), get: () => obj[fl.name], set: (x) => (obj[fl.name] = x) });
      const ty = fl.type;
      if (typeof ty !== 'object') continue;
      if (ty.kind === 'struct' && v && typeof v === 'object') walk(ty.fields, v as Record<string, unknown>);
      if (ty.kind === 'array' && Array.isArray(v)) {
        const of = ty.of as FieldType;
        v.forEach((el, i) => {
          if (typeof of === 'object' && of.kind === 'struct') walk(of.fields, el as Record<string, unknown>);
          else slots.push({ type: of, nullable: false, get: () => v[i], set: (x) => (v[i] = x) });
        });
      }
    }
  };
  walk(schema.fields, t.body);
  if (t.apiKey === 0 && r() < 0.5) {
    // Produce: the record batch is where most of the validation lives, so aim there half the time.
    const pd = (t.body as any).topicData[0].partitionData[0];
    pd.records = mutateBatch(Buffer.from(pd.records as Buffer), r);
    return;
  }
  const n = int(r, 1, 3);
  for (let i = 0; i < n && slots.length > 0; i++) {
    const s = pick(r, slots);
    if (s.nullable && r() < 0.1) {
      s.set(null);
      continue;
    }
    const ty = s.type;
    if (typeof ty === 'object') {
      const cur = s.get();
      if (ty.kind === 'array') {
        if (Array.isArray(cur) && cur.length > 0 && r() < 0.5) s.set([...cur, ...cur, cur[0]]);
        else s.set([]);
      }
      continue;
    }
    switch (ty) {
      case 'int8':
        s.set(pick(r, [-128, -1, 0, 1, 2, 127]));
        break;
      case 'int16':
        s.set(pick(r, INT16S));
        break;
      case 'uint16':
        s.set(pick(r, [0, 1, 65535]));
        break;
      case 'int32':
        s.set(r() < 0.8 ? pick(r, INT32S) : int(r, -(2 ** 31), 2 ** 31 - 1));
        break;
      case 'int64':
        s.set(pick(r, INT64S));
        break;
      case 'float64':
        s.set(pick(r, [0, -1, Number.NaN, Number.POSITIVE_INFINITY]));
        break;
      case 'bool':
        s.set(!s.get());
        break;
      case 'string':
        s.set(pick(r, STRINGS));
        break;
      case 'uuid':
        s.set(pick(r, [ZERO_UUID, topicIds.get(GOOD)!, topicIds.get(FUZZ)!, randomBytes(r, 16).toString('base64url')]));
        break;
      case 'bytes':
      case 'records': {
        const cur = s.get();
        s.set(mutateBatch(Buffer.isBuffer(cur) && cur.length > 0 ? Buffer.from(cur) : fuzzBatch(r), r));
        break;
      }
    }
  }
}

/** Mutates a record batch; most mutations re-seal the CRC so validation past the CRC check is exercised. */
function mutateBatch(b: Buffer, r: Rand): Buffer {
  // A slot mutated twice may already hold a stub: start again from a whole batch.
  if (b.length < RECORDS_OFFSET) b = fuzzBatch(r);
  const reseal = (x: Buffer): Buffer => {
    if (x.length >= RECORDS_OFFSET) x.writeUInt32BE(crc32c(x.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
    return x;
  };
  switch (int(r, 0, 13)) {
    case 12:
    case 13:
    case 11: // a control batch (only the broker may write those), with odd offsets/counts
      b.writeInt16BE(pick(r, [0x20, 0x30]), ATTRIBUTES_OFFSET);
      if (r() < 0.5) b.writeInt32BE(pick(r, INT32S), LAST_OFFSET_DELTA_OFFSET);
      if (r() < 0.5) b.writeInt32BE(pick(r, [0, 1, -1]), RECORD_COUNT_OFFSET);
      return reseal(b);
    case 10: {
      // Several header fields at once, CRC resealed (e.g. a control batch with a negative offset delta).
      for (let i = int(r, 2, 4); i > 0; i--) {
        const [at, v] = pick(r, [
          [ATTRIBUTES_OFFSET, pick(r, [0x20, 0x30, 0x08, 1])],
          [LAST_OFFSET_DELTA_OFFSET, pick(r, INT32S)],
          [RECORD_COUNT_OFFSET, pick(r, INT32S)],
        ] as const);
        if (at === ATTRIBUTES_OFFSET) b.writeInt16BE(v, at);
        else b.writeInt32BE(v, at);
      }
      return reseal(b);
    }
    case 0: // bit flips (CRC now wrong, or the header outside it)
      for (let i = int(r, 1, 4); i > 0; i--) b[int(r, 0, b.length - 1)]! ^= 1 << int(r, 0, 7);
      return b;
    case 1: // record count
      b.writeInt32BE(pick(r, INT32S), RECORD_COUNT_OFFSET);
      return reseal(b);
    case 2: // last offset delta (and the count that matches it, sometimes)
      b.writeInt32BE(pick(r, INT32S), LAST_OFFSET_DELTA_OFFSET);
      if (r() < 0.5) b.writeInt32BE((b.readInt32BE(LAST_OFFSET_DELTA_OFFSET) + 1) | 0, RECORD_COUNT_OFFSET);
      return reseal(b);
    case 3: // attributes: compression codecs, control, transactional, timestamp type
      b.writeInt16BE(pick(r, [1, 2, 3, 4, 5, 7, 0x08, 0x10, 0x20, 0x30, -1]), ATTRIBUTES_OFFSET);
      return reseal(b);
    case 4: // magic
      b.writeInt8(pick(r, [0, 1, 3, -1]), MAGIC_OFFSET);
      return reseal(b);
    case 5: // batch length
      b.writeInt32BE(pick(r, [0, 1, 48, 49, b.length - 13, b.length - 11, 0x7fffffff, -1]), BATCH_LENGTH_OFFSET);
      return b;
    case 6: // record bytes garbled, CRC resealed
      for (let i = RECORDS_OFFSET; i < b.length; i++) if (r() < 0.3) b[i] = Math.floor(r() * 256);
      return reseal(b);
    case 7: // truncated
      return b.subarray(0, int(r, 0, b.length - 1));
    case 8: // two batches (v3+ allows exactly one per partition)
      return Buffer.concat([b, b]);
    default: // empty
      return Buffer.alloc(0);
  }
}

type Kind =
  | 'valid'
  | 'semantic'
  | 'random'
  | 'bitflip'
  | 'truncate'
  | 'truncate-raw'
  | 'prefix'
  | 'int-poke'
  | 'varint-poke'
  | 'apikey'
  | 'version'
  | 'garbage-body'
  | 'trailing'
  | 'splice';

const KINDS: readonly Kind[] = [
  'valid',
  'semantic',
  'semantic',
  'semantic',
  'semantic',
  'semantic',
  'random',
  'bitflip',
  'bitflip',
  'truncate',
  'truncate-raw',
  'prefix',
  'int-poke',
  'int-poke',
  'varint-poke',
  'apikey',
  'version',
  'garbage-body',
  'trailing',
  'splice',
];

/** API keys this broker does not serve (some have schemas, some do not exist). */
// API keys the broker does not serve, derived from the handler table so new handlers do not break the test.
const UNKNOWN_KEYS = [-32768, -1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 22, 36, 50, 67, 68, 74, 1000, 0x7fff].filter((k) => !HANDLERS.some((h) => h.apiKey === k));

interface FuzzFrame {
  kind: Kind;
  bytes: Buffer;
  apiKey: number;
  version: number;
  /** A response is owed (valid encoding of a served API/version, not acks=0). */
  expectAnswer: boolean;
}

function headerLength(frame: Buffer): number {
  // size(4) api(2) ver(2) corr(4) clientId(2+n) [+ tagged fields (1) for flexible]
  const n = frame.readInt16BE(12);
  const flexible = isFlexible(frame.readInt16BE(4), frame.readInt16BE(6));
  return 14 + Math.max(0, n) + (flexible ? 1 : 0);
}

function withPrefix(body: Buffer): Buffer {
  const b = Buffer.allocUnsafe(4 + body.length);
  b.writeInt32BE(body.length, 0);
  body.copy(b, 4);
  return b;
}

function servedVersions(apiKey: number): { min: number; max: number } | null {
  const h = broker.broker.handlers.find((x) => x.apiKey === apiKey);
  return h ? { min: h.minVersion, max: h.maxVersion } : null;
}

function nextFuzzFrame(r: Rand, corr: number): FuzzFrame {
  const t = makeTemplate(r);
  const kind = pick(r, KINDS);
  if (kind === 'semantic') mutateSemantically(t, r);
  let bytes: Buffer;
  try {
    bytes = encodeFrame(t.apiKey, t.version, corr, t.body);
  } catch {
    // The mutation produced a value the encoder refuses (e.g. a string over 32767 bytes): send the template.
    const fresh = makeTemplate(r);
    return { kind: 'valid', bytes: encodeFrame(fresh.apiKey, fresh.version, corr, fresh.body), apiKey: fresh.apiKey, version: fresh.version, expectAnswer: owes(fresh) };
  }
  const body = bytes.subarray(4);
  const out = (b: Buffer, expectAnswer = false): FuzzFrame => ({ kind, bytes: b, apiKey: t.apiKey, version: t.version, expectAnswer });
  switch (kind) {
    case 'valid':
    case 'semantic':
      return out(bytes, owes(t));
    case 'random': {
      const junk = randomBytes(r, int(r, 1, 300));
      return out(r() < 0.5 ? withPrefix(junk) : junk);
    }
    case 'bitflip': {
      const b = Buffer.from(bytes);
      for (let i = int(r, 1, 8); i > 0; i--) {
        const at = int(r, 4, b.length - 1);
        b[at]! ^= 1 << int(r, 0, 7);
      }
      return out(b);
    }
    case 'truncate':
      return out(withPrefix(body.subarray(0, int(r, 0, body.length - 1))));
    case 'truncate-raw':
      return out(bytes.subarray(0, int(r, 1, bytes.length - 1)));
    case 'prefix': {
      const b = Buffer.from(bytes);
      const size = body.length;
      b.writeInt32BE(pick(r, [0, -1, -2147483648, 0x7fffffff, 100 * MiB + 1, size - 1, size + 1, size - int(r, 2, 8), size + int(r, 2, 64), int(r, -(2 ** 31), 2 ** 31 - 1)]), 0);
      return out(b);
    }
    case 'int-poke': {
      const b = Buffer.from(bytes);
      const hl = headerLength(b);
      if (b.length - hl >= 4 && r() < 0.6) b.writeInt32BE(pick(r, INT32S), int(r, hl, b.length - 4));
      else if (b.length - hl >= 2) b.writeInt16BE(pick(r, INT16S), int(r, hl, b.length - 2));
      else b.writeInt16BE(pick(r, INT16S), 12); // client id length
      return out(b);
    }
    case 'varint-poke': {
      // A maximal (or overlong) unsigned varint where a compact length or count may sit.
      const hl = headerLength(bytes);
      const at = int(r, Math.min(hl, bytes.length), bytes.length);
      const v = pick(r, [Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), Buffer.from([0x80, 0x80, 0x80, 0x80, 0x08]), Buffer.from([0])]);
      return out(withPrefix(Buffer.concat([bytes.subarray(4, at), v, bytes.subarray(Math.min(at + v.length, bytes.length))])));
    }
    case 'apikey': {
      const b = Buffer.from(bytes);
      b.writeInt16BE(pick(r, UNKNOWN_KEYS), 4);
      return out(b);
    }
    case 'version': {
      const b = Buffer.from(bytes);
      const v = servedVersions(t.apiKey)!;
      const bad = pick(r, [-1, -32768, v.min - 1, v.max + 1, v.max + int(r, 2, 100), 0x7fff]);
      if (bad >= v.min && bad <= v.max) return out(bytes, owes(t));
      b.writeInt16BE(bad, 6);
      // ApiVersions answers an unknown version with a v0-shaped UNSUPPORTED_VERSION reply (KIP-511).
      return { ...out(b, t.apiKey === 18), version: bad };
    }
    case 'garbage-body': {
      const hl = headerLength(bytes);
      return out(withPrefix(Buffer.concat([bytes.subarray(4, hl), randomBytes(r, int(r, 0, 200))])));
    }
    case 'trailing':
      return out(withPrefix(Buffer.concat([body, randomBytes(r, int(r, 1, 64))])));
    case 'splice': {
      const other = makeTemplate(r);
      const o = encodeFrame(other.apiKey, other.version, corr, other.body);
      return out(Buffer.concat([bytes.subarray(0, int(r, 1, bytes.length)), o.subarray(int(r, 0, o.length - 1))]));
    }
  }
}

function owes(t: Template): boolean {
  return !(t.apiKey === 0 && t.body.acks === 0);
}

/**
 * Known-bug guard (see the "KNOWN BUG" test below): a CreateTopics that would create
 * thousands of partitions blocks the broker's event loop and exhausts file descriptors,
 * which would stop the fuzz run itself. Frames that decode (as the broker would) to
 * such a request, or to a DeleteTopics of the two topics the test relies on, are not sent.
 */
function wouldHurtTheRun(bytes: Buffer): boolean {
  if (bytes.length < 12) return false;
  const size = bytes.readInt32BE(0);
  if (size < 8 || size > bytes.length - 4) return false;
  const r = new Reader(bytes.subarray(4, 4 + size));
  const apiKey = r.int16();
  const version = r.int16();
  if (apiKey !== 19 && apiKey !== 20) return false;
  const codec = codecFor(apiKey, version, 'request');
  if (!codec) return false;
  r.int32();
  r.nullableString();
  if (isFlexible(apiKey, version)) {
    const n = r.uvarint();
    for (let i = 0; i < n && r.error === null; i++) {
      r.uvarint();
      r.raw(r.uvarint());
    }
  }
  const req = codec.decode(r) as any;
  if (r.error !== null) return false;
  if (apiKey === 20) {
    const names: unknown[] = [...(req.topicNames ?? []), ...(req.topics ?? []).map((t: any) => t.name)];
    return names.includes(GOOD) || names.includes(FUZZ);
  }
  return (req.topics as any[]).some((t) => t.numPartitions > 64 || t.assignments.length > 64);
}

// ---------------------------------------------------------------------------
// The fuzz run

interface FuzzStats {
  frames: number;
  bytes: number;
  guarded: number;
  connections: number;
  brokerCloses: number;
  clientCloses: number;
  responses: number;
  unmatchedResponses: number;
  malformedResponses: string[];
  byKind: Record<string, number>;
  /** Answers to mutated-but-valid ('semantic') requests, per API key. */
  semanticAnswers: Record<number, number>;
  /** Error codes seen in answers to semantic mutations of Produce (per code). */
  produceErrors: Record<number, number>;
}

async function badWorker(id: number, deadline: number, stats: FuzzStats): Promise<void> {
  const r = rng(SEED + id * 7919);
  // Correlation ids carry a 16-bit check so a frame whose id a mutation flipped cannot
  // pass for another pending request (its answer would be decoded with the wrong schema).
  let seq = 0;
  const nextCorr = (): number => {
    seq = (seq + 1) & 0x7fff;
    return (seq << 16) | ((Math.imul(seq, 0x9e3779b1) >>> 16) & 0xffff);
  };
  while (Date.now() < deadline) {
    let sock: Socket;
    try {
      sock = await openSocket(broker.port);
    } catch {
      await sleep(5);
      continue;
    }
    stats.connections++;
    const w = new Wire(sock);
    const pending = new Map<number, FuzzFrame>();
    w.onFrame = (f) => {
      stats.responses++;
      const c = f.readInt32BE(0);
      const sent = pending.get(c);
      if (!sent) {
        stats.unmatchedResponses++;
        return;
      }
      pending.delete(c);
      const version = sent.kind === 'version' ? 0 : sent.version;
      try {
        const v = decodeResponse(sent.apiKey, version, f);
        if (sent.kind === 'semantic') {
          stats.semanticAnswers[sent.apiKey] = (stats.semanticAnswers[sent.apiKey] ?? 0) + 1;
          if (sent.apiKey === 0) {
            for (const t of v.responses) for (const p of t.partitionResponses) stats.produceErrors[p.errorCode] = (stats.produceErrors[p.errorCode] ?? 0) + 1;
          }
        }
        if (sent.kind === 'version' && v.errorCode !== ErrorCode.UNSUPPORTED_VERSION) {
          stats.malformedResponses.push(`ApiVersions v${sent.version} answered with error ${v.errorCode}`);
        }
      } catch (e) {
        if (stats.malformedResponses.length < 20) stats.malformedResponses.push(`${sent.kind} ${sent.apiKey} v${version}: ${(e as Error).message}`);
      }
    };
    let bursts = int(r, 1, 8);
    while (bursts-- > 0 && !w.closed && Date.now() < deadline) {
      const frames: FuzzFrame[] = [];
      for (let k = int(r, 1, 6); k > 0; k--) {
        const f = nextFuzzFrame(r, nextCorr());
        if (wouldHurtTheRun(f.bytes)) {
          stats.guarded++;
          continue;
        }
        frames.push(f);
      }
      // Usually put the decodable requests first, so they reach the handlers before a broken frame ends the connection.
      if (r() < 0.7) frames.sort((a, b) => Number(b.expectAnswer) - Number(a.expectAnswer));
      // Mostly one write per frame; sometimes all in one write, sometimes dribbled in pieces.
      const mode = r();
      if (mode < 0.15) {
        sock.write(Buffer.concat(frames.map((f) => f.bytes)));
      } else if (mode < 0.3) {
        const all = Buffer.concat(frames.map((f) => f.bytes));
        for (let p = 0; p < all.length && !w.closed; ) {
          const n = int(r, 1, 40);
          sock.write(all.subarray(p, p + n));
          p += n;
          await new Promise((res) => setImmediate(res));
        }
      } else {
        for (const f of frames) sock.write(f.bytes);
      }
      for (const f of frames) {
        stats.frames++;
        stats.bytes += f.bytes.length;
        stats.byKind[f.kind] = (stats.byKind[f.kind] ?? 0) + 1;
        if (f.expectAnswer) pending.set(f.bytes.readInt32BE(8), f);
      }
      await w.until(() => w.closed || pending.size === 0, int(r, 10, 60));
    }
    if (w.closed) stats.brokerCloses += w.closedByBroker ? 1 : 0;
    else {
      w.destroy();
      stats.clientCloses++;
    }
    await w.until(() => w.closed, 1000);
  }
}

interface GoodResult {
  acked: { baseOffset: bigint; values: string[] }[];
  rounds: number;
  maxLatencyMs: number;
  latencies: number[];
}

function goodValue(n: number): string {
  return `good-${n}-${'p'.repeat(n % 97)}`;
}

async function goodWorker(deadline: number): Promise<GoodResult> {
  const c = await RawClient.connect(broker.port);
  const acked: GoodResult['acked'] = [];
  const latencies: number[] = [];
  let n = 0;
  let i = 0;
  try {
    while (Date.now() < deadline) {
      const count = 1 + (i % 4);
      const values = Array.from({ length: count }, (_, j) => goodValue(n + j));
      const batch = buildRecordBatch({
        records: values.map((v, j) => ({ key: Buffer.from(`g${n + j}`), value: Buffer.from(v), headers: j === 0 ? [{ key: 'seq', value: Buffer.from(String(n)) }] : [] })),
      });
      const pv = [3, 9, 11][i % 3]!;
      const t0 = performance.now();
      const res = await withTimeout(
        c.request(0, pv, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: GOOD, partitionData: [{ index: 0, records: batch }] }] }),
        5000,
        `good produce #${i}`,
      );
      const pr = res.responses[0].partitionResponses[0];
      expect(pr.errorCode, `good produce #${i}: ${pr.errorMessage}`).toBe(0);
      const baseOffset: bigint = pr.baseOffset;
      if (acked.length > 0) expect(baseOffset > acked[acked.length - 1]!.baseOffset, 'offsets grow').toBe(true);
      acked.push({ baseOffset, values });
      n += count;

      // Read it straight back (Fetch v4 by name, v12 flexible, v17 by topic id).
      const fv = [4, 12, 17][i % 3]!;
      const part = { partition: 0, currentLeaderEpoch: -1, fetchOffset: baseOffset, logStartOffset: -1n, partitionMaxBytes: MiB };
      const fres = await withTimeout(
        c.request(1, fv, {
          replicaId: -1,
          maxWaitMs: 0,
          minBytes: 0,
          maxBytes: MiB,
          isolationLevel: 0,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [fv >= 13 ? { topicId: topicIds.get(GOOD)!, partitions: [part] } : { topic: GOOD, partitions: [part] }],
          forgottenTopicsData: [],
          rackId: '',
        }),
        5000,
        `good fetch #${i}`,
      );
      latencies.push(performance.now() - t0);
      const fp = fres.responses[0].partitions[0];
      expect(fp.errorCode, `good fetch #${i}`).toBe(0);
      const first = batchesIn(fp.records).find((b) => b.readBigInt64BE(0) === baseOffset);
      expect(first, `good fetch #${i}: batch at ${baseOffset} not returned`).toBeDefined();
      expect(decodeRecords(first!).map((x) => x.value!.toString())).toEqual(values);
      i++;
    }
  } finally {
    c.close();
  }
  latencies.sort((a, b) => a - b);
  return { acked, rounds: i, maxLatencyMs: latencies[latencies.length - 1] ?? 0, latencies };
}

/** Reads a whole partition from offset 0 with Fetch v12. */
async function readPartition(c: RawClient, topic: string, partition: number): Promise<{ batches: Buffer[]; highWatermark: bigint }> {
  const batches: Buffer[] = [];
  let offset = 0n;
  let hw = -1n;
  for (let guard = 0; guard < 100_000; guard++) {
    const res = await withTimeout(
      c.request(1, 12, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 4 * MiB,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 4 * MiB }] }],
        forgottenTopicsData: [],
        rackId: '',
      }),
      5000,
      'read back',
    );
    const p = res.responses[0].partitions[0];
    expect(p.errorCode).toBe(0);
    hw = p.highWatermark;
    const got = batchesIn(p.records);
    if (got.length === 0) break;
    for (const b of got) {
      const base = b.readBigInt64BE(0);
      const last = base + BigInt(b.readInt32BE(LAST_OFFSET_DELTA_OFFSET));
      if (last < offset) continue;
      batches.push(b);
      offset = last + 1n;
    }
    if (offset >= hw) break;
  }
  return { batches, highWatermark: hw };
}

// ---------------------------------------------------------------------------

describe('fuzzing over real sockets', () => {
  it(
    `survives ${FUZZ_CONNS} bad connections for ${FUZZ_MS} ms while a good client produces and fetches (seed ${SEED})`,
    async () => {
      console.log(`[robustness] FUZZ_SEED=${SEED} FUZZ_MS=${FUZZ_MS} FUZZ_CONNS=${FUZZ_CONNS}`);
      const t0 = performance.now();
      const deadline = Date.now() + FUZZ_MS;
      const stats: FuzzStats = {
        frames: 0,
        bytes: 0,
        guarded: 0,
        connections: 0,
        brokerCloses: 0,
        clientCloses: 0,
        responses: 0,
        unmatchedResponses: 0,
        malformedResponses: [],
        byKind: {},
        semanticAnswers: {},
        produceErrors: {},
      };
      const [good] = await Promise.all([goodWorker(deadline), ...Array.from({ length: FUZZ_CONNS }, (_, i) => badWorker(i + 1, deadline, stats))]);
      const fuzzMs = performance.now() - t0;

      // Everything the good client was told is stored must be there exactly once, in order.
      const c = await RawClient.connect(broker.port);
      try {
        const { batches, highWatermark } = await readPartition(c, GOOD, 0);
        const ackedAt = new Map(good.acked.map((a) => [a.baseOffset, a.values]));
        const seen: string[] = [];
        let foreignUndecodable = 0;
        let prevLast = -1n;
        for (const b of batches) {
          const base = b.readBigInt64BE(0);
          expect(base > prevLast, `batches overlap at ${base}`).toBe(true);
          prevLast = base + BigInt(b.readInt32BE(LAST_OFFSET_DELTA_OFFSET));
          const mine = ackedAt.get(base);
          let values: string[];
          try {
            values = decodeRecords(b).map((x) => (x.value === null ? '<null>' : x.value.toString()));
          } catch (e) {
            expect(mine, `an acknowledged good batch at ${base} no longer decodes: ${(e as Error).message}`).toBeUndefined();
            foreignUndecodable++;
            continue;
          }
          if (mine) expect(values, `good batch at offset ${base}`).toEqual(mine);
          for (const v of values) if (v.startsWith('good-')) seen.push(v);
        }
        const expected = good.acked.flatMap((a) => a.values);
        expect(seen.length, 'good records read back').toBe(expected.length);
        expect(seen).toEqual(expected);
        expect(highWatermark > (good.acked.at(-1)?.baseOffset ?? -1n)).toBe(true);

        // The broker still answers fresh clients.
        const fresh = await RawClient.connect(broker.port);
        try {
          const av = await withTimeout(fresh.request(18, 3, { clientSoftwareName: 'after-fuzz', clientSoftwareVersion: '1' }), 2000, 'ApiVersions after fuzz');
          expect(av.errorCode).toBe(0);
          const md = await withTimeout(fresh.request(3, 12, { topics: [{ topicId: ZERO_UUID, name: GOOD }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }), 2000, 'Metadata after fuzz');
          expect(md.topics[0].errorCode).toBe(0);
          expect(md.topics[0].partitions.length).toBe(1);
        } finally {
          fresh.close();
        }

        // Connections the fuzzer closed are gone from the broker too.
        const server = (broker.broker as unknown as { server?: { connections: ReadonlySet<unknown> } }).server;
        if (server) {
          const drained = await waitUntil(() => server.connections.size <= 1, 3000);
          expect(drained, `broker still holds ${server.connections.size} connections after the fuzzers left`).toBe(true);
        }

        const report = {
          seed: SEED,
          fuzzMs: Math.round(fuzzMs),
          frames: stats.frames,
          bytes: stats.bytes,
          guarded: stats.guarded,
          connections: stats.connections,
          brokerCloses: stats.brokerCloses,
          clientCloses: stats.clientCloses,
          responses: stats.responses,
          unmatchedResponses: stats.unmatchedResponses,
          semanticAnswers: stats.semanticAnswers,
          produceErrors: stats.produceErrors,
          byKind: stats.byKind,
          goodRounds: good.rounds,
          goodRecords: expected.length,
          goodLatencyMs: {
            p50: Math.round(good.latencies[Math.floor(good.latencies.length / 2)] ?? 0),
            p99: Math.round(good.latencies[Math.floor(good.latencies.length * 0.99)] ?? 0),
            max: Math.round(good.maxLatencyMs),
          },
          foreignUndecodableBatchesInGoodTopic: foreignUndecodable,
          brokerWarnings: warnCount,
        };
        console.log(`[robustness] ${JSON.stringify(report)}`);

        // The fuzzer really ran, really broke connections and really reached the handlers.
        expect(stats.frames).toBeGreaterThan(1000);
        expect(stats.brokerCloses).toBeGreaterThan(100);
        for (const apiKey of [0, 1, 2, 3, 18, 19]) {
          expect(stats.semanticAnswers[apiKey] ?? 0, `answers to mutated-but-valid requests of API ${apiKey}`).toBeGreaterThan(5);
        }
        expect(stats.malformedResponses, 'responses that do not decode').toEqual([]);
        expect(good.rounds).toBeGreaterThan(20);
        expectNoHandlerBugs();
      } finally {
        c.close();
      }
    },
    FUZZ_MS + 20_000,
  );
});

describe('hostile framing', () => {
  it('a 2 GiB (and a negative) size prefix closes the connection without buffering what follows', async () => {
    for (const prefix of [0x7fffffff, -0x80000000, 100 * MiB + 1]) {
      const s = await openSocket(broker.port);
      const w = new Wire(s);
      const before = process.memoryUsage();
      let peakArrayBuffers = before.arrayBuffers;
      const head = Buffer.alloc(4);
      head.writeInt32BE(prefix, 0);
      s.write(head);
      // Keep streaming "body" (one reused 1 MiB buffer) until the broker hangs up or 64 MiB went out.
      const chunk = Buffer.alloc(MiB, 0x41);
      let sent = 0;
      while (!w.closed && sent < 64 * MiB) {
        const ok = s.write(chunk);
        sent += chunk.length;
        peakArrayBuffers = Math.max(peakArrayBuffers, process.memoryUsage().arrayBuffers);
        if (!ok) await w.until(() => w.closed || !s.writableNeedDrain, 50);
        else await new Promise((res) => setImmediate(res));
      }
      const closed = await w.until(() => w.closed, 2000);
      expect(closed, `prefix ${prefix}: connection still open`).toBe(true);
      expect(w.closedByBroker).toBe(true);
      expect(w.frames.length).toBe(0);
      const growth = peakArrayBuffers - before.arrayBuffers;
      console.log(`[robustness] size prefix ${prefix}: closed after ${(sent / MiB).toFixed(0)} MiB offered, Buffer memory growth ${(growth / MiB).toFixed(2)} MiB`);
      expect(growth, `prefix ${prefix}: Buffer memory grew by ${(growth / MiB).toFixed(1)} MiB`).toBeLessThan(16 * MiB);
      w.destroy();
    }
    // Still serving.
    const c = await RawClient.connect(broker.port);
    try {
      expect((await withTimeout(c.request(18, 0, {}), 2000, 'ApiVersions')).errorCode).toBe(0);
    } finally {
      c.close();
    }
  });

  it('half-sent frames and a byte-at-a-time client do not block other clients, and are answered once complete', async () => {
    const idlers: { w: Wire; frame: Buffer; cut: number }[] = [];
    for (let i = 0; i < 20; i++) {
      const s = await openSocket(broker.port);
      const frame = encodeFrame(18, 3, 1000 + i, { clientSoftwareName: 'idle', clientSoftwareVersion: '1' });
      const cut = i === 0 ? 2 : Math.floor(frame.length / 2); // one stops inside the size prefix
      s.write(frame.subarray(0, cut));
      idlers.push({ w: new Wire(s), frame, cut });
    }
    // A slow client dribbling a Metadata request one byte every 10 ms.
    const slowSock = await openSocket(broker.port);
    const slow = new Wire(slowSock);
    const slowFrame = encodeFrame(3, 12, 77, { topics: [{ topicId: ZERO_UUID, name: GOOD }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    let stopDribble = false;
    const dribble = (async () => {
      for (let i = 0; i < slowFrame.length && !stopDribble; i++) {
        slowSock.write(slowFrame.subarray(i, i + 1));
        await sleep(10);
      }
    })();

    const c = await RawClient.connect(broker.port);
    const lat: number[] = [];
    try {
      for (let i = 0; i < 40; i++) {
        const t0 = performance.now();
        await withTimeout(c.request(18, 3, { clientSoftwareName: 'busy', clientSoftwareVersion: '1' }), 2000, 'ApiVersions');
        await withTimeout(c.request(3, 1, { topics: [{ name: GOOD }] }), 2000, 'Metadata');
        const batch = buildRecordBatch({ records: [{ key: null, value: Buffer.from(`busy-${i}`) }] });
        const pr = await withTimeout(c.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: FUZZ, partitionData: [{ index: 0, records: batch }] }] }), 2000, 'Produce');
        expect(pr.responses[0].partitionResponses[0].errorCode).toBe(0);
        lat.push(performance.now() - t0);
      }
    } finally {
      c.close();
    }
    lat.sort((a, b) => a - b);
    console.log(`[robustness] busy client beside 20 half frames + 1 dribbler: median ${lat[20]!.toFixed(1)} ms, max ${lat[39]!.toFixed(1)} ms per 3 requests`);
    expect(lat[39]!).toBeLessThan(1000);
    for (const { w } of idlers) expect(w.closed, 'an idle half-frame connection was closed').toBe(false);

    // Completing the frames gets them answered (the framer kept their state).
    for (const { w, frame, cut } of idlers) w.socket.write(frame.subarray(cut));
    for (const [i, { w }] of idlers.entries()) {
      expect(await w.until(() => w.frames.length === 1, 2000), `idler ${i} answered`).toBe(true);
      expect(w.frames[0]!.readInt32BE(0)).toBe(1000 + i);
      expect(decodeResponse(18, 3, w.frames[0]!).errorCode).toBe(0);
      w.destroy();
    }
    await dribble;
    expect(await slow.until(() => slow.frames.length === 1, 2000), 'dribbled Metadata answered').toBe(true);
    expect(decodeResponse(3, 12, slow.frames[0]!).topics[0].name).toBe(GOOD);
    stopDribble = true;
    slow.destroy();
    expectNoHandlerBugs();
  });

  it('each malformed frame closes its own connection (after earlier requests were answered), never a neighbour', async () => {
    const r = rng(SEED ^ 0x5bd1e995);
    const sentinel = await RawClient.connect(broker.port);
    const cases: { name: string; bytes: (corr: number) => Buffer }[] = [];
    const valid = (apiKey: number, version: number, corr: number): Buffer => {
      for (;;) {
        const t = makeTemplate(r);
        if (t.apiKey === apiKey && t.version === version) return encodeFrame(apiKey, version, corr, t.body);
      }
    };
    for (const key of UNKNOWN_KEYS) {
      cases.push({ name: `unknown api key ${key}`, bytes: (corr) => {
        const b = valid(3, 1, corr);
        b.writeInt16BE(key, 4);
        return b;
      } });
    }
    for (const [key, versions] of [[0, [-1, 0, 2, 12, 0x7fff]], [1, [-1, 3, 18]], [2, [-1, 11]], [3, [-1, 13]], [19, [-1, 8]]] as const) {
      // Only versions outside what the handler table serves (legacy versions come and go with features).
      const h = HANDLERS.find((x) => x.apiKey === key)!;
      for (const v of versions.filter((x) => x < h.minVersion || x > h.maxVersion)) {
        cases.push({ name: `api ${key} unsupported v${v}`, bytes: (corr) => {
          const [, base] = TEMPLATE_KINDS.find(([k]) => k === key)!;
          const b = valid(key, base, corr);
          b.writeInt16BE(v, 6);
          return b;
        } });
      }
    }
    for (const [key, version] of TEMPLATE_KINDS) {
      for (let k = 0; k < 4; k++) {
        cases.push({ name: `api ${key} v${version} truncated body`, bytes: (corr) => {
          const b = valid(key, version, corr);
          return withPrefix(b.subarray(4, 4 + int(r, 0, b.length - 5)));
        } });
      }
    }
    for (const p of [-1, -2147483648, 100 * MiB + 1, 0x7fffffff]) {
      cases.push({ name: `size prefix ${p}`, bytes: () => Buffer.from([p >>> 24, (p >>> 16) & 0xff, (p >>> 8) & 0xff, p & 0xff]) });
    }
    cases.push({ name: 'client id length -2', bytes: (corr) => {
      const b = valid(18, 0, corr);
      b.writeInt16BE(-2, 12);
      return b;
    } });
    cases.push({ name: 'client id length past the frame', bytes: (corr) => {
      const b = valid(18, 0, corr);
      b.writeInt16BE(0x7fff, 12);
      return b;
    } });
    cases.push({ name: 'frame shorter than a header', bytes: () => withPrefix(Buffer.from([0, 18, 0])) });
    cases.push({ name: 'empty frame', bytes: () => withPrefix(Buffer.alloc(0)) });

    const failures: string[] = [];
    const t0 = performance.now();
    // Ten at a time.
    for (let i = 0; i < cases.length; i += 10) {
      await Promise.all(
        cases.slice(i, i + 10).map(async (cs) => {
          const w = new Wire(await openSocket(broker.port));
          try {
            w.socket.write(encodeFrame(18, 0, 1, {}));
            if (!(await w.until(() => w.frames.length === 1, 2000))) return void failures.push(`${cs.name}: healthy request before it not answered`);
            w.socket.write(cs.bytes(2));
            if (!(await w.until(() => w.closed, 2000))) return void failures.push(`${cs.name}: connection not closed`);
            if (w.frames.length !== 1) failures.push(`${cs.name}: ${w.frames.length - 1} unexpected response(s)`);
          } finally {
            w.destroy();
          }
        }),
      );
    }
    const ms = performance.now() - t0;
    // ApiVersions with an unknown version is answered (v0 body, UNSUPPORTED_VERSION, the key list); the connection stays.
    const w = new Wire(await openSocket(broker.port));
    for (const v of [5, 127, 0x7fff]) {
      const b = encodeFrame(18, 3, v, { clientSoftwareName: 'x', clientSoftwareVersion: '1' });
      b.writeInt16BE(v, 6);
      w.socket.write(b);
    }
    expect(await w.until(() => w.frames.length === 3, 2000)).toBe(true);
    for (const f of w.frames) {
      const res = decodeResponse(18, 0, f);
      expect(res.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
      expect(res.apiKeys.map((k: { apiKey: number }) => k.apiKey)).toEqual(broker.broker.supportedApis().map((k) => k.apiKey));
    }
    expect(w.closed).toBe(false);
    w.destroy();

    console.log(`[robustness] ${cases.length} malformed-frame cases, each on its own connection, in ${ms.toFixed(0)} ms`);
    expect(failures).toEqual([]);
    const md = await withTimeout(sentinel.request(3, 1, { topics: [{ name: GOOD }] }), 2000, 'sentinel Metadata');
    expect(md.topics[0].errorCode).toBe(0);
    expect(sentinel.closed).toBe(false);
    sentinel.close();
    expectNoHandlerBugs();
  });
});

describe('produce validation reached by the fuzzer', () => {
  it('refuses client-written control batches with INVALID_RECORD (as Kafka\'s LogValidator) and keeps the connection', async () => {
    const c = await RawClient.connect(broker.port);
    try {
      const before = errorLogs.length;
      const variants: [string, (b: Buffer) => void][] = [
        ['empty control batch', () => {}],
        ['negative lastOffsetDelta', (b) => b.writeInt32BE(-5, LAST_OFFSET_DELTA_OFFSET)],
        ['lastOffsetDelta 2^31-1', (b) => b.writeInt32BE(0x7fffffff, LAST_OFFSET_DELTA_OFFSET)],
      ];
      for (const [name, tweak] of variants) {
        const b = buildRecordBatch({ records: [], control: true });
        tweak(b);
        b.writeUInt32BE(crc32c(b.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
        const res = await withTimeout(
          c.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: FUZZ, partitionData: [{ index: 2, records: b }] }] }),
          2000,
          name,
        );
        expect(res.responses[0].partitionResponses[0].errorCode, name).toBe(ErrorCode.INVALID_RECORD);
      }
      // One with a record in it, marked as a control batch.
      const withRecord = buildRecordBatch({ records: [{ key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]) }], control: true });
      const res = await c.request(0, 11, { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: FUZZ, partitionData: [{ index: 2, records: withRecord }] }] });
      expect(res.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_RECORD);
      expect(c.closed).toBe(false);
      expect(errorLogs.slice(before).map((e) => `${e.msg}: ${e.err?.message}`)).toEqual([]);
    } finally {
      c.close();
    }
  });
});

describe('regressions found by the fuzzer', () => {
  let child: SpawnedBroker | undefined;
  let childDir: string | undefined;
  beforeAll(async () => {
    ensureBuilt();
    childDir = mkdtempSync(join(tmpdir(), 'kafkalite-robust-'));
    child = await spawnBroker({ dataDir: childDir });
  }, 120_000);
  afterAll(async () => {
    await child?.kill('SIGKILL');
    if (childDir) rmSync(childDir, { recursive: true, force: true });
  });

  // CreateTopics used to have no upper bound on the partition count: one request for
  // 2^31-1 partitions stalled the event loop for hours. Runs against a child process,
  // since such a hang is not interruptible in-process.
  it('CreateTopics with numPartitions=2147483647 is refused promptly and the broker keeps serving', async () => {
    const c = await RawClient.connect(child!.port);
    try {
      const res = await withTimeout(
        c.request(19, 7, { topics: [{ name: 'huge', numPartitions: 2147483647, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 }),
        2500,
        'CreateTopics(2^31-1 partitions)',
      );
      expect(res.topics[0].errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
      const c2 = await RawClient.connect(child!.port);
      try {
        expect((await withTimeout(c2.request(18, 0, {}), 1000, 'ApiVersions after')).errorCode).toBe(0);
      } finally {
        c2.close();
      }
    } finally {
      c.close();
    }
  }, 20_000);

  // A CRC-valid batch whose record section does not hold the records its header
  // announces used to be stored and served, breaking every consumer of the partition.
  // Kafka's LogValidator refuses it (InvalidRecordException).
  it('a batch whose records do not match its header record count is refused', async () => {
    const c = await RawClient.connect(broker.port);
    try {
      const b = buildRecordBatch({ records: [{ key: null, value: Buffer.from('only one') }] });
      b.writeInt32BE(1, LAST_OFFSET_DELTA_OFFSET);
      b.writeInt32BE(2, RECORD_COUNT_OFFSET);
      b.writeUInt32BE(crc32c(b.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
      expect(() => decodeRecords(b)).toThrow();
      const res = await withTimeout(
        c.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: FUZZ, partitionData: [{ index: 1, records: b }] }] }),
        2000,
        'Produce',
      );
      expect([ErrorCode.CORRUPT_MESSAGE, ErrorCode.INVALID_RECORD]).toContain(res.responses[0].partitionResponses[0].errorCode);
    } finally {
      c.close();
    }
  });
});
