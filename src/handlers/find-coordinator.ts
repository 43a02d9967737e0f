import { OFFSETS_TOPIC } from '../coordinator/offsets-topic.js';
import { TRANSACTION_STATE_TOPIC } from '../coordinator/transactions-topic.js';
import { ErrorCode } from '../wire/error-codes.js';
import { FindCoordinatorRequest, FindCoordinatorResponse } from '../wire/messages/find-coordinator.js';
import { defineHandler } from './handler.js';

const GROUP = 0;
const TRANSACTION = 1;

/**
 * This broker coordinates every group and transactional id (in a simulated
 * cluster: the leader of the `__consumer_offsets` / `__transaction_state`
 * partition the key hashes to, as in Kafka). A GROUP lookup
 * creates `__consumer_offsets` when it does not exist yet, a TRANSACTION lookup
 * `__transaction_state`, as Kafka does; key
 * types other than GROUP and TRANSACTION are INVALID_REQUEST. From v4 the keys
 * come batched and each gets its own answer.
 */
export const findCoordinator = defineHandler(FindCoordinatorRequest, FindCoordinatorResponse, { min: 0, max: 6 }, async (req, ctx) => {
  const { broker, apiVersion } = ctx;
  const keys = apiVersion >= 4 ? req.coordinatorKeys : [req.key];
  let errorCode: number = ErrorCode.NONE;
  let errorMessage: string | null = null;
  if (req.keyType !== GROUP && req.keyType !== TRANSACTION) {
    errorCode = ErrorCode.INVALID_REQUEST;
    errorMessage = `Unknown coordinator type ${req.keyType}`;
  } else if (req.keyType === GROUP) {
    errorCode = await broker.groups.readyErrorCode(ctx.log);
    if (errorCode !== ErrorCode.NONE) errorMessage = 'The coordinator is not available.';
  } else {
    try {
      await broker.transactions.ready();
    } catch (err) {
      ctx.log.warn({ err }, 'cannot create the transaction state topic');
      errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      errorMessage = 'The coordinator is not available.';
    }
  }
  const node = broker.brokerEndpoints(ctx.listener)[0]!;
  const ok = errorCode === ErrorCode.NONE;
  const internalTopic = req.keyType === GROUP ? OFFSETS_TOPIC : TRANSACTION_STATE_TOPIC;
  const answer = (key: string) => {
    // A simulated cluster: the leader of the internal topic's partition the key hashes to (none while it is offline).
    const at = ok && broker.cluster ? broker.cluster.coordinatorEndpoint(internalTopic, key, ctx.listener) : node;
    if (ok && at === null) return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'The coordinator is not available.' };
    return { key, nodeId: ok ? at!.nodeId : -1, host: ok ? at!.host : '', port: ok ? at!.port : -1, errorCode, errorMessage };
  };
  if (apiVersion >= 4) return { throttleTimeMs: 0, coordinators: keys.map(answer) };
  const one = answer(req.key);
  return { throttleTimeMs: 0, errorCode: one.errorCode, errorMessage: one.errorMessage, nodeId: one.nodeId, host: one.host, port: one.port };
});
