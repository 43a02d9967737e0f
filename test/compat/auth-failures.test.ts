// Authentication failures over real sockets: wrong password, unknown user, unknown
// mechanism, requests before authentication, a plaintext client on a TLS port — each
// refused as Kafka refuses it and the connection closed, while the broker keeps serving
// everyone else. Also the pre-KIP-152 raw token framing after SaslHandshake v0, and
// KIP-368 session lifetimes with re-authentication on the same connection.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Producer, stringSerializers } from '@platformatic/kafka';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scramMechanism, ScramClient } from '../../src/security/sasl/scram.js';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { encodeRequestFrame } from '../../src/wire/header.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { kcatAvailable, runKcat } from '../helpers/kcat.js';
import { RawClient } from '../helpers/raw-client.js';
import { connectTls, devCerts, listenerPort, opensslAvailable, rawSaslToken, saslClient, saslLogin } from '../helpers/sasl.js';

const { Kafka, logLevel } = kafkajs;
const ALICE = { mechanism: 'SCRAM-SHA-256', username: 'alice', password: 'alice-secret' } as const;
const METADATA_ALL = { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false };

let broker: TestBroker;
let certDir: string | undefined;
let ca: Buffer | undefined;
let sasl: number;
let saslSsl: number | undefined;
let plain: number;

beforeAll(async () => {
  const tls = opensslAvailable;
  let certs: ReturnType<typeof devCerts> | undefined;
  if (tls) {
    certDir = mkdtempSync(join(tmpdir(), 'kafkalite-certs-'));
    certs = devCerts(certDir);
    ca = certs.ca;
  }
  broker = await startTestBroker({
    listeners: ['PLAINTEXT://127.0.0.1:0', 'SASL_PLAINTEXT://127.0.0.1:0', ...(tls ? ['SASL_SSL://127.0.0.1:0'] : [])],
    ...(certs ? { sslKey: certs.serverKey, sslCert: certs.serverCert } : {}),
    saslUsers: ['alice:alice-secret', 'bob:bob-secret'],
  });
  plain = listenerPort(broker, 'PLAINTEXT');
  sasl = listenerPort(broker, 'SASL_PLAINTEXT');
  if (tls) saslSsl = listenerPort(broker, 'SASL_SSL');
});

afterAll(async () => {
  await broker?.close();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

/** The broker still serves: a fresh authenticated client gets Metadata, and so does the PLAINTEXT listener. */
async function stillServing(): Promise<void> {
  const c = await saslClient(sasl, ALICE);
  const md = await c.request(3, 9, METADATA_ALL);
  expect(md.brokers[0].port).toBe(sasl);
  c.close();
  const p = await RawClient.connect(plain);
  expect((await p.request(3, 1, { topics: [] })).brokers[0].port).toBe(plain);
  p.close();
}

describe('failed authentication: SASL_AUTHENTICATION_FAILED, then the connection is closed', () => {
  it('wrong password with PLAIN', async () => {
    const c = await RawClient.connect(sasl);
    const hs = await c.request(17, 1, { mechanism: 'PLAIN' });
    expect(hs).toMatchObject({ errorCode: 0, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] });
    const r = await c.request(36, 2, { authBytes: Buffer.from('\u0000alice\u0000wrong') });
    expect(r.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    expect(r.errorMessage).toBe('Authentication failed: Invalid username or password');
    await c.waitClosed();
    await stillServing();
  });

  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    it(`wrong password with ${mechanism}: refused at the client's proof`, async () => {
      const c = await RawClient.connect(sasl);
      await c.request(17, 1, { mechanism });
      const client = new ScramClient(scramMechanism(mechanism)!, 'alice', 'wrong');
      const first = await c.request(36, 2, { authBytes: client.first() });
      expect(first.errorCode).toBe(0);
      const final = await c.request(36, 2, { authBytes: client.final(first.authBytes) });
      expect(final.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
      expect(final.errorMessage).toBe(`Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`);
      await c.waitClosed();
    });
  }

  it('unknown user: PLAIN and SCRAM (refused at the first message, without saying the user does not exist)', async () => {
    const c1 = await RawClient.connect(sasl);
    await expect(saslLogin(c1, { mechanism: 'PLAIN', username: 'mallory', password: 'x' })).rejects.toMatchObject({ response: { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED } });
    await c1.waitClosed();
    const c2 = await RawClient.connect(sasl);
    const err = await saslLogin(c2, { mechanism: 'SCRAM-SHA-512', username: 'mallory', password: 'x' }).catch((e: { response: any }) => e.response);
    expect(err).toMatchObject({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512' });
    await c2.waitClosed();
    await stillServing();
  });

  it('kafkajs with a wrong password gets a SASL authentication error', async () => {
    const kafka = new Kafka({ brokers: [`127.0.0.1:${sasl}`], logLevel: logLevel.NOTHING, retry: { retries: 0 }, sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'nope' } });
    const admin = kafka.admin();
    await expect(admin.connect()).rejects.toMatchObject({ name: 'KafkaJSSASLAuthenticationError' });
    await admin.disconnect();
    await stillServing();
  });

  it.skipIf(!kcatAvailable)('kcat with a wrong password fails with the broker’s message', async () => {
    const r = await runKcat(`127.0.0.1:${sasl}`, ['-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=alice', '-X', 'sasl.password=nope', '-L', '-m', '3'], { timeoutMs: 10_000 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Authentication failed: Invalid username or password');
  });
});

describe('unknown mechanism', () => {
  it('UNSUPPORTED_SASL_MECHANISM with the enabled mechanisms, then the connection is closed', async () => {
    const c = await RawClient.connect(sasl);
    const hs = await c.request(17, 1, { mechanism: 'GSSAPI' });
    expect(hs).toEqual({ errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] });
    await c.waitClosed();
    await stillServing();
  });

  it('kafkajs asking for OAUTHBEARER is refused', async () => {
    const kafka = new Kafka({
      brokers: [`127.0.0.1:${sasl}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: 'token' }) },
    });
    const admin = kafka.admin();
    await expect(admin.connect()).rejects.toThrow();
    await admin.disconnect();
  });
});

describe('requests before authentication', () => {
  it('a request other than ApiVersions/SaslHandshake first: the connection is closed without an answer', async () => {
    const c = await RawClient.connect(sasl);
    await expect(c.request(3, 9, METADATA_ALL)).rejects.toThrow('connection closed');
    await c.waitClosed();
  });

  it('ApiVersions is served before authentication; anything else after it still closes', async () => {
    const c = await RawClient.connect(sasl);
    const v = await c.request(18, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
    expect(v.errorCode).toBe(0);
    expect(v.apiKeys.map((k: any) => k.apiKey)).toEqual(expect.arrayContaining([17, 36]));
    await expect(c.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [] })).rejects.toThrow('connection closed');
  });

  it('during the exchange (after SaslHandshake v1): ILLEGAL_SASL_STATE, then the connection is closed', async () => {
    const c = await RawClient.connect(sasl);
    await c.request(17, 1, { mechanism: 'PLAIN' });
    const md = await c.request(3, 9, { topics: [{ name: 'secret-topic' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    expect(md.topics).toEqual([expect.objectContaining({ name: 'secret-topic', errorCode: ErrorCode.ILLEGAL_SASL_STATE })]);
    await c.waitClosed();
    // Nothing was created by it.
    expect(broker.broker.store.topic('secret-topic')).toBeUndefined();
  });

  it('frames larger than sasl.server.max.receive.size (512 KiB) are refused until authenticated', async () => {
    const big = Buffer.alloc(8);
    big.writeInt32BE(600 * 1024, 0);
    const c = await RawClient.connect(sasl);
    c.sendRaw(big);
    await c.waitClosed();
    // Once authenticated, the usual limit (socket.request.max.bytes) applies.
    const a = await saslClient(sasl, ALICE);
    const value = Buffer.alloc(600 * 1024, 1);
    const { buildRecordBatch } = await import('../../src/wire/record-batch.js');
    await a.request(3, 9, { topics: [{ name: 'big-after-auth' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    const r = await a.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: 'big-after-auth', partitionData: [{ index: 0, records: buildRecordBatch({ records: [{ key: null, value }] }) }] }] });
    expect(r.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
    a.close();
  });

  it('SaslAuthenticate before SaslHandshake closes the connection', async () => {
    const c = await RawClient.connect(sasl);
    await expect(c.request(36, 2, { authBytes: Buffer.from('\u0000alice\u0000alice-secret') })).rejects.toThrow('connection closed');
  });

  it('a client without SASL configured (kafkajs, kcat) cannot use the SASL listener', async () => {
    const kafka = new Kafka({ brokers: [`127.0.0.1:${sasl}`], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 2000 });
    const admin = kafka.admin();
    await expect(admin.connect().then(() => admin.listTopics())).rejects.toThrow();
    await admin.disconnect();
    if (kcatAvailable) {
      const r = await runKcat(`127.0.0.1:${sasl}`, ['-L', '-m', '2'], { timeoutMs: 10_000 });
      expect(r.code).not.toBe(0);
    }
    await stillServing();
  });

  it('SaslHandshake after authentication, without re-authentication enabled: ILLEGAL_SASL_STATE (the connection stays)', async () => {
    const c = await saslClient(sasl, ALICE);
    expect(await c.request(17, 1, { mechanism: 'PLAIN' })).toEqual({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] });
    const r = await c.request(36, 2, { authBytes: Buffer.from('x') });
    expect(r).toMatchObject({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'SaslAuthenticate request received after successful authentication' });
    expect((await c.request(3, 9, METADATA_ALL)).brokers).toHaveLength(1);
    c.close();
  });

  it('SaslHandshake on a PLAINTEXT listener: ILLEGAL_SASL_STATE', async () => {
    const c = await RawClient.connect(plain);
    expect(await c.request(17, 1, { mechanism: 'PLAIN' })).toEqual({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] });
    c.close();
  });
});

describe.skipIf(!opensslAvailable)('TLS listener', () => {
  it('a plaintext client on the TLS port is dropped; TLS clients go on', async () => {
    const c = await RawClient.connect(saslSsl!);
    const pending = c.request(18, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
    await expect(pending).rejects.toThrow('connection closed');
    await c.waitClosed();
    const t = await saslClient(saslSsl!, ALICE, { ca: ca! });
    expect((await t.request(3, 9, METADATA_ALL)).brokers[0].port).toBe(saslSsl);
    t.close();
    await stillServing();
  });

  it('a client that connects and never finishes the TLS handshake does not hold anything up', async () => {
    const s = connect({ host: '127.0.0.1', port: saslSsl! });
    await new Promise((r) => s.once('connect', r));
    const t = await connectTls(saslSsl!, { ca: ca! });
    expect((await t.request(18, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' })).errorCode).toBe(0);
    t.close();
    s.destroy();
  });

  it.skipIf(!kcatAvailable)('kcat speaking PLAINTEXT to the TLS port fails', async () => {
    const r = await runKcat(`127.0.0.1:${saslSsl}`, ['-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=alice', '-X', 'sasl.password=alice-secret', '-L', '-m', '2'], { timeoutMs: 10_000 });
    expect(r.code).not.toBe(0);
    await stillServing();
  });
});

describe('raw SASL tokens after SaslHandshake v0 (pre-KIP-152)', () => {
  it('PLAIN: one token, an empty answer, then Kafka requests', async () => {
    const c = await RawClient.connect(sasl);
    expect((await c.request(17, 0, { mechanism: 'PLAIN' })).errorCode).toBe(0);
    expect((await rawSaslToken(c, Buffer.from('\u0000bob\u0000bob-secret'))).length).toBe(0);
    expect((await c.request(3, 1, { topics: [] })).brokers[0].port).toBe(sasl);
    c.close();
  });

  it('SCRAM-SHA-512: client-first and client-final as raw tokens', async () => {
    const c = await RawClient.connect(sasl);
    await c.request(17, 0, { mechanism: 'SCRAM-SHA-512' });
    const client = new ScramClient(scramMechanism('SCRAM-SHA-512')!, 'alice', 'alice-secret');
    const serverFirst = await rawSaslToken(c, client.first());
    const serverFinal = await rawSaslToken(c, client.final(serverFirst));
    expect(client.verify(serverFinal)).toBe(true);
    expect((await c.request(3, 1, { topics: [] })).brokers).toHaveLength(1);
    c.close();
  });

  it('a wrong password closes the connection without an answer', async () => {
    const c = await RawClient.connect(sasl);
    await c.request(17, 0, { mechanism: 'PLAIN' });
    await expect(rawSaslToken(c, Buffer.from('\u0000bob\u0000wrong'))).rejects.toThrow('connection closed');
  });
});

describe('KIP-368: session lifetime and re-authentication', () => {
  const REAUTH_MS = 1500;
  let b: TestBroker;
  let port: number;

  beforeAll(async () => {
    b = await startTestBroker({ listeners: ['SASL_PLAINTEXT://127.0.0.1:0'], saslUsers: ['alice:alice-secret', 'bob:bob-secret'], connectionsMaxReauthMs: REAUTH_MS });
    port = listenerPort(b, 'SASL_PLAINTEXT');
  });
  afterAll(async () => {
    await b?.close();
  });

  it('SaslAuthenticate v1+ reports the session lifetime; the readiness probe still worked (no PLAINTEXT listener)', async () => {
    expect(b.broker.isMetadataServed).toBe(true);
    const c = await RawClient.connect(port);
    const r = await saslLogin(c, ALICE, { authenticate: 1 });
    expect(r.sessionLifetimeMs).toBe(BigInt(REAUTH_MS));
    c.close();
  });

  it('a session not re-authenticated in time is closed at its next request', async () => {
    const c = await saslClient(port, ALICE);
    expect((await c.request(3, 9, METADATA_ALL)).brokers).toHaveLength(1);
    await new Promise((r) => setTimeout(r, REAUTH_MS + 200));
    await expect(c.request(3, 9, METADATA_ALL)).rejects.toThrow('connection closed');
  });

  it('re-authentication on the same connection extends the session', async () => {
    const c = await saslClient(port, ALICE);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, REAUTH_MS - 500));
      await saslLogin(c, ALICE);
      expect((await c.request(3, 9, METADATA_ALL)).brokers).toHaveLength(1);
    }
    c.close();
  });

  it('re-authenticating as someone else fails and closes the connection', async () => {
    const c = await saslClient(port, ALICE);
    const err = await saslLogin(c, { mechanism: 'SCRAM-SHA-256', username: 'bob', password: 'bob-secret' }).catch((e: { response: any }) => e.response);
    expect(err).toMatchObject({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: 'Cannot change principals during re-authentication from User.alice: User.bob' });
    await c.waitClosed();
  });

  it('re-authenticating with another mechanism closes the connection', async () => {
    const c = await saslClient(port, ALICE);
    expect((await c.request(17, 1, { mechanism: 'PLAIN' })).errorCode).toBe(0);
    await expect(c.request(36, 2, { authBytes: Buffer.from('\u0000alice\u0000alice-secret') })).rejects.toThrow('connection closed');
  });

  it('kafkajs re-authenticates by itself and keeps producing past the session lifetime', async () => {
    b.recording.start();
    const kafka = new Kafka({
      clientId: 'reauth',
      brokers: [`127.0.0.1:${port}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 2, initialRetryTime: 50 },
      reauthenticationThreshold: 1000,
      sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'alice-secret' },
    });
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    const t0 = Date.now();
    let sent = 0;
    while (Date.now() - t0 < REAUTH_MS * 2.5) {
      await producer.send({ topic: 'reauth-topic', messages: [{ value: `m${sent}` }] });
      sent++;
      await new Promise((r) => setTimeout(r, 150));
    }
    await producer.disconnect();
    const handshakes = b.recording.entries((e) => e.apiName === 'SaslHandshake' && e.clientId === 'reauth');
    const perConnection = new Map<number, number>();
    for (const h of handshakes) perConnection.set(h.connection, (perConnection.get(h.connection) ?? 0) + 1);
    expect(Math.max(...perConnection.values())).toBeGreaterThanOrEqual(2);
    expect(b.broker.store.topic('reauth-topic')).toBeDefined();
    b.recording.stop();
  });
  it('@platformatic/kafka re-authenticates on the same connection', async () => {
    b.recording.clear();
    b.recording.start();
    const producer = new Producer({
      clientId: 'plt-reauth',
      bootstrapBrokers: [`127.0.0.1:${port}`],
      serializers: stringSerializers,
      sasl: { mechanism: 'SCRAM-SHA-256', username: 'alice', password: 'alice-secret' },
      retries: 0,
      autocreateTopics: true,
    });
    const t0 = Date.now();
    while (Date.now() - t0 < REAUTH_MS * 2.2) {
      await producer.send({ messages: [{ topic: 'reauth-plt', value: 'x' }] });
      await new Promise((r) => setTimeout(r, 100));
    }
    await producer.close();
    const handshakes = b.recording.entries((e) => e.apiName === 'SaslHandshake' && e.clientId === 'plt-reauth');
    const perConnection = new Map<number, number>();
    for (const h of handshakes) perConnection.set(h.connection, (perConnection.get(h.connection) ?? 0) + 1);
    expect(Math.max(...perConnection.values())).toBeGreaterThanOrEqual(2);
    b.recording.stop();
  });
});

// A frame that is not a Kafka request at all (an HTTP client on the port) before authentication.
it('garbage on a SASL listener closes that connection only', async () => {
  const s = connect({ host: '127.0.0.1', port: sasl });
  await new Promise((r) => s.once('connect', r));
  const closed = new Promise((r) => s.once('close', r));
  s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  await closed;
  const frame = encodeRequestFrame({ apiKey: 18, apiVersion: 0, correlationId: 1, clientId: 'x' }, () => {});
  expect(frame.length).toBeGreaterThan(0);
  await stillServing();
});
