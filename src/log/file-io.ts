/**
 * Small synchronous file helpers. The log appends and reads with positional
 * syscalls so that the logical size kept in memory, not the file's current
 * length, decides where bytes go (a failed partial write is simply overwritten).
 */
import fs from 'node:fs';
import path from 'node:path';

/** Reads until `buf` is full or EOF; returns the bytes read. */
export function readFully(fd: number, buf: Buffer, position: number): number {
  let done = 0;
  while (done < buf.length) {
    const n = fs.readSync(fd, buf, done, buf.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Reads `length` bytes at `position` into a new buffer, or one from `alloc` (shorter at EOF). */
export function readAt(fd: number, position: number, length: number, alloc: (size: number) => Buffer = Buffer.allocUnsafe): Buffer {
  const buf = alloc(length);
  const n = readFully(fd, buf, position);
  return n === length ? buf : buf.subarray(0, n);
}

/** Writes all of `buf` at `position` (writeSync may write less than asked). */
export function writeFully(fd: number, buf: Uint8Array, position: number): void {
  let done = 0;
  while (done < buf.length) {
    done += fs.writeSync(fd, buf, done, buf.length - done, position + done);
  }
}

/** Makes a rename or file creation inside `dir` durable. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms/filesystems refuse fsync on directories; the data itself is already synced.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Replaces `file` atomically: write a temp file, fsync it, rename over, fsync the directory. */
export async function writeFileAtomic(file: string, data: string | Buffer): Promise<void> {
  const tmp = `${file}.tmp`;
  const fh = await fs.promises.open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(tmp, file);
  fsyncDir(path.dirname(file));
}

/** writeFileAtomic, synchronously (small checkpoint files written from synchronous log code). */
export function writeFileAtomicSync(file: string, data: string | Buffer): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    writeFully(fd, typeof data === 'string' ? Buffer.from(data) : data, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}
