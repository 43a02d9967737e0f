import { connect, type Socket } from 'node:net';
import { Duplex, Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection, type Dispatch, type DispatchResult } from '../../src/server/connection.js';
import { ProtocolError } from '../../src/server/errors.js';
import { Framer } from '../../src/server/framer.js';
import { KafkaServer, startServer, type KafkaServerOptions } from '../../src/server/server.js';

const silent = pino({ level: 'silent' });
const MiB = 1024 * 1024;

// ---------- helpers ----------

/** A request frame (size prefix included): header v1 with client id "test", then `body`. */
function request(correlationId: number, apiKey = 18, body: Buffer = Buffer.alloc(0)): Buffer {
  const clientId = Buffer.from('test');
  const b = Buffer.alloc(4 + 8 + 2 + clientId.length + body.length);
  b.writeInt32BE(b.length - 4, 0);
  b.writeInt16BE(apiKey, 4);
  b.writeInt16BE(0, 6);
  b.writeInt32BE(correlationId, 8);
  b.writeInt16BE(clientId.length, 12);
  clientId.copy(b, 14);
  body.copy(b, 14 + clientId.length);
  return b;
}

function correlationOf(frame: Buffer): number {
  return frame.readInt32BE(4);
}

/** A response frame as a three-buffer list: prefix, correlation id, payload. */
function response(correlationId: number, payload: Buffer = Buffer.from('ok')): Buffer[] {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(4 + payload.length);
  const corr = Buffer.alloc(4);
  corr.writeInt32BE(correlationId);
  return [prefix, corr, payload];
}

const echo: Dispatch = (frame) => response(correlationOf(frame));

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitUntil(pred: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A test client that parses response frames with the same Framer. */
class Client {
  readonly responses: Buffer[] = [];
  readonly framer = new Framer();
  bytes = 0;
  closed = false;
  ended = false;

  constructor(readonly socket: Duplex) {
    socket.on('data', (c: Buffer) => {
      this.bytes += c.length;
      this.framer.push(c);
      for (let f = this.framer.next(); f !== null; f = this.framer.next()) this.responses.push(f);
    });
    socket.on('end', () => (this.ended = true));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  correlations(): number[] {
    return this.responses.map((r) => r.readInt32BE(0));
  }

  waitResponses(n: number, timeoutMs = 5000): Promise<void> {
    return waitUntil(() => this.responses.length >= n, timeoutMs, `${n} responses (have ${this.responses.length})`);
  }

  waitClosed(timeoutMs = 5000): Promise<void> {
    return waitUntil(() => this.closed, timeoutMs, 'client close');
  }
}

async function rawSocket(port: number): Promise<Socket> {
  const socket: Socket = connect({ port, host: '127.0.0.1', noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  return socket;
}

async function tcpClient(port: number): Promise<Client> {
  return new Client(await rawSocket(port));
}

/** In-memory socket pair (Node 20 has no stream.duplexPair). */
function duplexPair(): [Duplex, Duplex] {
  const sides: Duplex[] = [];
  const make = (peer: () => Duplex): Duplex =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        peer().push(chunk);
        cb();
      },
      final(cb) {
        peer().push(null);
        cb();
      },
      destroy(err, cb) {
        const p = peer();
        if (!p.destroyed) p.destroy();
        cb(err);
      },
    });
  sides.push(make(() => sides[1]!), make(() => sides[0]!));
  return [sides[0]!, sides[1]!];
}

const servers: KafkaServer[] = [];
async function serve(opts: Partial<KafkaServerOptions> & { dispatch: Dispatch }): Promise<KafkaServer> {
  const s = await startServer({ listeners: [{ host: '127.0.0.1', port: 0 }], logger: silent, ...opts });
  servers.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function onlyConnection(server: KafkaServer): Connection {
  const [conn] = [...server.connections];
  if (conn === undefined) throw new Error('no connection');
  return conn;
}

// ---------- Framer ----------

describe('Framer', () => {
  const frames = [request(1), Buffer.from([0, 0, 0, 0]), request(2, 3, Buffer.alloc(300, 7)), request(3)];
  const stream = Buffer.concat(frames);
  const bodies = frames.map((f) => f.subarray(4));

  function collect(f: Framer): Buffer[] {
    const out: Buffer[] = [];
    for (let b = f.next(); b !== null; b = f.next()) out.push(b);
    return out;
  }

  it('parses a stream cut at every pair of byte boundaries', () => {
    // Two cuts give 3 chunks: covers prefixes split across chunks and frames spanning chunks.
    const want = Buffer.concat(bodies);
    let checked = 0;
    for (let i = 0; i <= stream.length; i++) {
      for (let j = i; j <= stream.length; j++) {
        const f = new Framer();
        const out: Buffer[] = [];
        for (const chunk of [stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)]) {
          f.push(chunk);
          out.push(...collect(f));
        }
        // Cheap comparison in the loop; the full (slow) diff only on failure.
        if (out.length !== bodies.length || out.some((b, k) => b.length !== bodies[k]!.length) || !Buffer.concat(out).equals(want) || f.hasPartial) {
          expect({ i, j, out }).toEqual({ i, j, out: bodies });
        }
        checked++;
      }
    }
    expect(checked).toBe(((stream.length + 1) * (stream.length + 2)) / 2);
  });

  it('parses a stream fed one byte at a time', () => {
    const f = new Framer();
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) {
      f.push(stream.subarray(i, i + 1));
      out.push(...collect(f));
    }
    expect(out).toEqual(bodies);
  });

  it('returns frames inside one chunk as zero-copy views', () => {
    const f = new Framer();
    f.push(stream);
    const out: Buffer[] = [];
    for (let b = f.next(); b !== null; b = f.next()) out.push(b);
    expect(out).toEqual(bodies);
    for (const b of out) expect(b.buffer).toBe(stream.buffer);
  });

  it('rejects negative and oversized size prefixes before buffering the body', () => {
    const neg = new Framer();
    neg.push(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
    expect(() => neg.next()).toThrow(ProtocolError);

    const big = new Framer(1000);
    // Prefix split across chunks too.
    big.push(Buffer.from([0, 0]));
    expect(big.next()).toBeNull();
    big.push(Buffer.from([0x03, 0xe9])); // 1001
    expect(() => big.next()).toThrow(/invalid frame size 1001/);

    const ok = new Framer(1000);
    ok.push(Buffer.from([0, 0, 0x03, 0xe8]));
    expect(ok.next()).toBeNull(); // exactly the max is fine, just incomplete
  });
});

// ---------- Connection over an in-memory duplex ----------

describe('Connection (in-memory duplex)', () => {
  function pair(dispatch: Dispatch, maxInFlight?: number): { conn: Connection; client: Client } {
    const [serverSide, clientSide] = duplexPair();
    const conn = new Connection(serverSide, { dispatch, logger: silent, maxInFlight });
    return { conn, client: new Client(clientSide) };
  }

  it('handles requests written one byte at a time', async () => {
    const { client } = pair(echo);
    const bytes = Buffer.concat([request(1), request(2), request(3, 0, Buffer.alloc(100, 1))]);
    for (let i = 0; i < bytes.length; i++) {
      client.socket.write(bytes.subarray(i, i + 1));
      if (i % 7 === 0) await new Promise((r) => setImmediate(r));
    }
    await client.waitResponses(3);
    expect(client.correlations()).toEqual([1, 2, 3]);
  });

  it('handles many requests in one chunk', async () => {
    const seen: Buffer[] = [];
    const { client } = pair((frame) => {
      seen.push(frame);
      return response(correlationOf(frame));
    });
    const ids = Array.from({ length: 50 }, (_, i) => i);
    client.socket.write(Buffer.concat(ids.map((i) => request(i))));
    await client.waitResponses(50);
    expect(client.correlations()).toEqual(ids);
    expect(seen.every((f) => f.toString('latin1', 10, 14) === 'test')).toBe(true);
  });

  it('reads the client id from the first header and logs requests at debug', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const [serverSide, clientSide] = duplexPair();
    const conn = new Connection(serverSide, { dispatch: echo, logger: pino({ level: 'debug' }, sink), id: 7 });
    const client = new Client(clientSide);
    client.socket.write(request(42, 3));
    await client.waitResponses(1);
    expect(conn.clientId).toBe('test');
    conn.close('test over');
    await waitUntil(() => lines.some((l) => l.includes('connection closed')));
    const req = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'request');
    expect(req).toMatchObject({ conn: 7, remote: 'in-memory', clientId: 'test', apiKey: 3, apiVersion: 0, correlationId: 42 });
    expect(lines.some((l) => l.includes('"reason":"test over"'))).toBe(true);
  });

  it('answers pending requests after the peer half-closes, then ends', async () => {
    const { conn, client } = pair(async (frame) => {
      await sleep(20);
      return response(correlationOf(frame));
    });
    const reasons: string[] = [];
    conn.on('close', (r) => reasons.push(r));
    client.socket.end(Buffer.concat([request(1), request(2)]));
    await client.waitResponses(2);
    await waitUntil(() => conn.closed, 5000, 'connection close');
    expect(client.correlations()).toEqual([1, 2]);
    expect(reasons).toEqual(['peer closed']);
  });

  it('close() is idempotent and emits one close event', () => {
    const { conn } = pair(echo);
    let n = 0;
    conn.on('close', () => n++);
    conn.close('a');
    conn.close('b');
    expect(n).toBe(1);
    expect(conn.closed).toBe(true);
  });
});

// ---------- Real sockets ----------

describe('KafkaServer over loopback', () => {
  it('binds port 0 on several listeners', async () => {
    const server = await serve({
      listeners: [
        { name: 'a', host: '127.0.0.1', port: 0 },
        { name: 'b', host: '127.0.0.1', port: 0 },
      ],
      dispatch: (frame, conn) => response(correlationOf(frame), Buffer.from(conn.listenerName ?? '')),
    });
    const [a, b] = server.listeners;
    expect(a!.port).toBeGreaterThan(0);
    expect(b!.port).toBeGreaterThan(0);
    expect(a!.port).not.toBe(b!.port);
    expect(server.port).toBe(a!.port);
    const cb = await tcpClient(b!.port);
    cb.socket.write(request(1));
    await cb.waitResponses(1);
    expect(cb.responses[0]!.subarray(4).toString()).toBe('b');
  });

  it('closes the connection on a 200 MiB size prefix without allocating it', async () => {
    let dispatched = 0;
    const server = await serve({
      dispatch: (frame) => {
        dispatched++;
        return response(correlationOf(frame));
      },
    });
    const client = await tcpClient(server.port);
    client.socket.write(request(1));
    await client.waitResponses(1);

    const before = process.memoryUsage().arrayBuffers;
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(200 * MiB);
    client.socket.write(Buffer.concat([prefix, Buffer.alloc(1000)]));
    await client.waitClosed();
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(grown).toBeLessThan(20 * MiB);
    expect(dispatched).toBe(1);
    await waitUntil(() => server.connections.size === 0, 2000, 'server to drop the connection');
  });

  it('returns responses in request order when handlers finish out of order', async () => {
    const server = await serve({
      dispatch: async (frame) => {
        await sleep(Math.random() * 20);
        return response(correlationOf(frame));
      },
    });
    const client = await tcpClient(server.port);
    const ids = Array.from({ length: 300 }, (_, i) => i * 3);
    // Mixed chunking: some requests alone, some batched.
    for (let i = 0; i < ids.length; i += 7) client.socket.write(Buffer.concat(ids.slice(i, i + 7).map((id) => request(id))));
    await client.waitResponses(ids.length);
    expect(client.correlations()).toEqual(ids);
  });

  it('writes nothing for null results and keeps the order of the rest', async () => {
    const server = await serve({
      dispatch: async (frame): Promise<DispatchResult> => {
        const id = correlationOf(frame);
        await sleep(id % 2 === 0 ? 0 : 15);
        return id % 3 === 0 ? null : response(id);
      },
    });
    const client = await tcpClient(server.port);
    const ids = Array.from({ length: 30 }, (_, i) => i);
    client.socket.write(Buffer.concat(ids.map((id) => request(id))));
    const expected = ids.filter((id) => id % 3 !== 0);
    await client.waitResponses(expected.length);
    await sleep(50);
    expect(client.correlations()).toEqual(expected);
    // Exactly the bytes of the expected frames: no stray prefixes for the null slots.
    expect(client.bytes).toBe(expected.length * (4 + 4 + 2));
  });

  it('a ProtocolError closes only that connection', async () => {
    const server = await serve({
      dispatch: (frame) => {
        if (correlationOf(frame) === 666) throw new ProtocolError('bad header');
        if (correlationOf(frame) === 777) return Promise.reject(new Error('handler bug'));
        return response(correlationOf(frame));
      },
    });
    const bad = await tcpClient(server.port);
    const buggy = await tcpClient(server.port);
    const good = await tcpClient(server.port);
    await waitUntil(() => server.connections.size === 3);

    bad.socket.write(request(666));
    buggy.socket.write(request(777));
    await bad.waitClosed();
    await buggy.waitClosed();
    expect(bad.responses).toHaveLength(0);
    await waitUntil(() => server.connections.size === 1);

    good.socket.write(Buffer.concat([request(1), request(2)]));
    await good.waitResponses(2);
    expect(good.correlations()).toEqual([1, 2]);
    expect(good.closed).toBe(false);
  });

  it('pauses reading at maxInFlight and resumes when a slot frees', async () => {
    const maxInFlight = 8;
    const pending: Array<() => void> = [];
    const dispatched: number[] = [];
    const server = await serve({
      maxInFlight,
      dispatch: (frame) => {
        const id = correlationOf(frame);
        dispatched.push(id);
        return new Promise<DispatchResult>((resolve) => pending.push(() => resolve(response(id))));
      },
    });
    const client = await tcpClient(server.port);
    const total = 2000;
    client.socket.write(Buffer.concat(Array.from({ length: total }, (_, i) => request(i))));
    await waitUntil(() => dispatched.length === maxInFlight);
    await sleep(100);
    const conn = onlyConnection(server);
    expect(dispatched).toHaveLength(maxInFlight);
    expect(conn.inFlight).toBe(maxInFlight);
    expect(conn.socket.isPaused()).toBe(true);

    pending.shift()!();
    await waitUntil(() => dispatched.length === maxInFlight + 1);
    await client.waitResponses(1);
    expect(dispatched).toHaveLength(maxInFlight + 1);

    // Drain everything: resolve as they come.
    while (client.responses.length < total) {
      const fns = pending.splice(0);
      for (const f of fns) f();
      await sleep(1);
    }
    expect(client.correlations()).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(conn.socket.isPaused()).toBe(false);
  });

  it('a client that never reads cannot make the server buffer without bound', async () => {
    const payload = Buffer.alloc(MiB, 1); // shared: the test must not allocate per response either
    const maxInFlight = 4;
    let dispatched = 0;
    const server = await serve({
      maxInFlight,
      dispatch: async (frame) => {
        dispatched++;
        await new Promise((r) => setImmediate(r));
        return response(correlationOf(frame), payload);
      },
    });
    // No 'data' listener and paused: this client never reads, so TCP fills up.
    const socket = await rawSocket(server.port);
    socket.pause();
    const total = 400; // 400 MiB of responses if nothing pushed back
    socket.write(Buffer.concat(Array.from({ length: total }, (_, i) => request(i))));

    // Wait until the server stops making progress.
    let last = -1;
    await waitUntil(
      () => {
        const stable = dispatched === last;
        last = dispatched;
        return stable && dispatched > 0;
      },
      10_000,
      'dispatch to stall',
    );
    await sleep(200);
    const conn = onlyConnection(server);
    expect(dispatched).toBe(last);
    expect(dispatched).toBeLessThan(60); // kernel socket buffers hold a few MiB; the rest waits in TCP
    expect(conn.socket.writableLength).toBeLessThanOrEqual((maxInFlight + 1) * (MiB + 8));
    expect(conn.socket.isPaused()).toBe(true);

    // Once the client reads, everything flows again ('drain' resumes reading).
    const reader = new Client(socket);
    socket.resume();
    await reader.waitResponses(total, 20_000);
    expect(reader.correlations()).toEqual(Array.from({ length: total }, (_, i) => i));
  });

  it('survives clients that reset mid-request', async () => {
    const server = await serve({
      dispatch: async (frame) => {
        await sleep(30);
        return response(correlationOf(frame));
      },
    });
    for (let i = 0; i < 5; i++) {
      const c = await tcpClient(server.port);
      c.socket.write(Buffer.concat([request(1), request(2).subarray(0, 7)]));
      await sleep(5);
      (c.socket as Socket).resetAndDestroy();
    }
    await waitUntil(() => server.connections.size === 0, 3000, 'connections to be dropped');
    const c = await tcpClient(server.port);
    c.socket.write(request(9));
    await c.waitResponses(1);
  });

  it('graceful close lets an in-flight request finish', async () => {
    let started = 0;
    const server = await serve({
      dispatch: async (frame) => {
        started++;
        await sleep(300);
        return response(correlationOf(frame));
      },
    });
    const client = await tcpClient(server.port);
    client.socket.write(request(5));
    await waitUntil(() => started === 1);
    const t0 = Date.now();
    const closing = server.close();
    // Requests sent after close() began are not read.
    client.socket.write(request(6));
    await closing;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    await client.waitClosed();
    expect(client.correlations()).toEqual([5]);
    expect(started).toBe(1);
    expect(server.connections.size).toBe(0);
    // Not accepting any more.
    await expect(tcpClient(server.port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('graceful close gives up after the shutdown timeout', async () => {
    const server = await serve({ shutdownTimeoutMs: 150, dispatch: () => new Promise<DispatchResult>(() => {}) });
    const client = await tcpClient(server.port);
    client.socket.write(request(1));
    await waitUntil(() => onlyConnection(server).inFlight === 1);
    const t0 = Date.now();
    await server.close();
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(100);
    expect(took).toBeLessThan(2000);
    await client.waitClosed();
    expect(client.responses).toHaveLength(0);
  });
});

// ---------- afterWrite: when a response's buffers may be reused ----------

describe('afterWrite callbacks', () => {
  it('run once the socket has taken the whole response, not before', async () => {
    const payload = Buffer.alloc(32 * MiB, 3); // far more than loopback socket buffers hold
    let written = 0;
    const server = await serve({
      dispatch: (frame, _conn, afterWrite) => {
        afterWrite!(() => written++);
        return response(correlationOf(frame), payload);
      },
    });
    const socket = await rawSocket(server.port);
    socket.pause();
    socket.write(request(1));
    await waitUntil(() => onlyConnection(server).socket.writableLength > 0, 5000, 'response queued');
    await sleep(100);
    expect(written).toBe(0); // the client is not reading: the payload is still ours
    const reader = new Client(socket);
    socket.resume();
    await reader.waitResponses(1, 20_000);
    await waitUntil(() => written === 1, 5000, 'afterWrite');
    expect(reader.responses[0]!.length).toBe(4 + payload.length);
    expect(written).toBe(1);
  });

  it('run at once for a request that gets no response', async () => {
    let written = 0;
    const server = await serve({
      dispatch: (frame, _conn, afterWrite) => {
        afterWrite!(() => written++);
        return correlationOf(frame) === 1 ? null : response(correlationOf(frame));
      },
    });
    const client = await tcpClient(server.port);
    client.socket.write(Buffer.concat([request(1), request(2)]));
    await client.waitResponses(1);
    await waitUntil(() => written === 2, 5000, 'both callbacks');
    expect(client.correlations()).toEqual([2]);
  });

  it('run when the connection closes: for finished responses at close, for unfinished ones when they finish', async () => {
    const events: string[] = [];
    let finishSlow!: () => void;
    const server = await serve({
      dispatch: (frame, _conn, afterWrite) => {
        const id = correlationOf(frame);
        afterWrite!(() => events.push(`written ${id}`));
        if (id !== 1) return response(id); // 2 finishes at once but waits behind 1
        return new Promise<DispatchResult>((resolve) => {
          finishSlow = () => {
            events.push('1 finished');
            resolve(response(1));
          };
        });
      },
    });
    const client = await tcpClient(server.port);
    client.socket.write(Buffer.concat([request(1), request(2)]));
    await waitUntil(() => finishSlow !== undefined && onlyConnection(server).inFlight === 2, 5000, 'two in flight');
    expect(events).toEqual([]);
    onlyConnection(server).close('test');
    expect(events).toEqual(['written 2']);
    finishSlow();
    await waitUntil(() => events.length === 3, 5000, 'slow callback');
    expect(events).toEqual(['written 2', '1 finished', 'written 1']);
    expect(client.responses).toHaveLength(0);
  });

  it('run when the socket is destroyed with the response still unsent', async () => {
    const payload = Buffer.alloc(32 * MiB, 5);
    let written = 0;
    const server = await serve({
      dispatch: (frame, _conn, afterWrite) => {
        afterWrite!(() => written++);
        return response(correlationOf(frame), payload);
      },
    });
    const socket = await rawSocket(server.port);
    socket.pause();
    socket.write(request(1));
    await waitUntil(() => onlyConnection(server).socket.writableLength > 0, 5000, 'response queued');
    expect(written).toBe(0);
    socket.destroy();
    await waitUntil(() => written === 1, 5000, 'afterWrite after reset');
  });
});

// ---------- connections.max.idle.ms ----------

describe('idle connections (connections.max.idle.ms)', () => {
  it('closes a connection with no traffic for maxIdleMs; one that keeps talking stays open', async () => {
    // Generous margins: a loaded CI machine can stall the event loop for a while.
    const server = await serve({ dispatch: echo, maxIdleMs: 500 });
    const quiet = await tcpClient(server.port);
    const chatty = await tcpClient(server.port);
    const t0 = Date.now();
    let id = 0;
    while (Date.now() - t0 < 1200) {
      chatty.socket.write(request(id++));
      await sleep(50);
    }
    await quiet.waitClosed(2000);
    expect(chatty.closed).toBe(false);
    await chatty.waitResponses(id);
    expect(server.connections.size).toBe(1);
  });

  it('a negative maxIdleMs (and the default) never closes idle connections', async () => {
    for (const maxIdleMs of [-1, undefined]) {
      const server = await serve({ dispatch: echo, ...(maxIdleMs !== undefined ? { maxIdleMs } : {}) });
      const quiet = await tcpClient(server.port);
      await sleep(300);
      expect(quiet.closed).toBe(false);
      expect(server.connections.size).toBe(1);
    }
  });
});
