/**
 * CreatePartitions: grows a topic (never shrinks it: INVALID_PARTITIONS), with
 * optional manual assignments for the new partitions, validated as Kafka's
 * controller does against this one-broker cluster (or the simulated cluster's
 * nodes and the topic's replication factor, and then honoured);
 * validate_only checks without changing anything.
 */
import { ErrorCode } from '../wire/error-codes.js';
import { CreatePartitionsRequest, CreatePartitionsResponse } from '../wire/messages/create-partitions.js';
import type { DecodedMessage, InputMessage } from '../wire/schema.js';
import { defineHandler, type RequestContext } from './handler.js';

type Result = NonNullable<InputMessage<typeof CreatePartitionsResponse>['results']>[number];
type Topic = DecodedMessage<typeof CreatePartitionsRequest>['topics'][number];

class Refused extends Error {
  constructor(
    readonly errorCode: number,
    message: string | null,
  ) {
    super(message ?? '');
  }
}

export const createPartitions = defineHandler(CreatePartitionsRequest, CreatePartitionsResponse, { min: 0, max: 3 }, async (req, ctx) => {
  const counts = new Map<string, number>();
  for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const results: Result[] = [];
  const reported = new Set<string>();
  for (const t of req.topics) {
    if (counts.get(t.name)! > 1) {
      if (!reported.has(t.name)) results.push({ name: t.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' });
      reported.add(t.name);
      continue;
    }
    try {
      await grow(t, req.validateOnly, ctx);
      results.push({ name: t.name, errorCode: ErrorCode.NONE, errorMessage: null });
    } catch (err) {
      if (!(err instanceof Refused)) throw err;
      results.push({ name: t.name, errorCode: err.errorCode, errorMessage: err.message === '' ? null : err.message });
    }
  }
  return { throttleTimeMs: 0, results };
});

async function grow(t: Topic, validateOnly: boolean, ctx: RequestContext): Promise<void> {
  const { broker } = ctx;
  const info = broker.store.topic(t.name);
  if (!info) throw new Refused(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null);
  const current = info.numPartitions;
  if (t.count === current) throw new Refused(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`);
  if (t.count < current) throw new Refused(ErrorCode.INVALID_PARTITIONS, `The topic ${t.name} currently has ${current} partition(s); ${t.count} would not be an increase.`);
  const additional = t.count - current;
  if (t.assignments !== null) {
    if (t.assignments.length !== additional) {
      throw new Refused(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Attempted to add ${additional} additional partition(s), but only ${t.assignments.length} assignment(s) were specified.`);
    }
    // New partitions keep the topic's replication factor (a simulated cluster's; one broker: 1).
    const replicationFactor = broker.cluster?.partition(t.name, 0)?.replicas.length ?? 1;
    for (const a of t.assignments) {
      const err = assignmentError(a.brokerIds, (id) => broker.hasNode(id), replicationFactor);
      if (err) throw new Refused(ErrorCode.INVALID_REPLICA_ASSIGNMENT, err);
    }
  }
  if (t.count > broker.config.maxPartitionsPerTopic) {
    throw new Refused(ErrorCode.INVALID_PARTITIONS, `Number of partitions ${t.count} exceeds this broker's limit of ${broker.config.maxPartitionsPerTopic} per topic.`);
  }
  if (info.internal) {
    // The group coordinator maps groups onto __consumer_offsets by its partition count.
    throw new Refused(ErrorCode.INVALID_REQUEST, `kafkalite does not add partitions to the internal topic ${t.name}.`);
  }
  if (validateOnly) return;
  if (!broker.store.createPartitions) throw new Refused(ErrorCode.UNKNOWN_SERVER_ERROR, 'This log store cannot add partitions.');
  // A simulated cluster places the new partitions where the assignments say (else as Kafka would).
  if (broker.cluster && t.assignments !== null) broker.cluster.expect(t.name, { assignments: t.assignments.map((a) => a.brokerIds) });
  try {
    await broker.store.createPartitions(t.name, t.count);
  } finally {
    broker.cluster?.settled(t.name);
  }
  broker.groups.topicsChanged();
  ctx.log.info({ topic: t.name, from: current, to: t.count }, 'added partitions');
}

/** Kafka's ReplicationControlManager.validateManualPartitionAssignment; null when valid. */
export function assignmentError(replicas: readonly number[], known: (id: number) => boolean, replicationFactor: number | null): string | null {
  if (replicas.length === 0) return 'The manual partition assignment includes an empty replica list.';
  const sorted = [...replicas].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++) {
    const id = sorted[i]!;
    if (!known(id)) return `The manual partition assignment includes broker ${id}, but no such broker is registered.`;
    if (i > 0 && sorted[i - 1] === id) return `The manual partition assignment includes the broker ${id} more than once.`;
  }
  if (replicationFactor !== null && sorted.length !== replicationFactor) {
    return `The manual partition assignment includes a partition with ${sorted.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`;
  }
  return null;
}
