// Security settings: CLI flags and env vars, Kafka-named config properties, validation,
// listener specs, and RFC 2253 principals of client certificates.
import { describe, expect, it } from 'vitest';
import { configFromArgs } from '../../src/cli-args.js';
import { resolveConfig } from '../../src/config/broker-config.js';
import { resolveSecurity } from '../../src/security/config.js';
import { parseAdvertisedListeners, parseListeners } from '../../src/security/listeners.js';
import { rfc2253 } from '../../src/security/tls.js';
import { CredentialStore } from '../../src/security/credentials.js';

describe('flags and env vars', () => {
  it('repeatable and comma-separated list flags; bool and int flags', () => {
    const c = configFromArgs(
      ['--listener', 'PLAINTEXT://127.0.0.1:0', '--listener', 'SASL_SSL://127.0.0.1:0,SSL://127.0.0.1:0', '--sasl-user', 'alice:a:b', '--sasl-user', 'bob:pw', '--super-users', 'User:admin', '--authorizer', '--connections-max-reauth-ms', '5000', '--ssl-client-auth', 'required'],
      {},
    );
    expect(c).toMatchObject({
      listeners: ['PLAINTEXT://127.0.0.1:0', 'SASL_SSL://127.0.0.1:0', 'SSL://127.0.0.1:0'],
      saslUsers: ['alice:a:b', 'bob:pw'],
      superUsers: ['User:admin'],
      authorizer: true,
      connectionsMaxReauthMs: 5000,
      sslClientAuth: 'required',
    });
    const env = configFromArgs([], { KAFKALITE_LISTENER: 'SASL_PLAINTEXT://:9094', KAFKALITE_SASL_USER: 'a:1,b:2', KAFKALITE_ALLOW_EVERYONE_IF_NO_ACL_FOUND: 'true' });
    expect(env).toMatchObject({ listeners: ['SASL_PLAINTEXT://:9094'], saslUsers: ['a:1', 'b:2'], allowEveryoneIfNoAclFound: true });
    // super.users is ;-separated: certificate principals contain commas.
    expect(configFromArgs(['--super-users', 'User:CN=a,O=b;User:x', '--super-users', 'User:y'], {}).superUsers).toEqual(['User:CN=a,O=b', 'User:x', 'User:y']);
    // Flags win over env vars.
    expect(configFromArgs(['--listener', 'SSL://:1'], { KAFKALITE_LISTENER: 'PLAINTEXT://:2' }).listeners).toEqual(['SSL://:1']);
  });
});

describe('config file properties (Kafka names)', () => {
  it('map to the typed settings and are reported as static properties', () => {
    const c = resolveConfig({
      properties: {
        listeners: 'INTERNAL://127.0.0.1:0,EXTERNAL://0.0.0.0:0',
        'advertised.listeners': 'EXTERNAL://kafka.example:9094',
        'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,EXTERNAL:SASL_SSL',
        'ssl.keystore.type': 'PEM',
        'ssl.keystore.location': '/etc/kafka/server.pem',
        'ssl.truststore.location': '/etc/kafka/ca.pem',
        'ssl.client.auth': 'requested',
        'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
        'sasl.users': 'alice:secret',
        'super.users': 'User:admin;User:ops',
        'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
        'allow.everyone.if.no.acl.found': 'true',
        'connections.max.reauth.ms': '60000',
      },
    });
    expect(c).toMatchObject({
      listeners: ['INTERNAL://127.0.0.1:0', 'EXTERNAL://0.0.0.0:0'],
      advertisedListeners: ['EXTERNAL://kafka.example:9094'],
      sslKey: '/etc/kafka/server.pem',
      sslCert: '/etc/kafka/server.pem',
      sslCa: '/etc/kafka/ca.pem',
      sslClientAuth: 'requested',
      saslEnabledMechanisms: ['SCRAM-SHA-512'],
      saslUsers: ['alice:secret'],
      superUsers: ['User:admin', 'User:ops'],
      authorizer: true,
      allowEveryoneIfNoAclFound: true,
      connectionsMaxReauthMs: 60000,
    });
    const s = resolveSecurity(c);
    expect(s.listeners.map((l) => [l.name, l.protocol])).toEqual([
      ['INTERNAL', 'PLAINTEXT'],
      ['EXTERNAL', 'SASL_SSL'],
    ]);
    expect(s.advertised.get('EXTERNAL')).toEqual({ host: 'kafka.example', port: 9094 });
    expect(s.superUsers).toEqual(['User:admin', 'User:ops']);
    // Flags given as typed settings are reported under Kafka's names (passwords hidden).
    const f = resolveConfig({ listeners: ['SASL_PLAINTEXT://:0'], saslUsers: ['bob:pw'], superUsers: ['User:admin'], authorizer: true });
    expect(f.properties).toMatchObject({ listeners: 'SASL_PLAINTEXT://:0', 'sasl.users': 'bob:[hidden]', 'super.users': 'User:admin' });
    expect(() => resolveConfig({ properties: { 'ssl.keystore.type': 'JKS' } })).toThrow(/PEM/);
  });

  it('the default config is one PLAINTEXT listener on host:port, advertised as before', () => {
    const s = resolveSecurity(resolveConfig({ host: '0.0.0.0', port: 9092, advertisedHost: 'kafka.local' }));
    expect(s.listeners).toEqual([{ name: 'PLAINTEXT', protocol: 'PLAINTEXT', host: '0.0.0.0', port: 9092 }]);
    expect(s.advertised.get('PLAINTEXT')).toEqual({ host: 'kafka.local', port: -1 });
    expect(s.authorizer).toBe(false);
    expect(s.tls).toBeNull();
  });
});

describe('validation (refused at start-up, as Kafka refuses)', () => {
  const bad = (c: Parameters<typeof resolveConfig>[0]) => () => resolveSecurity(resolveConfig(c));
  it('listeners', () => {
    expect(bad({ listeners: ['HTTP://:1'] })).toThrow(/no security protocol for listener HTTP/);
    expect(bad({ listeners: ['PLAINTEXT://:9092', 'SSL://:9092'] })).toThrow(/different port/);
    expect(bad({ listeners: ['PLAINTEXT://:1', 'PLAINTEXT://:2'] })).toThrow(/different name/);
    expect(bad({ listeners: ['PLAINTEXT://nohost'] })).toThrow(/NAME:\/\/host:port/);
    expect(bad({ listeners: ['PLAINTEXT://:1'], advertisedListeners: ['SSL://h:1'] })).toThrow(/subset/);
    expect(bad({ listeners: ['SSL://:1'] })).toThrow(/--ssl-key/);
    expect(bad({ listeners: ['SASL_PLAINTEXT://:1'], saslEnabledMechanisms: ['GSSAPI'] })).toThrow(/GSSAPI is not supported/);
    expect(bad({ superUsers: ['admin'] })).toThrow(/not a principal/);
    expect(bad({ sslClientAuth: 'maybe' as never, listeners: ['SSL://:1'], sslKey: 'k', sslCert: 'c' })).toThrow(/required, requested, none/);
  });
  it('listener specs: IPv6 and empty hosts, port 0 may repeat', () => {
    expect(parseListeners('PLAINTEXT://[::1]:9092,SASL_SSL://:0,SSL://:0')).toEqual([
      { name: 'PLAINTEXT', protocol: 'PLAINTEXT', host: '::1', port: 9092 },
      { name: 'SASL_SSL', protocol: 'SASL_SSL', host: '', port: 0 },
      { name: 'SSL', protocol: 'SSL', host: '', port: 0 },
    ]);
    expect(parseAdvertisedListeners(['SSL://[::1]:9'], parseListeners(['SSL://:0'])).get('SSL')).toEqual({ host: '::1', port: 9 });
  });
  it('SASL users', () => {
    expect(() => new CredentialStore(null).addUserSpec('nopassword')).toThrow(/name:password/);
    const s = new CredentialStore(null);
    s.addUserSpec('alice:pa:ss');
    expect([...s.users().keys()]).toEqual(['alice']);
  });
});

describe('certificate principals', () => {
  it('RFC 2253: most specific RDN first, special characters escaped', () => {
    expect(rfc2253('C=US\nO=Example, Inc.\nOU=dev\nCN=alice')).toBe('CN=alice,OU=dev,O=Example\\, Inc.,C=US');
    expect(rfc2253('CN=#hash+plus')).toBe('CN=\\#hash\\+plus');
  });
});
