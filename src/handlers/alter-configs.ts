/**
 * AlterConfigs (the legacy, non-incremental API): each resource's dynamic
 * configs are replaced by the set given; configs left out go back to their
 * defaults. TOPIC and BROKER resources ('<id>' or '' for the cluster default);
 * BROKER_LOGGER only through IncrementalAlterConfigs, as in Kafka.
 */
import { ErrorCode } from '../wire/error-codes.js';
import { AlterConfigsRequest, AlterConfigsResponse } from '../wire/messages/alter-configs.js';
import type { InputMessage } from '../wire/schema.js';
import { checkBrokerResourceName, checkNoDuplicateKeys, replaceTopicConfigs, ResourceError, ResourceType } from './config-common.js';
import { defineHandler } from './handler.js';
import { invalidTopicName } from './topic-name.js';

type Result = NonNullable<InputMessage<typeof AlterConfigsResponse>['responses']>[number];

export const alterConfigs = defineHandler(AlterConfigsRequest, AlterConfigsResponse, { min: 0, max: 2 }, async (req, ctx) => {
  const { broker } = ctx;
  const seen = new Map<string, number>();
  for (const r of req.resources) seen.set(`${r.resourceType}:${r.resourceName}`, (seen.get(`${r.resourceType}:${r.resourceName}`) ?? 0) + 1);
  const responses: Result[] = [];
  for (const r of req.resources) {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    try {
      if (seen.get(`${r.resourceType}:${r.resourceName}`)! > 1) throw new ResourceError(ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.');
      checkNoDuplicateKeys(r.configs.map((c) => c.name));
      const nulls = r.configs.filter((c) => c.value === null).map((c) => c.name);
      if (nulls.length > 0) throw new ResourceError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${nulls.join(', ')}`);
      switch (r.resourceType) {
        case ResourceType.TOPIC: {
          const bad = invalidTopicName(r.resourceName);
          if (bad) throw new ResourceError(ErrorCode.INVALID_TOPIC_EXCEPTION, bad);
          await replaceTopicConfigs(broker, r.resourceName, Object.fromEntries(r.configs.map((c) => [c.name, c.value])), req.validateOnly);
          if (!req.validateOnly) ctx.log.info({ topic: r.resourceName, configs: r.configs }, 'replaced topic configs');
          break;
        }
        case ResourceType.BROKER: {
          const perBroker = checkBrokerResourceName(broker, r.resourceName, true);
          const next = new Map(r.configs.map((c) => [c.name, c.value!]));
          const err = broker.configs.checkBrokerConfigs(perBroker, next);
          if (err) throw new ResourceError(ErrorCode.INVALID_REQUEST, err);
          if (!req.validateOnly) {
            await broker.configs.setDynamicConfigs(perBroker, next);
            ctx.log.info({ broker: r.resourceName, configs: r.configs }, 'replaced dynamic broker configs');
          }
          break;
        }
        default:
          // Legacy AlterConfigs never supported BROKER_LOGGER either.
          throw new ResourceError(ErrorCode.INVALID_REQUEST, `Unknown resource type ${r.resourceType}`);
      }
      responses.push({ ...base, errorCode: ErrorCode.NONE, errorMessage: null });
    } catch (err) {
      if (!(err instanceof ResourceError)) throw err;
      responses.push({ ...base, errorCode: err.errorCode, errorMessage: err.errorMessage });
    }
  }
  return { throttleTimeMs: 0, responses };
});
