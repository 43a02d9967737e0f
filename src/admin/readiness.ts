/**
 * Start-up self check: one Metadata request (v1, no topics, so nothing is
 * auto-created) over a real socket to the broker's own listener. When it is
 * answered, Metadata has been served end to end, which is what the ready line
 * and the admin `/ready` endpoint promise.
 */
import { connect } from 'node:net';
import { encodeRequestFrame } from '../wire/header.js';

export const READINESS_CLIENT_ID = 'kafkalite-readiness-probe';

/** Resolves once the broker at host:port answered a Metadata request; rejects on error or after `timeoutMs`. */
export function probeMetadata(host: string, port: number, timeoutMs = 5000): Promise<void> {
  const h = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  const frame = encodeRequestFrame({ apiKey: 3, apiVersion: 1, correlationId: 1, clientId: READINESS_CLIENT_ID }, (w) => w.int32(0));
  return new Promise((resolve, reject) => {
    const socket = connect({ host: h, port });
    let buf = Buffer.alloc(0);
    const done = (err?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error(`no Metadata response from ${h}:${port} within ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () => socket.write(frame));
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 8 && buf.length >= 4 + buf.readInt32BE(0)) {
        done(buf.readInt32BE(4) === 1 ? undefined : new Error('unexpected correlation id in the Metadata response'));
      }
    });
    socket.on('error', (err) => done(err));
    socket.on('close', () => done(new Error('connection closed before the Metadata response')));
  });
}
