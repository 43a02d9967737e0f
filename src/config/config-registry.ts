/**
 * Where every config value comes from, as Kafka's DescribeConfigs reports it.
 * A broker config is, in priority order: dynamic for this broker
 * (AlterConfigs on BROKER "<id>"), dynamic cluster default (BROKER ""), static
 * (config file, `properties`, typed settings given at start-up), or the
 * default. A topic config is the topic's own override, else the broker value
 * of its synonym (`retention.ms` ← `log.retention.ms` ← `log.retention.minutes`
 * ← `log.retention.hours`, converted to the topic config's unit).
 *
 * Dynamic broker configs survive restarts (`<data-dir>/__kafkalite/broker-configs.json`),
 * as Kafka keeps them in its metadata log.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LogDefaults } from '../log/log-config.js';
import type { TopicInfo } from '../log/types.js';
import { writeFileAtomic } from '../log/file-io.js';
import type { BrokerConfig } from './broker-config.js';
import {
  brokerConfigDefs,
  brokerConfigSynonyms,
  brokerDefaultValue,
  validateBrokerConfig,
  type BrokerConfigDef,
  type BrokerConfigType,
} from './broker-configs.js';
import { TOPIC_CONFIGS, TOPIC_CONFIG_BY_NAME, type TopicConfigDef } from './topic-configs.js';
import { isListenerSecurityProperty } from '../security/config.js';

/** DescribeConfigsResponse.ConfigSource. */
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;

/** DescribeConfigsResponse.ConfigType (v3+). */
export const CONFIG_TYPE_CODE: Readonly<Record<BrokerConfigType, number>> = {
  boolean: 1,
  string: 2,
  int: 3,
  short: 4,
  long: 5,
  double: 6,
  list: 7,
  class: 8,
  password: 9,
};

export interface DescribedSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  configSource: number;
  isSensitive: boolean;
  synonyms: DescribedSynonym[];
  configType: number;
  documentation: string | null;
}

export interface DescribeOptions {
  /** Names to describe; null for all. */
  keys: readonly string[] | null;
  includeSynonyms: boolean;
  includeDocumentation: boolean;
}

interface DynamicFile {
  version: 1;
  perBroker: Record<string, string>;
  clusterDefault: Record<string, string>;
}

/** kafkalite cannot re-bind its listeners at run time, so these stay read-only although Kafka has them per-broker. */
const NOT_DYNAMIC_HERE = new Set(['listeners', 'advertised.listeners']);

export class ConfigRegistry {
  private perBroker = new Map<string, string>();
  private clusterDefault = new Map<string, string>();
  private readonly file: string | null;
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly config: BrokerConfig) {
    this.file = config.inMemory ? null : path.join(config.dataDir, '__kafkalite', 'broker-configs.json');
  }

  /** Reads the dynamic broker configs kept by an earlier run. */
  load(): void {
    if (!this.file || !fs.existsSync(this.file)) return;
    const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as DynamicFile;
    if (parsed.version !== 1) throw new Error(`${this.file}: unsupported format`);
    this.perBroker = new Map(Object.entries(parsed.perBroker ?? {}));
    this.clusterDefault = new Map(Object.entries(parsed.clusterDefault ?? {}));
  }

  /** Static properties (config file, `properties`) that are no broker config kafkalite knows. */
  unknownStaticConfigs(): string[] {
    const defs = brokerConfigDefs();
    return Object.keys(this.staticProps).filter((n) => !defs.has(n) && !isListenerSecurityProperty(n));
  }

  private get staticProps(): Readonly<Record<string, string>> {
    return this.config.properties ?? {};
  }

  /** A broker config's value in the merged config (its own name only, no synonyms); null when unset. */
  brokerValue(name: string): string | null {
    const d = brokerConfigDefs().get(name);
    return this.perBroker.get(name) ?? this.clusterDefault.get(name) ?? this.staticProps[name] ?? (d ? brokerDefaultValue(d) : null);
  }

  /** The broker-level value of a topic config: what a topic without an override gets. */
  topicDefault(d: TopicConfigDef): string {
    if (!d.brokerSynonym) return d.defaultValue;
    for (const s of brokerConfigSynonyms(d.brokerSynonym)) {
      const v = this.brokerValue(s.name);
      if (v !== null) return s.scale === 1n ? v.trim() : String(BigInt(v.trim()) * s.scale);
    }
    return d.defaultValue;
  }

  /** A topic config's effective value for `topic` (its override, else the broker-level value). */
  topicValue(topic: TopicInfo | undefined, name: string): string {
    const own = topic?.configs[name];
    if (own !== undefined) return own;
    const d = TOPIC_CONFIG_BY_NAME.get(name);
    if (!d) throw new Error(`unknown topic config ${name}`);
    return this.topicDefault(d);
  }

  /**
   * Broker-level retention and compaction defaults for the log's maintenance,
   * read through getters: dynamic broker config changes apply at the next check.
   */
  logDefaults(): LogDefaults {
    const value = (name: string): string => this.topicDefault(TOPIC_CONFIG_BY_NAME.get(name)!);
    const num = (name: string): number => Math.min(Number(value(name)), Number.MAX_SAFE_INTEGER);
    return {
      get retentionMs() {
        return num('retention.ms');
      },
      get retentionBytes() {
        return num('retention.bytes');
      },
      get cleanupPolicy() {
        return value('cleanup.policy');
      },
      get deleteRetentionMs() {
        return num('delete.retention.ms');
      },
      get minCompactionLagMs() {
        return num('min.compaction.lag.ms');
      },
      get maxCompactionLagMs() {
        return num('max.compaction.lag.ms');
      },
      get minCleanableDirtyRatio() {
        return num('min.cleanable.dirty.ratio');
      },
    };
  }

  /** A static broker setting as a number (config file, `properties`, or the default), for start-up wiring. */
  staticNumber(name: string): number | undefined {
    const v = this.staticProps[name] ?? (brokerConfigDefs().get(name)?.defaultValue ?? undefined);
    return v === undefined ? undefined : Number(v);
  }

  /** Kafka's ConfigHelper.configSynonyms: by source, then by synonym priority, starting at `name` itself. */
  private synonymsOf(name: string, sensitive: boolean): DescribedSynonym[] {
    const names = brokerConfigSynonyms(name).map((s) => s.name);
    const defs = brokerConfigDefs();
    const sources: [(n: string) => string | null | undefined, number][] = [
      [(n) => this.perBroker.get(n), ConfigSource.DYNAMIC_BROKER_CONFIG],
      [(n) => this.clusterDefault.get(n), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG],
      [(n) => this.staticProps[n], ConfigSource.STATIC_BROKER_CONFIG],
      [(n) => {
        const d = defs.get(n);
        return d ? brokerDefaultValue(d) : null;
      }, ConfigSource.DEFAULT_CONFIG],
    ];
    const out: DescribedSynonym[] = [];
    for (const [get, source] of sources) {
      for (const n of names) {
        const v = get(n);
        if (v !== undefined && v !== null) out.push({ name: n, value: sensitive ? null : v, source });
      }
    }
    // As Kafka: drop entries before the first one for `name` itself (so a default coming only
    // from a lower-priority synonym, e.g. log.retention.hours for retention.ms, lists none).
    const first = out.findIndex((s) => s.name === name);
    return first < 0 ? [] : out.slice(first);
  }

  describeTopic(topic: TopicInfo, opts: DescribeOptions): DescribedConfig[] {
    const out: DescribedConfig[] = [];
    for (const d of TOPIC_CONFIGS) {
      if (opts.keys && !opts.keys.includes(d.name)) continue;
      const own = topic.configs[d.name];
      const brokerSynonyms = d.brokerSynonym ? this.synonymsOf(d.brokerSynonym, false) : [];
      const all = own !== undefined ? [{ name: d.name, value: own, source: ConfigSource.TOPIC_CONFIG }, ...brokerSynonyms] : brokerSynonyms;
      out.push({
        name: d.name,
        value: own ?? this.topicDefault(d),
        readOnly: false,
        configSource: all[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
        isSensitive: false,
        synonyms: opts.includeSynonyms ? all : [],
        configType: CONFIG_TYPE_CODE[d.type],
        documentation: opts.includeDocumentation ? d.doc : null,
      });
    }
    return out;
  }

  /** `perBroker`: this broker's full configuration; otherwise the dynamic cluster defaults that are set. */
  describeBroker(perBroker: boolean, opts: DescribeOptions): DescribedConfig[] {
    const defs = brokerConfigDefs();
    const names = perBroker
      ? new Set([...defs.keys(), ...Object.keys(this.staticProps), ...this.clusterDefault.keys(), ...this.perBroker.keys()])
      : new Set(this.clusterDefault.keys());
    const out: DescribedConfig[] = [];
    for (const name of [...names].sort()) {
      if (opts.keys && !opts.keys.includes(name)) continue;
      const d = defs.get(name);
      // Kafka treats configs it does not know as possibly sensitive.
      const sensitive = !d || d.type === 'password';
      let synonyms = this.synonymsOf(name, sensitive);
      if (!perBroker) synonyms = synonyms.filter((s) => s.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
      const value = perBroker ? this.brokerValue(name) : (this.clusterDefault.get(name) ?? null);
      out.push({
        name,
        value: sensitive ? null : value,
        readOnly: !this.isDynamic(d),
        configSource: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
        isSensitive: sensitive,
        synonyms: opts.includeSynonyms ? synonyms : [],
        configType: d ? CONFIG_TYPE_CODE[d.type] : 0,
        documentation: opts.includeDocumentation ? (d?.doc ?? null) : null,
      });
    }
    return out;
  }

  private isDynamic(d: BrokerConfigDef | undefined): boolean {
    return d !== undefined && d.mode !== 'read-only' && !NOT_DYNAMIC_HERE.has(d.name);
  }

  /** The dynamic configs of this broker (`perBroker`) or of the cluster default. */
  dynamicConfigs(perBroker: boolean): Map<string, string> {
    return new Map(perBroker ? this.perBroker : this.clusterDefault);
  }

  /**
   * Kafka's DynamicBrokerConfig.validate for a resource's complete new set:
   * read-only configs cannot be set, per-broker ones not at the cluster level,
   * values must parse. Returns the error message (INVALID_REQUEST) or null.
   */
  checkBrokerConfigs(perBroker: boolean, next: ReadonlyMap<string, string>): string | null {
    const defs = brokerConfigDefs();
    const names = [...next.keys()];
    const nonDynamic = names.filter((n) => defs.has(n) && !this.isDynamic(defs.get(n)));
    if (nonDynamic.length > 0) return `Cannot update these configs dynamically: Set(${nonDynamic.join(', ')})`;
    if (!perBroker) {
      const brokerOnly = names.filter((n) => defs.get(n)?.mode === 'per-broker');
      if (brokerOnly.length > 0) return `Cannot update these configs at default cluster level, broker id must be specified: Set(${brokerOnly.join(', ')})`;
    }
    for (const [name, value] of next) {
      const err = validateBrokerConfig(name, value);
      if (err) return err;
    }
    return null;
  }

  /** Replaces the dynamic configs of one resource, durably. */
  async setDynamicConfigs(perBroker: boolean, next: ReadonlyMap<string, string>): Promise<void> {
    if (perBroker) this.perBroker = new Map(next);
    else this.clusterDefault = new Map(next);
    const file = this.file;
    if (!file) return;
    const body: DynamicFile = { version: 1, perBroker: Object.fromEntries(this.perBroker), clusterDefault: Object.fromEntries(this.clusterDefault) };
    const text = `${JSON.stringify(body, null, 2)}\n`;
    const run = this.writes.then(async () => {
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomic(file, text);
    });
    this.writes = run.catch(() => {});
    await run;
  }

  /** The default used by APPEND/SUBTRACT when a list config is not set. */
  brokerListBase(name: string): string | null {
    const d = brokerConfigDefs().get(name);
    return d ? d.defaultValue : null;
  }

  /** Kafka's ConfigDef type of a broker config (undefined when unknown). */
  brokerConfigType(name: string): BrokerConfigType | undefined {
    return brokerConfigDefs().get(name)?.type;
  }

  /** Every topic config with its effective value and source, as CreateTopics v5+ returns them. */
  effectiveTopicConfigs(configs: Readonly<Record<string, string>>): { name: string; value: string; readOnly: boolean; configSource: number; isSensitive: boolean }[] {
    const fake: TopicInfo = { name: '', topicId: '', numPartitions: 0, configs, internal: false };
    return this.describeTopic(fake, { keys: null, includeSynonyms: false, includeDocumentation: false }).map((c) => ({
      name: c.name,
      value: c.value ?? '',
      readOnly: c.readOnly,
      configSource: c.configSource,
      isSensitive: c.isSensitive,
    }));
  }
}
