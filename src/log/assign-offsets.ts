/**
 * Offset assignment shared by both backends: walks the already-validated
 * batches of one append, patches each baseOffset in place (outside the CRC)
 * and, for LogAppendTime topics, the timestamp type and maxTimestamp. Only
 * headers are read; records are never decoded.
 */
import {
  BATCH_HEADER_SIZE,
  CURRENT_MAGIC,
  LAST_OFFSET_DELTA_OFFSET,
  MAGIC_OFFSET,
  batchSizeAt,
  maxTimestampAt,
  setBaseOffset,
  setLogAppendTime,
} from '../wire/record-batch.js';

export interface AppendedBatch {
  /** Position of the batch inside the appended chunk. */
  pos: number;
  size: number;
  baseOffset: bigint;
  lastOffset: bigint;
  maxTimestamp: bigint;
}

/**
 * Assigns offsets from `nextOffset` on. Throws on bytes that are not a
 * sequence of whole v2 batches: callers validate with splitBatches first, and
 * the check here only keeps a bug upstream from corrupting the log.
 */
export function assignOffsets(chunk: Buffer, nextOffset: bigint, logAppendTime?: bigint): AppendedBatch[] {
  const out: AppendedBatch[] = [];
  let pos = 0;
  let next = nextOffset;
  while (pos < chunk.length) {
    if (chunk.length - pos < BATCH_HEADER_SIZE) throw new Error(`append: truncated batch header at byte ${pos}`);
    const size = batchSizeAt(chunk, pos);
    const lastOffsetDelta = chunk.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
    if (size < BATCH_HEADER_SIZE || pos + size > chunk.length || chunk[pos + MAGIC_OFFSET] !== CURRENT_MAGIC || lastOffsetDelta < 0) {
      throw new Error(`append: malformed record batch at byte ${pos}`);
    }
    setBaseOffset(chunk, next, pos);
    if (logAppendTime !== undefined) setLogAppendTime(chunk, logAppendTime, pos);
    const lastOffset = next + BigInt(lastOffsetDelta);
    out.push({ pos, size, baseOffset: next, lastOffset, maxTimestamp: maxTimestampAt(chunk, pos) });
    next = lastOffset + 1n;
    pos += size;
  }
  return out;
}
