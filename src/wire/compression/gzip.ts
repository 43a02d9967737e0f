/**
 * gzip (codec 1): RFC 1952 streams, as Java's GZIPOutputStream, librdkafka and
 * kafkajs write them. node:zlib, so no package, loaded on first use like the
 * other codecs (start-up does not need it). Decompression accepts concatenated
 * members, which RFC 1952 allows.
 */
import { lazyModule } from './native.js';

const zlib = lazyModule<typeof import('node:zlib')>('node:zlib');

/** Kafka's default `compression.gzip.level` (-1) is Deflater's default, 6. */
export const GZIP_DEFAULT_LEVEL = 6;

export function compress(data: Buffer, level = GZIP_DEFAULT_LEVEL): Buffer {
  return zlib().gzipSync(data, { level });
}

export function decompress(data: Buffer): Buffer {
  // Z_SYNC_FLUSH tolerates a missing trailer, as Java's GZIPInputStream does for a stream cut after the last block.
  return zlib().gunzipSync(data, { finishFlush: zlib().constants.Z_SYNC_FLUSH });
}
