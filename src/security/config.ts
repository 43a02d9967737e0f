/**
 * Security settings: the BrokerConfig fields (flags, startBroker options), the
 * Kafka-named properties of a config file that set them, and their
 * validation with the defaults applied.
 *
 * | setting | property | flag |
 * |---|---|---|
 * | listeners | `listeners` | `--listener` (repeatable) |
 * | advertisedListeners | `advertised.listeners` | `--advertised-listener` |
 * | listenerSecurityProtocolMap | `listener.security.protocol.map` | |
 * | sslKey, sslCert | `ssl.keystore.location` (PEM with key and chain, `ssl.keystore.type=PEM`) | `--ssl-key`, `--ssl-cert` |
 * | sslCa | `ssl.truststore.location` (PEM) | `--ssl-ca` |
 * | sslKeyPassword | `ssl.key.password` | |
 * | sslClientAuth | `ssl.client.auth` | `--ssl-client-auth` |
 * | saslEnabledMechanisms | `sasl.enabled.mechanisms` | `--sasl-mechanisms` |
 * | saslUsers | `sasl.users` (kafkalite: `alice:secret,bob:pw`) | `--sasl-user` |
 * | saslUsersFile | `sasl.users.file` (kafkalite) | `--sasl-users-file` |
 * | superUsers | `super.users` (`User:a;User:b`) | `--super-users` |
 * | authorizer | `authorizer.class.name` (any non-empty value) | `--authorizer` |
 * | allowEveryoneIfNoAclFound | `allow.everyone.if.no.acl.found` | `--allow-everyone-if-no-acl-found` |
 * | connectionsMaxReauthMs | `connections.max.reauth.ms` | `--connections-max-reauth-ms` |
 * | saslOauthbearerJaasConfig | `listener.name.<listener>.oauthbearer.sasl.jaas.config` (listeners without their own) | `--sasl-oauthbearer-jaas-config` |
 *
 * Per listener, read from the properties (config file, `properties`) as Kafka reads them,
 * each winning over the setting for every listener:
 * `listener.name.<listener, lower case>.sasl.enabled.mechanisms`,
 * `listener.name.<listener>.oauthbearer.sasl.jaas.config` (the OAUTHBEARER validator's options)
 * and `listener.name.<listener>.oauthbearer.sasl.server.callback.handler.class` (only Kafka's
 * default, the unsecured validator, is implemented). An unprefixed `sasl.jaas.config` is
 * ignored with Kafka's warning.
 */
import type { BrokerConfig } from '../config/broker-config.js';
import type { BrokerConfigDef } from '../config/broker-configs.js';
import { serverJaasEntry } from './jaas.js';
import { isSasl, parseAdvertisedListeners, parseListeners, splitList, type Endpoint, type ListenerSpec } from './listeners.js';
import { OAUTHBEARER, UNSECURED_VALIDATOR_CALLBACK_HANDLER, unsecuredValidatorOptions, type UnsecuredValidatorOptions } from './sasl/oauthbearer.js';
import { parseClientAuth, type ClientAuth } from './tls.js';

/** The SASL mechanisms kafkalite implements. */
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'] as const;
/** `sasl.enabled.mechanisms` when not set. OAUTHBEARER (unsecured tokens: anyone can claim any name) only when asked for, as in Kafka. */
export const DEFAULT_SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

/** `listener.name.<listener>.oauthbearer.<suffix>`: Kafka's per-listener, per-mechanism broker config names (the listener in lower case). */
export function listenerMechanismConfig(listener: string, mechanism: string, suffix: string): string {
  return `listener.name.${listener.toLowerCase()}.${mechanism.toLowerCase()}.${suffix}`;
}

const LISTENER_SECURITY_CONFIG = /^listener\.name\.[^.]+\.(sasl\.enabled\.mechanisms|oauthbearer\.sasl\.jaas\.config|oauthbearer\.sasl\.server\.callback\.handler\.class)$/;

/** Listener-prefixed properties the security settings read (not "unknown broker configs"). */
export function isListenerSecurityProperty(name: string): boolean {
  return LISTENER_SECURITY_CONFIG.test(name);
}

/** Broker configs of the security features, for the DescribeConfigs catalog (all read-only: they apply at start-up). */
export function securityConfigDefs(): BrokerConfigDef[] {
  const d = (name: string, type: BrokerConfigDef['type'], defaultValue: string | null, doc: string): BrokerConfigDef => ({ name, type, defaultValue, mode: 'read-only', doc });
  return [
    d('listener.security.protocol.map', 'string', 'SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT', 'Map between listener names and security protocols.'),
    d('ssl.keystore.location', 'string', null, 'The location of the key store file (PEM: the private key and the certificate chain).'),
    d('ssl.keystore.type', 'string', 'JKS', 'The file format of the key store file (kafkalite reads PEM only).'),
    d('ssl.truststore.location', 'string', null, 'The location of the trust store file (PEM certificates).'),
    d('ssl.truststore.type', 'string', 'JKS', 'The file format of the trust store file (kafkalite reads PEM only).'),
    d('ssl.client.auth', 'string', 'none', 'Configures kafka broker to request client authentication: required, requested or none.'),
    d('sasl.enabled.mechanisms', 'list', DEFAULT_SASL_MECHANISMS.join(','), 'The list of SASL mechanisms enabled in the Kafka server.'),
    d('sasl.jaas.config', 'password', null, 'JAAS login context parameters for SASL connections; a broker reads it prefixed with listener and mechanism (listener.name.<listener>.oauthbearer.sasl.jaas.config) and ignores it unprefixed.'),
    d('sasl.users', 'password', null, 'kafkalite: SASL users as name:password pairs, comma-separated (salted at start-up).'),
    d('sasl.users.file', 'string', null, 'kafkalite: a JSON file of SASL users (passwords or salted SCRAM credentials).'),
    d('super.users', 'string', '', 'List of users that will have super user access to all resources, semicolon-separated (User:alice;User:bob).'),
    d('authorizer.class.name', 'string', '', 'The fully qualified name of a class that implements the Authorizer interface; kafkalite enables its ACL authorizer for any non-empty value.'),
    d('allow.everyone.if.no.acl.found', 'boolean', 'false', 'When set to true, if a resource has no associated ACLs, any principal is allowed to access it.'),
    d('connections.max.reauth.ms', 'long', '0', 'When explicitly set to a positive number, SASL sessions expire after this long and clients must re-authenticate (KIP-368).'),
  ];
}

/** Typed settings from Kafka-named properties (a config file). */
export function securitySettingsFromProperties(props: Readonly<Record<string, string>>): Partial<BrokerConfig> {
  const out: Partial<BrokerConfig> = {};
  const get = (k: string): string | undefined => {
    const v = props[k];
    return v === undefined ? undefined : v.trim();
  };
  // One PLAINTEXT listener is what host/port (and advertisedHost/advertisedPort) already say: no listener list then.
  const onlyPlaintext = (list: string[]): boolean => list.length === 1 && /^PLAINTEXT:\/\//i.test(list[0]!);
  const listeners = get('listeners');
  if (listeners !== undefined && !onlyPlaintext(splitList(listeners))) out.listeners = splitList(listeners);
  const advertised = get('advertised.listeners');
  if (advertised !== undefined && !onlyPlaintext(splitList(advertised))) out.advertisedListeners = splitList(advertised);
  const map = get('listener.security.protocol.map');
  if (map !== undefined) out.listenerSecurityProtocolMap = map;
  for (const [k, what] of [
    ['ssl.keystore.type', 'key store'],
    ['ssl.truststore.type', 'trust store'],
  ] as const) {
    const t = get(k);
    if (t !== undefined && t.toUpperCase() !== 'PEM') throw new Error(`Invalid value ${t} for configuration ${k}: kafkalite reads PEM ${what}s only (ssl.keystore.type=PEM)`);
  }
  const keystore = get('ssl.keystore.location');
  if (keystore !== undefined) {
    out.sslKey = keystore;
    out.sslCert = keystore;
  }
  const truststore = get('ssl.truststore.location');
  if (truststore !== undefined) out.sslCa = truststore;
  const keyPassword = get('ssl.key.password');
  if (keyPassword !== undefined) out.sslKeyPassword = keyPassword;
  const clientAuth = get('ssl.client.auth');
  if (clientAuth !== undefined) out.sslClientAuth = parseClientAuth(clientAuth);
  const mechanisms = get('sasl.enabled.mechanisms');
  if (mechanisms !== undefined) out.saslEnabledMechanisms = splitList(mechanisms);
  const users = props['sasl.users'];
  if (users !== undefined) out.saslUsers = splitList(users);
  const usersFile = get('sasl.users.file');
  if (usersFile !== undefined) out.saslUsersFile = usersFile;
  const superUsers = get('super.users');
  if (superUsers !== undefined) out.superUsers = splitPrincipals(superUsers);
  const authorizer = get('authorizer.class.name');
  if (authorizer !== undefined) out.authorizer = authorizer !== '';
  const everyone = get('allow.everyone.if.no.acl.found');
  if (everyone !== undefined) out.allowEveryoneIfNoAclFound = everyone.toLowerCase() === 'true';
  const reauth = get('connections.max.reauth.ms');
  if (reauth !== undefined) out.connectionsMaxReauthMs = Number(reauth);
  return out;
}

/** Kafka-named properties for typed settings given as flags/options (DescribeConfigs reports them as static). */
export function securityPropertiesFromSettings(s: Partial<BrokerConfig>): Record<string, string> {
  const out: Record<string, string> = {};
  if (s.listeners !== undefined) out.listeners = s.listeners.join(',');
  if (s.advertisedListeners !== undefined) out['advertised.listeners'] = s.advertisedListeners.join(',');
  if (s.listenerSecurityProtocolMap !== undefined) out['listener.security.protocol.map'] = s.listenerSecurityProtocolMap;
  if (s.sslCert !== undefined) out['ssl.keystore.location'] = s.sslCert;
  if (s.sslCa !== undefined) out['ssl.truststore.location'] = s.sslCa;
  if (s.sslClientAuth !== undefined) out['ssl.client.auth'] = s.sslClientAuth;
  if (s.saslEnabledMechanisms !== undefined) out['sasl.enabled.mechanisms'] = s.saslEnabledMechanisms.join(',');
  if (s.saslUsers !== undefined) out['sasl.users'] = s.saslUsers.map((u) => u.replace(/:.*/s, ':[hidden]')).join(',');
  if (s.saslUsersFile !== undefined) out['sasl.users.file'] = s.saslUsersFile;
  if (s.superUsers !== undefined) out['super.users'] = s.superUsers.join(';');
  if (s.authorizer !== undefined) out['authorizer.class.name'] = s.authorizer ? 'org.apache.kafka.metadata.authorizer.StandardAuthorizer' : '';
  if (s.allowEveryoneIfNoAclFound !== undefined) out['allow.everyone.if.no.acl.found'] = String(s.allowEveryoneIfNoAclFound);
  if (s.connectionsMaxReauthMs !== undefined) out['connections.max.reauth.ms'] = String(s.connectionsMaxReauthMs);
  return out;
}

/** `User:a;User:b` (Kafka's separator: principals such as certificate subjects contain commas). */
export function splitPrincipals(value: string | readonly string[]): string[] {
  const items = typeof value === 'string' ? [value] : value;
  const out = items.flatMap((v) => v.split(';')).map((s) => s.trim()).filter(Boolean);
  for (const p of out) if (!p.includes(':')) throw new Error(`super.users: '${p}' is not a principal (expected Type:name, e.g. User:admin)`);
  return out;
}

/** Security settings with defaults applied and everything validated. */
export interface ResolvedSecurity {
  listeners: ListenerSpec[];
  /** Explicitly advertised addresses, by listener name. */
  advertised: Map<string, Endpoint>;
  tls: { keyFile: string; certFile: string; caFile?: string; keyPassword?: string; clientAuth: ClientAuth } | null;
  /** `sasl.enabled.mechanisms`. */
  mechanisms: string[];
  /** The mechanisms of each SASL listener (`listener.name.<listener>.sasl.enabled.mechanisms`, else `mechanisms`). */
  listenerMechanisms: Map<string, string[]>;
  saslUsers: string[];
  saslUsersFile: string | undefined;
  superUsers: string[];
  authorizer: boolean;
  allowEveryoneIfNoAclFound: boolean;
  reauthMs: number;
  /** OAUTHBEARER validator options by listener name (listeners with a JAAS config; the others get Kafka's defaults). */
  oauthBearer: Map<string, UnsecuredValidatorOptions>;
}

export function resolveSecurity(c: BrokerConfig): ResolvedSecurity {
  const listeners = c.listeners !== undefined && c.listeners.length > 0 ? parseListeners(c.listeners, c.listenerSecurityProtocolMap) : [{ name: 'PLAINTEXT', protocol: 'PLAINTEXT' as const, host: c.host, port: c.port }];
  const advertised = parseAdvertisedListeners(c.advertisedListeners, listeners);
  // --advertised-host/--advertised-port describe the first listener unless it has an advertised.listeners entry.
  const first = listeners[0]!;
  if (!advertised.has(first.name) && (c.advertisedHost !== undefined || c.advertisedPort !== undefined) && c.advertisedListeners === undefined) {
    advertised.set(first.name, { host: c.advertisedHost ?? '', port: c.advertisedPort ?? -1 });
  }
  const needsTls = listeners.some((l) => l.protocol === 'SSL' || l.protocol === 'SASL_SSL');
  let tls: ResolvedSecurity['tls'] = null;
  if (needsTls) {
    if (!c.sslKey || !c.sslCert) throw new Error(`listener ${listeners.find((l) => l.protocol === 'SSL' || l.protocol === 'SASL_SSL')!.name} uses TLS: give a PEM key and certificate (--ssl-key, --ssl-cert; config: ssl.keystore.location with ssl.keystore.type=PEM)`);
    tls = {
      keyFile: c.sslKey,
      certFile: c.sslCert,
      clientAuth: parseClientAuth(c.sslClientAuth),
      ...(c.sslCa ? { caFile: c.sslCa } : {}),
      ...(c.sslKeyPassword !== undefined ? { keyPassword: c.sslKeyPassword } : {}),
    };
  }
  const parseMechanisms = (list: readonly string[], configName: string): string[] => {
    const out = list.map((m) => m.trim().toUpperCase()).filter(Boolean);
    for (const m of out) {
      if (!(SASL_MECHANISMS as readonly string[]).includes(m)) throw new Error(`${configName}: ${m} is not supported (kafkalite supports ${SASL_MECHANISMS.join(', ')})`);
    }
    return out;
  };
  const mechanisms = parseMechanisms(c.saslEnabledMechanisms ?? DEFAULT_SASL_MECHANISMS, 'sasl.enabled.mechanisms');
  const listenerMechanisms = new Map<string, string[]>();
  for (const l of listeners) {
    if (!isSasl(l.protocol)) continue;
    const name = `listener.name.${l.name.toLowerCase()}.sasl.enabled.mechanisms`;
    const own = c.properties?.[name];
    const list = own !== undefined ? parseMechanisms(splitList(own), name) : mechanisms;
    if (list.length === 0) throw new Error(`${own !== undefined ? name : 'sasl.enabled.mechanisms'}: a SASL listener needs at least one mechanism (listener ${l.name})`);
    listenerMechanisms.set(l.name, list);
  }
  const reauthMs = c.connectionsMaxReauthMs ?? 0;
  if (!Number.isInteger(reauthMs) || reauthMs < 0) throw new Error(`Invalid value ${reauthMs} for configuration connections.max.reauth.ms: must be a non-negative integer`);
  const oauthBearer = oauthBearerListenerOptions(c, listeners.filter((l) => listenerMechanisms.get(l.name)?.includes(OAUTHBEARER)));
  return {
    listeners,
    advertised,
    tls,
    mechanisms,
    listenerMechanisms,
    saslUsers: c.saslUsers ?? [],
    saslUsersFile: c.saslUsersFile,
    superUsers: c.superUsers ? splitPrincipals(c.superUsers) : [],
    authorizer: c.authorizer ?? false,
    allowEveryoneIfNoAclFound: c.allowEveryoneIfNoAclFound ?? false,
    reauthMs,
    oauthBearer,
  };
}

/**
 * The OAUTHBEARER validator options of the listeners where it is enabled, from their JAAS
 * config (`listener.name.<listener>.oauthbearer.sasl.jaas.config`, else
 * `--sasl-oauthbearer-jaas-config`; neither: Kafka's defaults). A server callback handler
 * other than Kafka's default is refused: kafkalite has no other.
 */
function oauthBearerListenerOptions(c: BrokerConfig, listeners: readonly ListenerSpec[]): Map<string, UnsecuredValidatorOptions> {
  const props = c.properties ?? {};
  const out = new Map<string, UnsecuredValidatorOptions>();
  for (const l of listeners) {
    const handlerName = listenerMechanismConfig(l.name, OAUTHBEARER, 'sasl.server.callback.handler.class');
    const handler = props[handlerName]?.trim();
    if (handler !== undefined && handler !== '' && handler !== UNSECURED_VALIDATOR_CALLBACK_HANDLER) {
      throw new Error(`Invalid value ${handler} for configuration ${handlerName}: kafkalite implements only Kafka's default OAUTHBEARER validator, ${UNSECURED_VALIDATOR_CALLBACK_HANDLER} (unsecured JWTs)`);
    }
    const jaasName = listenerMechanismConfig(l.name, OAUTHBEARER, 'sasl.jaas.config');
    const jaas = props[jaasName] ?? c.saslOauthbearerJaasConfig;
    if (jaas === undefined) continue;
    const where = props[jaasName] !== undefined ? `configuration ${jaasName}` : '--sasl-oauthbearer-jaas-config';
    try {
      out.set(l.name, unsecuredValidatorOptions(serverJaasEntry(jaas).options));
    } catch (err) {
      throw new Error(`Invalid value for ${where}: ${(err as Error).message}`);
    }
  }
  return out;
}
