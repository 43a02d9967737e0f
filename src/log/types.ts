/**
 * The storage contract shared by the on-disk and in-memory backends. Record
 * data travels as bytes: appends take already-validated RecordBatch v2 bytes,
 * reads return whole batches as Buffer slices.
 */
import type { ReadAlloc } from './read-buffers.js';

/** Topic-level configs as Kafka names them (`retention.ms`, `segment.bytes`, ...), values as strings. */
export type TopicConfigs = Record<string, string>;

export interface TopicInfo {
  readonly name: string;
  /** Kafka-style UUID string (unpadded base64url of 16 bytes). */
  readonly topicId: string;
  readonly numPartitions: number;
  readonly configs: TopicConfigs;
  readonly internal: boolean;
}

export interface CreateTopicOptions {
  numPartitions: number;
  configs?: TopicConfigs;
  /** Assigned randomly when omitted. */
  topicId?: string;
  internal?: boolean;
}

export interface AppendResult {
  /** Offset assigned to the first record of the first appended batch. */
  baseOffset: bigint;
  /** The log end offset after the append. */
  logEndOffset: bigint;
}

export interface AppendOptions {
  /**
   * When set, the batches' timestamp type is switched to LogAppendTime with this
   * timestamp (maxTimestamp field patched, CRC recomputed), as Kafka does for
   * `message.timestamp.type=LogAppendTime`.
   */
  logAppendTime?: bigint;
}

export interface ReadResult {
  /** Whole batches, starting with the batch that contains the requested offset. */
  batches: Buffer[];
  /** Total bytes in `batches`. */
  size: number;
}

export interface TimestampLookup {
  offset: bigint;
  timestamp: bigint;
}

export interface PartitionLog {
  readonly topic: string;
  readonly partition: number;
  /** First offset still in the log. */
  readonly logStartOffset: bigint;
  /** Offset the next appended record will get (= high watermark on a single broker). */
  readonly logEndOffset: bigint;
  /** Total bytes of record data held. */
  readonly sizeBytes: number;

  /**
   * Appends one or more concatenated, already-validated v2 batches. Each batch's
   * baseOffset is patched in place to its assigned offset (the CRC does not cover
   * it). Synchronous: the bytes are handed to the OS (or memory) before it returns.
   * The log takes ownership of `batches`: it may keep the buffer itself (no copy)
   * when the buffer is most of its memory, so the caller must not change it later.
   */
  append(batches: Buffer, opts?: AppendOptions): AppendResult;

  /**
   * Reads whole batches from the one containing `offset`, up to `maxBytes`; the
   * first batch is returned even when larger than `maxBytes` if `minOneBatch`.
   * Offsets outside [logStartOffset, logEndOffset] are the caller's to check.
   * A disk backend reads into buffers from `alloc` when given (a ReadLease's,
   * see read-buffers.ts); batches held in memory are returned as they are.
   */
  read(offset: bigint, maxBytes: number, minOneBatch: boolean, alloc?: ReadAlloc): ReadResult;

  /**
   * Earliest offset whose batch max timestamp is >= timestamp, or null when none.
   * Batch-level: `offset` is that batch's base offset and `timestamp` its max
   * timestamp; callers needing the exact record decode that one batch.
   */
  offsetForTimestamp(timestamp: bigint): TimestampLookup | null;

  /**
   * The offset and timestamp of the record with the largest timestamp, or null when empty.
   * Batch-level like offsetForTimestamp: the base offset of the first batch holding it.
   */
  maxTimestamp(): TimestampLookup | null;

  /** Called after every append; returns an unsubscribe function. Used by long-poll fetch. */
  onAppend(listener: () => void): () => void;

  /**
   * The primitive behind DeleteRecords: raises the log start offset to `offset`
   * (at most the log end offset; never backwards), so the records below can no
   * longer be read; the offset may fall inside a batch. Durable when it returns
   * (the disk backend keeps a checkpoint and drops the segments left entirely
   * below). Returns the new log start offset. Optional member: both built-in
   * backends have it.
   */
  advanceLogStartOffset?(offset: bigint): bigint;
}

export interface LogStore {
  /** Loads (or creates) the store; recovers torn tails of on-disk segments. */
  open(): Promise<void>;
  /** Flushes and closes every file. */
  close(): Promise<void>;

  topics(): Iterable<TopicInfo>;
  topic(name: string): TopicInfo | undefined;
  topicById(topicId: string): TopicInfo | undefined;
  /** Throws if the topic exists. The topic metadata is durable when this resolves. */
  createTopic(name: string, opts: CreateTopicOptions): Promise<TopicInfo>;
  /** Removes the topic and its data; no-op if absent. */
  deleteTopic(name: string): Promise<void>;
  /** Replaces a topic's configs (durably). */
  setTopicConfigs(name: string, configs: TopicConfigs): Promise<void>;

  partition(topic: string, partition: number): PartitionLog | undefined;

  /**
   * Grows a topic to `totalCount` partitions (durably); throws if the topic is
   * unknown or the count does not grow. Optional member: both built-in backends have it.
   */
  createPartitions?(name: string, totalCount: number): Promise<TopicInfo>;

  /** fsyncs all active segments (flush policies, clean shutdown); the in-memory backend has none. */
  flush?(): void;
}
