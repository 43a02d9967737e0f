// Security with real clients: kafkajs with SASL PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512
// over SASL_PLAINTEXT and SASL_SSL; kcat (librdkafka) with SASL_SSL and with mTLS;
// @platformatic/kafka with SASL. One broker with four listeners, each advertising
// itself, so clients stay on the listener they bootstrapped from.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AclOperation, PatternType, PermissionType, ResourceType } from '../../src/security/acl.js';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { kcat, kcatAvailable, runKcat } from '../helpers/kcat.js';
import { RawClient } from '../helpers/raw-client.js';
import { connectTls, devCerts, listenerPort, opensslAvailable, saslClient, type SaslLogin } from '../helpers/sasl.js';
import { ensureBuilt, spawnBroker, type SpawnedBroker } from '../helpers/spawn-broker.js';

const { Kafka, logLevel } = kafkajs;
const suffix = `${process.pid}-${Date.now().toString(36)}`;
const topicName = (base: string): string => `sasl-${base}-${suffix}`;
const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
const USERS = { alice: 'alice-secret', bob: 'b0b,with:colons' };

if (!opensslAvailable) console.warn('openssl not found: skipping the TLS compatibility tests');

describe.skipIf(!opensslAvailable)('SASL and TLS with real clients', () => {
  let broker: TestBroker;
  let certDir: string;
  let certs: ReturnType<typeof devCerts>;
  let ports: Record<'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SASL_SSL' | 'SSL', number>;

  beforeAll(async () => {
    certDir = mkdtempSync(join(tmpdir(), 'kafkalite-certs-'));
    certs = devCerts(certDir, ['alice']);
    broker = await startTestBroker({
      listeners: ['PLAINTEXT://127.0.0.1:0', 'SASL_PLAINTEXT://127.0.0.1:0', 'SASL_SSL://127.0.0.1:0', 'SSL://127.0.0.1:0'],
      sslKey: certs.serverKey,
      sslCert: certs.serverCert,
      sslCa: certs.caCert,
      sslClientAuth: 'required',
      saslUsers: [`alice:${USERS.alice}`],
      // The JSON file path of the users: bob's password has a comma and colons.
      saslUsersFile: writeUsersFile(certDir, { bob: USERS.bob }),
      // ACLs are enforced, but resources without any stay open, so only the mTLS test's topic is restricted.
      authorizer: true,
      allowEveryoneIfNoAclFound: true,
    });
    ports = {
      PLAINTEXT: listenerPort(broker, 'PLAINTEXT'),
      SASL_PLAINTEXT: listenerPort(broker, 'SASL_PLAINTEXT'),
      SASL_SSL: listenerPort(broker, 'SASL_SSL'),
      SSL: listenerPort(broker, 'SSL'),
    };
  });

  afterAll(async () => {
    await broker?.close();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  function kafkajsClient(protocol: 'SASL_PLAINTEXT' | 'SASL_SSL', mechanism: (typeof MECHANISMS)[number], username = 'alice', password = USERS.alice) {
    return new Kafka({
      clientId: `kafkalite-sasl-${mechanism}`,
      brokers: [`127.0.0.1:${ports[protocol]}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 200 },
      ...(protocol === 'SASL_SSL' ? { ssl: { ca: [certs.ca], servername: 'localhost' } } : {}),
      sasl: { mechanism: mechanism.toLowerCase() as 'plain', username, password },
    });
  }

  for (const protocol of ['SASL_PLAINTEXT', 'SASL_SSL'] as const) {
    for (const mechanism of MECHANISMS) {
      it(`kafkajs ${mechanism} over ${protocol}: admin, produce, consume`, async () => {
        const kafka = kafkajsClient(protocol, mechanism);
        const topic = topicName(`${protocol}-${mechanism}`.toLowerCase());
        const admin = kafka.admin();
        await admin.connect();
        try {
          await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
          const md = await admin.fetchTopicMetadata({ topics: [topic] });
          expect(md.topics[0]!.partitions).toHaveLength(1);
          // The cluster advertises the listener this client came in on.
          const cluster = await admin.describeCluster();
          expect(cluster.brokers.map((b) => b.port)).toEqual([ports[protocol]]);
        } finally {
          await admin.disconnect();
        }
        const producer = kafka.producer();
        await producer.connect();
        await producer.send({ topic, messages: [{ key: 'k', value: `hello over ${protocol} with ${mechanism}` }] });
        await producer.disconnect();
        const consumer = kafka.consumer({ groupId: `g-${topic}`, heartbeatInterval: 100, maxWaitTimeInMs: 100 });
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
        expect(got).toBe(`hello over ${protocol} with ${mechanism}`);
      });
    }
  }

  it('kafkajs: a user from the users file (password with a comma and colons) logs in with SCRAM-SHA-512 and PLAIN', async () => {
    for (const mechanism of ['SCRAM-SHA-512', 'PLAIN'] as const) {
      const admin = kafkajsClient('SASL_SSL', mechanism, 'bob', USERS.bob).admin();
      await admin.connect();
      expect(Array.isArray(await admin.listTopics())).toBe(true);
      await admin.disconnect();
    }
  });

  it('the broker answers on the PLAINTEXT listener alongside, with that listener in Metadata', async () => {
    const raw = await RawClient.connect(ports.PLAINTEXT);
    const md = await raw.request(3, 9, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(md.brokers.map((b: any) => b.port)).toEqual([ports.PLAINTEXT]);
    raw.close();
    expect(broker.bootstrapServers).toBe(`127.0.0.1:${ports.PLAINTEXT}`);
  });

  describe.skipIf(!kcatAvailable)('kcat (librdkafka)', () => {
    const saslArgs = (mechanism: string, protocol = 'SASL_SSL', user = 'alice', password = USERS.alice): string[] => [
      '-X', `security.protocol=${protocol}`,
      '-X', `sasl.mechanisms=${mechanism}`,
      '-X', `sasl.username=${user}`,
      '-X', `sasl.password=${password}`,
      ...(protocol === 'SASL_SSL' ? ['-X', `ssl.ca.location=${certs.caCert}`] : []),
    ];

    for (const mechanism of MECHANISMS) {
      it(`-X security.protocol=SASL_SSL -X sasl.mechanisms=${mechanism}: produce and consume`, async () => {
        const topic = topicName(`kcat-${mechanism}`.toLowerCase());
        const bootstrap = `127.0.0.1:${ports.SASL_SSL}`;
        await kcat(bootstrap, [...saslArgs(mechanism), '-P', '-t', topic, '-K:'], { input: 'k1:v1\nk2:v2\n' });
        const out = await kcat(bootstrap, [...saslArgs(mechanism), '-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%k=%s\\n']);
        expect(out.stdout.trim().split('\n')).toEqual(['k1=v1', 'k2=v2']);
      });
    }

    it('SASL_PLAINTEXT with SCRAM-SHA-256: metadata names the SASL listener', async () => {
      const out = await kcat(`127.0.0.1:${ports.SASL_PLAINTEXT}`, [...saslArgs('SCRAM-SHA-256', 'SASL_PLAINTEXT'), '-L', '-J']);
      const md = JSON.parse(out.stdout);
      expect(md.brokers.map((b: any) => b.name)).toEqual([`127.0.0.1:${ports.SASL_PLAINTEXT}`]);
    });

    it('mTLS: the client certificate authenticates; its subject is the principal ACLs name', async () => {
      const topic = topicName('mtls');
      const bootstrap = `127.0.0.1:${ports.SSL}`;
      const tlsArgs = ['-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${certs.caCert}`, '-X', `ssl.certificate.location=${certs.clients.alice!.cert}`, '-X', `ssl.key.location=${certs.clients.alice!.key}`];
      // Only the certificate's principal may use this topic (an ACL exists, so "no ACL found" no longer applies).
      const admin = await saslClient(ports.SASL_SSL, { mechanism: 'PLAIN', username: 'alice', password: USERS.alice }, { ca: certs.ca });
      const created = await admin.request(30, 3, {
        creations: [{ resourceType: ResourceType.TOPIC, resourceName: topic, resourcePatternType: PatternType.LITERAL, principal: 'User:CN=alice,O=kafkalite', host: '*', operation: AclOperation.ALL, permissionType: PermissionType.ALLOW }],
      });
      expect(created.results[0].errorCode).toBe(ErrorCode.NONE);
      await kcat(bootstrap, [...tlsArgs, '-P', '-t', topic], { input: 'over mTLS\n' });
      const out = await kcat(bootstrap, [...tlsArgs, '-C', '-t', topic, '-o', 'beginning', '-e']);
      expect(out.stdout.trim()).toBe('over mTLS');
      // SASL user alice is another principal: the topic is hidden from it.
      const md = await admin.request(3, 9, { topics: [{ name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      expect(md.topics[0].errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      admin.close();
      // Without a client certificate the TLS handshake itself is refused (ssl.client.auth=required).
      const noCert = await runKcat(bootstrap, ['-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${certs.caCert}`, '-L', '-m', '3'], { timeoutMs: 10_000 });
      expect(noCert.code).not.toBe(0);
    });

    it('a TLS client that does not trust the broker certificate fails the handshake (and the broker goes on)', async () => {
      const r = await runKcat(`127.0.0.1:${ports.SASL_SSL}`, ['-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=alice', '-X', `sasl.password=${USERS.alice}`, '-L', '-m', '3'], { timeoutMs: 10_000 });
      expect(r.code).not.toBe(0);
      const c = await connectTls(ports.SASL_SSL, { ca: certs.ca });
      const v = await c.request(18, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
      expect(v.errorCode).toBe(0);
      c.close();
    });
  });

  it('ssl.client.auth=requested: without a certificate the client is User:ANONYMOUS, with one its subject', async () => {
    const b = await startTestBroker({
      listeners: ['SSL://127.0.0.1:0'],
      sslKey: certs.serverKey,
      sslCert: certs.serverCert,
      sslCa: certs.caCert,
      sslClientAuth: 'requested',
      authorizer: true,
      superUsers: ['User:CN=alice,O=kafkalite'],
    });
    try {
      const port = listenerPort(b, 'SSL');
      await b.broker.createTopic('only-for-alice', 1);
      const md = { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false };
      const anonymous = await connectTls(port, { ca: certs.ca });
      expect((await anonymous.request(3, 9, md)).topics).toEqual([]);
      anonymous.close();
      const { readFileSync } = await import('node:fs');
      const alice = await connectTls(port, { ca: certs.ca, cert: readFileSync(certs.clients.alice!.cert), key: readFileSync(certs.clients.alice!.key) });
      expect((await alice.request(3, 9, md)).topics.map((t: any) => t.name)).toEqual(['only-for-alice']);
      alice.close();
      const session = [...b.broker.openConnections()].map((c) => c.session?.principal);
      expect(session.every((p) => p === undefined || p.startsWith('User:'))).toBe(true);
    } finally {
      await b.close();
    }
  });

  describe('@platformatic/kafka', () => {
    for (const mechanism of ['PLAIN', 'SCRAM-SHA-512'] as const) {
      it(`${mechanism} over SASL_SSL: metadata and produce`, async () => {
        const topic = topicName(`plt-${mechanism}`.toLowerCase());
        const common = {
          bootstrapBrokers: [`127.0.0.1:${ports.SASL_SSL}`],
          tls: { ca: certs.ca, servername: 'localhost' },
          sasl: { mechanism, username: 'alice', password: USERS.alice } satisfies { mechanism: SaslLogin['mechanism']; username: string; password: string },
          retries: 0,
        };
        const admin = new Admin({ clientId: 'kafkalite-sasl-plt-admin', ...common });
        try {
          await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
          const md = await admin.metadata({ topics: [topic] });
          expect(md.topics.get(topic)?.partitionsCount).toBe(1);
        } finally {
          await admin.close();
        }
        const producer = new Producer({ clientId: 'kafkalite-sasl-plt', serializers: stringSerializers, ...common });
        try {
          const res = await producer.send({ messages: [{ topic, key: 'k', value: 'v' }] });
          expect(res.offsets?.[0]?.offset).toBe(0n);
        } finally {
          await producer.close();
        }
      });
    }
  });
});

describe('CLI', () => {
  let dir: string;
  let child: SpawnedBroker | undefined;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'kafkalite-cli-sec-'));
  });
  afterAll(async () => {
    await child?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a SASL-only broker from a server.properties file is ready (readiness without a PLAINTEXT listener) and serves SCRAM clients', async () => {
    const props = join(dir, 'server.properties');
    writeFileSync(
      props,
      ['listeners=SASL_PLAINTEXT://127.0.0.1:0', 'sasl.enabled.mechanisms=SCRAM-SHA-512', 'sasl.users=alice:alice-secret', 'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'super.users=User:alice', ''].join('\n'),
    );
    child = await spawnBroker({ dataDir: join(dir, 'data'), args: ['--config', props] });
    const kafka = new Kafka({ brokers: [child.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 1 }, sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'alice-secret' } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'cli-topic' }] });
    expect(await admin.listTopics()).toContain('cli-topic');
    await admin.disconnect();
    // Only SCRAM-SHA-512 is enabled.
    const plainClient = new Kafka({ brokers: [child.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 }, sasl: { mechanism: 'plain', username: 'alice', password: 'alice-secret' } }).admin();
    await expect(plainClient.connect()).rejects.toThrow();
    await plainClient.disconnect();
    await child.kill('SIGTERM');
    child = undefined;
  });

  it('an invalid security setting stops the start with a message', async () => {
    await expect(spawnBroker({ dataDir: join(dir, 'data2'), args: ['--listener', 'SSL://127.0.0.1:0'], readyTimeoutMs: 10_000 })).rejects.toThrow(/--ssl-key/);
  });
});

function writeUsersFile(dir: string, users: Record<string, string>): string {
  const file = join(dir, 'users.json');
  writeFileSync(file, JSON.stringify({ users: Object.entries(users).map(([name, password]) => ({ name, password })) }));
  return file;
}
