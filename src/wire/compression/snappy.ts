/**
 * Snappy (codec 2). Two framings reach a Kafka broker:
 *  - Java clients write snappy-java's "xerial" stream: the 8-byte magic
 *    0x82 'SNAPPY' 0x00, two big-endian int32 versions (1 and 1), then
 *    blocks, each an int32 big-endian length followed by a raw snappy block.
 *  - librdkafka, kafkajs (kafkajs-snappy), sarama, franz-go and
 *    @platformatic/kafka write one raw snappy block.
 * Decompression detects the magic header and takes either. Compression
 * writes a raw block by default: every client reads it (snappy-java's
 * SnappyInputStream falls back to raw data without the header, librdkafka,
 * kafkajs-snappy, sarama and franz-go detect the header), while
 * @platformatic/kafka reads raw blocks only. The xerial framing is available
 * for tests and tools. The block codec is the `snappy` package (napi-rs
 * bindings to the Rust snap crate, shipped prebuilt per platform).
 */
import { lazyModule } from './native.js';

interface SnappyModule {
  compressSync(input: Uint8Array): Buffer;
  uncompressSync(input: Uint8Array, opts: { asBuffer: true }): Buffer;
}

const snappy = lazyModule<SnappyModule>('snappy');

export const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
/** Magic, version, compatible version. */
export const XERIAL_HEADER_SIZE = 16;
/** snappy-java's default block size (SnappyOutputStream). */
export const XERIAL_BLOCK_SIZE = 32 * 1024;

export function isXerial(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

export function decompress(data: Buffer): Buffer {
  if (!isXerial(data)) return uncompressBlock(data);
  const parts: Buffer[] = [];
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new Error(`snappy: truncated xerial block length at byte ${pos}`);
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > data.length) throw new Error(`snappy: xerial block of ${len} bytes at byte ${pos - 4} exceeds the ${data.length - pos} bytes left`);
    parts.push(uncompressBlock(data.subarray(pos, pos + len)));
    pos += len;
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** One raw snappy block, or the xerial framing (what Kafka's Java code writes) when `xerial`. */
export function compress(data: Buffer, xerial = false): Buffer {
  if (!xerial) return snappy().compressSync(data);
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  const parts: Buffer[] = [header];
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_SIZE) {
    const block = snappy().compressSync(data.subarray(pos, Math.min(data.length, pos + XERIAL_BLOCK_SIZE)));
    const len = Buffer.alloc(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

function uncompressBlock(block: Buffer): Buffer {
  return snappy().uncompressSync(block, { asBuffer: true });
}
