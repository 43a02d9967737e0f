/**
 * Request frame → handler → response frame. Everything Kafka-specific about a
 * request that is not one API's semantics lives here: header parsing, version
 * checks (with ApiVersions' special v0-shaped reply), body decoding, encoding.
 */
import type { Broker } from '../broker.js';
import type { Handler, RequestContext } from '../handlers/handler.js';
import { codecFor, encodeResponseFrame } from '../wire/codecs.js';
import { ErrorCode } from '../wire/error-codes.js';
import { readRequestHeader } from '../wire/header.js';
import { Reader } from '../wire/reader.js';
import type { AfterWrite, Connection, Dispatch, DispatchResult } from './connection.js';
import { ProtocolError } from './errors.js';

const API_VERSIONS = 18;

export function createDispatcher(broker: Broker, handlers: readonly Handler[]): Dispatch {
  const table = new Map<number, Handler>(handlers.map((h) => [h.apiKey, h]));
  // Version emulation, metrics, recording and fault injection (src/admin/hooks.ts); absent on test doubles.
  const hooks = (broker as Partial<Broker>).hooks;

  return (frame: Buffer, conn: Connection, afterWrite?: AfterWrite): Promise<DispatchResult> | DispatchResult => {
    const r = new Reader(frame);
    const header = readRequestHeader(r);
    if (r.error !== null) throw new ProtocolError(`malformed request header: ${r.error}`);
    conn.setClientId(header.clientId);
    const { apiKey, apiVersion, correlationId } = header;

    const handler = table.get(apiKey);
    if (!handler) {
      hooks?.refused(apiKey, apiVersion, header.clientId, correlationId, conn);
      throw new ProtocolError(`unsupported API key ${apiKey}`);
    }
    const range = hooks ? hooks.versionRange(handler) : handler;
    if (range === null || apiVersion < range.minVersion || apiVersion > range.maxVersion) {
      hooks?.refused(apiKey, apiVersion, header.clientId, correlationId, conn);
      if (apiKey === API_VERSIONS) {
        // KIP-511: answer an unknown ApiVersions version with a v0 body listing what we support,
        // so the client can pick a version it shares with us.
        conn.log.debug({ apiVersion }, 'ApiVersions version unsupported, replying with v0');
        return encodeResponseFrame(API_VERSIONS, 0, correlationId, {
          errorCode: ErrorCode.UNSUPPORTED_VERSION,
          apiKeys: hooks ? hooks.unsupportedApiVersionsKeys() : broker.supportedApis(),
        });
      }
      const supported = range ? `supported ${range.minVersion}-${range.maxVersion}` : `not served by Kafka ${hooks?.release?.name}`;
      throw new ProtocolError(`unsupported version ${apiVersion} of ${handler.name} (${supported})`);
    }

    const codec = codecFor(apiKey, apiVersion, 'request')!;
    const request = codec.decode(r);
    if (r.error !== null) throw new ProtocolError(`malformed ${handler.name} v${apiVersion} request: ${r.error}`);

    const ctx: RequestContext = { apiKey, apiVersion, correlationId, clientId: header.clientId, broker, log: conn.log, listener: conn.listenerName, session: conn.session, nodeId: conn.nodeId, afterWrite, peerGone: conn.peerGone };
    const encode = (response: unknown): DispatchResult =>
      response === null ? null : encodeResponseFrame(apiKey, apiVersion, correlationId, response);
    if (hooks) return hooks.handle(handler, request, ctx, conn, frame.length, encode);
    const result = handler.handle(request, ctx);
    return result instanceof Promise ? result.then(encode) : encode(result);
  };
}
