/**
 * Codec registry: (apiKey, version, direction) → compiled codec, compiled on
 * first use and cached. Also frames responses with their header and size prefix.
 */
import { compile, type Codec } from './compile.js';
import { inRange, parseRange, type MessageSchema } from './schema.js';
import { Writer } from './writer.js';

export type Direction = 'request' | 'response';

const cache = new Map<number, Codec | null>();

/**
 * Schemas known to the codec registry. Handlers register the APIs they serve
 * (so the broker loads only those schema modules at start-up);
 * `messages/index.ts` registers every API for tools and tests.
 */
const registry = new Map<number, { request: MessageSchema; response: MessageSchema }>();

export function registerApi(request: MessageSchema, response: MessageSchema): void {
  if (!registry.has(request.apiKey)) registry.set(request.apiKey, { request, response });
}

function schemaFor(apiKey: number, direction: Direction): MessageSchema | undefined {
  const s = registry.get(apiKey);
  return s ? s[direction] : undefined;
}

/** The versions the reference schema defines for this API, or null if the key is unknown. */
export function schemaVersions(apiKey: number): { min: number; max: number } | null {
  const s = schemaFor(apiKey, 'request');
  return s ? parseRange(s.validVersions) : null;
}

export function isFlexible(apiKey: number, version: number): boolean {
  const s = schemaFor(apiKey, 'request');
  return s !== undefined && inRange(s.flexibleVersions, version);
}

/** The compiled codec, or null if the API or version does not exist. */
export function codecFor(apiKey: number, version: number, direction: Direction): Codec | null {
  const id = (apiKey << 17) | (version << 1) | (direction === 'response' ? 1 : 0);
  let c = cache.get(id);
  if (c !== undefined) return c;
  const s = schemaFor(apiKey, direction);
  c = s && inRange(s.validVersions, version) ? compile(s, version, inRange(s.flexibleVersions, version)) : null;
  cache.set(id, c);
  return c;
}

/** Response header v1 (with tagged fields) for flexible versions, except ApiVersions which always uses v0. */
export function responseHeaderVersion(apiKey: number, version: number): 0 | 1 {
  return apiKey !== 18 && isFlexible(apiKey, version) ? 1 : 0;
}

/**
 * Encodes a complete response frame (size prefix, header, body) as a buffer list.
 * Large record chunks in the body are passed through by reference.
 */
export function encodeResponseFrame(apiKey: number, version: number, correlationId: number, body: unknown): Buffer[] {
  const codec = codecFor(apiKey, version, 'response');
  if (!codec) throw new Error(`no response codec for api ${apiKey} v${version}`);
  const w = new Writer(512);
  w.int32(0); // size, patched below
  w.int32(correlationId);
  if (responseHeaderVersion(apiKey, version) === 1) w.uvarint(0);
  codec.encode(w, body);
  const total = w.length;
  const chunks = w.finish();
  chunks[0]!.writeInt32BE(total - 4, 0);
  return chunks;
}

/** Encodes just a message body (no header) to one buffer; used by tests and tools. */
export function encodeBody(apiKey: number, version: number, direction: Direction, value: unknown): Buffer {
  const codec = codecFor(apiKey, version, direction);
  if (!codec) throw new Error(`no ${direction} codec for api ${apiKey} v${version}`);
  const w = new Writer();
  codec.encode(w, value);
  return w.toBuffer();
}
