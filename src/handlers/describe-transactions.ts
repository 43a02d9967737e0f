import { DescribeTransactionsRequest, DescribeTransactionsResponse } from '../wire/messages/describe-transactions.js';
import { defineHandler } from './handler.js';

/** DescribeTransactions 0: state, timeout, start time, producer and partitions per transactional id (TRANSACTIONAL_ID_NOT_FOUND when unknown). */
export const describeTransactions = defineHandler(DescribeTransactionsRequest, DescribeTransactionsResponse, { min: 0, max: 0 }, (req, ctx) => ({
  throttleTimeMs: 0,
  transactionStates: req.transactionalIds.map((id) => ctx.broker.transactions.describe(id)),
}));
