/**
 * The web console on the admin port: a small single-page app (`/`, `/console`,
 * assets from src/admin/console/) and the JSON API it reads:
 *
 *   GET  /api/overview                                  broker, topics and groups in one snapshot
 *   GET  /api/topics[?internal=true]                    topics with partitions, offsets and sizes
 *   POST /api/topics {name, partitions?, configs?}      create a topic (through CreateTopics)
 *   GET  /api/topics/:topic                             partitions (log start, high watermark, LSO, size) and configs
 *   GET  /api/topics/:topic/partitions/:p/messages      browse: ?offset=N | ?timestamp=ms|ISO | ?from=beginning|end,
 *                                                       &limit (50, ≤ 1000), &maxBytes (1 MiB), &control=true
 *   POST /api/topics/:topic/messages                    produce {partition?, key?, value?, headers?, keyEncoding?,
 *                                                       valueEncoding?, timestamp?} (through the Produce handler)
 *   GET  /api/groups                                    consumer groups (classic and KIP-848) with lag
 *   GET  /api/groups/:group                             state, members, assignments, committed offsets and lag
 *   GET  /api/events[?interval=ms]                      Server-Sent Events: a `snapshot` event on connect and
 *                                                       whenever topics/groups change (checked every second)
 *
 * Produce and topic creation go through the broker's own handlers (a request
 * encoded and decoded by the wire codecs, then handled in process), so the
 * console gets exactly a client's validation: max.message.bytes, compacted
 * topics' keys, compression.type, LogAppendTime, topic name and config checks.
 * They bypass the request hooks (faults, recording, metrics): the console is
 * not a Kafka client.
 *
 * Message contents are untrusted: the API returns them as data (text when
 * they are printable UTF-8, base64 otherwise) and the front end renders them
 * with textContent only.
 */
import type { Broker } from '../broker.js';
import { ConfigSource } from '../config/config-registry.js';
import { ClassicGroup } from '../coordinator/classic-group.js';
import { consumerGroups } from '../coordinator/consumer-groups.js';
import type { Handler, RequestContext } from '../handlers/handler.js';
import type { PartitionLog, TopicInfo } from '../log/types.js';
import { readRecords } from '../wire/batch-records.js';
import { codecFor, encodeBody } from '../wire/codecs.js';
import { codecName } from '../wire/compression/index.js';
import { Reader } from '../wire/reader.js';
import { BatchView, buildRecordBatch, type RecordHeader } from '../wire/record-batch.js';
import { CONSOLE_CSS } from './console/styles.js';
import { CONSOLE_HTML } from './console/page.js';
import { CONSOLE_JS } from './console/script.js';
import { errorName } from './faults.js';
import { murmur2 } from './fixtures.js';
import { HttpError, sendJson, type AdminHttpServer } from './http-server.js';

const PRODUCE = 0;
const CREATE_TOPICS = 19;
const CLIENT_ID = 'kafkalite-console';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;
const DEFAULT_MAX_BYTES = 1 << 20;
const MAX_MAX_BYTES = 16 << 20;
/** Longest key, value or header value returned in full; longer ones are cut (`truncated: true`). */
const MAX_FIELD_BYTES = 256 * 1024;
/** How much a browse reads from the log per step. */
const READ_CHUNK = 1 << 20;

const SOURCE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(ConfigSource).map(([k, v]) => [v, k]));

// ---- Shapes returned by the API ---------------------------------------------------------

export interface PartitionSummary {
  partition: number;
  leader: number;
  logStartOffset: bigint;
  highWatermark: bigint;
  lastStableOffset: bigint;
  sizeBytes: number;
  /** highWatermark - logStartOffset: an upper bound once compaction has removed records. */
  messages: bigint;
}

export interface TopicSummary {
  name: string;
  topicId: string;
  internal: boolean;
  partitionCount: number;
  messages: bigint;
  sizeBytes: number;
  partitions: PartitionSummary[];
}

/** A key, value or header value: `text` when printable UTF-8, else `base64`; null stays null. */
export interface BytesView {
  size: number;
  text?: string;
  base64?: string;
  /** The text parses as a JSON object or array. */
  json?: boolean;
  /** Only the first MAX_FIELD_BYTES are included. */
  truncated?: boolean;
}

export interface ConsoleMessage {
  offset: bigint;
  timestamp: bigint;
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: BytesView | null;
  value: BytesView | null;
  headers: { key: string; value: BytesView | null }[];
  /** key + value + headers, in bytes. */
  size: number;
  compression: string;
  /** Set on records of transactional batches. */
  transactional?: boolean;
  producerId?: bigint;
  /** A record of an aborted transaction (read_committed consumers skip it). */
  aborted?: boolean;
  /** At or above the last stable offset: its transaction is still open. */
  pending?: boolean;
  /** A transaction marker (control record), listed only with `control=true`. */
  control?: 'COMMIT' | 'ABORT' | 'UNKNOWN';
}

export interface GroupPartitionLag {
  topic: string;
  partition: number;
  /** null: assigned but nothing committed yet. */
  committedOffset: bigint | null;
  metadata: string | null;
  logStartOffset: bigint | null;
  highWatermark: bigint | null;
  /** highWatermark - max(committed, logStart); null when unknown. */
  lag: bigint | null;
  memberId: string | null;
  clientId: string | null;
}

export interface GroupSummary {
  groupId: string;
  type: string;
  state: string;
  protocolType: string;
  members: number;
  topics: string[];
  lag: bigint;
  partitions: GroupPartitionLag[];
}

export interface GroupMemberView {
  memberId: string;
  instanceId: string | null;
  clientId: string;
  clientHost: string;
  /** Classic consumer members: the subscription's topics; KIP-848: subscribed topic names. */
  subscribedTopics: string[] | null;
  subscribedTopicRegex?: string | null;
  memberEpoch?: number;
  assignment: { topic: string; partitions: number[] }[] | null;
  targetAssignment?: { topic: string; partitions: number[] }[];
  /** Size of an assignment that could not be decoded (not the consumer protocol). */
  assignmentBytes?: number;
}

export interface GroupDetail extends GroupSummary {
  /** Classic groups. */
  generationId?: number;
  protocol?: string | null;
  leader?: string | null;
  /** KIP-848 groups. */
  groupEpoch?: number;
  assignmentEpoch?: number;
  assignor?: string;
  memberList: GroupMemberView[];
}

// ---- Routes --------------------------------------------------------------------------------

/** Adds the console's page, assets and API to an admin server. */
export function consoleRoutes(s: AdminHttpServer): void {
  const b = s.broker;
  const page = ({ res }: { res: import('node:http').ServerResponse }) => sendText(res, 'text/html; charset=utf-8', CONSOLE_HTML);
  s.route('GET', '/', page);
  s.route('GET', '/console', page);
  s.route('GET', '/console/app.js', ({ res }) => sendText(res, 'text/javascript; charset=utf-8', CONSOLE_JS));
  s.route('GET', '/console/app.css', ({ res }) => sendText(res, 'text/css; charset=utf-8', CONSOLE_CSS));

  s.route('GET', '/api/overview', () => snapshot(b));
  s.route('GET', '/api/topics', ({ url }) => ({ topics: topicSummaries(b, url.searchParams.get('internal') === 'true') }));
  s.route('POST', '/api/topics', async ({ json, res }) => {
    const created = await createTopic(b, await json());
    sendJson(res, 201, created);
  });
  s.route('GET', '/api/topics/:topic', ({ params }) => topicDetail(b, params.topic!));
  s.route('GET', '/api/topics/:topic/partitions/:partition/messages', ({ params, url }) =>
    browse(b, params.topic!, intParam(params.partition!, 'partition'), url.searchParams),
  );
  const roundRobin = new Map<string, number>();
  s.route('POST', '/api/topics/:topic/messages', async ({ params, json, res }) => {
    const out = await produceMessage(b, params.topic!, await json(), roundRobin);
    sendJson(res, 201, out);
  });
  s.route('GET', '/api/groups', () => ({ groups: groupSummaries(b) }));
  s.route('GET', '/api/groups/:group', ({ params }) => groupDetail(b, params.group!));
  s.route('GET', '/api/events', ({ req, res, url }) => {
    const iv = url.searchParams.get('interval');
    const interval = iv === null ? 1000 : Math.min(10_000, Math.max(100, intParam(iv, 'interval')));
    events(b, req, res, interval);
    return undefined;
  });
}

function sendText(res: import('node:http').ServerResponse, type: string, body: string): void {
  res.writeHead(200, {
    'content-type': type,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    // The page loads only its own script and style and talks only to this server.
    'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
}

function intParam(v: string, name: string): number {
  const n = Number(v);
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(n)) throw new HttpError(400, `${name} must be an integer`);
  return n;
}

// ---- Topics ----------------------------------------------------------------------------------

function partitionSummary(b: Broker, log: PartitionLog): PartitionSummary {
  const start = log.logStartOffset;
  const end = log.logEndOffset;
  return {
    partition: log.partition,
    leader: b.cluster?.leaderOf(log.topic, log.partition) ?? b.nodeId,
    logStartOffset: start,
    highWatermark: end,
    lastStableOffset: b.lastStableOffset(log),
    sizeBytes: log.sizeBytes,
    messages: end - start,
  };
}

function topicSummary(b: Broker, t: TopicInfo): TopicSummary {
  const partitions: PartitionSummary[] = [];
  let messages = 0n;
  let sizeBytes = 0;
  for (let p = 0; p < t.numPartitions; p++) {
    const log = b.store.partition(t.name, p);
    if (!log) continue;
    const s = partitionSummary(b, log);
    partitions.push(s);
    messages += s.messages;
    sizeBytes += s.sizeBytes;
  }
  return { name: t.name, topicId: t.topicId, internal: t.internal, partitionCount: t.numPartitions, messages, sizeBytes, partitions };
}

export function topicSummaries(b: Broker, includeInternal: boolean): TopicSummary[] {
  return [...b.store.topics()]
    .filter((t) => includeInternal || !t.internal)
    .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
    .map((t) => topicSummary(b, t));
}

function topicDetail(b: Broker, name: string) {
  const t = b.store.topic(name);
  if (!t) throw new HttpError(404, `unknown topic ${name}`);
  const configs = b.effectiveTopicConfigs(t.configs).map((c) => ({
    name: c.name,
    value: c.isSensitive ? null : c.value,
    source: SOURCE_NAMES[c.configSource] ?? 'UNKNOWN',
    /** Set on the topic itself (not inherited from the broker). */
    override: c.configSource === ConfigSource.TOPIC_CONFIG,
    readOnly: c.readOnly,
  }));
  return { ...topicSummary(b, t), configs };
}

async function createTopic(b: Broker, body: unknown) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'body must be {"name": "...", "partitions"?: n, "configs"?: {...}}');
  const { name, partitions, configs } = body as { name?: unknown; partitions?: unknown; configs?: unknown };
  if (typeof name !== 'string') throw new HttpError(400, 'name must be a string');
  if (partitions !== undefined && (typeof partitions !== 'number' || !Number.isInteger(partitions))) throw new HttpError(400, 'partitions must be an integer');
  if (configs !== undefined && (configs === null || typeof configs !== 'object' || Array.isArray(configs))) throw new HttpError(400, 'configs must be an object');
  const handler = handlerFor(b, CREATE_TOPICS);
  const res = (await callHandler(b, handler, {
    topics: [
      {
        name,
        numPartitions: partitions ?? -1,
        replicationFactor: -1,
        assignments: [],
        configs: Object.entries((configs ?? {}) as Record<string, unknown>).map(([k, v]) => ({ name: k, value: v === null ? null : String(v) })),
      },
    ],
    timeoutMs: 30_000,
    validateOnly: false,
  })) as { topics: { name: string; errorCode: number; errorMessage: string | null }[] };
  const r = res.topics[0]!;
  if (r.errorCode !== 0) {
    const status = errorName(r.errorCode) === 'TOPIC_ALREADY_EXISTS' ? 409 : 400;
    throw new HttpError(status, `${errorName(r.errorCode)}${r.errorMessage ? `: ${r.errorMessage}` : ''}`);
  }
  const t = b.store.topic(name);
  if (!t) throw new HttpError(500, `topic ${name} was not created`);
  return topicSummary(b, t);
}

// ---- Browsing ----------------------------------------------------------------------------------

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Text when the bytes are UTF-8 without control characters other than tab/newline/CR; base64 otherwise. */
export function bytesView(buf: Buffer | null): BytesView | null {
  if (buf === null) return null;
  const truncated = buf.length > MAX_FIELD_BYTES;
  const b = truncated ? buf.subarray(0, MAX_FIELD_BYTES) : buf;
  const out: BytesView = { size: buf.length };
  let text: string | undefined;
  try {
    // A cut may split a character: drop up to 3 trailing bytes of it.
    text = utf8.decode(truncated ? trimPartialUtf8(b) : b);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) text = undefined;
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    out.text = text;
    const t = text.trimStart();
    if (!truncated && (t.startsWith('{') || t.startsWith('['))) {
      try {
        JSON.parse(text);
        out.json = true;
      } catch {
        /* not JSON */
      }
    }
  } else {
    out.base64 = b.toString('base64');
  }
  if (truncated) out.truncated = true;
  return out;
}

function trimPartialUtf8(b: Buffer): Buffer {
  let end = b.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const c = b[end - i]!;
    if ((c & 0xc0) === 0x80) continue; // continuation byte
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    if (need > i) end -= i;
    break;
  }
  return b.subarray(0, end);
}

function parseTimestamp(v: string): bigint {
  if (/^-?\d+$/.test(v)) return BigInt(v);
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new HttpError(400, `timestamp must be epoch milliseconds or an ISO-8601 date, got ${JSON.stringify(v)}`);
  return BigInt(ms);
}

function boundedInt(q: URLSearchParams, name: string, dflt: number, min: number, max: number): number {
  const v = q.get(name);
  if (v === null || v === '') return dflt;
  return Math.min(max, Math.max(min, intParam(v, name)));
}

export interface BrowseResult {
  topic: string;
  partition: number;
  logStartOffset: bigint;
  highWatermark: bigint;
  lastStableOffset: bigint;
  /** Where the read started (after resolving from/offset/timestamp). */
  startOffset: bigint;
  /** Offset to continue from; equals highWatermark once everything was read. */
  nextOffset: bigint;
  messages: ConsoleMessage[];
  /** Batches that could not be decoded (e.g. a codec failure), skipped. */
  errors?: { baseOffset: bigint; message: string }[];
}

function browse(b: Broker, topic: string, partition: number, q: URLSearchParams): BrowseResult {
  const t = b.store.topic(topic);
  if (!t) throw new HttpError(404, `unknown topic ${topic}`);
  const log = b.store.partition(topic, partition);
  if (!log) throw new HttpError(404, `topic ${topic} has no partition ${partition}`);
  const limit = boundedInt(q, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT);
  const maxBytes = boundedInt(q, 'maxBytes', DEFAULT_MAX_BYTES, 1, MAX_MAX_BYTES);
  const showControl = q.get('control') === 'true';
  const logStart = log.logStartOffset;
  const hw = log.logEndOffset;
  const lso = b.lastStableOffset(log);
  const clamp = (o: bigint) => (o < logStart ? logStart : o > hw ? hw : o);

  let start: bigint;
  let minTimestamp: bigint | null = null;
  const offset = q.get('offset');
  const timestamp = q.get('timestamp');
  const from = q.get('from');
  if (offset !== null && offset !== '') {
    if (!/^-?\d+$/.test(offset)) throw new HttpError(400, 'offset must be an integer');
    start = clamp(BigInt(offset));
  } else if (timestamp !== null && timestamp !== '') {
    minTimestamp = parseTimestamp(timestamp);
    const found = log.offsetForTimestamp(minTimestamp);
    start = found === null ? hw : clamp(found.offset);
  } else if (from === 'end') {
    start = clamp(hw - BigInt(limit));
  } else if (from === null || from === '' || from === 'beginning') {
    start = logStart;
  } else {
    throw new HttpError(400, 'from must be "beginning" or "end"');
  }

  const messages: ConsoleMessage[] = [];
  const errors: { baseOffset: bigint; message: string }[] = [];
  let bytes = 0;
  let pos = start;
  let next = start;
  // Aborted transactions overlapping what we read, as a read_committed client tracks them.
  const aborted = start < hw ? b.producers.abortedTransactions(log, start, hw) : [];
  aborted.sort((x, y) => (x.firstOffset < y.firstOffset ? -1 : x.firstOffset > y.firstOffset ? 1 : 0));
  let abortedIdx = 0;
  const abortedProducers = new Set<bigint>();
  let found = minTimestamp === null;

  outer: while (pos < hw) {
    const { batches } = log.read(pos, READ_CHUNK, true);
    if (batches.length === 0) break;
    for (const buf of batches) {
      const batch = new BatchView(buf);
      const last = batch.lastOffset;
      while (abortedIdx < aborted.length && aborted[abortedIdx]!.firstOffset <= last) abortedProducers.add(aborted[abortedIdx++]!.producerId);
      if (last < pos) continue;
      if (batch.baseOffset >= hw) break outer;
      let records;
      try {
        records = readRecords(buf);
      } catch (err) {
        errors.push({ baseOffset: batch.baseOffset, message: (err as Error).message });
        pos = next = last + 1n;
        continue;
      }
      const isAborted = batch.isTransactional && !batch.isControl && abortedProducers.has(batch.producerId);
      for (const r of records) {
        if (r.offset < pos || r.offset >= hw) continue;
        if (batch.isControl) {
          if (showControl && found) {
            messages.push(controlMessage(batch, r.offset, r.timestamp, r.key));
            if (messages.length >= limit) {
              next = r.offset + 1n;
              break outer;
            }
          }
          continue;
        }
        if (!found) {
          if (r.timestamp < minTimestamp!) continue;
          found = true;
        }
        const m = recordMessage(batch, r, isAborted, r.offset >= lso);
        if (messages.length > 0 && bytes + m.size > maxBytes) {
          next = r.offset;
          break outer;
        }
        messages.push(m);
        bytes += m.size;
        if (messages.length >= limit) {
          next = r.offset + 1n;
          break outer;
        }
      }
      // An abort marker ends that producer's aborted transaction.
      if (batch.isControl && batch.isTransactional) {
        const type = controlType(records[0]?.key ?? null);
        if (type === 'ABORT') abortedProducers.delete(batch.producerId);
      }
      pos = next = last + 1n;
    }
  }
  if (next > hw) next = hw;
  return {
    topic,
    partition,
    logStartOffset: logStart,
    highWatermark: hw,
    lastStableOffset: lso,
    startOffset: start,
    nextOffset: next,
    messages,
    ...(errors.length ? { errors } : {}),
  };
}

function controlType(key: Buffer | null): 'COMMIT' | 'ABORT' | 'UNKNOWN' {
  if (key === null || key.length < 4) return 'UNKNOWN';
  const type = key.readInt16BE(2);
  return type === 0 ? 'ABORT' : type === 1 ? 'COMMIT' : 'UNKNOWN';
}

function controlMessage(batch: BatchView, offset: bigint, timestamp: bigint, key: Buffer | null): ConsoleMessage {
  return {
    offset,
    timestamp,
    timestampType: batch.timestampType === 1 ? 'LogAppendTime' : 'CreateTime',
    key: null,
    value: null,
    headers: [],
    size: 0,
    compression: codecName(batch.compression),
    transactional: true,
    producerId: batch.producerId,
    control: controlType(key),
  };
}

function recordMessage(
  batch: BatchView,
  r: { offset: bigint; timestamp: bigint; key: Buffer | null; value: Buffer | null; headers: RecordHeader[] },
  aborted: boolean,
  pending: boolean,
): ConsoleMessage {
  let size = (r.key?.length ?? 0) + (r.value?.length ?? 0);
  const headers = r.headers.map((h) => {
    size += Buffer.byteLength(h.key) + (h.value?.length ?? 0);
    return { key: h.key, value: bytesView(h.value) };
  });
  const m: ConsoleMessage = {
    offset: r.offset,
    timestamp: r.timestamp,
    timestampType: batch.timestampType === 1 ? 'LogAppendTime' : 'CreateTime',
    key: bytesView(r.key),
    value: bytesView(r.value),
    headers,
    size,
    compression: codecName(batch.compression),
  };
  if (batch.isTransactional) {
    m.transactional = true;
    m.producerId = batch.producerId;
    if (aborted) m.aborted = true;
    else if (pending) m.pending = true;
  }
  return m;
}

// ---- Producing ---------------------------------------------------------------------------------

function handlerFor(b: Broker, apiKey: number): Handler {
  const h = b.handlers.find((x) => x.apiKey === apiKey);
  if (!h) throw new HttpError(501, `the broker does not serve API ${apiKey}`);
  return h;
}

/** Encodes `request` with the wire codec, decodes it back (defaults, tagged fields) and hands it to the handler. */
async function callHandler(b: Broker, h: Handler, request: unknown): Promise<unknown> {
  const version = h.maxVersion;
  const bytes = encodeBody(h.apiKey, version, 'request', request);
  const r = new Reader(bytes);
  const decoded = codecFor(h.apiKey, version, 'request')!.decode(r);
  if (r.error !== null) throw new HttpError(500, `cannot encode ${h.name} request: ${r.error}`);
  const ctx: RequestContext = { apiKey: h.apiKey, apiVersion: version, correlationId: 0, clientId: CLIENT_ID, broker: b, log: b.logger.child({ component: 'console' }) };
  return await h.handle(decoded, ctx);
}

type Encoding = 'utf8' | 'base64' | 'hex' | 'json';

function toBytes(v: unknown, encoding: unknown, what: string): Buffer | null {
  if (v === undefined || v === null) return null;
  const enc = (encoding ?? 'utf8') as Encoding;
  if (enc === 'json') return Buffer.from(JSON.stringify(v), 'utf8');
  if (typeof v !== 'string') throw new HttpError(400, `${what} must be a string or null (or use ${what}Encoding "json")`);
  switch (enc) {
    case 'utf8':
      return Buffer.from(v, 'utf8');
    case 'base64':
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(v.replace(/\s+/g, ''))) throw new HttpError(400, `${what} is not valid base64`);
      return Buffer.from(v, 'base64');
    case 'hex': {
      const hex = v.replace(/\s+/g, '');
      if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new HttpError(400, `${what} is not valid hex`);
      return Buffer.from(hex, 'hex');
    }
    default:
      throw new HttpError(400, `${what}Encoding must be utf8, base64, hex or json`);
  }
}

interface ProduceBody {
  partition?: unknown;
  key?: unknown;
  value?: unknown;
  headers?: unknown;
  keyEncoding?: unknown;
  valueEncoding?: unknown;
  timestamp?: unknown;
}

async function produceMessage(b: Broker, topic: string, body: unknown, roundRobin: Map<string, number>) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'body must be a JSON object');
  const m = body as ProduceBody;
  const t = b.store.topic(topic);
  if (!t) throw new HttpError(404, `unknown topic ${topic}`);
  const key = toBytes(m.key, m.keyEncoding, 'key');
  const value = toBytes(m.value, m.valueEncoding, 'value');
  let headers: RecordHeader[] = [];
  if (m.headers !== undefined && m.headers !== null) {
    const list = Array.isArray(m.headers)
      ? (m.headers as { key?: unknown; value?: unknown }[])
      : typeof m.headers === 'object'
        ? Object.entries(m.headers as Record<string, unknown>).map(([k, v]) => ({ key: k, value: v }))
        : null;
    if (list === null) throw new HttpError(400, 'headers must be an object or a list of {key, value}');
    headers = list.map((h, i) => {
      if (h === null || typeof h !== 'object' || typeof h.key !== 'string') throw new HttpError(400, `headers[${i}].key must be a string`);
      if (h.value !== null && h.value !== undefined && typeof h.value !== 'string') throw new HttpError(400, `headers[${i}].value must be a string or null`);
      return { key: h.key, value: h.value === null || h.value === undefined ? null : Buffer.from(h.value, 'utf8') };
    });
  }
  let partition: number;
  if (m.partition !== undefined && m.partition !== null && m.partition !== '') {
    partition = typeof m.partition === 'string' ? intParam(m.partition, 'partition') : (m.partition as number);
    if (!Number.isInteger(partition) || partition < 0 || partition >= t.numPartitions) {
      throw new HttpError(400, `partition must be between 0 and ${t.numPartitions - 1}`);
    }
  } else if (key !== null) {
    // Kafka's default partitioner: the partition a Java or librdkafka producer picks for this key.
    partition = (murmur2(key) & 0x7fffffff) % t.numPartitions;
  } else {
    const n = roundRobin.get(topic) ?? 0;
    roundRobin.set(topic, n + 1);
    partition = n % t.numPartitions;
  }
  let timestamp = BigInt(Date.now());
  if (m.timestamp !== undefined && m.timestamp !== null && m.timestamp !== '') {
    timestamp = parseTimestamp(String(m.timestamp));
    if (timestamp < 0n) throw new HttpError(400, 'timestamp must not be negative');
  }
  const records = buildRecordBatch({ baseTimestamp: timestamp, records: [{ key, value, headers }] });
  const res = (await callHandler(b, handlerFor(b, PRODUCE), {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  })) as { responses: { partitionResponses: { errorCode: number; errorMessage?: string | null; baseOffset: bigint; logAppendTimeMs: bigint }[] }[] };
  const pr = res.responses[0]!.partitionResponses[0]!;
  if (pr.errorCode !== 0) {
    const name = errorName(pr.errorCode);
    throw new HttpError(name === 'UNKNOWN_TOPIC_OR_PARTITION' ? 404 : name === 'MESSAGE_TOO_LARGE' ? 413 : 400, `${name}${pr.errorMessage ? `: ${pr.errorMessage}` : ''}`);
  }
  return { topic, partition, offset: pr.baseOffset, timestamp: pr.logAppendTimeMs !== -1n ? pr.logAppendTimeMs : timestamp };
}

// ---- Groups ------------------------------------------------------------------------------------

/** ConsumerProtocolAssignment / ConsumerProtocolSubscription (any version): the topic list at their start. */
function readConsumerTopics(buf: Buffer, withPartitions: boolean): { topic: string; partitions: number[] }[] | null {
  try {
    if (buf.length < 6) return null;
    let pos = 2; // version
    const n = buf.readInt32BE(pos);
    pos += 4;
    if (n < 0 || n > 100_000) return null;
    const out: { topic: string; partitions: number[] }[] = [];
    for (let i = 0; i < n; i++) {
      const len = buf.readInt16BE(pos);
      pos += 2;
      if (len < 0 || pos + len > buf.length) return null;
      const topic = buf.toString('utf8', pos, pos + len);
      pos += len;
      const partitions: number[] = [];
      if (withPartitions) {
        const pn = buf.readInt32BE(pos);
        pos += 4;
        if (pn < 0 || pos + pn * 4 > buf.length) return null;
        for (let j = 0; j < pn; j++, pos += 4) partitions.push(buf.readInt32BE(pos));
      }
      out.push({ topic, partitions });
    }
    return out;
  } catch {
    return null;
  }
}

interface GroupView {
  summary: Omit<GroupSummary, 'lag' | 'partitions' | 'topics'>;
  members: GroupMemberView[];
  extra: Partial<GroupDetail>;
}

function describeGroup(b: Broker, groupId: string): GroupView {
  const g = b.groups.getGroup(groupId);
  if (!g) {
    // Only committed offsets (e.g. an admin commit, or a group whose members are gone).
    return { summary: { groupId, type: 'classic', state: 'Empty', protocolType: '', members: 0 }, members: [], extra: {} };
  }
  const summary = { groupId, type: g.type, state: g.stateName, protocolType: g.protocolType, members: 0 };
  if (g instanceof ClassicGroup) {
    const d = g.describe();
    const consumerProtocol = g.protocolType === 'consumer';
    const members = d.members.map((m): GroupMemberView => {
      const assignment = consumerProtocol && m.assignment.length > 0 ? readConsumerTopics(m.assignment, true) : m.assignment.length === 0 ? [] : null;
      const subscription = consumerProtocol && m.metadata.length > 0 ? readConsumerTopics(m.metadata, false) : null;
      return {
        memberId: m.memberId,
        instanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopics: subscription ? subscription.map((s) => s.topic) : null,
        assignment,
        ...(assignment === null ? { assignmentBytes: m.assignment.length } : {}),
      };
    });
    summary.members = members.length;
    return { summary, members, extra: { generationId: g.generationId, protocol: g.protocolName, leader: g.leaderId } };
  }
  const d = consumerGroups(b).describe(groupId);
  const named = (tps: { topicName: string; partitions: number[] }[]) => tps.map((x) => ({ topic: x.topicName, partitions: [...x.partitions].sort((p, q) => p - q) }));
  const members = d.members.map(
    (m): GroupMemberView => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopics: m.subscribedTopicNames,
      subscribedTopicRegex: m.subscribedTopicRegex,
      memberEpoch: m.memberEpoch,
      assignment: named(m.assignment.topicPartitions),
      targetAssignment: named(m.targetAssignment.topicPartitions),
    }),
  );
  summary.members = members.length;
  return { summary, members, extra: { groupEpoch: d.groupEpoch, assignmentEpoch: d.assignmentEpoch, assignor: d.assignorName } };
}

function groupLag(b: Broker, groupId: string, members: GroupMemberView[]): { partitions: GroupPartitionLag[]; lag: bigint; topics: string[] } {
  const owner = new Map<string, GroupMemberView>();
  for (const m of members) for (const a of m.assignment ?? []) for (const p of a.partitions) owner.set(`${a.topic}\u0000${p}`, m);
  const rows = new Map<string, GroupPartitionLag>();
  const row = (topic: string, partition: number, committed: bigint | null, metadata: string | null): GroupPartitionLag => {
    const log = b.store.partition(topic, partition);
    const m = owner.get(`${topic}\u0000${partition}`);
    let lag: bigint | null = null;
    if (log && committed !== null) {
      // A committed offset below the log start (retention) counts from the log start, as consumers resume there.
      const from = committed < log.logStartOffset ? log.logStartOffset : committed;
      lag = log.logEndOffset > from ? log.logEndOffset - from : 0n;
    }
    return {
      topic,
      partition,
      committedOffset: committed,
      metadata,
      logStartOffset: log ? log.logStartOffset : null,
      highWatermark: log ? log.logEndOffset : null,
      lag,
      memberId: m?.memberId ?? null,
      clientId: m?.clientId ?? null,
    };
  };
  for (const { topic, partition, value } of b.groups.offsets.partitionsOf(groupId)) {
    rows.set(`${topic}\u0000${partition}`, row(topic, partition, value.offset, value.metadata ?? null));
  }
  for (const [k, m] of owner) {
    if (rows.has(k)) continue;
    const [topic, p] = k.split('\u0000') as [string, string];
    const r = row(topic, Number(p), null, null);
    r.memberId = m.memberId;
    r.clientId = m.clientId;
    rows.set(k, r);
  }
  const partitions = [...rows.values()].sort((x, y) => (x.topic < y.topic ? -1 : x.topic > y.topic ? 1 : x.partition - y.partition));
  let lag = 0n;
  for (const r of partitions) lag += r.lag ?? 0n;
  return { partitions, lag, topics: [...new Set(partitions.map((r) => r.topic))] };
}

function allGroupIds(b: Broker): string[] {
  const ids = new Set<string>();
  for (const g of b.groups.allGroups()) ids.add(g.groupId);
  for (const id of b.groups.offsets.groupIds()) ids.add(id);
  return [...ids].sort();
}

export function groupSummaries(b: Broker): GroupSummary[] {
  return allGroupIds(b).map((id) => {
    const v = describeGroup(b, id);
    return { ...v.summary, ...groupLag(b, id, v.members) };
  });
}

function groupDetail(b: Broker, groupId: string): GroupDetail {
  if (!b.groups.getGroup(groupId) && !b.groups.offsets.hasOffsets(groupId)) throw new HttpError(404, `unknown group ${groupId}`);
  const v = describeGroup(b, groupId);
  return { ...v.summary, ...groupLag(b, groupId, v.members), ...v.extra, memberList: v.members };
}

// ---- Snapshots and Server-Sent Events ------------------------------------------------------------

export interface ConsoleSnapshot {
  time: number;
  broker: {
    nodeId: number;
    clusterId: string;
    bootstrapServers: string;
    kafkaVersion: string | null;
    storage: 'memory' | 'disk';
    uptimeSeconds: number;
    connections: number;
  };
  topics: TopicSummary[];
  groups: GroupSummary[];
}

export function snapshot(b: Broker): ConsoleSnapshot {
  return {
    time: Date.now(),
    broker: {
      nodeId: b.nodeId,
      clusterId: b.clusterId,
      bootstrapServers: b.bootstrapServers,
      kafkaVersion: b.hooks.release?.name ?? null,
      storage: b.config.inMemory ? 'memory' : 'disk',
      uptimeSeconds: Math.round(b.hooks.metrics.uptimeSeconds()),
      connections: b.openConnections().size,
    },
    topics: topicSummaries(b, true),
    groups: groupSummaries(b),
  };
}

const toJson = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));

function events(b: Broker, req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, interval: number): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  res.write('retry: 2000\n\n');
  let last = '';
  let quiet = 0;
  const tick = () => {
    if (res.writableEnded || res.destroyed) return stop();
    let snap: ConsoleSnapshot;
    try {
      snap = snapshot(b);
    } catch (err) {
      b.logger.warn({ err }, 'console snapshot failed');
      return;
    }
    // What changed is compared without the clock fields.
    const key = toJson({ topics: snap.topics, groups: snap.groups, connections: snap.broker.connections });
    if (key !== last) {
      last = key;
      quiet = 0;
      res.write(`event: snapshot\ndata: ${toJson(snap)}\n\n`);
    } else if (++quiet * interval >= 15_000) {
      quiet = 0;
      res.write(': keep-alive\n\n');
    }
  };
  const timer = setInterval(tick, interval);
  const onClosing = () => res.end();
  function stop(): void {
    clearInterval(timer);
    b.closing.removeEventListener('abort', onClosing);
  }
  b.closing.addEventListener('abort', onClosing, { once: true });
  req.on('close', stop);
  res.on('close', stop);
  tick();
}
