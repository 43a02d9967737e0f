/**
 * One client connection: frames in, dispatch, responses out in request order.
 *
 * Kafka's contract, which clients rely on: responses on a connection come back
 * in the order the requests arrived (clients match them by position as much as
 * by correlation id), and an acks=0 produce gets no response at all. Handlers
 * may finish out of order (a long-poll fetch behind a metadata request), so
 * each request takes a slot in a FIFO; a finished slot is written only once
 * every slot before it has been written or released.
 *
 * Memory is bounded by flow control rather than by buffers: reading pauses
 * while `maxInFlight` requests hold slots or while the socket reports that its
 * write buffer is full, and resumes on slot release / 'drain'. A client that
 * pipelines without reading therefore stalls itself (TCP fills up) instead of
 * growing the broker: at most ~maxInFlight responses sit in user space.
 */
import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { Session } from '../security/session.js';
import { Reader } from '../wire/reader.js';
import { ProtocolError } from './errors.js';
import { DEFAULT_MAX_FRAME_SIZE, Framer } from './framer.js';

/** A full response frame (size prefix included) as a buffer list, or null for "no response" (acks=0 produce). */
export type DispatchResult = Buffer[] | null;

/**
 * Registers a function to run once this request's response has been written to
 * the socket (or will never be): the moment buffers referenced by the response
 * may be reused.
 */
export type AfterWrite = (fn: () => void) => void;

/**
 * Handles one request frame (header + body, without the size prefix). May throw or
 * reject with ProtocolError to close the connection as malformed; any other error
 * also closes this connection (and is logged as a bug), never the process.
 */
export type Dispatch = (frame: Buffer, conn: Connection, afterWrite?: AfterWrite) => Promise<DispatchResult> | DispatchResult;

export const DEFAULT_MAX_IN_FLIGHT = 100;

export interface ConnectionOptions {
  dispatch: Dispatch;
  /** Parent logger; the connection logs through a child bound to its id and remote address. */
  logger?: Logger;
  /** Requests dispatched but not yet answered before reading pauses. */
  maxInFlight?: number;
  /** Largest accepted frame body; larger size prefixes close the connection. */
  maxFrameSize?: number;
  /** Identifies the connection in logs; the server numbers them. */
  id?: number;
  /** Name of the listener that accepted the socket (for dispatchers serving several). */
  listenerName?: string;
  /** Simulated cluster: the node whose listener accepted the socket. */
  nodeId?: number;
  /** Overrides the address shown in logs (in-memory duplexes have none). */
  remote?: string;
}

export interface ConnectionEvents {
  /** Emitted once, when the connection is closed for any reason. */
  close: [reason: string];
}

/** A request's place in the response order. */
interface Slot {
  done: boolean;
  response: DispatchResult;
  /** AfterWrite callbacks, run when the socket has taken the response (or the connection dropped it). */
  written: (() => void)[] | null;
}

export class Connection extends EventEmitter<ConnectionEvents> {
  readonly id: number;
  readonly remote: string;
  readonly listenerName: string | undefined;
  /** Simulated cluster: the node this connection talks to (undefined: a single broker). */
  readonly nodeId: number | undefined;
  readonly log: Logger;
  /** Number of frames dispatched so far. */
  requests = 0;
  /** Date.now() of the last bytes read or written (connections.max.idle.ms). */
  lastActivityMs = Date.now();
  /** Principal, client address and SASL state (src/security); undefined on the default PLAINTEXT path. */
  session: Session | undefined = undefined;
  private readonly peerGoneCtl = new AbortController();

  private readonly dispatchFn: Dispatch;
  private readonly maxInFlight: number;
  private readonly framer: Framer;
  /** Slots in request order; bounded by maxInFlight, so Array#shift is cheap. */
  private readonly queue: Slot[] = [];
  private clientIdValue: string | null | undefined = undefined;
  private closeReason: string | null = null;
  /** Re-entrancy guard: a synchronous dispatch may release its slot while we are still pulling frames. */
  private pumping = false;
  /** Peer sent FIN: answer what was received, then end our side. */
  private readEnded = false;
  /** Graceful shutdown: no new requests, finish the dispatched ones. */
  private draining = false;
  /** socket.end() has been called. */
  private ending = false;
  /** Why the connection ends once its dispatched requests are answered (closeAfterResponses). */
  private endReason: string | null = null;
  private readonly maxFrameSize: number;

  constructor(
    readonly socket: Duplex,
    opts: ConnectionOptions,
  ) {
    super();
    this.dispatchFn = opts.dispatch;
    this.maxInFlight = opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    if (!Number.isInteger(this.maxInFlight) || this.maxInFlight < 1) {
      throw new RangeError(`maxInFlight must be a positive integer, got ${this.maxInFlight}`);
    }
    this.maxFrameSize = opts.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
    this.framer = new Framer(this.maxFrameSize);
    this.id = opts.id ?? 0;
    this.listenerName = opts.listenerName;
    this.nodeId = opts.nodeId;
    this.remote = opts.remote ?? describeRemote(socket);
    const bindings: Record<string, unknown> = { conn: this.id, remote: this.remote };
    if (this.listenerName !== undefined) bindings['listener'] = this.listenerName;
    this.log = (opts.logger ?? defaultLogger()).child(bindings);

    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('drain', () => this.pump());
    socket.on('error', (err: NodeJS.ErrnoException) => this.onSocketError(err));
    socket.on('close', () => this.close('socket closed'));
    this.log.debug('connection opened');
  }

  /** Client id from the first request header (undefined until one was seen). */
  get clientId(): string | null | undefined {
    return this.clientIdValue;
  }

  /**
   * Records the client id and adds it to this connection's log bindings. The
   * connection reads it from the first request itself; dispatchers may call this
   * too. Only the first value is bound (pino bindings cannot be replaced), which
   * is fine: clients send one client id per connection.
   */
  setClientId(clientId: string | null): void {
    if (this.clientIdValue !== undefined) return;
    this.clientIdValue = clientId;
    this.log.setBindings({ clientId });
  }

  /** Requests dispatched whose response has not been written or released yet. */
  get inFlight(): number {
    return this.queue.length;
  }

  get closed(): boolean {
    return this.closeReason !== null;
  }

  /**
   * Aborts once the peer has sent FIN or the connection closed. Handlers that wait
   * (long-poll fetches) answer then: a client that left gets its answer refused by
   * the socket and the connection closes, instead of lingering until max_wait_ms.
   */
  get peerGone(): AbortSignal {
    return this.peerGoneCtl.signal;
  }

  /**
   * Closes now: drops unsent responses and destroys the socket. Idempotent; the
   * first reason wins and is reported by the 'close' event.
   */
  close(reason = 'closed'): void {
    if (this.closeReason !== null) return;
    this.closeReason = reason;
    // Finished responses are dropped unsent; unfinished ones run their callbacks in complete().
    for (const slot of this.queue) if (slot.done) runWritten(slot);
    this.queue.length = 0;
    this.framer.reset();
    this.socket.destroy();
    this.peerGoneCtl.abort();
    this.log.debug({ reason, requests: this.requests }, 'connection closed');
    this.emit('close', reason);
  }

  /**
   * Graceful close: stop taking requests, let dispatched ones finish and their
   * responses flush, then close. Resolves when closed; the caller bounds the wait
   * (KafkaServer closes stragglers after its shutdown timeout).
   */
  shutdown(): Promise<void> {
    const done = this.closed ? Promise.resolve() : new Promise<void>((resolve) => this.once('close', () => resolve()));
    if (!this.closed && !this.draining) {
      this.draining = true;
      // Frames received but not dispatched are dropped: the client will retry them elsewhere.
      this.framer.reset();
      this.pump();
    }
    return done;
  }

  /** Lowers the largest frame accepted (null: back to the configured maximum); e.g. Kafka's sasl.server.max.receive.size before authentication. */
  limitFrameSize(max: number | null): void {
    this.framer.maxFrameSize = max === null ? this.maxFrameSize : Math.min(max, this.maxFrameSize);
  }

  /**
   * Answers the requests dispatched so far (the one being handled included),
   * then closes; nothing more is read. For errors Kafka answers and then
   * disconnects on (failed SASL authentication, unsupported mechanism).
   */
  closeAfterResponses(reason: string): void {
    if (this.closeReason !== null || this.draining) return;
    this.endReason = reason;
    this.draining = true;
    this.framer.reset();
    this.pump();
  }

  private onData(chunk: Buffer): void {
    this.lastActivityMs = Date.now();
    if (this.closeReason !== null || this.draining) return;
    this.framer.push(chunk);
    this.pump();
  }

  private onEnd(): void {
    this.readEnded = true;
    this.peerGoneCtl.abort();
    if (this.framer.hasPartial) this.log.debug({ buffered: this.framer.buffered }, 'peer ended mid-frame');
    this.pump();
  }

  private onSocketError(err: NodeJS.ErrnoException): void {
    // ECONNRESET, EPIPE and friends are routine for a server: the peer went away.
    this.log.debug({ code: err.code, err: err.message }, 'socket error');
    this.close(`socket error: ${err.code ?? err.message}`);
  }

  /** May another frame be dispatched right now? */
  private canDispatch(): boolean {
    return (
      this.closeReason === null &&
      !this.draining &&
      this.queue.length < this.maxInFlight &&
      !this.socket.writableNeedDrain
    );
  }

  /**
   * Dispatches buffered frames while flow control allows, then sets the socket's
   * paused state to match. Called on every event that can change the answer:
   * data, slot release, drain, end, shutdown.
   */
  private pump(): void {
    if (this.pumping || this.closeReason !== null) return;
    this.pumping = true;
    let exhausted = false;
    try {
      while (this.canDispatch()) {
        let frame: Buffer | null;
        try {
          frame = this.framer.next();
        } catch (err) {
          this.fail(err);
          return;
        }
        if (frame === null) {
          exhausted = true;
          break;
        }
        this.handle(frame);
      }
    } finally {
      this.pumping = false;
    }
    if (this.closeReason !== null) return;

    const wantData = this.canDispatch() && !this.readEnded;
    const paused = this.socket.isPaused();
    if (wantData && paused) this.socket.resume();
    else if (!wantData && !paused) this.socket.pause();

    if (this.queue.length === 0 && (this.draining || (this.readEnded && exhausted))) this.end();
  }

  private handle(frame: Buffer): void {
    this.requests++;
    if (this.clientIdValue === undefined) this.peekClientId(frame);
    if (frame.length >= 8 && this.log.isLevelEnabled('debug')) {
      this.log.debug(
        {
          apiKey: frame.readInt16BE(0),
          apiVersion: frame.readInt16BE(2),
          correlationId: frame.readInt32BE(4),
          size: frame.length,
        },
        'request',
      );
    }

    const slot: Slot = { done: false, response: null, written: null };
    this.queue.push(slot);
    let result: ReturnType<Dispatch>;
    try {
      result = this.dispatchFn(frame, this, (fn) => (slot.written ??= []).push(fn));
    } catch (err) {
      this.fail(err);
      return;
    }
    if (result === null || Array.isArray(result)) {
      // Synchronous handlers (most metadata-style APIs) skip the microtask hop.
      this.complete(slot, result);
    } else {
      result.then(
        (r) => this.complete(slot, r),
        (err: unknown) => this.fail(err),
      );
    }
  }

  /** The header's client id sits at the same offset in every header version; reading it costs one string. */
  private peekClientId(frame: Buffer): void {
    const r = new Reader(frame, 8);
    const clientId = r.nullableString();
    if (r.error === null) this.setClientId(clientId);
  }

  private complete(slot: Slot, response: DispatchResult): void {
    if (this.closeReason !== null) {
      runWritten(slot);
      return;
    }
    slot.done = true;
    slot.response = response;
    if (this.queue[0] === slot) this.flush();
  }

  /** Writes every finished response at the head of the queue, batched into one cork/uncork. */
  private flush(): void {
    const socket = this.socket;
    this.lastActivityMs = Date.now();
    // cork() makes the buffer lists of all ready responses reach the kernel as one writev.
    socket.cork();
    try {
      while (this.queue.length > 0 && this.queue[0]!.done) {
        const slot = this.queue.shift()!;
        const response = slot.response ?? [];
        // Writes complete in order, so the last non-empty buffer's callback means the whole response went out.
        let last = response.length - 1;
        while (last >= 0 && response[last]!.length === 0) last--;
        for (let i = 0; i <= last; i++) {
          const buf = response[i]!;
          if (buf.length === 0) continue;
          // The callback also runs (with an error) when the socket is destroyed first.
          if (i === last && slot.written !== null) socket.write(buf, () => runWritten(slot));
          else socket.write(buf);
        }
        if (last < 0) runWritten(slot);
      }
    } finally {
      socket.uncork();
    }
    // Released slots may let buffered frames through; a full write buffer (writableNeedDrain) pauses instead.
    this.pump();
  }

  /** Ends our side once nothing is left to answer; the socket closes when the peer is done too. */
  private end(): void {
    if (this.ending) return;
    this.ending = true;
    const reason = this.endReason ?? (this.draining ? 'server shutdown' : 'peer closed');
    // 'finish' = all our bytes were handed to the OS; nothing more to wait for.
    this.socket.once('finish', () => this.close(reason));
    this.socket.end();
  }

  private fail(err: unknown): void {
    if (this.closeReason !== null) return;
    if (err instanceof ProtocolError) {
      // Malformed frames, unsupported API versions, and the few cases where Kafka answers by closing (acks=0 to a non-leader).
      this.log.info({ reason: err.message }, 'closing connection: protocol error');
      this.close(`protocol error: ${err.message}`);
    } else {
      this.log.error({ err }, 'closing connection: request handler failed');
      this.close('internal error');
    }
  }
}

function runWritten(slot: Slot): void {
  const fns = slot.written;
  if (fns === null) return;
  slot.written = null;
  for (const fn of fns) fn();
}

let fallback: Logger | undefined;
/** One shared root logger when the caller gives none (a pino instance per connection would be wasteful). */
export function defaultLogger(): Logger {
  return (fallback ??= pino({ level: 'info' }));
}

function describeRemote(socket: Duplex): string {
  if (!(socket instanceof Socket)) return 'in-memory';
  const { remoteAddress, remotePort } = socket;
  if (remoteAddress === undefined) return 'unknown';
  return remoteAddress.includes(':') ? `[${remoteAddress}]:${remotePort}` : `${remoteAddress}:${remotePort}`;
}
