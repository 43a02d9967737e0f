/**
 * TCP listeners → Connections. Knows nothing about Kafka beyond framing: the
 * dispatcher given at construction turns request frames into response frames.
 *
 * Sockets are half-open capable so a client that sends its last requests and
 * then FIN still gets its responses (Connection ends our side afterwards).
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import type { Logger } from 'pino';
import { Connection, defaultLogger, type Dispatch } from './connection.js';

export interface ListenerConfig {
  /** Shown in logs and on each Connection (e.g. "PLAINTEXT", "broker-2"). */
  name?: string;
  host: string;
  /** 0 picks a free port; read the bound one from `KafkaServer.listeners`. */
  port: number;
  /** Simulated cluster: the node this listener belongs to (given to its Connections). */
  nodeId?: number;
  /** Speak TLS (SSL/SASL_SSL listeners): connections are accepted once the handshake is done. */
  tls?: TlsOptions;
  /** This listener's dispatcher, instead of the server's (SASL listeners gate requests until authenticated). */
  dispatch?: Dispatch;
  /** Called for each new connection before it reads anything (security session); returning false closes it. */
  onConnection?: (conn: Connection, socket: Socket) => boolean | void;
}

export interface BoundListener {
  name: string | undefined;
  host: string;
  port: number;
}

export interface KafkaServerOptions {
  listeners: readonly ListenerConfig[];
  dispatch: Dispatch;
  logger?: Logger;
  /** Per connection: requests awaiting a response before reading pauses (default 100). */
  maxInFlight?: number;
  /** Largest request frame body accepted (default 100 MiB, Kafka's socket.request.max.bytes). */
  maxFrameSize?: number;
  /** How long close() lets in-flight requests finish before destroying sockets (default 5 s). */
  shutdownTimeoutMs?: number;
  /**
   * Kafka's connections.max.idle.ms: a connection with no bytes read or written
   * for this long is closed (the client reconnects when it needs to). Negative
   * or absent: never.
   */
  maxIdleMs?: number;
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;

export class KafkaServer {
  private readonly servers: Server[] = [];
  private bound: BoundListener[] = [];
  private readonly open = new Set<Connection>();
  private readonly log: Logger;
  private nextId = 1;
  private closing: Promise<void> | null = null;
  private idleSweep: NodeJS.Timeout | null = null;

  constructor(private readonly opts: KafkaServerOptions) {
    if (opts.listeners.length === 0) throw new RangeError('at least one listener is required');
    this.log = opts.logger ?? defaultLogger();
  }

  /** Binds every listener; if one fails, the others are closed and the error is thrown. */
  async listen(): Promise<readonly BoundListener[]> {
    if (this.servers.length > 0) throw new Error('already listening');
    try {
      for (const l of this.opts.listeners) this.bound.push(await this.listenOne(l));
    } catch (err) {
      await Promise.all(this.servers.map(closeServer));
      this.servers.length = 0;
      this.bound = [];
      throw err;
    }
    const idle = this.opts.maxIdleMs ?? -1;
    if (idle >= 0) {
      // Checked a few times per idle period, so a connection goes at most ~25% past it.
      this.idleSweep = setInterval(() => this.closeIdle(idle), Math.max(10, Math.min(idle / 4, 30_000)));
      this.idleSweep.unref();
    }
    return this.bound;
  }

  private closeIdle(idleMs: number): void {
    const now = Date.now();
    for (const c of this.open) {
      if (now - c.lastActivityMs <= idleMs) continue;
      c.log.info({ idleMs: now - c.lastActivityMs, inFlight: c.inFlight }, 'closing connection: idle longer than connections.max.idle.ms');
      c.close('idle (connections.max.idle.ms)');
    }
  }

  /** Bound addresses, in the order of `opts.listeners` (ports resolved when 0 was asked). */
  get listeners(): readonly BoundListener[] {
    return this.bound;
  }

  /** Port of the first listener. */
  get port(): number {
    const first = this.bound[0];
    if (first === undefined) throw new Error('server is not listening');
    return first.port;
  }

  get connections(): ReadonlySet<Connection> {
    return this.open;
  }

  /**
   * Simulated cluster, a node going down: its listeners stop accepting (clients
   * get "connection refused") and its connections are closed at once.
   */
  async suspendNode(nodeId: number): Promise<void> {
    const stopped: Promise<void>[] = [];
    this.opts.listeners.forEach((l, i) => {
      if (l.nodeId === nodeId && this.servers[i]) stopped.push(closeServer(this.servers[i]));
    });
    for (const c of [...this.open]) if (c.nodeId === nodeId) c.close('broker down');
    await Promise.all(stopped);
  }

  /** Binds a suspended node's listeners again, on the ports they had. */
  async resumeNode(nodeId: number): Promise<void> {
    for (let i = 0; i < this.opts.listeners.length; i++) {
      const l = this.opts.listeners[i]!;
      if (l.nodeId !== nodeId || this.closing !== null || this.servers[i]?.listening) continue;
      await this.listenOne({ ...l, port: this.bound[i]!.port });
      this.servers[i] = this.servers.pop()!; // listenOne appended the new server
    }
  }

  /**
   * Stops accepting, lets dispatched requests finish and flush (new requests on
   * open connections are not read), then destroys whatever is left after
   * `shutdownTimeoutMs`. Idempotent: later calls return the same promise.
   */
  close(): Promise<void> {
    return (this.closing ??= this.doClose());
  }

  private async doClose(): Promise<void> {
    if (this.idleSweep) clearInterval(this.idleSweep);
    // server.close() stops accepting now; its callback waits for the sockets, which we end below.
    const stopped = Promise.all(this.servers.map(closeServer));
    const timeoutMs = this.opts.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    const conns = [...this.open];
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.all(conns.map((c) => c.shutdown())), timedOut]);
    clearTimeout(timer);
    if (this.open.size > 0) {
      this.log.info({ connections: this.open.size, timeoutMs }, 'shutdown timeout: closing remaining connections');
      for (const c of [...this.open]) c.close('shutdown timeout');
    }
    await stopped;
    this.log.debug('server closed');
  }

  private listenOne(l: ListenerConfig): Promise<BoundListener> {
    const server = l.tls
      ? createTlsServer({ ...l.tls, allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket, l))
      : createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket, l));
    if (l.tls) {
      // A plaintext client on a TLS port, a failed or timed-out handshake: that socket is dropped, the listener goes on.
      server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: Socket) => {
        this.log.info({ listener: l.name, remote: socket.remoteAddress, code: err.code, err: err.message }, 'TLS handshake failed');
        socket.destroy();
      });
    }
    this.servers.push(server);
    return new Promise<BoundListener>((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      server.once('error', onError);
      server.listen(l.port, l.host, () => {
        server.off('error', onError);
        // Errors after bind (EMFILE on accept…) must not crash the process.
        server.on('error', (err) => this.log.error({ err, listener: l.name }, 'listener error'));
        const addr = server.address() as AddressInfo;
        const bound: BoundListener = { name: l.name, host: l.host, port: addr.port };
        this.log.info({ listener: bound.name, host: bound.host, port: bound.port }, "listening");
        resolve(bound);
      });
    });
  }

  private accept(socket: Socket, l: ListenerConfig): void {
    if (this.closing !== null) {
      socket.destroy();
      return;
    }
    // Kafka responses are small and latency-bound; Nagle would add up to 40 ms per round trip.
    socket.setNoDelay(true);
    const conn = new Connection(socket, {
      dispatch: l.dispatch ?? this.opts.dispatch,
      logger: this.log,
      maxInFlight: this.opts.maxInFlight,
      maxFrameSize: this.opts.maxFrameSize,
      id: this.nextId++,
      listenerName: l.name,
      ...(l.nodeId !== undefined ? { nodeId: l.nodeId } : {}),
    });
    this.open.add(conn);
    conn.once('close', () => this.open.delete(conn));
    if (l.onConnection && l.onConnection(conn, socket) === false) conn.close('refused by listener');
  }
}

/** Creates a server and binds all its listeners. */
export async function startServer(opts: KafkaServerOptions): Promise<KafkaServer> {
  const server = new KafkaServer(opts);
  await server.listen();
  return server;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    // The callback's error only says "not running", which the check above rules out.
    server.close(() => resolve());
  });
}
