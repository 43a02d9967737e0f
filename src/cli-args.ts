/** Command-line flags and KAFKALITE_* environment variables → broker config. */
import { parseArgs } from 'node:util';
import type { BrokerConfig } from './config/broker-config.js';
import { DEFAULT_CONFIG } from './config/broker-config.js';

export interface FlagDef {
  key: keyof BrokerConfig;
  type: 'string' | 'int' | 'bool';
  help: string;
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
};

export function envName(flag: string): string {
  return `KAFKALITE_${flag.toUpperCase().replace(/-/g, '_')}`;
}

function parseValue(flag: string, def: FlagDef, raw: string | boolean): string | number | boolean {
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

/** Config from env vars, then flags (flags win). Bool flags accept `--flag`, `--flag=false` and `--no-flag`. */
export function configFromArgs(argv: string[], env: NodeJS.ProcessEnv): Partial<BrokerConfig> & { help?: boolean; version?: boolean } {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' }, version: { type: 'boolean' } };
  for (const [flag, def] of Object.entries(FLAGS)) {
    options[flag] = { type: 'string' };
    if (def.type === 'bool') options[`no-${flag}`] = { type: 'boolean' };
  }
  // `--in-memory` alone is a bool switch: give bare bool flags the value "true".
  const normalized = argv.map((a, i) => {
    const name = a.startsWith('--') ? a.slice(2) : '';
    const def = FLAGS[name];
    const next = argv[i + 1];
    if (def?.type === 'bool' && (next === undefined || next.startsWith('--') || !/^(true|false|1|0|yes|no)$/i.test(next))) return `--${name}=true`;
    return a;
  });
  const { values } = parseArgs({ args: normalized, options, strict: true, allowPositionals: false });
  const out: Record<string, unknown> = {};
  for (const [flag, def] of Object.entries(FLAGS)) {
    const fromEnv = env[envName(flag)];
    if (fromEnv !== undefined && fromEnv !== '') out[def.key] = parseValue(flag, def, fromEnv);
    const v = values[flag];
    if (v !== undefined) out[def.key] = parseValue(flag, def, v as string);
    if (values[`no-${flag}`]) out[def.key] = false;
  }
  if (values.help) out.help = true;
  if (values.version) out.version = true;
  return out as Partial<BrokerConfig> & { help?: boolean; version?: boolean };
}

export function usage(): string {
  const lines = ['Usage: kafkalite [options]', '', 'A Kafka-compatible broker for development and CI.', '', 'Options (each also settable as an environment variable):'];
  for (const [flag, def] of Object.entries(FLAGS)) {
    const arg = def.type === 'bool' ? '' : def.type === 'int' ? ' <n>' : ' <value>';
    const dflt = DEFAULT_CONFIG[def.key];
    lines.push(`  --${(flag + arg).padEnd(26)} ${def.help}${dflt !== undefined ? ` [${String(dflt)}]` : ''}  (${envName(flag)})`);
  }
  lines.push(`  --${'help'.padEnd(26)} show this help`, `  --${'version'.padEnd(26)} print the version`);
  return lines.join('\n');
}

