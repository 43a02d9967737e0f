// Runs the Python client drivers of test/compat/python/ (confluent-kafka, kafka-python) with a timeout.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Debian's python3-confluent-kafka and python3-kafka import only under the system interpreter (not a pyenv python3 on PATH). */
export const PYTHON_BIN = process.env.PYTHON_BIN ?? '/usr/bin/python3';
export const PYTHON_DRIVERS = join(dirname(fileURLToPath(import.meta.url)), '..', 'compat', 'python');

/** Whether `import <module>` works under PYTHON_BIN. */
export function pythonModuleAvailable(module: string): boolean {
  try {
    const r = spawnSync(PYTHON_BIN, ['-c', `import ${module}`], { timeout: 15_000, encoding: 'utf8' });
    return r.error === undefined && r.status === 0;
  } catch {
    return false;
  }
}

export interface PythonOptions {
  /** Killed (SIGKILL) after this long; defaults to 45 s. */
  timeoutMs?: number;
}

/**
 * Runs `PYTHON_BIN test/compat/python/<driver> <op> <json args>` and resolves with the JSON it printed.
 * Rejects, with the driver's stderr, when it exits non-zero, prints no JSON or runs past the timeout.
 */
export function runPython<T = any>(driver: string, op: string, args: Record<string, unknown>, opts: PythonOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 45_000;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON_BIN, [join(PYTHON_DRIVERS, driver), op, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const ms = Math.round(performance.now() - t0);
      const fail = (why: string): void =>
        reject(new Error(`${driver} ${op} ${why} after ${ms} ms\n--- stderr ---\n${stderr.slice(-8000)}\n--- stdout ---\n${stdout.slice(0, 2000)}`));
      if (timedOut) return fail(`timed out (${timeoutMs} ms)`);
      if (code !== 0) return fail(`exited ${code ?? signal}`);
      try {
        resolve(JSON.parse(stdout) as T);
      } catch {
        fail('printed no JSON');
      }
    });
  });
}
