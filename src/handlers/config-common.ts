/**
 * Shared by DescribeConfigs, AlterConfigs and IncrementalAlterConfigs: config
 * resource types, the broker-name rule, topic config changes, and the broker
 * logger (KIP-412) mapped onto pino.
 */
import type { Broker } from '../broker.js';
import { validateTopicConfigs, normalizeTopicConfig, TOPIC_CONFIG_BY_NAME } from '../config/topic-configs.js';
import { ErrorCode } from '../wire/error-codes.js';

/** ConfigResource.Type. */
export const ResourceType = {
  UNKNOWN: 0,
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
  CLIENT_METRICS: 16,
  GROUP: 32,
} as const;

export function resourceTypeName(type: number): string {
  return Object.entries(ResourceType).find(([, v]) => v === type)?.[0] ?? 'UNKNOWN';
}

/** An error for one resource: Kafka answers per resource, never for the whole request. */
export class ResourceError extends Error {
  constructor(
    readonly errorCode: number,
    message: string | null,
  ) {
    super(message ?? '');
  }
  get errorMessage(): string | null {
    return this.message === '' ? null : this.message;
  }
}

/** The name of a BROKER resource: '' (cluster default) or this broker's id. Returns whether it is per-broker. */
export function checkBrokerResourceName(broker: Broker, name: string, allowEmpty: boolean, what = 'Broker'): boolean {
  if (name === '') {
    if (allowEmpty) return false;
    throw new ResourceError(ErrorCode.INVALID_REQUEST, `${what} id must not be empty`);
  }
  if (!/^-?\d+$/.test(name.trim())) throw new ResourceError(ErrorCode.INVALID_REQUEST, `${what} id must be an integer, but it is: ${name}`);
  const id = Number(name.trim());
  if (id !== broker.nodeId && !broker.cluster?.hasNode(id)) {
    throw new ResourceError(
      ErrorCode.INVALID_REQUEST,
      allowEmpty ? `Unexpected broker id, expected ${broker.nodeId} or empty string, but received ${name}` : `Unexpected broker id, expected ${broker.nodeId} but received ${name}`,
    );
  }
  return true;
}

/** Checks and (unless `validateOnly`) installs a topic's complete new set of config overrides. */
export async function replaceTopicConfigs(broker: Broker, topicName: string, next: Record<string, string | null>, validateOnly: boolean): Promise<void> {
  const err = validateTopicConfigs(next, (name) => broker.configs.topicDefault(TOPIC_CONFIG_BY_NAME.get(name)!));
  if (err) throw new ResourceError(ErrorCode.INVALID_CONFIG, err);
  const topic = broker.store.topic(topicName);
  if (!topic) throw new ResourceError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${topicName}' does not exist.`);
  if (validateOnly) return;
  const configs: Record<string, string> = {};
  for (const [name, value] of Object.entries(next)) configs[name] = normalizeTopicConfig(name, value!);
  await broker.store.setTopicConfigs(topicName, configs);
}

/** Kafka's duplicate-key rule for one resource's config list. */
export function checkNoDuplicateKeys(names: readonly string[]): void {
  if (new Set(names).size !== names.length) throw new ResourceError(ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys');
}

// ---- BROKER_LOGGER: log4j levels over pino ---------------------------------

export const ROOT_LOGGER = 'root';
/** LogLevelConfig.VALID_LOG_LEVELS, sorted as Kafka prints them. */
export const VALID_LOG_LEVELS = ['DEBUG', 'ERROR', 'FATAL', 'INFO', 'TRACE', 'WARN'];

const TO_LOG4J: Record<string, string> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'FATAL', silent: 'OFF' };

/** The broker's loggers and their levels: kafkalite has one, the root logger. */
export function brokerLoggers(broker: Broker): { name: string; level: string }[] {
  return [{ name: ROOT_LOGGER, level: TO_LOG4J[broker.logger.level] ?? broker.logger.level.toUpperCase() }];
}

export function setBrokerLogLevel(broker: Broker, level: string): void {
  broker.logger.level = level.toLowerCase();
}
