// The transaction coordinator's state machine on an in-memory store, with time
// moved by hand: epochs and fencing, markers and LSO, timeouts, a failed marker
// write (CONCURRENT_TRANSACTIONS), transactional offsets, and recovery from
// `__transaction_state`.
import pino from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { OFFSETS_TOPIC, type OffsetAndMetadata } from '../../src/coordinator/offsets-topic.js';
import { ProducerIdManager } from '../../src/coordinator/producer-ids.js';
import { ProducerStateManager, readMarker } from '../../src/coordinator/producer-state.js';
import { TransactionCoordinator } from '../../src/coordinator/transaction-coordinator.js';
import { TRANSACTION_STATE_TOPIC, TxnState, decodeTransactionLogValue, transactionLogValue } from '../../src/coordinator/transactions-topic.js';
import { MemoryLogStore } from '../../src/log/memory-store.js';
import type { PartitionLog } from '../../src/log/types.js';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { BatchView, buildRecordBatch } from '../../src/wire/record-batch.js';

const log = pino({ level: 'silent' });
let now = 1_700_000_000_000;
const clock = { now: () => now };

interface Env {
  store: MemoryLogStore;
  producers: ProducerStateManager;
  txn: TransactionCoordinator;
  applied: { group: string; topic: string; partition: number; value: OffsetAndMetadata }[];
  ids: ProducerIdManager;
}

async function env(store = new MemoryLogStore(), ids = new ProducerIdManager(null)): Promise<Env> {
  const producers = new ProducerStateManager();
  const applied: Env['applied'] = [];
  const txn = new TransactionCoordinator({
    store,
    producers,
    producerIds: ids,
    applyOffset: (group, topic, partition, value) => applied.push({ group, topic, partition, value }),
    logger: log,
    clock,
    timers: false,
    config: { maxTimeoutMs: 900_000 },
  });
  if (!store.topic('t')) await store.createTopic('t', { numPartitions: 2 });
  if (!store.topic(OFFSETS_TOPIC)) await store.createTopic(OFFSETS_TOPIC, { numPartitions: 1, internal: true });
  txn.load();
  await txn.ready();
  return { store, producers, txn, applied, ids };
}

function part(e: Env, p: number): PartitionLog {
  return e.store.partition('t', p)!;
}

/** Produces one transactional record as a client would (through the producer state). */
function send(e: Env, p: number, pid: bigint, epoch: number, seq: number): number {
  const b = new BatchView(buildRecordBatch({ records: [{ key: null, value: Buffer.from('x') }], producerId: pid, producerEpoch: epoch, baseSequence: seq, transactional: true }));
  const l = part(e, p);
  const eos = e.producers.checkProduce(l, b)!;
  if (eos.reject) return eos.reject.errorCode;
  eos.appended(l.append(Buffer.from(b.buf)).baseOffset);
  return ErrorCode.NONE;
}

function markers(l: PartitionLog): { commit: boolean; epoch: number }[] {
  const out = [];
  for (const buf of l.read(l.logStartOffset, 1 << 20, true).batches) {
    const v = new BatchView(buf);
    if (v.isControl) out.push({ commit: readMarker(buf)!.commit, epoch: v.producerEpoch });
  }
  return out;
}

let e: Env;
beforeEach(async () => {
  now = 1_700_000_000_000;
  e = await env();
});

describe('InitProducerId', () => {
  it('idempotent producers get a new id each time, epoch 0', () => {
    const a = e.txn.initProducerId(null, 60000, null);
    const b = e.txn.initProducerId(null, 60000, null);
    expect(a.errorCode).toBe(ErrorCode.NONE);
    expect(a.producerEpoch).toBe(0);
    expect(b.producerId).not.toBe(a.producerId);
  });

  it('validates the transactional id and timeout', () => {
    expect(e.txn.initProducerId('', 60000, null).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(e.txn.initProducerId('a', 900_001, null).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect(e.txn.initProducerId('a', 0, null).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect(e.txn.initProducerId('a', 900_000, null).errorCode).toBe(ErrorCode.NONE);
  });

  it('each new instance bumps the epoch; KIP-360 bumps with the current id/epoch, stale ones are fenced, a lost response is answered again', () => {
    const a = e.txn.initProducerId('a', 60000, null);
    expect(a.producerEpoch).toBe(0);
    const b = e.txn.initProducerId('a', 60000, null);
    expect([b.producerId, b.producerEpoch]).toEqual([a.producerId, 1]);
    const c = e.txn.initProducerId('a', 60000, { producerId: b.producerId, producerEpoch: 1 });
    expect(c.producerEpoch).toBe(2);
    // Retry of the same bump (response lost): same answer.
    expect(e.txn.initProducerId('a', 60000, { producerId: b.producerId, producerEpoch: 1 }).producerEpoch).toBe(2);
    expect(e.txn.initProducerId('a', 60000, { producerId: b.producerId, producerEpoch: 0 }).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect(e.txn.initProducerId('a', 60000, { producerId: 12345n, producerEpoch: 0 }).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
  });
});

describe('transactions', () => {
  it('Empty → Ongoing → CompleteCommit: markers on every partition, LSO follows', () => {
    const { producerId: pid, producerEpoch: ep } = e.txn.initProducerId('a', 60000, null);
    expect(send(e, 0, pid, ep, 0)).toBe(ErrorCode.INVALID_TXN_STATE); // not added yet
    expect(e.txn.addPartitions('a', pid, ep, [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }])).toBe(ErrorCode.NONE);
    expect(e.txn.get('a')!.stateName).toBe('Ongoing');
    expect(send(e, 0, pid, ep, 0)).toBe(ErrorCode.NONE);
    expect(e.producers.lastStableOffset(part(e, 0))).toBe(0n);
    expect(e.txn.endTransaction('a', pid, ep, true)).toBe(ErrorCode.NONE);
    expect(e.txn.get('a')!.stateName).toBe('CompleteCommit');
    expect(markers(part(e, 0))).toEqual([{ commit: true, epoch: ep }]);
    expect(markers(part(e, 1))).toEqual([{ commit: true, epoch: ep }]);
    expect(e.producers.lastStableOffset(part(e, 0))).toBe(2n);
    // A retried commit succeeds; an abort now is INVALID_TXN_STATE.
    expect(e.txn.endTransaction('a', pid, ep, true)).toBe(ErrorCode.NONE);
    expect(e.txn.endTransaction('a', pid, ep, false)).toBe(ErrorCode.INVALID_TXN_STATE);
    // EndTxn in Empty is INVALID_TXN_STATE; wrong id/epoch as Kafka.
    const other = e.txn.initProducerId('b', 60000, null);
    expect(e.txn.endTransaction('b', other.producerId, 0, true)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(e.txn.endTransaction('b', 999n, 0, true)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(e.txn.endTransaction('b', other.producerId, 5, true)).toBe(ErrorCode.PRODUCER_FENCED);
    expect(e.txn.addPartitions('b', other.producerId, 5, [{ topic: 't', partition: 0 }])).toBe(ErrorCode.PRODUCER_FENCED);
    expect(e.txn.addPartitions('nope', 1n, 0, [{ topic: 't', partition: 0 }])).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  });

  it('abort: the aborted transaction is indexed for read_committed fetches', () => {
    const { producerId: pid, producerEpoch: ep } = e.txn.initProducerId('a', 60000, null);
    e.txn.addPartitions('a', pid, ep, [{ topic: 't', partition: 0 }]);
    send(e, 0, pid, ep, 0);
    send(e, 0, pid, ep, 1);
    expect(e.txn.endTransaction('a', pid, ep, false)).toBe(ErrorCode.NONE);
    expect(e.txn.get('a')!.stateName).toBe('CompleteAbort');
    expect(e.producers.abortedTransactions(part(e, 0), 0n, 3n)).toEqual([{ producerId: pid, firstOffset: 0n }]);
    // The next transaction reuses the epoch and continues the sequence.
    e.txn.addPartitions('a', pid, ep, [{ topic: 't', partition: 0 }]);
    expect(send(e, 0, pid, ep, 2)).toBe(ErrorCode.NONE);
  });

  it('zombie fencing: a new instance aborts the open transaction under a bumped epoch (CONCURRENT_TRANSACTIONS, then the retry gets another bump)', () => {
    const old = e.txn.initProducerId('a', 60000, null);
    e.txn.addPartitions('a', old.producerId, old.producerEpoch, [{ topic: 't', partition: 0 }]);
    send(e, 0, old.producerId, old.producerEpoch, 0);
    expect(e.txn.initProducerId('a', 60000, null).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(e.txn.get('a')!.stateName).toBe('CompleteAbort');
    expect(markers(part(e, 0))).toEqual([{ commit: false, epoch: old.producerEpoch + 1 }]);
    const fresh = e.txn.initProducerId('a', 60000, null);
    expect(fresh.producerEpoch).toBe(old.producerEpoch + 2);
    // The zombie: its data is fenced on the partition, its EndTxn at the coordinator.
    expect(send(e, 0, old.producerId, old.producerEpoch, 1)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(e.txn.endTransaction('a', old.producerId, old.producerEpoch, true)).toBe(ErrorCode.PRODUCER_FENCED);
    expect(e.txn.addPartitions('a', old.producerId, old.producerEpoch, [{ topic: 't', partition: 1 }])).toBe(ErrorCode.PRODUCER_FENCED);
    expect(e.producers.lastStableOffset(part(e, 0))).toBe(part(e, 0).logEndOffset);
  });

  it('transaction.timeout.ms: an expired transaction is aborted and its producer fenced', () => {
    const p = e.txn.initProducerId('a', 10_000, null);
    e.txn.addPartitions('a', p.producerId, p.producerEpoch, [{ topic: 't', partition: 0 }]);
    send(e, 0, p.producerId, p.producerEpoch, 0);
    now += 10_000;
    expect(e.txn.abortTimedOutTransactions()).toEqual([]);
    now += 1;
    expect(e.txn.abortTimedOutTransactions()).toEqual(['a']);
    const m = e.txn.get('a')!;
    expect([m.stateName, m.producerEpoch]).toEqual(['CompleteAbort', p.producerEpoch + 1]);
    expect(e.producers.abortedTransactions(part(e, 0), 0n, 10n)).toHaveLength(1);
    expect(e.txn.endTransaction('a', p.producerId, p.producerEpoch, true)).toBe(ErrorCode.PRODUCER_FENCED);
    expect(send(e, 0, p.producerId, p.producerEpoch, 1)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('a failed marker write leaves PrepareCommit: CONCURRENT_TRANSACTIONS until the retry completes it', () => {
    const p = e.txn.initProducerId('a', 60000, null);
    e.txn.addPartitions('a', p.producerId, p.producerEpoch, [{ topic: 't', partition: 0 }]);
    send(e, 0, p.producerId, p.producerEpoch, 0);
    const l = part(e, 0) as PartitionLog & { append: PartitionLog['append'] };
    const append = l.append.bind(l);
    l.append = () => {
      throw new Error('disk full');
    };
    expect(e.txn.endTransaction('a', p.producerId, p.producerEpoch, true)).toBe(ErrorCode.NONE);
    expect(e.txn.get('a')!.stateName).toBe('PrepareCommit');
    expect(e.txn.addPartitions('a', p.producerId, p.producerEpoch, [{ topic: 't', partition: 1 }])).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(e.txn.endTransaction('a', p.producerId, p.producerEpoch, true)).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(e.txn.initProducerId('a', 60000, null).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    l.append = append;
    e.txn.tick();
    expect(e.txn.get('a')!.stateName).toBe('CompleteCommit');
    expect(markers(part(e, 0))).toEqual([{ commit: true, epoch: p.producerEpoch }]);
  });

  it('transactional offsets become committed offsets at the commit marker only', () => {
    const p = e.txn.initProducerId('a', 60000, null);
    const value: OffsetAndMetadata = { offset: 42n, leaderEpoch: -1, metadata: '', commitTimestampMs: now, expireTimestampMs: null };
    const rec = [{ key: Buffer.from('k'), value: Buffer.from('v') }];
    expect(e.txn.commitOffsets('g', p.producerId, p.producerEpoch, rec, [{ topic: 't', partition: 0, value }])).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(e.txn.addOffsets('a', p.producerId, p.producerEpoch, 'g')).toBe(ErrorCode.NONE);
    expect(e.txn.commitOffsets('g', p.producerId, p.producerEpoch, rec, [{ topic: 't', partition: 0, value }])).toBe(ErrorCode.NONE);
    expect(e.txn.pendingOffsets.isPending('g', 't', 0)).toBe(true);
    expect(e.applied).toEqual([]);
    e.txn.endTransaction('a', p.producerId, p.producerEpoch, true);
    expect(e.txn.pendingOffsets.isPending('g', 't', 0)).toBe(false);
    expect(e.applied).toEqual([{ group: 'g', topic: 't', partition: 0, value }]);
    // Aborted ones never apply.
    e.txn.addOffsets('a', p.producerId, p.producerEpoch, 'g');
    e.txn.commitOffsets('g', p.producerId, p.producerEpoch, rec, [{ topic: 't', partition: 0, value: { ...value, offset: 50n } }]);
    e.txn.endTransaction('a', p.producerId, p.producerEpoch, false);
    expect(e.applied).toHaveLength(1);
  });

  it('Describe/ListTransactions', () => {
    const p = e.txn.initProducerId('a', 60000, null);
    e.txn.initProducerId('b', 60000, null);
    e.txn.addPartitions('a', p.producerId, p.producerEpoch, [{ topic: 't', partition: 1 }]);
    const d = e.txn.describe('a');
    expect(d).toMatchObject({ errorCode: 0, transactionState: 'Ongoing', transactionTimeoutMs: 60000, producerId: p.producerId, topics: [{ topic: 't', partitions: [1] }] });
    expect(e.txn.describe('zz').errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    expect(e.txn.list([], [], -1n).transactionStates.map((t) => t.transactionalId).sort()).toEqual(['a', 'b']);
    expect(e.txn.list(['Ongoing', 'Bogus'], [], -1n)).toMatchObject({ unknownStateFilters: ['Bogus'], transactionStates: [{ transactionalId: 'a' }] });
    expect(e.txn.list([], [p.producerId], -1n).transactionStates).toHaveLength(1);
    now += 5000;
    expect(e.txn.list([], [], 5000n).transactionStates).toHaveLength(1);
    expect(e.txn.list([], [], 5001n).transactionStates).toHaveLength(0);
  });

  it('transactional ids idle past transactional.id.expiration.ms are forgotten', () => {
    e.txn.initProducerId('a', 60000, null);
    now += 604_800_001;
    expect(e.txn.expireTransactionalIds()).toEqual(['a']);
    expect(e.txn.get('a')).toBeUndefined();
  });
});

describe('recovery from __transaction_state', () => {
  it('a restart keeps ids, epochs and open transactions, and never reuses a producer id', async () => {
    const p = e.txn.initProducerId('a', 60000, null);
    e.txn.addPartitions('a', p.producerId, p.producerEpoch, [{ topic: 't', partition: 0 }]);
    send(e, 0, p.producerId, p.producerEpoch, 0);
    const e2 = await env(e.store, new ProducerIdManager(null));
    const m = e2.txn.get('a')!;
    expect([m.stateName, m.producerId, m.producerEpoch]).toEqual(['Ongoing', p.producerId, p.producerEpoch]);
    expect(e2.producers.lastStableOffset(part(e2, 0))).toBe(0n);
    expect(e2.txn.initProducerId(null, 1, null).producerId).toBeGreaterThan(p.producerId);
    expect(e2.txn.endTransaction('a', p.producerId, p.producerEpoch, true)).toBe(ErrorCode.NONE);
    expect(markers(part(e2, 0))).toEqual([{ commit: true, epoch: p.producerEpoch }]);
  });

  it('a transaction found in PrepareCommit is completed at load', async () => {
    const p = e.txn.initProducerId('a', 60000, null);
    e.txn.addPartitions('a', p.producerId, p.producerEpoch, [{ topic: 't', partition: 0 }]);
    send(e, 0, p.producerId, p.producerEpoch, 0);
    // A crash right after PrepareCommit was written, before any marker.
    e.store.partition(TRANSACTION_STATE_TOPIC, 0)!.append(
      buildRecordBatch({
        records: [
          {
            key: Buffer.from([0, 0, 0, 1, 0x61]),
            value: transactionLogValue({ producerId: p.producerId, producerEpoch: p.producerEpoch, transactionTimeoutMs: 60000, state: TxnState.PrepareCommit, partitions: [{ topic: 't', partition: 0 }], lastUpdateTimestampMs: now, startTimestampMs: now }),
          },
        ],
      }),
    );
    const e2 = await env(e.store);
    expect(e2.txn.get('a')!.stateName).toBe('CompleteCommit');
    expect(markers(part(e2, 0))).toEqual([{ commit: true, epoch: p.producerEpoch }]);
    expect(e2.producers.lastStableOffset(part(e2, 0))).toBe(part(e2, 0).logEndOffset);
    // The log's last record says CompleteCommit.
    const last = e2.store.partition(TRANSACTION_STATE_TOPIC, 0)!;
    const batches = last.read(last.logStartOffset, 1 << 20, true).batches;
    const { decodeRecords } = await import('../../src/wire/record-batch.js');
    const rec = decodeRecords(batches[batches.length - 1]!)[0]!;
    expect(decodeTransactionLogValue(rec.value!).state).toBe(TxnState.CompleteCommit);
  });
});
