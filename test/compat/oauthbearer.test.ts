// SASL/OAUTHBEARER with real clients over real sockets, against Kafka's out-of-the-box server
// side (unsecured JWTs): kafkajs (oauthBearerProvider), kcat (librdkafka's built-in unsecured
// JWT generator), @platformatic/kafka (token provider), and the raw protocol for the exact
// bytes and error codes. ACLs apply to User:<sub> like to any other principal; KIP-368
// session lifetimes end at the token's exp.
import kafkajs from 'kafkajs';
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AclOperation, PatternType, PermissionType, ResourceType } from '../../src/security/acl.js';
import { clientInitialResponse, unsecuredJwt } from '../../src/security/sasl/oauthbearer.js';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { kcat, kcatAvailable, runKcat } from '../helpers/kcat.js';
import { RawClient } from '../helpers/raw-client.js';
import { listenerPort, oauthToken, rawSaslToken as rawToken, saslClient, saslLogin } from '../helpers/sasl.js';

const { Kafka, logLevel } = kafkajs;
const METADATA_ALL = { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false };
const LOGIN_MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';
const suffix = `${process.pid}-${Date.now().toString(36)}`;
/** Topics alice may use (an ACL on the prefix), and one nobody but the super user may. */
const aliceTopic = (base: string): string => `oauth-alice-${base}-${suffix}`;
const SECRET_TOPIC = `oauth-secret-${suffix}`;

let broker: TestBroker;
/** OAUTHBEARER with Kafka's default validator options. */
let port: number;
/** OAUTHBEARER only, requiring scope `kafka`, principal from `client_id`, 1 s of clock skew. */
let scopedPort: number;

beforeAll(async () => {
  broker = await startTestBroker({
    listeners: ['SASL_PLAINTEXT://127.0.0.1:0', 'SCOPED://127.0.0.1:0'],
    listenerSecurityProtocolMap: 'SCOPED:SASL_PLAINTEXT',
    saslEnabledMechanisms: ['OAUTHBEARER', 'SCRAM-SHA-256'],
    saslUsers: ['alice:alice-secret'],
    properties: {
      'listener.name.scoped.sasl.enabled.mechanisms': 'OAUTHBEARER',
      'listener.name.scoped.oauthbearer.sasl.jaas.config': `${LOGIN_MODULE} required unsecuredValidatorRequiredScope="kafka" unsecuredValidatorPrincipalClaimName="client_id" unsecuredValidatorAllowableClockSkewMs="1000";`,
    },
    authorizer: true,
    superUsers: ['User:admin'],
  });
  port = listenerPort(broker, 'SASL_PLAINTEXT');
  scopedPort = listenerPort(broker, 'SCOPED');
  // The super user (a token for sub=admin) grants alice her topics and groups.
  const admin = await saslClient(port, { mechanism: 'OAUTHBEARER', token: oauthToken('admin') });
  const acl = (resourceType: number, name: string) => ({ resourceType, resourceName: name, resourcePatternType: PatternType.PREFIXED, principal: 'User:alice', host: '*', operation: AclOperation.ALL, permissionType: PermissionType.ALLOW });
  const created = await admin.request(30, 3, { creations: [acl(ResourceType.TOPIC, 'oauth-alice-'), acl(ResourceType.GROUP, 'oauth-alice-')] });
  expect(created.results.map((r: any) => r.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.NONE]);
  const topics = await admin.request(19, 5, { topics: [{ name: SECRET_TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  expect(topics.topics[0].errorCode).toBe(ErrorCode.NONE);
  admin.close();
});

afterAll(async () => {
  await broker?.close();
});

describe('the exchange over the protocol (SaslHandshake v1 + SaslAuthenticate)', () => {
  it('a good token: empty answer, principal User:<sub>, session lifetime = the time left on the token', async () => {
    const c = await RawClient.connect(port);
    const hs = await c.request(17, 1, { mechanism: 'OAUTHBEARER' });
    expect(hs).toEqual({ errorCode: ErrorCode.NONE, mechanisms: ['OAUTHBEARER', 'SCRAM-SHA-256'] });
    const r = await c.request(36, 2, { authBytes: clientInitialResponse(oauthToken('alice', { lifetimeMs: 60_000 }), { extensions: { traceId: 'abc 123' } }) });
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.errorMessage).toBeNull();
    expect(r.authBytes).toEqual(Buffer.alloc(0));
    // connections.max.reauth.ms is not set: the token's exp alone bounds the session (Kafka's credential lifetime)
    expect(Number(r.sessionLifetimeMs)).toBeGreaterThan(58_000);
    expect(Number(r.sessionLifetimeMs)).toBeLessThanOrEqual(60_000);
    const principals = [...broker.broker.openConnections()].map((x) => x.session?.principal);
    expect(principals).toContain('User:alice');
    expect((await c.request(3, 9, METADATA_ALL)).brokers[0].port).toBe(port);
    c.close();
  });

  it('an expired token: the RFC 7628 error as the challenge, \\x01, then SASL_AUTHENTICATION_FAILED with that JSON, and the connection closes', async () => {
    const c = await RawClient.connect(port);
    await c.request(17, 1, { mechanism: 'OAUTHBEARER' });
    const now = Date.now() / 1000;
    const first = await c.request(36, 2, { authBytes: clientInitialResponse(unsecuredJwt({ sub: 'alice', iat: now - 120, exp: now - 60 })) });
    expect(first).toEqual({ errorCode: ErrorCode.NONE, errorMessage: null, authBytes: Buffer.from('{"status":"invalid_token"}'), sessionLifetimeMs: 0n });
    const second = await c.request(36, 2, { authBytes: Buffer.from([0x01]) });
    expect(second).toEqual({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: '{"status":"invalid_token"}', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n });
    await c.waitClosed();
  });

  it('a request other than SaslAuthenticate after the error challenge: ILLEGAL_SASL_STATE, then closed', async () => {
    const c = await RawClient.connect(port);
    await c.request(17, 1, { mechanism: 'OAUTHBEARER' });
    const first = await c.request(36, 2, { authBytes: clientInitialResponse(unsecuredJwt({ sub: 'alice' })) }); // no exp
    expect(first.authBytes.toString()).toBe('{"status":"invalid_token"}');
    const v = await c.request(18, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' });
    expect(v.errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE);
    await c.waitClosed();
  });

  it('alg other than none, and a token for an authzid other than its principal', async () => {
    const hs256 = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'alice', exp: Date.now() / 1000 + 60 })).toString('base64url')}.c2ln`;
    const err = await saslLogin(await RawClient.connect(port), { mechanism: 'OAUTHBEARER', token: hs256 }).catch((e: { response: any }) => e.response);
    expect(err).toMatchObject({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: '{"status":"invalid_token"}' });
    const c = await RawClient.connect(port);
    const mismatch = await saslLogin(c, { mechanism: 'OAUTHBEARER', token: oauthToken('alice'), authorizationId: 'admin' }).catch((e: { response: any }) => e.response);
    expect(mismatch).toEqual({
      errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
      errorMessage: "Authentication failed: Client requested an authorization id (admin) that is different from the token's principal name (alice)",
      authBytes: Buffer.alloc(0),
      sessionLifetimeMs: 0n,
    });
    await c.waitClosed();
  });

  it("a malformed client message gets Kafka's generic message; a header without alg or a non-Bearer scheme drops the connection unanswered", async () => {
    const c = await RawClient.connect(port);
    await c.request(17, 1, { mechanism: 'OAUTHBEARER' });
    const r = await c.request(36, 2, { authBytes: Buffer.from('n,,auth=Bearer abc') });
    expect(r).toMatchObject({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: 'Authentication failed during authentication due to invalid credentials with SASL mechanism OAUTHBEARER' });
    await c.waitClosed();
    for (const authBytes of [clientInitialResponse(unsecuredJwt({ sub: 'alice', exp: Date.now() / 1000 + 60 }, { typ: 'JWT' })), Buffer.from('n,,\x01auth=Basic YWxpY2U=\x01\x01')]) {
      const d = await RawClient.connect(port);
      await d.request(17, 1, { mechanism: 'OAUTHBEARER' });
      await expect(d.request(36, 2, { authBytes })).rejects.toThrow('connection closed');
    }
  });

  it('per-listener mechanisms and JAAS options: OAUTHBEARER only; required scope, principal claim client_id, 1 s of skew', async () => {
    const hs = await RawClient.connect(scopedPort);
    expect(await hs.request(17, 1, { mechanism: 'SCRAM-SHA-256' })).toEqual({ errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: ['OAUTHBEARER'] });
    await hs.waitClosed();
    const now = Date.now() / 1000;
    const login = async (claims: Record<string, unknown>) => {
      const c = await RawClient.connect(scopedPort);
      try {
        return await saslLogin(c, { mechanism: 'OAUTHBEARER', token: unsecuredJwt(claims) });
      } catch (e) {
        return (e as { response: any }).response;
      } finally {
        c.close();
      }
    };
    expect(await login({ client_id: 'alice', exp: now + 60 })).toMatchObject({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: '{"status":"insufficient_scope", "scope":"[kafka]"}' });
    expect(await login({ sub: 'alice', scope: ['kafka'], exp: now + 60 })).toMatchObject({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: '{"status":"invalid_token"}' });
    expect(await login({ client_id: 'alice', scope: ['kafka'], exp: now + 60 })).toMatchObject({ errorCode: ErrorCode.NONE });
    // expired half a second ago: within the listener's skew, so accepted, with a session that is already over
    const c = await RawClient.connect(scopedPort);
    const r = await saslLogin(c, { mechanism: 'OAUTHBEARER', token: unsecuredJwt({ client_id: 'alice', scope: 'kafka', exp: now - 0.5 }) });
    expect(r).toMatchObject({ errorCode: ErrorCode.NONE, sessionLifetimeMs: 0n });
    await new Promise((res) => setTimeout(res, 20));
    await expect(c.request(3, 9, METADATA_ALL)).rejects.toThrow('connection closed');
    // the default listener has no skew
    expect(await saslLogin(await RawClient.connect(port), { mechanism: 'OAUTHBEARER', token: unsecuredJwt({ sub: 'alice', exp: now - 0.5 }) }).catch((e: { response: any }) => e.response.errorMessage)).toBe('{"status":"invalid_token"}');
  });

  it('raw tokens after SaslHandshake v0: the error JSON as a raw token, then the connection closes on \\x01', async () => {
    const c = await RawClient.connect(port);
    expect((await c.request(17, 0, { mechanism: 'OAUTHBEARER' })).errorCode).toBe(0);
    expect((await rawToken(c, clientInitialResponse(oauthToken('alice')))).length).toBe(0);
    expect((await c.request(3, 1, { topics: [] })).brokers[0].port).toBe(port);
    c.close();
    const d = await RawClient.connect(port);
    await d.request(17, 0, { mechanism: 'OAUTHBEARER' });
    expect((await rawToken(d, clientInitialResponse(oauthToken('alice', { lifetimeMs: -1000 })))).toString()).toBe('{"status":"invalid_token"}');
    await expect(rawToken(d, Buffer.from([1]))).rejects.toThrow('connection closed');
  });
});

describe('ACLs apply to User:<sub>', () => {
  it('alice may produce to her prefix; the secret topic is hidden and refused; admin (super user) sees both', async () => {
    const alice = await saslClient(port, { mechanism: 'OAUTHBEARER', token: oauthToken('alice') });
    const mine = aliceTopic('raw');
    const created = await alice.request(19, 5, { topics: [{ name: mine, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    expect(created.topics[0].errorCode).toBe(ErrorCode.NONE);
    const md = await alice.request(3, 9, { topics: [{ name: mine }, { name: SECRET_TOPIC }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(md.topics.map((t: any) => [t.name, t.errorCode])).toEqual([
      [mine, ErrorCode.NONE],
      [SECRET_TOPIC, ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ]);
    const denied = await alice.request(19, 5, { topics: [{ name: `oauth-other-${suffix}`, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    expect(denied.topics[0].errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    alice.close();
    const admin = await saslClient(port, { mechanism: 'OAUTHBEARER', token: oauthToken('admin') });
    const all = await admin.request(3, 9, METADATA_ALL);
    expect(all.topics.map((t: any) => t.name)).toEqual(expect.arrayContaining([mine, SECRET_TOPIC]));
    admin.close();
  });
});

describe('kafkajs (sasl.oauthBearerProvider)', () => {
  const client = (provider: () => Promise<{ value: string; extensions?: Record<string, string> }>, extra: Partial<kafkajs.KafkaConfig> = {}) =>
    new Kafka({
      clientId: 'kafkalite-oauth',
      brokers: [`127.0.0.1:${port}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 200 },
      sasl: { mechanism: 'oauthbearer', oauthBearerProvider: provider },
      ...extra,
    });

  it('produce and consume in a group as alice (token with extensions)', async () => {
    const kafka = client(async () => ({ value: oauthToken('alice'), extensions: { traceId: 'kafkajs' } }));
    const topic = aliceTopic('kafkajs');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value: 'hello over OAUTHBEARER' }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: `oauth-alice-g-${suffix}`, heartbeatInterval: 100, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const got = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no message consumed')), 15_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(t);
          resolve(message.value!.toString());
        },
      });
    });
    await consumer.disconnect();
    expect(got).toBe('hello over OAUTHBEARER');
  });

  it('producing to a topic without an ACL for alice: TOPIC_AUTHORIZATION_FAILED', async () => {
    const producer = client(async () => ({ value: oauthToken('alice') })).producer();
    await producer.connect();
    const err = await producer.send({ topic: SECRET_TOPIC, messages: [{ value: 'x' }] }).catch((e: any) => e);
    await producer.disconnect();
    expect(err.name).toBe('KafkaJSNonRetriableError');
    expect(err.cause).toMatchObject({ name: 'KafkaJSProtocolError', type: 'TOPIC_AUTHORIZATION_FAILED', code: ErrorCode.TOPIC_AUTHORIZATION_FAILED });
    expect(broker.broker.store.partition(SECRET_TOPIC, 0)!.logEndOffset).toBe(0n);
  });

  it('an expired token is refused: kafkajs takes the error challenge for success, and its next request gets nothing (as against Kafka)', async () => {
    broker.recording.clear();
    broker.recording.start();
    const now = Date.now() / 1000;
    const admin = client(async () => ({ value: unsecuredJwt({ sub: 'alice', exp: now - 60 }) }), { clientId: 'expired-token', retry: { retries: 0 } }).admin();
    await admin.connect();
    const err = await admin.listTopics().catch((e: Error) => e);
    await admin.disconnect();
    expect(err).toMatchObject({ name: 'KafkaJSNumberOfRetriesExceeded', message: 'No brokers in the broker pool' });
    // The broker answered SaslAuthenticate once (with the error JSON), then refused the Metadata request: nothing else was served.
    const apis = broker.recording.entries((e) => e.clientId === 'expired-token').map((e) => e.apiName);
    broker.recording.stop();
    expect(apis.filter((a) => a !== 'ApiVersions')).toEqual(['SaslHandshake', 'SaslAuthenticate']);
  });

  it('re-authenticates with a fresh token before the short-lived one expires (KIP-368 lifetime = token exp)', async () => {
    broker.recording.clear();
    broker.recording.start();
    let minted = 0;
    const kafka = client(
      async () => {
        minted++;
        return { value: oauthToken('alice', { lifetimeMs: 2500 }) };
      },
      { clientId: 'oauth-reauth', reauthenticationThreshold: 1000 },
    );
    const topic = aliceTopic('reauth');
    const producer = kafka.producer();
    await producer.connect();
    const t0 = Date.now();
    let sent = 0;
    while (Date.now() - t0 < 6000) {
      await producer.send({ topic, messages: [{ value: `m${sent}` }] });
      sent++;
      await new Promise((r) => setTimeout(r, 150));
    }
    await producer.disconnect();
    broker.recording.stop();
    const perConnection = new Map<number, number>();
    for (const h of broker.recording.entries((e) => e.apiName === 'SaslHandshake' && e.clientId === 'oauth-reauth')) perConnection.set(h.connection, (perConnection.get(h.connection) ?? 0) + 1);
    // without re-authentication the broker would have closed the connection after 2.5 s
    expect(Math.max(...perConnection.values())).toBeGreaterThanOrEqual(3);
    expect(minted).toBeGreaterThanOrEqual(4);
    expect(broker.broker.store.partition(topic, 0)!.logEndOffset).toBe(BigInt(sent));
  });
});

describe('@platformatic/kafka (sasl.token)', () => {
  it('metadata and produce as alice with a token provider; re-authentication before the token expires', async () => {
    const topic = aliceTopic('plt');
    let minted = 0;
    const common = {
      bootstrapBrokers: [`127.0.0.1:${port}`],
      sasl: {
        mechanism: 'OAUTHBEARER' as const,
        token: () => {
          minted++;
          return oauthToken('alice', { lifetimeMs: 2000 });
        },
      },
      retries: 0,
    };
    const admin = new Admin({ clientId: 'kafkalite-oauth-plt-admin', ...common });
    try {
      await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
      expect((await admin.metadata({ topics: [topic] })).topics.get(topic)?.partitionsCount).toBe(1);
    } finally {
      await admin.close();
    }
    const producer = new Producer({ clientId: 'kafkalite-oauth-plt', serializers: stringSerializers, ...common });
    const before = minted;
    try {
      const t0 = Date.now();
      let sent = 0;
      while (Date.now() - t0 < 4000) {
        const res = await producer.send({ messages: [{ topic, key: 'k', value: `v${sent}` }] });
        expect(res.offsets?.[0]?.offset).toBe(BigInt(sent));
        sent++;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await producer.close();
    }
    // it re-authenticates at 80 % of the session lifetime the broker reported (the token's 2 s)
    expect(minted - before).toBeGreaterThanOrEqual(3);
  });

  it('a token without the principal claim: the error challenge, then ILLEGAL_SASL_STATE on its next request', async () => {
    const producer = new Producer({
      clientId: 'kafkalite-oauth-plt-bad',
      bootstrapBrokers: [`127.0.0.1:${port}`],
      serializers: stringSerializers,
      sasl: { mechanism: 'OAUTHBEARER', token: unsecuredJwt({ exp: Date.now() / 1000 + 60 }) },
      retries: 0,
    });
    const err = await producer.send({ messages: [{ topic: aliceTopic('plt-bad'), value: 'x' }] }).catch((e: any) => e);
    await producer.close();
    expect(err.errors?.[0]?.apiId).toBe('ILLEGAL_SASL_STATE');
  });
});

describe.skipIf(!kcatAvailable)("kcat (librdkafka 2.0.2's unsecured JWT: enable.sasl.oauthbearer.unsecure.jwt)", () => {
  const oauthArgs = (config: string): string[] => ['-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=OAUTHBEARER', '-X', 'enable.sasl.oauthbearer.unsecure.jwt=true', '-X', `sasl.oauthbearer.config=${config}`];

  it('produce and consume as principal=alice (with an extension)', async () => {
    const topic = aliceTopic('kcat');
    const bootstrap = `127.0.0.1:${port}`;
    const args = oauthArgs('principal=alice extension_traceId=kcat');
    // create the topic as admin, so alice's metadata request does not need to create it
    await kcat(bootstrap, [...oauthArgs('principal=admin'), '-L', '-t', topic, '-X', 'allow.auto.create.topics=true']);
    await kcat(bootstrap, [...args, '-P', '-t', topic, '-K:'], { input: 'k1:v1\nk2:v2\n' });
    const out = await kcat(bootstrap, [...args, '-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%k=%s\\n']);
    expect(out.stdout.trim().split('\n')).toEqual(['k1=v1', 'k2=v2']);
    // metadata lists only what alice may describe
    const md = JSON.parse((await kcat(bootstrap, [...args, '-L', '-J'])).stdout);
    const names = md.topics.map((t: any) => t.topic);
    expect(names).toContain(topic);
    expect(names).not.toContain(SECRET_TOPIC);
  });

  it('a listener requiring scope kafka: refused without it (insufficient_scope), served with it', async () => {
    const bootstrap = `127.0.0.1:${scopedPort}`;
    const refused = await runKcat(bootstrap, [...oauthArgs('principalClaimName=client_id principal=alice'), '-L', '-m', '3'], { timeoutMs: 10_000 });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('{"status":"insufficient_scope", "scope":"[kafka]"}');
    const md = JSON.parse((await kcat(bootstrap, [...oauthArgs('principalClaimName=client_id principal=alice scope=kafka,other'), '-L', '-J'])).stdout);
    expect(md.brokers.map((b: any) => b.name)).toEqual([bootstrap]);
  });
});

describe('KIP-368 with connections.max.reauth.ms: the session ends at min(token exp, max reauth)', () => {
  const REAUTH_MS = 1500;
  let b: TestBroker;
  let p: number;
  beforeAll(async () => {
    b = await startTestBroker({ listeners: ['SASL_PLAINTEXT://127.0.0.1:0'], saslEnabledMechanisms: ['OAUTHBEARER', 'PLAIN'], saslUsers: ['alice:alice-secret'], connectionsMaxReauthMs: REAUTH_MS });
    p = listenerPort(b, 'SASL_PLAINTEXT');
  });
  afterAll(async () => {
    await b?.close();
  });

  it('a long-lived token: connections.max.reauth.ms; a token expiring sooner: its exp; SaslAuthenticate v0 works too', async () => {
    const long = await saslLogin(await RawClient.connect(p), { mechanism: 'OAUTHBEARER', token: oauthToken('alice', { lifetimeMs: 60_000 }) });
    expect(long.sessionLifetimeMs).toBe(BigInt(REAUTH_MS));
    const short = await saslLogin(await RawClient.connect(p), { mechanism: 'OAUTHBEARER', token: oauthToken('alice', { lifetimeMs: 1000 }) });
    expect(Number(short.sessionLifetimeMs)).toBeGreaterThan(800);
    expect(Number(short.sessionLifetimeMs)).toBeLessThanOrEqual(1000);
    const v0 = await saslLogin(await RawClient.connect(p), { mechanism: 'OAUTHBEARER', token: oauthToken('alice') }, { authenticate: 0 });
    expect(v0).toMatchObject({ errorCode: ErrorCode.NONE, errorMessage: null, authBytes: Buffer.alloc(0) });
  });

  it('the connection closes at its first request after the token expired, unless re-authenticated with a new token', async () => {
    const c = await saslClient(p, { mechanism: 'OAUTHBEARER', token: oauthToken('alice', { lifetimeMs: 1000 }) });
    await new Promise((r) => setTimeout(r, 1100));
    await expect(c.request(3, 9, METADATA_ALL)).rejects.toThrow('connection closed');
    const d = await saslClient(p, { mechanism: 'OAUTHBEARER', token: oauthToken('alice', { lifetimeMs: 1200 }) });
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 1050));
      const r = await saslLogin(d, { mechanism: 'OAUTHBEARER', token: oauthToken('alice', { lifetimeMs: 1200 }) });
      expect(Number(r.sessionLifetimeMs)).toBeGreaterThan(1000);
      expect((await d.request(3, 9, METADATA_ALL)).brokers).toHaveLength(1);
    }
    d.close();
  });

  it("re-authenticating with another principal's token fails; so does another mechanism", async () => {
    const c = await saslClient(p, { mechanism: 'OAUTHBEARER', token: oauthToken('alice') });
    await new Promise((r) => setTimeout(r, 1000)); // not more than one re-authentication a second
    const err = await saslLogin(c, { mechanism: 'OAUTHBEARER', token: oauthToken('bob') }).catch((e: { response: any }) => e.response);
    expect(err).toMatchObject({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: 'Cannot change principals during re-authentication from User.alice: User.bob' });
    await c.waitClosed();
    const d = await saslClient(p, { mechanism: 'OAUTHBEARER', token: oauthToken('alice') });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await d.request(17, 1, { mechanism: 'PLAIN' })).errorCode).toBe(0);
    await expect(d.request(36, 2, { authBytes: Buffer.from('\u0000alice\u0000alice-secret') })).rejects.toThrow('connection closed');
  });

  it('a malformed message during re-authentication says so', async () => {
    const c = await saslClient(p, { mechanism: 'OAUTHBEARER', token: oauthToken('alice') });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await c.request(17, 1, { mechanism: 'OAUTHBEARER' })).errorCode).toBe(0);
    const r = await c.request(36, 2, { authBytes: Buffer.from('garbage') });
    expect(r).toMatchObject({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: 'Authentication failed during re-authentication due to invalid credentials with SASL mechanism OAUTHBEARER' });
    await c.waitClosed();
  });
});
