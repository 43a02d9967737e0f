/**
 * DeleteRecords: moves each partition's log start offset (low watermark) up to
 * the offset given (-1: the high watermark). Records below can no longer be
 * fetched (OFFSET_OUT_OF_RANGE); segments left entirely below are deleted.
 * As Kafka's Partition.deleteRecordsOnLeader: offsets beyond the high
 * watermark are OFFSET_OUT_OF_RANGE, topics whose cleanup.policy lacks
 * `delete` are a POLICY_VIOLATION, internal topics are refused.
 */
import { ErrorCode } from '../wire/error-codes.js';
import { DeleteRecordsRequest, DeleteRecordsResponse } from '../wire/messages/delete-records.js';
import type { InputMessage } from '../wire/schema.js';
import { defineHandler, type RequestContext } from './handler.js';

type PartitionOut = NonNullable<NonNullable<InputMessage<typeof DeleteRecordsResponse>['topics']>[number]['partitions']>[number];

const HIGH_WATERMARK = -1n;

export const deleteRecords = defineHandler(DeleteRecordsRequest, DeleteRecordsResponse, { min: 0, max: 2 }, (req, ctx) => {
  const topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, ...deletePartition(t.name, p.partitionIndex, p.offset, ctx) })),
  }));
  return { throttleTimeMs: 0, topics };
});

function deletePartition(topic: string, partition: number, offset: bigint, ctx: RequestContext): Omit<PartitionOut, 'partitionIndex'> {
  const { broker } = ctx;
  const fail = (errorCode: number) => ({ lowWatermark: -1n, errorCode });
  const info = broker.store.topic(topic);
  const log = broker.store.partition(topic, partition);
  if (!info || !log) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (info.internal) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION);
  if (!broker.topicConfig(info, 'cleanup.policy').split(',').map((s) => s.trim()).includes('delete')) return fail(ErrorCode.POLICY_VIOLATION);
  const highWatermark = log.logEndOffset;
  const target = offset === HIGH_WATERMARK ? highWatermark : offset;
  if (target < 0n || target > highWatermark) return fail(ErrorCode.OFFSET_OUT_OF_RANGE);
  if (!log.advanceLogStartOffset) return fail(ErrorCode.UNKNOWN_SERVER_ERROR);
  const before = log.logStartOffset;
  const lowWatermark = log.advanceLogStartOffset(target);
  if (lowWatermark > before) ctx.log.info({ topic, partition, logStartOffset: String(lowWatermark) }, 'deleted records');
  return { lowWatermark, errorCode: ErrorCode.NONE };
}
