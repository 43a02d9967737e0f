/**
 * What the dispatcher calls around every request for the features aimed at
 * people testing against the broker: version emulation (`--kafka-version`),
 * metrics, request recording and fault injection. One instance per broker
 * (`broker.hooks`); `handle.faults`, `handle.recording` and the admin HTTP
 * server reach the same objects.
 */
import type { ApiVersionRange, Broker } from '../broker.js';
import type { Handler, RequestContext } from '../handlers/handler.js';
import type { Connection, DispatchResult } from '../server/connection.js';
import { ErrorCode } from '../wire/error-codes.js';
import { BrokerMetrics, type ApiCells } from './broker-metrics.js';
import { Faults, singleBrokerControl, type FaultDecision } from './faults.js';
import { apiName, kafkaRelease, type KafkaRelease } from './kafka-versions.js';
import {
  blankStruct,
  errorCodeVisitor,
  errorEntries,
  hasTopLevelErrorCode,
  mergeEntries,
  patchErrors,
  requestTargets,
  requestTopics,
  splitRequest,
  topicShape,
  type TopicIdResolver,
} from './message-walk.js';
import { Recording } from './recording.js';

/** APIs whose responses list what the broker has rather than what the request named: errors are patched into a handled response. */
const PATCH_APIS = new Set([3 /* Metadata */, 18 /* ApiVersions */, 60 /* DescribeCluster */, 75 /* DescribeTopicPartitions */]);

/** Errors about the group or coordinator as a whole: top-level when the response has a top-level error code. */
const GROUP_LEVEL_ERRORS = new Set<number>([
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.ILLEGAL_GENERATION,
  ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
  ErrorCode.INVALID_GROUP_ID,
  ErrorCode.UNKNOWN_MEMBER_ID,
  ErrorCode.INVALID_SESSION_TIMEOUT,
  ErrorCode.REBALANCE_IN_PROGRESS,
  ErrorCode.GROUP_AUTHORIZATION_FAILED,
]);

type Encode = (response: unknown) => DispatchResult;
type Obj = Record<string, unknown>;

export class RequestHooks {
  readonly faults: Faults;
  readonly recording = new Recording();
  readonly metrics: BrokerMetrics;
  /**
   * The node a connection talks to, for "broker down" (one broker: this one). A simulated
   * cluster replaces it (e.g. by listener name) along with `faults.setClusterControl()`.
   */
  nodeOf: (conn: Connection) => number = () => this.broker.nodeId;
  /** Run by reset() after topics, groups and offsets are gone (see `onReset`). */
  private readonly resetListeners = new Set<() => void | Promise<void>>();
  private readonly resolve: TopicIdResolver;
  private releaseCache: KafkaRelease | null | undefined;

  /** Created while the Broker is constructed: only keep the reference here. */
  constructor(private readonly broker: Broker) {
    this.metrics = new BrokerMetrics(broker);
    this.resolve = (id) => broker.store.topicById(id)?.name;
    this.faults = new Faults(
      singleBrokerControl(
        () => broker.nodeId,
        (down) => {
          if (down) for (const c of [...broker.openConnections()]) c.close('broker down (fault injection)');
        },
      ),
    );
  }

  /**
   * Registers state to wipe on `reset()` (e.g. transactions, producer ids): called after topics,
   * groups and offsets are deleted and before the start-up data is re-created. Returns an unsubscribe.
   */
  onReset(fn: () => void | Promise<void>): () => void {
    this.resetListeners.add(fn);
    return () => this.resetListeners.delete(fn);
  }

  /** Runs the `onReset` listeners (reset() calls it). */
  async runResetListeners(): Promise<void> {
    for (const fn of this.resetListeners) await fn();
  }

  // ---- Version emulation ------------------------------------------------------------

  /** The emulated Kafka release (`--kafka-version`), or null for everything the handlers serve. Throws for an unknown version. */
  get release(): KafkaRelease | null {
    if (this.releaseCache === undefined) {
      const v = this.broker.config.kafkaVersion;
      this.releaseCache = v !== undefined && v !== '' ? kafkaRelease(v) : null;
    }
    return this.releaseCache;
  }

  /** The versions served for an API: the handler's, intersected with the emulated release's (null: not served). */
  versionRange(handler: Handler): { minVersion: number; maxVersion: number } | null {
    if (this.release === null) return handler;
    const r = this.release.apis.get(handler.apiKey);
    if (!r) return null;
    const minVersion = Math.max(r.minVersion, handler.minVersion);
    const maxVersion = Math.min(r.maxVersion, handler.maxVersion);
    return minVersion <= maxVersion ? { minVersion, maxVersion } : null;
  }

  /** ApiVersions' list: the handler ranges, restricted to the emulated release. */
  restrictApis(apis: ApiVersionRange[]): ApiVersionRange[] {
    const release = this.release;
    if (release === null) return apis;
    const out: ApiVersionRange[] = [];
    for (const a of apis) {
      const r = release.apis.get(a.apiKey);
      if (!r) continue;
      const minVersion = Math.max(r.minVersion, a.minVersion);
      const maxVersion = Math.min(r.maxVersion, a.maxVersion);
      if (minVersion <= maxVersion) out.push({ apiKey: a.apiKey, minVersion, maxVersion });
    }
    return out;
  }

  /** The API list of an UNSUPPORTED_VERSION ApiVersions reply: empty before Kafka 2.4 (KIP-511), as those releases sent. */
  unsupportedApiVersionsKeys(): ApiVersionRange[] {
    return this.release !== null && !this.release.listsApisOnUnsupportedApiVersions ? [] : this.broker.supportedApis();
  }

  // ---- Request path -------------------------------------------------------------------

  /** A request for an API or version not served (the dispatcher closes the connection or answers UNSUPPORTED_VERSION). */
  refused(apiKey: number, apiVersion: number, clientId: string | null, correlationId: number, conn: Connection): void {
    const name = apiName(apiKey);
    this.metrics.refusedRequest(apiKey, apiVersion);
    if (this.recording.active) {
      this.recording.add({ time: Date.now(), connection: conn.id, apiKey, apiName: name, apiVersion, clientId, correlationId, topics: [], refused: true });
    }
  }

  /** Handles one decoded request: metrics, recording, faults, then the handler; returns the encoded response. */
  handle(handler: Handler, request: unknown, ctx: RequestContext, conn: Connection, frameSize: number, encode: Encode): DispatchResult | Promise<DispatchResult> {
    const t0 = performance.now();
    const cells = this.metrics.api(handler.apiKey, ctx.apiVersion, handler.name);
    cells.requests.inc();
    cells.requestBytes.inc(frameSize + 4);

    if (this.faults.anyDown && this.faults.isDown(this.nodeOf(conn))) {
      this.metrics.faultFired(handler.name, 'broker_down');
      conn.close('broker down (fault injection)');
      return null;
    }

    let decision: FaultDecision | null = null;
    if (this.faults.size > 0) {
      decision = this.faults.evaluate({
        apiKey: handler.apiKey,
        clientId: ctx.clientId,
        targets: () => this.targets(handler, ctx.apiVersion, request),
      });
    }
    if (this.recording.active) {
      this.recording.add({
        time: Date.now(),
        connection: conn.id,
        ...(conn.nodeId !== undefined ? { nodeId: conn.nodeId } : {}),
        apiKey: handler.apiKey,
        apiName: handler.name,
        apiVersion: ctx.apiVersion,
        clientId: ctx.clientId,
        correlationId: ctx.correlationId,
        topics: requestTopics(handler.request, ctx.apiVersion, request, this.resolve),
        ...(decision ? { faults: decision.ids } : {}),
      });
    }

    if (decision === null) {
      const result = handler.handle(request, ctx);
      return result instanceof Promise ? result.then((r) => this.finish(handler, ctx, cells, t0, r, encode)) : this.finish(handler, ctx, cells, t0, result, encode);
    }
    return this.applyFault(decision, handler, request, ctx, conn, cells, t0, encode);
  }

  private async applyFault(
    decision: FaultDecision,
    handler: Handler,
    request: unknown,
    ctx: RequestContext,
    conn: Connection,
    cells: ApiCells,
    t0: number,
    encode: Encode,
  ): Promise<DispatchResult> {
    if (decision.close) {
      this.metrics.faultFired(handler.name, 'close');
      if (decision.latencyMs > 0) await this.sleep(decision.latencyMs);
      conn.close('closeConnection (fault injection)');
      return null;
    }
    let response: unknown;
    if (decision.error !== null) {
      this.metrics.faultFired(handler.name, 'error');
      response = await this.errorResponse(handler, request as Obj, ctx, decision.error);
    } else {
      response = await handler.handle(request, ctx);
    }
    if (decision.latencyMs > 0) {
      this.metrics.faultFired(handler.name, 'latency');
      await this.sleep(decision.latencyMs);
    }
    return this.finish(handler, ctx, cells, t0, response, encode);
  }

  /** Counts the response's error codes, encodes it, counts its bytes and the latency. */
  private finish(handler: Handler, ctx: RequestContext, cells: ApiCells, t0: number, response: unknown, encode: Encode): DispatchResult {
    if (response !== null && typeof response === 'object') {
      errorCodeVisitor(handler.response, ctx.apiVersion)(response as Obj, (code) => {
        if (code !== 0) this.metrics.error(cells, code);
      });
    }
    const frames = encode(response);
    if (frames !== null) {
      let n = 0;
      for (const b of frames) n += b.length;
      cells.responseBytes.inc(n);
    }
    cells.latency.observe((performance.now() - t0) / 1000);
    return frames;
  }

  /** The response a request gets for an injected error (see src/admin/faults.ts for the rules). */
  private async errorResponse(handler: Handler, request: Obj, ctx: RequestContext, err: NonNullable<FaultDecision['error']>): Promise<unknown> {
    const v = ctx.apiVersion;
    const rq = handler.request;
    const rs = handler.response;
    const filter = { ...(err.topic !== undefined ? { topic: err.topic } : {}), ...(err.partition !== undefined ? { partition: err.partition } : {}) };
    const unfiltered = err.topic === undefined && err.partition === undefined;
    // Produce with acks=0: the client expects no response, whatever happens.
    if (handler.apiKey === 0 && request.acks === 0) {
      if (err.afterHandling) await handler.handle(request, ctx);
      return null;
    }
    if (!err.afterHandling && !PATCH_APIS.has(handler.apiKey)) {
      const topLevel = hasTopLevelErrorCode(rs, v);
      if (unfiltered && topLevel && GROUP_LEVEL_ERRORS.has(err.code)) return { ...blankStruct(rs.fields, v), errorCode: err.code };
      const split = topicShape(rs, v) ? splitRequest(rq, v, request, filter, this.resolve) : null;
      if (split) {
        const entries = errorEntries(rq, rs, v, split.matched, err.code, this.resolve) ?? [];
        let response: Obj | null;
        if (split.rest === null) {
          response = blankStruct(rs.fields, v);
          if (entries.length === 0 && topLevel) response.errorCode = err.code;
        } else {
          const handled = await handler.handle(split.rest, ctx);
          response = handled === null ? null : { ...(handled as Obj) };
        }
        if (response !== null) mergeEntries(rs, v, response, entries, this.resolve);
        return response;
      }
      if (unfiltered && topLevel) return { ...blankStruct(rs.fields, v), errorCode: err.code };
    }
    const handled = await handler.handle(request, ctx);
    if (handled === null || typeof handled !== 'object') return handled;
    return patchErrors(rs, v, handled as Obj, err.code, filter, this.resolve).response;
  }

  private targets(handler: Handler, version: number, request: unknown): ReadonlyMap<string, readonly number[] | null> {
    const req = request as Obj;
    const t = requestTargets(handler.request, version, req, this.resolve);
    if (t !== null) return t;
    return new Map(requestTopics(handler.request, version, req, this.resolve).map((name) => [name, null]));
  }


  private sleep(ms: number): Promise<void> {
    const closing = this.broker.closing;
    return new Promise((resolve) => {
      if (closing.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        closing.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      closing.addEventListener('abort', done, { once: true });
    });
  }
}
