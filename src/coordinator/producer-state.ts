/**
 * Per-partition producer state, as Kafka's ProducerStateManager keeps it: for
 * every producer id that wrote to the partition, its epoch, the metadata of its
 * last 5 batches (sequence range and offsets, for duplicate detection), the
 * coordinator epoch of its last marker and the first offset of its open
 * transaction. From the open transactions follows the partition's last stable
 * offset (LSO); completed aborted transactions form the aborted-transaction
 * index that read_committed fetches get (Kafka's `.txnindex`).
 *
 * The state is built lazily, the first time a partition needs it, by scanning
 * the batch headers of the whole log (records are decoded only for control
 * batches, to read the marker type). After that every batch that matters
 * (idempotent or transactional data, markers) is appended through this module,
 * so plain produce never touches it. State is keyed by the PartitionLog object:
 * a deleted and re-created topic starts fresh.
 *
 * Validation follows ProducerAppendInfo / UnifiedLog.analyzeAndValidateProducerState:
 *   - a batch with a producer id and a negative base sequence is INVALID_RECORD (LogValidator);
 *   - a batch equal (epoch, first and last sequence) to one of the producer's last
 *     5 is a duplicate: answered with the original offset, not appended again;
 *   - transactional batches must belong to an ongoing transaction that includes
 *     the partition (KIP-890 verification, INVALID_TXN_STATE otherwise);
 *   - an epoch below the current one is INVALID_PRODUCER_EPOCH (Kafka >= 2.7 answers
 *     produce with it rather than PRODUCER_FENCED);
 *   - a new epoch must start at sequence 0, the same epoch must continue at lastSeq + 1
 *     (wrapping at 2^31-1), else OUT_OF_ORDER_SEQUENCE_NUMBER; a producer with no state
 *     here (never wrote, or its batches are gone) may start at any sequence, as in Kafka
 *     >= 2.5, which no longer answers produce with UNKNOWN_PRODUCER_ID;
 *   - a non-transactional batch from a producer with an open transaction is INVALID_TXN_STATE.
 */
import type { PartitionLog } from '../log/types.js';
import { ErrorCode } from '../wire/error-codes.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BatchView,
  CONTROL_BIT,
  LAST_OFFSET_DELTA_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  TRANSACTIONAL_BIT,
  buildRecordBatch,
  decodeRecords,
} from '../wire/record-batch.js';

export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
/** Kafka's ProducerStateEntry.NUM_BATCHES_TO_RETAIN (max.in.flight.requests.per.connection <= 5). */
export const NUM_BATCHES_TO_RETAIN = 5;
const INT32_MAX = 2147483647;

/** Control record types (ControlRecordType). */
export const ControlType = { ABORT: 0, COMMIT: 1 } as const;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: bigint;
  lastOffset: bigint;
  timestamp: bigint;
}

export class ProducerEntry {
  epoch = NO_PRODUCER_EPOCH;
  /** Oldest first; at most NUM_BATCHES_TO_RETAIN. */
  readonly batches: BatchMetadata[] = [];
  coordinatorEpoch = -1;
  currentTxnFirstOffset: bigint | null = null;
  lastTimestamp = -1n;

  constructor(readonly producerId: bigint) {}

  get lastSeq(): number {
    const b = this.batches[this.batches.length - 1];
    return b ? b.lastSeq : NO_SEQUENCE;
  }

  addBatch(epoch: number, firstSeq: number, lastSeq: number, firstOffset: bigint, lastOffset: bigint, timestamp: bigint): void {
    if (epoch !== this.epoch) {
      this.batches.length = 0;
      this.epoch = epoch;
    }
    if (this.batches.length === NUM_BATCHES_TO_RETAIN) this.batches.shift();
    this.batches.push({ firstSeq, lastSeq, firstOffset, lastOffset, timestamp });
    this.lastTimestamp = timestamp;
  }

  findDuplicate(epoch: number, firstSeq: number, lastSeq: number): BatchMetadata | undefined {
    if (epoch !== this.epoch) return undefined;
    for (const b of this.batches) if (b.firstSeq === firstSeq && b.lastSeq === lastSeq) return b;
    return undefined;
  }
}

export interface AbortedTxn {
  producerId: bigint;
  firstOffset: bigint;
  /** Offset of the abort marker. */
  lastOffset: bigint;
  /** The partition's LSO right after the abort completed. */
  lastStableOffset: bigint;
}

export interface CompletedTxn {
  producerId: bigint;
  firstOffset: bigint;
  lastOffset: bigint;
  isAborted: boolean;
}

/** Kafka's DefaultRecordBatch.incrementSequence. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

export class PartitionProducerState {
  readonly producers = new Map<bigint, ProducerEntry>();
  /** Open transactions: producer id -> first offset. Insertion order is offset order, so the first is the oldest. */
  readonly ongoing = new Map<bigint, bigint>();
  /** Completed aborted transactions in marker order. */
  readonly aborted: AbortedTxn[] = [];

  constructor(readonly log: PartitionLog) {}

  entry(producerId: bigint): ProducerEntry {
    let e = this.producers.get(producerId);
    if (!e) this.producers.set(producerId, (e = new ProducerEntry(producerId)));
    return e;
  }

  /** Offset below which no open transaction has data: the oldest open transaction's first offset, else the log end. */
  lastStableOffset(): bigint {
    for (const first of this.ongoing.values()) return first;
    return this.log.logEndOffset;
  }

  hasOngoingTransaction(producerId: bigint, epoch: number): boolean {
    const e = this.producers.get(producerId);
    return e !== undefined && e.epoch === epoch && e.currentTxnFirstOffset !== null;
  }

  /** Records an appended data batch (no validation: the caller validated, or it is replayed from the log). */
  applyData(producerId: bigint, epoch: number, firstSeq: number, lastSeq: number, firstOffset: bigint, lastOffset: bigint, timestamp: bigint, transactional: boolean): void {
    const e = this.entry(producerId);
    e.addBatch(epoch, firstSeq, lastSeq, firstOffset, lastOffset, timestamp);
    if (transactional && e.currentTxnFirstOffset === null) {
      e.currentTxnFirstOffset = firstOffset;
      this.ongoing.set(producerId, firstOffset);
    }
  }

  /** Records an appended end-transaction marker at `offset`; returns the transaction it completed, if any. */
  applyMarker(producerId: bigint, epoch: number, commit: boolean, coordinatorEpoch: number, offset: bigint, timestamp: bigint): CompletedTxn | null {
    const e = this.entry(producerId);
    if (epoch > e.epoch || e.epoch === NO_PRODUCER_EPOCH) {
      e.epoch = epoch;
      e.batches.length = 0;
    }
    e.coordinatorEpoch = coordinatorEpoch;
    e.lastTimestamp = timestamp;
    const first = e.currentTxnFirstOffset;
    if (first === null) return null;
    e.currentTxnFirstOffset = null;
    this.ongoing.delete(producerId);
    if (!commit) this.aborted.push({ producerId, firstOffset: first, lastOffset: offset, lastStableOffset: this.lastStableOffsetAfter(offset) });
    return { producerId, firstOffset: first, lastOffset: offset, isAborted: !commit };
  }

  private lastStableOffsetAfter(markerOffset: bigint): bigint {
    for (const first of this.ongoing.values()) return first;
    return markerOffset + 1n;
  }

  /**
   * Kafka's collectAbortedTxns: aborted transactions that overlap [fetchOffset, upperBound),
   * i.e. whose marker is at or after fetchOffset and whose first offset is below upperBound.
   */
  abortedTransactions(fetchOffset: bigint, upperBound: bigint): { producerId: bigint; firstOffset: bigint }[] {
    const list = this.aborted;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.lastOffset < fetchOffset) lo = mid + 1;
      else hi = mid;
    }
    const out: { producerId: bigint; firstOffset: bigint }[] = [];
    for (let i = lo; i < list.length; i++) {
      const t = list[i]!;
      if (t.firstOffset < upperBound) out.push({ producerId: t.producerId, firstOffset: t.firstOffset });
      if (t.lastStableOffset >= upperBound) break;
    }
    return out;
  }

  /**
   * Kafka's removeExpiredProducers: forgets producers with no open transaction
   * whose last batch or marker timestamp is `expirationMs` or more before `nowMs`
   * (producer.id.expiration.ms). Their next batch is accepted as from a new
   * producer, as Kafka does. Returns how many were removed.
   */
  removeExpired(nowMs: number, expirationMs: number): number {
    const cutoff = BigInt(nowMs - expirationMs);
    let n = 0;
    for (const [id, e] of this.producers) {
      if (e.currentTxnFirstOffset === null && e.lastTimestamp <= cutoff) {
        this.producers.delete(id);
        n++;
      }
    }
    return n;
  }

  /** Drops aborted-index entries wholly below the log start (retention removed their data). */
  pruneBelow(logStartOffset: bigint): void {
    let n = 0;
    while (n < this.aborted.length && this.aborted[n]!.lastOffset < logStartOffset) n++;
    if (n > 0) this.aborted.splice(0, n);
  }

  /** Replays one stored batch (start-up scan). */
  replay(buf: Buffer, baseOffset: bigint): void {
    const producerId = buf.readBigInt64BE(PRODUCER_ID_OFFSET);
    if (producerId < 0n) return;
    const attributes = buf.readInt16BE(ATTRIBUTES_OFFSET);
    const epoch = buf.readInt16BE(PRODUCER_EPOCH_OFFSET);
    const lastOffset = baseOffset + BigInt(buf.readInt32BE(LAST_OFFSET_DELTA_OFFSET));
    const timestamp = buf.readBigInt64BE(MAX_TIMESTAMP_OFFSET);
    if (attributes & CONTROL_BIT) {
      const marker = readMarker(buf);
      if (marker) this.applyMarker(producerId, epoch, marker.commit, marker.coordinatorEpoch, baseOffset, timestamp);
      return;
    }
    const firstSeq = buf.readInt32BE(BASE_SEQUENCE_OFFSET);
    const delta = buf.readInt32BE(LAST_OFFSET_DELTA_OFFSET);
    const lastSeq = firstSeq < 0 ? NO_SEQUENCE : incrementSequence(firstSeq, delta);
    this.applyData(producerId, epoch, firstSeq, lastSeq, baseOffset, lastOffset, timestamp, (attributes & TRANSACTIONAL_BIT) !== 0);
  }
}

/** The end-transaction marker of a control batch (null for other control records or an empty batch). */
export function readMarker(batch: Buffer): { commit: boolean; coordinatorEpoch: number } | null {
  try {
    const rec = decodeRecords(batch)[0];
    if (!rec || !rec.key || rec.key.length < 4) return null;
    const type = rec.key.readInt16BE(2);
    if (type !== ControlType.ABORT && type !== ControlType.COMMIT) return null;
    const coordinatorEpoch = rec.value && rec.value.length >= 6 ? rec.value.readInt32BE(2) : 0;
    return { commit: type === ControlType.COMMIT, coordinatorEpoch };
  } catch {
    return null;
  }
}

/** A control batch holding one end-transaction marker (EndTransactionMarker v0). */
export function buildMarkerBatch(producerId: bigint, epoch: number, commit: boolean, coordinatorEpoch: number, timestamp = BigInt(Date.now())): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(commit ? ControlType.COMMIT : ControlType.ABORT, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return buildRecordBatch({
    records: [{ key, value }],
    baseTimestamp: timestamp,
    producerId,
    producerEpoch: epoch,
    baseSequence: NO_SEQUENCE,
    transactional: true,
    control: true,
    partitionLeaderEpoch: 0,
  });
}

/** What a produce gets back for a batch the producer state refuses or recognises as a duplicate. */
export interface ProduceRejection {
  errorCode: number;
  baseOffset: bigint;
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
  errorMessage: string | null;
}

/** A validated idempotent/transactional batch: either refused (`reject`) or to be appended, then `appended(baseOffset)`. */
export interface ProducerAppend {
  reject: ProduceRejection | null;
  appended(baseOffset: bigint): void;
}

/**
 * Whether a transactional batch may be written: the coordinator's view of the
 * producer's transaction (KIP-890 verification). NONE, INVALID_PRODUCER_EPOCH,
 * INVALID_PRODUCER_ID_MAPPING or INVALID_TXN_STATE.
 */
export type TxnVerifier = (producerId: bigint, epoch: number, topic: string, partition: number) => number;

export interface ProducerStateOptions {
  verifyTransaction?: TxnVerifier;
}

export class ProducerStateManager {
  private readonly states = new WeakMap<PartitionLog, PartitionProducerState>();
  verifyTransaction: TxnVerifier;

  constructor(opts: ProducerStateOptions = {}) {
    this.verifyTransaction = opts.verifyTransaction ?? (() => ErrorCode.INVALID_TXN_STATE);
  }

  /** The partition's state, built from the log on first use. */
  stateOf(log: PartitionLog): PartitionProducerState {
    let s = this.states.get(log);
    if (!s) {
      s = new PartitionProducerState(log);
      this.scan(s, log.logStartOffset, log.logEndOffset);
      this.states.set(log, s);
    }
    return s;
  }

  /** Whether the state of this partition has been built (tests, snapshots). */
  isLoaded(log: PartitionLog): boolean {
    return this.states.has(log);
  }

  /** removeExpired over the given partitions whose state is built (the others have nothing in memory). */
  removeExpired(logs: Iterable<PartitionLog>, nowMs: number, expirationMs: number): number {
    let n = 0;
    for (const log of logs) n += this.states.get(log)?.removeExpired(nowMs, expirationMs) ?? 0;
    return n;
  }

  private scan(s: PartitionProducerState, from: bigint, to: bigint): void {
    let offset = from;
    while (offset < to) {
      const { batches } = s.log.read(offset, 4 << 20, true);
      if (batches.length === 0) break;
      const before = offset;
      for (const b of batches) {
        const view = new BatchView(b);
        const last = view.lastOffset;
        if (last < offset) continue;
        s.replay(b, view.baseOffset);
        offset = last + 1n;
      }
      if (offset === before) break;
    }
  }

  /**
   * Produce path: null for batches without a producer id (nothing to check or
   * record). Otherwise validates the batch against the producer's state; the
   * caller answers with `reject` when set, else appends and calls `appended`.
   */
  checkProduce(log: PartitionLog, batch: BatchView): ProducerAppend | null {
    const buf = batch.buf;
    const producerId = buf.readBigInt64BE(PRODUCER_ID_OFFSET);
    const attributes = buf.readInt16BE(ATTRIBUTES_OFFSET);
    const transactional = (attributes & TRANSACTIONAL_BIT) !== 0;
    if (producerId < 0n) {
      if (!transactional) return null;
      return rejected(ErrorCode.INVALID_PRODUCER_ID_MAPPING, 'Transactional record batch without a producer id');
    }
    const epoch = buf.readInt16BE(PRODUCER_EPOCH_OFFSET);
    const firstSeq = buf.readInt32BE(BASE_SEQUENCE_OFFSET);
    if (firstSeq < 0) {
      return rejected(ErrorCode.INVALID_RECORD, `Invalid sequence number ${firstSeq} in record batch with producerId ${producerId}`);
    }
    const delta = buf.readInt32BE(LAST_OFFSET_DELTA_OFFSET);
    const lastSeq = incrementSequence(firstSeq, delta);
    const s = this.stateOf(log);
    const entry = s.producers.get(producerId);

    if (entry) {
      const dup = entry.findDuplicate(epoch, firstSeq, lastSeq);
      if (dup) {
        return {
          reject: { errorCode: ErrorCode.NONE, baseOffset: dup.firstOffset, logAppendTimeMs: -1n, logStartOffset: log.logStartOffset, errorMessage: null },
          appended: noop,
        };
      }
    }
    if (transactional && !s.hasOngoingTransaction(producerId, epoch)) {
      const err = this.verifyTransaction(producerId, epoch, log.topic, log.partition);
      if (err !== ErrorCode.NONE) {
        return rejected(err, err === ErrorCode.INVALID_TXN_STATE ? 'Record was not part of an ongoing transaction' : null);
      }
    }
    const currentEpoch = entry ? entry.epoch : NO_PRODUCER_EPOCH;
    if (epoch < currentEpoch) {
      return rejected(
        ErrorCode.INVALID_PRODUCER_EPOCH,
        `Epoch of producer ${producerId} at offset ${log.logEndOffset} in ${log.topic}-${log.partition} is ${epoch}, which is smaller than the last seen epoch ${currentEpoch}`,
      );
    }
    if (epoch !== currentEpoch) {
      if (firstSeq !== 0 && currentEpoch !== NO_PRODUCER_EPOCH) {
        return rejected(
          ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          `Invalid sequence number for new epoch of producer ${producerId} in ${log.topic}-${log.partition}: ${epoch} (request epoch), ${firstSeq} (seq. number), ${currentEpoch} (current producer epoch)`,
        );
      }
    } else {
      // Same epoch: continue at lastSeq + 1 (an entry without batches has lastSeq -1, so 0).
      const last = entry ? entry.lastSeq : NO_SEQUENCE;
      if (currentEpoch !== NO_PRODUCER_EPOCH && !(firstSeq === last + 1 || (firstSeq === 0 && last === INT32_MAX))) {
        return rejected(
          ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          `Out of order sequence number for producer ${producerId} in ${log.topic}-${log.partition}: ${firstSeq} (incoming seq. number), ${last} (current end sequence number)`,
        );
      }
    }
    if (!transactional && entry && entry.currentTxnFirstOffset !== null && entry.epoch === epoch) {
      return rejected(ErrorCode.INVALID_TXN_STATE, `Expected transactional write from producer ${producerId} in ${log.topic}-${log.partition}`);
    }
    const timestamp = buf.readBigInt64BE(MAX_TIMESTAMP_OFFSET);
    return {
      reject: null,
      appended: (baseOffset: bigint) => {
        s.applyData(producerId, epoch, firstSeq, lastSeq, baseOffset, baseOffset + BigInt(delta), timestamp, transactional);
      },
    };
  }

  /**
   * Appends a transactional batch written by a coordinator (transactional offset
   * commits): only the epoch is checked, as for Kafka's COORDINATOR origin.
   * Returns an error code, NONE once appended.
   */
  appendCoordinatorBatch(log: PartitionLog, batch: Buffer): number {
    const producerId = batch.readBigInt64BE(PRODUCER_ID_OFFSET);
    const epoch = batch.readInt16BE(PRODUCER_EPOCH_OFFSET);
    const s = this.stateOf(log);
    const e = s.producers.get(producerId);
    if (e && epoch < e.epoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    if (e && e.currentTxnFirstOffset !== null && e.epoch !== epoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    const { baseOffset } = log.append(batch);
    s.replay(batch, baseOffset);
    return ErrorCode.NONE;
  }

  /** Writes an end-transaction marker to the partition; returns the transaction it completed, if any. */
  writeMarker(log: PartitionLog, producerId: bigint, epoch: number, commit: boolean, coordinatorEpoch: number): CompletedTxn | null {
    const s = this.stateOf(log);
    const ts = BigInt(Date.now());
    const { baseOffset } = log.append(buildMarkerBatch(producerId, epoch, commit, coordinatorEpoch, ts));
    const done = s.applyMarker(producerId, epoch, commit, coordinatorEpoch, baseOffset, ts);
    s.pruneBelow(log.logStartOffset);
    return done;
  }

  lastStableOffset(log: PartitionLog): bigint {
    return this.stateOf(log).lastStableOffset();
  }

  abortedTransactions(log: PartitionLog, fetchOffset: bigint, upperBound: bigint): { producerId: bigint; firstOffset: bigint }[] {
    return this.stateOf(log).abortedTransactions(fetchOffset, upperBound);
  }
}

function noop(): void {}

function rejected(errorCode: number, errorMessage: string | null): ProducerAppend {
  return { reject: { errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, errorMessage }, appended: noop };
}
