import { ErrorCode } from '../wire/error-codes.js';
import { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from '../wire/messages/add-offsets-to-txn.js';
import { defineHandler } from './handler.js';
import { fencedFor } from './produce-txn.js';

/**
 * AddOffsetsToTxn 0-4: the group's `__consumer_offsets` partition joins the
 * producer's transaction, so its TxnOffsetCommit records get the transaction's
 * marker. Errors as AddPartitionsToTxn.
 */
export const addOffsetsToTxn = defineHandler(AddOffsetsToTxnRequest, AddOffsetsToTxnResponse, { min: 0, max: 4 }, async (req, ctx) => {
  const { broker } = ctx;
  try {
    await broker.groups.ready();
    await broker.transactions.ready();
  } catch (err) {
    ctx.log.warn({ err }, 'cannot create an internal topic');
    return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
  }
  const errorCode = fencedFor(broker.transactions.addOffsets(req.transactionalId, req.producerId, req.producerEpoch, req.groupId), ctx.apiVersion, 2);
  return { throttleTimeMs: 0, errorCode };
});
