// Legacy (magic 0/1) message-set entries written out by hand, field by field, with
// zlib's CRC-32: independent of the broker's encoder and of the crc-32 package.
import * as zlib from 'node:zlib';

/** offset | size | crc | magic | attributes | [timestamp (magic 1; null = -1)] | key | value. */
export function handMessage(offset: bigint, magic: 0 | 1, attributes: number, timestamp: bigint | null, key: Buffer | null, value: Buffer | null): Buffer {
  const parts: Buffer[] = [Buffer.from([magic, attributes])];
  if (magic === 1) {
    const ts = Buffer.alloc(8);
    ts.writeBigInt64BE(timestamp ?? -1n);
    parts.push(ts);
  }
  for (const x of [key, value]) {
    const len = Buffer.alloc(4);
    len.writeInt32BE(x === null ? -1 : x.length);
    parts.push(len);
    if (x) parts.push(x);
  }
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(16);
  head.writeBigInt64BE(offset, 0);
  head.writeInt32BE(4 + body.length, 8);
  head.writeUInt32BE(zlib.crc32(body), 12);
  return Buffer.concat([head, body]);
}
