/**
 * What Fetch asks of the producer state for `read_committed` (isolation level 1),
 * kept out of fetch.ts: data stops at the last stable offset, and the response
 * lists the aborted transactions overlapping the returned range so the client
 * drops their records (Kafka's UnifiedLog.read with FetchTxnCommitted).
 */
import type { Broker } from '../broker.js';
import type { ReadAlloc } from '../log/read-buffers.js';
import type { PartitionLog, ReadResult } from '../log/types.js';
import { baseOffsetAt, lastOffsetAt } from '../wire/record-batch.js';

export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

/** A read_committed read: whole batches from `offset` below `lastStableOffset`, plus the aborted transactions among them. */
export function readCommitted(
  broker: Broker,
  log: PartitionLog,
  offset: bigint,
  maxBytes: number,
  minOneBatch: boolean,
  lastStableOffset: bigint,
  alloc?: ReadAlloc,
): ReadResult & { abortedTransactions: AbortedTransaction[] } {
  const r = log.read(offset, maxBytes, minOneBatch, alloc);
  let batches = r.batches;
  let size = r.size;
  // Batches never straddle the LSO (it is the first offset of a batch), so cut whole batches.
  let keep = batches.length;
  while (keep > 0 && baseOffsetAt(batches[keep - 1]!, 0) >= lastStableOffset) keep--;
  if (keep < batches.length) {
    batches = batches.slice(0, keep);
    size = 0;
    for (const b of batches) size += b.length;
  }
  if (batches.length === 0) return { batches, size, abortedTransactions: [] };
  const upperBound = lastOffsetAt(batches[batches.length - 1]!, 0) + 1n;
  return { batches, size, abortedTransactions: broker.producers.abortedTransactions(log, offset, upperBound) };
}
