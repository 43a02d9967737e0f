// The ACL authorizer's decisions (Kafka's StandardAuthorizer rules), ACL filters
// (MATCH/ANY), the ACL store's persistence, and the per-API rule table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HANDLERS } from '../../src/handlers/index.js';
import { AclOperation as Op, CLUSTER_NAME, filterMatches, invalidBinding, PatternType as P, PermissionType as Perm, ResourceType as R, type AclBinding, type AclBindingFilter } from '../../src/security/acl.js';
import { AclStore } from '../../src/security/acl-store.js';
import { Authorizer } from '../../src/security/authorizer.js';
import { AUTH_RULES } from '../../src/security/resources.js';

const alice = { principal: 'User:alice', host: '10.0.0.1' };
const bob = { principal: 'User:bob', host: '10.0.0.2' };

function acl(p: Partial<AclBinding>): AclBinding {
  return { resourceType: R.TOPIC, resourceName: 'orders', patternType: P.LITERAL, principal: 'User:alice', host: '*', operation: Op.READ, permissionType: Perm.ALLOW, ...p };
}

function authorizer(acls: AclBinding[], opts: ConstructorParameters<typeof Authorizer>[1] = {}): Authorizer {
  const store = new AclStore(null);
  store.add(acls);
  return new Authorizer(store, opts);
}

describe('authorizer', () => {
  it('denies by default and allows what an ALLOW grants', () => {
    const a = authorizer([acl({})]);
    expect(a.authorize(alice, Op.READ, R.TOPIC, 'orders')).toBe(true);
    expect(a.authorize(alice, Op.WRITE, R.TOPIC, 'orders')).toBe(false);
    expect(a.authorize(bob, Op.READ, R.TOPIC, 'orders')).toBe(false);
    expect(a.authorize(alice, Op.READ, R.TOPIC, 'payments')).toBe(false);
    expect(a.authorize(alice, Op.READ, R.GROUP, 'orders')).toBe(false);
  });

  it('implies DESCRIBE from READ, WRITE, DELETE and ALTER, DESCRIBE_CONFIGS from ALTER_CONFIGS; ALL grants everything', () => {
    for (const op of [Op.READ, Op.WRITE, Op.DELETE, Op.ALTER]) {
      expect(authorizer([acl({ operation: op })]).authorize(alice, Op.DESCRIBE, R.TOPIC, 'orders')).toBe(true);
    }
    expect(authorizer([acl({ operation: Op.CREATE })]).authorize(alice, Op.DESCRIBE, R.TOPIC, 'orders')).toBe(false);
    expect(authorizer([acl({ operation: Op.ALTER_CONFIGS })]).authorize(alice, Op.DESCRIBE_CONFIGS, R.TOPIC, 'orders')).toBe(true);
    expect(authorizer([acl({ operation: Op.DESCRIBE })]).authorize(alice, Op.READ, R.TOPIC, 'orders')).toBe(false);
    const all = authorizer([acl({ operation: Op.ALL })]);
    for (const op of [Op.READ, Op.WRITE, Op.CREATE, Op.DELETE, Op.ALTER, Op.DESCRIBE, Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS]) expect(all.authorize(alice, op, R.TOPIC, 'orders')).toBe(true);
  });

  it('DENY wins over ALLOW, for the operation itself or ALL (not for implied operations)', () => {
    expect(authorizer([acl({}), acl({ permissionType: Perm.DENY })]).authorize(alice, Op.READ, R.TOPIC, 'orders')).toBe(false);
    expect(authorizer([acl({ operation: Op.ALL }), acl({ permissionType: Perm.DENY, operation: Op.ALL })]).authorize(alice, Op.WRITE, R.TOPIC, 'orders')).toBe(false);
    // A DENY READ does not deny DESCRIBE implied by an ALLOW WRITE.
    expect(authorizer([acl({ operation: Op.WRITE }), acl({ permissionType: Perm.DENY })]).authorize(alice, Op.DESCRIBE, R.TOPIC, 'orders')).toBe(true);
    // A wildcard DENY beats a literal ALLOW; a DENY for everyone too.
    expect(authorizer([acl({}), acl({ resourceName: '*', permissionType: Perm.DENY })]).authorize(alice, Op.READ, R.TOPIC, 'orders')).toBe(false);
    expect(authorizer([acl({}), acl({ principal: 'User:*', permissionType: Perm.DENY })]).authorize(alice, Op.READ, R.TOPIC, 'orders')).toBe(false);
  });

  it('matches LITERAL, the * wildcard and PREFIXED patterns', () => {
    const a = authorizer([acl({ resourceName: 'logs-', patternType: P.PREFIXED }), acl({ resourceType: R.GROUP, resourceName: '*' })]);
    expect(a.authorize(alice, Op.READ, R.TOPIC, 'logs-app')).toBe(true);
    expect(a.authorize(alice, Op.READ, R.TOPIC, 'logs-')).toBe(true);
    expect(a.authorize(alice, Op.READ, R.TOPIC, 'log')).toBe(false);
    expect(a.authorize(alice, Op.READ, R.TOPIC, 'other')).toBe(false);
    expect(a.authorize(alice, Op.READ, R.GROUP, 'any-group')).toBe(true);
    // A literal '*' name is not a prefix pattern, and a prefix is not a wildcard.
    expect(authorizer([acl({ resourceName: 'logs*' })]).authorize(alice, Op.READ, R.TOPIC, 'logs-app')).toBe(false);
    // A prefixed DENY beats a literal ALLOW.
    expect(authorizer([acl({ resourceName: 'logs-app' }), acl({ resourceName: 'logs-', patternType: P.PREFIXED, permissionType: Perm.DENY })]).authorize(alice, Op.READ, R.TOPIC, 'logs-app')).toBe(false);
  });

  it('matches principals (User:* is everyone) and hosts (* or the client IP)', () => {
    const a = authorizer([acl({ principal: 'User:*', host: '10.0.0.1' })]);
    expect(a.authorize(alice, Op.READ, R.TOPIC, 'orders')).toBe(true);
    expect(a.authorize({ principal: 'User:bob', host: '10.0.0.1' }, Op.READ, R.TOPIC, 'orders')).toBe(true);
    expect(a.authorize(bob, Op.READ, R.TOPIC, 'orders')).toBe(false);
  });

  it('super users may do anything, whatever the ACLs', () => {
    const a = authorizer([acl({ principal: 'User:admin', operation: Op.ALL, permissionType: Perm.DENY })], { superUsers: ['User:admin'] });
    expect(a.authorize({ principal: 'User:admin', host: '1.2.3.4' }, Op.ALTER, R.CLUSTER, CLUSTER_NAME)).toBe(true);
    expect(a.authorize({ principal: 'User:admin', host: '1.2.3.4' }, Op.READ, R.TOPIC, 'orders')).toBe(true);
  });

  it('allow.everyone.if.no.acl.found opens resources without any ACL, and only those', () => {
    const a = authorizer([acl({ principal: 'User:bob' })], { allowEveryoneIfNoAclFound: true });
    expect(a.authorize(alice, Op.WRITE, R.TOPIC, 'other')).toBe(true);
    expect(a.authorize(alice, Op.READ, R.TOPIC, 'orders')).toBe(false);
    expect(authorizer([]).authorize(alice, Op.READ, R.TOPIC, 'x')).toBe(false);
  });

  it('authorized operations as a bitfield of the resource type’s operations', () => {
    const a = authorizer([acl({ operation: Op.WRITE })]);
    const bits = a.authorizedOperations(alice, R.TOPIC, 'orders');
    expect(bits).toBe((1 << Op.WRITE) | (1 << Op.DESCRIBE));
    const sup = authorizer([], { superUsers: ['User:alice'] });
    expect(sup.authorizedOperations(alice, R.CLUSTER, CLUSTER_NAME)).toBe([5, 7, 8, 9, 10, 11, 12].reduce((m, op) => m | (1 << op), 0));
  });

  it('authorizeByResourceType: some ALLOW of the type not dominated by a DENY', () => {
    expect(authorizer([acl({ operation: Op.WRITE })]).authorizeByResourceType(alice, Op.WRITE, R.TOPIC)).toBe(true);
    expect(authorizer([]).authorizeByResourceType(alice, Op.WRITE, R.TOPIC)).toBe(false);
    expect(authorizer([acl({ operation: Op.WRITE }), acl({ operation: Op.WRITE, permissionType: Perm.DENY })]).authorizeByResourceType(alice, Op.WRITE, R.TOPIC)).toBe(false);
    expect(authorizer([acl({ operation: Op.WRITE, resourceName: 'ord', patternType: P.PREFIXED }), acl({ operation: Op.WRITE, resourceName: 'o', patternType: P.PREFIXED, permissionType: Perm.DENY })]).authorizeByResourceType(alice, Op.WRITE, R.TOPIC)).toBe(false);
    expect(authorizer([acl({ operation: Op.WRITE, resourceName: '*', permissionType: Perm.DENY }), acl({ operation: Op.WRITE })]).authorizeByResourceType(alice, Op.WRITE, R.TOPIC)).toBe(false);
    expect(authorizer([acl({ operation: Op.ALL, resourceName: '*' })]).authorizeByResourceType(alice, Op.WRITE, R.TOPIC)).toBe(true);
  });
});

describe('ACL filters', () => {
  const filter = (f: Partial<AclBindingFilter>): AclBindingFilter => ({ resourceType: R.ANY, resourceName: null, patternType: P.ANY, principal: null, host: null, operation: Op.ANY, permissionType: Perm.ANY, ...f });
  const literal = acl({});
  const wildcard = acl({ resourceName: '*' });
  const prefixed = acl({ resourceName: 'ord', patternType: P.PREFIXED });
  it('ANY matches everything; LITERAL/PREFIXED exactly; MATCH what applies to a name', () => {
    expect([literal, wildcard, prefixed].filter((b) => filterMatches(filter({}), b))).toHaveLength(3);
    expect(filterMatches(filter({ resourceName: 'orders', patternType: P.ANY }), wildcard)).toBe(false);
    expect(filterMatches(filter({ resourceName: 'ord', patternType: P.PREFIXED }), prefixed)).toBe(true);
    expect(filterMatches(filter({ resourceName: 'ord', patternType: P.LITERAL }), prefixed)).toBe(false);
    expect([literal, wildcard, prefixed].filter((b) => filterMatches(filter({ resourceName: 'orders', patternType: P.MATCH }), b))).toHaveLength(3);
    expect([literal, wildcard, prefixed].filter((b) => filterMatches(filter({ resourceName: 'other', patternType: P.MATCH }), b))).toEqual([wildcard]);
    expect(filterMatches(filter({ principal: 'User:bob' }), literal)).toBe(false);
    expect(filterMatches(filter({ operation: Op.WRITE }), literal)).toBe(false);
    expect(filterMatches(filter({ permissionType: Perm.DENY }), literal)).toBe(false);
    expect(filterMatches(filter({ resourceType: R.GROUP }), literal)).toBe(false);
  });
  it('refuses invalid bindings as Kafka does', () => {
    expect(invalidBinding(acl({}))).toBeNull();
    expect(invalidBinding(acl({ resourceType: R.ANY }))).toMatch(/Invalid resourceType/);
    expect(invalidBinding(acl({ patternType: P.MATCH }))).toMatch(/Invalid patternType/);
    expect(invalidBinding(acl({ operation: Op.ANY }))).toMatch(/Invalid operation/);
    expect(invalidBinding(acl({ permissionType: Perm.ANY }))).toMatch(/Invalid permissionType/);
    expect(invalidBinding(acl({ resourceName: '' }))).toMatch(/empty/);
    expect(invalidBinding(acl({ resourceType: R.CLUSTER, resourceName: 'other' }))).toMatch(/kafka-cluster/);
    expect(invalidBinding(acl({ principal: 'alice' }))).toMatch(/no colon/);
  });
});

describe('ACL store', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  it('persists ACLs in the data dir across instances, once each', () => {
    dir = mkdtempSync(join(tmpdir(), 'kafkalite-acl-'));
    const a = new AclStore(dir);
    a.add([acl({}), acl({}), acl({ operation: Op.WRITE })]);
    expect(a.size).toBe(2);
    const b = new AclStore(dir);
    b.load();
    expect(b.all()).toEqual(a.all());
    const removed = b.remove([{ resourceType: R.TOPIC, resourceName: 'orders', patternType: P.LITERAL, principal: null, host: null, operation: Op.WRITE, permissionType: Perm.ANY }]);
    expect(removed[0]).toHaveLength(1);
    const c = new AclStore(dir);
    c.load();
    expect(c.size).toBe(1);
  });
});

describe('rule table', () => {
  it('every API the broker serves has an authorization rule', () => {
    const missing = HANDLERS.filter((h) => !AUTH_RULES.has(h.apiKey)).map((h) => `${h.apiKey} ${h.name}`);
    expect(missing, 'APIs without a rule in src/security/resources.ts (they fall back to ALTER on the cluster)').toEqual([]);
  });
});

describe('every API × version under a deny-everything authorizer', () => {
  it('answers with an encodable response of the API’s shape (never an exception)', async () => {
    const { startBroker } = await import('../../src/broker.js');
    const { encodeResponseFrame } = await import('../../src/wire/codecs.js');
    const { fieldsAt } = await import('../../src/admin/message-walk.js');
    type F = import('../../src/wire/schema.js').AnyField;
    const sample = (fields: readonly F[], v: number, depth = 0): Record<string, unknown> => {
      const o: Record<string, unknown> = {};
      for (const f of fieldsAt(fields, v)) o[f.name] = sampleField(f, v, depth);
      return o;
    };
    const sampleType = (t: F['type'], v: number, depth: number): unknown => {
      if (typeof t === 'object') {
        if (t.kind === 'struct') return sample(t.fields as readonly F[], v, depth + 1);
        return depth > 3 ? [] : [sampleType(t.of, v, depth + 1)];
      }
      switch (t) {
        case 'int64':
          return 0n;
        case 'string':
          return 'x';
        case 'bytes':
        case 'records':
          return Buffer.from('x');
        case 'uuid':
          return 'AAAAAAAAAAAAAAAAAAAAAA';
        case 'bool':
          return false;
        default:
          return 0;
      }
    };
    const sampleField = (f: F, v: number, depth: number): unknown => (f.name === 'acks' ? 1 : f.name === 'replicaId' ? -1 : sampleType(f.type, v, depth));
    const handle = await startBroker({ port: 0, inMemory: true, authorizer: true, logLevel: 'silent' });
    try {
      await handle.broker.createTopic('x', 1);
      const { Session } = await import('../../src/security/session.js');
      const session = new Session('PLAINTEXT', 'PLAINTEXT', '127.0.0.1', {} as never, null);
      const wrapped = handle.broker.security.wrapHandlers(handle.broker.handlers, handle.broker);
      const failures: string[] = [];
      for (const h of wrapped) {
        if (h.apiKey === 17 || h.apiKey === 36) continue; // connection-level SASL state, tested over sockets
        for (let v = h.minVersion; v <= h.maxVersion; v++) {
          const req = sample(h.request.fields as readonly F[], v);
          const ctx = { apiKey: h.apiKey, apiVersion: v, correlationId: 1, clientId: 't', broker: handle.broker, log: handle.broker.logger, listener: 'PLAINTEXT', session };
          try {
            const res = await h.handle(req, ctx);
            if (res !== null) encodeResponseFrame(h.apiKey, v, 1, res);
          } catch (err) {
            failures.push(`${h.name} v${v}: ${(err as Error).message}`);
          }
        }
      }
      expect(failures).toEqual([]);
    } finally {
      await handle.close();
    }
  });
});
