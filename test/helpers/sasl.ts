// Test helpers for the security features: development certificates (openssl), raw
// clients over TLS and/or authenticated with SASL, and where each listener is bound.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { generateDevCertificates, type DevCertFiles } from '../../src/security/dev-cert.js';
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

/** SaslHandshake v1 + SaslAuthenticate v2; throws with the broker's error; returns the last SaslAuthenticate response. */
export async function saslLogin(c: RawClient, login: SaslLogin, versions: { handshake?: number; authenticate?: number } = {}): Promise<any> {
  const hv = versions.handshake ?? 1;
  const av = versions.authenticate ?? 2;
  const hs = await c.request(17, hv, { mechanism: login.mechanism });
  if (hs.errorCode !== 0) throw Object.assign(new Error(`SaslHandshake error ${hs.errorCode}`), { response: hs });
  const step = async (authBytes: Buffer): Promise<any> => {
    const r = await c.request(36, av, { authBytes });
    if (r.errorCode !== 0) throw Object.assign(new Error(`SaslAuthenticate error ${r.errorCode}: ${r.errorMessage}`), { response: r });
    return r;
  };
  if (login.mechanism === 'PLAIN') return step(Buffer.from(`\u0000${login.username}\u0000${login.password}`));
  const sc = new ScramClient(scramMechanism(login.mechanism)!, login.username, login.password);
  const first = await step(sc.first());
  const final = await step(sc.final(first.authBytes));
  if (!sc.verify(final.authBytes)) throw new Error('server signature does not verify');
  return final;
}

/** Connects (TLS when `tls` is given) and authenticates. */
export async function saslClient(port: number, login: SaslLogin, tls?: ConnectionOptions): Promise<RawClient> {
  const c = tls ? await connectTls(port, tls) : await RawClient.connect(port);
  await saslLogin(c, login);
  return c;
}
