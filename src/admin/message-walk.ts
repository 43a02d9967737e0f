/**
 * Generic, schema-driven views of decoded requests and of response values, for
 * the admin features that must work for every API without knowing it: the
 * topics a request names (recording, fault matching), the error codes in a
 * response (metrics), a response of the right shape carrying an injected error
 * (fault injection).
 *
 * Conventions the walkers rely on (they hold for every Kafka message):
 * - a "topic entry" is an element of an array field whose name mentions
 *   topics (`topics`, `topicData`, `forgottenTopicsData`) or is `responses`,
 *   naming its topic in a string field `name`/`topic`/`topicName` or a uuid
 *   `topicId`;
 * - a "partition entry" is an element of an array field whose name mentions
 *   partitions (`partitions`, `partitionData`, `partitionResponses`), with an
 *   int32 `partitionIndex`/`index`/`partition`/`partitionId`; requests may
 *   also list bare partition numbers (`partitionIndexes: []int32`);
 * - errors are int16 fields named `errorCode`.
 */
import { inRange, type AnyField, type FieldType, type MessageSchema } from '../wire/schema.js';

const TOPIC_NAME_FIELDS = ['name', 'topic', 'topicName'];
const PARTITION_FIELDS = ['partitionIndex', 'index', 'partition', 'partitionId'];
const TOPIC_ARRAY_RE = /topic|^responses$/i;
const PARTITION_ARRAY_RE = /partition/i;
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

type Obj = Record<string, unknown>;

/** Topic id → name (the broker's store), for requests and responses that carry ids. */
export type TopicIdResolver = (topicId: string) => string | undefined;

// ---- Fields present in a version -------------------------------------------------

const fieldCache = new WeakMap<readonly AnyField[], Map<number, AnyField[]>>();

/** The fields of a struct that exist in `version`, in wire order (tagged ones included). */
export function fieldsAt(fields: readonly AnyField[], version: number): AnyField[] {
  let byVersion = fieldCache.get(fields);
  if (!byVersion) fieldCache.set(fields, (byVersion = new Map()));
  let out = byVersion.get(version);
  if (!out) byVersion.set(version, (out = fields.filter((f) => inRange(f.versions, version))));
  return out;
}

function structFields(t: FieldType): readonly AnyField[] | null {
  if (typeof t === 'object' && t.kind === 'struct') return t.fields;
  return null;
}

function arrayStructFields(t: FieldType): readonly AnyField[] | null {
  if (typeof t === 'object' && t.kind === 'array' && typeof t.of === 'object' && t.of.kind === 'struct') return t.of.fields;
  return null;
}

function isTagged(f: AnyField, version: number): boolean {
  return f.opts.tag !== undefined && (f.opts.taggedVersions === undefined || inRange(f.opts.taggedVersions, version));
}

// ---- Error codes -------------------------------------------------------------------

type ErrorVisitor = (value: Obj, cb: (code: number) => void) => void;
const visitorCache = new WeakMap<MessageSchema, Map<number, ErrorVisitor>>();

/**
 * Calls `cb` with every `errorCode` of a response value (top-level and nested),
 * following only the branches of the schema that can hold one. Compiled once
 * per schema and version.
 */
export function errorCodeVisitor(schema: MessageSchema, version: number): ErrorVisitor {
  let byVersion = visitorCache.get(schema);
  if (!byVersion) visitorCache.set(schema, (byVersion = new Map()));
  let v = byVersion.get(version);
  if (!v) byVersion.set(version, (v = compileVisitor(schema.fields, version) ?? (() => {})));
  return v;
}

function compileVisitor(fields: readonly AnyField[], version: number): ErrorVisitor | null {
  const steps: ErrorVisitor[] = [];
  for (const f of fieldsAt(fields, version)) {
    const name = f.name;
    if (name === 'errorCode' && f.type === 'int16') {
      steps.push((o, cb) => {
        const c = o[name];
        if (typeof c === 'number') cb(c);
      });
      continue;
    }
    const elem = arrayStructFields(f.type);
    if (elem) {
      const inner = compileVisitor(elem, version);
      if (inner) {
        steps.push((o, cb) => {
          const a = o[name];
          if (Array.isArray(a)) for (const e of a) if (e !== null && typeof e === 'object') inner(e as Obj, cb);
        });
      }
      continue;
    }
    const sf = structFields(f.type);
    if (sf) {
      const inner = compileVisitor(sf, version);
      if (inner) {
        steps.push((o, cb) => {
          const s = o[name];
          if (s !== null && typeof s === 'object') inner(s as Obj, cb);
        });
      }
    }
  }
  if (steps.length === 0) return null;
  if (steps.length === 1) return steps[0]!;
  return (o, cb) => {
    for (const s of steps) s(o, cb);
  };
}

/** Whether the message has a top-level `errorCode` in this version. */
export function hasTopLevelErrorCode(schema: MessageSchema, version: number): boolean {
  return fieldsAt(schema.fields, version).some((f) => f.name === 'errorCode' && !isTagged(f, version));
}

// ---- Blank values ----------------------------------------------------------------------

/**
 * A value of every (non-tagged) field of the struct, as an error response
 * carries them: Kafka's "unknown" sentinels (-1) for int64s (offsets,
 * timestamps) and for int32 ids/epochs, zero for other numbers, null where
 * nullable, empty otherwise. Schema defaults win when declared.
 */
export function blankStruct(fields: readonly AnyField[], version: number): Obj {
  const o: Obj = {};
  for (const f of fieldsAt(fields, version)) {
    if (isTagged(f, version)) continue;
    o[f.name] = blankField(f, version);
  }
  return o;
}

function blankField(f: AnyField, version: number): unknown {
  const nullable = inRange(f.opts.nullable, version);
  if ('default' in f.opts && f.opts.default !== undefined) {
    const d = f.opts.default;
    return d !== null && typeof d === 'object' ? structuredClone(d) : d;
  }
  const t = f.type;
  if (typeof t === 'object') {
    if (t.kind === 'array') return [];
    return nullable ? null : blankStruct(t.fields, version);
  }
  switch (t) {
    case 'int64':
      return -1n;
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
      return f.name !== 'sessionId' && (/(Id|Epoch)$/.test(f.name) || f.name === 'generationId') ? -1 : 0;
    case 'float64':
      return 0;
    case 'bool':
      return false;
    case 'string':
      return nullable ? null : '';
    case 'bytes':
      return nullable ? null : Buffer.alloc(0);
    case 'records':
      // Never null, though the schemas allow it: Kafka always sends empty records, and librdkafka fails to parse a
      // whole Fetch response with a null record set in it ("invalid MessageSetSize -1").
      return Buffer.alloc(0);
    case 'uuid':
      return ZERO_UUID;
  }
}

/** Sets an entry's error and turns its int64s (offsets, timestamps) into -1 and its records into nothing. */
function markEntry(entry: Obj, fields: readonly AnyField[], version: number, code: number): void {
  for (const f of fieldsAt(fields, version)) {
    if (f.name === 'errorCode') entry[f.name] = code;
    else if (f.type === 'int64') entry[f.name] = -1n;
    else if (f.type === 'records') entry[f.name] = Buffer.alloc(0); // never null: see blankField
  }
}

// ---- Topic and partition shapes ----------------------------------------------------------

export interface PartitionShape {
  field: string;
  /** Struct fields of a partition entry, or null for a bare int32 array. */
  elem: readonly AnyField[] | null;
  /** The int32 field holding the partition number (struct entries). */
  indexField: string | null;
}

export interface TopicShape {
  /** The top-level array of topic entries. */
  field: string;
  /** The entries are bare topic names (e.g. DeleteTopics v0-5 `topicNames`), not structs. */
  strings: boolean;
  elem: readonly AnyField[];
  nameField: string | null;
  idField: string | null;
  partitions: PartitionShape | null;
}

const shapeCache = new WeakMap<readonly AnyField[], Map<number, TopicShape | null>>();

/** The first top-level array of topic entries of a message in this version, if any. */
export function topicShape(schema: MessageSchema, version: number): TopicShape | null {
  let byVersion = shapeCache.get(schema.fields);
  if (!byVersion) shapeCache.set(schema.fields, (byVersion = new Map()));
  if (byVersion.has(version)) return byVersion.get(version)!;
  let found: TopicShape | null = null;
  for (const f of fieldsAt(schema.fields, version)) {
    if (!TOPIC_ARRAY_RE.test(f.name) || isTagged(f, version)) continue;
    if (typeof f.type === 'object' && f.type.kind === 'array' && f.type.of === 'string') {
      found = { field: f.name, strings: true, elem: [], nameField: null, idField: null, partitions: null };
      break;
    }
    const elemAll = arrayStructFields(f.type);
    if (!elemAll) continue;
    const elem = fieldsAt(elemAll, version);
    const nameField = elem.find((e) => TOPIC_NAME_FIELDS.includes(e.name) && e.type === 'string')?.name ?? null;
    const idField = elem.find((e) => e.name === 'topicId' && e.type === 'uuid')?.name ?? null;
    if (nameField === null && idField === null) continue;
    found = { field: f.name, strings: false, elem: elemAll, nameField, idField, partitions: partitionShape(elem, version) };
    break;
  }
  byVersion.set(version, found);
  return found;
}

function partitionShape(elem: readonly AnyField[], version: number): PartitionShape | null {
  for (const f of elem) {
    if (!PARTITION_ARRAY_RE.test(f.name) || isTagged(f, version)) continue;
    const t = f.type;
    if (typeof t === 'object' && t.kind === 'array' && t.of === 'int32') return { field: f.name, elem: null, indexField: null };
    const pe = arrayStructFields(t);
    if (!pe) continue;
    const indexField = fieldsAt(pe, version).find((e) => PARTITION_FIELDS.includes(e.name) && e.type === 'int32')?.name;
    if (indexField) return { field: f.name, elem: pe, indexField };
  }
  return null;
}

function entryTopic(entry: Obj | string, shape: { nameField: string | null; idField: string | null }, resolve: TopicIdResolver): string | undefined {
  if (typeof entry === 'string') return entry;
  const name = shape.nameField !== null ? entry[shape.nameField] : undefined;
  if (typeof name === 'string' && name !== '') return name;
  const id = shape.idField !== null ? entry[shape.idField] : undefined;
  if (typeof id === 'string' && id !== ZERO_UUID) return resolve(id) ?? `<id:${id}>`;
  return typeof name === 'string' ? name : undefined;
}

function partitionNumbers(entry: Obj, p: PartitionShape): number[] {
  const a = entry[p.field];
  if (!Array.isArray(a)) return [];
  if (p.elem === null) return a.filter((x): x is number => typeof x === 'number');
  return a.map((e) => (e as Obj)[p.indexField!]).filter((x): x is number => typeof x === 'number');
}

// ---- Topics named by a request ------------------------------------------------------------

/**
 * Every topic a request names, in order, without duplicates: topic entries at
 * any depth (e.g. OffsetFetch v8's groups[].topics[]), string arrays named
 * after topics (DeleteTopics v0-5 `topicNames`), topic ids resolved to names.
 */
export function requestTopics(schema: MessageSchema, version: number, request: unknown, resolve: TopicIdResolver): string[] {
  const out = new Set<string>();
  if (request !== null && typeof request === 'object') collectTopics(schema.fields, version, request as Obj, resolve, out);
  return [...out];
}

function collectTopics(fields: readonly AnyField[], version: number, o: Obj, resolve: TopicIdResolver, out: Set<string>): void {
  for (const f of fieldsAt(fields, version)) {
    const v = o[f.name];
    if (v === null || v === undefined) continue;
    const t = f.type;
    if (typeof t === 'object' && t.kind === 'array') {
      if (!Array.isArray(v)) continue;
      if (t.of === 'string') {
        if (TOPIC_ARRAY_RE.test(f.name)) for (const s of v) if (typeof s === 'string') out.add(s);
        continue;
      }
      const elem = arrayStructFields(t);
      if (!elem) continue;
      const at = fieldsAt(elem, version);
      const isTopicArray = TOPIC_ARRAY_RE.test(f.name);
      const nameField = isTopicArray ? (at.find((e) => TOPIC_NAME_FIELDS.includes(e.name) && e.type === 'string')?.name ?? null) : null;
      const idField = isTopicArray ? (at.find((e) => e.name === 'topicId' && e.type === 'uuid')?.name ?? null) : null;
      for (const e of v) {
        if (e === null || typeof e !== 'object') continue;
        if (nameField !== null || idField !== null) {
          const name = entryTopic(e as Obj, { nameField, idField }, resolve);
          if (name !== undefined && name !== '') out.add(name);
        }
        collectTopics(elem, version, e as Obj, resolve, out);
      }
    } else if (typeof t === 'object' && t.kind === 'struct' && typeof v === 'object') {
      collectTopics(t.fields, version, v as Obj, resolve, out);
    }
  }
}

/** Topic → partitions (null: the request names the topic but no partitions) of a request's top-level topic array. */
export function requestTargets(schema: MessageSchema, version: number, request: Obj, resolve: TopicIdResolver): Map<string, number[] | null> | null {
  const shape = topicShape(schema, version);
  if (!shape) return null;
  const entries = request[shape.field];
  const out = new Map<string, number[] | null>();
  if (!Array.isArray(entries)) return out;
  for (const e of entries as (Obj | string)[]) {
    const topic = entryTopic(e, shape, resolve);
    if (topic === undefined) continue;
    const parts = shape.partitions && typeof e !== 'string' ? partitionNumbers(e, shape.partitions) : null;
    const prev = out.get(topic);
    out.set(topic, prev === undefined ? parts : prev === null || parts === null ? (prev ?? parts) : [...prev, ...parts]);
  }
  return out;
}

// ---- Fault responses ----------------------------------------------------------------------

/** Which topics/partitions an injected error targets; undefined fields match anything. */
export interface EntryFilter {
  topic?: string;
  partition?: number;
}

function matchesFilter(filter: EntryFilter, topic: string | undefined, partition: number | undefined): boolean {
  if (filter.topic !== undefined && topic !== filter.topic) return false;
  if (filter.partition !== undefined && partition !== filter.partition) return false;
  return true;
}

/**
 * Splits a request by the filter: `matched` are the topic entries (with only
 * the matching partitions) the error is for, `rest` the request without them
 * (null when nothing is left to handle). Returns null when the request has no
 * top-level topic array.
 */
export function splitRequest(
  schema: MessageSchema,
  version: number,
  request: Obj,
  filter: EntryFilter,
  resolve: TopicIdResolver,
): { matched: (Obj | string)[]; rest: Obj | null } | null {
  const shape = topicShape(schema, version);
  if (!shape) return null;
  const entries = request[shape.field];
  if (!Array.isArray(entries)) return { matched: [], rest: request };
  const matched: (Obj | string)[] = [];
  const kept: (Obj | string)[] = [];
  for (const e of entries as (Obj | string)[]) {
    const topic = entryTopic(e, shape, resolve);
    if (filter.topic !== undefined && topic !== filter.topic) {
      kept.push(e);
      continue;
    }
    const p = shape.partitions;
    if (filter.partition === undefined || p === null || typeof e === 'string') {
      // With a partition filter but no partition list (topic-level API), the topic matches as a whole.
      matched.push(e);
      continue;
    }
    const parts = e[p.field];
    if (!Array.isArray(parts)) {
      kept.push(e);
      continue;
    }
    const isMatch = (x: unknown): boolean => (p.elem === null ? x : (x as Obj)[p.indexField!]) === filter.partition;
    const hit = parts.filter(isMatch);
    const miss = parts.filter((x) => !isMatch(x));
    if (hit.length > 0) matched.push({ ...e, [p.field]: hit });
    if (miss.length > 0) kept.push({ ...e, [p.field]: miss });
  }
  return { matched, rest: kept.length > 0 ? { ...request, [shape.field]: kept } : null };
}

/**
 * Response topic entries for request topic entries, every partition (or the
 * topic, for topic-level APIs) carrying `code`, with -1 offsets.
 */
export function errorEntries(
  reqSchema: MessageSchema,
  resSchema: MessageSchema,
  version: number,
  requestEntries: readonly (Obj | string)[],
  code: number,
  resolve: TopicIdResolver,
): Obj[] | null {
  const rq = topicShape(reqSchema, version);
  const rs = topicShape(resSchema, version);
  if (!rq || !rs) return null;
  return requestEntries.map((e) => {
    const out = blankStruct(rs.elem, version);
    if (rs.nameField !== null) {
      const name = typeof e === 'string' ? e : rq.nameField !== null ? e[rq.nameField] : undefined;
      out[rs.nameField] = typeof name === 'string' ? name : (entryTopic(e, rq, resolve) ?? name ?? null);
    }
    if (rs.idField !== null) out[rs.idField] = typeof e !== 'string' && rq.idField !== null ? (e[rq.idField] ?? ZERO_UUID) : ZERO_UUID;
    const rp = rs.partitions;
    if (rp !== null && rp.elem !== null && rq.partitions !== null && typeof e !== 'string') {
      out[rp.field] = partitionNumbers(e, rq.partitions).map((n) => {
        const pe = blankStruct(rp.elem!, version);
        pe[rp.indexField!] = n;
        markEntry(pe, rp.elem!, version, code);
        return pe;
      });
    } else {
      markEntry(out, rs.elem, version, code);
    }
    return out;
  });
}

/** Adds topic entries to a response's topic array, merging partitions into an existing entry of the same topic. */
export function mergeEntries(resSchema: MessageSchema, version: number, response: Obj, entries: readonly Obj[], resolve: TopicIdResolver): void {
  const rs = topicShape(resSchema, version)!;
  const list = Array.isArray(response[rs.field]) ? [...(response[rs.field] as Obj[])] : [];
  for (const e of entries) {
    const topic = entryTopic(e, rs, resolve);
    const same = rs.partitions !== null ? list.findIndex((x) => entryTopic(x, rs, resolve) === topic) : -1;
    if (same >= 0 && rs.partitions !== null) {
      const f = rs.partitions.field;
      const prev = list[same]!;
      list[same] = { ...prev, [f]: [...((prev[f] as Obj[] | undefined) ?? []), ...((e[f] as Obj[] | undefined) ?? [])] };
    } else {
      list.push(e);
    }
  }
  response[rs.field] = list;
}

/**
 * Sets `code` in a handled response: on every nested entry (topic, partition,
 * group, coordinator…) that matches the filter, with -1 offsets; when none
 * does and there is no filter, on the top-level `errorCode`. Entries are
 * copied on write, so values shared with the handler are not changed.
 * Returns the patched response and how many error codes were set.
 */
export function patchErrors(
  schema: MessageSchema,
  version: number,
  response: Obj,
  code: number,
  filter: EntryFilter,
  resolve: TopicIdResolver,
): { response: Obj; set: number } {
  const counter = { set: 0 };
  const out = patchStruct(schema.fields, version, response, code, filter, resolve, undefined, undefined, counter);
  if (counter.set === 0 && filter.topic === undefined && filter.partition === undefined && hasTopLevelErrorCode(schema, version)) {
    out.errorCode = code;
    counter.set++;
  }
  return { response: out, set: counter.set };
}

function patchStruct(
  fields: readonly AnyField[],
  version: number,
  o: Obj,
  code: number,
  filter: EntryFilter,
  resolve: TopicIdResolver,
  topic: string | undefined,
  partition: number | undefined,
  counter: { set: number },
): Obj {
  let copy: Obj | null = null;
  const at = fieldsAt(fields, version);
  for (const f of at) {
    const elem = arrayStructFields(f.type);
    if (!elem) continue;
    const list = o[f.name];
    if (!Array.isArray(list) || list.length === 0) continue;
    const elemAt = fieldsAt(elem, version);
    const isTopicArray = TOPIC_ARRAY_RE.test(f.name);
    const nameField = isTopicArray ? (elemAt.find((e) => TOPIC_NAME_FIELDS.includes(e.name) && e.type === 'string')?.name ?? null) : null;
    const idField = isTopicArray ? (elemAt.find((e) => e.name === 'topicId' && e.type === 'uuid')?.name ?? null) : null;
    const indexField = PARTITION_ARRAY_RE.test(f.name) ? (elemAt.find((e) => PARTITION_FIELDS.includes(e.name) && e.type === 'int32')?.name ?? null) : null;
    const hasError = elemAt.some((e) => e.name === 'errorCode');
    const next = (list as Obj[]).map((e) => {
      const t = nameField !== null || idField !== null ? (entryTopic(e, { nameField, idField }, resolve) ?? topic) : topic;
      const p = indexField !== null && typeof e[indexField] === 'number' ? (e[indexField] as number) : partition;
      let entry = patchStruct(elem, version, e, code, filter, resolve, t, p, counter);
      if (hasError && matchesFilter(filter, t, p)) {
        if (entry === e) entry = { ...e };
        markEntry(entry, elem, version, code);
        counter.set++;
      }
      return entry;
    });
    copy ??= { ...o };
    copy[f.name] = next;
  }
  return copy ?? o;
}
