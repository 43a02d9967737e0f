// Test helpers for the security features: development certificates (openssl), raw
// clients over TLS and/or authenticated with SASL, and where each listener is bound.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { generateDevCertificates, type DevCertFiles } from '../../src/security/dev-cert.js';
import { clientInitialResponse, unsecuredJwt } from '../../src/security/sasl/oauthbearer.js';
import { scramMechanism, ScramClient } from '../../src/security/sasl/scram.js';
import type { BrokerHandle } from '../../src/broker.js';
import { RawClient } from './raw-client.js';

export const opensslAvailable: boolean = (() => {
  try {
    return spawnSync('openssl', ['version'], { timeout: 5000 }).status === 0;
  } catch {
    return false;
  }
})();

export function devCerts(dir: string, clients: string[] = []): DevCertFiles & { ca: Buffer } {
  const files = generateDevCertificates({ dir, clients });
  return { ...files, ca: readFileSync(files.caCert) };
}

/** The bound port of a listener by name. */
export function listenerPort(handle: BrokerHandle, name: string): number {
  const l = handle.broker.security.boundListeners.find((b) => b.name === name);
  if (!l) throw new Error(`no listener ${name}`);
  return l.boundPort;
}

/** A raw client over TLS (resolves once the handshake is done). */
export function connectTls(port: number, opts: ConnectionOptions = {}): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ...opts }, () => resolve(RawClient.over(s)));
    s.once('error', reject);
  });
}

export interface SaslLogin {
  mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  username: string;
  password: string;
}

/** SASL/OAUTHBEARER with a token (see `oauthToken`); an RFC 7628 error answer is acknowledged with \x01, as clients do. */
export interface OAuthBearerLogin {
  mechanism: 'OAUTHBEARER';
  token: string;
  authorizationId?: string;
  extensions?: Record<string, string>;
}

/** An unsecured JWT for `sub` (Kafka's unsecured validator accepts it): iat now, exp after `lifetimeMs`, plus `claims`. */
export function oauthToken(sub: string, opts: { lifetimeMs?: number; claims?: Record<string, unknown> } = {}): string {
  const now = Date.now() / 1000;
  return unsecuredJwt({ sub, iat: now, exp: now + (opts.lifetimeMs ?? 3_600_000) / 1000, ...opts.claims });
}

/** SaslHandshake v1 + SaslAuthenticate v2; throws with the broker's error; returns the last SaslAuthenticate response. */
export async function saslLogin(c: RawClient, login: SaslLogin | OAuthBearerLogin, versions: { handshake?: number; authenticate?: number } = {}): Promise<any> {
  const hv = versions.handshake ?? 1;
  const av = versions.authenticate ?? 2;
  const hs = await c.request(17, hv, { mechanism: login.mechanism });
  if (hs.errorCode !== 0) throw Object.assign(new Error(`SaslHandshake error ${hs.errorCode}`), { response: hs });
  const step = async (authBytes: Buffer): Promise<any> => {
    const r = await c.request(36, av, { authBytes });
    if (r.errorCode !== 0) throw Object.assign(new Error(`SaslAuthenticate error ${r.errorCode}: ${r.errorMessage}`), { response: r });
    return r;
  };
  if (login.mechanism === 'OAUTHBEARER') {
    const r = await step(clientInitialResponse(login.token, login));
    return r.authBytes.length > 0 ? step(Buffer.from([1])) : r;
  }
  if (login.mechanism === 'PLAIN') return step(Buffer.from(`\u0000${login.username}\u0000${login.password}`));
  const sc = new ScramClient(scramMechanism(login.mechanism)!, login.username, login.password);
  const first = await step(sc.first());
  const final = await step(sc.final(first.authBytes));
  if (!sc.verify(final.authBytes)) throw new Error('server signature does not verify');
  return final;
}

/** Connects (TLS when `tls` is given) and authenticates. */
export async function saslClient(port: number, login: SaslLogin | OAuthBearerLogin, tls?: ConnectionOptions): Promise<RawClient> {
  const c = tls ? await connectTls(port, tls) : await RawClient.connect(port);
  await saslLogin(c, login);
  return c;
}

/** After SaslHandshake v0: sends one size-prefixed raw SASL token and resolves with the raw answer (rejects when the connection closes). */
export function rawSaslToken(c: RawClient, token: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    // The raw client's own reader expects Kafka responses: take the socket over for this answer.
    const own = c.socket.listeners('data') as ((d: Buffer) => void)[];
    c.socket.removeAllListeners('data');
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        c.socket.off('data', onData);
        for (const l of own) c.socket.on('data', l);
        resolve(buf.subarray(4, 4 + buf.readInt32BE(0)));
      }
    };
    c.socket.on('data', onData);
    c.socket.once('close', () => reject(new Error('connection closed')));
    const frame = Buffer.alloc(4 + token.length);
    frame.writeInt32BE(token.length, 0);
    token.copy(frame, 4);
    c.socket.write(frame);
  });
}
