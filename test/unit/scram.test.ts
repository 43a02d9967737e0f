// SCRAM (RFC 5802 / RFC 7677): the server side against the RFCs' example exchanges,
// credentials derived from salted passwords, SASL names, and failures.
import { describe, expect, it } from 'vitest';
import {
  createCredential,
  credentialFromSaltedPassword,
  decodeSaslName,
  encodeSaslName,
  hash,
  hmac,
  saltedPasswordSync,
  SaslAuthenticationError,
  scramMechanism,
  ScramClient,
  ScramServer,
  verifyPassword,
  type ScramCredential,
  type ScramMechanismInfo,
} from '../../src/security/sasl/scram.js';
import { PlainServer } from '../../src/security/sasl/plain.js';

const SHA256 = scramMechanism('SCRAM-SHA-256')!;
const SHA512 = scramMechanism('SCRAM-SHA-512')!;
// RFC 5802's example uses SCRAM-SHA-1, which Kafka does not offer; the message structure is the same.
const SHA1: ScramMechanismInfo = { name: 'SCRAM-SHA-1' as never, hash: 'sha1', type: 1, keyLength: 20 };

function credentialFor(m: ScramMechanismInfo, password: string, saltB64: string, iterations: number): ScramCredential {
  const salt = Buffer.from(saltB64, 'base64');
  return credentialFromSaltedPassword(m, saltedPasswordSync(m, password, salt, iterations), salt, iterations);
}

/** Runs the RFC's exchange through the server with the RFC's server nonce. */
function rfcExchange(m: ScramMechanismInfo, v: { clientFirst: string; serverFirst: string; clientFinal: string; serverFinal: string; salt: string; serverNonce: string }) {
  const cred = credentialFor(m, 'pencil', v.salt, 4096);
  const server = new ScramServer(m, (user) => (user === 'user' ? cred : null), { serverNonce: () => v.serverNonce, strictNonce: true });
  const first = server.evaluate(Buffer.from(v.clientFirst));
  expect(first.toString()).toBe(v.serverFirst);
  expect(server.complete).toBe(false);
  const final = server.evaluate(Buffer.from(v.clientFinal));
  expect(final.toString()).toBe(v.serverFinal);
  expect(server.complete).toBe(true);
  expect(server.authorizationId).toBe('user');
}

describe('SCRAM server', () => {
  it('RFC 7677 test vector (SCRAM-SHA-256)', () => {
    rfcExchange(SHA256, {
      clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
      serverNonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
      salt: 'W22ZaJ0SNY7soEsUEjb6gQ==',
      serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
      clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
      serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
    });
  });

  it('RFC 5802 example exchange (SHA-1: same message structure)', () => {
    rfcExchange(SHA1, {
      clientFirst: 'n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL',
      serverNonce: '3rfcNHYJY1ZVvWVs7j',
      salt: 'QSXCR+Q6sek8bf92',
      serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
      clientFinal: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
      serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
    });
  });

  for (const m of [SHA256, SHA512]) {
    it(`${m.name}: a client with the right password authenticates and verifies the server`, () => {
      const cred = createCredential(m, 's3cret');
      expect(cred.iterations).toBeGreaterThanOrEqual(4096);
      expect(cred.storedKey.length).toBe(m.keyLength);
      const server = new ScramServer(m, (u) => (u === 'alice' ? cred : null));
      const client = new ScramClient(m, 'alice', 's3cret');
      const serverFinal = server.evaluate(client.final(server.evaluate(client.first())));
      expect(server.complete).toBe(true);
      expect(client.verify(serverFinal)).toBe(true);
    });

    it(`${m.name}: a wrong password fails with Kafka's message`, () => {
      const cred = createCredential(m, 's3cret');
      const server = new ScramServer(m, () => cred);
      const client = new ScramClient(m, 'alice', 'wrong');
      const serverFirst = server.evaluate(client.first());
      expect(() => server.evaluate(client.final(serverFirst))).toThrow(
        new SaslAuthenticationError(`Authentication failed during authentication due to invalid credentials with SASL mechanism ${m.name}`),
      );
      expect(server.complete).toBe(false);
    });
  }

  it('an unknown user fails at the first message, without saying the user does not exist', () => {
    const server = new ScramServer(SHA256, () => null);
    expect(() => server.evaluate(new ScramClient(SHA256, 'nobody', 'x').first())).toThrow(/invalid credentials with SASL mechanism SCRAM-SHA-256/);
  });

  it('refuses a tampered nonce, an authzid other than the user, malformed messages and a third message', () => {
    const cred = createCredential(SHA256, 'pw');
    const mk = () => new ScramServer(SHA256, () => cred);
    let s = mk();
    const sf = s.evaluate(Buffer.from('n,,n=alice,r=abc')).toString();
    expect(() => s.evaluate(Buffer.from(`c=biws,r=${sf.split(',')[0]!.slice(2)}x,p=AAAA`))).toThrow(SaslAuthenticationError);
    expect(() => mk().evaluate(Buffer.from('n,a=bob,n=alice,r=abc'))).toThrow(/authorization id that is different/);
    expect(() => mk().evaluate(Buffer.from('y,,n=alice,r=abc'))).toThrow(SaslAuthenticationError);
    expect(() => mk().evaluate(Buffer.from('n,,n=al=ice,r=abc'))).toThrow(SaslAuthenticationError);
    s = mk();
    const client = new ScramClient(SHA256, 'alice', 'pw');
    s.evaluate(client.final(s.evaluate(client.first())));
    expect(() => s.evaluate(Buffer.from('again'))).toThrow(/Unexpected challenge/);
  });

  it("accepts librdkafka < 2.6.1's doubled client nonce unless strict (Kafka 3.9 endsWith vs Kafka 4 equals)", () => {
    const cred = createCredential(SHA256, 'pw');
    // librdkafka's client-final: r=<c-nonce> + the server's whole r (which already starts with the c-nonce).
    const librdkafkaFinal = (serverFirst: string): Buffer => {
      const [, r, salt, i] = /^r=([^,]+),s=([^,]+),i=(\d+)$/.exec(serverFirst)!;
      const salted = saltedPasswordSync(SHA256, 'pw', Buffer.from(salt!, 'base64'), Number(i));
      const clientKey = hmac(SHA256, salted, 'Client Key');
      const withoutProof = `c=biws,r=cnonce${r}`;
      const authMessage = `n=alice,r=cnonce,${serverFirst},${withoutProof}`;
      const sig = hmac(SHA256, hash(SHA256, clientKey), authMessage);
      const proof = Buffer.from(clientKey.map((b, k) => b ^ sig[k]!));
      return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
    };
    const tolerant = new ScramServer(SHA256, () => cred);
    expect(tolerant.evaluate(librdkafkaFinal(tolerant.evaluate(Buffer.from('n,,n=alice,r=cnonce')).toString())).toString()).toMatch(/^v=/);
    const strict = new ScramServer(SHA256, () => cred, { strictNonce: true });
    expect(() => strict.evaluate(librdkafkaFinal(strict.evaluate(Buffer.from('n,,n=alice,r=cnonce')).toString()))).toThrow(SaslAuthenticationError);
    // A nonce that does not end with the server's is refused either way.
    const other = new ScramServer(SHA256, () => cred);
    other.evaluate(Buffer.from('n,,n=alice,r=cnonce'));
    expect(() => other.evaluate(Buffer.from('c=biws,r=cnonceXYZ,p=AAAA'))).toThrow(SaslAuthenticationError);
  });

  it('accepts an authzid equal to the user and ignores extensions', () => {
    const cred = createCredential(SHA256, 'pw');
    const server = new ScramServer(SHA256, () => cred);
    expect(server.evaluate(Buffer.from('n,a=alice,n=alice,r=abc,ext=1')).toString()).toMatch(/^r=abc.+,s=.+,i=4096$/);
  });

  it('keeps only salt, iterations and derived keys, which verify the password', async () => {
    const cred = createCredential(SHA512, 'pw', 8192);
    expect(Object.keys(cred).sort()).toEqual(['iterations', 'salt', 'serverKey', 'storedKey']);
    expect(JSON.stringify(cred)).not.toContain('pw');
    expect(await verifyPassword(SHA512, cred, 'pw')).toBe(true);
    expect(await verifyPassword(SHA512, cred, 'pW')).toBe(false);
  });

  it('SASL names escape = and ,', () => {
    expect(encodeSaslName('a=b,c')).toBe('a=3Db=2Cc');
    expect(decodeSaslName('a=3Db=2Cc')).toBe('a=b,c');
    expect(decodeSaslName('a=b')).toBeNull();
  });
});

describe('PLAIN server', () => {
  const check = async (u: string, p: string) => u === 'alice' && p === 'secret';
  it('authenticates authzid\\0user\\0password', async () => {
    const s = new PlainServer(check);
    expect((await s.evaluate(Buffer.from('\u0000alice\u0000secret'))).length).toBe(0);
    expect(s.complete).toBe(true);
    expect(s.authorizationId).toBe('alice');
  });
  it("fails with Kafka's messages", async () => {
    await expect(new PlainServer(check).evaluate(Buffer.from('\u0000alice\u0000nope'))).rejects.toThrow('Authentication failed: Invalid username or password');
    await expect(new PlainServer(check).evaluate(Buffer.from('alice'))).rejects.toThrow('Invalid SASL/PLAIN response: expected 3 tokens, got 1');
    await expect(new PlainServer(check).evaluate(Buffer.from('\u0000\u0000x'))).rejects.toThrow('username not specified');
    await expect(new PlainServer(check).evaluate(Buffer.from('bob\u0000alice\u0000secret'))).rejects.toThrow('authorization id that is different');
  });
});
