// Runs the built CLI (`node dist/cli.js`) as a child process, for tests that need a
// real process boundary: kill -9, SIGTERM exit codes, restarts on the same data dir.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(ROOT, 'dist', 'cli.js');

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedBroker {
  readonly port: number;
  readonly pid: number;
  /** `host:port` from the ready line. */
  readonly bootstrap: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  /** Everything written to stderr so far (logs), for failure messages. */
  stderr(): string;
  /** Everything written to stdout so far (the ready line and nothing else, by contract). */
  stdout(): string;
  /** Sends `signal` (default SIGKILL) and resolves with the exit info; a no-op if already exited. */
  kill(signal?: NodeJS.Signals): Promise<ExitInfo>;
}

export interface SpawnOptions {
  dataDir: string;
  /** Extra CLI flags. */
  args?: string[];
  /** Default 'warn'. */
  logLevel?: string;
  readyTimeoutMs?: number;
}

/** Every child this module started and that has not exited; killed when the test process exits. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) {
      try {
        c.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

function newestMtime(dir: string, filter: (name: string) => boolean): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p, filter));
    else if (filter(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Builds dist/ with `tsc -p .` when dist/cli.js is missing or older than any file
 * in src/ (or tsconfig.json). Type errors elsewhere in a work-in-progress tree do
 * not stop tsc from emitting, so a build that exits non-zero but leaves a fresh
 * dist/cli.js is accepted (its output is attached to a warning); no dist/cli.js
 * at all is an error.
 */
export function ensureBuilt(): void {
  if (isFresh()) return;
  // Test files run in parallel workers: one builds, the others wait and re-check.
  withBuildLock(() => {
    if (!isFresh()) build();
  });
}

function isFresh(): boolean {
  const srcNewest = Math.max(
    newestMtime(join(ROOT, 'src'), (n) => n.endsWith('.ts')),
    statSync(join(ROOT, 'tsconfig.json')).mtimeMs,
  );
  return existsSync(CLI) && statSync(CLI).mtimeMs >= srcNewest;
}

export function withBuildLock(fn: () => void): void {
  const lock = join(tmpdir(), `kafkalite-build-${createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        // A lock older than any build could take was left by a killed process.
        if (Date.now() - statSync(lock).mtimeMs > 150_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // raced with its owner removing it
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function build(): void {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', ROOT], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (!existsSync(CLI) || statSync(CLI).mtimeMs < t0 - 1000) {
    throw new Error(`building dist/ failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  if (r.status !== 0) {
    console.warn(`[spawn-broker] tsc exited ${r.status} but emitted dist/; continuing.\n${r.stdout.slice(0, 2000)}`);
  }
}

/**
 * Starts `node dist/cli.js --port 0 --data-dir <dir> --log-level <lvl> ...args` and
 * resolves once the ready line (`kafkalite ready on host:port`) is printed.
 * Rejects (after killing the child) if it exits first or the line does not come in time.
 */
export function spawnBroker(opts: SpawnOptions): Promise<SpawnedBroker> {
  installExitHook();
  const args = [CLI, '--port', '0', '--data-dir', opts.dataDir, '--log-level', opts.logLevel ?? 'warn', ...(opts.args ?? [])];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    // Keep the tail only: a chatty broker must not grow the test's memory.
    err = (err + d).slice(-200_000);
  });
  const exited = new Promise<ExitInfo>((resolveExit) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolveExit({ code, signal });
    });
  });
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitInfo> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };

  return new Promise<SpawnedBroker>((resolveReady, rejectReady) => {
    const timeoutMs = opts.readyTimeoutMs ?? 15_000;
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void kill('SIGKILL').then(() => rejectReady(new Error(`${why}\n--- stdout ---\n${out}\n--- stderr ---\n${err.slice(-4000)}`)));
    };
    const timer = setTimeout(() => fail(`broker not ready after ${timeoutMs} ms`), timeoutMs);
    child.once('error', (e) => fail(`spawn failed: ${e.message}`));
    void exited.then((e) => fail(`broker exited before ready (code ${e.code}, signal ${e.signal})`));
    child.stdout!.on('data', (d: string) => {
      out += d;
      if (settled) return;
      const m = /^kafkalite ready on (.+):(\d+)\r?\n/m.exec(out);
      if (!m) return;
      settled = true;
      clearTimeout(timer);
      const port = Number(m[2]);
      resolveReady({
        port,
        pid: child.pid!,
        bootstrap: `${m[1]}:${port}`,
        child,
        exited,
        stderr: () => err,
        stdout: () => out,
        kill,
      });
    });
  });
}
