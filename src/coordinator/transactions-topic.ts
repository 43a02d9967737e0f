/**
 * Record format of the internal `__transaction_state` topic, byte-compatible
 * with Kafka's (transaction-coordinator/src/main/resources/common/message):
 *
 *   key   = int16 version 0 + TransactionLogKey (transactional_id string)
 *   value = int16 version + TransactionLogValue; null value = tombstone (expired id)
 *
 * Written: value v0 (what Kafka writes for transaction versions 0 and 1).
 * Read: v0 and v1 (flexible; its tagged fields are skipped).
 */
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';

/** TransactionState ids as Kafka persists them. */
export const TxnState = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
} as const;
export type TxnStateId = (typeof TxnState)[keyof typeof TxnState];

/** Names as DescribeTransactions/ListTransactions report them. */
export const TXN_STATE_NAMES: Record<TxnStateId, string> = {
  0: 'Empty',
  1: 'Ongoing',
  2: 'PrepareCommit',
  3: 'PrepareAbort',
  4: 'CompleteCommit',
  5: 'CompleteAbort',
  6: 'Dead',
  7: 'PrepareEpochFence',
};

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

export interface TransactionLogValue {
  producerId: bigint;
  producerEpoch: number;
  transactionTimeoutMs: number;
  state: TxnStateId;
  /** Sorted by topic then partition when written. */
  partitions: readonly TopicPartitionRef[];
  lastUpdateTimestampMs: number;
  startTimestampMs: number;
}

export function transactionLogKey(transactionalId: string): Buffer {
  const w = new Writer(32);
  w.int16(0);
  w.string(transactionalId);
  return w.toBuffer();
}

export function transactionLogValue(v: TransactionLogValue): Buffer {
  const w = new Writer(64);
  w.int16(0);
  w.int64(v.producerId);
  w.int16(v.producerEpoch);
  w.int32(v.transactionTimeoutMs);
  w.int8(v.state);
  if (v.state === TxnState.Empty) {
    // Kafka writes no partition list for Empty.
    w.int32(-1);
  } else {
    const byTopic = groupByTopic(v.partitions);
    w.int32(byTopic.size);
    for (const [topic, parts] of byTopic) {
      w.string(topic);
      w.int32(parts.length);
      for (const p of parts) w.int32(p);
    }
  }
  w.int64(BigInt(v.lastUpdateTimestampMs));
  w.int64(BigInt(v.startTimestampMs));
  return w.toBuffer();
}

export function groupByTopic(partitions: readonly TopicPartitionRef[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const p of partitions) {
    let l = m.get(p.topic);
    if (!l) m.set(p.topic, (l = []));
    l.push(p.partition);
  }
  for (const l of m.values()) l.sort((a, b) => a - b);
  return m;
}

export class TransactionLogError extends Error {}

function check(r: Reader, what: string): void {
  if (r.error !== null) throw new TransactionLogError(`malformed ${what}: ${r.error}`);
}

export function decodeTransactionLogKey(key: Buffer): string {
  const r = new Reader(key);
  const version = r.int16();
  if (version !== 0) throw new TransactionLogError(`unknown TransactionLogKey version ${version}`);
  const id = r.string();
  check(r, 'TransactionLogKey');
  return id;
}

function skipTags(r: Reader): void {
  const n = r.uvarint();
  for (let i = 0; i < n && r.error === null; i++) {
    r.uvarint();
    r.raw(r.uvarint());
  }
}

export function decodeTransactionLogValue(buf: Buffer): TransactionLogValue {
  const r = new Reader(buf);
  const v = r.int16();
  if (v < 0 || v > 1) throw new TransactionLogError(`unknown TransactionLogValue version ${v}`);
  const flexible = v >= 1;
  const producerId = r.int64();
  const producerEpoch = r.int16();
  const transactionTimeoutMs = r.int32();
  const state = r.int8();
  if (state < 0 || state > 7) throw new TransactionLogError(`unknown transaction state ${state}`);
  const n = flexible ? r.compactArrayLength() : r.arrayLength();
  const partitions: TopicPartitionRef[] = [];
  for (let i = 0; i < n && r.error === null; i++) {
    const topic = flexible ? r.compactString() : r.string();
    const count = flexible ? r.compactArrayLength() : r.arrayLength();
    for (let j = 0; j < count && r.error === null; j++) partitions.push({ topic, partition: r.int32() });
    if (flexible) skipTags(r);
  }
  const lastUpdateTimestampMs = Number(r.int64());
  const startTimestampMs = Number(r.int64());
  if (flexible) skipTags(r);
  check(r, `TransactionLogValue v${v}`);
  return { producerId, producerEpoch, transactionTimeoutMs, state: state as TxnStateId, partitions, lastUpdateTimestampMs, startTimestampMs };
}
