/**
 * Bytes a log keeps after the request that carried them is gone. A batch that
 * fills most of its underlying memory (the framer gives large frames their own
 * allocation) is kept as is; a small slice of a larger buffer (a socket chunk,
 * a frame holding many partitions) is copied so it does not pin the rest.
 */
export function retain(buf: Buffer): Buffer {
  if (buf.byteLength >= buf.buffer.byteLength / 2) return buf;
  const copy = Buffer.allocUnsafeSlow(buf.length);
  buf.copy(copy);
  return copy;
}
