/**
 * IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT on single config
 * keys. TOPIC resources follow Kafka's controller (APPEND/SUBTRACT only on LIST
 * configs, from the current value or the config's default; the whole resulting
 * set validated, INVALID_CONFIG otherwise); BROKER resources follow the
 * broker's dynamic-config checks (INVALID_REQUEST for read-only configs and bad
 * values); BROKER_LOGGER sets log levels (not persisted, as in Kafka).
 */
import { TOPIC_CONFIG_BY_NAME } from '../config/topic-configs.js';
import { ErrorCode } from '../wire/error-codes.js';
import { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from '../wire/messages/incremental-alter-configs.js';
import type { DecodedMessage, InputMessage } from '../wire/schema.js';
import type { Broker } from '../broker.js';
import {
  brokerLoggers,
  checkBrokerResourceName,
  checkNoDuplicateKeys,
  replaceTopicConfigs,
  ResourceError,
  ResourceType,
  ROOT_LOGGER,
  setBrokerLogLevel,
  VALID_LOG_LEVELS,
} from './config-common.js';
import { defineHandler } from './handler.js';
import { invalidTopicName } from './topic-name.js';

type Result = NonNullable<InputMessage<typeof IncrementalAlterConfigsResponse>['responses']>[number];
type Op = DecodedMessage<typeof IncrementalAlterConfigsRequest>['resources'][number]['configs'][number];

const OpType = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;
const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'];

export const incrementalAlterConfigs = defineHandler(IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse, { min: 0, max: 1 }, async (req, ctx) => {
  const { broker } = ctx;
  const key = (r: { resourceType: number; resourceName: string }): string => `${r.resourceType}:${r.resourceName}`;
  const seen = new Map<string, number>();
  for (const r of req.resources) seen.set(key(r), (seen.get(key(r)) ?? 0) + 1);
  const responses: Result[] = [];
  for (const r of req.resources) {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    try {
      if (seen.get(key(r))! > 1) throw new ResourceError(ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.');
      checkNoDuplicateKeys(r.configs.map((c) => c.name));
      const nulls = r.configs.filter((c) => c.configOperation !== OpType.DELETE && c.value === null).map((c) => c.name);
      if (nulls.length > 0) throw new ResourceError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${nulls.join(', ')}`);
      const unknownOp = r.configs.find((c) => c.configOperation < 0 || c.configOperation > 3);
      if (unknownOp) throw new ResourceError(ErrorCode.INVALID_REQUEST, `Unknown operations type ${unknownOp.configOperation}`);
      switch (r.resourceType) {
        case ResourceType.TOPIC:
          await alterTopic(broker, r.resourceName, r.configs, req.validateOnly);
          break;
        case ResourceType.BROKER:
          await alterBroker(broker, r.resourceName, r.configs, req.validateOnly);
          break;
        case ResourceType.BROKER_LOGGER:
          alterLoggers(broker, r.resourceName, r.configs, req.validateOnly);
          break;
        default:
          throw new ResourceError(ErrorCode.INVALID_REQUEST, `Unknown resource type ${r.resourceType}`);
      }
      if (!req.validateOnly) ctx.log.info({ resourceType: r.resourceType, resourceName: r.resourceName, configs: r.configs }, 'altered configs');
      responses.push({ ...base, errorCode: ErrorCode.NONE, errorMessage: null });
    } catch (err) {
      if (!(err instanceof ResourceError)) throw err;
      responses.push({ ...base, errorCode: err.errorCode, errorMessage: err.errorMessage });
    }
  }
  return { throttleTimeMs: 0, responses };
});

function splitList(value: string | null | undefined): string[] {
  return (value ?? '').split(',').filter((s) => s !== '');
}

/** Kafka's ConfigurationControlManager: ops on the topic's overrides, then the whole set is validated. */
async function alterTopic(broker: Broker, name: string, ops: readonly Op[], validateOnly: boolean): Promise<void> {
  const bad = invalidTopicName(name);
  if (bad) throw new ResourceError(ErrorCode.INVALID_TOPIC_EXCEPTION, bad);
  const next: Record<string, string | null> = { ...broker.store.topic(name)?.configs };
  for (const op of ops) {
    switch (op.configOperation) {
      case OpType.SET:
        next[op.name] = op.value;
        break;
      case OpType.DELETE:
        delete next[op.name];
        break;
      default: {
        const def = TOPIC_CONFIG_BY_NAME.get(op.name);
        if (def?.type !== 'list') {
          throw new ResourceError(ErrorCode.INVALID_CONFIG, `Can't ${OP_NAMES[op.configOperation]} to key ${op.name} because its type is not LIST.`);
        }
        const parts = splitList(next[op.name] ?? def.defaultValue);
        for (const v of (op.value ?? '').split(',')) {
          if (op.configOperation === OpType.APPEND) {
            if (!parts.includes(v)) parts.push(v);
          } else {
            const i = parts.indexOf(v);
            if (i >= 0) parts.splice(i, 1);
          }
        }
        next[op.name] = parts.join(',');
      }
    }
  }
  await replaceTopicConfigs(broker, name, next, validateOnly);
}

/** Kafka's broker-side path (ConfigAdminManager.prepareIncrementalConfigs, then DynamicBrokerConfig.validate). */
async function alterBroker(broker: Broker, name: string, ops: readonly Op[], validateOnly: boolean): Promise<void> {
  const perBroker = checkBrokerResourceName(broker, name, true);
  const next = broker.configs.dynamicConfigs(perBroker);
  for (const op of ops) {
    switch (op.configOperation) {
      case OpType.SET:
        next.set(op.name, op.value!);
        break;
      case OpType.DELETE:
        next.delete(op.name);
        break;
      default: {
        const type = broker.configs.brokerConfigType(op.name);
        if (type === undefined) throw new ResourceError(ErrorCode.INVALID_CONFIG, `Unknown broker config name: ${op.name}`);
        const verb = op.configOperation === OpType.APPEND ? 'append' : 'subtract';
        if (type !== 'list') throw new ResourceError(ErrorCode.INVALID_REQUEST, `Config value ${verb} is not allowed for config key: ${op.name}`);
        const parts = splitList(next.get(op.name) ?? broker.configs.brokerListBase(op.name));
        const values = (op.value ?? '').split(',');
        if (op.configOperation === OpType.APPEND) parts.push(...values);
        else
          for (const v of values) {
            const i = parts.indexOf(v);
            if (i >= 0) parts.splice(i, 1);
          }
        next.set(op.name, parts.join(','));
      }
    }
  }
  const err = broker.configs.checkBrokerConfigs(perBroker, next);
  if (err) throw new ResourceError(ErrorCode.INVALID_REQUEST, err);
  if (!validateOnly) await broker.configs.setDynamicConfigs(perBroker, next);
}

/** Kafka's RuntimeLoggerManager: every op is checked before any is applied. */
function alterLoggers(broker: Broker, name: string, ops: readonly Op[], validateOnly: boolean): void {
  checkBrokerResourceName(broker, name, false, 'Node');
  const loggers = new Set(brokerLoggers(broker).map((l) => l.name));
  for (const op of ops) {
    if (op.configOperation === OpType.APPEND || op.configOperation === OpType.SUBTRACT) {
      throw new ResourceError(ErrorCode.INVALID_REQUEST, `${OP_NAMES[op.configOperation]} operation is not allowed for the BROKER_LOGGER resource`);
    }
    if (!loggers.has(op.name)) throw new ResourceError(ErrorCode.INVALID_CONFIG, `Logger ${op.name} does not exist!`);
    if (op.configOperation === OpType.DELETE && op.name === ROOT_LOGGER) {
      throw new ResourceError(ErrorCode.INVALID_REQUEST, `Removing the log level of the ${ROOT_LOGGER} logger is not allowed`);
    }
    if (op.configOperation === OpType.SET && !VALID_LOG_LEVELS.includes(op.value!)) {
      throw new ResourceError(
        ErrorCode.INVALID_CONFIG,
        `Cannot set the log level of ${op.name} to ${op.value} as it is not a supported log level. Valid log levels are ${VALID_LOG_LEVELS.join(', ')}`,
      );
    }
  }
  if (validateOnly) return;
  for (const op of ops) if (op.configOperation === OpType.SET) setBrokerLogLevel(broker, op.value!);
}
