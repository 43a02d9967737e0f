/**
 * DescribeConfigs: TOPIC (every topic config with its value, source and
 * synonyms: topic override → dynamic broker → static broker → default),
 * BROKER ('<id>': the whole broker config; '': the dynamic cluster defaults)
 * and BROKER_LOGGER. Errors are per resource, as Kafka's ConfigHelper answers.
 */
import { ConfigSource, type DescribedConfig } from '../config/config-registry.js';
import { ErrorCode } from '../wire/error-codes.js';
import { DescribeConfigsRequest, DescribeConfigsResponse } from '../wire/messages/describe-configs.js';
import type { DecodedMessage, InputMessage } from '../wire/schema.js';
import { brokerLoggers, checkBrokerResourceName, ResourceError, ResourceType, resourceTypeName } from './config-common.js';
import { defineHandler, type RequestContext } from './handler.js';
import { invalidTopicName } from './topic-name.js';

type Result = NonNullable<InputMessage<typeof DescribeConfigsResponse>['results']>[number];
type Resource = DecodedMessage<typeof DescribeConfigsRequest>['resources'][number];

export const describeConfigs = defineHandler(DescribeConfigsRequest, DescribeConfigsResponse, { min: 0, max: 4 }, (req, ctx) => {
  // v0 has neither synonyms nor documentation.
  const opts = { includeSynonyms: ctx.apiVersion >= 1 && req.includeSynonyms, includeDocumentation: ctx.apiVersion >= 3 && req.includeDocumentation };
  const results = req.resources.map((r): Result => {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    try {
      const configs = describeResource(r, { keys: r.configurationKeys, ...opts }, ctx).map((c) => ({
        ...c,
        // v0 has isDefault instead of a source.
        isDefault: c.configSource === ConfigSource.DEFAULT_CONFIG,
      }));
      return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
    } catch (err) {
      if (!(err instanceof ResourceError)) throw err;
      return { ...base, errorCode: err.errorCode, errorMessage: err.errorMessage, configs: [] };
    }
  });
  return { throttleTimeMs: 0, results };
});

function describeResource(
  r: Resource,
  opts: { keys: readonly string[] | null; includeSynonyms: boolean; includeDocumentation: boolean },
  ctx: RequestContext,
): DescribedConfig[] {
  const { broker } = ctx;
  switch (r.resourceType) {
    case ResourceType.TOPIC: {
      const bad = invalidTopicName(r.resourceName);
      if (bad) throw new ResourceError(ErrorCode.INVALID_TOPIC_EXCEPTION, bad);
      const topic = broker.store.topic(r.resourceName);
      if (!topic) throw new ResourceError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.');
      return broker.configs.describeTopic(topic, opts);
    }
    case ResourceType.BROKER: {
      const perBroker = checkBrokerResourceName(broker, r.resourceName, true);
      return broker.configs.describeBroker(perBroker, opts);
    }
    case ResourceType.BROKER_LOGGER: {
      checkBrokerResourceName(broker, r.resourceName, false);
      return brokerLoggers(broker)
        .filter((l) => !opts.keys || opts.keys.includes(l.name))
        .map((l) => ({
          name: l.name,
          value: l.level,
          readOnly: false,
          configSource: ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG,
          isSensitive: false,
          synonyms: [],
          configType: 0,
          documentation: null,
        }));
    }
    default:
      throw new ResourceError(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${resourceTypeName(r.resourceType)}`);
  }
}
