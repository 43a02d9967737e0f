/**
 * Authorization around the handlers. With an authorizer configured, every
 * handler is wrapped: the API's rule (src/security/resources.ts) looks at the
 * decoded request and either lets it through, denies it as a whole (an
 * error response of the API's shape, built by the same schema walkers fault
 * injection uses), or takes the unauthorized topics/groups/... out of the
 * request, lets the handler answer the rest, and adds error entries for
 * them; some rules only filter the handler's response (Metadata hides the
 * topics a principal may not describe). Without an authorizer nothing is
 * wrapped, so the default path pays nothing.
 */
import type { Broker } from '../broker.js';
import type { Handler, RequestContext } from '../handlers/handler.js';
import { blankStruct, errorEntries, fieldsAt, hasTopLevelErrorCode, mergeEntries, topicShape, ZERO_UUID, type TopicIdResolver } from '../admin/message-walk.js';
import { ErrorCode } from '../wire/error-codes.js';
import type { AnyField, MessageSchema } from '../wire/schema.js';
import type { Authorizer, Requester } from './authorizer.js';
import { ANONYMOUS } from './tls.js';

export type Obj = Record<string, any>;

/** Kafka's default messages of the authorization errors (Errors.X.message()). */
export const AUTH_MESSAGES: ReadonlyMap<number, string> = new Map([
  [ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Topic authorization failed.'],
  [ErrorCode.GROUP_AUTHORIZATION_FAILED, 'Group authorization failed.'],
  [ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.'],
  [ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 'Transactional Id authorization failed.'],
  [ErrorCode.ILLEGAL_SASL_STATE, 'Illegal SASL state.'],
]);

/** Codes about the request as a whole: top-level when the response has a top-level error code. */
const WHOLE_REQUEST_CODES = new Set<number>([
  ErrorCode.GROUP_AUTHORIZATION_FAILED,
  ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
  ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  ErrorCode.ILLEGAL_SASL_STATE,
]);

/** What a rule decided: the request the handler gets (null: not called) and how its response is completed. */
export interface Plan {
  request: Obj | null;
  finish(response: Obj | null): Obj | null;
}

/** Everything a rule needs about one request. */
export class AuthRequest {
  readonly resolve: TopicIdResolver;

  constructor(
    readonly handler: Handler,
    readonly version: number,
    readonly broker: Broker,
    private readonly authorizer: Authorizer,
    readonly who: Requester,
  ) {
    this.resolve = (id) => broker.store.topicById(id)?.name;
  }

  can(op: number, resourceType: number, name: string): boolean {
    return this.authorizer.authorize(this.who, op, resourceType, name);
  }

  canAny(op: number, resourceType: number): boolean {
    return this.authorizer.authorizeByResourceType(this.who, op, resourceType);
  }

  ops(resourceType: number, name: string): number {
    return this.authorizer.authorizedOperations(this.who, resourceType, name);
  }

  /** The whole request is refused with `code`. */
  deny(code: number, request: Obj, opts: { topLevel?: boolean } = {}): Plan {
    return { request: null, finish: () => errorResponse(this.handler, this.version, request, code, this.resolve, opts.topLevel ?? false) };
  }

  /** The request handled as it is; the response completed by `patch` (which may mutate it). */
  post(request: Obj, patch: (response: Obj) => void): Plan {
    return {
      request,
      finish: (response) => {
        if (response !== null) patch(response);
        return response;
      },
    };
  }

  /**
   * Takes the topic entries of the request's top-level topic array whose
   * topic `check` refuses (a non-zero code) out of the request; their
   * partitions (or the topic, for topic-level APIs) come back with that code.
   * Entries whose topic id is unknown stay for the handler to answer.
   */
  topics(request: Obj, check: (topic: string) => number): Plan | null {
    const v = this.version;
    const rq = topicShape(this.handler.request, v);
    const rs = topicShape(this.handler.response, v);
    if (!rq || !rs) throw new Error(`${this.handler.name} v${v}: no topic array to authorize`);
    const entries = request[rq.field];
    if (!Array.isArray(entries)) return null;
    const kept: Obj[] = [];
    const denied = new Map<number, Obj[]>();
    for (const e of entries as Obj[]) {
      const topic = this.entryTopic(e, rq);
      const code = topic === undefined ? 0 : check(topic);
      if (code === 0) kept.push(e);
      else {
        let list = denied.get(code);
        if (!list) denied.set(code, (list = []));
        list.push(e);
      }
    }
    if (denied.size === 0) return null;
    const errorEntriesOf = (): Obj[] => {
      const out: Obj[] = [];
      for (const [code, list] of denied) out.push(...withMessages(errorEntries(this.handler.request, this.handler.response, v, list, code, this.resolve) ?? [], code));
      return out;
    };
    return {
      request: kept.length > 0 ? { ...request, [rq.field]: kept } : null,
      finish: (response) => {
        const out = response === null ? blankStruct(this.handler.response.fields, v) : { ...response };
        mergeEntries(this.handler.response, v, out, errorEntriesOf(), this.resolve);
        return out;
      },
    };
  }

  /**
   * For requests listing named things (groups, resources, transactional ids…):
   * the entries `check` refuses are removed from `request[field]` and answered
   * by `entry(e, code)` appended to `response[respField]`.
   */
  named<E>(request: Obj, field: string, check: (e: E) => number, respField: string, entry: (e: E, code: number) => Obj): Plan | null {
    const list = request[field];
    if (!Array.isArray(list)) return null;
    const kept: E[] = [];
    const refused: Obj[] = [];
    for (const e of list as E[]) {
      const code = check(e);
      if (code === 0) kept.push(e);
      else refused.push(entry(e, code));
    }
    if (refused.length === 0) return null;
    return {
      request: kept.length > 0 ? { ...request, [field]: kept } : null,
      finish: (response) => {
        const out = response === null ? blankStruct(this.handler.response.fields, this.version) : { ...response };
        out[respField] = [...((out[respField] as Obj[] | undefined) ?? []), ...refused];
        return out;
      },
    };
  }

  /** A blank response (every field at its "unknown" value). */
  blank(): Obj {
    return blankStruct(this.handler.response.fields, this.version);
  }

  /** A blank element of the response array `field` (version-aware), with `values` set. */
  entry(field: string, values: Obj): Obj {
    const f = fieldsAt(this.handler.response.fields, this.version).find((x) => x.name === field);
    const elem = f && typeof f.type === 'object' && f.type.kind === 'array' && typeof f.type.of === 'object' && f.type.of.kind === 'struct' ? (f.type.of.fields as readonly AnyField[]) : [];
    const out = blankStruct(elem, this.version);
    for (const [k, val] of Object.entries(values)) if (k in out) out[k] = val;
    if ('errorMessage' in out && out.errorMessage === null && typeof values.errorCode === 'number') out.errorMessage = AUTH_MESSAGES.get(values.errorCode) ?? null;
    return out;
  }

  private entryTopic(e: Obj, shape: { nameField: string | null; idField: string | null }): string | undefined {
    const name = shape.nameField !== null ? e[shape.nameField] : undefined;
    if (typeof name === 'string' && name !== '') return name;
    const id = shape.idField !== null ? e[shape.idField] : undefined;
    if (typeof id === 'string' && id !== ZERO_UUID) return this.resolve(id);
    return typeof name === 'string' ? name : undefined;
  }
}

/** Chains a response patch after a plan (or after the plain handler when `plan` is null). */
export function andThen(r: AuthRequest, request: Obj, plan: Plan | null, patch: (response: Obj) => void): Plan {
  if (plan === null) return r.post(request, patch);
  return {
    request: plan.request,
    finish: (response) => {
      const out = plan.finish(response);
      if (out !== null) patch(out);
      return out;
    },
  };
}

function withMessages(entries: Obj[], code: number): Obj[] {
  const msg = AUTH_MESSAGES.get(code);
  if (msg === undefined) return entries;
  for (const e of entries) if ('errorMessage' in e && e.errorMessage === null) e.errorMessage = msg;
  return entries;
}

/**
 * A response refusing the whole request with `code`, shaped for the API and
 * version: the top-level error code for request-level errors (group, cluster,
 * transactional id) when the response has one; otherwise every requested
 * topic/partition carries it; otherwise the top-level code, if any.
 */
export function errorResponse(handler: Handler, version: number, request: Obj, code: number, resolve: TopicIdResolver, forceTopLevel = false): Obj {
  const rs: MessageSchema = handler.response;
  const top = hasTopLevelErrorCode(rs, version);
  const out = blankStruct(rs.fields, version);
  const setTop = (): Obj => {
    out.errorCode = code;
    if ('errorMessage' in out && out.errorMessage === null) out.errorMessage = AUTH_MESSAGES.get(code) ?? null;
    return out;
  };
  if (top && (forceTopLevel || WHOLE_REQUEST_CODES.has(code))) return setTop();
  const rqShape = topicShape(handler.request, version);
  if (rqShape && topicShape(rs, version)) {
    const entries = request[rqShape.field];
    if (Array.isArray(entries) && entries.length > 0) {
      mergeEntries(rs, version, out, withMessages(errorEntries(handler.request, rs, version, entries as Obj[], code, resolve) ?? [], code), resolve);
      return out;
    }
  }
  return top ? setTop() : out;
}

/** A rule: null lets the request through unchanged. */
export type Rule = (request: Obj, r: AuthRequest) => Plan | null;

/**
 * Wraps a handler with its rule. The wrapped handler has the same key,
 * versions and schemas, so ApiVersions, version emulation, metrics, recording
 * and fault injection see no difference.
 */
export function authorizing(handler: Handler, rule: Rule, broker: Broker, authorizer: Authorizer): Handler {
  const handle = (request: Obj, ctx: RequestContext): unknown => {
    const session = ctx.session;
    const who: Requester = { principal: session?.principal ?? ANONYMOUS, host: session?.clientHost ?? '' };
    const r = new AuthRequest(handler, ctx.apiVersion, broker, authorizer, who);
    const plan = rule(request, r);
    if (plan === null) return handler.handle(request, ctx);
    // Produce with acks=0 gets no response, whatever happens.
    const noResponse = handler.apiKey === 0 && request.acks === 0;
    const req = plan.request;
    if (req === null) return noResponse ? null : plan.finish(null);
    const result = handler.handle(req, ctx);
    const done = (response: unknown): unknown => (response === null && noResponse ? null : plan.finish(response as Obj | null));
    return result instanceof Promise ? result.then(done) : done(result);
  };
  return { ...handler, handle };
}

/** For handlers that check authorization themselves: may this request's principal perform `op` on the resource? True without an authorizer. */
export function allowedFor(ctx: RequestContext, op: number, resourceType: number, name: string): boolean {
  const authorizer = ctx.broker.security?.authorizer;
  if (!authorizer) return true;
  return authorizer.authorize({ principal: ctx.session?.principal ?? ANONYMOUS, host: ctx.session?.clientHost ?? '' }, op, resourceType, name);
}
