// What the broker actually stored, read back over the raw protocol: compat tests
// cross-check what a client reports against these.
import { expect } from 'vitest';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { splitBatches, type BatchView } from '../../src/wire/record-batch.js';
import type { RawClient } from './raw-client.js';

/** Every batch stored in a partition, control batches included, as stored (raw Fetch v11 from offset 0, read_uncommitted). */
export async function storedBatches(raw: RawClient, topic: string, partition: number): Promise<BatchView[]> {
  const out: BatchView[] = [];
  let offset = 0n;
  for (let i = 0; i < 100; i++) {
    const res = await raw.request(1, 11, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 64 * 1024 * 1024, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1n, partitionMaxBytes: 16 * 1024 * 1024 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    const p = res.responses[0].partitions[0];
    expect(p.errorCode).toBe(ErrorCode.NONE);
    const split = splitBatches(p.records ?? Buffer.alloc(0));
    if ('error' in split) throw new Error(split.message);
    if (split.batches.length === 0) break;
    out.push(...split.batches);
    offset = split.batches.at(-1)!.lastOffset + 1n;
    if (offset >= p.highWatermark) break;
  }
  return out;
}

/** Committed offsets of `group` for partitions 0..n-1 of `topic`, by partition (raw OffsetFetch v5; -1 = none). */
export async function committedOffsets(raw: RawClient, group: string, topic: string, n: number): Promise<bigint[]> {
  const res = await raw.request(9, 5, { groupId: group, topics: [{ name: topic, partitionIndexes: [...Array(n).keys()] }], requireStable: false });
  expect(res.errorCode).toBe(ErrorCode.NONE);
  const parts = res.topics[0].partitions as { partitionIndex: number; committedOffset: bigint; errorCode: number }[];
  for (const p of parts) expect(p.errorCode).toBe(ErrorCode.NONE);
  return [...parts].sort((a, b) => a.partitionIndex - b.partitionIndex).map((p) => p.committedOffset);
}
