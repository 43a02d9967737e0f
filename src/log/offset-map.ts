/**
 * The compaction cleaner's key → latest offset map, after Kafka's
 * SkinnyOffsetMap: a fixed block of memory (`log.cleaner.dedupe.buffer.size`)
 * of open-addressing slots, each a 128-bit hash of the key and an offset, so
 * the memory a cleaning pass uses does not depend on key sizes or on the
 * partition size. Keys are hashed with MurmurHash3 x86_128 (Kafka uses MD5;
 * what matters is that a collision, which would drop a record, is
 * negligible). When the map reaches its load limit the pass stops there and
 * the rest of the dirty log waits for the next pass.
 */

const SLOT_WORDS = 6; // four uint32 of hash, one float64 of offset (= two words)
const SLOT_BYTES = SLOT_WORDS * 4;
const EMPTY = -1;

export class OffsetMap {
  readonly slots: number;
  /** Entries allowed before the map counts as full (Kafka's dedupe load factor). */
  readonly maxEntries: number;
  private readonly hashes: Uint32Array;
  private readonly offsets: Float64Array;
  private count = 0;
  /** Largest offset put since the last clear (-1 when none). */
  latestOffset = -1;
  /** The hash of the last key given to hashKey(). */
  readonly h = new Uint32Array(4);

  constructor(bytes: number, loadFactor = 0.8) {
    this.slots = Math.max(16, Math.floor(bytes / SLOT_BYTES));
    this.maxEntries = Math.max(1, Math.floor(this.slots * loadFactor));
    const mem = new ArrayBuffer(this.slots * SLOT_BYTES);
    this.hashes = new Uint32Array(mem);
    // Aliases the same memory: slot i's offset is offsets[i * 3 + 2] (its words 4-5).
    this.offsets = new Float64Array(mem);
    this.clear();
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    const off = this.offsets;
    for (let i = 0; i < this.slots; i++) off[i * 3 + 2] = EMPTY;
    this.count = 0;
    this.latestOffset = -1;
  }

  /** Hashes `key[start, end)` into `this.h`. */
  hashKey(key: Buffer, start = 0, end = key.length): Uint32Array {
    murmur3x86_128(key, start, end, this.h);
    return this.h;
  }

  /** Records `offset` as the latest for the key whose hash is `h`; returns false when full. */
  putHash(h: ArrayLike<number>, offset: number): boolean {
    const slot = this.find(h[0]!, h[1]!, h[2]!, h[3]!);
    const oi = slot * 3 + 2;
    if (this.offsets[oi] === EMPTY) {
      if (this.count >= this.maxEntries) return false;
      const w = slot * SLOT_WORDS;
      this.hashes[w] = h[0]!;
      this.hashes[w + 1] = h[1]!;
      this.hashes[w + 2] = h[2]!;
      this.hashes[w + 3] = h[3]!;
      this.count++;
      this.offsets[oi] = offset;
    } else if (offset > this.offsets[oi]!) {
      this.offsets[oi] = offset;
    }
    if (offset > this.latestOffset) this.latestOffset = offset;
    return true;
  }

  put(key: Buffer, offset: number): boolean {
    return this.putHash(this.hashKey(key), offset);
  }

  /** The offset stored for the hash `h`, or -1. */
  getHash(h: ArrayLike<number>): number {
    return this.offsets[this.find(h[0]!, h[1]!, h[2]!, h[3]!) * 3 + 2]!;
  }

  get(key: Buffer, start = 0, end = key.length): number {
    return this.getHash(this.hashKey(key, start, end));
  }

  /** The slot holding this hash, or the empty slot where it would go (linear probing). */
  private find(a: number, b: number, c: number, d: number): number {
    const n = this.slots;
    const hs = this.hashes;
    const off = this.offsets;
    let slot = a % n;
    for (;;) {
      if (off[slot * 3 + 2] === EMPTY) return slot;
      const w = slot * SLOT_WORDS;
      if (hs[w] === a && hs[w + 1] === b && hs[w + 2] === c && hs[w + 3] === d) return slot;
      slot = slot + 1 === n ? 0 : slot + 1;
    }
  }
}

// ---------------------------------------------------------------------------
// MurmurHash3, x86 128-bit variant (Austin Appleby, public domain), seed 0.

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function word(b: Buffer, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

export function murmur3x86_128(data: Buffer, start: number, end: number, out: Uint32Array): void {
  const len = end - start;
  const blocksEnd = start + (len & ~15);
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let h4 = 0;
  for (let i = start; i < blocksEnd; i += 16) {
    let k1 = word(data, i);
    let k2 = word(data, i + 4);
    let k3 = word(data, i + 8);
    let k4 = word(data, i + 12);
    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2);
    h1 ^= k1;
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3);
    h2 ^= k2;
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4);
    h3 ^= k3;
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1);
    h4 ^= k4;
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  const t = blocksEnd;
  const rem = len & 15;
  let k1 = 0;
  let k2 = 0;
  let k3 = 0;
  let k4 = 0;
  if (rem > 12) {
    if (rem >= 15) k4 ^= data[t + 14]! << 16;
    if (rem >= 14) k4 ^= data[t + 13]! << 8;
    k4 ^= data[t + 12]!;
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1);
    h4 ^= k4;
  }
  if (rem > 8) {
    if (rem >= 12) k3 ^= data[t + 11]! << 24;
    if (rem >= 11) k3 ^= data[t + 10]! << 16;
    if (rem >= 10) k3 ^= data[t + 9]! << 8;
    k3 ^= data[t + 8]!;
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4);
    h3 ^= k3;
  }
  if (rem > 4) {
    if (rem >= 8) k2 ^= data[t + 7]! << 24;
    if (rem >= 7) k2 ^= data[t + 6]! << 16;
    if (rem >= 6) k2 ^= data[t + 5]! << 8;
    k2 ^= data[t + 4]!;
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3);
    h2 ^= k2;
  }
  if (rem > 0) {
    if (rem >= 4) k1 ^= data[t + 3]! << 24;
    if (rem >= 3) k1 ^= data[t + 2]! << 16;
    if (rem >= 2) k1 ^= data[t + 1]! << 8;
    k1 ^= data[t]!;
    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2);
    h1 ^= k1;
  }
  h1 ^= len;
  h2 ^= len;
  h3 ^= len;
  h4 ^= len;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  out[0] = h1;
  out[1] = h2;
  out[2] = h3;
  out[3] = h4;
}
