/**
 * LZ4 (codec 3): the LZ4 frame format (magic 0x184D2204, a frame descriptor,
 * blocks, an end mark), https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md.
 *
 * Kafka's quirk: before message format v1 (KIP-57), Kafka computed the frame
 * descriptor checksum (HC) over the magic number too. Kafka therefore ignores
 * HC when reading magic 0 messages and writes the "broken" HC when it writes
 * them (KafkaLZ4BlockInputStream/OutputStream); magic 1 and record batches v2
 * use the correct one. Both directions are options here.
 *
 * The frame codec is `lz4-napi` (napi-rs bindings to the Rust lz4_flex crate,
 * shipped prebuilt per platform); it reads every frame variant clients send
 * (content size, content checksum, block checksums, 64 KiB–4 MiB blocks) and
 * writes independent blocks, which Kafka's Java decoder requires.
 */
import { lazyModule } from './native.js';
import { xxhash32 } from './xxhash32.js';

interface Lz4Module {
  compressFrameSync(data: Buffer): Buffer;
  decompressFrameSync(data: Buffer): Buffer;
}

const lz4 = lazyModule<Lz4Module>('lz4-napi');

export const LZ4_MAGIC = 0x184d2204;
const FLG_CONTENT_SIZE = 0x08;
const FLG_DICT_ID = 0x01;

export interface Lz4DecompressOptions {
  /** Accept any frame descriptor checksum (Kafka does so for magic 0 messages). */
  ignoreHeaderChecksum?: boolean;
}

export interface Lz4CompressOptions {
  /** Write the pre-KIP-57 checksum over magic + descriptor (Kafka does so for magic 0 messages). */
  brokenHeaderChecksum?: boolean;
}

/** Position of the HC byte: after the magic, FLG, BD and the optional content size and dictionary id. */
export function headerChecksumPos(frame: Buffer): number {
  if (frame.length < 7 || frame.readUInt32LE(0) !== LZ4_MAGIC) throw new Error('lz4: not an LZ4 frame (bad magic number)');
  const flg = frame[4]!;
  let pos = 6;
  if (flg & FLG_CONTENT_SIZE) pos += 8;
  if (flg & FLG_DICT_ID) pos += 4;
  if (pos >= frame.length) throw new Error('lz4: truncated frame descriptor');
  return pos;
}

/** The HC byte: second byte of XXH32 over the descriptor (or, broken, over magic + descriptor). */
export function headerChecksum(frame: Buffer, broken = false): number {
  const pos = headerChecksumPos(frame);
  return (xxhash32(frame.subarray(broken ? 0 : 4, pos)) >>> 8) & 0xff;
}

export function decompress(data: Buffer, opts: Lz4DecompressOptions = {}): Buffer {
  const pos = headerChecksumPos(data);
  const correct = headerChecksum(data);
  if (data[pos] !== correct) {
    if (!opts.ignoreHeaderChecksum) throw new Error('lz4: frame descriptor checksum mismatch');
    const patched = Buffer.from(data);
    patched[pos] = correct;
    data = patched;
  }
  return lz4().decompressFrameSync(data);
}

export function compress(data: Buffer, opts: Lz4CompressOptions = {}): Buffer {
  const frame = lz4().compressFrameSync(data);
  if (opts.brokenHeaderChecksum) frame[headerChecksumPos(frame)] = headerChecksum(frame, true);
  return frame;
}
