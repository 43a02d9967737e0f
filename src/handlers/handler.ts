/**
 * What one handler file exports: the API it serves, the versions it supports
 * (the source of truth for ApiVersions and the README table), and a function
 * from a decoded request to a response value (null: send no response).
 */
import type { Logger } from 'pino';
import type { Broker } from '../broker.js';
import type { Session } from '../security/session.js';
import { registerApi } from '../wire/codecs.js';
import type { DecodedMessage, InputMessage, MessageSchema } from '../wire/schema.js';

export interface RequestContext {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  readonly broker: Broker;
  /** Simulated cluster: the node the request was sent to (leaders and coordinators are checked against it); undefined: no routing. */
  readonly nodeId?: number | undefined;
  readonly log: Logger;
  /** Name of the listener the request came in on (Metadata advertises that listener's address). */
  readonly listener?: string | undefined;
  /** Principal, client address and SASL state of the connection (src/security); absent on the default PLAINTEXT path. */
  readonly session?: Session | undefined;
  /**
   * Aborts when the client's connection closes or the client stops sending (FIN): a
   * long wait (a Fetch's max_wait_ms, up to ~24 days) should answer now instead of
   * holding the connection and its resources. Absent when handlers are called directly.
   */
  readonly peerGone?: AbortSignal | undefined;
  /** Runs a function once the response has been written to the socket (e.g. to recycle read buffers); absent when handlers are called directly. */
  readonly afterWrite?: ((fn: () => void) => void) | undefined;
}

export type HandlerResult<T> = T | null | Promise<T | null>;

export interface Handler {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly request: MessageSchema;
  readonly response: MessageSchema;
  handle(request: any, ctx: RequestContext): HandlerResult<unknown>;
}

export function defineHandler<Req extends MessageSchema, Res extends MessageSchema>(
  request: Req,
  response: Res,
  versions: { min: number; max: number },
  handle: (request: DecodedMessage<Req>, ctx: RequestContext) => HandlerResult<InputMessage<Res>>,
): Handler {
  registerApi(request, response);
  return {
    apiKey: request.apiKey,
    name: request.name.replace(/Request$/, ''),
    minVersion: versions.min,
    maxVersion: versions.max,
    request,
    response,
    handle,
  };
}
