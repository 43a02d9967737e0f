// Log compaction on both backends: latest value per key at the original
// offsets, tombstones and their delete horizon, min.compaction.lag.ms,
// transaction markers, producers' last batches, compressed batches, a small
// offset map (several passes), and (disk) the .cleaned/.swap recovery.
import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DiskLogStore, MemoryLogStore, type PartitionLog } from '../../src/log/index.js';
import type { DiskPartitionLog } from '../../src/log/disk-partition.js';
import type { MaintainedPartition } from '../../src/log/maintenance.js';
import { logPolicy } from '../../src/log/log-config.js';
import { OffsetMap } from '../../src/log/offset-map.js';
import { keylessRecordError } from '../../src/log/record-scan.js';
import { compress, decompress } from '../../src/wire/compression/index.js';
import {
  ATTRIBUTES_OFFSET,
  BatchView,
  CRC_OFFSET,
  RECORDS_OFFSET,
  buildRecordBatch,
  crc32c,
  decodeRecords,
  type DecodedRecord,
} from '../../src/wire/record-batch.js';
import { tempStores } from '../helpers/temp-stores.js';

const silent = pino({ level: 'silent' });
const NOW = 1_700_000_000_000;
const HOUR = 3_600_000;

const { tempDir, opened } = tempStores('kafkalite-cleaner-');

type Store = DiskLogStore | MemoryLogStore;
interface Backend {
  name: string;
  make(opts?: { dedupeBufferSize?: number; dir?: string }): Promise<Store>;
}
const noTimers = { retentionCheckIntervalMs: 0, cleanerBackoffMs: 0 };
const backends: Backend[] = [
  {
    name: 'memory',
    make: async (o = {}) => {
      const s = new MemoryLogStore({ logger: silent, maintenance: { ...noTimers, ...(o.dedupeBufferSize ? { dedupeBufferSize: o.dedupeBufferSize } : {}) } });
      await s.open();
      opened.push(s);
      return s;
    },
  },
  {
    name: 'disk',
    make: async (o = {}) => {
      const s = new DiskLogStore({
        dataDir: o.dir ?? tempDir(),
        logger: silent,
        tailCacheBytes: 2048,
        defaults: { indexIntervalBytes: 200 },
        maintenance: { ...noTimers, ...(o.dedupeBufferSize ? { dedupeBufferSize: o.dedupeBufferSize } : {}) },
      });
      await s.open();
      opened.push(s);
      return s;
    },
  },
];

const COMPACT = { 'cleanup.policy': 'compact', 'segment.bytes': '600', 'min.cleanable.dirty.ratio': '0', 'delete.retention.ms': String(HOUR) };

interface Rec {
  key: string | null;
  value: string | null;
}
function batch(records: Rec[], opts: { ts?: number; producerId?: bigint; transactional?: boolean } = {}): Buffer {
  return buildRecordBatch({
    baseTimestamp: BigInt(opts.ts ?? NOW),
    records: records.map((r, i) => ({
      key: r.key === null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      timestampDelta: i,
    })),
    ...(opts.producerId !== undefined ? { producerId: opts.producerId, producerEpoch: 0, baseSequence: 0 } : {}),
    ...(opts.transactional ? { transactional: true } : {}),
  });
}
function marker(producerId: bigint, commit: boolean, ts = NOW): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(commit ? 1 : 0, 2);
  return buildRecordBatch({
    baseTimestamp: BigInt(ts),
    producerId,
    producerEpoch: 0,
    transactional: true,
    control: true,
    records: [{ key, value: Buffer.from([0, 0, 0, 0, 0, 0]) }],
  });
}

/** Any batch's records, decompressing when needed. */
function decodeAny(b: Buffer): DecodedRecord[] {
  const view = new BatchView(b);
  if (view.compression === 0) return decodeRecords(b);
  const body = decompress(view.compression, b.subarray(RECORDS_OFFSET));
  const plain = Buffer.concat([b.subarray(0, RECORDS_OFFSET), body]);
  plain.writeInt32BE(plain.length - 12, 8);
  plain.writeInt16BE(view.attributes & ~7, ATTRIBUTES_OFFSET);
  return decodeRecords(plain);
}

function readAll(log: PartitionLog): Buffer[] {
  const out: Buffer[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const r = log.read(offset, 1 << 20, true);
    if (r.batches.length === 0) break;
    for (const b of r.batches) {
      const v = new BatchView(b);
      if (v.lastOffset >= offset) out.push(b);
      offset = v.lastOffset + 1n;
    }
  }
  return out;
}

interface Seen {
  offset: bigint;
  key: string | null;
  value: string | null;
}
function records(log: PartitionLog): Seen[] {
  return readAll(log)
    .filter((b) => !new BatchView(b).isControl)
    .flatMap((b) => decodeAny(b).map((r) => ({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null })));
}

async function compactedTopic(store: Store, name = 't', configs: Record<string, string> = COMPACT): Promise<PartitionLog & MaintainedPartition> {
  await store.createTopic(name, { numPartitions: 1, configs });
  return store.partition(name, 0) as PartitionLog & MaintainedPartition;
}

function activeBase(log: MaintainedPartition): bigint {
  const stats = log.segmentStats();
  return stats[stats.length - 1]!.baseOffset;
}

/** Appends `updates` rounds of values for keys k0..k(keys-1), one record per batch, then a few filler records. */
function fill(log: PartitionLog, keys: number, rounds: number, ts = NOW): Map<string, { offset: bigint; value: string }> {
  const latest = new Map<string, { offset: bigint; value: string }>();
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < keys; k++) {
      const value = `v${r}-${'x'.repeat(20)}`;
      const { baseOffset } = log.append(batch([{ key: `k${k}`, value }], { ts }));
      latest.set(`k${k}`, { offset: baseOffset, value });
    }
  }
  return latest;
}

describe.each(backends)('cleaner: $name', (backend) => {
  it('keeps the latest value per key at its original offset, below the active segment', async () => {
    const store = await backend.make();
    const log = await compactedTopic(store);
    const latest = fill(log, 10, 8);
    for (let i = 0; i < 10; i++) log.append(batch([{ key: `tail${i}`, value: 'y'.repeat(40) }]));
    const before = log.logEndOffset;
    const sizeBefore = log.sizeBytes;
    const results = await store.runCleaner({ nowMs: NOW + HOUR });
    expect(results.length).toBe(1);
    expect(results[0]!.recordsRemoved).toBeGreaterThan(0);
    expect(log.logEndOffset).toBe(before);
    expect(log.logStartOffset).toBe(0n);
    expect(log.sizeBytes).toBeLessThan(sizeBefore);
    const active = activeBase(log);
    const seen = records(log);
    for (const [key, l] of latest) expect(seen).toContainEqual({ offset: l.offset, key, value: l.value });
    for (const r of seen) {
      if (r.offset >= active || r.key!.startsWith('tail')) continue;
      expect(latest.get(r.key!)!.offset).toBe(r.offset);
    }
    // Offsets only grow, and a fetch inside a removed range gets the next batch that survives.
    expect(seen.map((r) => r.offset)).toEqual([...seen.map((r) => r.offset)].sort((a, b) => (a < b ? -1 : 1)));
    const first = log.read(1n, 1 << 20, true).batches[0]!;
    expect(new BatchView(first).lastOffset).toBeGreaterThanOrEqual(1n);
    // A second pass over a clean log changes nothing.
    const again = await store.runCleaner({ nowMs: NOW + HOUR, force: true });
    expect(again[0]!.recordsRemoved).toBe(0);
    expect(records(log)).toEqual(seen);
  });

  it('waits for min.cleanable.dirty.ratio', async () => {
    const store = await backend.make();
    const log = await compactedTopic(store, 't', { ...COMPACT, 'min.cleanable.dirty.ratio': '0.5' });
    fill(log, 5, 6);
    log.append(batch([{ key: 'end', value: 'x' }]));
    expect((await store.runCleaner({ nowMs: NOW })).length).toBe(1); // all dirty: ratio 1
    // Only the new segments are dirty now; a little new data is below the ratio.
    log.append(batch([{ key: 'k1', value: 'again'.repeat(30) }]));
    log.append(batch([{ key: 'k2', value: 'again'.repeat(30) }]));
    expect((await store.runCleaner({ nowMs: NOW })).length).toBe(0);
  });

  it('keeps tombstones for delete.retention.ms after the first cleaning, then drops them', async () => {
    const store = await backend.make();
    const log = await compactedTopic(store);
    fill(log, 4, 3);
    const tomb = log.append(batch([{ key: 'k1', value: null }])).baseOffset;
    fill(log, 0, 0);
    for (let i = 0; i < 12; i++) log.append(batch([{ key: `other${i}`, value: 'z'.repeat(40) }]));
    await store.runCleaner({ nowMs: NOW });
    let seen = records(log);
    expect(seen.filter((r) => r.key === 'k1')).toEqual([{ offset: tomb, key: 'k1', value: null }]);
    // The horizon is stamped in the batch (KIP-534): its timestamp is NOW + delete.retention.ms.
    const tombBatch = readAll(log).find((b) => new BatchView(b).baseOffset === tomb)!;
    expect(new BatchView(tombBatch).attributes & 0x40).toBe(0x40);
    expect(new BatchView(tombBatch).baseTimestamp).toBe(BigInt(NOW + HOUR));
    expect(decodeRecords(tombBatch)[0]!.timestamp).toBe(BigInt(NOW)); // record timestamps unchanged
    // Nothing is due before the horizon...
    expect((await store.runCleaner({ nowMs: NOW + HOUR - 1 })).length).toBe(0);
    // ...and once it has passed, the cleaner comes back for the tombstone without new dirty data.
    const r = await store.runCleaner({ nowMs: NOW + HOUR + 1 });
    expect(r.length).toBe(1);
    seen = records(log);
    expect(seen.filter((x) => x.key === 'k1')).toEqual([]);
    expect(seen.filter((x) => x.key === 'k0').length).toBe(1);
  });

  it('respects min.compaction.lag.ms', async () => {
    const store = await backend.make();
    const log = await compactedTopic(store, 't', { ...COMPACT, 'min.compaction.lag.ms': String(HOUR) });
    fill(log, 5, 5, NOW);
    log.append(batch([{ key: 'end', value: 'x' }], { ts: NOW }));
    const count = records(log).length;
    await store.runCleaner({ nowMs: NOW + HOUR / 2, force: true });
    expect(records(log).length).toBe(count);
    await store.runCleaner({ nowMs: NOW + 2 * HOUR });
    expect(records(log).length).toBeLessThan(count);
  });

  it('takes several passes when the offset map is small, with the same result', async () => {
    const store = await backend.make({ dedupeBufferSize: 24 * 40 }); // 40 slots: 32 keys per pass
    const log = await compactedTopic(store);
    const latest = fill(log, 100, 3);
    for (let i = 0; i < 10; i++) log.append(batch([{ key: `tail${i}`, value: 'y'.repeat(40) }]));
    let passes = 0;
    while ((await store.runCleaner({ nowMs: NOW })).length > 0) passes++;
    expect(passes).toBeGreaterThan(2);
    const active = activeBase(log);
    const seen = records(log);
    for (const [key, l] of latest) if (l.offset < active) expect(seen).toContainEqual({ offset: l.offset, key, value: l.value });
    expect(seen.filter((r) => r.key?.startsWith('k')).length).toBe(100);
  });

  it('drops keyless records, as Kafka does on compacted topics', async () => {
    const store = await backend.make();
    const log = await compactedTopic(store);
    log.append(batch([{ key: null, value: 'no key' }, { key: 'a', value: '1' }]));
    for (let i = 0; i < 12; i++) log.append(batch([{ key: `f${i}`, value: 'y'.repeat(40) }]));
    await store.runCleaner({ nowMs: NOW });
    const seen = records(log);
    expect(seen.find((r) => r.key === null)).toBeUndefined();
    expect(seen).toContainEqual({ offset: 1n, key: 'a', value: '1' });
  });

  it('keeps transaction markers; only committed transactional records supersede older values', async () => {
    const store = await backend.make();
    const log = await compactedTopic(store);
    log.append(batch([{ key: 'c', value: 'old-c' }, { key: 'a', value: 'old-a' }])); // 0, 1
    log.append(batch([{ key: 'c', value: 'txn-c' }], { producerId: 5n, transactional: true })); // 2
    log.append(marker(5n, true)); // 3
    log.append(batch([{ key: 'a', value: 'txn-a' }], { producerId: 6n, transactional: true })); // 4
    log.append(marker(6n, false)); // 5 (abort)
    for (let i = 0; i < 12; i++) log.append(batch([{ key: `f${i}`, value: 'y'.repeat(40) }]));
    await store.runCleaner({ nowMs: NOW });
    const all = readAll(log);
    const controls = all.filter((b) => new BatchView(b).isControl).map((b) => new BatchView(b).baseOffset);
    expect(controls).toEqual([3n, 5n]);
    const seen = records(log);
    expect(seen.filter((r) => r.key === 'c')).toEqual([{ offset: 2n, key: 'c', value: 'txn-c' }]);
    // The aborted write of 'a' does not count: the committed old value stays.
    expect(seen).toContainEqual({ offset: 1n, key: 'a', value: 'old-a' });
  });

  it("keeps a producer's last batch as an empty batch when all its records go", async () => {
    const store = await backend.make();
    const log = await compactedTopic(store);
    log.append(batch([{ key: 'p', value: 'first' }], { producerId: 9n })); // 0
    log.append(batch([{ key: 'p', value: 'second' }])); // 1, no producer id
    log.append(batch([{ key: 'q', value: 'first' }])); // 2
    log.append(batch([{ key: 'q', value: 'second' }])); // 3
    for (let i = 0; i < 12; i++) log.append(batch([{ key: `f${i}`, value: 'y'.repeat(40) }]));
    await store.runCleaner({ nowMs: NOW });
    const all = readAll(log);
    const first = new BatchView(all[0]!);
    expect(first.baseOffset).toBe(0n);
    expect(first.recordCount).toBe(0);
    expect(first.producerId).toBe(9n);
    expect(first.crcValid).toBe(true);
    expect(all.some((b) => new BatchView(b).baseOffset === 2n)).toBe(false);
    expect(records(log).filter((r) => r.key === 'p')).toEqual([{ offset: 1n, key: 'p', value: 'second' }]);
  });

  it('decompresses and recompresses compressed batches with their codec', async () => {
    const store = await backend.make();
    const log = await compactedTopic(store);
    const gz = (b: Buffer): Buffer => {
      const body = compress(1, b.subarray(RECORDS_OFFSET));
      const out = Buffer.concat([b.subarray(0, RECORDS_OFFSET), body]);
      out.writeInt32BE(out.length - 12, 8);
      out.writeInt16BE(b.readInt16BE(ATTRIBUTES_OFFSET) | 1, ATTRIBUTES_OFFSET);
      out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
      return out;
    };
    log.append(gz(batch([{ key: 'a', value: 'a1' }, { key: 'b', value: 'b1' }, { key: 'c', value: 'c1' }]))); // 0-2
    log.append(gz(batch([{ key: 'b', value: 'b2' }]))); // 3
    for (let i = 0; i < 12; i++) log.append(batch([{ key: `f${i}`, value: 'y'.repeat(40) }]));
    await store.runCleaner({ nowMs: NOW });
    const all = readAll(log);
    const first = new BatchView(all[0]!);
    expect(first.compression).toBe(1);
    expect(first.crcValid).toBe(true);
    expect(first.lastOffset).toBe(2n);
    expect(decodeAny(all[0]!).map((r) => [r.offset, r.key!.toString(), r.value!.toString()])).toEqual([
      [0n, 'a', 'a1'],
      [2n, 'c', 'c1'],
    ]);
  });
});

describe('cleaner on disk: files and recovery', () => {
  async function diskStore(dir: string): Promise<DiskLogStore> {
    const s = new DiskLogStore({ dataDir: dir, logger: silent, tailCacheBytes: 2048, defaults: { indexIntervalBytes: 200 }, maintenance: noTimers });
    await s.open();
    return s;
  }
  function compactOpts(log: DiskPartitionLog, extra: Partial<Parameters<DiskPartitionLog['compact']>[0]> = {}): Parameters<DiskPartitionLog['compact']>[0] {
    return {
      map: () => new OffsetMap(1 << 20),
      policy: logPolicy(COMPACT),
      segmentBytes: 600,
      nowMs: NOW,
      lastStableOffset: log.logEndOffset,
      logger: silent,
      ...extra,
    };
  }

  it('merges small segments, rebuilds indexes and keeps everything across a restart', async () => {
    const dir = tempDir();
    let store = await diskStore(dir);
    await store.createTopic('t', { numPartitions: 1, configs: COMPACT });
    let log = store.partition('t', 0) as DiskPartitionLog;
    const latest = fill(log, 6, 10);
    for (let i = 0; i < 10; i++) log.append(batch([{ key: `tail${i}`, value: 'y'.repeat(40) }]));
    const segsBefore = log.segmentCount;
    await store.runCleaner({ nowMs: NOW });
    // As Kafka groups by the segments' sizes before cleaning, the shrunk segments merge at the next pass.
    await store.runCleaner({ nowMs: NOW, force: true });
    expect(log.segmentCount).toBeLessThan(segsBefore / 2);
    const seen = records(log);
    const pdir = path.join(dir, 't-0');
    const files = fs.readdirSync(pdir);
    expect(files.filter((f) => /\.(cleaned|swap)$/.test(f))).toEqual([]);
    expect(files).toContain('cleaner-offset-checkpoint');
    expect(files.filter((f) => f.endsWith('.log')).length).toBe(log.segmentCount);
    // Offset lookups through the rebuilt indexes find every surviving record.
    for (const [, l] of latest) {
      const b = log.read(l.offset, 1, true).batches[0]!;
      expect(new BatchView(b).baseOffset <= l.offset && new BatchView(b).lastOffset >= l.offset).toBe(true);
    }
    await store.close();
    store = await diskStore(dir);
    log = store.partition('t', 0) as DiskPartitionLog;
    expect(records(log)).toEqual(seen);
    expect(log.cleanerCheckpoint).not.toBeNull();
    await store.close();
  });

  it('start-up drops leftover .cleaned files (the swap never committed)', async () => {
    const dir = tempDir();
    let store = await diskStore(dir);
    await store.createTopic('t', { numPartitions: 1, configs: COMPACT });
    let log = store.partition('t', 0) as DiskPartitionLog;
    fill(log, 5, 8);
    log.append(batch([{ key: 'end', value: 'x' }]));
    const original = records(log);
    const pdir = path.join(dir, 't-0');
    const saved = path.join(dir, 'saved');
    fs.mkdirSync(saved);
    await expect(
      log.compact(
        compactOpts(log, {
          beforeSwap: () => {
            for (const f of fs.readdirSync(pdir)) if (f.endsWith('.cleaned')) fs.copyFileSync(path.join(pdir, f), path.join(saved, f));
            throw new Error('simulated crash');
          },
        }),
      ),
    ).rejects.toThrow('simulated crash');
    await store.close();
    // The crash left the .cleaned files behind.
    for (const f of fs.readdirSync(saved)) fs.copyFileSync(path.join(saved, f), path.join(pdir, f));
    expect(fs.readdirSync(pdir).some((f) => f.endsWith('.cleaned'))).toBe(true);
    store = await diskStore(dir);
    log = store.partition('t', 0) as DiskPartitionLog;
    expect(fs.readdirSync(pdir).some((f) => f.endsWith('.cleaned'))).toBe(false);
    expect(records(log)).toEqual(original);
    await store.close();
  });

  it('start-up completes a committed swap (.swap files, old segments partly deleted)', async () => {
    const dir = tempDir();
    let store = await diskStore(dir);
    await store.createTopic('t', { numPartitions: 1, configs: COMPACT });
    let log = store.partition('t', 0) as DiskPartitionLog;
    fill(log, 5, 8);
    log.append(batch([{ key: 'end', value: 'x' }]));
    await store.runCleaner({ nowMs: NOW }); // small clean segments, merged by the next pass
    const latest = fill(log, 5, 4);
    log.append(batch([{ key: 'end2', value: 'x' }]));
    const pdir = path.join(dir, 't-0');
    const saved = path.join(dir, 'saved');
    fs.mkdirSync(saved);
    let swapBase = -1n;
    await expect(
      log.compact(
        compactOpts(log, {
          beforeSwap: (base, replacedBases) => {
            swapBase = base;
            for (const f of fs.readdirSync(pdir)) {
              if (f.endsWith('.cleaned')) fs.copyFileSync(path.join(pdir, f), path.join(saved, f.replace(/\.cleaned$/, '.swap')));
            }
            // The list of replaced segments, as commitCleaned writes it.
            fs.writeFileSync(path.join(saved, `${base.toString().padStart(20, '0')}.replaced.swap`), `${replacedBases.join('\n')}\n`);
            throw new Error('simulated crash');
          },
        }),
      ),
    ).rejects.toThrow('simulated crash');
    await store.close();
    // As if the process died after the commit point and after deleting the first replaced segment.
    for (const f of fs.readdirSync(saved)) fs.copyFileSync(path.join(saved, f), path.join(pdir, f));
    fs.rmSync(path.join(pdir, `${swapBase.toString().padStart(20, '0')}.log`));
    const logsBefore = fs.readdirSync(pdir).filter((f) => f.endsWith('.log')).length;
    store = await diskStore(dir);
    log = store.partition('t', 0) as DiskPartitionLog;
    const files = fs.readdirSync(pdir);
    expect(files.some((f) => f.endsWith('.swap'))).toBe(false);
    expect(files.filter((f) => f.endsWith('.log')).length).toBeLessThan(logsBefore);
    const seen = records(log);
    // The first group is the compacted version; keys' latest values are all there, once each within it.
    for (const [key, l] of latest) expect(seen).toContainEqual({ offset: l.offset, key, value: l.value });
    const offsets = seen.map((r) => r.offset);
    expect(new Set(offsets).size).toBe(offsets.length);
    expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : 1)));
    await store.close();
  });
});

describe('keyless records on compacted topics', () => {
  it('finds the first record without a key', () => {
    expect(keylessRecordError(batch([{ key: 'a', value: '1' }]))).toBeNull();
    expect(keylessRecordError(batch([{ key: 'a', value: '1' }, { key: null, value: '2' }]))).toMatch(/record 1 has no key/);
  });
});
