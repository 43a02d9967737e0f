/**
 * The admin HTTP server (`--admin-port`, `adminPort`): readiness, health,
 * Prometheus metrics, fault injection, request recording and reset, as JSON
 * over plain node:http.
 *
 * Routes are a small table that other features extend: `server.route(method,
 * pattern, handler)` on a running server, or `registerAdminRoutes(plugin)`
 * before brokers start (the plugin runs for every admin server). Patterns are
 * paths with `:name` segments and an optional trailing `*` (rest of the path,
 * in `params['*']`). A handler returns a value to send as JSON (200), or
 * writes `ctx.res` itself and returns undefined; throwing `HttpError(status,
 * message)` (or a FaultError) answers `{ "error": message }`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Broker } from '../broker.js';
import { consoleRoutes } from './console-api.js';
import { FaultError, type FaultSpec } from './faults.js';
import { PROMETHEUS_CONTENT_TYPE } from './metrics.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  broker: Broker;
  /** The request body parsed as JSON (undefined when empty); HttpError 400 when invalid. */
  json(): Promise<unknown>;
}

export type RouteHandler = (ctx: RouteContext) => unknown;

/** Adds routes to an admin server; registered plugins run for every admin server started afterwards. */
export type AdminRoutesPlugin = (server: AdminHttpServer, broker: Broker) => void;

const plugins: AdminRoutesPlugin[] = [];

/** Registers routes for every admin server started from now on (e.g. a web console). */
export function registerAdminRoutes(plugin: AdminRoutesPlugin): void {
  plugins.push(plugin);
}

interface Route {
  method: string;
  pattern: string;
  re: RegExp;
  names: string[];
  handler: RouteHandler;
}

const MAX_BODY = 1 << 20;

export interface AdminServerOptions {
  host: string;
  port: number;
  /** Called by `POST /reset`. */
  reset?: () => Promise<unknown>;
}

export class AdminHttpServer {
  private readonly routes: Route[] = [];
  private server: Server | null = null;
  private boundPort = 0;

  constructor(
    readonly broker: Broker,
    private readonly opts: AdminServerOptions,
  ) {
    builtinRoutes(this, opts);
    consoleRoutes(this); // the web console: /, /console, /api/* (console-api.ts)
    for (const p of plugins) p(this, broker);
  }

  /**
   * Adds a route; later routes with the same method and pattern replace earlier ones.
   * `method` is an HTTP method or '*' for any.
   */
  route(method: string, pattern: string, handler: RouteHandler): void {
    const names: string[] = [];
    const source = pattern
      .split('/')
      .map((seg, i, all) => {
        if (seg === '*' && i === all.length - 1) {
          names.push('*');
          return '(.*)';
        }
        if (seg.startsWith(':')) {
          names.push(seg.slice(1));
          return '([^/]+)';
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    const m = method.toUpperCase();
    const existing = this.routes.findIndex((r) => r.method === m && r.pattern === pattern);
    const route = { method: m, pattern, re: new RegExp(`^${source}$`), names, handler };
    if (existing >= 0) this.routes[existing] = route;
    else this.routes.push(route);
  }

  get port(): number {
    return this.boundPort;
  }

  /** `http://host:port`, with the broker's advertised host. */
  get url(): string {
    const h = this.broker.advertisedHost;
    return `http://${h.includes(':') ? `[${h}]` : h}:${this.boundPort}`;
  }

  listen(): Promise<void> {
    const server = createServer((req, res) => void this.dispatch(req, res));
    // Keep-alive sockets must not hold close() up.
    server.keepAliveTimeout = 1000;
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.broker.logger.error({ err }, 'admin server error'));
        this.boundPort = (server.address() as AddressInfo).port;
        this.broker.logger.info({ url: this.url }, 'admin server listening');
        resolve();
      });
    });
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = null;
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://admin');
    let path = url.pathname;
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const method = (req.method ?? 'GET').toUpperCase();
    let pathMatched = false;
    try {
      for (const r of this.routes) {
        const m = r.re.exec(path);
        if (!m) continue;
        pathMatched = true;
        if (r.method !== '*' && r.method !== method && !(r.method === 'GET' && method === 'HEAD')) continue;
        const params: Record<string, string> = {};
        r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
        const ctx: RouteContext = { req, res, url, params, broker: this.broker, json: () => readJson(req) };
        const out = await r.handler(ctx);
        if (out !== undefined && !res.headersSent) sendJson(res, 200, out);
        return;
      }
      if (pathMatched) throw new HttpError(405, `${method} not allowed on ${path}`);
      throw new HttpError(404, `no route for ${method} ${path}`);
    } catch (err) {
      const status = err instanceof HttpError || err instanceof FaultError ? err.status : 500;
      if (status === 500) this.broker.logger.error({ err, path }, 'admin request failed');
      if (!res.headersSent) sendJson(res, status, { error: (err as Error).message });
      else res.end();
    }
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${text}\n`);
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new HttpError(400, 'request body is not valid JSON'));
      }
    });
  });
}

function intParam(v: string | undefined, name: string): number {
  const n = Number(v);
  if (v === undefined || !/^-?\d+$/.test(v) || !Number.isSafeInteger(n)) throw new HttpError(400, `${name} must be an integer`);
  return n;
}

function builtinRoutes(s: AdminHttpServer, opts: AdminServerOptions): void {
  const b = s.broker;
  const hooks = b.hooks;
  s.route('GET', '/ready', ({ res }) => {
    const metadataServed = b.isMetadataServed;
    const ready = metadataServed && !b.closing.aborted;
    const reason = b.closing.aborted ? 'shutting down' : metadataServed ? undefined : 'metadata not served yet';
    sendJson(res, ready ? 200 : 503, { ready, ...(reason ? { reason } : {}) });
  });

  s.route('GET', '/health', ({ res }) => {
    let topics = 0;
    let partitions = 0;
    for (const t of b.store.topics()) {
      if (t.internal) continue;
      topics++;
      partitions += t.numPartitions;
    }
    const shuttingDown = b.closing.aborted;
    sendJson(res, shuttingDown ? 503 : 200, {
      status: shuttingDown ? 'shutting down' : 'ok',
      uptimeSeconds: hooks.metrics.uptimeSeconds(),
      nodeId: b.nodeId,
      clusterId: b.clusterId,
      bootstrapServers: b.bootstrapServers,
      kafkaVersion: hooks.release?.name ?? null,
      storage: b.config.inMemory ? 'memory' : 'disk',
      topics,
      partitions,
      connections: b.openConnections().size,
      groups: b.groups.allGroups().length,
      metadataServed: b.isMetadataServed,
      faults: hooks.faults.size,
      brokersDown: hooks.faults.brokers().filter((x) => x.down).map((x) => x.nodeId),
      ...(b.cluster ? { brokers: b.bootstrapAddresses.length, controllerId: b.controllerId } : {}),
    });
  });

  s.route('GET', '/metrics', ({ res }) => {
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' });
    res.end(hooks.metrics.render());
  });

  // ---- Faults ----
  s.route('GET', '/faults', () => ({ faults: hooks.faults.list(), brokers: hooks.faults.brokers() }));
  s.route('POST', '/faults', async ({ json, res }) => {
    const body = await json();
    const specs = Array.isArray(body) ? (body as FaultSpec[]) : [body as FaultSpec];
    // Validate all before adding any, so a bad entry in a list adds nothing.
    const added = [];
    const ids: string[] = [];
    try {
      for (const spec of specs) {
        const f = hooks.faults.add(spec);
        ids.push(f.id);
        added.push(f);
      }
    } catch (err) {
      for (const id of ids) hooks.faults.remove(id);
      throw err;
    }
    sendJson(res, 201, Array.isArray(body) ? { faults: added } : added[0]);
  });
  s.route('DELETE', '/faults', () => {
    hooks.faults.clear();
    return { cleared: true };
  });
  s.route('GET', '/faults/:id', ({ params }) => {
    const f = hooks.faults.get(params.id!);
    if (!f) throw new HttpError(404, `no fault ${params.id}`);
    return f;
  });
  s.route('DELETE', '/faults/:id', ({ params }) => {
    if (!hooks.faults.remove(params.id!)) throw new HttpError(404, `no fault ${params.id}`);
    return { deleted: params.id };
  });

  // ---- Brokers and leaders ----
  s.route('GET', '/brokers', () => ({ brokers: hooks.faults.brokers() }));
  s.route('POST', '/brokers/:nodeId/down', ({ params }) => {
    hooks.faults.brokerDown(intParam(params.nodeId, 'nodeId'));
    return { brokers: hooks.faults.brokers() };
  });
  s.route('POST', '/brokers/:nodeId/up', ({ params }) => {
    hooks.faults.brokerUp(intParam(params.nodeId, 'nodeId'));
    return { brokers: hooks.faults.brokers() };
  });
  s.route('POST', '/partitions/:topic/:partition/leader', async ({ params, json }) => {
    const body = (await json()) as { nodeId?: unknown } | undefined;
    const nodeId = body?.nodeId;
    // No nodeId (or an empty body): the next live replica takes over.
    if (nodeId !== undefined && typeof nodeId !== 'number') throw new HttpError(400, 'body must be {"nodeId": <n>} (or empty: the next replica)');
    const partition = intParam(params.partition, 'partition');
    hooks.faults.moveLeader(params.topic!, partition, nodeId);
    const state = b.cluster?.partition(params.topic!, partition);
    return { topic: params.topic, partition, leader: state?.leader ?? nodeId, ...(state ? { leaderEpoch: state.leaderEpoch } : {}) };
  });

  // ---- Recording ----
  s.route('POST', '/recording/start', () => {
    hooks.recording.start();
    return { recording: true };
  });
  s.route('POST', '/recording/stop', () => {
    hooks.recording.stop();
    return { recording: false };
  });
  s.route('GET', '/recording', ({ url }) => {
    const api = url.searchParams.get('api');
    const clientId = url.searchParams.get('clientId');
    return hooks.recording.entries((e) => (api === null || e.apiName === api || String(e.apiKey) === api) && (clientId === null || e.clientId === clientId));
  });
  s.route('DELETE', '/recording', () => {
    hooks.recording.stop();
    hooks.recording.clear();
    return { recording: false };
  });

  // ---- Reset ----
  s.route('POST', '/reset', async () => {
    if (!opts.reset) throw new HttpError(501, 'reset is not available');
    const t0 = performance.now();
    await opts.reset();
    return { reset: true, ms: Math.round((performance.now() - t0) * 100) / 100 };
  });
}

/** Starts the admin server for a broker. */
export async function startAdminServer(broker: Broker, opts: AdminServerOptions): Promise<AdminHttpServer> {
  const s = new AdminHttpServer(broker, opts);
  await s.listen();
  return s;
}
