/**
 * Request routing in a simulated cluster: a layer around the handlers that
 * answers what a real Kafka node answers when a request reaches the wrong
 * node, so the handlers stay single-broker simple.
 *
 * - Partition APIs (Produce, Fetch, ListOffsets, DeleteRecords,
 *   OffsetForLeaderEpoch, DescribeProducers): the request is split; the
 *   partitions this node leads go to the handler, the others come back with
 *   NOT_LEADER_OR_FOLLOWER (and, for Fetch v16+ and Produce v10+, the
 *   current leader and its endpoint, as Kafka 3.7+ sends them, KIP-951).
 *   Unknown topics and partitions are left to the handler. An acks=0 produce
 *   that names a partition led elsewhere has its connection closed after the
 *   rest is handled, as Kafka does.
 * - Group APIs (the group's coordinator: the leader of its `__consumer_offsets`
 *   partition) and transaction APIs (the leader of the transactional id's
 *   `__transaction_state` partition): NOT_COORDINATOR when this node is not
 *   the coordinator, for the request as a whole or, for batched APIs
 *   (DescribeGroups, DeleteGroups, OffsetFetch v8+, ConsumerGroupDescribe,
 *   DescribeTransactions, AddPartitionsToTxn v4+), per group/transactional id.
 * - ListGroups and ListTransactions list what this node coordinates.
 * - Everything else (Metadata, ApiVersions, FindCoordinator, topic and config
 *   administration: KRaft brokers forward those to the controller) is served
 *   by any node.
 *
 * A request whose context names no node (in-process callers such as the web
 * console) is not routed.
 */
import { blankStruct, errorEntries, hasTopLevelErrorCode, mergeEntries, topicShape, type TopicIdResolver } from '../admin/message-walk.js';
import type { Broker } from '../broker.js';
import { OFFSETS_TOPIC } from '../coordinator/offsets-topic.js';
import { TRANSACTION_STATE_TOPIC } from '../coordinator/transactions-topic.js';
import type { Handler, RequestContext } from '../handlers/handler.js';
import { ProtocolError } from '../server/errors.js';
import { ErrorCode } from '../wire/error-codes.js';
import type { AnyField, MessageSchema } from '../wire/schema.js';
import type { SimulatedCluster } from './cluster.js';

type Obj = Record<string, any>;

const PRODUCE = 0;
const FETCH = 1;
const ADD_PARTITIONS_TO_TXN = 24;

/** APIs served by partition leaders. */
const PARTITION_APIS = new Set([PRODUCE, FETCH, 2 /* ListOffsets */, 21 /* DeleteRecords */, 23 /* OffsetForLeaderEpoch */, 61 /* DescribeProducers */]);

/** A request about one group or transactional id: `key` reads it (null: not routed, e.g. InitProducerId without a transactional id). */
interface KeyRoute {
  kind: 'key';
  topic: string;
  key(req: Obj): string | null;
}

/** A request about several: each entry of `reqField` names one (`keyOf`), each answer in `resField` carries it in `resKey`. */
interface BatchRoute {
  kind: 'batch';
  topic: string;
  reqField: string;
  keyOf(entry: any): string;
  resField: string;
  resKey: string;
  /** The answer for an entry sent to the wrong node (default: a blank entry with its key and NOT_COORDINATOR). */
  errorEntry?(entry: any): Obj;
}

/** A listing: only what this node coordinates is kept. */
interface ListRoute {
  kind: 'list';
  topic: string;
  resField: string;
  resKey: string;
}

type Route = KeyRoute | BatchRoute | ListRoute;

const groupId: KeyRoute = { kind: 'key', topic: OFFSETS_TOPIC, key: (r) => r.groupId as string };
const transactionalId: KeyRoute = { kind: 'key', topic: TRANSACTION_STATE_TOPIC, key: (r) => (r.transactionalId as string | null) ?? null };

/** Routes of the coordinator APIs by key and version. */
function coordinatorRoute(apiKey: number, version: number): Route | null {
  switch (apiKey) {
    case 8: // OffsetCommit
    case 11: // JoinGroup
    case 12: // Heartbeat
    case 13: // LeaveGroup
    case 14: // SyncGroup
    case 28: // TxnOffsetCommit: the group's coordinator
    case 47: // OffsetDelete
    case 68: // ConsumerGroupHeartbeat
      return groupId;
    case 9: // OffsetFetch
      return version < 8
        ? groupId
        : { kind: 'batch', topic: OFFSETS_TOPIC, reqField: 'groups', keyOf: (g: Obj) => g.groupId, resField: 'groups', resKey: 'groupId' };
    case 15: // DescribeGroups
      return { kind: 'batch', topic: OFFSETS_TOPIC, reqField: 'groups', keyOf: (g: string) => g, resField: 'groups', resKey: 'groupId' };
    case 42: // DeleteGroups
      return { kind: 'batch', topic: OFFSETS_TOPIC, reqField: 'groupsNames', keyOf: (g: string) => g, resField: 'results', resKey: 'groupId' };
    case 69: // ConsumerGroupDescribe
      return { kind: 'batch', topic: OFFSETS_TOPIC, reqField: 'groupIds', keyOf: (g: string) => g, resField: 'groups', resKey: 'groupId' };
    case 16: // ListGroups
      return { kind: 'list', topic: OFFSETS_TOPIC, resField: 'groups', resKey: 'groupId' };
    case 22: // InitProducerId
    case 25: // AddOffsetsToTxn
    case 26: // EndTxn
      return transactionalId;
    case ADD_PARTITIONS_TO_TXN:
      if (version < 4) return { kind: 'key', topic: TRANSACTION_STATE_TOPIC, key: (r) => r.v3AndBelowTransactionalId as string };
      return {
        kind: 'batch',
        topic: TRANSACTION_STATE_TOPIC,
        reqField: 'transactions',
        keyOf: (t: Obj) => t.transactionalId,
        resField: 'resultsByTransaction',
        resKey: 'transactionalId',
        errorEntry: (t: Obj) => ({ transactionalId: t.transactionalId, topicResults: partitionErrors(t.topics as Obj[], ErrorCode.NOT_COORDINATOR) }),
      };
    case 65: // DescribeTransactions
      return { kind: 'batch', topic: TRANSACTION_STATE_TOPIC, reqField: 'transactionalIds', keyOf: (t: string) => t, resField: 'transactionStates', resKey: 'transactionalId' };
    case 66: // ListTransactions
      return { kind: 'list', topic: TRANSACTION_STATE_TOPIC, resField: 'transactionStates', resKey: 'transactionalId' };
    default:
      return null;
  }
}

/** AddPartitionsToTxn's per-partition results (`partitionErrorCode`, not `errorCode`). */
function partitionErrors(topics: readonly Obj[], code: number): Obj[] {
  return topics.map((t) => ({ name: t.name, resultsByPartition: (t.partitions as number[]).map((partitionIndex) => ({ partitionIndex, partitionErrorCode: code })) }));
}

/** The handler table of a simulated cluster: every API that has a route gets the routing layer around it. */
export function routeHandlers(handlers: readonly Handler[], broker: Broker, cluster: SimulatedCluster): Handler[] {
  const resolve: TopicIdResolver = (id) => broker.store.topicById(id)?.name;
  return handlers.map((h) => {
    const partitions = PARTITION_APIS.has(h.apiKey);
    if (!partitions && coordinatorRoute(h.apiKey, h.maxVersion) === null && coordinatorRoute(h.apiKey, h.minVersion) === null) return h;
    const router = new Router(h, cluster, resolve);
    return { ...h, handle: (request: unknown, ctx: RequestContext) => (partitions ? router.partitions(request as Obj, ctx) : router.coordinated(request as Obj, ctx)) };
  });
}

class Router {
  constructor(
    private readonly h: Handler,
    private readonly cluster: SimulatedCluster,
    private readonly resolve: TopicIdResolver,
  ) {}

  // ---- Partition leaders ------------------------------------------------------------

  partitions(req: Obj, ctx: RequestContext): unknown {
    const node = ctx.nodeId;
    const v = ctx.apiVersion;
    const shape = node === undefined ? null : topicShape(this.h.request, v);
    const ps = shape?.partitions;
    if (!shape || !ps) return this.h.handle(req, ctx);
    const entries = req[shape.field];
    if (!Array.isArray(entries)) return this.h.handle(req, ctx);

    let kept: Obj[] | null = null;
    const moved: Obj[] = [];
    const movedTopics: string[] = [];
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as Obj;
      const name: unknown = (shape.nameField !== null ? e[shape.nameField] : undefined) || (shape.idField !== null ? this.resolve(e[shape.idField] as string) : undefined);
      const state = typeof name === 'string' ? this.cluster.topic(name) : undefined;
      const parts: unknown = e[ps.field];
      let mine: unknown[] | null = null;
      let theirs: unknown[] | null = null;
      if (state && Array.isArray(parts)) {
        for (let j = 0; j < parts.length; j++) {
          const x: unknown = parts[j];
          const index = ps.elem === null ? (x as number) : ((x as Obj)[ps.indexField!] as number);
          const leader = state.partitions[index]?.leader;
          if (leader === undefined || leader === node) {
            mine?.push(x);
            continue;
          }
          if (theirs === null) {
            theirs = [];
            mine = parts.slice(0, j);
          }
          theirs.push(x);
        }
      }
      if (theirs === null) {
        kept?.push(e);
        continue;
      }
      kept ??= entries.slice(0, i);
      if (mine!.length > 0) kept.push({ ...e, [ps.field]: mine });
      moved.push({ ...e, [ps.field]: theirs });
      movedTopics.push(name as string);
    }
    if (kept === null) return this.h.handle(req, ctx);
    return this.partitionsSplit(req, ctx, shape.field, kept, moved, movedTopics);
  }

  private async partitionsSplit(req: Obj, ctx: RequestContext, field: string, kept: Obj[], moved: Obj[], movedTopics: string[]): Promise<unknown> {
    const v = ctx.apiVersion;
    const rs = this.h.response;
    const acks0 = this.h.apiKey === PRODUCE && req.acks === 0;
    let response: Obj | null;
    if (kept.length > 0) {
      const handled = (await this.h.handle({ ...req, [field]: kept }, ctx)) as Obj | null;
      response = handled === null ? null : { ...handled };
    } else {
      response = acks0 ? null : blankStruct(rs.fields, v);
    }
    // Kafka answers an acks=0 produce it cannot take by closing the connection, so the client refreshes its metadata.
    if (acks0) throw new ProtocolError('acks=0 produce to a partition this node does not lead (closing, as Kafka does)');
    if (response === null) return null;
    const entries = errorEntries(this.h.request, rs, v, moved, ErrorCode.NOT_LEADER_OR_FOLLOWER, this.resolve) ?? [];
    // KIP-951 (Kafka 3.7+): the current leader and its endpoint, from Fetch v16 and Produce v10.
    const hints = (this.h.apiKey === FETCH && v >= 16) || (this.h.apiKey === PRODUCE && v >= 10);
    const leaders = new Set<number>();
    if (hints) {
      const rsShape = topicShape(rs, v)!;
      entries.forEach((out, i) => {
        const topic = movedTopics[i]!;
        for (const p of out[rsShape.partitions!.field] as Obj[]) {
          const state = this.cluster.partition(topic, p[rsShape.partitions!.indexField!] as number);
          if (!state) continue;
          p.currentLeader = { leaderId: state.leader, leaderEpoch: state.leaderEpoch };
          if (state.leader >= 0) leaders.add(state.leader);
        }
      });
    }
    mergeEntries(rs, v, response, entries, this.resolve);
    if (hints && leaders.size > 0) {
      const known = new Set(((response.nodeEndpoints as Obj[] | undefined) ?? []).map((n) => n.nodeId as number));
      const add = [...leaders].filter((id) => !known.has(id)).map((id) => ({ nodeId: id, ...this.cluster.endpoint(id, ctx.listener), rack: null }));
      response.nodeEndpoints = [...((response.nodeEndpoints as Obj[] | undefined) ?? []), ...add];
    }
    return response;
  }

  // ---- Coordinators ---------------------------------------------------------------------

  coordinated(req: Obj, ctx: RequestContext): unknown {
    const node = ctx.nodeId;
    const route = node === undefined ? null : coordinatorRoute(this.h.apiKey, ctx.apiVersion);
    if (route === null) return this.h.handle(req, ctx);
    const local = (key: string): boolean => this.cluster.coordinator(route.topic, key) === node;
    switch (route.kind) {
      case 'key': {
        const key = route.key(req);
        if (key === null || local(key)) return this.h.handle(req, ctx);
        return this.notCoordinator(req, ctx.apiVersion);
      }
      case 'batch': {
        const all = req[route.reqField];
        if (!Array.isArray(all) || all.every((e) => local(route.keyOf(e)))) return this.h.handle(req, ctx);
        return this.batchSplit(req, ctx, route, all.filter((e) => local(route.keyOf(e))), all.filter((e) => !local(route.keyOf(e))));
      }
      case 'list': {
        const result = this.h.handle(req, ctx);
        const keep = (r: unknown): unknown => {
          if (r === null || typeof r !== 'object') return r;
          const list = (r as Obj)[route.resField];
          return Array.isArray(list) ? { ...(r as Obj), [route.resField]: list.filter((e: Obj) => local(e[route.resKey])) } : r;
        };
        return result instanceof Promise ? result.then(keep) : keep(result);
      }
    }
  }

  /** The whole request went to the wrong node: NOT_COORDINATOR where the response carries errors. */
  private notCoordinator(req: Obj, v: number): Obj {
    const rs = this.h.response;
    const out = blankStruct(rs.fields, v);
    if (this.h.apiKey === ADD_PARTITIONS_TO_TXN) {
      out.resultsByTopicV3AndBelow = partitionErrors((req.v3AndBelowTopics as Obj[]) ?? [], ErrorCode.NOT_COORDINATOR);
      return out;
    }
    if (hasTopLevelErrorCode(rs, v)) {
      out.errorCode = ErrorCode.NOT_COORDINATOR;
      return out;
    }
    // No top-level error code (OffsetCommit, TxnOffsetCommit, OffsetFetch v0-1): every partition carries it.
    const rq = topicShape(this.h.request, v);
    const named = rq ? req[rq.field] : null;
    if (Array.isArray(named)) {
      const entries = errorEntries(this.h.request, rs, v, named, ErrorCode.NOT_COORDINATOR, this.resolve);
      if (entries) mergeEntries(rs, v, out, entries, this.resolve);
    }
    return out;
  }

  private async batchSplit(req: Obj, ctx: RequestContext, route: BatchRoute, mine: unknown[], theirs: unknown[]): Promise<unknown> {
    const v = ctx.apiVersion;
    const rs = this.h.response;
    let response: Obj;
    if (mine.length > 0) {
      const handled = (await this.h.handle({ ...req, [route.reqField]: mine }, ctx)) as Obj | null;
      if (handled === null) return null;
      response = { ...handled };
    } else {
      response = blankStruct(rs.fields, v);
    }
    const elem = arrayElementFields(rs, route.resField);
    const errors = theirs.map((e) => route.errorEntry?.(e) ?? { ...(elem ? blankStruct(elem, v) : {}), [route.resKey]: route.keyOf(e), errorCode: ErrorCode.NOT_COORDINATOR });
    response[route.resField] = [...((response[route.resField] as Obj[] | undefined) ?? []), ...errors];
    return response;
  }
}

function arrayElementFields(schema: MessageSchema, name: string): readonly AnyField[] | null {
  const f = schema.fields.find((x) => x.name === name);
  const t = f?.type;
  if (typeof t === 'object' && t.kind === 'array' && typeof t.of === 'object' && t.of.kind === 'struct') return t.of.fields;
  return null;
}
