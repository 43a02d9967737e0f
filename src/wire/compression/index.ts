/**
 * The four record compression codecs, by Kafka's codec id (attributes & 7):
 * 1 gzip, 2 snappy, 3 lz4, 4 zstd. The broker stores and serves batches as
 * the producer compressed them; these run only where semantics need the
 * records: recompression to a topic's `compression.type`, conversion to and
 * from the legacy message formats, exact ListOffsets answers, compaction.
 *
 * Each codec package is loaded on first use. All codecs decompress
 * synchronously at any time; zstd compression needs its WebAssembly module
 * loaded first (`codecReady`).
 */
import * as gzip from './gzip.js';
import * as lz4 from './lz4.js';
import * as snappy from './snappy.js';
import * as zstd from './zstd.js';

export { CodecNotReadyError } from './zstd.js';

export const Codec = { None: 0, Gzip: 1, Snappy: 2, Lz4: 3, Zstd: 4 } as const;
export type CodecId = (typeof Codec)[keyof typeof Codec];

const NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

export function codecName(codec: number): string {
  return NAMES[codec] ?? `unknown(${codec})`;
}

/**
 * The codec a topic's `compression.type` asks for: a codec id, or null for
 * `producer` (keep what the producer sent). Unknown values are null too
 * (configs are validated when they are set).
 */
export function codecForCompressionType(compressionType: string | undefined): CodecId | null {
  switch (compressionType) {
    case 'uncompressed':
      return Codec.None;
    case 'gzip':
      return Codec.Gzip;
    case 'snappy':
      return Codec.Snappy;
    case 'lz4':
      return Codec.Lz4;
    case 'zstd':
      return Codec.Zstd;
    default:
      return null;
  }
}

export interface CodecOptions {
  /**
   * The message format the data belongs to (2 when omitted). It matters for
   * lz4 only: magic 0 messages carry Kafka's old, broken frame descriptor
   * checksum, which is ignored on reading and written on writing.
   */
  magic?: number;
}

export class UnsupportedCodecError extends Error {
  constructor(readonly codec: number) {
    super(`unknown compression codec ${codec}`);
    this.name = 'UnsupportedCodecError';
  }
}

/** Decompresses `data` (a records section or a legacy wrapper's value). Throws on malformed input. */
export function decompress(codec: number, data: Buffer, opts: CodecOptions = {}): Buffer {
  switch (codec) {
    case Codec.None:
      return data;
    case Codec.Gzip:
      return gzip.decompress(data);
    case Codec.Snappy:
      return snappy.decompress(data);
    case Codec.Lz4:
      return lz4.decompress(data, { ignoreHeaderChecksum: opts.magic === 0 });
    case Codec.Zstd:
      return zstd.decompress(data);
    default:
      throw new UnsupportedCodecError(codec);
  }
}

/** Compresses `data` in a form every client reads (raw snappy, Kafka's lz4 frames, Kafka's default levels). */
export function compress(codec: number, data: Buffer, opts: CodecOptions = {}): Buffer {
  switch (codec) {
    case Codec.None:
      return data;
    case Codec.Gzip:
      return gzip.compress(data);
    case Codec.Snappy:
      return snappy.compress(data);
    case Codec.Lz4:
      return lz4.compress(data, { brokenHeaderChecksum: opts.magic === 0 });
    case Codec.Zstd:
      return zstd.compress(data);
    default:
      throw new UnsupportedCodecError(codec);
  }
}

/** null when `compress(codec, …)` can run now; otherwise a promise that resolves once it can. */
export function codecReady(codec: number): Promise<void> | null {
  return codec === Codec.Zstd ? zstd.ready() : null;
}
