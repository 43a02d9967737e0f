/**
 * Listener specs as Kafka writes them (`listeners`, `advertised.listeners`,
 * `listener.security.protocol.map`): `NAME://host:port`, where NAME is a
 * security protocol (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL) or a name the
 * protocol map assigns one to. An empty host listens on every interface;
 * IPv6 hosts go in brackets.
 */

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
export const SECURITY_PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

export interface ListenerSpec {
  /** Listener name (the protocol itself unless a protocol map names it). */
  name: string;
  protocol: SecurityProtocol;
  /** Interface to bind ('' = all, reported as 0.0.0.0). */
  host: string;
  port: number;
}

export interface Endpoint {
  host: string;
  port: number;
}

export const isTls = (p: SecurityProtocol): boolean => p === 'SSL' || p === 'SASL_SSL';
export const isSasl = (p: SecurityProtocol): boolean => p === 'SASL_PLAINTEXT' || p === 'SASL_SSL';

/** Splits list values given as one comma-separated string or several strings. */
export function splitList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const items = typeof value === 'string' ? [value] : value;
  return items.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
}

/** `INTERNAL:SASL_SSL,EXTERNAL:SSL` → name → protocol (the four protocols always map to themselves). */
export function parseProtocolMap(value: string | undefined): Map<string, SecurityProtocol> {
  const map = new Map<string, SecurityProtocol>(SECURITY_PROTOCOLS.map((p) => [p, p]));
  for (const item of splitList(value)) {
    const i = item.lastIndexOf(':');
    const name = item.slice(0, i).trim().toUpperCase();
    const proto = item.slice(i + 1).trim().toUpperCase() as SecurityProtocol;
    if (i <= 0 || !SECURITY_PROTOCOLS.includes(proto)) throw new Error(`Invalid value ${value} for configuration listener.security.protocol.map: expected NAME:PROTOCOL pairs (protocols: ${SECURITY_PROTOCOLS.join(', ')})`);
    map.set(name, proto);
  }
  return map;
}

const URI_RE = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:/[\]]*):(\d+)$/;

/** One `NAME://host:port`. */
export function parseEndpoint(spec: string, configName = 'listeners'): { name: string; host: string; port: number } {
  const m = URI_RE.exec(spec.trim());
  if (!m) throw new Error(`Invalid value ${spec} for configuration ${configName}: expected NAME://host:port, e.g. SASL_SSL://127.0.0.1:9094`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`Invalid value ${spec} for configuration ${configName}: port out of range`);
  return { name: m[1]!.toUpperCase(), host: m[2]!.replace(/^\[|\]$/g, ''), port };
}

/** `listeners`: every listener with its protocol; names must be unique, and so must non-zero ports. */
export function parseListeners(value: string | readonly string[], protocolMap?: string): ListenerSpec[] {
  const map = parseProtocolMap(protocolMap);
  const out: ListenerSpec[] = [];
  for (const item of splitList(value)) {
    const { name, host, port } = parseEndpoint(item);
    const protocol = map.get(name);
    if (!protocol) throw new Error(`Invalid value ${item} for configuration listeners: no security protocol for listener ${name} (use ${SECURITY_PROTOCOLS.join(', ')}, or listener.security.protocol.map)`);
    if (out.some((l) => l.name === name)) throw new Error(`Each listener must have a different name, listeners: ${splitList(value).join(',')}`);
    if (port !== 0 && out.some((l) => l.port === port && (l.host === host || l.host === '' || host === ''))) {
      throw new Error(`Each listener must have a different port, listeners: ${splitList(value).join(',')}`);
    }
    out.push({ name, protocol, host, port });
  }
  if (out.length === 0) throw new Error('listeners: at least one listener is required');
  return out;
}

/** `advertised.listeners`: listener name → advertised address; every name must be a listener. */
export function parseAdvertisedListeners(value: string | readonly string[] | undefined, listeners: readonly ListenerSpec[]): Map<string, Endpoint> {
  const out = new Map<string, Endpoint>();
  for (const item of splitList(value)) {
    const { name, host, port } = parseEndpoint(item, 'advertised.listeners');
    if (!listeners.some((l) => l.name === name)) throw new Error(`advertised.listeners listener names must be equal to or a subset of the ones defined in listeners: ${name} is not a listener`);
    if (host === '') throw new Error(`advertised.listeners: ${item} has no host (clients cannot connect to an empty host)`);
    out.set(name, { host, port });
  }
  return out;
}

/** What a listener bound to `host` tells clients when nothing is advertised: a wildcard becomes 127.0.0.1. */
export function defaultAdvertisedHost(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
}

export function formatHostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
