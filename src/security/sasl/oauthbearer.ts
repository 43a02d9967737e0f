/**
 * SASL/OAUTHBEARER (RFC 7628, KIP-255, extensions KIP-342) as an Apache Kafka
 * broker speaks it out of the box: Kafka's OAuthBearerSaslServer with its
 * default server callback handler, OAuthBearerUnsecuredValidatorCallbackHandler,
 * which accepts *unsecured* JWTs (`alg` `none`, no signature) — for development
 * and tests, never for production.
 *
 * The exchange:
 *
 *   client: n,[a=<authzid>],\x01auth=Bearer <token>\x01[key=value\x01]*\x01
 *   server: ""                                   → authenticated as User:<principal claim>
 *        or {"status":"invalid_token"}            (RFC 7628 error; Kafka's exact JSON)
 *   client: \x01                                 → SASL_AUTHENTICATION_FAILED with that JSON
 *
 * Token checks, in Kafka's order (OAuthBearerUnsecuredJws, OAuthBearerValidationUtils):
 * three dot-separated parts without `..`; header and claims Base64-decoded
 * (Kafka uses Java's *basic* decoder, so `-` and `_` are refused: KAFKA-17089
 * fixed only the client-side validator) and parsed as JSON; `alg` must be
 * `none` and the signature empty; `exp` required (a number); the principal
 * claim (`unsecuredValidatorPrincipalClaimName`, default `sub`) a non-blank
 * string; `iat` optional but not after now + skew; now - skew before `exp`;
 * `exp` after `iat`; every `unsecuredValidatorRequiredScope` item in the scope
 * claim (`unsecuredValidatorScopeClaimName`, default `scope`; a string is one
 * item, a list several) — else `insufficient_scope` with the required scope.
 * Extensions are accepted and ignored, as the unsecured handler validates
 * every one.
 *
 * Failures the way Kafka produces them: a malformed client message is a
 * SaslException (the client gets only "Authentication failed during
 * authentication due to invalid credentials with SASL mechanism OAUTHBEARER");
 * an authzid other than the principal a SaslAuthenticationException with
 * Kafka's message; a header without `alg` or a scheme other than Bearer throw
 * unexpected exceptions in Kafka (a NullPointerException, an
 * IllegalArgumentException), and the broker then closes the connection without
 * an answer.
 */
import { SaslAuthenticationError, type SaslServer } from './scram.js';

export const OAUTHBEARER = 'OAUTHBEARER';
/** Kafka's default (and the only) server callback handler kafkalite implements. */
export const UNSECURED_VALIDATOR_CALLBACK_HANDLER = 'org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredValidatorCallbackHandler';

/** Kafka's javax.security.sasl.SaslException: the client only gets the generic "invalid credentials" message; this one is logged. */
export class SaslException extends Error {
  override readonly name = 'SaslException';
}

/** An exception Kafka does not expect during the exchange: the broker closes the connection without answering. */
export class SaslUnexpectedError extends Error {
  override readonly name = 'SaslUnexpectedError';
}

// ---- options (the JAAS entry of the listener's OAUTHBEARER config) ----

/** The options of OAuthBearerUnsecuredValidatorCallbackHandler, with Kafka's defaults applied. */
export interface UnsecuredValidatorOptions {
  principalClaimName: string;
  scopeClaimName: string;
  requiredScope: readonly string[];
  allowableClockSkewMs: number;
}

export const DEFAULT_UNSECURED_VALIDATOR_OPTIONS: UnsecuredValidatorOptions = Object.freeze({
  principalClaimName: 'sub',
  scopeClaimName: 'scope',
  requiredScope: Object.freeze([]) as readonly string[],
  allowableClockSkewMs: 0,
});

/** Java's String.trim(): strips characters up to U+0020 at both ends. */
export function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 32) a++;
  while (b > a && s.charCodeAt(b - 1) <= 32) b--;
  return s.slice(a, b);
}

const isBlank = (s: string | null | undefined): boolean => s === null || s === undefined || javaTrim(s) === '';

/** RFC 6749 scope-token characters (Kafka's OAuthBearerScopeUtils). */
const SCOPE_ITEM = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * The validator options from JAAS options (`unsecuredValidatorPrincipalClaimName`,
 * `unsecuredValidatorScopeClaimName`, `unsecuredValidatorRequiredScope`,
 * `unsecuredValidatorAllowableClockSkewMs`); other options (`unsecuredLogin*`, …)
 * are ignored, as Kafka's validator ignores them. Invalid values throw (Kafka
 * fails each authentication with them; kafkalite refuses to start).
 */
export function unsecuredValidatorOptions(options: ReadonlyMap<string, string>): UnsecuredValidatorOptions {
  const opt = (k: string): string | undefined => options.get(`unsecuredValidator${k}`);
  const principal = opt('PrincipalClaimName');
  const scopeName = opt('ScopeClaimName');
  const required = opt('RequiredScope');
  const skew = opt('AllowableClockSkewMs');
  const requiredScope: string[] = [];
  if (!isBlank(required)) {
    for (const item of javaTrim(required!).split(' ')) {
      if (item === '') continue;
      if (!SCOPE_ITEM.test(item)) throw new Error(`Invalid scope value: ${item}`);
      requiredScope.push(item);
    }
  }
  let allowableClockSkewMs = 0;
  if (!isBlank(skew)) {
    const t = javaTrim(skew!);
    // Integer.parseInt: an optional sign and decimal digits, within int32.
    if (!/^[+-]?\d+$/.test(t) || Number(t) > 2147483647 || Number(t) < -2147483648) throw new Error(`For input string: "${t}"`);
    allowableClockSkewMs = Number(t);
    if (allowableClockSkewMs < 0) throw new Error(`Allowable clock skew millis must not be negative: ${skew}`);
  }
  return {
    principalClaimName: isBlank(principal) ? 'sub' : javaTrim(principal!),
    scopeClaimName: isBlank(scopeName) ? 'scope' : javaTrim(scopeName!),
    requiredScope,
    allowableClockSkewMs,
  };
}

// ---- the client's first message (Kafka's OAuthBearerClientInitialResponse) ----

export interface ClientInitialResponse {
  /** The GS2 authzid as sent (Kafka does not decode =2C/=3D); '' when absent. */
  authorizationId: string;
  tokenValue: string;
  /** KIP-342 extensions: the key/value pairs other than `auth`. */
  extensions: ReadonlyMap<string, string>;
}

const SASLNAME = '(?:[\\x01-\\x2B\\x2D-\\x3C\\x3E-\\x7F]|=2C|=3D)+';
const KVPAIR = '[A-Za-z]+=[\\x21-\\x7E \\t\\r\\n]+\\x01';
const CLIENT_INITIAL_RESPONSE = new RegExp(`^n,(?:a=(${SASLNAME}))?,\\x01((?:${KVPAIR})*)\\x01$`);
/** RFC 6750 b64token (Kafka ≥ 3.7, KAFKA-15878). */
const AUTH = /^(\w+) +([-_~+/.a-zA-Z0-9]+=*)$/;

/** Parses the client's first message; throws SaslException (or SaslUnexpectedError) as Kafka does. */
export function parseClientInitialResponse(response: Buffer): ClientInitialResponse {
  const m = CLIENT_INITIAL_RESPONSE.exec(response.toString('utf8'));
  if (!m) throw new SaslException('Invalid OAUTHBEARER client first message');
  const properties = new Map<string, string>();
  for (const pair of m[2]!.split('\x01')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    properties.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const auth = properties.get('auth');
  if (auth === undefined) throw new SaslException("Invalid OAUTHBEARER client first message: 'auth' not specified");
  properties.delete('auth');
  const a = AUTH.exec(auth);
  if (!a) throw new SaslException("Invalid OAUTHBEARER client first message: invalid 'auth' format");
  // Kafka formats this error with a group its pattern does not have: an IllegalArgumentException instead of the SaslException.
  if (a[1]!.toLowerCase() !== 'bearer') throw new SaslUnexpectedError(`Invalid scheme in OAUTHBEARER client first message: ${a[1]!} (No group with name <scheme>)`);
  return { authorizationId: m[1] ?? '', tokenValue: a[2]!, extensions: properties };
}

/** The client's first message (Kafka's OAuthBearerClientInitialResponse.toBytes()). */
export function clientInitialResponse(token: string, opts: { authorizationId?: string; extensions?: Readonly<Record<string, string>> } = {}): Buffer {
  const ext = Object.entries(opts.extensions ?? {})
    .map(([k, v]) => `\x01${k}=${v}`)
    .join('');
  return Buffer.from(`n,${opts.authorizationId ? `a=${opts.authorizationId}` : ''},\x01auth=Bearer ${token}${ext}\x01\x01`, 'utf8');
}

// ---- unsecured JWS (Kafka's OAuthBearerUnsecuredJws) ----

/** A claim value as Kafka's Jackson conversion leaves it: a string, a number, or a list of strings. */
export type ClaimValue = string | number | string[];

/** An OAuth validation failure (Kafka's OAuthBearerIllegalTokenException with its OAuthBearerValidationResult). */
export class IllegalTokenError extends Error {
  override readonly name = 'IllegalTokenError';
  constructor(
    description: string,
    /** The scope the client lacked (insufficient_scope), as Java prints a List: `[a, b]`. */
    readonly failureScope: string | null = null,
  ) {
    super(description);
  }
}

/** Java's basic Base64 decoder (java.util.Base64.getDecoder()): standard alphabet, padding optional but correct when present. */
export function javaBase64Decode(s: string): Buffer {
  const m = /^([A-Za-z0-9+/]*)(=*)$/.exec(s);
  if (!m) throw new IllegalTokenError('malformed Base64 URL encoded value');
  const rem = m[1]!.length % 4;
  const pad = m[2]!;
  if (rem === 1 || (pad !== '' && !((rem === 2 && pad === '==') || (rem === 3 && pad === '=')))) throw new IllegalTokenError('malformed Base64 URL encoded value');
  return Buffer.from(m[1]!, 'base64');
}

/** Jackson's asText() of a JSON value (objects and arrays: ''). */
function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  return '';
}

/** Java's simple class name of a converted claim (for the log messages). */
function javaType(v: ClaimValue): string {
  if (typeof v === 'string') return 'String';
  if (Array.isArray(v)) return 'ArrayList';
  return Number.isInteger(v) ? (Math.abs(v) <= 2147483647 ? 'Integer' : 'Long') : 'Double';
}

/** Base64 → JSON → member map, as OAuthBearerUnsecuredJws.toMap: non-object JSON (and empty input) gives no members. */
export function jwsPartToMap(split: string): Map<string, ClaimValue> {
  const bytes = javaBase64Decode(split);
  const text = bytes.toString('utf8');
  const out = new Map<string, ClaimValue>();
  if (javaTrim(text) === '') return out; // Jackson: MissingNode
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new IllegalTokenError('malformed JSON');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return out;
  for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
    out.set(k, Array.isArray(v) ? v.map(asText) : typeof v === 'number' ? v : asText(v));
  }
  return out;
}

export interface UnsecuredJws {
  header: ReadonlyMap<string, ClaimValue>;
  claims: ReadonlyMap<string, ClaimValue>;
  principalName: string;
  /** `exp` in ms since the epoch (Kafka's lifetimeMs: Math.round(exp * 1000)). */
  lifetimeMs: number;
  /** `iat` in ms, or null. */
  startTimeMs: number | null;
  scope: ReadonlySet<string>;
}

function claimOf<T extends 'String' | 'Number' | 'List'>(claims: ReadonlyMap<string, ClaimValue>, name: string, type: T): (T extends 'String' ? string : T extends 'Number' ? number : string[]) | null {
  const v = claims.get(name);
  if (v === undefined) return null;
  const ok = type === 'String' ? typeof v === 'string' : type === 'Number' ? typeof v === 'number' : Array.isArray(v);
  if (!ok) throw new IllegalTokenError(`The '${name}' claim was not of type ${type}: ${javaType(v)}`);
  return v as never;
}

/** Parses an unsecured JWS as Kafka's OAuthBearerUnsecuredJws constructor does (IllegalTokenError, or SaslUnexpectedError for a header without `alg`). */
export function parseUnsecuredJws(compact: string, principalClaimName = 'sub', scopeClaimName = 'scope'): UnsecuredJws {
  if (compact.includes('..')) throw new IllegalTokenError("Malformed compact serialization contains '..'");
  // Java's split drops trailing empty strings and Kafka adds one back for a trailing '.': with no '..', the same as JavaScript's split.
  const splits = compact.split('.');
  if (splits.length !== 3) throw new IllegalTokenError('Unsecured JWS compact serializations must have 3 dot-separated Base64URL-encoded values');
  const header = jwsPartToMap(splits[0]!);
  const claims = jwsPartToMap(splits[1]!);
  const alg = header.get('alg');
  if (alg === undefined) throw new SaslUnexpectedError('JWS header must have an Algorithm value');
  const algText = Array.isArray(alg) ? `[${alg.join(', ')}]` : String(alg);
  if (algText !== 'none') throw new IllegalTokenError("Unsecured JWS must have 'none' for an algorithm");
  if (splits[2] !== '') throw new IllegalTokenError('Unsecured JWS must not contain a digital signature');
  // calculateScope()
  let scope: Set<string>;
  const scopeClaim = claims.get(scopeClaimName);
  if (typeof scopeClaim === 'string') {
    scope = isBlank(scopeClaim) ? new Set() : new Set([javaTrim(scopeClaim)]);
  } else {
    const list = claimOf(claims, scopeClaimName, 'List');
    scope = new Set((list ?? []).filter((s) => !isBlank(s)).map(javaTrim));
  }
  const exp = claimOf(claims, 'exp', 'Number');
  if (exp === null) throw new IllegalTokenError('No expiration time in JWT');
  const principalName = claimOf(claims, principalClaimName, 'String');
  if (isBlank(principalName)) throw new IllegalTokenError(`No principal name in JWT claim: ${principalClaimName}`);
  const iat = claimOf(claims, 'iat', 'Number');
  return { header, claims, principalName: principalName!, lifetimeMs: Math.round(exp * 1000), startTimeMs: iat === null ? null : Math.round(iat * 1000), scope };
}

/** Java's %f: six decimals. */
const f6 = (n: number): string => n.toFixed(6);

/**
 * OAuthBearerUnsecuredValidatorCallbackHandler's validation of a token value:
 * the token, or the RFC 7628 error it would report. Throws SaslUnexpectedError
 * where Kafka throws an unexpected exception.
 */
export function validateUnsecuredToken(tokenValue: string, options: UnsecuredValidatorOptions, nowMs: number): { token: UnsecuredJws } | { status: 'invalid_token' | 'insufficient_scope'; scope: string | null; reason: string } {
  try {
    const jws = parseUnsecuredJws(tokenValue, options.principalClaimName, options.scopeClaimName);
    const skew = options.allowableClockSkewMs;
    // validateClaimForExistenceAndType(principal, required, String): guaranteed by the parse above.
    const iat = jws.claims.get('iat') as number | undefined;
    if (iat !== undefined && 1000 * iat > nowMs + skew) {
      throw new IllegalTokenError(`The Issued At value (${f6(iat)} seconds) was after the indicated time (${nowMs} ms) plus allowable clock skew (${skew} ms)`);
    }
    const exp = jws.claims.get('exp') as number;
    if (nowMs - skew >= 1000 * exp) {
      throw new IllegalTokenError(`The indicated time (${nowMs} ms) minus allowable clock skew (${skew} ms) was on or after the Expiration Time value (${f6(exp)} seconds)`);
    }
    if (iat !== undefined && exp <= iat) throw new IllegalTokenError(`The Expiration Time time (${f6(exp)} seconds) was not after the Issued At time (${f6(iat)} seconds)`);
    for (const item of options.requiredScope) {
      if (!jws.scope.has(item)) {
        const required = `[${options.requiredScope.join(', ')}]`;
        throw new IllegalTokenError(`The provided scope ([${[...jws.scope].join(', ')}]) was missing a required scope (${item}).  All required scope elements: ${required}`, required);
      }
    }
    return { token: jws };
  } catch (err) {
    if (!(err instanceof IllegalTokenError)) throw err;
    return { status: err.failureScope !== null ? 'insufficient_scope' : 'invalid_token', scope: err.failureScope, reason: err.message };
  }
}

/** Kafka's jsonErrorResponse (its exact spacing; the unsecured handler never sets openid-configuration). */
export function jsonErrorResponse(status: string, scope: string | null, openidConfiguration: string | null = null): string {
  let s = `{"status":"${status}"`;
  if (scope !== null) s += `, "scope":"${scope}"`;
  if (openidConfiguration !== null) s += `, "openid-configuration":"${openidConfiguration}"`;
  return `${s}}`;
}

/** An unsecured JWT (header `{"alg":"none"}`, base64url without padding, empty signature), for tests and examples. */
export function unsecuredJwt(claims: Readonly<Record<string, unknown>>, header: Readonly<Record<string, unknown>> = { alg: 'none' }): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o), 'utf8').toString('base64url');
  return `${enc(header)}.${enc(claims)}.`;
}

// ---- the SASL server (Kafka's OAuthBearerSaslServer) ----

export class OAuthBearerServer implements SaslServer {
  readonly mechanism = OAUTHBEARER;
  private token: UnsecuredJws | null = null;
  /** The error JSON sent to the client; its `\x01` answer then fails the exchange with it. */
  private errorMessage: string | null = null;
  /** Why the last token was refused (for the broker's log). */
  lastFailureReason: string | null = null;
  /** The extensions of the accepted client message (all valid for the unsecured handler). */
  extensions: ReadonlyMap<string, string> = new Map();

  constructor(
    private readonly options: UnsecuredValidatorOptions = DEFAULT_UNSECURED_VALIDATOR_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {}

  get complete(): boolean {
    return this.token !== null;
  }

  get authorizationId(): string | null {
    return this.token?.principalName ?? null;
  }

  /** When the token expires (ms since the epoch): the credential lifetime KIP-368 session lifetimes are bounded by. */
  get credentialExpiresAtMs(): number | null {
    return this.token?.lifetimeMs ?? null;
  }

  /** The accepted token's claims. */
  get claims(): ReadonlyMap<string, ClaimValue> | null {
    return this.token?.claims ?? null;
  }

  evaluate(response: Buffer): Buffer {
    if (response.length === 1 && response[0] === 0x01 && this.errorMessage !== null) throw new SaslAuthenticationError(this.errorMessage);
    this.errorMessage = null;
    const first = parseClientInitialResponse(response);
    const result = validateUnsecuredToken(first.tokenValue, this.options, this.now());
    if ('status' in result) {
      this.errorMessage = jsonErrorResponse(result.status, result.scope);
      this.lastFailureReason = result.reason;
      return Buffer.from(this.errorMessage, 'utf8');
    }
    const principal = result.token.principalName;
    if (first.authorizationId !== '' && first.authorizationId !== principal) {
      throw new SaslAuthenticationError(`Authentication failed: Client requested an authorization id (${first.authorizationId}) that is different from the token's principal name (${principal})`);
    }
    this.extensions = first.extensions;
    this.token = result.token;
    return Buffer.alloc(0);
  }
}
