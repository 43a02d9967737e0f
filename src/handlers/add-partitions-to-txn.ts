import type { TopicPartitionRef } from '../coordinator/transactions-topic.js';
import { ErrorCode } from '../wire/error-codes.js';
import { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from '../wire/messages/add-partitions-to-txn.js';
import { defineHandler, type RequestContext } from './handler.js';
import { fencedFor } from './produce-txn.js';

interface TxnTopics {
  name: string;
  partitions: number[];
}

/**
 * AddPartitionsToTxn 0-5. v0-3 (clients): one transaction. v4-5 (KIP-890):
 * a batch of transactions, each either added or, with `verify_only`, checked.
 * As KafkaApis: when any partition does not exist, nothing is added: those get
 * UNKNOWN_TOPIC_OR_PARTITION and the rest OPERATION_NOT_ATTEMPTED. Otherwise every
 * partition carries the coordinator's verdict (INVALID_PRODUCER_ID_MAPPING,
 * PRODUCER_FENCED, CONCURRENT_TRANSACTIONS, ...).
 */
export const addPartitionsToTxn = defineHandler(AddPartitionsToTxnRequest, AddPartitionsToTxnResponse, { min: 0, max: 5 }, async (req, ctx) => {
  let setupError: number = ErrorCode.NONE;
  try {
    await ctx.broker.transactions.ready();
  } catch (err) {
    ctx.log.warn({ err }, 'cannot create the transaction state topic');
    setupError = ErrorCode.COORDINATOR_NOT_AVAILABLE;
  }
  if (ctx.apiVersion <= 3) {
    const results = handleOne(ctx, req.v3AndBelowTransactionalId, req.v3AndBelowProducerId, req.v3AndBelowProducerEpoch, false, req.v3AndBelowTopics, setupError);
    return { throttleTimeMs: 0, resultsByTopicV3AndBelow: results };
  }
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    resultsByTransaction: req.transactions.map((t) => ({
      transactionalId: t.transactionalId,
      topicResults: handleOne(ctx, t.transactionalId, t.producerId, t.producerEpoch, t.verifyOnly, t.topics, setupError),
    })),
  };
});

function handleOne(
  ctx: RequestContext,
  transactionalId: string,
  producerId: bigint,
  producerEpoch: number,
  verifyOnly: boolean,
  topics: readonly TxnTopics[],
  setupError: number,
): { name: string; resultsByPartition: { partitionIndex: number; partitionErrorCode: number }[] }[] {
  const { broker } = ctx;
  const refs: TopicPartitionRef[] = [];
  const codes = new Map<TopicPartitionRef, number>();
  let missing = false;
  for (const t of topics) {
    for (const partition of t.partitions) {
      const ref = { topic: t.name, partition };
      refs.push(ref);
      if (!broker.store.partition(t.name, partition)) {
        codes.set(ref, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        missing = true;
      }
    }
  }
  if (setupError !== ErrorCode.NONE) {
    for (const r of refs) codes.set(r, setupError);
  } else if (missing) {
    for (const r of refs) if (!codes.has(r)) codes.set(r, ErrorCode.OPERATION_NOT_ATTEMPTED);
  } else if (verifyOnly) {
    const verdicts = broker.transactions.verifyPartitions(transactionalId, producerId, producerEpoch, refs);
    refs.forEach((r, i) => codes.set(r, verdicts[i]!));
  } else {
    const errorCode = fencedFor(broker.transactions.addPartitions(transactionalId, producerId, producerEpoch, refs), ctx.apiVersion, 2);
    for (const r of refs) codes.set(r, errorCode);
  }
  let i = 0;
  return topics.map((t) => ({
    name: t.name,
    resultsByPartition: t.partitions.map((partitionIndex) => ({ partitionIndex, partitionErrorCode: codes.get(refs[i++]!)! })),
  }));
}
