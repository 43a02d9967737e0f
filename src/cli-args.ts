/** Command-line flags and KAFKALITE_* environment variables → broker config. */
import { parseArgs } from 'node:util';
import type { BrokerConfig } from './config/broker-config.js';
import { DEFAULT_CONFIG } from './config/broker-config.js';

export interface FlagDef {
  key: keyof BrokerConfig;
  /** `list`: repeatable, and each value (or the env var) split on commas (or `split`). */
  type: 'string' | 'int' | 'bool' | 'list';
  help: string;
  /** Separator of list values (default `,`). */
  split?: string;
}

// Flag name → config key. Each flag also reads KAFKALITE_<FLAG_IN_CAPS> from the environment.
export const FLAGS: Record<string, FlagDef> = {
  port: { key: 'port', type: 'int', help: 'port to listen on (0 = any free port)' },
  host: { key: 'host', type: 'string', help: 'interface to listen on' },
  'advertised-host': { key: 'advertisedHost', type: 'string', help: 'host name given to clients in Metadata (default: the listen host)' },
  'advertised-port': { key: 'advertisedPort', type: 'int', help: 'port given to clients in Metadata (default: the bound port)' },
  'data-dir': { key: 'dataDir', type: 'string', help: 'where topics are stored' },
  'in-memory': { key: 'inMemory', type: 'bool', help: 'keep all data in memory (nothing written to disk)' },
  'node-id': { key: 'nodeId', type: 'int', help: 'broker node id' },
  brokers: { key: 'brokers', type: 'int', help: 'simulate a cluster of this many brokers in one process (node ids node-id…, ports port, port+1, …)' },
  'broker-ports': { key: 'brokerPorts', type: 'string', help: 'ports of the simulated brokers, comma-separated (e.g. 9092,9095,9098; sets --brokers)' },
  config: { key: 'configFile', type: 'string', help: 'Kafka server.properties-style file of broker configs (key=value, # comments); flags win' },
  'num-partitions': { key: 'numPartitions', type: 'int', help: 'partitions of auto-created topics (num.partitions)' },
  'default-replication-factor': { key: 'defaultReplicationFactor', type: 'int', help: 'replication factor of CreateTopics with -1 (default.replication.factor; one broker: 1)' },
  'message-max-bytes': { key: 'messageMaxBytes', type: 'int', help: 'largest record batch accepted (message.max.bytes; topics: max.message.bytes)' },
  'log-segment-bytes': { key: 'logSegmentBytes', type: 'int', help: 'segment size of topics without segment.bytes (log.segment.bytes)' },
  'log-roll-ms': { key: 'logRollMs', type: 'int', help: 'segment age that rolls a new one, for topics without segment.ms (log.roll.ms)' },
  'log-retention-ms': { key: 'logRetentionMs', type: 'int', help: 'retention time of topics without retention.ms, -1 = forever (log.retention.ms)' },
  'log-retention-bytes': { key: 'logRetentionBytes', type: 'int', help: 'partition size limit of topics without retention.bytes, -1 = none (log.retention.bytes)' },
  'log-retention-check-interval-ms': { key: 'logRetentionCheckIntervalMs', type: 'int', help: 'how often retention runs (log.retention.check.interval.ms)' },
  'auto-create-topics': { key: 'autoCreateTopics', type: 'bool', help: 'create unknown topics on Metadata requests (auto.create.topics.enable)' },
  'group-initial-rebalance-delay-ms': {
    key: 'groupInitialRebalanceDelayMs',
    type: 'int',
    help: 'first rebalance of an empty group waits this long for more members (group.initial.rebalance.delay.ms; Kafka: 3000)',
  },
  'group-consumer-heartbeat-interval-ms': {
    key: 'groupConsumerHeartbeatIntervalMs',
    type: 'int',
    help: 'heartbeat interval of KIP-848 consumer group members (group.consumer.heartbeat.interval.ms)',
  },
  'group-consumer-session-timeout-ms': {
    key: 'groupConsumerSessionTimeoutMs',
    type: 'int',
    help: 'KIP-848 members not heard from for this long are fenced (group.consumer.session.timeout.ms)',
  },
  'log-level': { key: 'logLevel', type: 'string', help: 'trace, debug, info, warn, error, fatal or silent' },
  'admin-port': { key: 'adminPort', type: 'int', help: 'serve the admin HTTP API (/ready, /health, /metrics, /faults, /recording) on this port (0 = any free port)' },
  'kafka-version': { key: 'kafkaVersion', type: 'string', help: 'emulate the API versions of this Apache Kafka release (0.11, 1.0, 1.1, 2.0 … 2.8, 3.0 … 3.9, 4.0)' },
  seed: { key: 'seed', type: 'string', help: 'JSON fixtures file: topics and messages created at start-up' },
  // Security (README "Security"): listeners, TLS, SASL, ACLs.
  listener: { key: 'listeners', type: 'list', help: 'listener PLAINTEXT|SSL|SASL_PLAINTEXT|SASL_SSL://host:port (repeatable; replaces --host/--port)' },
  'advertised-listener': { key: 'advertisedListeners', type: 'list', help: 'address clients are told for a listener, NAME://host:port (repeatable)' },
  'ssl-key': { key: 'sslKey', type: 'string', help: 'PEM private key of the TLS listeners' },
  'ssl-cert': { key: 'sslCert', type: 'string', help: 'PEM certificate (chain) of the TLS listeners' },
  'ssl-ca': { key: 'sslCa', type: 'string', help: 'PEM CA bundle that client certificates must chain to (mTLS)' },
  'ssl-client-auth': { key: 'sslClientAuth', type: 'string', help: 'client certificates on SSL listeners: required, requested or none (ssl.client.auth)' },
  'sasl-user': { key: 'saslUsers', type: 'list', help: 'SASL user name:password (repeatable; PLAIN and SCRAM-SHA-256/512)' },
  'sasl-users-file': { key: 'saslUsersFile', type: 'string', help: 'JSON file of SASL users (passwords or salted SCRAM credentials)' },
  'sasl-mechanisms': { key: 'saslEnabledMechanisms', type: 'list', help: 'enabled SASL mechanisms (sasl.enabled.mechanisms): PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER [PLAIN,SCRAM-SHA-256,SCRAM-SHA-512]' },
  'sasl-oauthbearer-jaas-config': {
    key: 'saslOauthbearerJaasConfig',
    type: 'string',
    help: 'OAUTHBEARER JAAS config of the SASL listeners, for the unsecured validator\'s options (listener.name.<l>.oauthbearer.sasl.jaas.config)',
  },
  'super-users': { key: 'superUsers', type: 'list', split: ';', help: 'principals allowed everything, e.g. User:admin; several: repeat the flag or separate with ; (super.users)' },
  authorizer: { key: 'authorizer', type: 'bool', help: 'enforce ACLs (Kafka: authorizer.class.name)' },
  'allow-everyone-if-no-acl-found': { key: 'allowEveryoneIfNoAclFound', type: 'bool', help: 'resources without ACLs are open to everyone (allow.everyone.if.no.acl.found)' },
  'connections-max-reauth-ms': { key: 'connectionsMaxReauthMs', type: 'int', help: 'SASL sessions expire after this long; clients re-authenticate (connections.max.reauth.ms, KIP-368)' },
};

export function envName(flag: string): string {
  return `KAFKALITE_${flag.toUpperCase().replace(/-/g, '_')}`;
}

function parseValue(flag: string, def: FlagDef, raw: string | boolean | string[]): string | number | boolean | string[] {
  if (def.type === 'list') {
    const items = Array.isArray(raw) ? raw : [String(raw)];
    return items.flatMap((v) => v.split(def.split ?? ',')).map((v) => v.trim()).filter(Boolean);
  }
  if (Array.isArray(raw)) raw = raw[raw.length - 1]!;
  if (def.type === 'bool') {
    if (typeof raw === 'boolean') return raw;
    if (/^(true|1|yes)$/i.test(raw)) return true;
    if (/^(false|0|no)$/i.test(raw)) return false;
    throw new Error(`--${flag}: expected true or false, got '${raw}'`);
  }
  if (def.type === 'int') {
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new Error(`--${flag}: expected an integer, got '${String(raw)}'`);
    return n;
  }
  return String(raw);
}

type ParseArgsOptions = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
type ParsedValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** The flags as parseArgs options: every flag takes a string (bools too: `--flag=false`), plus `--no-<bool flag>`. */
export function parseArgsOptions(): ParseArgsOptions {
  const options: ParseArgsOptions = { help: { type: 'boolean' }, version: { type: 'boolean' } };
  for (const [flag, def] of Object.entries(FLAGS)) {
    options[flag] = def.type === 'list' ? { type: 'string', multiple: true } : { type: 'string' };
    if (def.type === 'bool') options[`no-${flag}`] = { type: 'boolean' };
  }
  return options;
}

/**
 * What parseArgs (strict, no positionals) returns for the usual command lines, without it:
 * node:util loads parseArgs on first use, ~1 ms of a start-up. Only known `--name value`,
 * `--name=value` and boolean `--name`; null for anything else (unknown or short options,
 * `--`, positionals, a missing or dash-led value, a value given to a boolean), which
 * parseArgs then handles, with its error messages.
 */
export function quickParse(args: string[], options: ParseArgsOptions): ParsedValues | null {
  const values: ParsedValues = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--') || arg === '--') return null;
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const opt = Object.hasOwn(options, name) ? options[name]! : undefined;
    if (!opt) return null;
    let value: string | boolean;
    if (opt.type === 'boolean') {
      if (eq >= 0) return null;
      value = true;
    } else if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      const next = args[i + 1];
      // parseArgs refuses `--port -1` as ambiguous (`--port=-1` is fine).
      if (next === undefined || (next.length > 1 && next.startsWith('-'))) return null;
      value = next;
      i++;
    }
    if (opt.multiple) ((values[name] ??= []) as (string | boolean)[]).push(value);
    else values[name] = value;
  }
  return values;
}

/** Config from env vars, then flags (flags win). Bool flags accept `--flag`, `--flag=false` and `--no-flag`. */
export function configFromArgs(argv: string[], env: NodeJS.ProcessEnv): Partial<BrokerConfig> & { help?: boolean; version?: boolean } {
  const options = parseArgsOptions();
  // `--in-memory` alone is a bool switch: give bare bool flags the value "true".
  const normalized = argv.map((a, i) => {
    const name = a.startsWith('--') ? a.slice(2) : '';
    const def = FLAGS[name];
    const next = argv[i + 1];
    if (def?.type === 'bool' && (next === undefined || next.startsWith('--') || !/^(true|false|1|0|yes|no)$/i.test(next))) return `--${name}=true`;
    return a;
  });
  const values = quickParse(normalized, options) ?? parseArgs({ args: normalized, options, strict: true, allowPositionals: false }).values;
  const out: Record<string, unknown> = {};
  for (const [flag, def] of Object.entries(FLAGS)) {
    const fromEnv = env[envName(flag)];
    if (fromEnv !== undefined && fromEnv !== '') out[def.key] = parseValue(flag, def, fromEnv);
    const v = values[flag];
    if (v !== undefined) out[def.key] = parseValue(flag, def, v as string | string[]);
    if (values[`no-${flag}`]) out[def.key] = false;
  }
  if (values.help) out.help = true;
  if (values.version) out.version = true;
  return out as Partial<BrokerConfig> & { help?: boolean; version?: boolean };
}

export function usage(): string {
  const lines = ['Usage: kafkalite [options]', '', 'A Kafka-compatible broker for development and CI.', '', 'Options (each also settable as an environment variable):'];
  for (const [flag, def] of Object.entries(FLAGS)) {
    const arg = def.type === 'bool' ? '' : def.type === 'int' ? ' <n>' : def.type === 'list' ? ' <v>…' : ' <value>';
    const dflt = DEFAULT_CONFIG[def.key];
    lines.push(`  --${(flag + arg).padEnd(26)} ${def.help}${dflt !== undefined ? ` [${String(dflt)}]` : ''}  (${envName(flag)})`);
  }
  lines.push(`  --${'help'.padEnd(26)} show this help`, `  --${'version'.padEnd(26)} print the version`);
  return lines.join('\n');
}

