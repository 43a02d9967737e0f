/**
 * Self-signed development certificates (`kafkalite gen-cert`): a CA, a server
 * certificate for localhost/127.0.0.1/::1 (plus any extra host names), and
 * optionally client certificates for mTLS, all as PEM files. node:crypto
 * cannot create X.509 certificates, so this runs the `openssl` command.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

export interface DevCertOptions {
  /** Output directory (created). */
  dir: string;
  /** Extra server host names or IP addresses (localhost, 127.0.0.1 and ::1 are always in). */
  hosts?: string[];
  /** Common names of client certificates to create (`client-<cn>.pem` / `.key`), e.g. `['alice']`. */
  clients?: string[];
  /** Validity in days (default 825). */
  days?: number;
  /** The openssl binary (default `openssl` on PATH). */
  openssl?: string;
}

export interface DevCertFiles {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  /** Client CN → its certificate and key files. */
  clients: Record<string, { cert: string; key: string }>;
}

export function generateDevCertificates(opts: DevCertOptions): DevCertFiles {
  const { dir } = opts;
  const openssl = opts.openssl ?? 'openssl';
  const days = String(opts.days ?? 825);
  mkdirSync(dir, { recursive: true });
  const run = (args: string[]): void => {
    try {
      execFileSync(openssl, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const e = err as { code?: string; stderr?: Buffer };
      if (e.code === 'ENOENT') throw new Error(`'${openssl}' not found: install OpenSSL to generate certificates`);
      throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString() ?? String(err)}`);
    }
  };
  const p = (name: string): string => join(dir, name);
  const files: DevCertFiles = { caCert: p('ca.pem'), caKey: p('ca.key'), serverCert: p('server.pem'), serverKey: p('server.key'), clients: {} };

  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', days, '-subj', '/O=kafkalite/CN=kafkalite development CA', '-keyout', files.caKey, '-out', files.caCert]);

  const hosts = [...new Set(['localhost', '127.0.0.1', '::1', ...(opts.hosts ?? [])])];
  const san = hosts.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
  const sign = (name: string, subject: string, ext: string): void => {
    const csr = p(`${name}.csr`);
    const extFile = p(`${name}.ext`);
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-subj', subject, '-keyout', p(`${name}.key`), '-out', csr]);
    writeFileSync(extFile, ext);
    run(['x509', '-req', '-in', csr, '-CA', files.caCert, '-CAkey', files.caKey, '-CAcreateserial', '-days', days, '-sha256', '-extfile', extFile, '-out', p(`${name}.pem`)]);
    rmSync(csr, { force: true });
    rmSync(extFile, { force: true });
  };
  sign('server', '/O=kafkalite/CN=localhost', `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`);
  for (const cn of opts.clients ?? []) {
    const safe = cn.replace(/[^A-Za-z0-9_.-]/g, '_');
    sign(`client-${safe}`, `/O=kafkalite/CN=${cn.replace(/[/=]/g, '_')}`, 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
    files.clients[cn] = { cert: p(`client-${safe}.pem`), key: p(`client-${safe}.key`) };
  }
  rmSync(p('ca.srl'), { force: true });
  return files;
}

/** `kafkalite gen-cert [--dir d] [--host h]… [--client cn]… [--days n]`: prints what it wrote and how to use it. */
export function genCertCommand(argv: string[]): string {
  let dir = 'certs';
  const hosts: string[] = [];
  const clients: string[] = [];
  let days: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--dir') dir = next();
    else if (a === '--host') hosts.push(next());
    else if (a === '--client') clients.push(next());
    else if (a === '--days') days = Number(next());
    else if (a === '--help' || a === '-h') return 'Usage: kafkalite gen-cert [--dir certs] [--host name]… [--client cn]… [--days 825]';
    else throw new Error(`unknown gen-cert option ${a}`);
  }
  const f = generateDevCertificates({ dir, hosts, clients, ...(days !== undefined ? { days } : {}) });
  const lines = [
    `wrote ${f.caCert}, ${f.serverCert}, ${f.serverKey}${clients.length ? `, client certificates for ${clients.join(', ')}` : ''} (development only)`,
    '',
    `  kafkalite --listener SSL://127.0.0.1:9093 --ssl-key ${f.serverKey} --ssl-cert ${f.serverCert} --ssl-ca ${f.caCert}`,
    `  kcat -b 127.0.0.1:9093 -X security.protocol=SSL -X ssl.ca.location=${f.caCert} -L`,
  ];
  return lines.join('\n');
}
