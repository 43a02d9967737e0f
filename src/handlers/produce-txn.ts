/**
 * What Produce asks of the producer state and the transaction coordinator
 * (idempotence and transactions), kept out of produce.ts.
 */
import type { ProducerAppend } from '../coordinator/producer-state.js';
import type { PartitionLog } from '../log/types.js';
import { ErrorCode } from '../wire/error-codes.js';
import type { ProduceRequest, ProduceResponse } from '../wire/messages/produce.js';
import { ATTRIBUTES_OFFSET, CONTROL_BIT, TRANSACTIONAL_BIT, type BatchView } from '../wire/record-batch.js';
import type { DecodedMessage, InputMessage } from '../wire/schema.js';
import type { RequestContext } from './handler.js';

/**
 * KafkaApis.handleProduceRequest: a request with transactional records but no
 * transactional id is refused as a whole, every partition answering
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED. Returns that response, or undefined.
 */
export function transactionalProduceError(req: DecodedMessage<typeof ProduceRequest>): InputMessage<typeof ProduceResponse> | undefined {
  if (req.transactionalId !== null) return undefined;
  let transactional = false;
  for (const t of req.topicData) {
    for (const p of t.partitionData) {
      const r = p.records;
      // Control batches are refused on their own (INVALID_RECORD, LogValidator), so they do not count here.
      if (r !== null && r.length > ATTRIBUTES_OFFSET + 1 && (r.readInt16BE(ATTRIBUTES_OFFSET) & (TRANSACTIONAL_BIT | CONTROL_BIT)) === TRANSACTIONAL_BIT) transactional = true;
    }
  }
  if (!transactional) return undefined;
  const errorMessage = 'Transactional records require a transactional id in the produce request';
  return {
    throttleTimeMs: 0,
    responses: req.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => ({
        index: p.index,
        errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
        baseOffset: -1n,
        logAppendTimeMs: -1n,
        logStartOffset: -1n,
        errorMessage,
      })),
    })),
  };
}

/**
 * KIP-588: clients older than these versions do not know PRODUCER_FENCED and get
 * INVALID_PRODUCER_EPOCH instead (KafkaApis: InitProducerId < 4, AddPartitionsToTxn,
 * AddOffsetsToTxn and EndTxn < 2).
 */
export function fencedFor(errorCode: number, apiVersion: number, firstVersionWithFenced: number): number {
  return errorCode === ErrorCode.PRODUCER_FENCED && apiVersion < firstVersionWithFenced ? ErrorCode.INVALID_PRODUCER_EPOCH : errorCode;
}

/**
 * Right before a batch is appended: null for batches without a producer id.
 * Otherwise the caller answers `reject` when set (an error, or the original
 * offset of a duplicate) instead of appending, else appends and calls
 * `appended(baseOffset)`. Must run synchronously with the append.
 */
export function producerAppend(ctx: RequestContext, log: PartitionLog, batch: BatchView): ProducerAppend | null {
  return ctx.broker.producers.checkProduce(log, batch);
}
