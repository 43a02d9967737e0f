/**
 * Fault injection rules: the same operations over HTTP (`/faults`, `/brokers`,
 * `/partitions`) and on the object startBroker returns (`handle.faults`).
 *
 * A rule matches requests by API key, client id, topic and partition (all
 * optional), fires `once`, `times: N`, with `probability: p`, or always, and
 * then does any of: answer with `errorCode`, add `latencyMs` to the response,
 * `closeConnection`. Rules are checked in the order they were added; latencies
 * of every firing rule add up, and the first firing rule with an error or a
 * close decides the outcome (later error/close rules are not consumed).
 *
 * How an injected error is answered (see RequestHooks.errorResponse):
 * - APIs with per-topic/partition results (Produce, Fetch, ListOffsets,
 *   OffsetCommit, OffsetFetch v0-7, CreateTopics, DeleteRecords, …): the
 *   matching topic/partition entries are NOT handled and come back with the
 *   error and -1 offsets; the rest of the request is handled normally. So an
 *   injected error on a produce stores nothing, like a failed write.
 * - Group/coordinator errors (COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR,
 *   REBALANCE_IN_PROGRESS, …) on an API with a top-level error code
 *   (JoinGroup, Heartbeat, OffsetFetch v2-7, …), and any error on an API whose
 *   only error code is top-level: the request is not handled; the response is
 *   empty apart from the error.
 * - Responses whose results are not derived from a topic list in the request
 *   (Metadata, ApiVersions, DescribeCluster, FindCoordinator v4+,
 *   DescribeGroups, DeleteGroups, OffsetFetch v8+): the request is handled and
 *   every matching nested error code is overwritten (the top-level one when
 *   there are none).
 * - `afterHandling: true` forces the last way for any API: the request takes
 *   effect, then its response reports the error (a produce that was written but
 *   whose acknowledgement says it failed — what a REQUEST_TIMED_OUT from a real
 *   cluster can mean).
 * - Produce with acks=0 gets no response either way.
 */
import { ErrorCode } from '../wire/error-codes.js';
import { apiKeyOf, apiName } from './kafka-versions.js';

/** A rule as given over HTTP or to `faults.add()`. */
export interface FaultSpec {
  /** API key or name (`0`, `"Produce"`); omitted: every API. */
  apiKey?: number | string;
  /** Only requests naming this topic (and only its entries get the error). */
  topic?: string;
  /** Only this partition (of `topic`, or of any topic). */
  partition?: number;
  /** Only requests from this client id. */
  clientId?: string;
  /** Fire on the next matching request only. */
  once?: boolean;
  /** Fire on the next N matching requests. */
  times?: number;
  /** Fire on each matching request with this probability (0 never, 1 always); combines with `times`. */
  probability?: number;
  /** Kafka error code or its name (`6`, `"NOT_LEADER_OR_FOLLOWER"`). `error` is accepted as an alias. */
  errorCode?: number | string;
  error?: number | string;
  /** Delay the response by this much (the request is handled first). */
  latencyMs?: number;
  /** Close the connection instead of answering. */
  closeConnection?: boolean;
  /** With `errorCode`: handle the request, then report the error (the side effects happen). */
  afterHandling?: boolean;
}

/** A rule as listed by `GET /faults` and `faults.list()`. */
export interface FaultInfo {
  id: string;
  apiKey: number | null;
  apiName: string | null;
  topic: string | null;
  partition: number | null;
  clientId: string | null;
  errorCode: number | null;
  errorName: string | null;
  latencyMs: number;
  closeConnection: boolean;
  afterHandling: boolean;
  probability: number | null;
  /** Firings left (null: unlimited). */
  remaining: number | null;
  /** How many times it fired so far. */
  fired: number;
}

/** A caller mistake (bad spec, unknown id, impossible operation): HTTP 400/404. */
export class FaultError extends Error {
  override readonly name = 'FaultError';
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const ERROR_NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([n, c]) => [c, n]));

export function errorName(code: number): string {
  return ERROR_NAMES.get(code) ?? `ERROR_${code}`;
}

function parseErrorCode(v: number | string): number {
  if (typeof v === 'number' || /^-?\d+$/.test(v)) {
    const n = Number(v);
    if (!Number.isInteger(n) || n < -32768 || n > 32767) throw new FaultError(`errorCode out of range: ${v}`);
    if (n === 0) throw new FaultError('errorCode 0 is NONE: nothing to inject');
    return n;
  }
  const code = (ErrorCode as Record<string, number>)[v.toUpperCase()];
  if (code === undefined) throw new FaultError(`unknown error name '${v}'`);
  if (code === 0) throw new FaultError('errorCode NONE: nothing to inject');
  return code;
}

const SPEC_KEYS = new Set([
  'apiKey', 'topic', 'partition', 'clientId', 'once', 'times', 'probability', 'errorCode', 'error', 'latencyMs', 'closeConnection', 'afterHandling',
]);

interface Rule extends FaultInfo {}

/** What the matching rules decided for one request. */
export interface FaultDecision {
  /** Ids of the rules that fired. */
  ids: string[];
  latencyMs: number;
  error: { code: number; topic?: string; partition?: number; afterHandling: boolean } | null;
  close: boolean;
}

/** What a rule needs to know about a request to match it. */
export interface FaultRequest {
  apiKey: number;
  clientId: string | null;
  /** Topic → partitions named by the request (null partitions: the topic as a whole). Called at most once. */
  targets(): ReadonlyMap<string, readonly number[] | null>;
}

/** Broker up/down and leader moves; a simulated cluster provides its own. */
export interface ClusterControl {
  /** Node ids that can be taken down. */
  nodeIds(): number[];
  /** Called after a node went down (close its connections) or came back. */
  nodeStateChanged(nodeId: number, down: boolean): void;
  /** Moves a partition's leader (to the next replica when no node is given); throws FaultError when impossible. */
  moveLeader(topic: string, partition: number, nodeId?: number): void;
}

export class Faults {
  private rules: Rule[] = [];
  private nextId = 1;
  private readonly down = new Set<number>();
  /** Pseudo-random source for `probability` (replaceable for deterministic tests). */
  random: () => number = Math.random;

  constructor(private cluster: ClusterControl) {}

  /** Replaces broker up/down and leader-move handling (the simulated cluster plugs in here). */
  setClusterControl(control: ClusterControl): void {
    this.cluster = control;
  }

  /** Adds a rule; returns it as listed (with its id). Throws FaultError for invalid specs. */
  add(spec: FaultSpec): FaultInfo {
    const rule = this.validate(spec);
    this.rules.push(rule);
    return { ...rule };
  }

  list(): FaultInfo[] {
    return this.rules.map((r) => ({ ...r }));
  }

  get(id: string): FaultInfo | undefined {
    const r = this.rules.find((x) => x.id === id);
    return r ? { ...r } : undefined;
  }

  /** Removes one rule; false when there is none with that id. */
  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  /** Removes every rule and brings every downed broker back. */
  clear(): void {
    this.rules = [];
    for (const id of [...this.down]) this.brokerUp(id);
  }

  get size(): number {
    return this.rules.length;
  }

  // ---- Brokers and leaders -------------------------------------------------------

  /** Takes a broker down: its connections are closed, and new ones are closed at their first request, until `brokerUp`. */
  brokerDown(nodeId: number = this.cluster.nodeIds()[0]!): void {
    this.checkNode(nodeId);
    if (this.down.has(nodeId)) return;
    this.down.add(nodeId);
    this.cluster.nodeStateChanged(nodeId, true);
  }

  brokerUp(nodeId: number = this.cluster.nodeIds()[0]!): void {
    this.checkNode(nodeId);
    if (!this.down.delete(nodeId)) return;
    this.cluster.nodeStateChanged(nodeId, false);
  }

  isDown(nodeId: number): boolean {
    return this.down.size > 0 && this.down.has(nodeId);
  }

  get anyDown(): boolean {
    return this.down.size > 0;
  }

  brokers(): { nodeId: number; down: boolean }[] {
    return this.cluster.nodeIds().map((nodeId) => ({ nodeId, down: this.down.has(nodeId) }));
  }

  /**
   * Moves a partition's leader to `nodeId` (default: the next live replica), bumping its leader
   * epoch (a simulated cluster only; a single broker answers FaultError 400).
   */
  moveLeader(topic: string, partition: number, nodeId?: number): void {
    if (typeof topic !== 'string' || topic === '') throw new FaultError('topic is required');
    if (!Number.isInteger(partition) || partition < 0) throw new FaultError('partition must be a non-negative integer');
    if (nodeId !== undefined && !Number.isInteger(nodeId)) throw new FaultError('nodeId must be an integer');
    this.cluster.moveLeader(topic, partition, nodeId);
  }

  private checkNode(nodeId: number): void {
    if (!this.cluster.nodeIds().includes(nodeId)) throw new FaultError(`no broker with node id ${nodeId}`, 404);
  }

  // ---- Matching ------------------------------------------------------------------

  /** Decides what happens to a request; null when no rule fired. Consumes `once`/`times` firings. */
  evaluate(req: FaultRequest): FaultDecision | null {
    let decision: FaultDecision | null = null;
    let targets: ReadonlyMap<string, readonly number[] | null> | undefined;
    const exhausted: Rule[] = [];
    for (const r of this.rules) {
      if (r.apiKey !== null && r.apiKey !== req.apiKey) continue;
      if (r.clientId !== null && r.clientId !== req.clientId) continue;
      const decisive = r.errorCode !== null || r.closeConnection;
      if (decisive && decision !== null && (decision.error !== null || decision.close)) continue;
      if (r.topic !== null || r.partition !== null) {
        targets ??= req.targets();
        if (!matchesTargets(targets, r.topic, r.partition)) continue;
      }
      if (r.probability !== null && !(this.random() < r.probability)) continue;
      r.fired++;
      if (r.remaining !== null && --r.remaining <= 0) exhausted.push(r);
      decision ??= { ids: [], latencyMs: 0, error: null, close: false };
      decision.ids.push(r.id);
      decision.latencyMs += r.latencyMs;
      if (r.closeConnection) decision.close = true;
      else if (r.errorCode !== null) {
        decision.error = {
          code: r.errorCode,
          ...(r.topic !== null ? { topic: r.topic } : {}),
          ...(r.partition !== null ? { partition: r.partition } : {}),
          afterHandling: r.afterHandling,
        };
      }
    }
    if (exhausted.length > 0) this.rules = this.rules.filter((r) => !exhausted.includes(r));
    return decision;
  }

  private validate(spec: FaultSpec): Rule {
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new FaultError('a fault is a JSON object');
    for (const k of Object.keys(spec)) if (!SPEC_KEYS.has(k)) throw new FaultError(`unknown fault field '${k}'`);
    let apiKey: number | null = null;
    if (spec.apiKey !== undefined && spec.apiKey !== null) {
      const k = apiKeyOf(spec.apiKey);
      if (k === undefined || k < 0) throw new FaultError(`unknown API '${String(spec.apiKey)}'`);
      apiKey = k;
    }
    const optString = (name: 'topic' | 'clientId'): string | null => {
      const v = spec[name];
      if (v === undefined || v === null) return null;
      if (typeof v !== 'string') throw new FaultError(`${name} must be a string`);
      return v;
    };
    const partition = spec.partition ?? null;
    if (partition !== null && (!Number.isInteger(partition) || partition < 0)) throw new FaultError('partition must be a non-negative integer');
    const rawError = spec.errorCode ?? spec.error;
    const errorCode = rawError === undefined || rawError === null ? null : parseErrorCode(rawError);
    const latencyMs = spec.latencyMs ?? 0;
    if (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0) throw new FaultError('latencyMs must be a non-negative number');
    const closeConnection = spec.closeConnection === true;
    if (errorCode === null && !closeConnection && latencyMs === 0) throw new FaultError('a fault needs an effect: errorCode, latencyMs or closeConnection');
    if (errorCode !== null && closeConnection) throw new FaultError('errorCode and closeConnection are exclusive');
    if (spec.afterHandling && errorCode === null) throw new FaultError('afterHandling applies to errorCode faults');
    let remaining: number | null = null;
    if (spec.once) remaining = 1;
    if (spec.times !== undefined && spec.times !== null) {
      if (spec.once) throw new FaultError('give once or times, not both');
      if (!Number.isInteger(spec.times) || spec.times < 1) throw new FaultError('times must be a positive integer');
      remaining = spec.times;
    }
    let probability: number | null = null;
    if (spec.probability !== undefined && spec.probability !== null) {
      if (typeof spec.probability !== 'number' || !(spec.probability >= 0 && spec.probability <= 1)) throw new FaultError('probability must be between 0 and 1');
      probability = spec.probability;
    }
    return {
      id: String(this.nextId++),
      apiKey,
      apiName: apiKey === null ? null : apiName(apiKey),
      topic: optString('topic'),
      partition,
      clientId: optString('clientId'),
      errorCode,
      errorName: errorCode === null ? null : errorName(errorCode),
      latencyMs,
      closeConnection,
      afterHandling: spec.afterHandling === true,
      probability,
      remaining,
      fired: 0,
    };
  }
}

function matchesTargets(targets: ReadonlyMap<string, readonly number[] | null>, topic: string | null, partition: number | null): boolean {
  if (topic !== null) {
    if (!targets.has(topic)) return false;
    if (partition === null) return true;
    return targets.get(topic)?.includes(partition) ?? false;
  }
  for (const parts of targets.values()) if (parts?.includes(partition!)) return true;
  return false;
}

/** A single broker: one node, taken down and up as a whole; leaders never move. */
export function singleBrokerControl(nodeId: () => number, onStateChange: (down: boolean) => void): ClusterControl {
  return {
    nodeIds: () => [nodeId()],
    nodeStateChanged: (_id, down) => onStateChange(down),
    moveLeader: (topic, partition, to) => {
      if (to === nodeId()) return;
      if (to === undefined) throw new FaultError(`single broker: no other node to lead ${topic}-${partition}`);
      throw new FaultError(`single broker: cannot move the leader of ${topic}-${partition} to node ${to} (only node ${nodeId()} exists)`);
    },
  };
}
