import { ErrorCode } from '../wire/error-codes.js';
import { SaslHandshakeRequest, SaslHandshakeResponse } from '../wire/messages/sasl-handshake.js';
import { defineHandler } from './handler.js';

/**
 * SaslHandshake 0-1: picks the SASL mechanism of a connection on a SASL
 * listener (v0: raw SASL tokens follow; v1: SaslAuthenticate requests).
 * An unknown mechanism gets UNSUPPORTED_SASL_MECHANISM with the enabled list,
 * then the connection is closed. On other listeners, or after authentication
 * without re-authentication (KIP-368) enabled: ILLEGAL_SASL_STATE, as Kafka's
 * KafkaApis answers. See src/security/session.ts.
 */
export const saslHandshake = defineHandler(SaslHandshakeRequest, SaslHandshakeResponse, { min: 0, max: 1 }, (req, ctx) => {
  const session = ctx.session;
  const sasl = session?.sasl;
  if (!sasl) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
  const result = sasl.handshake(req.mechanism, ctx.apiVersion);
  if (result.close) {
    ctx.log.info({ mechanism: req.mechanism, enabled: result.mechanisms }, 'closing connection: unsupported SASL mechanism');
    session.connection.closeAfterResponses('unsupported SASL mechanism');
  } else if (result.errorCode === ErrorCode.NONE && sasl.reauthenticating) {
    ctx.log.debug({ mechanism: req.mechanism, principal: session.principal }, 'SASL re-authentication');
  }
  return { errorCode: result.errorCode, mechanisms: result.mechanisms };
});
