/**
 * Request header v0–v2. The first 8 bytes (api key, version, correlation id)
 * are the same in every version, so they can be read before knowing which
 * header version applies. client_id is a classic nullable string even in v2.
 */
import { isFlexible } from './codecs.js';
import type { Reader } from './reader.js';
import { Writer } from './writer.js';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  /** 2 when the request uses flexible encoding (header carries tagged fields). */
  headerVersion: 1 | 2;
}

/** Reads the header; the reader is left at the start of the body. Errors are sticky on the reader. */
export function readRequestHeader(r: Reader): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = r.nullableString();
  // Header v2 from the API's first flexible version on; for an unknown, newer ApiVersions version that is
  // v2 too (as Kafka parses it), and the dispatcher answers it with the v0-shaped error reply.
  const headerVersion = isFlexible(apiKey, apiVersion) ? 2 : 1;
  if (headerVersion === 2) skipTaggedFields(r);
  return { apiKey, apiVersion, correlationId, clientId, headerVersion };
}

export function skipTaggedFields(r: Reader): void {
  const n = r.uvarint();
  for (let i = 0; i < n && r.error === null; i++) {
    r.uvarint();
    r.raw(r.uvarint());
  }
}

/** Encodes a request header (used by tests and the bench client). */
export function writeRequestHeader(w: Writer, h: Omit<RequestHeader, 'headerVersion'>): void {
  w.int16(h.apiKey);
  w.int16(h.apiVersion);
  w.int32(h.correlationId);
  w.nullableString(h.clientId);
  if (isFlexible(h.apiKey, h.apiVersion)) w.uvarint(0);
}

/** A complete request frame (size prefix, header, body) as one buffer. */
export function encodeRequestFrame(h: Omit<RequestHeader, 'headerVersion'>, encodeBody: (w: Writer) => void): Buffer {
  const w = new Writer(256);
  w.int32(0);
  writeRequestHeader(w, h);
  encodeBody(w);
  const b = w.toBuffer();
  b.writeInt32BE(b.length - 4, 0);
  return b;
}
