/**
 * SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677) as Kafka's
 * ScramSaslServer speaks them: gs2 header `n,,` (or `n,a=<authzid>,`, which
 * must equal the user name), no channel binding, extensions ignored.
 *
 * Only salted credentials are kept: salt, iterations, StoredKey = H(ClientKey)
 * and ServerKey, where SaltedPassword = PBKDF2(password, salt, i),
 * ClientKey = HMAC(SaltedPassword, "Client Key") and
 * ServerKey = HMAC(SaltedPassword, "Server Key"). They verify a client's proof
 * without ever knowing the password.
 */
import { createHash, createHmac, pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export type ScramMechanismName = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface ScramMechanismInfo {
  name: ScramMechanismName;
  /** Node's digest name. */
  hash: 'sha1' | 'sha256' | 'sha512';
  /** Code in Describe/AlterUserScramCredentials. */
  type: 1 | 2;
  /** Hash output size (key length of PBKDF2). */
  keyLength: number;
}

export const SCRAM_MECHANISMS: readonly ScramMechanismInfo[] = [
  { name: 'SCRAM-SHA-256', hash: 'sha256', type: 1, keyLength: 32 },
  { name: 'SCRAM-SHA-512', hash: 'sha512', type: 2, keyLength: 64 },
];

export function scramMechanism(nameOrType: string | number): ScramMechanismInfo | undefined {
  return SCRAM_MECHANISMS.find((m) => m.name === nameOrType || m.type === nameOrType);
}

/** Kafka's ScramMechanism.minIterations (both mechanisms) and ScramControlManager's MAX_ITERATIONS. */
export const MIN_ITERATIONS = 4096;
export const MAX_ITERATIONS = 16384;

/** What is stored for a user and mechanism. */
export interface ScramCredential {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
  iterations: number;
}

export function hmac(m: ScramMechanismInfo, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(m.hash, key).update(data).digest();
}

export function hash(m: ScramMechanismInfo, data: Buffer): Buffer {
  return createHash(m.hash).update(data).digest();
}

/** Hi(password, salt, i) of RFC 5802 = PBKDF2 with HMAC-H. */
export function saltedPasswordSync(m: ScramMechanismInfo, password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, m.keyLength, m.hash);
}

export function saltedPassword(m: ScramMechanismInfo, password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    pbkdf2(Buffer.from(password, 'utf8'), salt, iterations, m.keyLength, m.hash, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** The stored credential for a salted password (what AlterUserScramCredentials sends). */
export function credentialFromSaltedPassword(m: ScramMechanismInfo, salted: Buffer, salt: Buffer, iterations: number): ScramCredential {
  const clientKey = hmac(m, salted, 'Client Key');
  return { salt: Buffer.from(salt), storedKey: hash(m, clientKey), serverKey: hmac(m, salted, 'Server Key'), iterations };
}

/** A fresh credential for a password (random 32-byte salt). */
export function createCredential(m: ScramMechanismInfo, password: string, iterations = MIN_ITERATIONS): ScramCredential {
  const salt = randomBytes(32);
  return credentialFromSaltedPassword(m, saltedPasswordSync(m, password, salt, iterations), salt, iterations);
}

/** Checks a password against a stored credential (SASL/PLAIN over SCRAM credentials). */
export async function verifyPassword(m: ScramMechanismInfo, c: ScramCredential, password: string): Promise<boolean> {
  const derived = credentialFromSaltedPassword(m, await saltedPassword(m, password, c.salt, c.iterations), c.salt, c.iterations);
  return derived.storedKey.length === c.storedKey.length && timingSafeEqual(derived.storedKey, c.storedKey);
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** RFC 5802 saslname: `=2C` is `,` and `=3D` is `=`; any other `=` is malformed. */
export function decodeSaslName(s: string): string | null {
  if (/=(?!2C|3D)/.test(s)) return null;
  return s.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

export function encodeSaslName(s: string): string {
  return s.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** Thrown when the exchange fails; the message goes to the client (SaslAuthenticate's errorMessage). */
export class SaslAuthenticationError extends Error {
  override readonly name = 'SaslAuthenticationError';
}

/** A SASL server for one authentication exchange (one per handshake). */
export interface SaslServer {
  readonly mechanism: string;
  /** Evaluates the client's next token; returns the challenge/response (possibly empty). Throws SaslAuthenticationError. */
  evaluate(token: Buffer): Buffer | Promise<Buffer>;
  readonly complete: boolean;
  /** The authenticated user name, once complete. */
  readonly authorizationId: string | null;
  /**
   * When the authenticated credential expires (ms since the epoch), for mechanisms whose credentials do
   * (OAUTHBEARER: the token's `exp`); Kafka's CREDENTIAL_LIFETIME_MS negotiated property. KIP-368 session
   * lifetimes end there at the latest.
   */
  readonly credentialExpiresAtMs?: number | null;
}

// Kafka's ScramMessages patterns (printable: %x21-2B / %x2D-7E, i.e. no comma).
const PRINTABLE = '[\\x21-\\x2B\\x2D-\\x7E]+';
const SASLNAME = '(?:[\\x01-\\x2B\\x2D-\\x3C\\x3E-\\x7F]|=2C|=3D)+';
const VALUE = '[\\x01-\\x2B\\x2D-\\x7F]+';
const BASE64 = '(?:[a-zA-Z0-9/+]{4})*(?:[a-zA-Z0-9/+]{3}=|[a-zA-Z0-9/+]{2}==)?';
const EXTENSIONS = `(?:,[a-zA-Z]+=${VALUE})*`;
const CLIENT_FIRST = new RegExp(`^n,(?:a=(${SASLNAME}))?,((?:m=${VALUE},)?n=(${SASLNAME}),r=(${PRINTABLE})${EXTENSIONS})$`);
const CLIENT_FINAL = new RegExp(`^(c=(${BASE64}),r=(${PRINTABLE})${EXTENSIONS}),p=(${BASE64})$`);

/** Looks a user's credential up (null: no such user or no credential for the mechanism). */
export type ScramCredentialLookup = (user: string, mechanism: ScramMechanismInfo) => ScramCredential | null;

export class ScramServer implements SaslServer {
  private state: 'first' | 'final' | 'complete' | 'failed' = 'first';
  private user: string | null = null;
  private credential: ScramCredential | null = null;
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';

  constructor(
    private readonly m: ScramMechanismInfo,
    private readonly lookup: ScramCredentialLookup,
    opts: {
      /**
       * Require the client-final nonce to equal the server's (RFC 5802; Kafka 4.x). By default it
       * must end with it, as Kafka 3.8.1–3.9 check (CVE-2024-56128): librdkafka before 2.6.1
       * sends the client nonce twice (`r=<c-nonce><c-nonce><s-nonce>`).
       */
      strictNonce?: boolean;
      /** For tests: the server nonce part. */
      serverNonce?: () => string;
    } = {},
  ) {
    this.strictNonce = opts.strictNonce ?? false;
    this.serverNonce = opts.serverNonce ?? (() => randomBytes(24).toString('base64url'));
  }

  private readonly strictNonce: boolean;
  private readonly serverNonce: () => string;

  get mechanism(): string {
    return this.m.name;
  }

  get complete(): boolean {
    return this.state === 'complete';
  }

  get authorizationId(): string | null {
    return this.state === 'complete' ? this.user : null;
  }

  evaluate(token: Buffer): Buffer {
    try {
      if (this.state === 'first') return this.first(token.toString('utf8'));
      if (this.state === 'final') return this.final(token.toString('utf8'));
      throw new SaslAuthenticationError(`Unexpected challenge in Sasl server state ${this.state.toUpperCase()}`);
    } catch (err) {
      this.state = 'failed';
      this.credential = null;
      throw err;
    }
  }

  private first(msg: string): Buffer {
    const m = CLIENT_FIRST.exec(msg);
    if (!m) throw new SaslAuthenticationError(this.invalidCredentials());
    const authzid = m[1] !== undefined ? decodeSaslName(m[1]) : '';
    const user = decodeSaslName(m[3]!);
    if (user === null || authzid === null) throw new SaslAuthenticationError(this.invalidCredentials());
    const credential = this.lookup(user, this.m);
    if (credential === null || credential.iterations < MIN_ITERATIONS) throw new SaslAuthenticationError(this.invalidCredentials());
    if (authzid !== '' && authzid !== user) throw new SaslAuthenticationError('Authentication failed: Client requested an authorization id that is different from username');
    this.user = user;
    this.credential = credential;
    this.clientFirstBare = m[2]!;
    this.nonce = m[4]! + this.serverNonce();
    this.serverFirst = `r=${this.nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
    this.state = 'final';
    return Buffer.from(this.serverFirst, 'utf8');
  }

  private final(msg: string): Buffer {
    const m = CLIENT_FINAL.exec(msg);
    if (!m) throw new SaslAuthenticationError(this.invalidCredentials());
    const [, withoutProof, , nonce, proofB64] = m;
    if (this.strictNonce ? nonce !== this.nonce : !nonce!.endsWith(this.nonce)) throw new SaslAuthenticationError(this.invalidCredentials());
    const c = this.credential!;
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof!}`;
    const clientSignature = hmac(this.m, c.storedKey, authMessage);
    const proof = Buffer.from(proofB64!, 'base64');
    if (proof.length !== clientSignature.length) throw new SaslAuthenticationError(this.invalidCredentials());
    const storedKey = hash(this.m, xor(proof, clientSignature));
    if (!timingSafeEqual(storedKey, c.storedKey)) throw new SaslAuthenticationError(this.invalidCredentials());
    const serverSignature = hmac(this.m, c.serverKey, authMessage);
    this.state = 'complete';
    this.credential = null;
    return Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8');
  }

  /** Kafka does not tell an unauthenticated client whether the user exists. */
  private invalidCredentials(): string {
    return `Authentication failed during authentication due to invalid credentials with SASL mechanism ${this.m.name}`;
  }
}

/** The client side (tests, and the broker's own checks): RFC 5802 from the client's point of view. */
export class ScramClient {
  private clientFirstBare = '';
  private serverSignature: Buffer | null = null;

  constructor(
    private readonly m: ScramMechanismInfo,
    private readonly user: string,
    private readonly password: string,
    private readonly clientNonce: string = randomBytes(24).toString('base64url'),
  ) {}

  first(): Buffer {
    this.clientFirstBare = `n=${encodeSaslName(this.user)},r=${this.clientNonce}`;
    return Buffer.from(`n,,${this.clientFirstBare}`);
  }

  final(serverFirst: Buffer): Buffer {
    const sf = serverFirst.toString('utf8');
    const m = /^r=([^,]+),s=([^,]+),i=(\d+)/.exec(sf);
    if (!m || !m[1]!.startsWith(this.clientNonce)) throw new Error(`bad server-first message: ${sf}`);
    const salted = saltedPasswordSync(this.m, this.password, Buffer.from(m[2]!, 'base64'), Number(m[3]));
    const clientKey = hmac(this.m, salted, 'Client Key');
    const withoutProof = `c=biws,r=${m[1]}`;
    const authMessage = `${this.clientFirstBare},${sf},${withoutProof}`;
    const proof = xor(clientKey, hmac(this.m, hash(this.m, clientKey), authMessage));
    this.serverSignature = hmac(this.m, hmac(this.m, salted, 'Server Key'), authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
  }

  /** Checks the server-final message (`v=<signature>`). */
  verify(serverFinal: Buffer): boolean {
    const s = serverFinal.toString('utf8');
    return this.serverSignature !== null && s === `v=${this.serverSignature.toString('base64')}`;
  }
}
