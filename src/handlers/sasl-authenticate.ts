import { ErrorCode } from '../wire/error-codes.js';
import { SaslAuthenticateRequest, SaslAuthenticateResponse } from '../wire/messages/sasl-authenticate.js';
import { defineHandler } from './handler.js';

/**
 * SaslAuthenticate 0-2 (KIP-152): one step of the SASL exchange chosen by
 * SaslHandshake v1. A failure is answered with SASL_AUTHENTICATION_FAILED and
 * the connection is closed (without an answer where Kafka's authenticator
 * meets an exception it does not expect). v1+ report the session lifetime
 * (`connections.max.reauth.ms`, bounded by an OAUTHBEARER token's expiry;
 * KIP-368) so clients re-authenticate in time.
 * Outside an exchange: ILLEGAL_SASL_STATE, as Kafka's KafkaApis answers.
 */
export const saslAuthenticate = defineHandler(SaslAuthenticateRequest, SaslAuthenticateResponse, { min: 0, max: 2 }, async (req, ctx) => {
  const session = ctx.session;
  const sasl = session?.sasl;
  if (!sasl || sasl.phase !== 'authenticate') {
    if (sasl && (sasl.phase === 'bad-mechanism' || sasl.phase === 'failed')) {
      // Re-authentication with another mechanism (Kafka's REAUTH_BAD_MECHANISM): closed without an answer.
      session.connection.close('SASL re-authentication with another mechanism');
      return null;
    }
    return {
      errorCode: ErrorCode.ILLEGAL_SASL_STATE,
      errorMessage: sasl ? 'SaslAuthenticate request received after successful authentication' : 'SaslAuthenticate request received on a listener without SASL',
      authBytes: Buffer.alloc(0),
      sessionLifetimeMs: 0n,
    };
  }
  const reauth = sasl.reauthenticating;
  const result = await sasl.authenticate(req.authBytes);
  if (result === null) {
    // An exception Kafka's authenticator does not expect (e.g. an OAUTHBEARER token whose header has no `alg`): closed without an answer.
    ctx.log.info({ mechanism: sasl.mechanism, reason: sasl.failure?.message, reauthentication: reauth }, 'closing connection: unexpected error during SASL authentication');
    session.connection.close('SASL authentication failed');
    return null;
  }
  if (result.errorCode !== ErrorCode.NONE) {
    ctx.log.info({ mechanism: sasl.mechanism, reason: result.errorMessage, detail: sasl.failure?.message, reauthentication: reauth }, 'closing connection: SASL authentication failed');
    session.connection.closeAfterResponses('SASL authentication failed');
  } else if (session.authenticated) {
    ctx.log.debug({ principal: session.principal, mechanism: sasl.mechanism, reauthentication: reauth }, 'SASL authentication complete');
  }
  return result;
});
