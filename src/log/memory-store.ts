/**
 * In-memory backend (`--in-memory` and tests). Each partition is a BatchList
 * without a byte limit; appended bytes are kept, or copied when they are a
 * small part of a larger request frame (see retain.ts).
 */
import type { Logger } from 'pino';
import { assignOffsets } from './assign-offsets.js';
import { AppendListeners } from './append-listeners.js';
import { BatchList } from './batch-list.js';
import { checkGrowth, makeTopicInfo, TopicTable, UnknownTopicError, withConfigs, withPartitionCount } from './topic-table.js';
import { retain } from './retain.js';
import type {
  AppendOptions,
  AppendResult,
  CreateTopicOptions,
  LogStore,
  PartitionLog,
  ReadResult,
  TimestampLookup,
  TopicConfigs,
  TopicInfo,
} from './types.js';

export class MemoryPartitionLog implements PartitionLog {
  private readonly list = new BatchList();

  /** Calls the onAppend listeners without an append (the partition went away). */
  wakeListeners(): void {
    this.listeners.notify((err) => this.logger?.error({ err, topic: this.topic, partition: this.partition }, 'onAppend listener failed'));
  }
  /** runningMax[i] = max maxTimestamp of batches 0..i: non-decreasing, so timestamp searches can bisect. */
  private readonly runningMax: bigint[] = [];
  private maxIndex = -1; // first batch holding the largest timestamp
  private next = 0n;
  private readonly listeners = new AppendListeners();

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly logger?: Logger,
  ) {}

  get logStartOffset(): bigint {
    return this.list.first?.baseOffset ?? this.next;
  }
  get logEndOffset(): bigint {
    return this.next;
  }
  get sizeBytes(): number {
    return this.list.bytes;
  }

  append(batches: Buffer, opts?: AppendOptions): AppendResult {
    const baseOffset = this.next;
    if (batches.length === 0) return { baseOffset, logEndOffset: baseOffset };
    const appended = assignOffsets(batches, baseOffset, opts?.logAppendTime);
    const copy = retain(batches);
    for (const b of appended) {
      const i = this.list.length;
      const prevMax = i > 0 ? this.runningMax[i - 1]! : -1n;
      if (this.maxIndex < 0 || b.maxTimestamp > prevMax) this.maxIndex = i;
      this.runningMax.push(b.maxTimestamp > prevMax ? b.maxTimestamp : prevMax);
      this.list.push({ baseOffset: b.baseOffset, lastOffset: b.lastOffset, maxTimestamp: b.maxTimestamp, buf: copy.subarray(b.pos, b.pos + b.size) });
    }
    this.next = appended[appended.length - 1]!.lastOffset + 1n;
    this.listeners.notify((err) => this.logger?.error({ err, topic: this.topic, partition: this.partition }, 'onAppend listener failed'));
    return { baseOffset, logEndOffset: this.next };
  }

  read(offset: bigint, maxBytes: number, minOneBatch: boolean): ReadResult {
    return this.list.read(offset, maxBytes, minOneBatch);
  }

  offsetForTimestamp(timestamp: bigint): TimestampLookup | null {
    let lo = 0;
    let hi = this.runningMax.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.runningMax[mid]! < timestamp) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= this.list.length) return null;
    const b = this.list.at(lo);
    return { offset: b.baseOffset, timestamp: b.maxTimestamp };
  }

  maxTimestamp(): TimestampLookup | null {
    if (this.maxIndex < 0) return null;
    const b = this.list.at(this.maxIndex);
    return { offset: b.baseOffset, timestamp: b.maxTimestamp };
  }

  onAppend(listener: () => void): () => void {
    return this.listeners.add(listener);
  }
}

export class MemoryLogStore implements LogStore {
  private readonly table = new TopicTable<MemoryPartitionLog>();

  constructor(private readonly logger?: Logger) {}

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  topics(): Iterable<TopicInfo> {
    return this.table.infos();
  }
  topic(name: string): TopicInfo | undefined {
    return this.table.info(name);
  }
  topicById(topicId: string): TopicInfo | undefined {
    return this.table.infoById(topicId);
  }

  async createTopic(name: string, opts: CreateTopicOptions): Promise<TopicInfo> {
    const info = makeTopicInfo(name, opts);
    this.table.reserve(info);
    this.table.add(info, partitionLogs(name, 0, info.numPartitions, this.logger));
    return info;
  }

  async deleteTopic(name: string): Promise<void> {
    const entry = this.table.remove(name);
    // Wake long polls parked on the deleted partitions.
    for (const p of entry?.partitions ?? []) p.wakeListeners();
  }

  async setTopicConfigs(name: string, configs: TopicConfigs): Promise<void> {
    const info = this.table.info(name);
    if (!info) throw new UnknownTopicError(name);
    this.table.update(withConfigs(info, configs));
  }

  async createPartitions(name: string, totalCount: number): Promise<TopicInfo> {
    const info = this.table.info(name);
    const existing = this.table.partitions(name);
    if (!info || !existing) throw new UnknownTopicError(name);
    checkGrowth(info, totalCount);
    const next = withPartitionCount(info, totalCount);
    this.table.update(next, [...existing, ...partitionLogs(name, existing.length, totalCount, this.logger)]);
    return next;
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.table.partition(topic, partition);
  }
}

function partitionLogs(topic: string, from: number, to: number, logger: Logger | undefined): MemoryPartitionLog[] {
  const out: MemoryPartitionLog[] = [];
  for (let i = from; i < to; i++) out.push(new MemoryPartitionLog(topic, i, logger));
  return out;
}
