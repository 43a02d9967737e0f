// ACL authorization over real sockets (SASL principals): for produce, fetch, group join,
// offset commit, create/delete topic, describe configs and transactional produce, a
// principal with the ACL succeeds and one without gets Kafka's authorization error.
// DENY beats ALLOW, PREFIXED patterns, super users, Metadata hiding topics, the ACL
// APIs through kafkajs' admin, SCRAM credentials managed at run time, and ACLs and
// credentials surviving a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AclOperation as Op, PatternType, PermissionType, ResourceType } from '../../src/security/acl.js';
import { saltedPasswordSync, scramMechanism } from '../../src/security/sasl/scram.js';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { buildRecordBatch } from '../../src/wire/record-batch.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import type { RawClient } from '../helpers/raw-client.js';
import { listenerPort, saslClient } from '../helpers/sasl.js';

const { Kafka, logLevel, AclResourceTypes, AclOperationTypes, AclPermissionTypes, ResourcePatternTypes } = kafkajs;
const E = ErrorCode;
const PASSWORDS: Record<string, string> = { admin: 'admin-secret', alice: 'alice-secret', bob: 'bob-secret' };

let dataDir: string;
let broker: TestBroker;
let port: number;
const clients: RawClient[] = [];

async function start(): Promise<void> {
  broker = await startTestBroker({
    inMemory: false,
    dataDir,
    listeners: ['SASL_PLAINTEXT://127.0.0.1:0'],
    saslUsers: Object.entries(PASSWORDS).map(([u, p]) => `${u}:${p}`),
    authorizer: true,
    superUsers: ['User:admin'],
  });
  port = listenerPort(broker, 'SASL_PLAINTEXT');
}

async function as(user: string, password = PASSWORDS[user]!): Promise<RawClient> {
  const c = await saslClient(port, { mechanism: 'SCRAM-SHA-256', username: user, password });
  clients.push(c);
  return c;
}

function kafkaAs(user: string, clientId = `acl-${user}`) {
  return new Kafka({
    clientId,
    brokers: [`127.0.0.1:${port}`],
    logLevel: logLevel.NOTHING,
    retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 },
    sasl: { mechanism: 'scram-sha-512', username: user, password: PASSWORDS[user]! },
  });
}

interface Acl {
  resourceType: number;
  resourceName: string;
  patternType?: number;
  principal: string;
  operation: number;
  permissionType?: number;
}

async function allow(...acls: Acl[]): Promise<void> {
  const admin = await as('admin');
  const r = await admin.request(30, 3, {
    creations: acls.map((a) => ({
      resourceType: a.resourceType,
      resourceName: a.resourceName,
      resourcePatternType: a.patternType ?? PatternType.LITERAL,
      principal: a.principal,
      host: '*',
      operation: a.operation,
      permissionType: a.permissionType ?? PermissionType.ALLOW,
    })),
  });
  expect(r.results.map((x: any) => x.errorCode)).toEqual(acls.map(() => 0));
}

const topicAcl = (name: string, user: string, operation: number, extra: Partial<Acl> = {}): Acl => ({ resourceType: ResourceType.TOPIC, resourceName: name, principal: `User:${user}`, operation, ...extra });
const groupAcl = (name: string, user: string, operation: number): Acl => ({ resourceType: ResourceType.GROUP, resourceName: name, principal: `User:${user}`, operation });

async function createTopic(name: string, partitions = 1): Promise<void> {
  const admin = await as('admin');
  const r = await admin.request(19, 7, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  expect(r.topics[0].errorCode).toBe(0);
}

function produceRequest(...topics: string[]) {
  return {
    transactionalId: null,
    acks: 1,
    timeoutMs: 5000,
    topicData: topics.map((name) => ({ name, partitionData: [{ index: 0, records: buildRecordBatch({ records: [{ key: null, value: Buffer.from(`to ${name}`) }] }) }] })),
  };
}

const produceCodes = (r: any): Record<string, number> => Object.fromEntries(r.responses.map((t: any) => [t.name, t.partitionResponses[0].errorCode]));

function fetchRequest(topic: string) {
  return {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [],
    rackId: '',
  };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kafkalite-acl-'));
  await start();
  await createTopic('orders');
  await createTopic('payments');
});

afterAll(async () => {
  for (const c of clients) c.close();
  await broker?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('ACL matrix: an allowed principal succeeds, a denied one gets the authorization error', () => {
  it('produce: WRITE on the topic (TOPIC_AUTHORIZATION_FAILED per partition, the rest of the request is served)', async () => {
    await allow(topicAcl('orders', 'alice', Op.WRITE));
    const alice = await as('alice');
    expect(produceCodes(await alice.request(0, 9, produceRequest('orders')))).toEqual({ orders: E.NONE });
    expect(produceCodes(await alice.request(0, 9, produceRequest('orders', 'payments')))).toEqual({ orders: E.NONE, payments: E.TOPIC_AUTHORIZATION_FAILED });
    const bob = await as('bob');
    expect(produceCodes(await bob.request(0, 9, produceRequest('orders')))).toEqual({ orders: E.TOPIC_AUTHORIZATION_FAILED });
    // Nothing of bob's reached the log: alice wrote two batches.
    expect(broker.broker.store.topic('orders')).toBeDefined();
    // kafkajs sees the error too.
    const producer = kafkaAs('bob').producer();
    await producer.connect();
    await expect(producer.send({ topic: 'orders', messages: [{ value: 'x' }] })).rejects.toThrow(/authoriz/i);
    await producer.disconnect();
  });

  it('fetch: READ on the topic', async () => {
    await allow(topicAcl('orders', 'alice', Op.READ));
    const alice = await as('alice');
    const ok = await alice.request(1, 12, fetchRequest('orders'));
    expect(ok.responses[0].partitions[0].errorCode).toBe(E.NONE);
    expect(ok.responses[0].partitions[0].highWatermark).toBeGreaterThan(0n);
    const bob = await as('bob');
    const denied = await bob.request(1, 12, fetchRequest('orders'));
    expect(denied.responses[0].partitions[0].errorCode).toBe(E.TOPIC_AUTHORIZATION_FAILED);
    // Empty, never null, as Kafka sends it (librdkafka rejects a null record set and the whole response with it).
    expect(denied.responses[0].partitions[0].records).toEqual(Buffer.alloc(0));
  });

  it('group join: READ on the group (GROUP_AUTHORIZATION_FAILED)', async () => {
    await allow(groupAcl('g-alice', 'alice', Op.READ));
    const join = { groupId: 'g-alice', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], reason: null };
    const alice = await as('alice');
    expect((await alice.request(11, 9, join)).errorCode).toBe(E.MEMBER_ID_REQUIRED);
    const bob = await as('bob');
    expect((await bob.request(11, 9, join)).errorCode).toBe(E.GROUP_AUTHORIZATION_FAILED);
    expect((await bob.request(10, 4, { keyType: 0, coordinatorKeys: ['g-alice'] })).coordinators[0].errorCode).toBe(E.GROUP_AUTHORIZATION_FAILED);
    // A kafkajs consumer group with READ on the group and topic consumes alice's messages.
    const consumer = kafkaAs('alice').consumer({ groupId: 'g-alice', heartbeatInterval: 100, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    const first = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('nothing consumed')), 15_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(t);
          resolve(message.value!.toString());
        },
      });
    });
    await consumer.disconnect();
    expect(first).toBe('to orders');
  });

  it('offset commit: READ on the group, then READ on each topic', async () => {
    const commit = (group: string, ...topics: string[]) => ({
      groupId: group,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: topics.map((name) => ({ name, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] })),
    });
    const codes = (r: any) => Object.fromEntries(r.topics.map((t: any) => [t.name, t.partitions[0].errorCode]));
    const alice = await as('alice');
    expect(codes(await alice.request(8, 8, commit('g-alice', 'orders', 'payments')))).toEqual({ orders: E.NONE, payments: E.TOPIC_AUTHORIZATION_FAILED });
    const bob = await as('bob');
    expect(codes(await bob.request(8, 8, commit('g-alice', 'orders')))).toEqual({ orders: E.GROUP_AUTHORIZATION_FAILED });
    // OffsetFetch: DESCRIBE on the group (v2+: top-level error).
    expect((await bob.request(9, 7, { groupId: 'g-alice', topics: null, requireStable: false })).errorCode).toBe(E.GROUP_AUTHORIZATION_FAILED);
    const fetched = await alice.request(9, 7, { groupId: 'g-alice', topics: null, requireStable: false });
    expect(fetched.topics.map((t: any) => t.name)).toEqual(['orders']);
  });

  it('create and delete topics: CREATE / DELETE, here on a PREFIXED pattern', async () => {
    await allow(topicAcl('team-a.', 'alice', Op.CREATE, { patternType: PatternType.PREFIXED }), topicAcl('team-a.', 'alice', Op.DELETE, { patternType: PatternType.PREFIXED }));
    const create = (...names: string[]) => ({ topics: names.map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })), timeoutMs: 5000, validateOnly: false });
    const alice = await as('alice');
    const r = await alice.request(19, 7, create('team-a.orders', 'team-b.orders'));
    expect(Object.fromEntries(r.topics.map((t: any) => [t.name, t.errorCode]))).toEqual({ 'team-a.orders': E.NONE, 'team-b.orders': E.TOPIC_AUTHORIZATION_FAILED });
    expect(r.topics.find((t: any) => t.name === 'team-b.orders').errorMessage).toBe('Topic authorization failed.');
    expect(broker.broker.store.topic('team-b.orders')).toBeUndefined();
    const bob = await as('bob');
    expect((await bob.request(19, 7, create('team-a.bobs'))).topics[0].errorCode).toBe(E.TOPIC_AUTHORIZATION_FAILED);
    expect((await bob.request(20, 5, { topicNames: ['team-a.orders'], timeoutMs: 5000 })).responses[0].errorCode).toBe(E.TOPIC_AUTHORIZATION_FAILED);
    expect(broker.broker.store.topic('team-a.orders')).toBeDefined();
    expect((await alice.request(20, 6, { topics: [{ name: 'team-a.orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], timeoutMs: 5000 })).responses[0].errorCode).toBe(E.NONE);
  });

  it('describe configs: DESCRIBE_CONFIGS on the topic (implied by ALTER_CONFIGS); broker configs need the cluster', async () => {
    await allow(topicAcl('orders', 'alice', Op.ALTER_CONFIGS));
    const req = (type: number, name: string) => ({ resources: [{ resourceType: type, resourceName: name, configurationKeys: ['retention.ms', 'log.retention.ms'] }], includeSynonyms: false, includeDocumentation: false });
    const alice = await as('alice');
    const ok = await alice.request(32, 4, req(2, 'orders'));
    expect(ok.results[0].errorCode).toBe(E.NONE);
    expect(ok.results[0].configs.map((c: any) => c.name)).toEqual(['retention.ms']);
    expect((await alice.request(32, 4, req(4, '1'))).results[0]).toMatchObject({ errorCode: E.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.' });
    const bob = await as('bob');
    expect((await bob.request(32, 4, req(2, 'orders'))).results[0]).toMatchObject({ errorCode: E.TOPIC_AUTHORIZATION_FAILED, resourceName: 'orders', configs: [] });
  });

  it('transactional produce: WRITE on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED)', async () => {
    await allow({ resourceType: ResourceType.TRANSACTIONAL_ID, resourceName: 'tx-alice', principal: 'User:alice', operation: Op.WRITE });
    const producer = kafkaAs('alice').producer({ transactionalId: 'tx-alice', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const tx = await producer.transaction();
    await tx.send({ topic: 'orders', messages: [{ value: 'in a transaction' }] });
    await tx.commit();
    await producer.disconnect();
    const bob = await as('bob');
    expect((await bob.request(22, 4, { transactionalId: 'tx-alice', transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 })).errorCode).toBe(E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    expect((await bob.request(10, 4, { keyType: 1, coordinatorKeys: ['tx-alice'] })).coordinators[0].errorCode).toBe(E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    expect((await bob.request(26, 3, { transactionalId: 'tx-alice', producerId: 0n, producerEpoch: 0, committed: true })).errorCode).toBe(E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const batch = buildRecordBatch({ records: [{ key: null, value: Buffer.from('x') }], producerId: 0n, producerEpoch: 0, baseSequence: 0, transactional: true });
    const produced = await bob.request(0, 9, { transactionalId: 'tx-alice', acks: -1, timeoutMs: 1000, topicData: [{ name: 'orders', partitionData: [{ index: 0, records: batch }] }] });
    expect(produced.responses[0].partitionResponses[0].errorCode).toBe(E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    // An idempotent producer without WRITE on any topic: CLUSTER_AUTHORIZATION_FAILED.
    expect((await bob.request(22, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 })).errorCode).toBe(E.CLUSTER_AUTHORIZATION_FAILED);
    const alice = await as('alice');
    expect((await alice.request(22, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 })).errorCode).toBe(E.NONE);
  });
});

describe('rules', () => {
  it('DENY beats ALLOW', async () => {
    await createTopic('deny-x');
    await createTopic('deny-y');
    await allow(topicAcl('deny-', 'alice', Op.ALL, { patternType: PatternType.PREFIXED }), topicAcl('deny-x', 'alice', Op.WRITE, { permissionType: PermissionType.DENY }));
    const alice = await as('alice');
    expect(produceCodes(await alice.request(0, 9, produceRequest('deny-x', 'deny-y')))).toEqual({ 'deny-x': E.TOPIC_AUTHORIZATION_FAILED, 'deny-y': E.NONE });
    // READ on deny-x is still allowed (the DENY is for WRITE only).
    expect((await alice.request(1, 12, fetchRequest('deny-x'))).responses[0].partitions[0].errorCode).toBe(E.NONE);
  });

  it('a super user may do anything without ACLs', async () => {
    const admin = await as('admin');
    expect(produceCodes(await admin.request(0, 9, produceRequest('payments')))).toEqual({ payments: E.NONE });
    expect((await admin.request(32, 4, { resources: [{ resourceType: 4, resourceName: '1', configurationKeys: ['log.retention.ms'] }], includeSynonyms: false, includeDocumentation: false })).results[0].errorCode).toBe(E.NONE);
  });

  it('Metadata hides the topics a principal may not describe, and computes authorized operations', async () => {
    const names = (r: any) => r.topics.map((t: any) => t.name).sort();
    const all = { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: true };
    const bob = await as('bob');
    expect(names(await bob.request(3, 12, all))).toEqual([]);
    const named = await bob.request(3, 12, { topics: [{ name: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(named.topics[0]).toMatchObject({ name: 'orders', errorCode: E.TOPIC_AUTHORIZATION_FAILED, partitions: [] });
    const alice = await as('alice');
    const md = await alice.request(3, 12, all);
    expect(names(md)).toEqual(['deny-x', 'deny-y', 'orders']);
    const orders = md.topics.find((t: any) => t.name === 'orders');
    expect(orders.topicAuthorizedOperations).toBe((1 << Op.READ) | (1 << Op.WRITE) | (1 << Op.DESCRIBE) | (1 << Op.DESCRIBE_CONFIGS) | (1 << Op.ALTER_CONFIGS));
    const admin = await as('admin');
    expect(names(await admin.request(3, 12, all))).toEqual(expect.arrayContaining(['orders', 'payments', 'deny-x', 'deny-y']));
    // kafkajs' listTopics (Metadata for all topics) agrees.
    const kafkaAdmin = kafkaAs('bob').admin();
    await kafkaAdmin.connect();
    expect(await kafkaAdmin.listTopics()).toEqual([]);
    await kafkaAdmin.disconnect();
  });

  it('auto-creation through Metadata needs CREATE (cluster or topic)', async () => {
    const req = (name: string) => ({ topics: [{ name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    await allow(topicAcl('auto-', 'alice', Op.DESCRIBE, { patternType: PatternType.PREFIXED }));
    const alice = await as('alice');
    expect((await alice.request(3, 12, req('auto-denied'))).topics[0].errorCode).toBe(E.TOPIC_AUTHORIZATION_FAILED);
    expect(broker.broker.store.topic('auto-denied')).toBeUndefined();
    await allow(topicAcl('auto-', 'alice', Op.CREATE, { patternType: PatternType.PREFIXED }));
    expect((await alice.request(3, 12, req('auto-ok'))).topics[0].errorCode).toBe(E.NONE);
    expect(broker.broker.store.topic('auto-ok')).toBeDefined();
  });

  it('ACL APIs need the cluster: ALTER to create/delete, DESCRIBE to describe', async () => {
    const bob = await as('bob');
    expect((await bob.request(29, 3, { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 })).errorCode).toBe(E.CLUSTER_AUTHORIZATION_FAILED);
    const created = await bob.request(30, 3, { creations: [{ resourceType: 2, resourceName: 'orders', resourcePatternType: 3, principal: 'User:bob', host: '*', operation: Op.ALL, permissionType: PermissionType.ALLOW }] });
    expect(created.results[0].errorCode).toBe(E.CLUSTER_AUTHORIZATION_FAILED);
    const deleted = await bob.request(31, 3, { filters: [{ resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 }] });
    expect(deleted.filterResults[0].errorCode).toBe(E.CLUSTER_AUTHORIZATION_FAILED);
  });
});

describe('ACL APIs through kafkajs admin', () => {
  it('createAcls, describeAcls (MATCH), deleteAcls', async () => {
    const admin = kafkaAs('admin').admin();
    await admin.connect();
    try {
      await admin.createAcls({
        acl: [
          { resourceType: AclResourceTypes.TOPIC, resourceName: 'kjs-', resourcePatternType: ResourcePatternTypes.PREFIXED, principal: 'User:bob', host: '*', operation: AclOperationTypes.READ, permissionType: AclPermissionTypes.ALLOW },
          { resourceType: AclResourceTypes.TOPIC, resourceName: 'kjs-topic', resourcePatternType: ResourcePatternTypes.LITERAL, principal: 'User:bob', host: '*', operation: AclOperationTypes.WRITE, permissionType: AclPermissionTypes.DENY },
        ],
      });
      const matched = await admin.describeAcls({
        resourceType: AclResourceTypes.TOPIC,
        resourceName: 'kjs-topic',
        resourcePatternType: ResourcePatternTypes.MATCH,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      });
      expect(matched.resources.map((r) => `${r.resourceName}/${r.resourcePatternType}`).sort()).toEqual(['kjs-/4', 'kjs-topic/3']);
      const deleted = await admin.deleteAcls({
        filters: [{ resourceType: AclResourceTypes.TOPIC, resourceName: 'kjs-', resourcePatternType: ResourcePatternTypes.ANY, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY }],
      });
      expect(deleted.filterResponses[0]!.matchingAcls).toHaveLength(1);
      const left = await admin.describeAcls({ resourceType: AclResourceTypes.TOPIC, resourcePatternType: ResourcePatternTypes.ANY, principal: 'User:bob', operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY });
      expect(left.resources.map((r) => r.resourceName)).toEqual(['kjs-topic']);
    } finally {
      await admin.disconnect();
    }
  });

  it('invalid ACLs are refused with INVALID_REQUEST, valid ones in the same request created', async () => {
    const admin = await as('admin');
    const r = await admin.request(30, 3, {
      creations: [
        { resourceType: ResourceType.CLUSTER, resourceName: 'not-kafka-cluster', resourcePatternType: 3, principal: 'User:bob', host: '*', operation: Op.ALTER, permissionType: 3 },
        { resourceType: ResourceType.TOPIC, resourceName: 'x', resourcePatternType: PatternType.MATCH, principal: 'User:bob', host: '*', operation: Op.READ, permissionType: 3 },
        { resourceType: ResourceType.GROUP, resourceName: 'g', resourcePatternType: 3, principal: 'bob', host: '*', operation: Op.READ, permissionType: 3 },
        { resourceType: ResourceType.GROUP, resourceName: 'g-bob', resourcePatternType: 3, principal: 'User:bob', host: '*', operation: Op.READ, permissionType: 3 },
      ],
    });
    expect(r.results.map((x: any) => x.errorCode)).toEqual([E.INVALID_REQUEST, E.INVALID_REQUEST, E.INVALID_REQUEST, E.NONE]);
  });
});

describe('SCRAM credentials at run time (Describe/AlterUserScramCredentials)', () => {
  const salt = randomBytes(16);
  const m = scramMechanism('SCRAM-SHA-256')!;

  it('creates a user from a client-salted password; it can log in; only mechanisms and iterations are described', async () => {
    const admin = await as('admin');
    const r = await admin.request(51, 0, { deletions: [], upsertions: [{ name: 'carol', mechanism: m.type, iterations: 8192, salt, saltedPassword: saltedPasswordSync(m, 'carol-secret', salt, 8192) }] });
    expect(r.results).toEqual([{ user: 'carol', errorCode: 0, errorMessage: null }]);
    await as('carol', 'carol-secret');
    const plain = await saslClient(port, { mechanism: 'PLAIN', username: 'carol', password: 'carol-secret' });
    plain.close();
    const d = await admin.request(50, 0, { users: [{ name: 'carol' }, { name: 'nobody' }] });
    expect(d.results).toEqual([
      { user: 'carol', errorCode: 0, errorMessage: null, credentialInfos: [{ mechanism: 1, iterations: 8192 }] },
      { user: 'nobody', errorCode: E.RESOURCE_NOT_FOUND, errorMessage: 'Attempt to describe a user credential that does not exist: nobody', credentialInfos: [] },
    ]);
    const everyone = await admin.request(50, 0, { users: null });
    expect(everyone.results.map((u: any) => u.user)).toEqual(['admin', 'alice', 'bob', 'carol']);
  });

  it("refuses what Kafka refuses, and principals without ALTER on the cluster", async () => {
    const admin = await as('admin');
    const bad = await admin.request(51, 0, {
      deletions: [{ name: 'nobody', mechanism: 2 }, { name: 'dup', mechanism: 1 }],
      upsertions: [
        { name: 'few', mechanism: 1, iterations: 1000, salt, saltedPassword: Buffer.alloc(32) },
        { name: 'dup', mechanism: 1, iterations: 4096, salt, saltedPassword: Buffer.alloc(32) },
        { name: '', mechanism: 1, iterations: 4096, salt, saltedPassword: Buffer.alloc(32) },
        { name: 'unknown-mech', mechanism: 0, iterations: 4096, salt, saltedPassword: Buffer.alloc(32) },
      ],
    });
    const byUser = Object.fromEntries(bad.results.map((x: any) => [x.user, x.errorCode]));
    expect(byUser).toEqual({ nobody: E.RESOURCE_NOT_FOUND, dup: E.RESOURCE_NOT_FOUND, few: E.UNACCEPTABLE_CREDENTIAL, '': E.UNACCEPTABLE_CREDENTIAL, 'unknown-mech': E.UNSUPPORTED_SASL_MECHANISM });
    const twice = await admin.request(51, 0, { deletions: [], upsertions: [1, 2].map(() => ({ name: 'twice', mechanism: 1, iterations: 4096, salt, saltedPassword: Buffer.alloc(32) })) });
    expect(twice.results).toEqual([{ user: 'twice', errorCode: E.DUPLICATE_RESOURCE, errorMessage: 'A user credential cannot be altered twice in the same request' }]);
    const bob = await as('bob');
    expect((await bob.request(51, 0, { deletions: [{ name: 'carol', mechanism: 1 }], upsertions: [] })).results[0].errorCode).toBe(E.CLUSTER_AUTHORIZATION_FAILED);
    expect((await bob.request(50, 0, { users: null })).errorCode).toBe(E.CLUSTER_AUTHORIZATION_FAILED);
  });
});

describe('restart', () => {
  it('ACLs and run-time credentials survive a restart; deleting a credential locks the user out', async () => {
    const before = broker.broker.security.acls.all();
    for (const c of clients.splice(0)) c.close();
    await broker.close();
    await start();
    expect(broker.broker.security.acls.all()).toEqual(before);
    const alice = await as('alice');
    expect(produceCodes(await alice.request(0, 9, produceRequest('orders', 'payments')))).toEqual({ orders: E.NONE, payments: E.TOPIC_AUTHORIZATION_FAILED });
    const carol = await as('carol', 'carol-secret');
    expect((await carol.request(3, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).topics).toEqual([]);
    const admin = await as('admin');
    expect((await admin.request(51, 0, { deletions: [{ name: 'carol', mechanism: 1 }], upsertions: [] })).results[0].errorCode).toBe(E.NONE);
    await expect(saslClient(port, { mechanism: 'SCRAM-SHA-256', username: 'carol', password: 'carol-secret' })).rejects.toMatchObject({ response: { errorCode: E.SASL_AUTHENTICATION_FAILED } });
    // A flag-defined user's credential deleted at run time stays deleted after a restart.
    expect((await admin.request(51, 0, { deletions: [{ name: 'bob', mechanism: 1 }], upsertions: [] })).results[0].errorCode).toBe(E.NONE);
    for (const c of clients.splice(0)) c.close();
    await broker.close();
    await start();
    await expect(saslClient(port, { mechanism: 'SCRAM-SHA-256', username: 'bob', password: 'bob-secret' })).rejects.toMatchObject({ response: { errorCode: E.SASL_AUTHENTICATION_FAILED } });
    // SCRAM-SHA-256 is gone; SCRAM-SHA-512 (and so PLAIN) still works.
    (await saslClient(port, { mechanism: 'SCRAM-SHA-512', username: 'bob', password: 'bob-secret' })).close();
  });
});
