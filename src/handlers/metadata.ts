import type { TopicInfo } from '../log/types.js';
import { ErrorCode } from '../wire/error-codes.js';
import { MetadataRequest, MetadataResponse } from '../wire/messages/metadata.js';
import { ZERO_UUID } from '../wire/reader.js';
import type { InputMessage } from '../wire/schema.js';
import { defineHandler, type RequestContext } from './handler.js';
import { invalidTopicName } from './topic-name.js';

type TopicOut = NonNullable<InputMessage<typeof MetadataResponse>['topics']>[number];

const AUTH_OPS_UNKNOWN = -2147483648;

export const metadata = defineHandler(MetadataRequest, MetadataResponse, { min: 0, max: 12 }, async (req, ctx) => {
  const { broker, apiVersion } = ctx;
  // v0: an empty list means all topics; v1+: null means all, empty means none.
  const all = req.topics === null || (apiVersion === 0 && req.topics.length === 0);
  // Before v4 a Metadata request always asked for auto-creation.
  const allowAuto = apiVersion < 4 || req.allowAutoTopicCreation;
  const topics: TopicOut[] = [];

  if (all) {
    for (const t of broker.store.topics()) topics.push(describeTopic(t, ctx, req.includeTopicAuthorizedOperations));
  } else {
    for (const wanted of req.topics!) {
      if (wanted.name === null || wanted.name === undefined) {
        // Lookup by topic id (v10+).
        const t = wanted.topicId !== ZERO_UUID ? broker.store.topicById(wanted.topicId) : undefined;
        if (t) topics.push(describeTopic(t, ctx, req.includeTopicAuthorizedOperations));
        else topics.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: null, topicId: wanted.topicId, partitions: [] });
        continue;
      }
      const name = wanted.name;
      let t = broker.store.topic(name);
      if (!t) {
        if (invalidTopicName(name) !== null) {
          topics.push({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, name, partitions: [] });
          continue;
        }
        if (allowAuto && broker.config.autoCreateTopics) t = await broker.autoCreateTopic(name);
      }
      if (t) topics.push(describeTopic(t, ctx, req.includeTopicAuthorizedOperations));
      else topics.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, partitions: [] });
    }
  }

  broker.markMetadataServed();
  return {
    throttleTimeMs: 0,
    brokers: broker.brokerEndpoints(ctx.listener),
    clusterId: broker.clusterId,
    controllerId: broker.controllerId,
    topics,
    // Only meaningful when asked for; otherwise Kafka leaves the "unknown" sentinel.
    clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? broker.clusterAuthorizedOperations() : AUTH_OPS_UNKNOWN,
  };
});

function describeTopic(t: TopicInfo, ctx: RequestContext, includeOps: boolean): TopicOut {
  const { broker } = ctx;
  const nodeId = broker.nodeId;
  const cluster = broker.cluster;
  const partitions = [];
  for (let p = 0; p < t.numPartitions; p++) {
    // A simulated cluster: the partition's leader, epoch, replicas, ISR (the live replicas) and offline replicas.
    if (cluster) {
      partitions.push({ partitionIndex: p, ...cluster.view(t.name, p) });
      continue;
    }
    partitions.push({
      errorCode: ErrorCode.NONE,
      partitionIndex: p,
      leaderId: nodeId,
      leaderEpoch: broker.leaderEpoch,
      replicaNodes: [nodeId],
      isrNodes: [nodeId],
      offlineReplicas: [],
    });
  }
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    topicId: t.topicId,
    isInternal: t.internal,
    partitions,
    topicAuthorizedOperations: includeOps ? broker.topicAuthorizedOperations() : AUTH_OPS_UNKNOWN,
  };
}
