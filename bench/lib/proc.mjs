// Child processes for the benchmarks: spawn a server, learn its port from its
// ready line, poll-connect, read its RSS, stop it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

const READY = /ready on (\S+):(\d+)/;

/**
 * Spawns `node [nodeArgs] script args` and resolves once it printed its ready
 * line (`... ready on host:port`), with the port. stderr is kept (last 16 KiB)
 * for error messages.
 */
export function startServer(script, args, { nodeArgs = [], timeoutMs = 20000 } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-16384);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not get ready in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      out += d;
      const m = READY.exec(out);
      if (m && timer) {
        clearTimeout(timer);
        resolve({
          child,
          pid: child.pid,
          port: Number(m[2]),
          stderr: () => stderr,
          stop: () => stopChild(child, exited),
        });
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited early (code ${code}, signal ${signal})\n${stderr}`));
    });
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopChild(child, exited, graceMs = 10000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(t);
}

/** A port that was free a moment ago (bind 0, read, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Connects, retrying every `intervalMs` while the port refuses, until `deadline` (performance.now()). */
export async function pollConnect(port, deadline, intervalMs = 2) {
  for (;;) {
    try {
      return await new Promise((resolve, reject) => {
        const s = connect({ port, host: '127.0.0.1' });
        s.setNoDelay(true);
        s.once('connect', () => {
          s.removeAllListeners('error');
          s.on('error', () => {});
          resolve(s);
        });
        s.once('error', (err) => {
          s.destroy();
          reject(err);
        });
      });
    } catch (err) {
      if (performance.now() > deadline) throw new Error(`could not connect to port ${port}: ${err.message}`);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

/** Writes one frame and resolves with the body (correlation id first) of the first complete response frame. */
export function roundTrip(socket, frame) {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (d) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        cleanup();
        resolve(buf.subarray(4, 4 + buf.readInt32BE(0)));
      }
    };
    const onClose = () => {
      cleanup();
      reject(new Error('connection closed before a response'));
    };
    const cleanup = () => {
      socket.removeListener('data', onData);
      socket.removeListener('close', onClose);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.write(frame);
  });
}

/** VmRSS of a process in KiB, from /proc (Linux). */
export function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
