import { describe, expect, it } from 'vitest';
import { ReadBufferPool } from '../../src/log/read-buffers.js';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('ReadBufferPool', () => {
  it('hands back exactly the size asked, as a view of a power-of-two pooled buffer', () => {
    const pool = new ReadBufferPool();
    const lease = pool.lease();
    const a = lease.alloc(100 * KiB);
    expect(a.length).toBe(100 * KiB);
    expect(a.buffer.byteLength).toBeGreaterThanOrEqual(128 * KiB);
    lease.release();
    expect(pool.pooledBytes).toBe(128 * KiB);
  });

  it('reuses a released buffer for the next lease of the same size class', () => {
    const pool = new ReadBufferPool();
    const first = pool.lease();
    const a = first.alloc(3 * MiB);
    a.fill(7);
    first.release();
    const second = pool.lease();
    const b = second.alloc(4 * MiB - 1); // same class (4 MiB)
    expect(b.buffer).toBe(a.buffer);
    expect(pool.pooledBytes).toBe(0);
  });

  it('never gives the same buffer to two leases at once', () => {
    const pool = new ReadBufferPool();
    const l1 = pool.lease();
    const l2 = pool.lease();
    const a = l1.alloc(MiB);
    const b = l2.alloc(MiB);
    expect(b.buffer).not.toBe(a.buffer);
    const c = l1.alloc(MiB);
    expect(c.buffer).not.toBe(a.buffer);
    l1.release();
    l2.release();
    expect(pool.pooledBytes).toBe(3 * MiB);
  });

  it('does not pool small or huge reads', () => {
    const pool = new ReadBufferPool();
    const lease = pool.lease();
    lease.alloc(1000);
    lease.alloc(40 * MiB);
    lease.release();
    expect(pool.pooledBytes).toBe(0);
  });

  it('keeps at most maxIdleBytes idle; the rest is left to the GC', () => {
    const pool = new ReadBufferPool(5 * MiB);
    const lease = pool.lease();
    for (let i = 0; i < 4; i++) lease.alloc(2 * MiB);
    lease.release();
    expect(pool.pooledBytes).toBe(4 * MiB);
  });

  it('evicts the longest-idle buffers so a new size class gets pooled too', () => {
    const pool = new ReadBufferPool(8 * MiB);
    const big = pool.lease();
    const b1 = big.alloc(4 * MiB);
    const b2 = big.alloc(4 * MiB);
    big.release(); // b1 returned first: it is the older idle buffer
    expect(pool.pooledBytes).toBe(8 * MiB);
    const small = pool.lease();
    const s1 = small.alloc(MiB);
    small.release();
    expect(pool.pooledBytes).toBe(5 * MiB); // b1 evicted, b2 and s1 idle
    const again = pool.lease();
    expect(again.alloc(MiB).buffer).toBe(s1.buffer);
    expect(again.alloc(4 * MiB).buffer).toBe(b2.buffer);
    expect(again.alloc(4 * MiB).buffer).not.toBe(b1.buffer);
  });

  it('release is idempotent, and a released lease allocates fresh memory', () => {
    const pool = new ReadBufferPool();
    const lease = pool.lease();
    const a = lease.alloc(MiB);
    lease.release();
    lease.release();
    expect(pool.pooledBytes).toBe(MiB);
    // A read after release (a long-poll fetch whose connection went away) must not take pooled memory back out.
    const late = lease.alloc(MiB);
    expect(late.buffer).not.toBe(a.buffer);
    expect(pool.pooledBytes).toBe(MiB);
    lease.release();
    expect(pool.pooledBytes).toBe(MiB);
  });
});
