/**
 * The transaction coordinator, after Kafka's TransactionCoordinator and
 * TransactionStateManager: transactional ids, their producer id and epoch, and
 * the state machine
 *
 *   Empty → Ongoing → PrepareCommit → CompleteCommit
 *                   ↘ PrepareAbort  → CompleteAbort      (Complete* → Ongoing for the next one)
 *   Ongoing → PrepareEpochFence → PrepareAbort (InitProducerId of a new instance, timeouts)
 *   Empty/Complete* → Dead (transactional.id.expiration.ms)
 *
 * Every transition is written to `__transaction_state` (Kafka's record layout)
 * before it takes effect, so a restart resumes where the log says: Ongoing
 * transactions stay open (and time out), PrepareCommit/PrepareAbort finish by
 * writing their markers.
 *
 * One broker means the coordinator writes the end-transaction markers itself,
 * straight into the partitions' logs (Kafka's TransactionMarkerChannelManager
 * sends WriteTxnMarkers to each leader): a control batch per partition of the
 * transaction, including the group's `__consumer_offsets` partition, which is
 * what makes transactional offset commits visible. EndTxn writes PrepareX,
 * the markers and CompleteX in one synchronous step; only a failed marker write
 * leaves the transaction in PrepareX (retried on a timer), and requests meeting
 * it then get CONCURRENT_TRANSACTIONS, as in Kafka.
 *
 * All operations are synchronous once `ready()` has created the topic, so no
 * two requests ever see a transaction half-way through a transition.
 */
import type { Logger } from 'pino';
import type { LogStore, PartitionLog } from '../log/types.js';
import { ErrorCode } from '../wire/error-codes.js';
import { buildRecordBatch, decodeRecords } from '../wire/record-batch.js';
import { partitionFor } from './group-coordinator.js';
import { OFFSETS_TOPIC } from './offsets-topic.js';
import { NO_PRODUCER_EPOCH, NO_PRODUCER_ID, type ProducerStateManager } from './producer-state.js';
import type { ProducerIdManager } from './producer-ids.js';
import {
  TRANSACTION_STATE_TOPIC,
  TXN_STATE_NAMES,
  TxnState,
  decodeTransactionLogKey,
  decodeTransactionLogValue,
  transactionLogKey,
  transactionLogValue,
  type TopicPartitionRef,
  type TxnStateId,
} from './transactions-topic.js';
import { PendingTxnOffsets, type ApplyOffset } from './txn-offsets.js';
import { scanBatches } from '../log/scan-batches.js';
import { InternalTopic } from './internal-topic.js';

const SHORT_MAX = 32767;
/** The coordinator epoch in markers: one broker, never re-elected. */
export const COORDINATOR_EPOCH = 0;

export interface TransactionConfig {
  /** `transaction.max.timeout.ms` (Kafka: 900000). */
  maxTimeoutMs: number;
  /** `transaction.abort.timed.out.transaction.cleanup.interval.ms` (Kafka: 10000). */
  abortTimedOutIntervalMs: number;
  /** `transactional.id.expiration.ms` (Kafka: 7 days). */
  transactionalIdExpirationMs: number;
  /** `transaction.state.log.num.partitions` (Kafka: 50). */
  topicNumPartitions: number;
}

export const DEFAULT_TRANSACTION_CONFIG: TransactionConfig = {
  maxTimeoutMs: 900_000,
  abortTimedOutIntervalMs: 10_000,
  transactionalIdExpirationMs: 604_800_000,
  topicNumPartitions: 1,
};

/** Broker settings (camelCase of Kafka's names) the coordinator reads; each optional. */
export interface TransactionSettings {
  transactionMaxTimeoutMs?: number;
  transactionAbortTimedOutTransactionCleanupIntervalMs?: number;
  transactionalIdExpirationMs?: number;
}

export function transactionConfig(c: object): Partial<TransactionConfig> {
  const s = c as TransactionSettings;
  const out: Partial<TransactionConfig> = {};
  if (s.transactionMaxTimeoutMs !== undefined) out.maxTimeoutMs = s.transactionMaxTimeoutMs;
  if (s.transactionAbortTimedOutTransactionCleanupIntervalMs !== undefined) out.abortTimedOutIntervalMs = s.transactionAbortTimedOutTransactionCleanupIntervalMs;
  if (s.transactionalIdExpirationMs !== undefined) out.transactionalIdExpirationMs = s.transactionalIdExpirationMs;
  return out;
}

export interface TxnClock {
  now(): number;
}

export interface TransactionCoordinatorOptions {
  store: LogStore;
  producers: ProducerStateManager;
  producerIds: ProducerIdManager;
  /** Makes a replayed or just-committed transactional offset commit a committed offset. */
  applyOffset: ApplyOffset;
  config?: Partial<TransactionConfig>;
  logger: Logger;
  clock?: TxnClock;
  /** Timers for timeouts and marker retries (off in unit tests that drive them by hand). */
  timers?: boolean;
}

export class TransactionMetadata {
  lastProducerId = NO_PRODUCER_ID;
  lastProducerEpoch = NO_PRODUCER_EPOCH;
  state: TxnStateId = TxnState.Empty;
  /** "topic\0partition" -> partition. */
  readonly partitions = new Map<string, TopicPartitionRef>();
  startTimestampMs = -1;
  lastUpdateTimestampMs: number;
  hasFailedEpochFence = false;
  /** Set while PrepareX markers could not all be written. */
  markersPending = false;

  constructor(
    readonly transactionalId: string,
    public producerId: bigint,
    public producerEpoch: number,
    public timeoutMs: number,
    now: number,
  ) {
    this.lastUpdateTimestampMs = now;
  }

  get stateName(): string {
    return TXN_STATE_NAMES[this.state];
  }

  hasPartition(topic: string, partition: number): boolean {
    return this.partitions.has(`${topic}\0${partition}`);
  }

  get isEpochExhausted(): boolean {
    return this.producerEpoch >= SHORT_MAX - 1;
  }
}

export interface InitProducerIdResult {
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
}

export interface DescribedTransaction {
  errorCode: number;
  transactionalId: string;
  transactionState: string;
  transactionTimeoutMs: number;
  transactionStartTimeMs: bigint;
  producerId: bigint;
  producerEpoch: number;
  topics: { topic: string; partitions: number[] }[];
}

export class TransactionCoordinator {
  readonly config: TransactionConfig;
  readonly pendingOffsets: PendingTxnOffsets;
  private readonly store: LogStore;
  private readonly producers: ProducerStateManager;
  private readonly producerIds: ProducerIdManager;
  private readonly log: Logger;
  private readonly clock: TxnClock;
  private readonly txns = new Map<string, TransactionMetadata>();
  private readonly byProducerId = new Map<bigint, TransactionMetadata>();
  private timer: NodeJS.Timeout | null = null;
  private readonly timersEnabled: boolean;
  private closed = false;

  private internalTopic: InternalTopic | null = null;

  constructor(opts: TransactionCoordinatorOptions) {
    this.store = opts.store;
    this.producers = opts.producers;
    this.producerIds = opts.producerIds;
    this.log = opts.logger;
    this.clock = opts.clock ?? { now: () => Date.now() };
    this.config = { ...DEFAULT_TRANSACTION_CONFIG, ...opts.config };
    this.timersEnabled = opts.timers ?? true;
    this.pendingOffsets = new PendingTxnOffsets(opts.applyOffset);
    this.producers.verifyTransaction = (pid, epoch, topic, partition) => this.verifyPartition(pid, epoch, topic, partition);
  }

  // ---- Lifecycle -------------------------------------------------------------------

  /** Replays `__transaction_state`, finishes transactions caught in PrepareCommit/PrepareAbort, starts the timeout timer. */
  load(): void {
    const info = this.store.topic(TRANSACTION_STATE_TOPIC);
    let records = 0;
    if (info) {
      for (let p = 0; p < info.numPartitions; p++) {
        const log = this.store.partition(TRANSACTION_STATE_TOPIC, p);
        if (log) records += this.replay(log);
      }
    }
    for (const m of this.txns.values()) {
      this.producerIds.observe(m.producerId);
      if (m.state === TxnState.PrepareCommit || m.state === TxnState.PrepareAbort) {
        this.log.info({ transactionalId: m.transactionalId, state: m.stateName }, 'completing a transaction found in prepare state');
        this.completeTransaction(m, true);
      }
    }
    if (records > 0) this.log.info({ records, transactionalIds: this.txns.size }, `loaded ${TRANSACTION_STATE_TOPIC}`);
    if (this.timersEnabled) {
      this.timer = setInterval(() => this.tick(), this.config.abortTimedOutIntervalMs);
      this.timer.unref?.();
    }
  }

  shutdown(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Periodic work: abort timed-out transactions, retry pending markers, expire idle transactional ids. */
  tick(): void {
    if (this.closed) return;
    try {
      this.retryPendingMarkers();
      this.abortTimedOutTransactions();
      this.expireTransactionalIds();
    } catch (err) {
      this.log.error({ err }, 'transaction coordinator housekeeping failed');
    }
  }

  private replay(log: PartitionLog): number {
    let count = 0;
    for (const { view, from } of scanBatches(log)) {
      if (view.isControl) continue;
      try {
        for (const r of decodeRecords(view.buf)) {
          if (r.offset < from || r.key === null) continue;
          this.replayRecord(r.key, r.value);
          count++;
        }
      } catch (err) {
        this.log.error({ err, offset: String(view.baseOffset) }, `skipping unreadable batch of ${TRANSACTION_STATE_TOPIC}`);
      }
    }
    return count;
  }

  private replayRecord(key: Buffer, value: Buffer | null): void {
    const id = decodeTransactionLogKey(key);
    const old = this.txns.get(id);
    if (old) this.unindex(old);
    if (value === null) {
      this.txns.delete(id);
      return;
    }
    const v = decodeTransactionLogValue(value);
    if (v.state === TxnState.Dead) {
      this.txns.delete(id);
      return;
    }
    const m = new TransactionMetadata(id, v.producerId, v.producerEpoch, v.transactionTimeoutMs, v.lastUpdateTimestampMs);
    m.state = v.state;
    m.startTimestampMs = v.startTimestampMs;
    for (const p of v.partitions) m.partitions.set(`${p.topic}\0${p.partition}`, p);
    this.txns.set(id, m);
    this.byProducerId.set(m.producerId, m);
  }

  /** Creates `__transaction_state` when missing; resolves at once afterwards. */
  ready(): Promise<void> {
    return (this.internalTopic ??= new InternalTopic(this.store, TRANSACTION_STATE_TOPIC, () => this.config.topicNumPartitions, this.log)).ready();
  }

  // ---- Lookups -----------------------------------------------------------------------

  get(transactionalId: string): TransactionMetadata | undefined {
    return this.txns.get(transactionalId);
  }

  all(): TransactionMetadata[] {
    return [...this.txns.values()];
  }

  // ---- InitProducerId ----------------------------------------------------------------

  initProducerId(transactionalId: string | null, transactionTimeoutMs: number, expected: { producerId: bigint; producerEpoch: number } | null): InitProducerIdResult {
    if (transactionalId === null) {
      // Idempotent producers always get a fresh id (KIP-360 bumps only concern transactional ids).
      return { errorCode: ErrorCode.NONE, producerId: this.producerIds.generate(), producerEpoch: 0 };
    }
    if (transactionalId === '') return initError(ErrorCode.INVALID_REQUEST);
    if (transactionTimeoutMs <= 0 || transactionTimeoutMs > this.config.maxTimeoutMs) return initError(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    const now = this.clock.now();
    let m = this.txns.get(transactionalId);
    if (!m) {
      m = new TransactionMetadata(transactionalId, this.producerIds.generate(), NO_PRODUCER_EPOCH, transactionTimeoutMs, now);
      this.txns.set(transactionalId, m);
      this.byProducerId.set(m.producerId, m);
    }
    const meta = m;
    if (expected !== null && !this.isValidProducerId(meta, expected)) return initError(ErrorCode.PRODUCER_FENCED);
    if (meta.markersPending) return initError(ErrorCode.CONCURRENT_TRANSACTIONS);
    switch (meta.state) {
      case TxnState.PrepareAbort:
      case TxnState.PrepareCommit:
        return initError(ErrorCode.CONCURRENT_TRANSACTIONS);
      case TxnState.Ongoing: {
        // Fence the current producer: abort its transaction under a bumped epoch; the
        // client retries on CONCURRENT_TRANSACTIONS and then gets a second bump.
        const err = this.fenceAndAbort(meta);
        return initError(err === ErrorCode.NONE ? ErrorCode.CONCURRENT_TRANSACTIONS : err);
      }
      default: {
        let producerId = meta.producerId;
        let epoch: number;
        let lastProducerId = meta.lastProducerId;
        let lastEpoch: number;
        if (meta.isEpochExhausted && (expected === null || expected.producerEpoch === meta.producerEpoch)) {
          // Epoch exhausted: rotate to a new producer id.
          lastProducerId = meta.producerId;
          producerId = this.producerIds.generate();
          epoch = 0;
          lastEpoch = expected !== null ? meta.producerEpoch : NO_PRODUCER_EPOCH;
        } else if (expected === null) {
          epoch = meta.producerEpoch + 1;
          lastEpoch = NO_PRODUCER_EPOCH;
        } else if (meta.producerEpoch === NO_PRODUCER_EPOCH || expected.producerEpoch === meta.producerEpoch) {
          epoch = meta.producerEpoch + 1;
          lastEpoch = meta.producerEpoch;
        } else if (expected.producerEpoch === meta.lastProducerEpoch) {
          // A retry of a bump whose response was lost: answer the same epoch again.
          epoch = meta.producerEpoch;
          lastEpoch = meta.lastProducerEpoch;
        } else {
          return initError(ErrorCode.PRODUCER_FENCED);
        }
        const err = this.transition(meta, {
          state: TxnState.Empty,
          producerId,
          producerEpoch: epoch,
          timeoutMs: transactionTimeoutMs,
          partitions: [],
          startTimestampMs: -1,
        });
        if (err !== ErrorCode.NONE) return initError(err);
        meta.lastProducerId = lastProducerId;
        meta.lastProducerEpoch = lastEpoch;
        meta.hasFailedEpochFence = false;
        this.log.debug({ transactionalId, producerId: String(producerId), epoch }, 'initialized transactional producer');
        return { errorCode: ErrorCode.NONE, producerId, producerEpoch: epoch };
      }
    }
  }

  private isValidProducerId(m: TransactionMetadata, expected: { producerId: bigint; producerEpoch: number }): boolean {
    return (
      m.producerEpoch === NO_PRODUCER_EPOCH ||
      expected.producerId === m.producerId ||
      (expected.producerId === m.lastProducerId && expected.producerEpoch >= SHORT_MAX - 1)
    );
  }

  // ---- AddPartitionsToTxn / AddOffsetsToTxn --------------------------------------------

  /** Common checks of requests from a transaction's producer (AddPartitions, AddOffsets). */
  private checkProducer(transactionalId: string, producerId: bigint, producerEpoch: number): { meta?: TransactionMetadata; errorCode: number } {
    if (transactionalId === '') return { errorCode: ErrorCode.INVALID_REQUEST };
    const m = this.txns.get(transactionalId);
    if (!m || m.producerId !== producerId) return { errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING };
    if (m.producerEpoch !== producerEpoch) return { errorCode: ErrorCode.PRODUCER_FENCED };
    if (m.markersPending || m.state === TxnState.PrepareCommit || m.state === TxnState.PrepareAbort) return { errorCode: ErrorCode.CONCURRENT_TRANSACTIONS };
    return { meta: m, errorCode: ErrorCode.NONE };
  }

  /** Adds partitions to the producer's transaction (starting one when none is open). Returns an error code for all of them. */
  addPartitions(transactionalId: string, producerId: bigint, producerEpoch: number, partitions: readonly TopicPartitionRef[]): number {
    const { meta, errorCode } = this.checkProducer(transactionalId, producerId, producerEpoch);
    if (!meta) return errorCode;
    if (meta.state === TxnState.Ongoing && partitions.every((p) => meta.hasPartition(p.topic, p.partition))) return ErrorCode.NONE;
    if (meta.state !== TxnState.Ongoing && meta.state !== TxnState.Empty && meta.state !== TxnState.CompleteCommit && meta.state !== TxnState.CompleteAbort) {
      return ErrorCode.INVALID_TXN_STATE;
    }
    const starting = meta.state !== TxnState.Ongoing;
    const merged = starting ? [...partitions] : [...meta.partitions.values(), ...partitions];
    return this.transition(meta, {
      state: TxnState.Ongoing,
      partitions: merged,
      startTimestampMs: starting ? this.clock.now() : meta.startTimestampMs,
    });
  }

  /** AddOffsetsToTxn: the group's `__consumer_offsets` partition joins the transaction. */
  addOffsets(transactionalId: string, producerId: bigint, producerEpoch: number, groupId: string): number {
    return this.addPartitions(transactionalId, producerId, producerEpoch, [this.offsetsPartitionOf(groupId)]);
  }

  offsetsPartitionOf(groupId: string): TopicPartitionRef {
    const n = this.store.topic(OFFSETS_TOPIC)?.numPartitions ?? 1;
    return { topic: OFFSETS_TOPIC, partition: partitionFor(groupId, n) };
  }

  /** AddPartitionsToTxn v4+ `verify_only`: per partition, whether it is in the producer's ongoing transaction. */
  verifyPartitions(transactionalId: string, producerId: bigint, producerEpoch: number, partitions: readonly TopicPartitionRef[]): number[] {
    const { meta, errorCode } = this.checkProducer(transactionalId, producerId, producerEpoch);
    return partitions.map((p) =>
      !meta ? errorCode : meta.state === TxnState.Ongoing && meta.hasPartition(p.topic, p.partition) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE,
    );
  }

  /**
   * Produce-side verification (KIP-890) of a transactional batch whose producer has no
   * open transaction on the partition yet: the partition must have been added.
   */
  verifyPartition(producerId: bigint, producerEpoch: number, topic: string, partition: number): number {
    const m = this.byProducerId.get(producerId);
    if (!m || m.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    // Kafka turns the coordinator's PRODUCER_FENCED into INVALID_PRODUCER_EPOCH for produce.
    if (m.producerEpoch !== producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    if (m.state !== TxnState.Ongoing || !m.hasPartition(topic, partition)) return ErrorCode.INVALID_TXN_STATE;
    return ErrorCode.NONE;
  }

  // ---- EndTxn -----------------------------------------------------------------------

  endTransaction(transactionalId: string, producerId: bigint, producerEpoch: number, commit: boolean): number {
    return this.end(transactionalId, producerId, producerEpoch, commit, true);
  }

  private end(transactionalId: string, producerId: bigint, producerEpoch: number, commit: boolean, fromClient: boolean): number {
    if (transactionalId === '') return ErrorCode.INVALID_REQUEST;
    const m = this.txns.get(transactionalId);
    if (!m || m.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if ((fromClient && producerEpoch !== m.producerEpoch) || producerEpoch < m.producerEpoch) return ErrorCode.PRODUCER_FENCED;
    if (m.markersPending) return ErrorCode.CONCURRENT_TRANSACTIONS;
    switch (m.state) {
      case TxnState.Ongoing: {
        const err = this.transition(m, { state: commit ? TxnState.PrepareCommit : TxnState.PrepareAbort, producerEpoch });
        if (err !== ErrorCode.NONE) return err;
        this.completeTransaction(m);
        return ErrorCode.NONE;
      }
      case TxnState.CompleteCommit:
        return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
      case TxnState.CompleteAbort:
        return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
      case TxnState.PrepareCommit:
        return commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE;
      case TxnState.PrepareAbort:
        return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS;
      default:
        return ErrorCode.INVALID_TXN_STATE;
    }
  }

  /**
   * PrepareEpochFence: bump the epoch (so the current producer is fenced) and abort
   * the ongoing transaction under it. Kafka keeps the bumped epoch when a previous
   * fence failed to be written.
   */
  private fenceAndAbort(m: TransactionMetadata): number {
    if (m.producerEpoch >= SHORT_MAX) return ErrorCode.INVALID_PRODUCER_EPOCH;
    const bumped = m.hasFailedEpochFence ? m.producerEpoch : m.producerEpoch + 1;
    m.state = TxnState.PrepareEpochFence;
    const err = this.transition(m, { state: TxnState.PrepareAbort, producerEpoch: bumped });
    if (err !== ErrorCode.NONE) {
      m.state = TxnState.Ongoing;
      m.hasFailedEpochFence = true;
      return err;
    }
    m.lastProducerEpoch = NO_PRODUCER_EPOCH;
    m.hasFailedEpochFence = false;
    this.completeTransaction(m);
    return ErrorCode.NONE;
  }

  /** Writes the markers of a transaction in PrepareCommit/PrepareAbort, then CompleteCommit/CompleteAbort. */
  private completeTransaction(m: TransactionMetadata, retry = false): void {
    const commit = m.state === TxnState.PrepareCommit;
    try {
      for (const p of m.partitions.values()) {
        const log = this.store.partition(p.topic, p.partition);
        if (!log) continue; // topic deleted meanwhile
        // A retry (restart, failed write) only writes where the transaction is still open.
        if (retry && (this.producers.stateOf(log).producers.get(m.producerId)?.currentTxnFirstOffset ?? null) === null) continue;
        this.producers.writeMarker(log, m.producerId, m.producerEpoch, commit, COORDINATOR_EPOCH);
        if (p.topic === OFFSETS_TOPIC) this.pendingOffsets.complete(m.producerId, p.partition, commit);
      }
    } catch (err) {
      this.log.error({ err, transactionalId: m.transactionalId }, 'failed to write transaction markers; will retry');
      m.markersPending = true;
      return;
    }
    m.markersPending = false;
    const err = this.transition(m, { state: commit ? TxnState.CompleteCommit : TxnState.CompleteAbort, partitions: [] });
    if (err !== ErrorCode.NONE) m.markersPending = true;
  }

  private retryPendingMarkers(): void {
    for (const m of this.txns.values()) {
      if (m.markersPending || m.state === TxnState.PrepareCommit || m.state === TxnState.PrepareAbort) {
        this.completeTransaction(m, true);
      }
    }
  }

  // ---- Timeouts and expiry ------------------------------------------------------------------

  /** Aborts (and fences) every Ongoing transaction older than its timeout. Returns their ids. */
  abortTimedOutTransactions(now = this.clock.now()): string[] {
    const aborted: string[] = [];
    for (const m of [...this.txns.values()]) {
      if (m.state !== TxnState.Ongoing || m.markersPending) continue;
      if (m.startTimestampMs + m.timeoutMs >= now) continue;
      this.log.info({ transactionalId: m.transactionalId, producerId: String(m.producerId), timeoutMs: m.timeoutMs }, 'aborting timed-out transaction');
      if (this.fenceAndAbort(m) === ErrorCode.NONE) aborted.push(m.transactionalId);
    }
    return aborted;
  }

  /** Kafka's transactional id expiration: idle ids without an open transaction are forgotten (tombstone). */
  expireTransactionalIds(now = this.clock.now()): string[] {
    const expired: string[] = [];
    for (const m of [...this.txns.values()]) {
      const idle = m.state === TxnState.Empty || m.state === TxnState.CompleteCommit || m.state === TxnState.CompleteAbort;
      if (!idle || m.lastUpdateTimestampMs + this.config.transactionalIdExpirationMs > now) continue;
      try {
        this.appendRecord(m.transactionalId, null);
      } catch (err) {
        this.log.warn({ err, transactionalId: m.transactionalId }, 'failed to expire transactional id');
        continue;
      }
      this.unindex(m);
      this.txns.delete(m.transactionalId);
      expired.push(m.transactionalId);
    }
    return expired;
  }

  // ---- Transactional offset commits ----------------------------------------------------------

  /**
   * Writes a TxnOffsetCommit's records to the group's `__consumer_offsets` partition as
   * a transactional batch; they stay pending until the transaction's marker. The
   * partition must be in the producer's ongoing transaction (AddOffsetsToTxn first).
   */
  commitOffsets(groupId: string, producerId: bigint, producerEpoch: number, records: { key: Buffer; value: Buffer }[], commits: Parameters<PendingTxnOffsets['add']>[3]): number {
    const ref = this.offsetsPartitionOf(groupId);
    const log = this.store.partition(ref.topic, ref.partition);
    if (!log) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const s = this.producers.stateOf(log);
    if (!s.hasOngoingTransaction(producerId, producerEpoch)) {
      const err = this.verifyPartition(producerId, producerEpoch, ref.topic, ref.partition);
      if (err !== ErrorCode.NONE) return err;
    }
    const batch = buildRecordBatch({ records, producerId, producerEpoch, baseSequence: -1, transactional: true, partitionLeaderEpoch: 0 });
    const err = this.producers.appendCoordinatorBatch(log, batch);
    if (err !== ErrorCode.NONE) return err;
    this.pendingOffsets.add(producerId, ref.partition, groupId, commits);
    return ErrorCode.NONE;
  }

  // ---- Admin ----------------------------------------------------------------------------

  describe(transactionalId: string): DescribedTransaction {
    const m = this.txns.get(transactionalId);
    const base = { transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] };
    if (transactionalId === '') return { ...base, errorCode: ErrorCode.INVALID_REQUEST };
    if (!m || m.state === TxnState.Dead) return { ...base, errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND };
    const topics = new Map<string, number[]>();
    for (const p of m.partitions.values()) {
      let l = topics.get(p.topic);
      if (!l) topics.set(p.topic, (l = []));
      l.push(p.partition);
    }
    return {
      errorCode: ErrorCode.NONE,
      transactionalId,
      transactionState: m.stateName,
      transactionTimeoutMs: m.timeoutMs,
      transactionStartTimeMs: BigInt(m.startTimestampMs),
      producerId: m.producerId,
      producerEpoch: m.producerEpoch,
      topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
    };
  }

  /** ListTransactions: filters by state names and producer ids (empty = all), and by minimum running time (v1, -1 = none). */
  list(stateFilters: readonly string[], producerIdFilters: readonly bigint[], durationFilterMs: bigint): { unknownStateFilters: string[]; transactionStates: { transactionalId: string; producerId: bigint; transactionState: string }[] } {
    const known = new Set(Object.values(TXN_STATE_NAMES));
    const unknownStateFilters = stateFilters.filter((s) => !known.has(s));
    const states = new Set(stateFilters);
    const pids = new Set(producerIdFilters);
    const now = this.clock.now();
    const transactionStates = [];
    for (const m of this.txns.values()) {
      if (m.state === TxnState.Dead) continue;
      if (states.size > 0 && !states.has(m.stateName)) continue;
      if (pids.size > 0 && !pids.has(m.producerId)) continue;
      if (durationFilterMs >= 0n && (m.state !== TxnState.Ongoing || BigInt(now - m.startTimestampMs) < durationFilterMs)) continue;
      transactionStates.push({ transactionalId: m.transactionalId, producerId: m.producerId, transactionState: m.stateName });
    }
    return { unknownStateFilters, transactionStates };
  }

  // ---- Persistence -------------------------------------------------------------------------------

  private transition(
    m: TransactionMetadata,
    next: { state: TxnStateId; producerId?: bigint; producerEpoch?: number; timeoutMs?: number; partitions?: readonly TopicPartitionRef[]; startTimestampMs?: number },
  ): number {
    const now = this.clock.now();
    const producerId = next.producerId ?? m.producerId;
    const producerEpoch = next.producerEpoch ?? m.producerEpoch;
    const timeoutMs = next.timeoutMs ?? m.timeoutMs;
    const partitions = next.partitions ?? [...m.partitions.values()];
    const startTimestampMs = next.startTimestampMs ?? m.startTimestampMs;
    try {
      this.appendRecord(
        m.transactionalId,
        transactionLogValue({ producerId, producerEpoch, transactionTimeoutMs: timeoutMs, state: next.state, partitions, lastUpdateTimestampMs: now, startTimestampMs }),
      );
    } catch (err) {
      this.log.error({ err, transactionalId: m.transactionalId }, `failed to write ${TRANSACTION_STATE_TOPIC}`);
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    if (producerId !== m.producerId) {
      this.unindex(m);
      m.producerId = producerId;
    }
    this.byProducerId.set(producerId, m);
    m.state = next.state;
    m.producerEpoch = producerEpoch;
    m.timeoutMs = timeoutMs;
    m.startTimestampMs = startTimestampMs;
    m.lastUpdateTimestampMs = now;
    if (next.partitions) {
      m.partitions.clear();
      for (const p of next.partitions) m.partitions.set(`${p.topic}\0${p.partition}`, { topic: p.topic, partition: p.partition });
    }
    return ErrorCode.NONE;
  }

  private appendRecord(transactionalId: string, value: Buffer | null): void {
    const info = this.store.topic(TRANSACTION_STATE_TOPIC);
    if (!info) throw new Error(`${TRANSACTION_STATE_TOPIC} does not exist (call ready() first)`);
    const log = this.store.partition(TRANSACTION_STATE_TOPIC, partitionFor(transactionalId, info.numPartitions));
    if (!log) throw new Error(`${TRANSACTION_STATE_TOPIC} partition missing`);
    log.append(buildRecordBatch({ records: [{ key: transactionLogKey(transactionalId), value }] }));
  }

  private unindex(m: TransactionMetadata): void {
    if (this.byProducerId.get(m.producerId) === m) this.byProducerId.delete(m.producerId);
  }
}

function initError(errorCode: number): InitProducerIdResult {
  return { errorCode, producerId: -1n, producerEpoch: -1 };
}
