/**
 * Committed offsets per (group, topic, partition), in memory, written through
 * to `__consumer_offsets` (OffsetCommitKey/Value records; tombstones on
 * delete) by the sink the coordinator provides. Replaying those records
 * rebuilds the same state on start-up.
 */
import { offsetCommitKey, offsetCommitValue, type OffsetAndMetadata } from './offsets-topic.js';

export interface OffsetsRecord {
  key: Buffer;
  value: Buffer | null;
}

/** Persists a group's records (synchronously; throws when the write fails). */
export type OffsetsSink = (groupId: string, records: OffsetsRecord[]) => void;

export interface OffsetCommit {
  topic: string;
  partition: number;
  value: OffsetAndMetadata;
}

export type TopicOffsets = ReadonlyMap<number, OffsetAndMetadata>;
export type GroupOffsets = ReadonlyMap<string, TopicOffsets>;

export class OffsetStore {
  private readonly byGroup = new Map<string, Map<string, Map<number, OffsetAndMetadata>>>();

  constructor(private readonly sink: OffsetsSink) {}

  get(groupId: string, topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.byGroup.get(groupId)?.get(topic)?.get(partition);
  }

  /** All committed offsets of a group, by topic then partition (undefined when none). */
  group(groupId: string): GroupOffsets | undefined {
    return this.byGroup.get(groupId);
  }

  hasOffsets(groupId: string): boolean {
    return this.byGroup.has(groupId);
  }

  groupIds(): IterableIterator<string> {
    return this.byGroup.keys();
  }

  /** Writes the commits (one batch) and applies them once written. */
  commit(groupId: string, commits: readonly OffsetCommit[]): void {
    if (commits.length === 0) return;
    this.sink(
      groupId,
      commits.map((c) => ({ key: offsetCommitKey(groupId, c.topic, c.partition), value: offsetCommitValue(c.value) })),
    );
    for (const c of commits) this.apply(groupId, c.topic, c.partition, c.value);
  }

  /** Deletes the given partitions' offsets (tombstones); returns how many existed. */
  delete(groupId: string, partitions: readonly { topic: string; partition: number }[]): number {
    const existing = partitions.filter((p) => this.get(groupId, p.topic, p.partition) !== undefined);
    if (existing.length === 0) return 0;
    this.sink(
      groupId,
      existing.map((p) => ({ key: offsetCommitKey(groupId, p.topic, p.partition), value: null })),
    );
    for (const p of existing) this.apply(groupId, p.topic, p.partition, null);
    return existing.length;
  }

  /** Deletes every offset of the group (DeleteGroups). */
  deleteGroup(groupId: string): number {
    return this.delete(groupId, this.partitionsOf(groupId));
  }

  /** Deletes every group's offsets for the topics `keep` rejects (deleted topics), as Kafka's onPartitionsDeleted. */
  deleteTopics(isGone: (topic: string) => boolean): void {
    for (const groupId of [...this.byGroup.keys()]) {
      const gone = this.partitionsOf(groupId).filter((p) => isGone(p.topic));
      if (gone.length > 0) this.delete(groupId, gone);
    }
  }

  partitionsOf(groupId: string): { topic: string; partition: number; value: OffsetAndMetadata }[] {
    const out: { topic: string; partition: number; value: OffsetAndMetadata }[] = [];
    for (const [topic, parts] of this.byGroup.get(groupId) ?? []) for (const [partition, value] of parts) out.push({ topic, partition, value });
    return out;
  }

  /** Applies a replayed (or just written) record; null deletes. */
  apply(groupId: string, topic: string, partition: number, value: OffsetAndMetadata | null): void {
    if (value !== null) {
      let topics = this.byGroup.get(groupId);
      if (!topics) this.byGroup.set(groupId, (topics = new Map()));
      let parts = topics.get(topic);
      if (!parts) topics.set(topic, (parts = new Map()));
      parts.set(partition, value);
      return;
    }
    const topics = this.byGroup.get(groupId);
    const parts = topics?.get(topic);
    if (!topics || !parts) return;
    parts.delete(partition);
    if (parts.size === 0) topics.delete(topic);
    if (topics.size === 0) this.byGroup.delete(groupId);
  }
}
