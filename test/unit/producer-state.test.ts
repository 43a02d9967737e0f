// Per-partition producer state: duplicates, sequence and epoch checks, transactions,
// LSO and the aborted-transaction index, and the rebuild from the log.
import { describe, expect, it } from 'vitest';
import { ProducerStateManager, buildMarkerBatch, incrementSequence, readMarker } from '../../src/coordinator/producer-state.js';
import { MemoryPartitionLog } from '../../src/log/memory-store.js';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { BatchView, buildRecordBatch } from '../../src/wire/record-batch.js';

function batch(o: { pid?: bigint; epoch?: number; seq?: number; count?: number; txn?: boolean; ts?: bigint }): BatchView {
  const n = o.count ?? 1;
  return new BatchView(
    buildRecordBatch({
      ...(o.ts !== undefined ? { baseTimestamp: o.ts } : {}),
      records: Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`) })),
      producerId: o.pid ?? 7n,
      producerEpoch: o.epoch ?? 0,
      baseSequence: o.seq ?? 0,
      transactional: o.txn ?? false,
    }),
  );
}

/** Validates and appends like the produce path; returns the error code and the offset answered. */
function produce(m: ProducerStateManager, log: MemoryPartitionLog, b: BatchView): { errorCode: number; baseOffset: bigint } {
  const eos = m.checkProduce(log, b);
  if (eos?.reject) return { errorCode: eos.reject.errorCode, baseOffset: eos.reject.baseOffset };
  const { baseOffset } = log.append(Buffer.from(b.buf));
  eos?.appended(baseOffset);
  return { errorCode: ErrorCode.NONE, baseOffset };
}

const verifyAll = () => ErrorCode.NONE;

describe('producer state', () => {
  it('ignores batches without a producer id', () => {
    const m = new ProducerStateManager();
    const log = new MemoryPartitionLog('t', 0);
    expect(m.checkProduce(log, batch({ pid: -1n, epoch: -1, seq: -1 }))).toBeNull();
  });

  it('answers a duplicate of any of the last 5 batches with its original offset, without a second append', () => {
    const m = new ProducerStateManager();
    const log = new MemoryPartitionLog('t', 0);
    const offsets: bigint[] = [];
    for (let i = 0; i < 6; i++) offsets.push(produce(m, log, batch({ seq: i * 2, count: 2 })).baseOffset);
    expect(offsets).toEqual([0n, 2n, 4n, 6n, 8n, 10n]);
    const end = log.logEndOffset;
    // Batches 1..5 are retained; the oldest (seq 0-1) is not.
    for (let i = 1; i < 6; i++) expect(produce(m, log, batch({ seq: i * 2, count: 2 }))).toEqual({ errorCode: ErrorCode.NONE, baseOffset: offsets[i] });
    expect(log.logEndOffset).toBe(end);
    expect(produce(m, log, batch({ seq: 0, count: 2 })).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('rejects gaps and overlaps with OUT_OF_ORDER_SEQUENCE_NUMBER', () => {
    const m = new ProducerStateManager();
    const log = new MemoryPartitionLog('t', 0);
    produce(m, log, batch({ seq: 0, count: 3 }));
    expect(produce(m, log, batch({ seq: 4 })).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(produce(m, log, batch({ seq: 2 })).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(produce(m, log, batch({ seq: 3 })).errorCode).toBe(ErrorCode.NONE);
  });

  it('accepts any first sequence from an unknown producer (Kafka >= 2.5), and a negative one is INVALID_RECORD', () => {
    const m = new ProducerStateManager();
    const log = new MemoryPartitionLog('t', 0);
    expect(produce(m, log, batch({ seq: 42 })).errorCode).toBe(ErrorCode.NONE);
    expect(produce(m, log, batch({ pid: 8n, seq: -1 })).errorCode).toBe(ErrorCode.INVALID_RECORD);
  });

  it('epochs: an older one is INVALID_PRODUCER_EPOCH, a newer one must start at sequence 0', () => {
    const m = new ProducerStateManager();
    const log = new MemoryPartitionLog('t', 0);
    produce(m, log, batch({ epoch: 1, seq: 0 }));
    expect(produce(m, log, batch({ epoch: 0, seq: 1 })).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(produce(m, log, batch({ epoch: 2, seq: 1 })).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(produce(m, log, batch({ epoch: 2, seq: 0 })).errorCode).toBe(ErrorCode.NONE);
    expect(produce(m, log, batch({ epoch: 1, seq: 1 })).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('sequences wrap at 2^31-1', () => {
    expect(incrementSequence(2147483646, 1)).toBe(2147483647);
    expect(incrementSequence(2147483647, 1)).toBe(0);
    expect(incrementSequence(2147483640, 10)).toBe(2);
    const m = new ProducerStateManager();
    const log = new MemoryPartitionLog('t', 0);
    produce(m, log, batch({ seq: 2147483646, count: 2 }));
    expect(produce(m, log, batch({ seq: 0 })).errorCode).toBe(ErrorCode.NONE);
  });

  it('producer.id.expiration.ms: forgets producers idle that long unless a transaction is open; they start afresh', () => {
    const m = new ProducerStateManager({ verifyTransaction: verifyAll });
    const log = new MemoryPartitionLog('t', 0);
    const T = 1_700_000_000_000n;
    expect(produce(m, log, batch({ pid: 7n, seq: 0, count: 2, ts: T })).errorCode).toBe(ErrorCode.NONE);
    expect(produce(m, log, batch({ pid: 8n, seq: 0, txn: true, ts: T })).errorCode).toBe(ErrorCode.NONE);
    const idle = Number(T) + 1000; // the batches' (max) timestamps are T
    expect(m.removeExpired([log], idle - 1, 1000)).toBe(0);
    expect(m.removeExpired([log], idle, 1000)).toBe(1);
    expect([...m.stateOf(log).producers.keys()]).toEqual([8n]); // the open transaction keeps its producer
    // Producer 7 is unknown now: any first sequence is accepted, as from a new producer (Kafka >= 2.5).
    expect(produce(m, log, batch({ pid: 7n, seq: 5, ts: T + 5000n })).errorCode).toBe(ErrorCode.NONE);
    expect(m.stateOf(log).producers.get(7n)!.lastSeq).toBe(5);
    // Partitions whose state was never built are skipped.
    expect(m.removeExpired([new MemoryPartitionLog('other', 0)], idle * 2, 1)).toBe(0);
  });

  it('transactional batches need the coordinator to know the partition is in the transaction', () => {
    const m = new ProducerStateManager({ verifyTransaction: () => ErrorCode.INVALID_TXN_STATE });
    const log = new MemoryPartitionLog('t', 0);
    expect(produce(m, log, batch({ txn: true })).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    m.verifyTransaction = verifyAll;
    expect(produce(m, log, batch({ txn: true })).errorCode).toBe(ErrorCode.NONE);
    // Once open on the partition, no further verification, and no non-transactional writes.
    m.verifyTransaction = () => ErrorCode.INVALID_TXN_STATE;
    expect(produce(m, log, batch({ txn: true, seq: 1 })).errorCode).toBe(ErrorCode.NONE);
    expect(produce(m, log, batch({ txn: false, seq: 2 })).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('LSO: held at the first offset of the oldest open transaction; aborted transactions indexed', () => {
    const m = new ProducerStateManager({ verifyTransaction: verifyAll });
    const log = new MemoryPartitionLog('t', 0);
    produce(m, log, batch({ pid: 1n, count: 2 })); // 0-1 idempotent, not transactional
    produce(m, log, batch({ pid: 2n, txn: true, count: 2 })); // 2-3 open txn of 2
    produce(m, log, batch({ pid: 3n, txn: true })); // 4 open txn of 3
    expect(m.lastStableOffset(log)).toBe(2n);
    expect(log.logEndOffset).toBe(5n);
    m.writeMarker(log, 3n, 0, false, 0); // abort 3 at offset 5
    expect(m.lastStableOffset(log)).toBe(2n);
    m.writeMarker(log, 2n, 0, true, 0); // commit 2 at offset 6
    expect(m.lastStableOffset(log)).toBe(7n);
    expect(m.abortedTransactions(log, 0n, 7n)).toEqual([{ producerId: 3n, firstOffset: 4n }]);
    expect(m.abortedTransactions(log, 6n, 7n)).toEqual([]);
    expect(m.abortedTransactions(log, 0n, 4n)).toEqual([]);
    const s = m.stateOf(log);
    expect(s.producers.get(2n)!.currentTxnFirstOffset).toBeNull();
  });

  it('rebuilds the same state from the log (headers only; markers decoded)', () => {
    const m = new ProducerStateManager({ verifyTransaction: verifyAll });
    const log = new MemoryPartitionLog('t', 0);
    produce(m, log, batch({ pid: 1n, seq: 0, count: 3 }));
    produce(m, log, batch({ pid: 2n, txn: true }));
    produce(m, log, batch({ pid: 3n, txn: true }));
    m.writeMarker(log, 2n, 0, false, 0);
    produce(m, log, batch({ pid: 1n, seq: 3 }));
    const fresh = new ProducerStateManager({ verifyTransaction: () => ErrorCode.INVALID_TXN_STATE });
    expect(fresh.lastStableOffset(log)).toBe(4n);
    expect(fresh.abortedTransactions(log, 0n, log.logEndOffset)).toEqual([{ producerId: 2n, firstOffset: 3n }]);
    // Dedupe survives: the last batch of producer 1 is recognised.
    expect(produce(fresh, log, batch({ pid: 1n, seq: 3 }))).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 6n });
    expect(produce(fresh, log, batch({ pid: 1n, seq: 5 })).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    // Producer 3's transaction is still open there.
    expect(fresh.stateOf(log).hasOngoingTransaction(3n, 0)).toBe(true);
  });

  it('marker batches round-trip', () => {
    const b = buildMarkerBatch(5n, 3, true, 9);
    const v = new BatchView(b);
    expect(v.isControl && v.isTransactional).toBe(true);
    expect([v.producerId, v.producerEpoch, v.baseSequence]).toEqual([5n, 3, -1]);
    expect(readMarker(b)).toEqual({ commit: true, coordinatorEpoch: 9 });
    expect(readMarker(buildMarkerBatch(5n, 3, false, 0))).toEqual({ commit: false, coordinatorEpoch: 0 });
  });
});
