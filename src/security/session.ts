/**
 * Per-connection security state: listener, client address, principal and, on
 * SASL listeners, the authentication exchange of Kafka's
 * SaslServerAuthenticator:
 *
 *   handshake ──SaslHandshake v1──▶ authenticate ──SaslAuthenticate…──▶ complete
 *       │                                 ▲                                │
 *       └──SaslHandshake v0──▶ raw tokens ┘        KIP-368: SaslHandshake ─┘ (re-authentication)
 *
 * Before `complete`, only ApiVersions and SaslHandshake (then only
 * SaslAuthenticate, or raw size-prefixed SASL tokens after a v0 handshake)
 * are served; see `saslGate`. A failed authentication is answered with
 * SASL_AUTHENTICATION_FAILED and the connection is then closed. With
 * `connections.max.reauth.ms`, or a credential that expires (an OAUTHBEARER
 * token's `exp`), a session expires: the client must re-authenticate on the
 * same connection (same mechanism, same principal) before then, or the broker
 * closes the connection at its next request. The lifetime is Kafka's:
 * min(credential expiry - now, connections.max.reauth.ms), either when only
 * one is set, never negative.
 */
import type { Connection } from '../server/connection.js';
import { ErrorCode } from '../wire/error-codes.js';
import type { SecurityProtocol } from './listeners.js';
import { DEFAULT_UNSECURED_VALIDATOR_OPTIONS, OAUTHBEARER, OAuthBearerServer, SaslException, SaslUnexpectedError, type UnsecuredValidatorOptions } from './sasl/oauthbearer.js';
import { PlainServer } from './sasl/plain.js';
import { SaslAuthenticationError, scramMechanism, ScramServer, type SaslServer } from './sasl/scram.js';
import { ANONYMOUS } from './tls.js';
import type { CredentialStore } from './credentials.js';

/** Kafka's KafkaChannel.MIN_REAUTH_INTERVAL_ONE_SECOND_NANOS. */
const MIN_REAUTH_INTERVAL_MS = 1000;
/** Kafka's sasl.server.max.receive.size: the largest frame an unauthenticated client may send. */
export const SASL_MAX_RECEIVE_SIZE = 524288;

export interface SaslSettings {
  /** `sasl.enabled.mechanisms`, in the order the handshake lists them. */
  mechanisms: readonly string[];
  /** Listeners with mechanisms of their own (`listener.name.<listener>.sasl.enabled.mechanisms`). */
  listenerMechanisms?: ReadonlyMap<string, readonly string[]>;
  credentials: CredentialStore;
  /** `connections.max.reauth.ms` (0: sessions never expire). */
  reauthMs: number;
  /** SCRAM: the client-final nonce must equal the server's (Kafka 4.x) rather than end with it (Kafka 3.8.1–3.9, lets librdkafka < 2.6.1 in). */
  strictScramNonce?: boolean;
  /** OAUTHBEARER: the unsecured validator's options of each listener (its JAAS config); Kafka's defaults for listeners not in the map. */
  oauthBearer?: ReadonlyMap<string, UnsecuredValidatorOptions>;
}

export type SaslPhase = 'handshake' | 'authenticate' | 'raw' | 'complete' | 'bad-mechanism' | 'failed';

export interface SaslAuthenticateResult {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
  sessionLifetimeMs: bigint;
}

export class SaslExchange {
  phase: SaslPhase = 'handshake';
  mechanism: string | null = null;
  /** When the session must have been re-authenticated (Date.now() ms), or null. */
  expiresAt: number | null = null;
  /** The session lifetime reported when authentication completed (ms; 0: none). */
  sessionLifetimeMs = 0;
  /** What failed the exchange (for the broker's log; the client may have been told less). */
  failure: Error | null = null;
  private server: SaslServer | null = null;
  private reauth: { mechanism: string; principal: string } | null = null;
  private lastReauthStart = 0;

  constructor(
    private readonly session: Session,
    readonly settings: SaslSettings,
  ) {}

  get reauthenticating(): boolean {
    return this.reauth !== null;
  }

  expired(now = Date.now()): boolean {
    return this.expiresAt !== null && now > this.expiresAt;
  }

  /** SaslHandshake: picks the mechanism. The caller closes the connection after answering when `close` is set. */
  handshake(mechanism: string, version: number): { errorCode: number; mechanisms: string[]; close: boolean } {
    const mechanisms = [...(this.settings.listenerMechanisms?.get(this.session.listener) ?? this.settings.mechanisms)];
    if (this.phase === 'complete') {
      // KIP-368: only when sessions expire, and not more than once a second; otherwise KafkaApis' answer.
      const now = Date.now();
      if (this.expiresAt === null || now - this.lastReauthStart < MIN_REAUTH_INTERVAL_MS) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [], close: false };
      this.lastReauthStart = now;
      this.reauth = { mechanism: this.mechanism!, principal: this.session.principal };
    } else if (this.phase !== 'handshake') {
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [], close: true };
    }
    if (!mechanisms.includes(mechanism)) {
      this.phase = 'failed';
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms, close: true };
    }
    if (this.reauth !== null && this.reauth.mechanism !== mechanism) {
      // Kafka answers the handshake, then fails the next token (REAUTH_BAD_MECHANISM).
      this.phase = 'bad-mechanism';
      return { errorCode: ErrorCode.NONE, mechanisms, close: false };
    }
    this.server = this.createServer(mechanism);
    this.mechanism = mechanism;
    this.phase = version === 0 ? 'raw' : 'authenticate';
    return { errorCode: ErrorCode.NONE, mechanisms, close: false };
  }

  /**
   * SaslAuthenticate (phase `authenticate`). A failure result means: answer, then close; null means
   * close without an answer (Kafka's broker met an exception it did not expect).
   */
  async authenticate(token: Buffer): Promise<SaslAuthenticateResult | null> {
    const reauthentication = this.reauth !== null;
    try {
      const authBytes = await this.evaluate(token);
      return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes, sessionLifetimeMs: this.phase === 'complete' ? toInt64(this.sessionLifetimeMs) : 0n };
    } catch (err) {
      this.phase = 'failed';
      this.failure = err as Error;
      if (err instanceof SaslUnexpectedError) return null;
      return { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: this.failureMessage(err, reauthentication), authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n };
    }
  }

  /** A raw SASL token (after SaslHandshake v0): the response token, or null when authentication failed (close, no answer). */
  async rawToken(token: Buffer): Promise<Buffer | null> {
    try {
      return await this.evaluate(token);
    } catch (err) {
      this.phase = 'failed';
      this.failure = err as Error;
      return null;
    }
  }

  /** The client's error message, as Kafka's SaslServerAuthenticator words it. */
  private failureMessage(err: unknown, reauthentication: boolean): string {
    if (err instanceof SaslAuthenticationError) return err.message;
    if (err instanceof SaslException) {
      // Kafka never passes a SaslException's own message on: it could tell an unauthenticated client too much.
      return `Authentication failed during ${reauthentication ? 're-authentication' : 'authentication'} due to invalid credentials with SASL mechanism ${this.mechanism}`;
    }
    return 'Authentication failed';
  }

  private async evaluate(token: Buffer): Promise<Buffer> {
    const server = this.server!;
    const response = await server.evaluate(token);
    if (server instanceof OAuthBearerServer && !server.complete && server.lastFailureReason !== null) {
      // The RFC 7628 error goes back to the client; why, only to the log.
      this.session.connection.log.info({ mechanism: OAUTHBEARER, reason: server.lastFailureReason, error: response.toString('utf8') }, 'SASL/OAUTHBEARER token refused');
      server.lastFailureReason = null;
    }
    if (server.complete) {
      const principal = `User:${server.authorizationId!}`;
      if (this.reauth !== null && this.reauth.principal !== principal) {
        const [fromType, fromName] = splitPrincipal(this.reauth.principal);
        const [toType, toName] = splitPrincipal(principal);
        throw new SaslAuthenticationError(`Cannot change principals during re-authentication from ${fromType}.${fromName}: ${toType}.${toName}`);
      }
      this.session.principal = principal;
      if (this.reauth === null) this.session.connection.limitFrameSize(null);
      this.reauth = null;
      this.server = null;
      this.phase = 'complete';
      this.startSession(server.credentialExpiresAtMs ?? null);
    }
    return response;
  }

  /**
   * The session lifetime as Kafka's SaslServerAuthenticator computes it (calcCompletionTimesAndReturnSessionLifetimeMs):
   * from `connections.max.reauth.ms` and the credential's expiry, whichever ends first; a session ends only when one is set.
   */
  private startSession(credentialExpiresAtMs: number | null): void {
    const maxReauthMs = this.settings.reauthMs;
    if (credentialExpiresAtMs === null && maxReauthMs <= 0) {
      this.sessionLifetimeMs = 0;
      this.expiresAt = null;
      return;
    }
    const now = Date.now();
    const untilExpiry = credentialExpiresAtMs === null ? Infinity : credentialExpiresAtMs - now;
    const lifetime = Math.max(0, Math.min(untilExpiry, maxReauthMs > 0 ? maxReauthMs : Infinity));
    this.sessionLifetimeMs = lifetime;
    this.expiresAt = now + lifetime;
  }

  private createServer(mechanism: string): SaslServer {
    const creds = this.settings.credentials;
    if (mechanism === 'PLAIN') return new PlainServer((user, password) => creds.checkPassword(user, password));
    if (mechanism === OAUTHBEARER) {
      const options = this.settings.oauthBearer?.get(this.session.listener) ?? DEFAULT_UNSECURED_VALIDATOR_OPTIONS;
      return new OAuthBearerServer(options);
    }
    const m = scramMechanism(mechanism);
    if (!m) throw new Error(`no SASL server for ${mechanism}`);
    return new ScramServer(m, (user, mech) => creds.get(user, mech), { strictNonce: this.settings.strictScramNonce ?? false });
  }
}

/** A non-negative ms count as an int64 (capped at Long.MAX_VALUE, as Kafka's long arithmetic leaves a token that never expires). */
function toInt64(ms: number): bigint {
  return ms >= 9223372036854775807 ? 9223372036854775807n : BigInt(Math.floor(ms));
}

function splitPrincipal(p: string): [string, string] {
  const i = p.indexOf(':');
  return [p.slice(0, i), p.slice(i + 1)];
}

export class Session {
  /** `User:ANONYMOUS` until authenticated (SASL), or from the client certificate (SSL). */
  principal: string;
  /** The SASL exchange on SASL listeners; null elsewhere. */
  readonly sasl: SaslExchange | null;

  constructor(
    readonly listener: string,
    readonly protocol: SecurityProtocol,
    /** Client IP address, as ACL hosts name it (IPv4-mapped IPv6 addresses unwrapped). */
    readonly clientHost: string,
    readonly connection: Connection,
    sasl: SaslSettings | null,
    principal: string = ANONYMOUS,
  ) {
    this.principal = principal;
    this.sasl = sasl === null ? null : new SaslExchange(this, sasl);
    // Until authenticated, a SASL connection may only send small frames (a huge size prefix closes it at once).
    if (this.sasl !== null) connection.limitFrameSize(SASL_MAX_RECEIVE_SIZE);
  }

  get authenticated(): boolean {
    return this.sasl === null || this.sasl.phase === 'complete';
  }
}

/** `::ffff:10.0.0.1` → `10.0.0.1`. */
export function normalizeHost(address: string | undefined): string {
  if (address === undefined) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
