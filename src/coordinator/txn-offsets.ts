/**
 * Transactional offset commits (TxnOffsetCommit) between their write and the
 * transaction's end. They are records of `__consumer_offsets` in transactional
 * batches, as in Kafka, and only become committed offsets when the commit
 * marker reaches that partition; an abort marker drops them. Until then
 * OffsetFetch with `require_stable` answers UNSTABLE_OFFSET_COMMIT for them.
 *
 * On start-up the group coordinator hands this module the transactional
 * batches and markers it meets while replaying `__consumer_offsets`, in log
 * order, so a restart keeps pending commits pending and applies committed ones
 * at the marker's place in the log.
 */
import { BatchView, decodeRecords } from '../wire/record-batch.js';
import type { OffsetCommit } from './offset-store.js';
import { decodeOffsetsRecord, type OffsetAndMetadata } from './offsets-topic.js';
import { readMarker } from './producer-state.js';

interface PendingCommit {
  /** Partition of `__consumer_offsets` the records went to. */
  offsetsPartition: number;
  group: string;
  topic: string;
  partition: number;
  value: OffsetAndMetadata;
}

export type ApplyOffset = (group: string, topic: string, partition: number, value: OffsetAndMetadata) => void;

export class PendingTxnOffsets {
  private readonly byProducer = new Map<bigint, PendingCommit[]>();
  /** group -> "topic\0partition" -> number of pending commits. */
  private readonly pending = new Map<string, Map<string, number>>();

  constructor(private readonly apply: ApplyOffset) {}

  add(producerId: bigint, offsetsPartition: number, group: string, commits: readonly OffsetCommit[]): void {
    let list = this.byProducer.get(producerId);
    if (!list) this.byProducer.set(producerId, (list = []));
    for (const c of commits) {
      list.push({ offsetsPartition, group, topic: c.topic, partition: c.partition, value: c.value });
      let g = this.pending.get(group);
      if (!g) this.pending.set(group, (g = new Map()));
      const k = `${c.topic}\0${c.partition}`;
      g.set(k, (g.get(k) ?? 0) + 1);
    }
  }

  /** A marker of `producerId` reached `offsetsPartition`: commit (apply) or abort (drop) its pending offsets there. */
  complete(producerId: bigint, offsetsPartition: number, commit: boolean): void {
    const list = this.byProducer.get(producerId);
    if (!list) return;
    const keep: PendingCommit[] = [];
    for (const p of list) {
      if (p.offsetsPartition !== offsetsPartition) {
        keep.push(p);
        continue;
      }
      this.unmark(p);
      if (commit) this.apply(p.group, p.topic, p.partition, p.value);
    }
    if (keep.length > 0) this.byProducer.set(producerId, keep);
    else this.byProducer.delete(producerId);
  }

  isPending(group: string, topic: string, partition: number): boolean {
    return (this.pending.get(group)?.get(`${topic}\0${partition}`) ?? 0) > 0;
  }

  hasPending(group: string): boolean {
    return this.pending.has(group);
  }

  /** Replay of one transactional batch or marker of `__consumer_offsets` (called by the group coordinator). */
  replayBatch(offsetsPartition: number, batch: Buffer): void {
    const view = new BatchView(batch);
    const producerId = view.producerId;
    if (producerId < 0n) return;
    if (view.isControl) {
      const marker = readMarker(batch);
      if (marker) this.complete(producerId, offsetsPartition, marker.commit);
      return;
    }
    const byGroup = new Map<string, OffsetCommit[]>();
    for (const r of decodeRecords(batch)) {
      if (r.key === null) continue;
      const rec = decodeOffsetsRecord(r.key, r.value);
      if (rec.type !== 'offset' || rec.value === null) continue;
      let l = byGroup.get(rec.group);
      if (!l) byGroup.set(rec.group, (l = []));
      l.push({ topic: rec.topic, partition: rec.partition, value: rec.value });
    }
    for (const [group, commits] of byGroup) this.add(producerId, offsetsPartition, group, commits);
  }

  private unmark(p: PendingCommit): void {
    const g = this.pending.get(p.group);
    if (!g) return;
    const k = `${p.topic}\0${p.partition}`;
    const n = (g.get(k) ?? 0) - 1;
    if (n > 0) g.set(k, n);
    else g.delete(k);
    if (g.size === 0) this.pending.delete(p.group);
  }
}
