import { readBuffers, type ReadAlloc, type ReadLease } from '../log/read-buffers.js';
import type { PartitionLog } from '../log/types.js';
import { ErrorCode } from '../wire/error-codes.js';
import { FetchRequest, FetchResponse } from '../wire/messages/fetch.js';
import { EMPTY } from '../wire/reader.js';
import type { DecodedMessage, InputMessage } from '../wire/schema.js';
import { convertForOldFetch, needsFetchConversion } from './fetch-conversion.js';
import { readCommitted } from './fetch-txn.js';
import { defineHandler, type RequestContext } from './handler.js';
import { leaderEpochError } from './partition-checks.js';
import { waitForAppend } from './wait-for-append.js';

type Req = DecodedMessage<typeof FetchRequest>;
type Res = InputMessage<typeof FetchResponse>;
type PartitionOut = NonNullable<NonNullable<Res['responses']>[number]['partitions']>[number];

interface Wanted {
  /** Position in the response (topic index, partition index within it). */
  topicIdx: number;
  /** The topic's name when it exists (to notice a delete while the fetch waits). */
  topicName: string | null;
  partition: number;
  out: PartitionOut;
  log: PartitionLog | null;
  fetchOffset: bigint;
  partitionMaxBytes: number;
}

export const fetch = defineHandler(FetchRequest, FetchResponse, { min: 0, max: 17 }, async (req, ctx) => {
  // Fetch sessions (KIP-227): we never create one and answer session id 0, which
  // tells clients to keep sending full fetch requests. A client that names a
  // session we do not have is told so.
  if (req.sessionId !== 0) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
  }
  const { topics, wanted } = plan(req, ctx);
  const deadline = Date.now() + Math.max(0, req.maxWaitMs);
  const goneError = ctx.apiVersion >= 13 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  // Disk reads go into pooled buffers, recycled once the response is on the socket (read-buffers.ts).
  let lease: ReadLease | null = null;
  for (;;) {
    const previous = lease;
    lease = ctx.afterWrite ? readBuffers.lease() : null;
    const bytes = readAll(req, wanted, ctx, goneError, lease?.alloc);
    // Every partition's records were just replaced, so the previous pass's buffers are unreferenced.
    previous?.release();
    const remaining = deadline - Date.now();
    const anyError = wanted.some((w) => w.out.errorCode !== ErrorCode.NONE);
    if (bytes >= req.minBytes || remaining <= 0 || anyError || wanted.length === 0) break;
    const woke = await waitForAppend(
      wanted.map((w) => w.log!),
      remaining,
      ctx.broker.closing,
      ctx.peerGone,
    );
    if (woke === 'closed') break;
  }
  if (lease) ctx.afterWrite!(lease.release);
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: topics };
});

function plan(req: Req, ctx: RequestContext): { topics: NonNullable<Res['responses']>; wanted: Wanted[] } {
  const { broker, apiVersion } = ctx;
  const topics: NonNullable<Res['responses']> = [];
  const wanted: Wanted[] = [];
  for (const t of req.topics) {
    const info = apiVersion >= 13 ? broker.store.topicById(t.topicId) : broker.store.topic(t.topic);
    const missing = apiVersion >= 13 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    const partitions: PartitionOut[] = [];
    topics.push(apiVersion >= 13 ? { topicId: t.topicId, partitions } : { topic: t.topic, partitions });
    for (const p of t.partitions) {
      const log = info ? (broker.store.partition(info.name, p.partition) ?? null) : null;
      const out: PartitionOut = {
        partitionIndex: p.partition,
        errorCode: info ? (log ? leaderEpochError(broker, p.currentLeaderEpoch, info.name, p.partition) : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) : missing,
        highWatermark: -1n,
        lastStableOffset: -1n,
        logStartOffset: -1n,
        // read_committed consumers get a (possibly empty) list of aborted transactions; others get null.
        abortedTransactions: req.isolationLevel === 1 ? [] : null,
        preferredReadReplica: -1,
        records: EMPTY,
      };
      partitions.push(out);
      wanted.push({ topicIdx: topics.length - 1, topicName: info?.name ?? null, partition: p.partition, out, log: out.errorCode === ErrorCode.NONE ? log : null, fetchOffset: p.fetchOffset, partitionMaxBytes: p.partitionMaxBytes });
    }
  }
  return { topics, wanted };
}

/** Fills every partition's result from the log; returns the record bytes gathered. */
function readAll(req: Req, wanted: Wanted[], ctx: RequestContext, goneError: number, alloc: ReadAlloc | undefined): number {
  let remaining = req.maxBytes;
  let total = 0;
  for (const w of wanted) {
    const log = w.log;
    if (!log) continue;
    const out = w.out;
    // The topic was deleted (and maybe re-created) while this fetch waited: never serve the old log.
    if (ctx.broker.store.partition(w.topicName!, w.partition) !== log) {
      w.log = null;
      out.errorCode = goneError;
      out.highWatermark = out.lastStableOffset = out.logStartOffset = -1n;
      out.records = EMPTY;
      continue;
    }
    const start = log.logStartOffset;
    const end = log.logEndOffset;
    const lso = ctx.broker.lastStableOffset(log);
    out.highWatermark = end;
    out.lastStableOffset = lso;
    out.logStartOffset = start;
    if (w.fetchOffset < start || w.fetchOffset > end) {
      // Kafka reports unknown (-1) offsets alongside OFFSET_OUT_OF_RANGE.
      out.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
      out.highWatermark = out.lastStableOffset = out.logStartOffset = -1n;
      out.records = EMPTY;
      continue;
    }
    // read_committed (isolation level 1) stops at the last stable offset.
    if (w.fetchOffset === end || (req.isolationLevel === 1 && w.fetchOffset >= lso)) {
      out.records = EMPTY;
      continue;
    }
    // KIP-74: the first partition with data returns at least one whole batch even past the limits.
    const limit = Math.max(0, Math.min(w.partitionMaxBytes, remaining));
    let r;
    if (req.isolationLevel === 1) {
      const c = readCommitted(ctx.broker, log, w.fetchOffset, limit, total === 0, lso, alloc);
      out.abortedTransactions = c.abortedTransactions;
      r = c;
    } else r = log.read(w.fetchOffset, limit, total === 0, alloc);
    out.records = r.batches.length === 1 ? r.batches[0]! : r.batches;
    // Fetch < v10: no zstd; v0–3: legacy message sets (fetch-conversion.ts).
    if (needsFetchConversion(ctx.apiVersion)) {
      const info = ctx.broker.store.topic(w.topicName!);
      const old = convertForOldFetch(ctx.apiVersion, (name) => ctx.broker.topicConfig(info, name), r.batches, w.fetchOffset);
      out.errorCode = old.errorCode;
      out.records = old.records;
      if (old.errorCode !== ErrorCode.NONE) out.highWatermark = out.lastStableOffset = out.logStartOffset = -1n;
    }
    remaining -= r.size;
    total += r.size;
  }
  return total;
}
