import { BatchView } from '../wire/record-batch.js';
import type { PartitionLog } from './types.js';

/**
 * Every batch of a partition from its log start, in order, read 1 MiB at a
 * time: the start-up replay of internal topics. `from` is the first offset the
 * caller has not seen yet (records below it in the first batch are older than
 * the log start and must be skipped).
 */
export function* scanBatches(log: PartitionLog): Generator<{ view: BatchView; from: bigint }> {
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { batches } = log.read(offset, 1 << 20, true);
    if (batches.length === 0) return;
    const before = offset;
    for (const b of batches) {
      const view = new BatchView(b);
      if (view.lastOffset < offset) continue;
      yield { view, from: offset };
      offset = view.lastOffset + 1n;
    }
    if (offset === before) return;
  }
}
