// A minimal Kafka client built on the project's own codecs, for tests that need
// exact control over versions and bytes (golden frames, error paths, fuzzing).
import { connect, type Socket } from 'node:net';
import { codecFor, isFlexible } from '../../src/wire/codecs.js';
// Registers every API's schemas, so tests can speak APIs the broker does not serve.
import '../../src/wire/messages/index.js';
import { encodeRequestFrame } from '../../src/wire/header.js';
import { Reader } from '../../src/wire/reader.js';

export class RawClient {
  private buf = Buffer.alloc(0);
  private nextCorrelation = 1;
  private readonly waiting = new Map<number, (frame: Buffer) => void>();
  closed = false;
  private closeWaiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (d) => this.onData(d));
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.closeWaiters.splice(0)) w();
    });
    socket.on('error', () => {});
  }

  /** A client over a socket that is already connected (e.g. a TLS socket after its handshake). */
  static over(socket: Socket): RawClient {
    return new RawClient(socket);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    while (this.buf.length >= 4) {
      const size = this.buf.readInt32BE(0);
      if (this.buf.length < 4 + size) break;
      const frame = this.buf.subarray(4, 4 + size);
      this.buf = this.buf.subarray(4 + size);
      const corr = frame.readInt32BE(0);
      const w = this.waiting.get(corr);
      this.waiting.delete(corr);
      w?.(frame);
    }
  }

  /** Sends raw bytes (already framed or deliberately broken). */
  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Encodes and sends a request; resolves with the decoded response body (or undefined when `noResponse`). */
  async request<T = any>(apiKey: number, apiVersion: number, body: unknown, opts: { noResponse?: boolean; clientId?: string | null } = {}): Promise<T> {
    const codec = codecFor(apiKey, apiVersion, 'request');
    if (!codec) throw new Error(`no codec for ${apiKey} v${apiVersion}`);
    const correlationId = this.nextCorrelation++;
    const frame = encodeRequestFrame({ apiKey, apiVersion, correlationId, clientId: opts.clientId === undefined ? 'raw-client' : opts.clientId }, (w) => codec.encode(w, body));
    if (opts.noResponse) {
      this.socket.write(frame);
      return undefined as T;
    }
    const response = new Promise<Buffer>((resolve, reject) => {
      this.waiting.set(correlationId, resolve);
      this.closeWaiters.push(() => reject(new Error('connection closed')));
    });
    this.socket.write(frame);
    const resFrame = await response;
    const r = new Reader(resFrame, 4);
    // Response header v1 (tagged fields) for flexible versions, except ApiVersions.
    const flexible = apiKey !== 18 && isFlexible(apiKey, apiVersion);
    if (flexible) r.uvarint();
    const decoded = codecFor(apiKey, apiVersion, 'response')!.decode(r);
    if (r.error) throw new Error(`bad response: ${r.error}`);
    return decoded as T;
  }

  /** Resolves when the broker closes the connection (rejects after `ms`). */
  waitClosed(ms = 2000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('connection still open')), ms);
      this.closeWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
