/**
 * Compiles a message schema, for one version, into straight-line JavaScript
 * decode/encode functions (via `new Function`), once, then caches them. The
 * generated code calls the Reader/Writer primitives directly, so there is no
 * per-field interpretation at run time.
 */
import { Reader } from './reader.js';
import { Writer } from './writer.js';
import { inRange, type AnyField, type FieldType, type MessageSchema } from './schema.js';

export interface Codec<D = any, I = any> {
  decode(r: Reader): D;
  encode(w: Writer, value: I): void;
}

interface Ctx {
  version: number;
  flexible: boolean;
  fns: string[];
  consts: unknown[];
  counter: number;
}

function defaultFor(field: AnyField, _version: number): unknown {
  return 'default' in field.opts ? field.opts.default : zeroValue(field.type);
}

export function zeroValue(t: FieldType): unknown {
  if (typeof t === 'object') {
    if (t.kind === 'array') return [];
    return makeDefaultStruct(t.fields);
  }
  switch (t) {
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
    default:
      return 0;
  }
}

function makeDefaultStruct(fields: readonly AnyField[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const fl of fields) o[fl.name] = 'default' in fl.opts ? fl.opts.default : zeroValue(fl.type);
  return o;
}

/** A JS expression that yields a fresh copy of a default value (arrays/structs must not be shared). */
function constExpr(ctx: Ctx, value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value) && value.length === 0) return '[]';
  ctx.consts.push(value);
  return `structuredCloneDefault(K[${ctx.consts.length - 1}])`;
}

const PRIM_READ: Record<string, [classic: string, compact: string, classicNull: string, compactNull: string]> = {
  string: ['string', 'compactString', 'nullableString', 'compactNullableString'],
  bytes: ['bytes', 'compactBytes', 'nullableBytes', 'compactNullableBytes'],
  records: ['nullableBytes', 'compactNullableBytes', 'nullableBytes', 'compactNullableBytes'],
};

function readExpr(ctx: Ctx, t: FieldType, nullable: boolean, flexible: boolean): string {
  if (typeof t === 'string') {
    const names = PRIM_READ[t];
    if (names) {
      const fn = names[(flexible ? 1 : 0) + (nullable ? 2 : 0)]!;
      // Records are nullable on the wire in every version; a null batch set reads as empty when the field is not nullable.
      if (t === 'records' && !nullable) return `(r.${fn}() ?? EMPTY)`;
      return `r.${fn}()`;
    }
    return `r.${t}()`;
  }
  // A nullable struct is preceded by a presence byte: -1 for null, 1 otherwise (Kafka's generator).
  if (t.kind === 'struct') return nullable ? `(r.int8() < 0 ? null : ${structDecoder(ctx, t.fields)}(r))` : `${structDecoder(ctx, t.fields)}(r)`;
  const elem = readExpr(ctx, t.of, false, flexible);
  const id = ctx.counter++;
  const fn = `da${id}`;
  ctx.fns.push(
    `function ${fn}(r) {
  const n = r.${flexible ? 'compactArrayLength' : 'arrayLength'}();
  if (n < 0) { ${nullable ? 'return null;' : 'r.fail("null array where non-nullable expected"); return [];'} }
  const a = new Array(n);
  for (let i = 0; i < n; i++) a[i] = ${elem};
  return a;
}`,
  );
  return `${fn}(r)`;
}

function writeStmt(ctx: Ctx, t: FieldType, nullable: boolean, flexible: boolean, v: string): string {
  if (typeof t === 'string') {
    if (t === 'records') return `w.records(${v} ?? null, ${flexible});`;
    const names = PRIM_READ[t];
    if (names) {
      if (nullable) return `w.${names[flexible ? 3 : 2]}(${v} ?? null);`;
      return `w.${names[flexible ? 1 : 0]}(${v} ?? ${t === 'string' ? '""' : 'EMPTY'});`;
    }
    if (t === 'int64') return `w.int64(${v} ?? 0n);`;
    if (t === 'uuid') return `w.uuid(${v} ?? "AAAAAAAAAAAAAAAAAAAAAA");`;
    if (t === 'bool') return `w.bool(!!${v});`;
    return `w.${t}(${v} ?? 0);`;
  }
  if (t.kind === 'struct') {
    const enc = structEncoder(ctx, t.fields);
    return nullable ? `if (${v} == null) w.int8(-1); else { w.int8(1); ${enc}(w, ${v}); }` : `${enc}(w, ${v} ?? {});`;
  }
  const id = ctx.counter++;
  const fn = `ea${id}`;
  const lenW = flexible ? 'w.uvarint(a.length + 1)' : 'w.int32(a.length)';
  const nullW = flexible ? 'w.uvarint(0)' : 'w.int32(-1)';
  ctx.fns.push(
    `function ${fn}(w, a) {
  if (a == null) { ${nullable ? `${nullW}; return;` : 'a = [];'} }
  ${lenW};
  for (let i = 0; i < a.length; i++) { const x = a[i]; ${writeStmt(ctx, t.of, false, flexible, 'x')} }
}`,
  );
  return `${fn}(w, ${v});`;
}

function structDecoder(ctx: Ctx, fields: readonly AnyField[]): string {
  const id = ctx.counter++;
  const fn = `ds${id}`;
  const { version, flexible } = ctx;
  const body: string[] = ['const o = {};'];
  const tagged: AnyField[] = [];
  for (const fl of fields) {
    const present = inRange(fl.versions, version);
    const isTagged = present && flexible && fl.opts.tag !== undefined && inRange(fl.opts.taggedVersions ?? fl.versions, version);
    if (present && !isTagged) {
      body.push(`o.${fl.name} = ${readExpr(ctx, fl.type, inRange(fl.opts.nullable, version), flexible)};`);
    } else {
      body.push(`o.${fl.name} = ${constExpr(ctx, defaultFor(fl, version))};`);
      if (isTagged) tagged.push(fl);
    }
  }
  if (flexible) {
    const cases = tagged
      .map((fl) => `case ${fl.opts.tag}: o.${fl.name} = ${readExpr(ctx, fl.type, inRange(fl.opts.nullable, version), true)}; break;`)
      .join('\n      ');
    body.push(`{
  const nt = r.uvarint();
  for (let i = 0; i < nt && r.error === null; i++) {
    const tag = r.uvarint();
    const size = r.uvarint();
    const end = r.pos + size;
    if (end > r.end) { r.fail("tagged field overruns frame"); break; }
    switch (tag) {
      ${cases}
      default: (o._unknownTags ??= []).push({ tag, data: r.raw(size) });
    }
    if (r.pos !== end) r.fail("tagged field " + tag + " size mismatch");
  }
}`);
  }
  body.push('return o;');
  ctx.fns.push(`function ${fn}(r) {\n${body.join('\n')}\n}`);
  return fn;
}

function structEncoder(ctx: Ctx, fields: readonly AnyField[]): string {
  const id = ctx.counter++;
  const fn = `es${id}`;
  const { version, flexible } = ctx;
  const body: string[] = [];
  const tagged: AnyField[] = [];
  for (const fl of fields) {
    if (!inRange(fl.versions, version)) continue;
    if (flexible && fl.opts.tag !== undefined && inRange(fl.opts.taggedVersions ?? fl.versions, version)) {
      tagged.push(fl);
      continue;
    }
    // A field left out takes its schema default (e.g. -1, true), not the type's zero value.
    const v = 'default' in fl.opts ? `(o.${fl.name} !== undefined ? o.${fl.name} : ${constExpr(ctx, fl.opts.default)})` : `o.${fl.name}`;
    body.push(writeStmt(ctx, fl.type, inRange(fl.opts.nullable, version), flexible, v));
  }
  if (flexible) {
    // Tagged fields are written only when they differ from their default, in tag order.
    tagged.sort((a, b) => a.opts.tag! - b.opts.tag!);
    const parts: string[] = ['const tags = [];'];
    for (const fl of tagged) {
      const def = defaultFor(fl, version);
      const cond = isDefaultCheck(ctx, `o.${fl.name}`, def);
      parts.push(`if (${cond}) { const tw = new Writer(); ((w) => { ${writeStmt(ctx, fl.type, inRange(fl.opts.nullable, version), true, `o.${fl.name}`)} })(tw); tags.push([${fl.opts.tag}, tw.toBuffer()]); }`);
    }
    parts.push(`if (o._unknownTags) for (const u of o._unknownTags) tags.push([u.tag, u.data]);`);
    parts.push(`if (tags.length > 1) tags.sort((a, b) => a[0] - b[0]);`);
    parts.push(`w.uvarint(tags.length); for (const [t, b] of tags) { w.uvarint(t); w.uvarint(b.length); w.raw(b); }`);
    body.push(parts.join('\n'));
  }
  ctx.fns.push(`function ${fn}(w, o) {\n${body.join('\n')}\n}`);
  return fn;
}

function isDefaultCheck(ctx: Ctx, expr: string, def: unknown): string {
  // True when the value must be written (present and not the default).
  if (def === null) return `${expr} != null`;
  if (Array.isArray(def)) return `${expr} != null && ${expr}.length > 0`;
  if (typeof def === 'bigint') return `${expr} !== undefined && ${expr} !== ${def}n`;
  if (typeof def === 'number' || typeof def === 'boolean') return `${expr} !== undefined && ${expr} !== ${def}`;
  if (typeof def === 'string') return `${expr} != null && ${expr} !== ${JSON.stringify(def)}`;
  if (Buffer.isBuffer(def)) return `${expr} != null && ${expr}.length > 0`;
  if (def !== null && typeof def === 'object') {
    // A struct (e.g. Fetch's currentLeader, divergingEpoch): written only when some field differs from its
    // default, as Kafka's generated code does, so a decoded message re-encodes to the same bytes.
    ctx.consts.push(def);
    return `${expr} != null && !isDefaultValue(${expr}, K[${ctx.consts.length - 1}])`;
  }
  return `${expr} != null`;
}

/** Whether `v` equals the schema default `def`; a missing (undefined) value counts as its default. */
function isDefaultValue(v: unknown, def: unknown): boolean {
  if (v === undefined) return true;
  if (Buffer.isBuffer(def)) return Buffer.isBuffer(v) && v.equals(def);
  if (Array.isArray(def)) return Array.isArray(v) && v.length === def.length && v.every((x, i) => isDefaultValue(x, def[i]));
  if (def !== null && typeof def === 'object') {
    if (v === null || typeof v !== 'object') return false;
    const o = v as Record<string, unknown>;
    if (Array.isArray(o._unknownTags) && o._unknownTags.length > 0) return false;
    return Object.entries(def).every(([k, d]) => isDefaultValue(o[k], d));
  }
  return v === def;
}

function structuredCloneDefault(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return v;
  if (Array.isArray(v)) return v.map(structuredCloneDefault);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = structuredCloneDefault(x);
    return o;
  }
  return v;
}

const EMPTY = Buffer.alloc(0);

export function compile(schema: MessageSchema, version: number, flexible: boolean): Codec {
  const ctx: Ctx = { version, flexible, fns: [], consts: [], counter: 0 };
  const dec = structDecoder(ctx, schema.fields);
  const enc = structEncoder(ctx, schema.fields);
  const src = `${ctx.fns.join('\n')}\nreturn { decode: ${dec}, encode: ${enc} };`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function('K', 'Writer', 'EMPTY', 'structuredCloneDefault', 'isDefaultValue', src);
  return factory(ctx.consts, Writer, EMPTY, structuredCloneDefault, isDefaultValue) as Codec;
}

export { Reader, Writer };
