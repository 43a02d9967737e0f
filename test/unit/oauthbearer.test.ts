// SASL/OAUTHBEARER as Kafka's broker speaks it out of the box: the RFC 7628 client message
// parser (OAuthBearerClientInitialResponse), the unsecured JWT validator
// (OAuthBearerUnsecuredJws + OAuthBearerUnsecuredValidatorCallbackHandler), the SASL server
// (OAuthBearerSaslServer) and the JAAS config its options come from. Byte-level, with a fixed clock.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/broker-config.js';
import { ConfigRegistry } from '../../src/config/config-registry.js';
import { configFromArgs } from '../../src/cli-args.js';
import { resolveSecurity } from '../../src/security/config.js';
import { parseJaasConfig, serverJaasEntry } from '../../src/security/jaas.js';
import {
  clientInitialResponse,
  DEFAULT_UNSECURED_VALIDATOR_OPTIONS,
  javaBase64Decode,
  jsonErrorResponse,
  OAuthBearerServer,
  parseClientInitialResponse,
  SaslException,
  SaslUnexpectedError,
  unsecuredJwt,
  unsecuredValidatorOptions,
  validateUnsecuredToken,
  type UnsecuredValidatorOptions,
} from '../../src/security/sasl/oauthbearer.js';
import { SaslAuthenticationError } from '../../src/security/sasl/scram.js';

const NOW = 1_700_000_000_000; // ms
const SEC = NOW / 1000;
const OPTS = DEFAULT_UNSECURED_VALIDATOR_OPTIONS;
const opts = (o: Partial<UnsecuredValidatorOptions>): UnsecuredValidatorOptions => ({ ...OPTS, ...o });
const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const good = (extra: Record<string, unknown> = {}): string => unsecuredJwt({ sub: 'alice', iat: SEC - 10, exp: SEC + 3600, ...extra });
/** The token part encoded by hand (standard or url alphabet, with or without padding). */
const part = (o: unknown, enc: 'base64' | 'base64url' = 'base64url'): string => Buffer.from(JSON.stringify(o)).toString(enc);

describe('client initial response (RFC 7628 §3.1, KAFKA-7182 framing)', () => {
  it('GS2 header, auth=Bearer <token>, kvsep-terminated: the token and no authzid', () => {
    expect(parseClientInitialResponse(b('n,,\x01auth=Bearer abc.def.\x01\x01'))).toEqual({ authorizationId: '', tokenValue: 'abc.def.', extensions: new Map() });
  });

  it('authzid a=<name> is kept as sent (Kafka does not decode =2C/=3D)', () => {
    expect(parseClientInitialResponse(b('n,a=alice,\x01auth=Bearer t\x01\x01')).authorizationId).toBe('alice');
    expect(parseClientInitialResponse(b('n,a=a=2Cb,\x01auth=Bearer t\x01\x01')).authorizationId).toBe('a=2Cb');
  });

  it('extensions (KIP-342) are the other key=value pairs; values may hold spaces and =; a repeated key keeps the last', () => {
    const r = parseClientInitialResponse(b('n,,\x01traceId=abc 123\x01auth=Bearer t\x01expr=a=b\x01traceId=x\x01\x01'));
    expect(r.tokenValue).toBe('t');
    expect([...r.extensions]).toEqual([
      ['traceId', 'x'],
      ['expr', 'a=b'],
    ]);
  });

  it('RFC 6750 token characters: - _ . ~ + / and trailing = padding (Kafka ≥ 3.7)', () => {
    expect(parseClientInitialResponse(b('n,,\x01auth=Bearer a-b_c.d~e+f/g==\x01\x01')).tokenValue).toBe('a-b_c.d~e+f/g==');
    // the scheme is matched without regard to case; more than one space is fine
    expect(parseClientInitialResponse(b('n,,\x01auth=bEaReR   t\x01\x01')).tokenValue).toBe('t');
  });

  it('malformed messages are a SaslException "Invalid OAUTHBEARER client first message"', () => {
    for (const m of [
      'n,,auth=Bearer t', // before KAFKA-7182: no kvseps
      'n,,\x01auth=Bearer t\x01', // missing the final kvsep
      'y,,\x01auth=Bearer t\x01\x01', // channel binding flags other than n
      'p=tls-unique,,\x01auth=Bearer t\x01\x01',
      'n,a=,\x01auth=Bearer t\x01\x01', // empty authzid
      'n,,\x01k1=v\x01auth=Bearer t\x01\x01', // keys are letters only
      'n,,\x01auth=Bearer t\x01empty=\x01\x01', // values are not empty
      'n,,\x01auth=Bearer tök\x01\x01', // non-ASCII
      '',
    ]) {
      expect(() => parseClientInitialResponse(b(m)), JSON.stringify(m)).toThrow(new SaslException('Invalid OAUTHBEARER client first message'));
    }
    expect(() => parseClientInitialResponse(Buffer.from('n,,\x01auth=Bearer tök\x01\x01', 'utf8'))).toThrow(SaslException);
  });

  it("no auth pair, or one that is not '<scheme> <token>'", () => {
    expect(() => parseClientInitialResponse(b('n,,\x01\x01'))).toThrow(new SaslException("Invalid OAUTHBEARER client first message: 'auth' not specified"));
    expect(() => parseClientInitialResponse(b('n,,\x01user=alice\x01\x01'))).toThrow("'auth' not specified");
    for (const auth of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a=b', 'Bearer\ta', 'Bearer t!']) {
      expect(() => parseClientInitialResponse(b(`n,,\x01auth=${auth}\x01\x01`)), auth).toThrow(new SaslException("Invalid OAUTHBEARER client first message: invalid 'auth' format"));
    }
  });

  it('a scheme other than Bearer: Kafka throws an unexpected exception (the connection is dropped)', () => {
    expect(() => parseClientInitialResponse(b('n,,\x01auth=Basic dXNlcg==\x01\x01'))).toThrow(SaslUnexpectedError);
  });

  it('the client side writes what Kafka writes', () => {
    expect(clientInitialResponse('tok').toString('latin1')).toBe('n,,\x01auth=Bearer tok\x01\x01');
    expect(clientInitialResponse('tok', { authorizationId: 'alice', extensions: { a: '1', b: 'x y' } }).toString('latin1')).toBe('n,a=alice,\x01auth=Bearer tok\x01a=1\x01b=x y\x01\x01');
  });
});

describe('unsecured JWS validation (OAuthBearerUnsecuredValidatorCallbackHandler)', () => {
  const ok = (token: string, o = OPTS, now = NOW) => {
    const r = validateUnsecuredToken(token, o, now);
    if (!('token' in r)) throw new Error(`refused: ${r.reason}`);
    return r.token;
  };
  const refused = (token: string, o = OPTS, now = NOW) => {
    const r = validateUnsecuredToken(token, o, now);
    if ('token' in r) throw new Error('accepted');
    return r;
  };

  it('a good token: principal from sub, exp and iat in ms, scope', () => {
    const t = ok(good({ scope: ['a', ' b ', ''] }));
    expect(t.principalName).toBe('alice');
    expect(t.lifetimeMs).toBe(NOW + 3_600_000);
    expect(t.startTimeMs).toBe(NOW - 10_000);
    expect([...t.scope]).toEqual(['a', 'b']);
    // fractional seconds (librdkafka writes %.3f) are rounded to ms
    expect(ok(unsecuredJwt({ sub: 'x', exp: SEC + 1.2345 })).lifetimeMs).toBe(NOW + 1235);
    // iat is optional; other claims and header fields are ignored
    expect(ok(unsecuredJwt({ sub: 'x', exp: SEC + 1, nbf: 'whatever' }, { alg: 'none', typ: 'JWT' })).startTimeMs).toBeNull();
  });

  it('alg must be none; the signature part empty', () => {
    const hs256 = `${part({ alg: 'HS256' })}.${part({ sub: 'alice', exp: SEC + 60 })}.`;
    expect(refused(hs256)).toEqual({ status: 'invalid_token', scope: null, reason: "Unsecured JWS must have 'none' for an algorithm" });
    expect(refused(`${part({ alg: 'NONE' })}.${part({ sub: 'a', exp: SEC + 60 })}.`).reason).toBe("Unsecured JWS must have 'none' for an algorithm");
    expect(refused(`${good()}c2ln`).reason).toBe('Unsecured JWS must not contain a digital signature');
  });

  it('a header without alg: Kafka hits a NullPointerException (connection dropped, no answer)', () => {
    expect(() => validateUnsecuredToken(`${part({ typ: 'JWT' })}.${part({ sub: 'a', exp: SEC + 60 })}.`, OPTS, NOW)).toThrow(SaslUnexpectedError);
    // an empty header decodes to no members at all
    expect(() => validateUnsecuredToken(`.${part({ sub: 'a', exp: SEC + 60 })}.`, OPTS, NOW)).toThrow(SaslUnexpectedError);
  });

  it('three dot-separated parts, no ".."', () => {
    expect(refused('abc.def').reason).toBe('Unsecured JWS compact serializations must have 3 dot-separated Base64URL-encoded values');
    expect(refused(`${good()}sig.x`).reason).toBe('Unsecured JWS compact serializations must have 3 dot-separated Base64URL-encoded values');
    expect(refused('a.b.c.').reason).toBe('Unsecured JWS compact serializations must have 3 dot-separated Base64URL-encoded values');
    expect(refused('abc..').reason).toBe("Malformed compact serialization contains '..'");
  });

  it("bad Base64 and bad JSON; Java's basic decoder refuses base64url's - and _ (as Kafka does)", () => {
    const claims = { sub: 'alice', exp: SEC + 60, note: '???' }; // "???" encodes with a 63: '_' in base64url, '/' in base64
    const header = part({ alg: 'none' });
    expect(part(claims)).toContain('_');
    expect(refused(`${header}.${part(claims)}.`).reason).toBe('malformed Base64 URL encoded value');
    expect(ok(`${header}.${part(claims, 'base64')}.`).principalName).toBe('alice');
    expect(refused(`${header}.e30x.`).reason).toBe('malformed JSON'); // "{}1"
    expect(refused(`${header}.bm90IGpzb24.`).reason).toBe('malformed JSON'); // "not json"
    // padding is optional, but must be right when present
    expect(javaBase64Decode('YQ').toString()).toBe('a');
    expect(javaBase64Decode('YQ==').toString()).toBe('a');
    expect(javaBase64Decode('YWI=').toString()).toBe('ab');
    for (const bad of ['Y', 'YQ=', 'YWI==', 'YWJj=', 'Y!==', 'YQ==YQ']) expect(() => javaBase64Decode(bad), bad).toThrow('malformed Base64 URL encoded value');
  });

  it('exp is required and a number', () => {
    expect(refused(unsecuredJwt({ sub: 'alice' })).reason).toBe('No expiration time in JWT');
    expect(refused(unsecuredJwt({ sub: 'alice', exp: String(SEC + 60) })).reason).toBe("The 'exp' claim was not of type Number: String");
    expect(refused(unsecuredJwt({ sub: 'alice', exp: SEC + 60, iat: 'yesterday' })).reason).toBe("The 'iat' claim was not of type Number: String");
  });

  it('expired: now (minus the allowed skew) on or after exp', () => {
    expect(refused(unsecuredJwt({ sub: 'alice', exp: SEC - 1 })).status).toBe('invalid_token');
    expect(refused(unsecuredJwt({ sub: 'alice', exp: SEC })).reason).toBe(
      `The indicated time (${NOW} ms) minus allowable clock skew (0 ms) was on or after the Expiration Time value (${SEC}.000000 seconds)`,
    );
    expect(ok(unsecuredJwt({ sub: 'alice', exp: SEC + 0.001 })).lifetimeMs).toBe(NOW + 1);
  });

  it('allowable clock skew: a token expired 500 ms ago passes with 1000 ms of skew, not with 400', () => {
    const t = unsecuredJwt({ sub: 'alice', exp: SEC - 0.5 });
    expect(ok(t, opts({ allowableClockSkewMs: 1000 })).lifetimeMs).toBe(NOW - 500);
    expect(refused(t, opts({ allowableClockSkewMs: 400 })).status).toBe('invalid_token');
    // iat in the future: refused unless within the skew
    const future = unsecuredJwt({ sub: 'alice', iat: SEC + 10, exp: SEC + 60 });
    expect(refused(future).reason).toBe(`The Issued At value (${SEC + 10}.000000 seconds) was after the indicated time (${NOW} ms) plus allowable clock skew (0 ms)`);
    expect(ok(future, opts({ allowableClockSkewMs: 10_000 })).startTimeMs).toBe(NOW + 10_000);
  });

  it('exp must come after iat', () => {
    expect(refused(unsecuredJwt({ sub: 'alice', iat: SEC - 5, exp: SEC - 5 }), opts({ allowableClockSkewMs: 60_000 })).reason).toBe(
      `The Expiration Time time (${SEC - 5}.000000 seconds) was not after the Issued At time (${SEC - 5}.000000 seconds)`,
    );
  });

  it('custom principal claim (unsecuredValidatorPrincipalClaimName)', () => {
    const t = unsecuredJwt({ sub: 'alice', client_id: 'svc-orders', exp: SEC + 60 });
    expect(ok(t, opts({ principalClaimName: 'client_id' })).principalName).toBe('svc-orders');
    expect(ok(t).principalName).toBe('alice');
    expect(refused(unsecuredJwt({ sub: 'alice', exp: SEC + 60 }), opts({ principalClaimName: 'client_id' })).reason).toBe('No principal name in JWT claim: client_id');
    expect(refused(unsecuredJwt({ sub: '  ', exp: SEC + 60 })).reason).toBe('No principal name in JWT claim: sub');
    expect(refused(unsecuredJwt({ sub: 42, exp: SEC + 60 })).reason).toBe("The 'sub' claim was not of type String: Integer");
    expect(refused(unsecuredJwt({ sub: ['a'], exp: SEC + 60 })).reason).toBe("The 'sub' claim was not of type String: ArrayList");
  });

  it('required scope present / missing: insufficient_scope with the required scope as Java prints a list', () => {
    const o = opts({ requiredScope: ['kafka', 'write'] });
    expect([...ok(good({ scope: ['write', 'kafka', 'other'] }), o).scope]).toEqual(['write', 'kafka', 'other']);
    const r = refused(good({ scope: ['kafka'] }), o);
    expect(r).toEqual({ status: 'insufficient_scope', scope: '[kafka, write]', reason: 'The provided scope ([kafka]) was missing a required scope (write).  All required scope elements: [kafka, write]' });
    expect(jsonErrorResponse(r.status, r.scope)).toBe('{"status":"insufficient_scope", "scope":"[kafka, write]"}');
    // a string scope claim is one item, spaces and all
    expect(refused(good({ scope: 'kafka write' }), o).status).toBe('insufficient_scope');
    expect([...ok(good({ scope: 'kafka write' }), opts({ requiredScope: ['kafka write'] })).scope]).toEqual(['kafka write']);
    // a custom scope claim name, and no scope claim at all
    expect(ok(good({ scp: ['kafka', 'write'] }), opts({ ...o, scopeClaimName: 'scp' })).principalName).toBe('alice');
    expect(refused(good(), o).status).toBe('insufficient_scope');
    // a scope claim of another type is an invalid token, checked before the expiry
    expect(refused(good({ scope: 7, exp: SEC - 100 }), o)).toMatchObject({ status: 'invalid_token', reason: "The 'scope' claim was not of type List: Integer" });
  });

  it("Kafka's error JSON", () => {
    expect(jsonErrorResponse('invalid_token', null)).toBe('{"status":"invalid_token"}');
    expect(jsonErrorResponse('invalid_token', 's', 'https://x/.well-known/openid-configuration')).toBe('{"status":"invalid_token", "scope":"s", "openid-configuration":"https://x/.well-known/openid-configuration"}');
  });
});

describe('the SASL server (OAuthBearerSaslServer)', () => {
  const server = (o = OPTS) => new OAuthBearerServer(o, () => NOW);

  it('a good token: empty answer, complete, principal and credential expiry', () => {
    const s = server();
    expect(s.evaluate(clientInitialResponse(good()))).toEqual(Buffer.alloc(0));
    expect(s.complete).toBe(true);
    expect(s.authorizationId).toBe('alice');
    expect(s.credentialExpiresAtMs).toBe(NOW + 3_600_000);
  });

  it('a bad token: the error JSON as the challenge; the client\'s \\x01 then fails with it', () => {
    const s = server();
    const challenge = s.evaluate(clientInitialResponse(unsecuredJwt({ sub: 'alice', exp: SEC - 60 })));
    expect(challenge.toString('latin1')).toBe('{"status":"invalid_token"}');
    expect(s.complete).toBe(false);
    expect(() => s.evaluate(b('\x01'))).toThrow(new SaslAuthenticationError('{"status":"invalid_token"}'));
  });

  it('insufficient scope carries the scope; a new client message after the error starts over (Kafka resets its error)', () => {
    const s = server(opts({ requiredScope: ['kafka'] }));
    expect(s.evaluate(clientInitialResponse(good())).toString()).toBe('{"status":"insufficient_scope", "scope":"[kafka]"}');
    expect(s.evaluate(clientInitialResponse(good({ scope: ['kafka'] })))).toHaveLength(0);
    expect(s.authorizationId).toBe('alice');
  });

  it('\\x01 without an earlier error is just a malformed first message', () => {
    expect(() => server().evaluate(b('\x01'))).toThrow(SaslException);
  });

  it('authzid must be the principal', () => {
    expect(() => server().evaluate(clientInitialResponse(good(), { authorizationId: 'bob' }))).toThrow(
      new SaslAuthenticationError("Authentication failed: Client requested an authorization id (bob) that is different from the token's principal name (alice)"),
    );
    const s = server();
    s.evaluate(clientInitialResponse(good(), { authorizationId: 'alice' }));
    expect(s.authorizationId).toBe('alice');
  });

  it('extensions are accepted, whatever they are (the unsecured handler validates every one)', () => {
    const s = server();
    expect(s.evaluate(clientInitialResponse(good(), { extensions: { traceId: 'abc', logicalCluster: 'lkc-1 x' } }))).toHaveLength(0);
    expect(Object.fromEntries(s.extensions)).toEqual({ traceId: 'abc', logicalCluster: 'lkc-1 x' });
  });
});

describe('JAAS config (Kafka\'s JaasConfig) and the validator options', () => {
  it('one entry with quoted and bare options, comments, escapes, any control-flag case', () => {
    const [e] = parseJaasConfig(`org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule Required
      unsecuredValidatorPrincipalClaimName="client_id" // the service account
      unsecuredValidatorRequiredScope='kafka write' /* two items */ unsecuredValidatorAllowableClockSkewMs=3000
      quoted="a\\"b\\\\c" ;`);
    expect(e!.loginModule).toBe('org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule');
    expect(e!.controlFlag).toBe('REQUIRED');
    expect(Object.fromEntries(e!.options)).toEqual({ unsecuredValidatorPrincipalClaimName: 'client_id', unsecuredValidatorRequiredScope: 'kafka write', unsecuredValidatorAllowableClockSkewMs: '3000', quoted: 'a"b\\c' });
    expect(parseJaasConfig('a.B required; c.D optional x=1;')).toHaveLength(2);
  });

  it("syntax errors with Kafka's messages; a broker's listener config holds exactly one module", () => {
    expect(() => parseJaasConfig('')).toThrow('Login module not specified in JAAS config');
    expect(() => parseJaasConfig('x.Y')).toThrow('Login module control flag not specified in JAAS config');
    expect(() => parseJaasConfig('x.Y mandatory;')).toThrow("Invalid login module control flag 'mandatory' in JAAS config");
    expect(() => parseJaasConfig('x.Y required a="1"')).toThrow('JAAS config entry not terminated by semi-colon');
    expect(() => parseJaasConfig('x.Y required a=;')).toThrow("Value not specified for key 'a' in JAAS config");
    expect(() => parseJaasConfig('x.Y required a;')).toThrow("Value not specified for key 'a' in JAAS config");
    expect(() => serverJaasEntry('a.B required; c.D required;')).toThrow('JAAS config property contains 2 login modules, should be 1 module');
  });

  it('unsecuredValidator* options with defaults; bad values refused', () => {
    const o = (jaas: string) => unsecuredValidatorOptions(serverJaasEntry(jaas).options);
    expect(o('x.Y required unsecuredLoginStringClaim_sub="admin";')).toEqual({ principalClaimName: 'sub', scopeClaimName: 'scope', requiredScope: [], allowableClockSkewMs: 0 });
    expect(o('x.Y required unsecuredValidatorPrincipalClaimName=" client_id " unsecuredValidatorScopeClaimName="  " unsecuredValidatorRequiredScope=" a  b " unsecuredValidatorAllowableClockSkewMs="+250";')).toEqual({
      principalClaimName: 'client_id',
      scopeClaimName: 'scope',
      requiredScope: ['a', 'b'],
      allowableClockSkewMs: 250,
    });
    expect(() => o('x.Y required unsecuredValidatorAllowableClockSkewMs="-1";')).toThrow('Allowable clock skew millis must not be negative: -1');
    expect(() => o('x.Y required unsecuredValidatorAllowableClockSkewMs="1.5";')).toThrow('For input string: "1.5"');
    expect(() => o('x.Y required unsecuredValidatorRequiredScope="a\\\\b";')).toThrow('Invalid scope value: a\\b');
  });
});

describe('configuration', () => {
  const JAAS = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredValidatorRequiredScope="kafka";';

  it('OAUTHBEARER is enabled only when listed in sasl.enabled.mechanisms', () => {
    expect(resolveSecurity(resolveConfig({ listeners: ['SASL_PLAINTEXT://:0'] })).mechanisms).toEqual(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']);
    expect(resolveSecurity(resolveConfig({ properties: { listeners: 'SASL_PLAINTEXT://:0', 'sasl.enabled.mechanisms': 'OAUTHBEARER,PLAIN' } })).mechanisms).toEqual(['OAUTHBEARER', 'PLAIN']);
    expect(configFromArgs(['--sasl-mechanisms', 'oauthbearer'], {}).saslEnabledMechanisms).toEqual(['oauthbearer']);
  });

  it('listener.name.<listener>.oauthbearer.sasl.jaas.config per listener (listener name in lower case); the others get the defaults', () => {
    const s = resolveSecurity(
      resolveConfig({
        properties: {
          listeners: 'INTERNAL://:0,EXTERNAL://:0',
          'listener.security.protocol.map': 'INTERNAL:SASL_PLAINTEXT,EXTERNAL:SASL_PLAINTEXT',
          'sasl.enabled.mechanisms': 'OAUTHBEARER',
          'listener.name.external.oauthbearer.sasl.jaas.config': JAAS,
          'listener.name.INTERNAL.oauthbearer.sasl.jaas.config': 'not even JAAS', // Kafka's names are lower case: not this listener's
        },
      }),
    );
    expect([...s.oauthBearer]).toEqual([['EXTERNAL', { principalClaimName: 'sub', scopeClaimName: 'scope', requiredScope: ['kafka'], allowableClockSkewMs: 0 }]]);
  });

  it("--sasl-oauthbearer-jaas-config applies to every SASL listener without a JAAS config of its own", () => {
    const c = configFromArgs(['--listener', 'SASL_PLAINTEXT://:0,SASL_SSL://:0', '--sasl-mechanisms', 'OAUTHBEARER', '--sasl-oauthbearer-jaas-config', JAAS, '--ssl-key', 'k', '--ssl-cert', 'c'], {});
    expect(c.saslOauthbearerJaasConfig).toBe(JAAS);
    const s = resolveSecurity(resolveConfig(c));
    expect([...s.oauthBearer].map(([l, o]) => [l, o.requiredScope])).toEqual([
      ['SASL_PLAINTEXT', ['kafka']],
      ['SASL_SSL', ['kafka']],
    ]);
    const own = resolveSecurity(resolveConfig({ ...c, properties: { 'listener.name.sasl_ssl.oauthbearer.sasl.jaas.config': 'x.Y required unsecuredValidatorRequiredScope="ssl";' } }));
    expect([...own.oauthBearer].map(([l, o]) => [l, o.requiredScope])).toEqual([
      ['SASL_PLAINTEXT', ['kafka']],
      ['SASL_SSL', ['ssl']],
    ]);
    expect(configFromArgs([], { KAFKALITE_SASL_OAUTHBEARER_JAAS_CONFIG: JAAS }).saslOauthbearerJaasConfig).toBe(JAAS);
  });

  it('listener.name.<listener>.sasl.enabled.mechanisms: OAUTHBEARER on one listener only', () => {
    const c = resolveConfig({
      listeners: ['SASL_PLAINTEXT://:0', 'OAUTH://:0'],
      listenerSecurityProtocolMap: 'OAUTH:SASL_PLAINTEXT',
      saslEnabledMechanisms: ['SCRAM-SHA-512'],
      properties: { 'listener.name.oauth.sasl.enabled.mechanisms': 'OAUTHBEARER', 'listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config': 'junk: OAUTHBEARER is not enabled there' },
    });
    const s = resolveSecurity(c);
    expect([...s.listenerMechanisms]).toEqual([
      ['SASL_PLAINTEXT', ['SCRAM-SHA-512']],
      ['OAUTH', ['OAUTHBEARER']],
    ]);
    expect([...s.oauthBearer.keys()]).toEqual([]);
    expect(new ConfigRegistry(c).unknownStaticConfigs()).toEqual([]);
    expect(() => resolveSecurity(resolveConfig({ ...c, properties: { 'listener.name.oauth.sasl.enabled.mechanisms': 'GSSAPI' } }))).toThrow('listener.name.oauth.sasl.enabled.mechanisms: GSSAPI is not supported');
    expect(() => resolveSecurity(resolveConfig({ ...c, properties: { 'listener.name.oauth.sasl.enabled.mechanisms': '' } }))).toThrow('a SASL listener needs at least one mechanism (listener OAUTH)');
  });

  it('invalid JAAS configs, bad options and other callback handlers stop the start', () => {
    const bad = (props: Record<string, string>) => () => resolveSecurity(resolveConfig({ properties: { listeners: 'SASL_PLAINTEXT://:0', 'sasl.enabled.mechanisms': 'OAUTHBEARER', ...props } }));
    expect(bad({ 'listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config': 'x.Y required a=1' })).toThrow(
      'Invalid value for configuration listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config: JAAS config entry not terminated by semi-colon',
    );
    expect(bad({ 'listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config': 'x.Y required unsecuredValidatorAllowableClockSkewMs="-5";' })).toThrow('Allowable clock skew millis must not be negative: -5');
    expect(bad({ 'listener.name.sasl_plaintext.oauthbearer.sasl.server.callback.handler.class': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler' })).toThrow(/implements only Kafka's default OAUTHBEARER validator/);
    expect(bad({ 'listener.name.sasl_plaintext.oauthbearer.sasl.server.callback.handler.class': 'org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredValidatorCallbackHandler' })).not.toThrow();
    // not read at all while OAUTHBEARER is not enabled
    expect(() => resolveSecurity(resolveConfig({ properties: { listeners: 'SASL_PLAINTEXT://:0', 'listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config': 'junk' } }))).not.toThrow();
  });

  it('the listener-prefixed names are known broker configs (no "unknown config" warning); sasl.jaas.config is a known (ignored) one', () => {
    const c = resolveConfig({ properties: { 'listener.name.sasl_ssl.oauthbearer.sasl.jaas.config': JAAS, 'sasl.jaas.config': JAAS, 'listener.name.x.plain.sasl.jaas.config': 'y' } });
    expect(new ConfigRegistry(c).unknownStaticConfigs()).toEqual(['listener.name.x.plain.sasl.jaas.config']);
  });
});
