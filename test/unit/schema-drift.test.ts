// Keeps src/wire/messages/*.ts honest against Apache Kafka's own JSON message definitions
// (../shared/kafka-protocol/message relative to the repo root). Every API in API_SCHEMAS is
// compared recursively: apiKey, name, validVersions, flexibleVersions and, per field in wire
// order, name, type (arrays, nested structs, commonStructs), versions, nullableVersions, tag,
// taggedVersions and default. A failure names the API, the field path and what differs.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { zeroValue } from '../../src/wire/compile.js';
import { API_SCHEMAS } from '../../src/wire/messages/index.js';
import { arr, arrOf, f, message, struct, type AnyField, type FieldType, type MessageSchema } from '../../src/wire/schema.js';
import {
  kafkaCamel,
  parseKafkaJson,
  stripJsonComments,
  type KafkaJsonField,
  type KafkaJsonMessage,
} from '../helpers/kafka-json.js';

const SPEC_DIR = fileURLToPath(new URL('../../../shared/kafka-protocol/message/', import.meta.url));
const HAVE_SPEC = existsSync(SPEC_DIR);
if (!HAVE_SPEC) {
  console.warn(
    `[schema-drift] skipping the Kafka JSON comparison: ${SPEC_DIR} is absent ` +
      '(check out the shared kafka-protocol reference next to the repo to run it)',
  );
}

function loadSpec(file: string): KafkaJsonMessage {
  return parseKafkaJson<KafkaJsonMessage>(readFileSync(join(SPEC_DIR, file), 'utf8'));
}

// ---- The drift checker ---------------------------------------------------------

const PRIMS = new Set(['int8', 'int16', 'uint16', 'int32', 'int64', 'float64', 'bool', 'string', 'bytes', 'records', 'uuid']);
const INT_TYPES = new Set(['int8', 'int16', 'uint16', 'int32']);

/** '0+', '3-5', '7', 'none' → a canonical 'min-max' (or 'none'), so equal ranges spelled differently match. */
function normRange(spec: string | undefined): string {
  if (spec === undefined || spec === '' || spec === 'none') return 'none';
  if (spec.endsWith('+')) return `${Number(spec.slice(0, -1))}-max`;
  const m = /^(\d+)-(\d+)$/.exec(spec);
  if (m) return `${Number(m[1])}-${Number(m[2])}`;
  return /^\d+$/.test(spec) ? `${Number(spec)}-${Number(spec)}` : `invalid(${spec})`;
}

function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  if (typeof v === 'bigint') return `${v}n`;
  if (Buffer.isBuffer(v)) return `<Buffer ${v.toString('hex')}>`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v !== null && typeof v === 'object') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
  return String(v);
}

function showType(t: FieldType): string {
  if (typeof t === 'string') return t;
  if (t.kind === 'array') return `[]${showType(t.of)}`;
  return 'struct';
}

const NO_DEFAULT = Symbol('no default');

/** Kafka's default for a field, typed as the codec would hold it; throws on a value that does not parse. */
function kafkaDefault(type: string, raw: string | number | boolean | undefined): unknown {
  if (raw === undefined) return NO_DEFAULT;
  const s = String(raw);
  if (s === 'null') return null;
  if (type === 'bool') {
    if (s !== 'true' && s !== 'false') throw new Error(`bad bool default ${s}`);
    return s === 'true';
  }
  if (type === 'int64') return BigInt(s);
  if (INT_TYPES.has(type)) {
    const n = Number(s);
    if (!Number.isInteger(n)) throw new Error(`bad integer default ${s}`);
    return n;
  }
  if (type === 'float64') {
    const n = Number(s);
    if (Number.isNaN(n)) throw new Error(`bad float default ${s}`);
    return n;
  }
  return s; // string (and anything Kafka may add later, compared as text)
}

/** Kafka's implicit default when a field has none (what a reader fills in for an absent field). */
function kafkaZero(type: string): unknown {
  if (type.startsWith('[]')) return [];
  switch (type) {
    case 'int64':
      return 0n;
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
    case 'records':
      return Buffer.alloc(0);
    case 'uuid':
      return 'AAAAAAAAAAAAAAAAAAAAAA';
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'float64':
      return 0;
    default:
      return NO_DEFAULT; // a struct: defaults live on its own fields
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === 0 && b.length === 0;
  return Object.is(a, b);
}

interface Ctx {
  api: string;
  commons: Map<string, KafkaJsonField[]>;
  out: string[];
}

function report(ctx: Ctx, path: string, what: string): void {
  ctx.out.push(`${ctx.api}: ${path}: ${what}`);
}

function diffFields(ctx: Ctx, path: string, ours: readonly AnyField[], theirs: readonly KafkaJsonField[]): void {
  const n = Math.min(ours.length, theirs.length);
  for (let i = 0; i < n; i++) {
    const o = ours[i]!;
    const k = theirs[i]!;
    const want = kafkaCamel(k.name);
    if (o.name !== want) {
      // Wire order is broken from here on; comparing further fields pairwise would only add noise.
      report(
        ctx,
        `${path}.${o.name}`,
        `field #${i} is '${o.name}' but Kafka has '${want}' (${k.name}) there; ` +
          `ours: [${ours.map((x) => x.name).join(', ')}], kafka: [${theirs.map((x) => kafkaCamel(x.name)).join(', ')}]`,
      );
      return;
    }
    diffField(ctx, `${path}.${o.name}`, o, k);
  }
  for (const extra of ours.slice(n)) report(ctx, `${path}.${extra.name}`, 'field not in Kafka JSON');
  for (const missing of theirs.slice(n)) report(ctx, `${path}.${kafkaCamel(missing.name)}`, `field missing (Kafka ${missing.name}, versions ${missing.versions})`);
}

function diffRange(ctx: Ctx, path: string, what: string, ours: string | undefined, theirs: string | undefined): void {
  if (normRange(ours) !== normRange(theirs)) report(ctx, path, `${what} differ: ours ${show(ours)}, kafka ${show(theirs)}`);
}

function diffField(ctx: Ctx, path: string, o: AnyField, k: KafkaJsonField): void {
  diffType(ctx, path, o.type, k, k.type);
  diffRange(ctx, path, 'versions', o.versions, k.versions);
  diffRange(ctx, path, 'nullableVersions', o.opts.nullable, k.nullableVersions);
  if (o.opts.tag !== k.tag) report(ctx, path, `tag differs: ours ${show(o.opts.tag)}, kafka ${show(k.tag)}`);
  // In the DSL taggedVersions defaults to the field's versions when a tag is set.
  const ourTagged = o.opts.taggedVersions ?? (o.opts.tag !== undefined ? o.versions : undefined);
  diffRange(ctx, path, 'taggedVersions', ourTagged, k.taggedVersions);
  if (k.flexibleVersions !== undefined) {
    report(ctx, path, `Kafka sets field-level flexibleVersions ${show(k.flexibleVersions)}, which the schema DSL cannot express`);
  }

  let theirDefault: unknown;
  try {
    theirDefault = kafkaDefault(k.type, k.default);
  } catch (e) {
    report(ctx, path, `Kafka default ${show(k.default)} does not parse as ${k.type}: ${(e as Error).message}`);
    return;
  }
  const ourHas = 'default' in o.opts;
  if (theirDefault === NO_DEFAULT && !ourHas) return;
  // Compare effective defaults: an explicit default equal to the type's zero value is no drift.
  const ourEff = ourHas ? o.opts.default : zeroValue(o.type);
  const theirEff = theirDefault === NO_DEFAULT ? kafkaZero(k.type) : theirDefault;
  if (theirEff === NO_DEFAULT || !sameValue(ourEff, theirEff)) {
    report(
      ctx,
      path,
      `default differs: ours ${ourHas ? show(o.opts.default) : `(none, so ${show(ourEff)})`}, ` +
        `kafka ${k.default === undefined ? '(none)' : show(k.default)} → ${theirEff === NO_DEFAULT ? '(none)' : show(theirEff)}`,
    );
  }
}

function structFields(ctx: Ctx, path: string, k: KafkaJsonField, typeName: string): KafkaJsonField[] | undefined {
  const fields = k.fields ?? ctx.commons.get(typeName);
  if (!fields) report(ctx, path, `Kafka type ${typeName} has no inline fields and is not in commonStructs`);
  return fields;
}

function diffType(ctx: Ctx, path: string, ours: FieldType, k: KafkaJsonField, kType: string): void {
  const mismatch = (): void => report(ctx, path, `type differs: ours ${showType(ours)}, kafka ${kType}`);
  if (kType.startsWith('[]')) {
    const inner = kType.slice(2);
    if (typeof ours !== 'object' || ours.kind !== 'array') return mismatch();
    if (PRIMS.has(inner)) {
      if (ours.of !== inner) mismatch();
      return;
    }
    if (typeof ours.of !== 'object' || ours.of.kind !== 'struct') return mismatch();
    const fields = structFields(ctx, path, k, inner);
    if (fields) diffFields(ctx, `${path}[]`, ours.of.fields, fields);
    return;
  }
  if (PRIMS.has(kType)) {
    if (ours !== kType) mismatch();
    return;
  }
  if (typeof ours !== 'object' || ours.kind !== 'struct') return mismatch();
  const fields = structFields(ctx, path, k, kType);
  if (fields) diffFields(ctx, path, ours.fields, fields);
}

/** All differences between one of our schemas and Kafka's JSON for it, as readable lines. */
function schemaDrift(api: string, ours: MessageSchema, theirs: KafkaJsonMessage): string[] {
  const ctx: Ctx = {
    api,
    commons: new Map((theirs.commonStructs ?? []).map((c) => [c.name, c.fields])),
    out: [],
  };
  const top = ours.name;
  if (ours.name !== theirs.name) report(ctx, top, `message name differs: ours ${show(ours.name)}, kafka ${show(theirs.name)}`);
  if (ours.apiKey !== theirs.apiKey) report(ctx, top, `apiKey differs: ours ${ours.apiKey}, kafka ${show(theirs.apiKey)}`);
  diffRange(ctx, top, 'validVersions', ours.validVersions, theirs.validVersions);
  diffRange(ctx, top, 'flexibleVersions', ours.flexibleVersions, theirs.flexibleVersions);
  diffFields(ctx, top, ours.fields, theirs.fields);
  return ctx.out;
}

function failureText(diffs: string[]): string {
  return `schema drifted from Kafka's JSON (${diffs.length} difference${diffs.length === 1 ? '' : 's'}):\n  ${diffs.join('\n  ')}`;
}

// ---- The comparison against the shared reference -------------------------------------

describe.skipIf(!HAVE_SPEC)('schemas match Kafka JSON definitions', () => {
  for (const [key, api] of API_SCHEMAS) {
    for (const dir of ['request', 'response'] as const) {
      const file = `${api.name}${dir === 'request' ? 'Request' : 'Response'}.json`;
      it(`${api.name} (key ${key}) ${dir} vs ${file}`, () => {
        expect(existsSync(join(SPEC_DIR, file)), `${api.name}: ${file} not found in ${SPEC_DIR}`).toBe(true);
        const spec = loadSpec(file);
        expect(spec.type, `${api.name}: ${file} is not a ${dir}`).toBe(dir);
        const schema = api[dir];
        expect(schema.apiKey, `${api.name}: API_SCHEMAS key ${key} holds apiKey ${schema.apiKey}`).toBe(key);
        const diffs = schemaDrift(api.name, schema, spec);
        expect(diffs, failureText(diffs)).toEqual([]);
      });
    }
  }

  it('every client-facing API in the reference has a schema', () => {
    const missing: string[] = [];
    for (const file of readdirSync(SPEC_DIR).filter((n) => n.endsWith('Request.json'))) {
      const spec = loadSpec(file);
      if (!spec.listeners?.includes('broker')) continue;
      const api = API_SCHEMAS.get(spec.apiKey!);
      if (!api || `${api.name}Request` !== spec.name) missing.push(`${spec.name} (key ${spec.apiKey})`);
    }
    expect(missing, `APIs without a schema in src/wire/messages: ${missing.join(', ')}`).toEqual([]);
  });
});

// ---- The checker itself must catch drift -----------------------------------------------

describe('the drift checker reports differences', () => {
  // A small hand-written definition in Kafka's format, comments included.
  const SPEC_TEXT = `// Licensed to the Apache Software Foundation (ASF) ...
{
  "apiKey": 99,
  "type": "response",
  "name": "WidgetResponse",
  // Version 1 adds Tags; version 2 is the first flexible version.
  "validVersions": "0-2",
  "flexibleVersions": "2+",
  "fields": [
    { "name": "ThrottleTimeMs", "type": "int32", "versions": "1+", "about": "Not a // comment" },
    { "name": "ErrorCode", "type": "int16", "versions": "0+", "default": "-1" },
    { "name": "Widgets", "type": "[]Widget", "versions": "0+", "fields": [ // inline struct
      { "name": "WidgetID", "type": "uuid", "versions": "0+" },
      { "name": "Label", "type": "string", "versions": "0+", "nullableVersions": "1+", "default": "null" },
      { "name": "Sizes", "type": "[]int64", "versions": "1+" },
      { "name": "Owner", "type": "Owner", "versions": "2+", "taggedVersions": "2+", "tag": 0 }
    ]},
    { "name": "Epoch", "type": "int64", "versions": "2+", "taggedVersions": "2+", "tag": 1, "default": "-1" },
    { "name": "MaxBytes", "type": "int32", "versions": "0+", "default": "0x7fffffff" },
    { "name": "Enabled", "type": "bool", "versions": "0+", "default": "true" }
  ],
  "commonStructs": [
    { "name": "Owner", "versions": "0+", "fields": [
      { "name": "ACLName", "type": "string", "versions": "0+" },
      { "name": "Host", "type": "string", "versions": "0+", "default": "" }
    ]}
  ]
}`;

  const good = () =>
    message(99, 'WidgetResponse', '0-2', '2+', [
      f('throttleTimeMs', 'int32', '1+'),
      f('errorCode', 'int16', '0+', { default: -1 }),
      f('widgets', arrOf([
        f('widgetID', 'uuid', '0+'),
        f('label', 'string', '0+', { nullable: '1+', default: null }),
        f('sizes', arr('int64'), '1+'),
        f('owner', struct([f('aclName', 'string', '0+'), f('host', 'string', '0+', { default: '' })]), '2+', { tag: 0 }),
      ]), '0+'),
      f('epoch', 'int64', '2+', { tag: 1, default: -1n }),
      f('maxBytes', 'int32', '0+', { default: 2147483647 }),
      f('enabled', 'bool', '0+', { default: true }),
    ]);

  const spec = parseKafkaJson<KafkaJsonMessage>(SPEC_TEXT);

  it('strips // comments outside strings only', () => {
    expect(spec.fields[0]!.about).toBe('Not a // comment');
    expect(stripJsonComments('{"a": "x//y"} // tail\n')).toBe('{"a": "x//y"} \n');
    expect(stripJsonComments('{"a": "q\\"//"}')).toBe('{"a": "q\\"//"}');
  });

  it('maps Kafka names to camelCase like the generator', () => {
    expect(kafkaCamel('ThrottleTimeMs')).toBe('throttleTimeMs');
    expect(kafkaCamel('ACLName')).toBe('aclName');
    expect(kafkaCamel('ACL')).toBe('acl');
    expect(kafkaCamel('WidgetID')).toBe('widgetID');
    expect(kafkaCamel('ISRNodes')).toBe('isrNodes');
  });

  it('accepts a matching schema (nested structs, commonStructs, defaults parsed by type)', () => {
    expect(schemaDrift('Widget', good(), spec)).toEqual([]);
  });

  // Each mutation of the matching schema must be reported, with the field path and the difference.
  type Mutable = { -readonly [K in keyof AnyField]: any };
  const field = (m: MessageSchema, ...path: string[]): Mutable => {
    let fields: readonly AnyField[] = m.fields;
    let fl: AnyField | undefined;
    for (const name of path) {
      fl = fields.find((x) => x.name === name)!;
      const t = fl.type;
      if (typeof t === 'object') fields = t.kind === 'array' && typeof t.of === 'object' ? t.of.fields : t.kind === 'struct' ? t.fields : [];
    }
    return fl as Mutable;
  };
  const cases: [string, (m: MessageSchema) => void, RegExp][] = [
    ['versions', (m) => (field(m, 'throttleTimeMs').versions = '0+'), /WidgetResponse\.throttleTimeMs: versions differ: ours "0\+", kafka "1\+"/],
    ['nested versions', (m) => (field(m, 'widgets', 'sizes').versions = '2+'), /WidgetResponse\.widgets\[\]\.sizes: versions differ/],
    ['nullableVersions', (m) => (field(m, 'widgets', 'label').opts = { default: null }), /widgets\[\]\.label: nullableVersions differ: ours \(absent\), kafka "1\+"/],
    ['prim type', (m) => (field(m, 'errorCode').type = 'int32'), /errorCode: type differs: ours int32, kafka int16/],
    ['array element type', (m) => (field(m, 'widgets', 'sizes').type = arr('int32')), /sizes: type differs: ours \[\]int32, kafka \[\]int64/],
    ['array vs struct', (m) => (field(m, 'widgets').type = struct([])), /widgets: type differs: ours struct, kafka \[\]Widget/],
    ['commonStructs field', (m) => (field(m, 'widgets', 'owner', 'host').type = 'bytes'), /widgets\[\]\.owner\.host: type differs: ours bytes, kafka string/],
    ['field name', (m) => (field(m, 'widgets', 'owner', 'aclName').name = 'aCLName'), /owner\.aCLName: field #0 is 'aCLName' but Kafka has 'aclName'/],
    ['missing field', (m) => ((m as { fields: readonly AnyField[] }).fields = m.fields.slice(0, -1)), /WidgetResponse\.enabled: field missing/],
    ['extra field', (m) => ((m as { fields: readonly AnyField[] }).fields = [...m.fields, f('extra', 'int8', '0+')]), /WidgetResponse\.extra: field not in Kafka JSON/],
    ['tag', (m) => (field(m, 'epoch').opts = { tag: 2, default: -1n }), /epoch: tag differs: ours 2, kafka 1/],
    ['taggedVersions', (m) => (field(m, 'epoch').opts = { tag: 1, taggedVersions: '3+', default: -1n }), /epoch: taggedVersions differ/],
    ['int64 default as number', (m) => (field(m, 'epoch').opts = { tag: 1, default: -1 }), /epoch: default differs: ours -1, kafka "-1" → -1n/],
    ['hex default', (m) => (field(m, 'maxBytes').opts = { default: 0x7ffffffe }), /maxBytes: default differs/],
    ['bool default', (m) => (field(m, 'enabled').opts = {}), /enabled: default differs: ours \(none, so false\), kafka "true" → true/],
    ['validVersions', (m) => ((m as { validVersions: string }).validVersions = '0-3'), /WidgetResponse: validVersions differ: ours "0-3", kafka "0-2"/],
    ['flexibleVersions', (m) => ((m as { flexibleVersions: string }).flexibleVersions = 'none'), /flexibleVersions differ/],
    ['apiKey', (m) => ((m as { apiKey: number }).apiKey = 98), /apiKey differs: ours 98, kafka 99/],
  ];
  for (const [what, mutate, expected] of cases) {
    it(`catches a changed ${what}`, () => {
      const m = good();
      mutate(m);
      const diffs = schemaDrift('Widget', m, spec);
      expect(diffs.length, failureText(diffs)).toBeGreaterThan(0);
      expect(diffs.every((d) => d.startsWith('Widget: '))).toBe(true);
      expect(diffs.join('\n')).toMatch(expected);
    });
  }

  it('an explicit default equal to the zero value is not drift', () => {
    const m = good();
    field(m, 'throttleTimeMs').opts = { default: 0 };
    expect(schemaDrift('Widget', m, spec)).toEqual([]);
  });

  it.skipIf(!HAVE_SPEC)('catches a real schema cloned and altered', () => {
    const produce = API_SCHEMAS.get(0)!;
    const spec = loadSpec('ProduceRequest.json');
    const clone = structuredClone(produce.request) as MessageSchema;
    expect(schemaDrift('Produce', clone, spec)).toEqual([]);
    field(clone, 'topicData', 'partitionData', 'records').versions = '3+';
    const diffs = schemaDrift('Produce', clone, spec);
    expect(diffs).toEqual([`Produce: ProduceRequest.topicData[].partitionData[].records: versions differ: ours "3+", kafka "0+"`]);
    // The original is untouched.
    expect(schemaDrift('Produce', produce.request, spec)).toEqual([]);
  });
});
