/**
 * SASL/PLAIN (RFC 4616) as Kafka's PlainSaslServer: one message
 * `authzid NUL authcid NUL passwd`; the authzid, when given, must be the user
 * name. Passwords are checked against the user's salted SCRAM credential, so
 * no password is ever stored.
 */
import { SaslAuthenticationError, type SaslServer } from './scram.js';

/** Resolves to true when the password is the user's (false also for unknown users). */
export type PasswordCheck = (user: string, password: string) => Promise<boolean>;

export class PlainServer implements SaslServer {
  readonly mechanism = 'PLAIN';
  private user: string | null = null;
  private done = false;
  private used = false;

  constructor(private readonly check: PasswordCheck) {}

  get complete(): boolean {
    return this.done;
  }

  get authorizationId(): string | null {
    return this.done ? this.user : null;
  }

  async evaluate(token: Buffer): Promise<Buffer> {
    if (this.used) throw new SaslAuthenticationError('Authentication failed: unexpected SASL/PLAIN message');
    this.used = true;
    const parts = token.toString('utf8').split('\u0000');
    if (parts.length !== 3) throw new SaslAuthenticationError(`Invalid SASL/PLAIN response: expected 3 tokens, got ${parts.length}`);
    const [authzid, user, password] = parts as [string, string, string];
    if (user === '') throw new SaslAuthenticationError('Authentication failed: username not specified');
    if (password === '') throw new SaslAuthenticationError('Authentication failed: password not specified');
    if (!(await this.check(user, password))) throw new SaslAuthenticationError('Authentication failed: Invalid username or password');
    if (authzid !== '' && authzid !== user) throw new SaslAuthenticationError('Authentication failed: Client requested an authorization id that is different from username');
    this.user = user;
    this.done = true;
    return Buffer.alloc(0);
  }
}
