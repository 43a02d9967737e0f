import { ErrorCode } from '../wire/error-codes.js';
import { DescribeProducersRequest, DescribeProducersResponse } from '../wire/messages/describe-producers.js';
import { defineHandler } from './handler.js';

/** DescribeProducers 0: the producer state of each partition (epoch, last sequence and timestamp, open transaction's first offset). */
export const describeProducers = defineHandler(DescribeProducersRequest, DescribeProducersResponse, { min: 0, max: 0 }, (req, ctx) => {
  const { broker } = ctx;
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => {
        const log = broker.store.partition(t.name, partitionIndex);
        if (!log) return { partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null, activeProducers: [] };
        const state = broker.producers.stateOf(log);
        return {
          partitionIndex,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          activeProducers: [...state.producers.values()].map((e) => ({
            producerId: e.producerId,
            producerEpoch: e.epoch,
            lastSequence: e.lastSeq,
            lastTimestamp: e.lastTimestamp,
            coordinatorEpoch: e.coordinatorEpoch,
            currentTxnStartOffset: e.currentTxnFirstOffset ?? -1n,
          })),
        };
      }),
    })),
  };
});
