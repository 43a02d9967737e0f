/**
 * TLS for the SSL and SASL_SSL listeners: a node:tls server context from PEM
 * files, optional client certificates (mTLS, `ssl.client.auth`), and the
 * principal Kafka's DefaultKafkaPrincipalBuilder gives a client certificate:
 * `User:` + the subject's distinguished name in RFC 2253 form
 * (`User:CN=alice,OU=dev,O=Example`), or `User:ANONYMOUS` without one.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import type { TlsOptions, TLSSocket } from 'node:tls';

export type ClientAuth = 'required' | 'requested' | 'none';

export const ANONYMOUS = 'User:ANONYMOUS';

export interface TlsFiles {
  /** PEM private key (may also hold the certificate). */
  keyFile: string;
  /** PEM certificate chain (server certificate first). */
  certFile: string;
  /** PEM CA bundle that client certificates must chain to (mTLS). */
  caFile?: string;
  /** Passphrase of an encrypted key. */
  keyPassword?: string;
  clientAuth?: ClientAuth;
  /** How long a TLS handshake may take before the socket is dropped (default 10 s). */
  handshakeTimeoutMs?: number;
}

export const DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read TLS ${what} ${file}: ${(err as Error).message}`);
  }
}

export function parseClientAuth(v: string | undefined): ClientAuth {
  const s = (v ?? 'none').trim().toLowerCase();
  if (s === 'required' || s === 'requested' || s === 'none') return s;
  throw new Error(`Invalid value ${v} for configuration ssl.client.auth: String must be one of: required, requested, none`);
}

/**
 * Server options for node:tls. `withClientAuth` is false for SASL_SSL
 * listeners: Kafka applies `ssl.client.auth` to SSL listeners only (SASL
 * authenticates those clients).
 */
export function tlsServerOptions(files: TlsFiles, withClientAuth: boolean): TlsOptions {
  const key = readPem(files.keyFile, 'key');
  const cert = readPem(files.certFile, 'certificate');
  const clientAuth = withClientAuth ? (files.clientAuth ?? 'none') : 'none';
  if (clientAuth !== 'none' && !files.caFile) throw new Error(`ssl.client.auth=${clientAuth} needs a CA to verify client certificates (--ssl-ca)`);
  const opts: TlsOptions = {
    key,
    cert,
    ...(files.keyPassword !== undefined ? { passphrase: files.keyPassword } : {}),
    ...(files.caFile ? { ca: readPem(files.caFile, 'CA bundle') } : {}),
    requestCert: clientAuth !== 'none',
    // "requested": a client without a certificate is let in (as ANONYMOUS); one with an invalid certificate is not (checked on connect).
    rejectUnauthorized: clientAuth === 'required',
    handshakeTimeout: files.handshakeTimeoutMs ?? DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS,
    minVersion: 'TLSv1.2',
  };
  return opts;
}

/**
 * The principal of a TLS client: its certificate's subject, or ANONYMOUS.
 * Returns null when the client presented a certificate that does not verify
 * (with `requested`, which must then be refused).
 */
export function tlsPrincipal(socket: TLSSocket): string | null {
  const raw = socket.getPeerX509Certificate?.();
  if (!raw) return ANONYMOUS;
  if (!socket.authorized) return null;
  return `User:${rfc2253(raw)}`;
}

/** X500Principal.getName() (RFC 2253): RDNs most specific first, comma-separated, special characters escaped. */
export function rfc2253(cert: X509Certificate | string): string {
  const subject = typeof cert === 'string' ? cert : cert.subject;
  const rdns = subject.split('\n').filter((l) => l !== '');
  return rdns
    .reverse()
    .map((rdn) => {
      const i = rdn.indexOf('=');
      return `${rdn.slice(0, i)}=${escapeDnValue(rdn.slice(i + 1))}`;
    })
    .join(',');
}

function escapeDnValue(v: string): string {
  let out = v.replace(/([,+"\\<>;])/g, '\\$1');
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}
