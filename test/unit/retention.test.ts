// Retention on both backends: retention.bytes and retention.ms delete whole
// old segments (the active one too once it has expired, after a roll) and
// advance the log start offset; cleanup.policy, topic config changes,
// broker-level defaults, the periodic check, and the log start offset
// primitive behind DeleteRecords.
import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DiskLogStore, MemoryLogStore, type PartitionLog } from '../../src/log/index.js';
import type { LogMaintenanceOptions, MaintainedPartition } from '../../src/log/maintenance.js';
import { segmentsToDelete } from '../../src/log/retention.js';
import { BatchView, buildRecordBatch } from '../../src/wire/record-batch.js';
import { tempStores } from '../helpers/temp-stores.js';

const silent = pino({ level: 'silent' });
const NOW = 1_700_000_000_000;
const HOUR = 3_600_000;

const { tempDir, opened } = tempStores('kafkalite-retention-');

type Store = DiskLogStore | MemoryLogStore;
type Log = PartitionLog & MaintainedPartition;
const noTimers = { retentionCheckIntervalMs: 0, cleanerBackoffMs: 0 };

interface Backend {
  name: string;
  disk: boolean;
  make(maintenance?: Partial<LogMaintenanceOptions>, dir?: string): Promise<Store>;
}
const backends: Backend[] = [
  {
    name: 'memory',
    disk: false,
    make: async (m = {}) => {
      const s = new MemoryLogStore({ logger: silent, maintenance: { ...noTimers, ...m } });
      await s.open();
      opened.push(s);
      return s;
    },
  },
  {
    name: 'disk',
    disk: true,
    make: async (m = {}, dir = tempDir()) => {
      const s = new DiskLogStore({ dataDir: dir, logger: silent, tailCacheBytes: 1024, maintenance: { ...noTimers, ...m } });
      await s.open();
      opened.push(s);
      return s;
    },
  },
];

/** A ~100-byte batch of one record with timestamp `ts`. */
function batch(ts = NOW, tag = 'v'): Buffer {
  return buildRecordBatch({ baseTimestamp: BigInt(ts), records: [{ key: Buffer.from('k'), value: Buffer.from(`${tag}-${'x'.repeat(24)}`) }] });
}

async function topic(store: Store, configs: Record<string, string>, name = 't'): Promise<Log> {
  await store.createTopic(name, { numPartitions: 1, configs: { 'segment.bytes': '500', ...configs } });
  return store.partition(name, 0) as Log;
}

function append(log: PartitionLog, n: number, ts = NOW): void {
  for (let i = 0; i < n; i++) log.append(batch(ts));
}

function segmentFiles(store: Store, name = 't'): string[] {
  const dir = path.join((store as DiskLogStore).dataDir, `${name}-0`);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
}

describe('segmentsToDelete (Kafka rules)', () => {
  const seg = (base: number, size: number, ts: number) => ({ baseOffset: BigInt(base), size, largestTimestamp: ts });
  const all = { delete: true, retentionMs: -1, retentionBytes: -1 };

  it('retention.bytes: the oldest segments while the rest still reaches the limit', () => {
    const segs = [seg(0, 100, NOW), seg(10, 100, NOW), seg(20, 100, NOW), seg(30, 50, NOW)];
    expect(segmentsToDelete(segs, { ...all, retentionBytes: 200 }, NOW)).toEqual({ count: 1, reason: 'retention.bytes' });
    expect(segmentsToDelete(segs, { ...all, retentionBytes: 150 }, NOW)).toEqual({ count: 2, reason: 'retention.bytes' });
    expect(segmentsToDelete(segs, { ...all, retentionBytes: 0 }, NOW).count).toBe(4);
    expect(segmentsToDelete(segs, { ...all, retentionBytes: 1000 }, NOW).count).toBe(0);
  });

  it('retention.ms: a prefix of segments whose largest timestamp is too old; never an empty active segment', () => {
    const segs = [seg(0, 100, NOW - 3 * HOUR), seg(10, 100, NOW), seg(20, 100, NOW - 3 * HOUR), seg(30, 0, NOW - 3 * HOUR)];
    expect(segmentsToDelete(segs, { ...all, retentionMs: HOUR }, NOW)).toEqual({ count: 1, reason: 'retention.ms' });
    const old = [seg(0, 100, NOW - 3 * HOUR), seg(10, 0, NOW - 3 * HOUR)];
    expect(segmentsToDelete(old, { ...all, retentionMs: HOUR }, NOW).count).toBe(1);
    expect(segmentsToDelete([seg(0, 10, NOW - 3 * HOUR)], { ...all, retentionMs: HOUR }, NOW).count).toBe(1);
    expect(segmentsToDelete(segs, { ...all, delete: false, retentionMs: HOUR }, NOW).count).toBe(0);
  });
});

describe.each(backends)('retention: $name', (backend) => {
  it('retention.bytes deletes old segments and advances the log start offset', async () => {
    const store = await backend.make();
    const log = await topic(store, { 'retention.bytes': '1500' });
    append(log, 60);
    const segsBefore = log.segmentStats().length;
    const filesBefore = backend.disk ? segmentFiles(store) : [];
    expect(segsBefore).toBeGreaterThan(6);
    const deleted = store.runRetention(NOW);
    expect(deleted).toBeGreaterThan(0);
    const stats = log.segmentStats();
    expect(stats.length).toBe(segsBefore - deleted);
    expect(log.logStartOffset).toBe(stats[0]!.baseOffset);
    expect(log.logStartOffset).toBeGreaterThan(0n);
    const size = stats.reduce((n, s) => n + s.size, 0);
    expect(size).toBeGreaterThanOrEqual(1500);
    expect(size - stats[0]!.size).toBeLessThan(1500);
    expect(log.sizeBytes).toBe(size);
    // What remains reads from the new start; the end did not move.
    expect(log.logEndOffset).toBe(60n);
    const first = log.read(log.logStartOffset, 1 << 20, true).batches[0]!;
    expect(new BatchView(first).baseOffset).toBe(log.logStartOffset);
    if (backend.disk) {
      const files = segmentFiles(store);
      expect(files.length).toBe(filesBefore.length - deleted);
      expect(files[0]).toBe(`${log.logStartOffset.toString().padStart(20, '0')}.log`);
    }
    expect(store.runRetention(NOW)).toBe(0);
  });

  it('retention.ms deletes segments whose newest record is older than retention.ms', async () => {
    const store = await backend.make();
    const log = await topic(store, { 'retention.ms': String(HOUR) });
    append(log, 20, NOW - 2 * HOUR);
    append(log, 20, NOW);
    expect(store.runRetention(NOW)).toBeGreaterThan(0);
    expect(log.logStartOffset).toBeGreaterThan(0n);
    expect(log.logStartOffset).toBeLessThanOrEqual(20n);
    for (const s of log.segmentStats()) expect(s.largestTimestamp).toBeGreaterThanOrEqual(NOW - HOUR);
    // Newer data stays until it expires too.
    expect(store.runRetention(NOW + HOUR / 2)).toBe(0);
  });

  it('an expired active segment goes too: the log rolls and starts at its end', async () => {
    const store = await backend.make();
    const log = await topic(store, { 'retention.ms': String(HOUR), 'segment.bytes': '100000' });
    append(log, 10, NOW - 2 * HOUR);
    expect(log.segmentStats().length).toBe(1);
    expect(store.runRetention(NOW)).toBe(1);
    expect(log.logStartOffset).toBe(10n);
    expect(log.logEndOffset).toBe(10n);
    expect(log.sizeBytes).toBe(0);
    expect(log.segmentStats()).toEqual([expect.objectContaining({ baseOffset: 10n, size: 0 })]);
    // The empty active segment is never deleted, and appends go on at the end.
    expect(store.runRetention(NOW + 10 * HOUR)).toBe(0);
    expect(log.append(batch(NOW)).baseOffset).toBe(10n);
    expect(new BatchView(log.read(10n, 1000, true).batches[0]!).baseOffset).toBe(10n);
    if (backend.disk) expect(segmentFiles(store)).toEqual(['00000000000000000010.log']);
  });

  it('only topics whose cleanup.policy includes delete', async () => {
    const store = await backend.make();
    const compacted = await topic(store, { 'retention.bytes': '100', 'cleanup.policy': 'compact' }, 'c');
    const both = await topic(store, { 'retention.bytes': '100', 'cleanup.policy': 'compact,delete' }, 'cd');
    append(compacted, 20);
    append(both, 20);
    store.runRetention(NOW);
    expect(compacted.logStartOffset).toBe(0n);
    expect(both.logStartOffset).toBeGreaterThan(0n);
  });

  it('reads topic configs at every check (AlterConfigs applies) and falls back to broker defaults', async () => {
    const store = await backend.make({ defaults: { retentionBytes: 2000 } });
    const log = await topic(store, {});
    append(log, 60);
    store.runRetention(NOW);
    const afterDefault = log.logStartOffset;
    expect(afterDefault).toBeGreaterThan(0n);
    await store.setTopicConfigs('t', { 'segment.bytes': '500', 'retention.bytes': '600' });
    store.runRetention(NOW);
    expect(log.logStartOffset).toBeGreaterThan(afterDefault);
    await store.setTopicConfigs('t', { 'segment.bytes': '500', 'retention.bytes': '-1' });
    append(log, 30);
    expect(store.runRetention(NOW)).toBe(0);
  });

  it('runs on its own every log.retention.check.interval.ms', async () => {
    const store = await backend.make({ retentionCheckIntervalMs: 20 });
    const log = await topic(store, { 'retention.bytes': '500' });
    append(log, 40);
    const deadline = Date.now() + 5000;
    while (log.logStartOffset === 0n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(log.logStartOffset).toBeGreaterThan(0n);
  });

  it('advanceLogStartOffset (DeleteRecords): inside a segment, dropping the segments below it', async () => {
    const dir = backend.disk ? tempDir() : undefined;
    let store = await backend.make({}, dir);
    let log = await topic(store, {});
    append(log, 40);
    const segs = log.segmentStats().length;
    const target = log.segmentStats()[2]!.baseOffset + 1n;
    expect(log.advanceLogStartOffset!(target)).toBe(target);
    expect(log.logStartOffset).toBe(target);
    expect(log.segmentStats().length).toBe(segs - 2);
    expect(log.advanceLogStartOffset!(1n)).toBe(target); // never backwards
    expect(log.advanceLogStartOffset!(1000n)).toBe(40n); // at most the log end
    expect(log.logStartOffset).toBe(40n);
    expect(log.sizeBytes).toBe(0);
    if (backend.disk) {
      await store.close();
      opened.splice(opened.indexOf(store), 1);
      store = await backend.make({}, dir);
      log = store.partition('t', 0) as Log;
      expect(log.logStartOffset).toBe(40n);
      expect(log.logEndOffset).toBe(40n);
    }
  });

  it('a DeleteRecords offset in the middle survives a restart (disk) and retention keeps it', async () => {
    if (!backend.disk) return;
    const dir = tempDir();
    let store = await backend.make({}, dir);
    let log = await topic(store, { 'retention.bytes': '100000' });
    append(log, 10);
    log.advanceLogStartOffset!(3n);
    store.runRetention(NOW);
    await store.close();
    opened.splice(opened.indexOf(store), 1);
    store = await backend.make({}, dir);
    log = store.partition('t', 0) as Log;
    expect(log.logStartOffset).toBe(3n);
  });
});
