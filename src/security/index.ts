/**
 * The broker's security: listeners with their protocols, TLS, SASL users and
 * credentials, ACLs and the authorizer. `broker.security` is always there;
 * with the default configuration (one PLAINTEXT listener, no authorizer) it
 * adds nothing to the request path.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { Broker } from '../broker.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { Handler } from '../handlers/handler.js';
import type { Connection, Dispatch } from '../server/connection.js';
import type { ListenerConfig } from '../server/server.js';
import { READINESS_CLIENT_ID } from '../admin/readiness.js';
import { encodeRequestFrame } from '../wire/header.js';
import { AclStore } from './acl-store.js';
import { Authorizer } from './authorizer.js';
import { resolveSecurity, type ResolvedSecurity } from './config.js';
import { CredentialStore } from './credentials.js';
import { authorizing } from './enforce.js';
import { defaultAdvertisedHost, isSasl, isTls, type Endpoint, type ListenerSpec } from './listeners.js';
import { AUTH_RULES, DEFAULT_RULE } from './resources.js';
import { saslGate } from './sasl-gate.js';
import { normalizeHost, Session, type SaslSettings } from './session.js';
import { ANONYMOUS, tlsPrincipal, tlsServerOptions } from './tls.js';

export interface BoundListenerInfo extends ListenerSpec {
  /** The port actually bound (differs from `port` when 0 was asked). */
  boundPort: number;
  /** What clients connecting through this listener are told (Metadata, FindCoordinator, DescribeCluster). */
  advertised: Endpoint;
}

export class Security {
  readonly settings: ResolvedSecurity;
  readonly credentials: CredentialStore;
  readonly acls: AclStore;
  /** Null without `--authorizer` / `authorizer.class.name`: every request is allowed, as in Kafka. */
  readonly authorizer: Authorizer | null;
  readonly sasl: SaslSettings;
  private bound: BoundListenerInfo[] = [];

  constructor(
    config: BrokerConfig,
    private readonly logger: Logger,
  ) {
    this.settings = resolveSecurity(config);
    const dataDir = config.inMemory ? null : config.dataDir;
    this.credentials = new CredentialStore(dataDir);
    for (const spec of this.settings.saslUsers) this.credentials.addUserSpec(spec);
    if (this.settings.saslUsersFile) this.credentials.addUsersFile(this.settings.saslUsersFile);
    this.acls = new AclStore(dataDir);
    this.authorizer = this.settings.authorizer ? new Authorizer(this.acls, { superUsers: this.settings.superUsers, allowEveryoneIfNoAclFound: this.settings.allowEveryoneIfNoAclFound }) : null;
    // Emulating Kafka 4.x (--kafka-version): its strict SCRAM nonce check, which refuses librdkafka before 2.6.1.
    const strictScramNonce = config.kafkaVersion !== undefined && Number.parseInt(config.kafkaVersion, 10) >= 4;
    this.sasl = {
      mechanisms: this.settings.mechanisms,
      listenerMechanisms: this.settings.listenerMechanisms,
      credentials: this.credentials,
      reauthMs: this.settings.reauthMs,
      strictScramNonce,
      oauthBearer: this.settings.oauthBearer,
    };
    // Kafka's JaasContext.loadServerContext: a broker reads JAAS configs prefixed with listener and mechanism only.
    if (config.properties?.['sasl.jaas.config'] !== undefined) logger.warn({ config: 'sasl.jaas.config' }, 'Server config sasl.jaas.config should be prefixed with SASL mechanism name, ignoring config (listener.name.<listener>.oauthbearer.sasl.jaas.config)');
    const oauthListeners = [...this.settings.listenerMechanisms].filter(([, m]) => m.includes('OAUTHBEARER')).map(([l]) => l);
    if (oauthListeners.length > 0) logger.warn({ listeners: oauthListeners }, "SASL/OAUTHBEARER enabled with unsecured JWTs (Kafka's default validator): any client can claim any principal");
  }

  get listeners(): readonly ListenerSpec[] {
    return this.settings.listeners;
  }

  /** Whether connections need a Session (principal, SASL state): any non-PLAINTEXT listener, or an authorizer. */
  get sessions(): boolean {
    return this.authorizer !== null || this.settings.listeners.some((l) => l.protocol !== 'PLAINTEXT');
  }

  /** Reads the ACLs and the SCRAM credentials changed at run time (data dir). */
  load(): void {
    this.acls.load();
    this.credentials.load();
    if (this.authorizer) this.logger.info({ acls: this.acls.size, superUsers: this.settings.superUsers, allowEveryoneIfNoAclFound: this.settings.allowEveryoneIfNoAclFound }, 'ACL authorizer enabled');
  }

  /** The handler table as the dispatcher should use it: each handler wrapped with its authorization rule when there is an authorizer. */
  wrapHandlers(handlers: readonly Handler[], broker: Broker): Handler[] {
    const authorizer = this.authorizer;
    if (authorizer === null) return [...handlers];
    return handlers.map((h) => authorizing(h, AUTH_RULES.get(h.apiKey) ?? DEFAULT_RULE, broker, authorizer));
  }

  /** The network server's listener configs: TLS contexts, the SASL gate, sessions. */
  listenerConfigs(dispatch: Dispatch, handlers: readonly Handler[]): ListenerConfig[] {
    const gated = saslGate(dispatch, handlers);
    return this.settings.listeners.map((l) => {
      const tls = isTls(l.protocol) && this.settings.tls ? tlsServerOptions(this.settings.tls, l.protocol === 'SSL') : undefined;
      const cfg: ListenerConfig = {
        name: l.name,
        host: l.host === '' ? '0.0.0.0' : l.host,
        port: l.port,
        ...(tls ? { tls } : {}),
        ...(isSasl(l.protocol) ? { dispatch: gated } : {}),
      };
      if (this.sessions) cfg.onConnection = (conn, socket) => this.openSession(l, conn, socket);
      return cfg;
    });
  }

  /** Records where each listener ended up (after binding) and what it advertises. */
  setBound(ports: readonly number[]): void {
    this.bound = this.settings.listeners.map((l, i) => {
      const boundPort = ports[i] ?? l.port;
      const adv = this.settings.advertised.get(l.name);
      const advertised = {
        host: adv && adv.host !== '' ? adv.host : defaultAdvertisedHost(l.host),
        port: adv && adv.port >= 0 ? adv.port : boundPort,
      };
      return { ...l, boundPort, advertised };
    });
  }

  get boundListeners(): readonly BoundListenerInfo[] {
    return this.bound;
  }

  /** The advertised endpoint of a listener (the first listener's for unknown names or none). */
  advertisedFor(listener: string | undefined): Endpoint | undefined {
    return (listener !== undefined ? this.bound.find((b) => b.name === listener) : undefined)?.advertised ?? this.bound[0]?.advertised;
  }

  private openSession(l: ListenerSpec, conn: Connection, socket: Socket): boolean {
    let principal = ANONYMOUS;
    if (l.protocol === 'SSL') {
      const p = tlsPrincipal(socket as TLSSocket);
      if (p === null) {
        conn.log.info({ err: (socket as TLSSocket).authorizationError }, 'client certificate rejected');
        return false;
      }
      principal = p;
    }
    conn.session = new Session(l.name, l.protocol, normalizeHost(socket.remoteAddress), conn, isSasl(l.protocol) ? this.sasl : null, principal);
    return true;
  }
}

export { Session } from './session.js';
export type { ListenerSpec, SecurityProtocol } from './listeners.js';

/** Dispatches one Metadata v1 request (no topics) without a socket: readiness when no listener is PLAINTEXT. */
export async function probeInProcess(dispatch: Dispatch, log: Logger): Promise<void> {
  const frame = encodeRequestFrame({ apiKey: 3, apiVersion: 1, correlationId: 1, clientId: READINESS_CLIENT_ID }, (w) => w.int32(0)).subarray(4);
  const conn = { id: 0, log, listenerName: undefined, session: undefined, setClientId: () => {}, close: () => {}, closeAfterResponses: () => {} } as unknown as Connection;
  const response = await dispatch(frame, conn);
  if (response === null) throw new Error('no Metadata response');
}
