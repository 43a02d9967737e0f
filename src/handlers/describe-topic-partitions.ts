/**
 * DescribeTopicPartitions (KIP-966): topic metadata in pages. Topics are
 * sorted by name; at most `responsePartitionLimit` partitions (capped at
 * Kafka's max.request.partition.size.limit, 2000) per response; `nextCursor`
 * names the first partition left out. As Kafka's KRaftMetadataCache: an empty
 * topic list means every topic; named topics that do not exist are listed
 * with an error; a cursor must name one of the topics asked for.
 */
import type { TopicInfo } from '../log/types.js';
import { ErrorCode } from '../wire/error-codes.js';
import { DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse } from '../wire/messages/describe-topic-partitions.js';
import { ZERO_UUID } from '../wire/reader.js';
import type { InputMessage } from '../wire/schema.js';
import { defineHandler } from './handler.js';
import { invalidTopicName } from './topic-name.js';

type TopicOut = NonNullable<InputMessage<typeof DescribeTopicPartitionsResponse>['topics']>[number];

const MAX_REQUEST_PARTITION_SIZE_LIMIT = 2000;

export const describeTopicPartitions = defineHandler(DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse, { min: 0, max: 0 }, (req, ctx) => {
  const { broker } = ctx;
  const fetchAll = req.topics.length === 0;
  const cursor = req.cursor;
  const cursorTopic = cursor?.topicName ?? '';
  const names = new Set<string>();
  for (const name of fetchAll ? [...broker.store.topics()].map((t) => t.name) : req.topics.map((t) => t.name)) {
    if (name >= cursorTopic) names.add(name);
  }
  if (!fetchAll && cursor && !names.has(cursor.topicName)) {
    // Kafka fails the whole request (InvalidRequestException); the closest per-topic answer is one error entry.
    return {
      throttleTimeMs: 0,
      topics: [{ errorCode: ErrorCode.INVALID_REQUEST, name: cursor.topicName, topicId: ZERO_UUID, partitions: [] }],
      nextCursor: null,
    };
  }
  let remaining = Math.min(MAX_REQUEST_PARTITION_SIZE_LIMIT, req.responsePartitionLimit);
  const topics: TopicOut[] = [];
  let nextCursor: { topicName: string; partitionIndex: number } | null = null;
  for (const name of [...names].sort(compareNames)) {
    if (remaining <= 0) {
      nextCursor = { topicName: name, partitionIndex: 0 };
      break;
    }
    const info = broker.store.topic(name);
    if (!info) {
      if (!fetchAll) {
        const bad = invalidTopicName(name) !== null;
        topics.push({ errorCode: bad ? ErrorCode.INVALID_TOPIC_EXCEPTION : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, topicId: ZERO_UUID, isInternal: false, partitions: [] });
      }
      continue;
    }
    const start = name === cursorTopic && cursor ? cursor.partitionIndex : 0;
    const upper = Math.min(info.numPartitions, start + remaining);
    const partitions = [];
    for (let p = Math.max(0, start); p < upper; p++) {
      const cluster = broker.cluster;
      partitions.push(cluster ? { partitionIndex: p, ...cluster.view(name, p), eligibleLeaderReplicas: [], lastKnownElr: [] } : describePartition(info, p, broker.nodeId, broker.leaderEpoch));
    }
    topics.push({
      errorCode: ErrorCode.NONE,
      name,
      topicId: info.topicId,
      isInternal: info.internal,
      partitions,
      topicAuthorizedOperations: broker.topicAuthorizedOperations(),
    });
    if (upper < info.numPartitions) {
      nextCursor = { topicName: name, partitionIndex: upper };
      break;
    }
    remaining -= partitions.length;
  }
  return { throttleTimeMs: 0, topics, nextCursor };
});

function describePartition(_info: TopicInfo, partitionIndex: number, nodeId: number, leaderEpoch: number) {
  return {
    errorCode: ErrorCode.NONE,
    partitionIndex,
    leaderId: nodeId,
    leaderEpoch,
    replicaNodes: [nodeId],
    isrNodes: [nodeId],
    eligibleLeaderReplicas: [],
    lastKnownElr: [],
    offlineReplicas: [],
  };
}

/** Java's String.compareTo order (UTF-16 code units), as Kafka sorts topic names. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
