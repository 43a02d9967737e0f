// Runs kcat (librdkafka's CLI) against a test broker with a timeout, capturing its output.
import { spawn, spawnSync } from 'node:child_process';

export const KCAT_BIN = process.env.KCAT_BIN ?? 'kcat';

/** Whether kcat can be started here (tests skip with a message when it cannot). */
export const kcatAvailable: boolean = (() => {
  try {
    const r = spawnSync(KCAT_BIN, ['-V'], { timeout: 5000, encoding: 'utf8' });
    return r.error === undefined && r.status === 0;
  } catch {
    return false;
  }
})();

export interface KcatResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when kcat was killed because it ran past `timeoutMs`. */
  timedOut: boolean;
  ms: number;
}

export interface KcatOptions {
  /** Written to kcat's stdin, which is then closed (producer mode). */
  input?: string | Buffer;
  /** Killed (SIGKILL) after this long; defaults to 15 s. */
  timeoutMs?: number;
}

/**
 * Runs `kcat -b <bootstrap> ...args` and resolves with its exit status and
 * output. Never rejects for a non-zero exit; callers assert on `code`.
 */
export function runKcat(bootstrap: string, args: string[], opts: KcatOptions = {}): Promise<KcatResult> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(KCAT_BIN, ['-b', bootstrap, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 15_000);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        ms: performance.now() - t0,
      });
    });
    child.stdin.on('error', () => {});
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** Like runKcat, but throws (with kcat's stderr) unless kcat exited 0 in time. */
export async function kcat(bootstrap: string, args: string[], opts: KcatOptions = {}): Promise<KcatResult> {
  const r = await runKcat(bootstrap, args, opts);
  if (r.timedOut || r.code !== 0) {
    throw new Error(`kcat ${args.join(' ')} ${r.timedOut ? 'timed out' : `exited ${r.code ?? r.signal}`}\nstderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 2000)}`);
  }
  return r;
}
