// The `kafkalite` command as `npm run build` makes it: dist/cli.js is a loader that runs the
// bundle dist/cli-bundle.cjs with its V8 code cache (scripts/bundle-cli.mjs). The bundle loads
// some things on first use rather than at start-up; each is exercised here through the
// command: gen-cert (node:child_process), TLS listeners and SCRAM (node:tls and node:crypto,
// behind proxies), gzip recompression (node:zlib), the admin HTTP server and the web console
// (node:http), topic ids (node:crypto); a simulated cluster; and --enable-source-maps, with
// which the loader require()s the bundle so that stack traces name src/ files.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslAvailable } from '../helpers/sasl.js';
import { CLI, ROOT, ensureBuilt, spawnBroker, withBuildLock } from '../helpers/spawn-broker.js';

const { Kafka, logLevel, CompressionTypes } = kafkajs;
const BUNDLE = join(ROOT, 'dist', 'cli-bundle.cjs');

const isBundled = (): boolean => existsSync(BUNDLE) && readFileSync(CLI, 'utf8').includes('cli-bundle.cjs');

/** dist/ as `npm run build` leaves it: spawn-broker's ensureBuilt() only runs tsc, which writes the unbundled CLI. */
function ensureBundled(): void {
  ensureBuilt();
  if (isBundled()) return;
  withBuildLock(() => {
    if (isBundled()) return;
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bundle-cli.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0 || !isBundled()) throw new Error(`bundling the CLI failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

describe('the bundled CLI (dist/cli.js)', () => {
  let dir: string;

  beforeAll(() => {
    ensureBundled();
    dir = mkdtempSync(join(tmpdir(), 'kafkalite-cli-bundle-'));
  }, 180_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('comes with a code cache that this Node accepts, made from this very bundle', () => {
    // What the loader does (scripts/cli-loader.mjs), in a child process started as the CLI is (same
    // environment, so the same V8 flags): the cache starts with the bundle's build id, then V8's data.
    const check = `
      const { readFileSync } = require('node:fs');
      const { Script } = require('node:vm');
      const file = ${JSON.stringify(BUNDLE)};
      const source = readFileSync(file, 'latin1');
      const buildId = source.slice(0, source.indexOf('\\n')).split(' ').pop();
      const cache = readFileSync(file + '.cache');
      const header = cache.subarray(0, buildId.length + 1).toString('latin1');
      const script = new Script('(function (exports, require, module, __filename, __dirname) {' + source + '\\n})', { filename: file, cachedData: cache.subarray(buildId.length + 1) });
      process.stdout.write(JSON.stringify({ firstLine: source.slice(0, source.indexOf('\\n')), header, buildId, rejected: script.cachedDataRejected }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=commonjs', '-e', check], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { firstLine: string; header: string; buildId: string; rejected: boolean };
    expect(out.firstLine).toMatch(/^\/\/ kafkalite CLI bundle [0-9a-f]{32}$/);
    expect(out.header).toBe(`${out.buildId}\n`);
    expect(out.rejected).toBe(false);
    expect(existsSync(`${BUNDLE}.map`)).toBe(true);
  });

  it('prints its version and usage', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' }).stdout).toBe(`${pkg.version}\n`);
    const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--in-memory');
    const bad = spawnSync(process.execPath, [CLI, '--no-such-flag'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--no-such-flag'");
  });

  it.skipIf(!opensslAvailable)(
    'gen-cert, then TLS with SCRAM, gzip recompression, the admin API and the web console',
    { timeout: 60_000 },
    async () => {
      const certs = join(dir, 'certs');
      const gen = spawnSync(process.execPath, [CLI, 'gen-cert', '--dir', certs, '--client', 'alice'], { encoding: 'utf8', timeout: 30_000 });
      expect(gen.status, gen.stderr).toBe(0);
      expect(gen.stdout).toContain('development only');
      for (const f of ['ca.pem', 'server.pem', 'server.key', 'client-alice.pem', 'client-alice.key']) expect(existsSync(join(certs, f)), f).toBe(true);

      const [saslPort, adminPort] = [await freePort(), await freePort()];
      const child = await spawnBroker({
        dataDir: join(dir, 'data'),
        args: [
          '--listener', 'PLAINTEXT://127.0.0.1:0',
          '--listener', `SASL_SSL://127.0.0.1:${saslPort}`,
          '--ssl-key', join(certs, 'server.key'),
          '--ssl-cert', join(certs, 'server.pem'),
          '--sasl-user', 'alice:alice-secret',
          '--admin-port', String(adminPort),
        ],
      });
      try {
        const kafka = new Kafka({
          clientId: 'cli-bundle-test',
          brokers: [`127.0.0.1:${saslPort}`],
          ssl: { ca: [readFileSync(join(certs, 'ca.pem'))], servername: 'localhost' },
          sasl: { mechanism: 'scram-sha-256', username: 'alice', password: 'alice-secret' },
          logLevel: logLevel.NOTHING,
          retry: { retries: 2 },
        });
        const admin = kafka.admin();
        await admin.connect();
        // The broker compresses what it stores for this topic: node:zlib on first use.
        await admin.createTopics({ topics: [{ topic: 'gz', configEntries: [{ name: 'compression.type', value: 'gzip' }] }] });
        await admin.disconnect();
        const producer = kafka.producer();
        await producer.connect();
        await producer.send({ topic: 'gz', compression: CompressionTypes.None, messages: [{ key: 'k1', value: 'hello' }, { key: 'k2', value: 'world' }] });
        await producer.disconnect();
        const consumer = kafka.consumer({ groupId: 'cli-bundle', maxWaitTimeInMs: 100 });
        await consumer.connect();
        await consumer.subscribe({ topic: 'gz', fromBeginning: true });
        const seen: string[] = [];
        await new Promise<void>((resolve, reject) => {
          consumer
            .run({
              eachMessage: async ({ message }) => {
                seen.push(`${message.key}=${message.value}`);
                if (seen.length === 2) resolve();
              },
            })
            .catch(reject);
        });
        await consumer.disconnect();
        expect(seen).toEqual(['k1=hello', 'k2=world']);

        const base = `http://127.0.0.1:${adminPort}`;
        expect((await fetch(`${base}/ready`)).status).toBe(200);
        const page = await fetch(`${base}/console`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<script type="module" src="/console/app.js"></script>');
        const app = await (await fetch(`${base}/console/app.js`)).text();
        expect(app).toContain("'\\u2013'");
        expect(await child.kill('SIGTERM')).toEqual({ code: 0, signal: null });
      } finally {
        await child.kill();
      }
    },
  );

  it('starts a simulated cluster of three brokers', async () => {
    const child = await spawnBroker({ dataDir: join(dir, 'cluster'), args: ['--brokers', '3', '--in-memory'] });
    try {
      const addresses = child.stdout().trim().replace('kafkalite ready on ', '').split(',');
      expect(addresses).toHaveLength(3);
      const admin = new Kafka({ brokers: [addresses[0]!], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      expect((await admin.describeCluster()).brokers).toHaveLength(3);
      await admin.disconnect();
    } finally {
      await child.kill();
    }
  });

  it('with --enable-source-maps, stack traces name the src/ files (otherwise the bundle)', () => {
    const fail = (nodeArgs: string[]) =>
      spawnSync(process.execPath, [...nodeArgs, CLI, '--in-memory', '--listener', 'SSL://127.0.0.1:0'], { encoding: 'utf8', timeout: 30_000 });
    const mapped = fail(['--enable-source-maps']);
    expect(mapped.status).toBe(1);
    expect(mapped.stderr).toContain('--ssl-key');
    expect(mapped.stderr).toMatch(/src\/security\/config\.ts:\d+/);
    const plain = fail([]);
    expect(plain.status).toBe(1);
    expect(plain.stderr).toMatch(/cli-bundle\.cjs:\d+/);
  });
});
