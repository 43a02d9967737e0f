import { ErrorCode } from '../wire/error-codes.js';
import { InitProducerIdRequest, InitProducerIdResponse } from '../wire/messages/init-producer-id.js';
import { defineHandler } from './handler.js';
import { fencedFor } from './produce-txn.js';

/**
 * InitProducerId 0-5. Without a transactional id: a new producer id, epoch 0
 * (idempotent producers). With one: Kafka's TransactionCoordinator.handleInitProducerId:
 * INVALID_TRANSACTION_TIMEOUT outside (0, transaction.max.timeout.ms], the epoch
 * bumped (fencing older instances), an ongoing transaction aborted first
 * (CONCURRENT_TRANSACTIONS, the client retries), KIP-360 bumps from v3 when the
 * producer passes its current id and epoch (PRODUCER_FENCED when they are stale),
 * a new producer id when the epoch is exhausted.
 */
export const initProducerId = defineHandler(InitProducerIdRequest, InitProducerIdResponse, { min: 0, max: 5 }, async (req, ctx) => {
  const txn = ctx.broker.transactions;
  const fail = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 });
  // KafkaApis: producer id and epoch come together or not at all.
  const hasId = req.producerId !== -1n;
  const hasEpoch = req.producerEpoch !== -1;
  if (hasId !== hasEpoch) return fail(ErrorCode.INVALID_REQUEST);
  if (req.transactionalId !== null && req.transactionalId !== '') {
    try {
      await txn.ready();
    } catch (err) {
      ctx.log.warn({ err }, 'cannot create the transaction state topic');
      return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
  }
  const r = txn.initProducerId(req.transactionalId, req.transactionTimeoutMs, hasId ? { producerId: req.producerId, producerEpoch: req.producerEpoch } : null);
  return { throttleTimeMs: 0, ...r, errorCode: fencedFor(r.errorCode, ctx.apiVersion, 4) };
});
