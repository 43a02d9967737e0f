/**
 * Request recording for test assertions: while started, every request the
 * broker decodes is appended (API, version, client id, correlation id, topic
 * names, and the fault rules that fired on it). Read back with `entries()` or
 * `GET /recording`. Bounded: past `limit` entries the oldest are dropped.
 */

export interface RecordedRequest {
  /** Milliseconds since the epoch, when the request was dispatched. */
  time: number;
  /** Connection number (the server counts connections from 1). */
  connection: number;
  /** Simulated cluster: the node the request was sent to. */
  nodeId?: number;
  apiKey: number;
  apiName: string;
  apiVersion: number;
  clientId: string | null;
  correlationId: number;
  /** Topic names in the request (ids resolved), in order of appearance. */
  topics: string[];
  /** Ids of the fault rules that fired on this request, when any. */
  faults?: string[];
  /** The broker refused it (unsupported API or version): the connection was closed, or ApiVersions got UNSUPPORTED_VERSION. */
  refused?: true;
}

export const DEFAULT_RECORDING_LIMIT = 100_000;

export class Recording {
  private list: RecordedRequest[] = [];
  private on = false;

  constructor(readonly limit = DEFAULT_RECORDING_LIMIT) {}

  /** Starts recording (entries recorded so far are kept; `clear()` drops them). */
  start(): void {
    this.on = true;
  }

  stop(): void {
    this.on = false;
  }

  get active(): boolean {
    return this.on;
  }

  clear(): void {
    this.list = [];
  }

  /** A copy of the entries, oldest first; `filter` keeps matching ones. */
  entries(filter?: (e: RecordedRequest) => boolean): RecordedRequest[] {
    return filter ? this.list.filter(filter) : [...this.list];
  }

  add(e: RecordedRequest): void {
    if (!this.on) return;
    this.list.push(e);
    if (this.list.length > this.limit) this.list.splice(0, this.list.length - this.limit);
  }
}
