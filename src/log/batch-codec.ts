/**
 * Record compression as the log's maintenance needs it (compaction and the
 * key check of compacted topics look inside compressed batches). Codecs come
 * from `src/wire/compression`. A batch whose codec cannot run right now
 * (zstd compression loads its WebAssembly module on first use) is simply
 * left as it is by the cleaner until a later pass.
 */
import { codecReady, compress, decompress } from '../wire/compression/index.js';

/** Decompresses a batch's records section; throws on malformed data or an unknown codec. */
export function decompressRecords(codec: number, data: Buffer): Buffer {
  return decompress(codec, data);
}

/** Whether `compressRecords(codec, …)` can run synchronously now; starts loading the codec when not. */
export function canCompress(codec: number): boolean {
  const pending = codecReady(codec);
  if (pending === null) return true;
  pending.catch(() => {});
  return false;
}

export function compressRecords(codec: number, data: Buffer): Buffer {
  return compress(codec, data);
}
