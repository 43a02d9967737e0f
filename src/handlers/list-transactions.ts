import { ErrorCode } from '../wire/error-codes.js';
import { ListTransactionsRequest, ListTransactionsResponse } from '../wire/messages/list-transactions.js';
import { defineHandler } from './handler.js';

/** ListTransactions 0-1: filtered by state and producer id; v1 adds a minimum running time (ongoing transactions only). */
export const listTransactions = defineHandler(ListTransactionsRequest, ListTransactionsResponse, { min: 0, max: 1 }, (req, ctx) => {
  const r = ctx.broker.transactions.list(req.stateFilters, req.producerIdFilters, ctx.apiVersion >= 1 ? req.durationFilter : -1n);
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, ...r };
});
