/** Helpers shared by the group and offset handlers. */
import type { RequestContext } from './handler.js';

/**
 * The client's address as Kafka reports it in DescribeGroups ("/127.0.0.1"),
 * taken from the connection logger's `remote` binding ("host:port").
 */
export function clientHost(ctx: RequestContext): string {
  const remote = (ctx.log.bindings() as { remote?: unknown }).remote;
  if (typeof remote !== 'string' || remote === 'unknown') return '';
  const m = /^\[(.*)\]:\d+$/.exec(remote) ?? /^(.*):\d+$/.exec(remote);
  return `/${m ? m[1] : remote}`;
}

/** Kafka's group ACL operations (READ, DELETE, DESCRIBE) as DescribeGroups reports them; there is no authorizer. */
export const GROUP_AUTHORIZED_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);
export const AUTH_OPS_UNKNOWN = -2147483648;
