import { normalizeTopicConfig, TOPIC_CONFIG_BY_NAME, validateTopicConfigs } from '../config/topic-configs.js';
import { ErrorCode } from '../wire/error-codes.js';
import { CreateTopicsRequest, CreateTopicsResponse } from '../wire/messages/create-topics.js';
import type { InputMessage } from '../wire/schema.js';
import { defineHandler } from './handler.js';
import { invalidTopicName } from './topic-name.js';

type Result = NonNullable<InputMessage<typeof CreateTopicsResponse>['topics']>[number];

export const createTopics = defineHandler(CreateTopicsRequest, CreateTopicsResponse, { min: 0, max: 7 }, async (req, ctx) => {
  const { broker, apiVersion } = ctx;
  const counts = new Map<string, number>();
  for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);

  const results: Result[] = [];
  const reportedDuplicates = new Set<string>();
  for (const t of req.topics) {
    const fail = (errorCode: number, errorMessage: string): void => {
      results.push({ name: t.name, errorCode, errorMessage });
    };
    if (counts.get(t.name)! > 1) {
      // One result per name, as Kafka's response is keyed by topic name.
      if (!reportedDuplicates.has(t.name)) {
        reportedDuplicates.add(t.name);
        fail(ErrorCode.INVALID_REQUEST, `Create topics request from client contains multiple entries for topic ${t.name}`);
      }
      continue;
    }
    const badName = invalidTopicName(t.name);
    if (badName) {
      fail(ErrorCode.INVALID_TOPIC_EXCEPTION, badName);
      continue;
    }
    if (broker.store.topic(t.name) || broker.isCreating(t.name)) {
      fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`);
      continue;
    }
    let numPartitions: number;
    let replicationFactor: number;
    let assignments: number[][] | undefined;
    if (t.assignments.length > 0) {
      if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
        fail(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
        continue;
      }
      const sorted = [...t.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
      const badAssignment = sorted.find(
        (a, i) =>
          a.partitionIndex !== i ||
          a.brokerIds.length === 0 ||
          a.brokerIds.length !== t.assignments[0]!.brokerIds.length ||
          a.brokerIds.some((id) => !broker.hasNode(id)) ||
          new Set(a.brokerIds).size !== a.brokerIds.length,
      );
      if (badAssignment) {
        fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Invalid replica assignment for partition ${badAssignment.partitionIndex}.`);
        continue;
      }
      numPartitions = sorted.length;
      if (numPartitions > broker.config.maxPartitionsPerTopic) {
        fail(ErrorCode.INVALID_PARTITIONS, `Number of partitions ${numPartitions} exceeds this broker's limit of ${broker.config.maxPartitionsPerTopic} per topic.`);
        continue;
      }
      replicationFactor = sorted[0]!.brokerIds.length;
      assignments = sorted.map((a) => a.brokerIds);
    } else {
      numPartitions = t.numPartitions === -1 ? broker.config.numPartitions : t.numPartitions;
      replicationFactor = t.replicationFactor === -1 ? broker.config.defaultReplicationFactor : t.replicationFactor;
      if (numPartitions <= 0) {
        fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
        continue;
      }
      if (numPartitions > broker.config.maxPartitionsPerTopic) {
        fail(ErrorCode.INVALID_PARTITIONS, `Number of partitions ${numPartitions} exceeds this broker's limit of ${broker.config.maxPartitionsPerTopic} per topic.`);
        continue;
      }
      if (replicationFactor <= 0) {
        fail(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.');
        continue;
      }
      if (replicationFactor > broker.nodeCount()) {
        fail(ErrorCode.INVALID_REPLICATION_FACTOR, `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${broker.nodeCount()} broker(s) are registered.`);
        continue;
      }
    }
    // Each name and value, then Kafka's cross-config rules (e.g. min.compaction.lag.ms <= max.compaction.lag.ms).
    const given = Object.fromEntries(t.configs.map((c) => [c.name, c.value]));
    const configError = validateTopicConfigs(given, (name) => broker.configs.topicDefault(TOPIC_CONFIG_BY_NAME.get(name)!));
    if (configError) {
      fail(ErrorCode.INVALID_CONFIG, configError);
      continue;
    }
    const configs: Record<string, string> = {};
    for (const c of t.configs) configs[c.name] = normalizeTopicConfig(c.name, c.value!);

    let topicId: string | undefined;
    if (!req.validateOnly) {
      try {
        const info = await broker.createTopic(t.name, numPartitions, configs, assignments ? { assignments } : { replicationFactor });
        topicId = info.topicId;
        ctx.log.info({ topic: t.name, partitions: numPartitions, configs }, 'created topic');
      } catch (err) {
        // Lost a race with a concurrent create of the same name.
        if (broker.store.topic(t.name)) fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`);
        else fail(ErrorCode.UNKNOWN_SERVER_ERROR, (err as Error).message);
        continue;
      }
    }
    results.push({
      name: t.name,
      ...(topicId !== undefined ? { topicId } : {}),
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      numPartitions,
      replicationFactor,
      // v5+: the topic's resulting configs, so clients need not ask DescribeConfigs.
      configs: apiVersion >= 5 ? broker.effectiveTopicConfigs(configs) : [],
    });
  }
  return { throttleTimeMs: 0, topics: results };
});
