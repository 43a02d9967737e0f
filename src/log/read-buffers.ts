/**
 * Reusable buffers for segment reads. A fetch from disk reads up to
 * `max.partition.fetch.bytes` per partition; a fresh buffer each time costs a
 * page fault per 4 KiB on first touch, an munmap on free and GC pressure from
 * external memory, which together cost more than the read itself. A fetch
 * instead takes a lease, reads into pooled buffers, and releases the lease once
 * the response has been written to the socket.
 *
 * Reuse is opt-in: reads without a lease allocate as before, so only callers
 * that know when their last use ends (the Fetch path) get recycled memory.
 */

/** Smaller reads allocate normally: malloc serves them from its heap, without fresh pages. */
const MIN_POOLED = 64 * 1024;
/** Larger reads are rare (one oversized batch); pooling them would pin a lot of memory for little gain. */
const MAX_POOLED = 32 * 1024 * 1024;
/** Default bound on the idle buffers kept; buffers in use are bounded by in-flight requests. */
export const DEFAULT_POOL_BYTES = 64 * 1024 * 1024;

/** Allocates a read buffer of exactly `size` bytes (a view of a pooled one when leased). */
export type ReadAlloc = (size: number) => Buffer;

export class ReadBufferPool {
  /** Idle buffers by size class (log2 of the length), most recently used last: its pages are the warmest. */
  private readonly free = new Map<number, Buffer[]>();
  /** All idle buffers, least recently returned first: evicted first when a return would pass the bound. */
  private readonly idle = new Set<Buffer>();
  private idleBytes = 0;
  /** Pooled-size requests served from an idle buffer, and by a new allocation. */
  reused = 0;
  allocated = 0;

  constructor(readonly maxIdleBytes = DEFAULT_POOL_BYTES) {}

  /** Bytes held idle in the pool. */
  get pooledBytes(): number {
    return this.idleBytes;
  }

  lease(): ReadLease {
    return new ReadLease(this);
  }

  /** @internal A buffer of at least `size` bytes, or null when `size` is not pooled. */
  take(size: number): Buffer | null {
    if (size < MIN_POOLED || size > MAX_POOLED) return null;
    const cls = 32 - Math.clz32(size - 1); // ceil(log2(size))
    const buf = this.free.get(cls)?.pop();
    if (buf) {
      this.idle.delete(buf);
      this.idleBytes -= buf.length;
      this.reused++;
      return buf;
    }
    this.allocated++;
    return Buffer.allocUnsafeSlow(2 ** cls);
  }

  /** @internal Returns a buffer from `take`, evicting the longest-idle ones beyond the bound (to the GC). */
  give(buf: Buffer): void {
    if (buf.length > this.maxIdleBytes) return;
    while (this.idleBytes + buf.length > this.maxIdleBytes) {
      const oldest = this.idle.values().next().value!;
      this.idle.delete(oldest);
      const list = this.free.get(classOf(oldest))!;
      list.splice(list.indexOf(oldest), 1);
      this.idleBytes -= oldest.length;
    }
    const cls = classOf(buf);
    let list = this.free.get(cls);
    if (!list) this.free.set(cls, (list = []));
    list.push(buf);
    this.idle.add(buf);
    this.idleBytes += buf.length;
  }
}

const classOf = (buf: Buffer): number => 31 - Math.clz32(buf.length);

/**
 * The buffers one response reads into. `release()` hands them back; after that
 * the lease allocates plainly, so a late read (a long-poll fetch whose
 * connection closed meanwhile) never writes into a buffer someone else holds.
 */
export class ReadLease {
  private held: Buffer[] = [];
  private released = false;

  constructor(private readonly pool: ReadBufferPool) {}

  readonly alloc: ReadAlloc = (size) => {
    const buf = this.released ? null : this.pool.take(size);
    if (buf === null) return Buffer.allocUnsafe(size);
    this.held.push(buf);
    return buf.subarray(0, size);
  };

  /** Call only when no slice of the leased buffers will be read again (the socket write completed). */
  readonly release = (): void => {
    if (this.released) return;
    this.released = true;
    for (const buf of this.held) this.pool.give(buf);
    this.held = [];
  };
}

/** One pool per process: brokers in one process (tests, simulated clusters) share the idle memory. */
export const readBuffers = new ReadBufferPool();
