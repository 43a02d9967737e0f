// Builds and runs the small Go programs under test/compat/go/ that drive Go Kafka clients
// (sarama, …) against a test broker. Offline: GOPATH mode against Debian's packaged
// sources in /usr/share/gocode (golang-github-*-dev), no module proxy. The binary goes to
// a temp directory named by a hash of the sources and the Go version, so reruns reuse it.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GO_BIN = process.env.GO_BIN ?? 'go';
/** Where Debian's golang-*-dev packages put their sources (GOPATH layout). */
export const DEBIAN_GOPATH = '/usr/share/gocode';

/** `go version` output, or null when Go cannot be started here. */
export const goVersion: string | null = (() => {
  try {
    const r = spawnSync(GO_BIN, ['version'], { timeout: 10_000, encoding: 'utf8' });
    return r.error === undefined && r.status === 0 ? r.stdout.trim() : null;
  } catch {
    return null;
  }
})();

/** Whether the Go package `importPath` (e.g. github.com/Shopify/sarama) is installed in Debian's GOPATH. */
export function goPackageInstalled(importPath: string): boolean {
  return existsSync(join(DEBIAN_GOPATH, 'src', importPath));
}

function goEnv(cacheRoot: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GO111MODULE: 'off',
    GOPATH: `${DEBIAN_GOPATH}:${join(cacheRoot, 'gopath')}`,
    GOCACHE: join(cacheRoot, 'gocache'),
    GOFLAGS: '',
    GOPROXY: 'off',
  };
}

export interface GoBuild {
  bin: string;
  /** False when an earlier build of the same sources was reused. */
  built: boolean;
  ms: number;
}

/**
 * `go build` of the main package in `srcDir` (GOPATH mode) into a temp directory keyed by
 * the hash of its .go files and the Go version; reused when already there. Rejects with
 * the compiler's output when the build fails or runs past `timeoutMs`.
 */
export async function buildGoClient(srcDir: string, name: string, timeoutMs = 180_000): Promise<GoBuild> {
  const t0 = performance.now();
  const hash = createHash('sha256').update(goVersion ?? '');
  for (const f of readdirSync(srcDir).filter((f) => f.endsWith('.go')).sort()) hash.update(f).update(readFileSync(join(srcDir, f)));
  const cacheRoot = join(tmpdir(), 'kafkalite-go');
  const outDir = join(cacheRoot, `${name}-${hash.digest('hex').slice(0, 16)}`);
  const bin = join(outDir, name);
  if (existsSync(bin)) return { bin, built: false, ms: performance.now() - t0 };
  mkdirSync(outDir, { recursive: true });
  const tmpBin = `${bin}.${process.pid}.tmp`;
  const r = await runProcess(GO_BIN, ['build', '-o', tmpBin, '.'], { cwd: srcDir, env: goEnv(cacheRoot), timeoutMs });
  if (r.timedOut || r.code !== 0) {
    rmSync(tmpBin, { force: true });
    throw new Error(`go build in ${srcDir} ${r.timedOut ? `timed out after ${timeoutMs} ms` : `exited ${r.code ?? r.signal}`}\n${r.stderr}${r.stdout}`);
  }
  renameSync(tmpBin, bin); // atomic: a concurrent run sees either nothing or the whole binary
  return { bin, built: true, ms: performance.now() - t0 };
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the process was killed because it ran past `timeoutMs`. */
  timedOut: boolean;
  ms: number;
}

export interface RunOptions {
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Killed (SIGKILL) after this long. */
  timeoutMs: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs a process to completion with a timeout; never rejects for a non-zero exit. */
export function runProcess(cmd: string, args: string[], opts: RunOptions): Promise<ProcessResult> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut, ms: performance.now() - t0 });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}
