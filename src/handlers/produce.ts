import { compactedTopicKeyError } from '../log/compacted-topic.js';
import type { PartitionLog } from '../log/types.js';
import { ErrorCode } from '../wire/error-codes.js';
import { ProduceRequest, ProduceResponse } from '../wire/messages/produce.js';
import { BatchView, setPartitionLeaderEpoch, splitBatches } from '../wire/record-batch.js';
import type { InputMessage } from '../wire/schema.js';
import { defineHandler, type RequestContext } from './handler.js';
import { lookupPartition } from './partition-checks.js';
import { fillMaxTimestamp, produceCodecsPending, recompressForTopic, upConvertProduce } from './produce-conversion.js';
import { producerAppend, transactionalProduceError } from './produce-txn.js';

type PartitionResult = NonNullable<NonNullable<InputMessage<typeof ProduceResponse>['responses']>[number]['partitionResponses']>[number];

const ZSTD = 4;

export const produce = defineHandler(ProduceRequest, ProduceResponse, { min: 0, max: 11 }, (req, ctx) => {
  const validAcks = req.acks === -1 || req.acks === 0 || req.acks === 1;
  const refused = validAcks ? transactionalProduceError(req) : undefined;
  if (refused) return req.acks === 0 ? null : refused;
  const waits: Promise<void>[] = [];
  const responses = req.topicData.map((t) => {
    const partitionResponses: PartitionResult[] = [];
    for (const p of t.partitionData) {
      const result = validAcks ? appendPartition(ctx, t.name, p.index, p.records) : error(p.index, ErrorCode.INVALID_REQUIRED_ACKS);
      if (result instanceof Promise) {
        const i = partitionResponses.push(error(p.index, ErrorCode.UNKNOWN_SERVER_ERROR)) - 1; // replaced once appended
        waits.push(result.then((r) => void (partitionResponses[i] = r)));
      } else partitionResponses.push(result);
    }
    return { name: t.name, partitionResponses };
  });
  // acks=0: the client expects no response at all.
  const respond = () => (req.acks === 0 ? null : { responses, throttleTimeMs: 0 });
  return waits.length === 0 ? respond() : Promise.all(waits).then(respond);
});

function error(index: number, errorCode: number, errorMessage: string | null = null): PartitionResult {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, errorMessage };
}

function appendPartition(ctx: RequestContext, topic: string, partition: number, records: Buffer | null): PartitionResult | Promise<PartitionResult> {
  const { broker } = ctx;
  const found = lookupPartition(broker, topic, partition);
  if (!found.log) return error(partition, found.errorCode);
  const log: PartitionLog = found.log;
  // ReplicaManager.appendToLocalLog: clients may not write to internal topics (__consumer_offsets, __transaction_state).
  if (broker.store.topic(topic)?.internal) return error(partition, ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${topic}`);
  if (records === null || records.length === 0) return error(partition, ErrorCode.INVALID_RECORD, 'Produce request contains no records');
  // Codecs the topic needs (zstd loads once, asynchronously) and legacy message sets (v0–2): produce-conversion.ts.
  const compressionType = broker.topicConfig(broker.store.topic(topic), 'compression.type');
  const pending = produceCodecsPending(compressionType);
  if (pending) return pending.then(() => appendPartition(ctx, topic, partition, records));
  const upConverted = upConvertProduce(records, ctx.apiVersion, compressionType);
  if (!Buffer.isBuffer(upConverted)) return error(partition, upConverted.errorCode, upConverted.message);
  records = upConverted;

  const split = splitBatches(records);
  if ('error' in split) {
    ctx.log.warn({ topic, partition, reason: split.message }, 'rejected produce batch');
    return error(partition, ErrorCode[split.error === 'UNSUPPORTED_MAGIC' ? 'INVALID_RECORD' : split.error], split.message);
  }
  // Since v3 a partition carries exactly one v2 batch (ProduceRequest.validateRecords).
  if (split.batches.length !== 1) {
    return error(partition, ErrorCode.INVALID_RECORD, 'Produce requests with version 3 and above must contain exactly one record batch per partition');
  }
  let batch = split.batches[0]!;
  // LogValidator.validateBatch: control batches (transaction markers) are written by the broker only.
  if (batch.isControl) {
    return error(partition, ErrorCode.INVALID_RECORD, 'Clients are not allowed to write control records');
  }
  if (batch.compression === ZSTD && ctx.apiVersion < 7) {
    return error(partition, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, 'Produce requests with version < 7 cannot use ZStandard compression');
  }
  const topicInfo = broker.store.topic(topic)!;
  const maxBytes = broker.maxMessageBytes(topicInfo);
  if (batch.buf.length > maxBytes) {
    return error(partition, ErrorCode.MESSAGE_TOO_LARGE, `The batch size ${batch.buf.length} is larger than the max message size ${maxBytes}`);
  }
  const keyError = compactedTopicKeyError(broker.topicConfig(topicInfo, 'cleanup.policy'), batch.buf, topic);
  if (keyError !== null) return error(partition, ErrorCode.INVALID_RECORD, keyError);
  // compression.type: the batch as the topic stores it (produce-conversion.ts).
  const stored = recompressForTopic(batch, compressionType, maxBytes);
  if (!(stored instanceof BatchView)) return error(partition, stored.errorCode, stored.message);
  batch = stored;
  setPartitionLeaderEpoch(batch.buf, broker.leaderEpochOf(topic, partition));
  // Topic override, else the broker's log.message.timestamp.type.
  const logAppendTime = broker.topicConfig(topicInfo, 'message.timestamp.type') === 'LogAppendTime' ? BigInt(Date.now()) : undefined;
  // CreateTime: maxTimestamp from the records when the producer left it unset (produce-conversion.ts).
  const unreadable = logAppendTime === undefined ? fillMaxTimestamp(batch) : null;
  if (unreadable) return error(partition, unreadable.errorCode, unreadable.message);
  // Idempotent/transactional batches: duplicates and sequence/epoch/transaction errors answer without an append.
  const eos = producerAppend(ctx, log, batch);
  if (eos?.reject) return { index: partition, ...eos.reject };
  const result = log.append(batch.buf, logAppendTime !== undefined ? { logAppendTime } : {});
  eos?.appended(result.baseOffset);
  return {
    index: partition,
    errorCode: ErrorCode.NONE,
    baseOffset: result.baseOffset,
    logAppendTimeMs: logAppendTime ?? -1n,
    logStartOffset: log.logStartOffset,
    errorMessage: null,
  };
}
