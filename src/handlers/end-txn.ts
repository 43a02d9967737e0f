import { ErrorCode } from '../wire/error-codes.js';
import { EndTxnRequest, EndTxnResponse } from '../wire/messages/end-txn.js';
import { defineHandler } from './handler.js';
import { fencedFor } from './produce-txn.js';

/**
 * EndTxn 0-5: commit or abort. The coordinator writes PrepareCommit/PrepareAbort,
 * the markers to every partition of the transaction, then CompleteCommit/
 * CompleteAbort. Errors as Kafka's handleEndTransaction: INVALID_PRODUCER_ID_MAPPING,
 * PRODUCER_FENCED (stale epoch), CONCURRENT_TRANSACTIONS (markers still being
 * written), INVALID_TXN_STATE (e.g. commit after an abort); a retried commit of a
 * completed commit succeeds. v5 also answers the producer id and epoch.
 */
export const endTxn = defineHandler(EndTxnRequest, EndTxnResponse, { min: 0, max: 5 }, async (req, ctx) => {
  const txn = ctx.broker.transactions;
  try {
    await txn.ready();
  } catch (err) {
    ctx.log.warn({ err }, 'cannot create the transaction state topic');
    return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, producerId: -1n, producerEpoch: -1 };
  }
  const errorCode = fencedFor(txn.endTransaction(req.transactionalId, req.producerId, req.producerEpoch, req.committed), ctx.apiVersion, 2);
  const m = errorCode === ErrorCode.NONE ? txn.get(req.transactionalId) : undefined;
  return { throttleTimeMs: 0, errorCode, producerId: m?.producerId ?? -1n, producerEpoch: m?.producerEpoch ?? -1 };
});
