/**
 * The schema DSL: a message is a list of fields in wire order, each with the
 * versions it exists in, the versions in which it may be null, and (for tagged
 * fields) its tag. TypeScript types for decoded and encodable values are
 * inferred from the schema, so handlers and codecs cannot drift apart.
 */

export type Records = Buffer | readonly Buffer[];

export interface Prims {
  int8: number;
  int16: number;
  uint16: number;
  int32: number;
  int64: bigint;
  float64: number;
  bool: boolean;
  string: string;
  bytes: Buffer;
  records: Records;
  uuid: string;
}
export type PrimName = keyof Prims;

export interface ArrayType<E extends FieldType = FieldType> {
  readonly kind: 'array';
  readonly of: E;
}
export interface StructType<F extends readonly AnyField[] = readonly AnyField[]> {
  readonly kind: 'struct';
  readonly fields: F;
}
export type FieldType = PrimName | ArrayType<any> | StructType<any>;

export interface FieldOptions {
  /** Versions in which the field may be null, e.g. '3+'. */
  readonly nullable?: string;
  /** Tag number; the field is tagged in `taggedVersions` (defaults to its versions). */
  readonly tag?: number;
  readonly taggedVersions?: string;
  /** Value when absent from the version or the tagged section. */
  readonly default?: unknown;
}

export interface Field<N extends string = string, T extends FieldType = FieldType, O extends FieldOptions = FieldOptions> {
  readonly name: N;
  readonly type: T;
  readonly versions: string;
  readonly opts: O;
}
export type AnyField = Field<string, FieldType, FieldOptions>;

export interface MessageSchema<F extends readonly AnyField[] = readonly AnyField[]> {
  readonly apiKey: number;
  readonly name: string;
  readonly validVersions: string;
  readonly flexibleVersions: string;
  readonly fields: F;
}

export interface TaggedUnknown {
  tag: number;
  data: Buffer;
}

// ---- Type inference -------------------------------------------------------

type IsNullable<O> = O extends { readonly nullable: string } ? true : false;

type ValueOf<T> = T extends PrimName
  ? T extends 'records'
    ? Buffer
    : Prims[T]
  : T extends ArrayType<infer E>
    ? ValueOf<E>[]
    : T extends StructType<infer F>
      ? Decoded<F>
      : never;

type InputOf<T> = T extends PrimName
  ? Prims[T]
  : T extends ArrayType<infer E>
    ? InputOf<E>[]
    : T extends StructType<infer F>
      ? Input<F>
      : never;

/** A decoded value: every field of every version is present (absent ones hold their defaults). */
export type Decoded<F extends readonly AnyField[]> = {
  [K in F[number] as K['name']]: IsNullable<K['opts']> extends true ? ValueOf<K['type']> | null : ValueOf<K['type']>;
} & { _unknownTags?: TaggedUnknown[] };

/** A value to encode: any field may be left out and takes its default. */
export type Input<F extends readonly AnyField[]> = {
  [K in F[number] as K['name']]?: IsNullable<K['opts']> extends true ? InputOf<K['type']> | null : InputOf<K['type']>;
} & { _unknownTags?: TaggedUnknown[] };

export type DecodedMessage<M> = M extends MessageSchema<infer F> ? Decoded<F> : never;
export type InputMessage<M> = M extends MessageSchema<infer F> ? Input<F> : never;

// ---- Constructors -----------------------------------------------------------

export function f<const N extends string, const T extends FieldType, const O extends FieldOptions = {}>(
  name: N,
  type: T,
  versions: string,
  opts?: O,
): Field<N, T, O> {
  return { name, type, versions, opts: (opts ?? {}) as O };
}

export function arr<const E extends FieldType>(of: E): ArrayType<E> {
  return { kind: 'array', of };
}

/** An array of structs, the common case. */
export function arrOf<const F extends readonly AnyField[]>(fields: F): ArrayType<StructType<F>> {
  return { kind: 'array', of: { kind: 'struct', fields } };
}

export function struct<const F extends readonly AnyField[]>(fields: F): StructType<F> {
  return { kind: 'struct', fields };
}

export function message<const F extends readonly AnyField[]>(
  apiKey: number,
  name: string,
  validVersions: string,
  flexibleVersions: string,
  fields: F,
): MessageSchema<F> {
  return { apiKey, name, validVersions, flexibleVersions, fields };
}

// ---- Version ranges ----------------------------------------------------------

export interface VersionRange {
  min: number;
  max: number;
}

const rangeCache = new Map<string, VersionRange | null>();

/** Parses '3+', '0-4', '5' or 'none'. */
export function parseRange(spec: string | undefined): VersionRange | null {
  if (spec === undefined || spec === 'none' || spec === '') return null;
  let r = rangeCache.get(spec);
  if (r !== undefined) return r;
  if (spec.endsWith('+')) r = { min: Number(spec.slice(0, -1)), max: 0x7fff };
  else if (spec.includes('-')) {
    const [a, b] = spec.split('-');
    r = { min: Number(a), max: Number(b) };
  } else r = { min: Number(spec), max: Number(spec) };
  rangeCache.set(spec, r);
  return r;
}

export function inRange(spec: string | undefined, v: number): boolean {
  const r = parseRange(spec);
  return r !== null && v >= r.min && v <= r.max;
}
