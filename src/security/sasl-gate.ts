/**
 * The dispatcher of SASL listeners: it lets a connection's requests through
 * only as Kafka's SaslServerAuthenticator does.
 *
 * - Before the handshake: ApiVersions and SaslHandshake; anything else closes
 *   the connection without an answer ("Unexpected Kafka request of type X
 *   during SASL handshake").
 * - After SaslHandshake v1: SaslAuthenticate only; anything else is answered
 *   with ILLEGAL_SASL_STATE and the connection closed.
 * - After SaslHandshake v0 (pre-KIP-152 clients): every frame is a raw SASL
 *   token, answered with a size-prefixed raw token; a failure closes.
 * - Once authenticated: everything, until the session expires
 *   (`connections.max.reauth.ms`): then only a SaslHandshake starting the
 *   re-authentication is accepted, any other request closes the connection.
 */
import type { Handler } from '../handlers/handler.js';
import type { AfterWrite, Connection, Dispatch, DispatchResult } from '../server/connection.js';
import { codecFor, encodeResponseFrame } from '../wire/codecs.js';
import { ErrorCode } from '../wire/error-codes.js';
import { readRequestHeader } from '../wire/header.js';
import { Reader } from '../wire/reader.js';
import { errorResponse, type Obj } from './enforce.js';

const API_VERSIONS = 18;
const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;

export function saslGate(inner: Dispatch, handlers: readonly Handler[]): Dispatch {
  const table = new Map(handlers.map((h) => [h.apiKey, h]));
  return (frame: Buffer, conn: Connection, afterWrite?: AfterWrite): Promise<DispatchResult> | DispatchResult => {
    const sasl = conn.session?.sasl;
    if (!sasl) return inner(frame, conn, afterWrite);
    const apiKey = frame.length >= 2 ? frame.readInt16BE(0) : -1;
    switch (sasl.phase) {
      case 'complete':
        if (sasl.expiresAt !== null && apiKey !== SASL_HANDSHAKE && sasl.expired()) {
          conn.log.info({ principal: conn.session!.principal }, 'closing connection: SASL session expired (connections.max.reauth.ms) without re-authentication');
          conn.close('SASL session expired');
          return null;
        }
        return inner(frame, conn, afterWrite);
      case 'handshake':
        if (apiKey === API_VERSIONS || apiKey === SASL_HANDSHAKE) return inner(frame, conn, afterWrite);
        conn.log.info({ apiKey }, `closing connection: unexpected Kafka request of type ${apiKey} during SASL handshake`);
        conn.close('request before SASL authentication');
        return null;
      case 'authenticate':
        if (apiKey === SASL_AUTHENTICATE) return inner(frame, conn, afterWrite);
        return illegalState(frame, conn, table);
      case 'raw':
        return sasl.rawToken(frame).then((token) => {
          if (token === null) {
            conn.log.info({ mechanism: sasl.mechanism }, 'closing connection: SASL authentication failed');
            conn.close('SASL authentication failed');
            return null;
          }
          const size = Buffer.allocUnsafe(4);
          size.writeInt32BE(token.length, 0);
          return [size, token];
        });
      case 'bad-mechanism':
      case 'failed':
        conn.close('SASL authentication failed');
        return null;
    }
  };
}

/** ILLEGAL_SASL_STATE in the shape of the request's API, then close (Kafka: IllegalSaslStateException during authentication). */
function illegalState(frame: Buffer, conn: Connection, table: ReadonlyMap<number, Handler>): DispatchResult {
  const r = new Reader(frame);
  const header = readRequestHeader(r);
  const handler = table.get(header.apiKey);
  const codec = r.error === null && handler ? codecFor(header.apiKey, header.apiVersion, 'request') : null;
  conn.log.info({ apiKey: header.apiKey }, `closing connection: unexpected Kafka request of type ${header.apiKey} during SASL authentication`);
  if (!handler || !codec || header.apiVersion < handler.minVersion || header.apiVersion > handler.maxVersion) {
    conn.close('request during SASL authentication');
    return null;
  }
  const request = codec.decode(r) as Obj;
  conn.closeAfterResponses('request during SASL authentication');
  if (r.error !== null) return null;
  const body = errorResponse(handler, header.apiVersion, request, ErrorCode.ILLEGAL_SASL_STATE, () => undefined, true);
  return encodeResponseFrame(header.apiKey, header.apiVersion, header.correlationId, body);
}
