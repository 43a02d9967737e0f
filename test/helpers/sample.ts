// Builds deterministic pseudo-random values that fit a schema at a version, for round-trip tests.
import { inRange, type AnyField, type FieldType, type MessageSchema } from '../../src/wire/schema.js';

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

function sampleType(t: FieldType, rand: () => number, version: number, depth: number): unknown {
  if (typeof t === 'object') {
    if (t.kind === 'struct') return sampleStruct(t.fields, rand, version, depth + 1);
    const n = depth > 3 ? 0 : Math.floor(rand() * 3);
    return Array.from({ length: n }, () => sampleType(t.of, rand, version, depth + 1));
  }
  switch (t) {
    case 'int8':
      return Math.floor(rand() * 256) - 128;
    case 'int16':
      return Math.floor(rand() * 65536) - 32768;
    case 'uint16':
      return Math.floor(rand() * 65536);
    case 'int32':
      return (Math.floor(rand() * 2 ** 32) | 0);
    case 'int64':
      return BigInt.asIntN(64, (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32)));
    case 'float64':
      return rand() * 1000;
    case 'bool':
      return rand() < 0.5;
    case 'string':
      return ['', 'a', 'topic-1', 'ünïcødé', 'x'.repeat(40)][Math.floor(rand() * 5)];
    case 'bytes':
    case 'records':
      return Buffer.from(Array.from({ length: Math.floor(rand() * 20) }, () => Math.floor(rand() * 256)));
    case 'uuid':
      return Buffer.from(Array.from({ length: 16 }, () => Math.floor(rand() * 256))).toString('base64url');
  }
}

export function sampleStruct(fields: readonly AnyField[], rand: () => number, version: number, depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const fl of fields) {
    if (!inRange(fl.versions, version)) continue;
    if (inRange(fl.opts.nullable, version) && rand() < 0.2) o[fl.name] = null;
    else o[fl.name] = sampleType(fl.type, rand, version, depth);
  }
  return o;
}

export function sampleMessage(schema: MessageSchema, version: number, seed: number): Record<string, unknown> {
  return sampleStruct(schema.fields, rng(seed), version);
}
