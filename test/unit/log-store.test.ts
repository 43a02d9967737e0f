import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogStore, MemoryLogStore, TopicExistsError, type LogStore, type PartitionLog } from '../../src/log/index.js';
import { BatchView, buildRecordBatch, decodeRecords } from '../../src/wire/record-batch.js';

const silent = pino({ level: 'silent' });

/** A batch of `n` records whose values are `${tag}-${i}`, with maxTimestamp = baseTimestamp + n - 1. */
function batch(n: number, tag = 'v', baseTimestamp = 1_000n, valueBytes = 0): Buffer {
  return buildRecordBatch({
    baseTimestamp,
    records: Array.from({ length: n }, (_, i) => ({
      key: null,
      value: Buffer.from(`${tag}-${i}${'x'.repeat(valueBytes)}`),
      timestampDelta: i,
    })),
  });
}

function values(batches: Buffer[]): string[] {
  return batches.flatMap((b) => decodeRecords(b).map((r) => r.value!.toString().replace(/x+$/, '')));
}
function offsets(batches: Buffer[]): bigint[] {
  return batches.flatMap((b) => decodeRecords(b).map((r) => r.offset));
}
function mustPartition(store: LogStore, topic: string, p = 0): PartitionLog {
  const log = store.partition(topic, p);
  if (!log) throw new Error(`no partition ${topic}-${p}`);
  return log;
}

interface Backend {
  name: string;
  /** Fresh store per test. */
  make(): Promise<LogStore>;
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkalite-log-'));
  tempDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const opened: LogStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});
async function open(store: LogStore): Promise<LogStore> {
  await store.open();
  opened.push(store);
  return store;
}

const backends: Backend[] = [
  { name: 'memory', make: () => open(createLogStore({ inMemory: true, logger: silent })) },
  { name: 'disk', make: () => open(createLogStore({ dataDir: tempDir(), logger: silent })) },
  {
    name: 'disk without tail cache, tiny segments and index interval',
    make: () =>
      open(createLogStore({ dataDir: tempDir(), logger: silent, tailCacheBytes: 0, defaults: { segmentBytes: 700, indexIntervalBytes: 150 } })),
  },
];

describe.each(backends)('log store contract: $name', (backend) => {
  let store: LogStore;
  beforeEach(async () => {
    store = await backend.make();
  });

  it('creates, finds and lists topics', async () => {
    const info = await store.createTopic('orders.v1_x-y', { numPartitions: 3, configs: { 'cleanup.policy': 'delete' } });
    expect(info.numPartitions).toBe(3);
    expect(info.topicId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(info.internal).toBe(false);
    expect(store.topic('orders.v1_x-y')).toEqual(info);
    expect(store.topicById(info.topicId)).toEqual(info);
    expect([...store.topics()].map((t) => t.name)).toEqual(['orders.v1_x-y']);
    expect(store.partition('orders.v1_x-y', 2)).toBeDefined();
    expect(store.partition('orders.v1_x-y', 3)).toBeUndefined();
    expect(store.partition('nope', 0)).toBeUndefined();
    const p = mustPartition(store, 'orders.v1_x-y', 1);
    expect([p.topic, p.partition, p.logStartOffset, p.logEndOffset, p.sizeBytes]).toEqual(['orders.v1_x-y', 1, 0n, 0n, 0]);
  });

  it('rejects duplicate and invalid topics', async () => {
    await store.createTopic('t', { numPartitions: 1 });
    await expect(store.createTopic('t', { numPartitions: 1 })).rejects.toBeInstanceOf(TopicExistsError);
    await expect(Promise.resolve().then(() => store.createTopic('../etc', { numPartitions: 1 }))).rejects.toThrow(/invalid topic name/);
    await expect(Promise.resolve().then(() => store.createTopic('zero', { numPartitions: 0 }))).rejects.toThrow(/partition count/);
    const both = await Promise.allSettled([store.createTopic('race', { numPartitions: 1 }), store.createTopic('race', { numPartitions: 1 })]);
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('keeps a given topic id and internal flag', async () => {
    const info = await store.createTopic('__internal', { numPartitions: 1, topicId: 'AAAAAAAAAAAAAAAAAAAAAg', internal: true });
    expect(info.topicId).toBe('AAAAAAAAAAAAAAAAAAAAAg');
    expect(store.topicById('AAAAAAAAAAAAAAAAAAAAAg')?.internal).toBe(true);
  });

  it('assigns offsets, patching baseOffset in place', async () => {
    await store.createTopic('t', { numPartitions: 1 });
    const log = mustPartition(store, 't');
    const a = batch(3, 'a');
    expect(log.append(a)).toEqual({ baseOffset: 0n, logEndOffset: 3n });
    const b = batch(2, 'b');
    expect(log.append(b)).toEqual({ baseOffset: 3n, logEndOffset: 5n });
    expect(new BatchView(b).baseOffset).toBe(3n);
    expect(new BatchView(b).crcValid).toBe(true);
    expect(log.logEndOffset).toBe(5n);
    expect(log.logStartOffset).toBe(0n);
    expect(log.sizeBytes).toBe(a.length + b.length);
    // Several batches in one append.
    const r = log.append(Buffer.concat([batch(1, 'c'), batch(4, 'd')]));
    expect(r).toEqual({ baseOffset: 5n, logEndOffset: 10n });
    const all = log.read(0n, 1 << 20, false);
    expect(offsets(all.batches)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]);
    expect(values(all.batches)).toEqual(['a-0', 'a-1', 'a-2', 'b-0', 'b-1', 'c-0', 'd-0', 'd-1', 'd-2', 'd-3']);
    expect(all.size).toBe(all.batches.reduce((n, x) => n + x.length, 0));
    for (const x of all.batches) expect(new BatchView(x).crcValid).toBe(true);
  });

  it('keeps a batch that owns its memory without copying, and copies a small slice of a larger buffer', async () => {
    await store.createTopic('t', { numPartitions: 1 });
    const log = mustPartition(store, 't');
    // A small batch inside a large buffer (like a socket chunk): copied, so the log does not pin the chunk.
    const a = batch(1, 'a');
    const chunk = Buffer.alloc(a.length + 64 * 1024);
    a.copy(chunk, 100);
    log.append(chunk.subarray(100, 100 + a.length));
    chunk.fill(0);
    expect(values(log.read(0n, 1 << 20, false).batches)).toEqual(['a-0']);
    // A batch in its own allocation (a large frame): the append is zero-copy on the in-memory backend.
    const own = Buffer.allocUnsafeSlow(a.length);
    batch(1, 'b').copy(own);
    log.append(own);
    const stored = log.read(1n, 1 << 20, false).batches[0]!;
    expect(values([stored])).toEqual(['b-0']);
    if (store instanceof MemoryLogStore) expect(stored.buffer).toBe(own.buffer);
  });

  it('reads from the middle of a batch return that whole batch', async () => {
    await store.createTopic('t', { numPartitions: 1 });
    const log = mustPartition(store, 't');
    for (let i = 0; i < 10; i++) log.append(batch(5, `b${i}`));
    for (let off = 0n; off < 50n; off++) {
      const r = log.read(off, 1 << 20, false);
      const first = new BatchView(r.batches[0]!);
      expect(first.baseOffset).toBe((off / 5n) * 5n);
      expect(offsets(r.batches).at(-1)).toBe(49n);
    }
    expect(log.read(50n, 1 << 20, true)).toEqual({ batches: [], size: 0 });
    expect(log.read(999n, 1 << 20, true)).toEqual({ batches: [], size: 0 });
  });

  it('honours maxBytes and minOneBatch', async () => {
    await store.createTopic('t', { numPartitions: 1 });
    const log = mustPartition(store, 't');
    const sizes = [batch(2, 'a'), batch(3, 'b'), batch(4, 'c')].map((b) => {
      log.append(b);
      return b.length;
    });
    expect(log.read(0n, sizes[0]!, false).batches).toHaveLength(1);
    expect(log.read(0n, sizes[0]! + sizes[1]! - 1, false).batches).toHaveLength(1);
    expect(log.read(0n, sizes[0]! + sizes[1]!, false).batches).toHaveLength(2);
    expect(log.read(0n, 1, false)).toEqual({ batches: [], size: 0 });
    const one = log.read(0n, 1, true);
    expect(one.batches).toHaveLength(1);
    expect(one.size).toBe(sizes[0]);
    expect(values(log.read(3n, 1, true).batches)).toEqual(['b-0', 'b-1', 'b-2']);
    // After the oversized first batch nothing else is added.
    expect(log.read(0n, sizes[0]! + 1, true).batches).toHaveLength(1);
  });

  it('finds offsets by timestamp and the max timestamp at batch level', async () => {
    await store.createTopic('t', { numPartitions: 1 });
    const log = mustPartition(store, 't');
    expect(log.offsetForTimestamp(0n)).toBeNull();
    expect(log.maxTimestamp()).toBeNull();
    log.append(batch(2, 'a', 1_000n)); // offsets 0-1, max ts 1001
    log.append(batch(2, 'b', 5_000n)); // 2-3, max 5001
    log.append(batch(2, 'c', 3_000n)); // 4-5, max 3001 (older than the previous batch)
    log.append(batch(2, 'd', 5_001n)); // 6-7, max 5002
    log.append(batch(2, 'e', 9_000n)); // 8-9, max 9001
    expect(log.offsetForTimestamp(0n)).toEqual({ offset: 0n, timestamp: 1_001n });
    expect(log.offsetForTimestamp(1_001n)).toEqual({ offset: 0n, timestamp: 1_001n });
    expect(log.offsetForTimestamp(1_002n)).toEqual({ offset: 2n, timestamp: 5_001n });
    expect(log.offsetForTimestamp(3_000n)).toEqual({ offset: 2n, timestamp: 5_001n });
    expect(log.offsetForTimestamp(5_002n)).toEqual({ offset: 6n, timestamp: 5_002n });
    expect(log.offsetForTimestamp(8_000n)).toEqual({ offset: 8n, timestamp: 9_001n });
    expect(log.offsetForTimestamp(9_002n)).toBeNull();
    expect(log.maxTimestamp()).toEqual({ offset: 8n, timestamp: 9_001n });
    log.append(batch(1, 'f', 9_001n)); // ties do not move the max
    expect(log.maxTimestamp()).toEqual({ offset: 8n, timestamp: 9_001n });
  });

  it('applies LogAppendTime on append', async () => {
    await store.createTopic('t', { numPartitions: 1 });
    const log = mustPartition(store, 't');
    log.append(batch(2, 'a', 1n), { logAppendTime: 77_000n });
    const [b] = log.read(0n, 1 << 20, false).batches;
    const v = new BatchView(b!);
    expect(v.timestampType).toBe(1);
    expect(v.maxTimestamp).toBe(77_000n);
    expect(v.crcValid).toBe(true);
    expect(decodeRecords(b!).map((r) => r.timestamp)).toEqual([77_000n, 77_000n]);
    expect(log.maxTimestamp()).toEqual({ offset: 0n, timestamp: 77_000n });
  });

  it('notifies append listeners until unsubscribed', async () => {
    await store.createTopic('t', { numPartitions: 2 });
    const log = mustPartition(store, 't');
    const seen: bigint[] = [];
    const off = log.onAppend(() => seen.push(log.logEndOffset));
    const other = mustPartition(store, 't', 1).onAppend(() => seen.push(-1n));
    log.onAppend(() => {
      throw new Error('a broken listener must not fail the append');
    });
    log.append(batch(2));
    log.append(batch(1));
    off();
    log.append(batch(1));
    other();
    expect(seen).toEqual([2n, 3n]);
  });

  it('replaces topic configs', async () => {
    await store.createTopic('t', { numPartitions: 1, configs: { 'retention.ms': '1000' } });
    await store.setTopicConfigs('t', { 'cleanup.policy': 'compact' });
    expect(store.topic('t')?.configs).toEqual({ 'cleanup.policy': 'compact' });
    await expect(store.setTopicConfigs('missing', {})).rejects.toThrow(/does not exist/);
  });

  it('deletes topics and lets the name be reused empty', async () => {
    const first = await store.createTopic('t', { numPartitions: 2 });
    mustPartition(store, 't').append(batch(3));
    await store.deleteTopic('t');
    await store.deleteTopic('t'); // no-op when absent
    expect(store.topic('t')).toBeUndefined();
    expect(store.topicById(first.topicId)).toBeUndefined();
    expect(store.partition('t', 0)).toBeUndefined();
    const again = await store.createTopic('t', { numPartitions: 1 });
    expect(again.topicId).not.toBe(first.topicId);
    expect(mustPartition(store, 't').logEndOffset).toBe(0n);
  });

  it('grows partition counts', async () => {
    await store.createTopic('t', { numPartitions: 1 });
    mustPartition(store, 't').append(batch(2));
    const info = await store.createPartitions!('t', 3);
    expect(info.numPartitions).toBe(3);
    expect(store.topic('t')?.numPartitions).toBe(3);
    expect(mustPartition(store, 't', 0).logEndOffset).toBe(2n);
    expect(mustPartition(store, 't', 2).logEndOffset).toBe(0n);
    await expect(store.createPartitions!('t', 2)).rejects.toThrow(/must be larger/);
  });

  it('appends large batches and many small ones', async () => {
    await store.createTopic('t', { numPartitions: 1 });
    const log = mustPartition(store, 't');
    log.append(batch(1, 'big', 1n, 100_000));
    for (let i = 0; i < 200; i++) log.append(batch(1, `s${i}`));
    expect(log.logEndOffset).toBe(201n);
    expect(values(log.read(0n, 10, true).batches)).toEqual(['big-0']);
    expect(values(log.read(150n, 1 << 20, false).batches)).toEqual(Array.from({ length: 51 }, (_, i) => `s${i + 149}-0`));
  });
});

describe('disk store specifics', () => {
  function logFiles(dir: string): string[] {
    return fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  }
  async function openDisk(dataDir: string, extra: Parameters<typeof createLogStore>[0] = {}): Promise<LogStore> {
    return open(createLogStore({ dataDir, logger: silent, ...extra }));
  }

  it('keeps topics, configs, data and offsets across a restart', async () => {
    const dataDir = tempDir();
    let store = await openDisk(dataDir);
    const info = await store.createTopic('keep.me', { numPartitions: 2, configs: { 'segment.bytes': '100000' } });
    await store.setTopicConfigs('keep.me', { 'segment.bytes': '100000', 'retention.ms': '5' });
    for (let i = 0; i < 5; i++) mustPartition(store, 'keep.me', 1).append(batch(3, `r${i}`, BigInt(1000 * (i + 1))));
    await store.close();

    store = await openDisk(dataDir);
    expect(store.topic('keep.me')).toEqual({ ...info, configs: { 'segment.bytes': '100000', 'retention.ms': '5' } });
    const log = mustPartition(store, 'keep.me', 1);
    expect(log.logEndOffset).toBe(15n);
    expect(mustPartition(store, 'keep.me', 0).logEndOffset).toBe(0n);
    expect(values(log.read(7n, 1 << 20, false).batches)[0]).toBe('r2-0');
    expect(log.offsetForTimestamp(3_001n)).toEqual({ offset: 6n, timestamp: 3_002n });
    expect(log.maxTimestamp()).toEqual({ offset: 12n, timestamp: 5_002n });
    expect(log.append(batch(1, 'after'))).toEqual({ baseOffset: 15n, logEndOffset: 16n });
    expect(values(log.read(15n, 1 << 20, false).batches)).toEqual(['after-0']);
  });

  it('survives being reopened without close (kill -9): acknowledged data is in the file', async () => {
    const dataDir = tempDir();
    const store = await openDisk(dataDir);
    await store.createTopic('t', { numPartitions: 1 });
    mustPartition(store, 't').append(batch(4));
    // No close: a second store over the same directory sees what the OS has.
    const again = await openDisk(dataDir);
    expect(mustPartition(again, 't').logEndOffset).toBe(4n);
  });

  it('rolls segments by segment.bytes and reads across them, before and after restart', async () => {
    const dataDir = tempDir();
    let store = await openDisk(dataDir, { tailCacheBytes: 0, defaults: { indexIntervalBytes: 200 } });
    await store.createTopic('roll', { numPartitions: 1, configs: { 'segment.bytes': '1000' } });
    let log = mustPartition(store, 'roll');
    for (let i = 0; i < 40; i++) log.append(batch(2, `m${i}`, BigInt(10 * i), 20));
    const dir = path.join(dataDir, 'roll-0');
    const files = logFiles(dir);
    expect(files.length).toBeGreaterThan(3);
    expect(files[0]).toBe('00000000000000000000.log');
    for (const f of files) expect(fs.statSync(path.join(dir, f)).size).toBeLessThanOrEqual(1000);
    const expected = Array.from({ length: 40 }, (_, i) => [`m${i}-0`, `m${i}-1`]).flat();

    const check = (l: PartitionLog): void => {
      expect(values(l.read(0n, 1 << 20, false).batches)).toEqual(expected);
      for (let off = 0n; off < 80n; off += 3n) {
        const r = l.read(off, 1 << 20, false);
        expect(new BatchView(r.batches[0]!).baseOffset).toBe(off - (off % 2n));
        expect(offsets(r.batches).at(-1)).toBe(79n);
      }
      // A small budget stays within whole batches.
      expect(l.read(10n, 500, false).batches.length).toBeGreaterThan(0);
      expect(l.offsetForTimestamp(205n)).toEqual({ offset: 42n, timestamp: 211n });
      expect(l.maxTimestamp()).toEqual({ offset: 78n, timestamp: 391n });
    };
    check(log);
    await store.close();

    store = await openDisk(dataDir, { tailCacheBytes: 0 });
    log = mustPartition(store, 'roll');
    check(log);
    expect(log.logEndOffset).toBe(80n);
    log.append(batch(1, 'n'));
    expect(log.logEndOffset).toBe(81n);
  });

  it('rolls by segment.ms', async () => {
    const dataDir = tempDir();
    const store = await openDisk(dataDir);
    await store.createTopic('aged', { numPartitions: 1, configs: { 'segment.ms': '1' } });
    const log = mustPartition(store, 'aged');
    log.append(batch(1, 'a'));
    await new Promise((r) => setTimeout(r, 5));
    log.append(batch(1, 'b'));
    expect(logFiles(path.join(dataDir, 'aged-0'))).toEqual(['00000000000000000000.log', '00000000000000000001.log']);
  });

  it('writes sparse indexes and rebuilds missing or corrupt ones', async () => {
    const dataDir = tempDir();
    let store = await openDisk(dataDir, { tailCacheBytes: 0, defaults: { indexIntervalBytes: 100 } });
    await store.createTopic('idx', { numPartitions: 1 });
    for (let i = 0; i < 30; i++) mustPartition(store, 'idx').append(batch(3, `i${i}`, BigInt(100 * i), 10));
    await store.close();
    const dir = path.join(dataDir, 'idx-0');
    const index = path.join(dir, '00000000000000000000.index');
    const timeindex = path.join(dir, '00000000000000000000.timeindex');
    const indexBytes = fs.readFileSync(index);
    expect(indexBytes.length).toBeGreaterThan(0);
    expect(indexBytes.length % 8).toBe(0);
    expect(fs.statSync(timeindex).size % 12).toBe(0);
    // First entry: relative offset of the batch's last record, then its file position.
    expect(indexBytes.readInt32BE(4)).toBeGreaterThan(100);

    for (const damage of [() => fs.rmSync(index), () => fs.writeFileSync(index, Buffer.from([1, 2, 3])), () => fs.rmSync(timeindex)]) {
      damage();
      store = await openDisk(dataDir, { tailCacheBytes: 0, defaults: { indexIntervalBytes: 100 } });
      const log = mustPartition(store, 'idx');
      expect(log.logEndOffset).toBe(90n);
      for (let off = 0n; off < 90n; off += 7n) expect(new BatchView(log.read(off, 1, true).batches[0]!).baseOffset).toBe(off - (off % 3n));
      expect(log.offsetForTimestamp(1_050n)).toEqual({ offset: 33n, timestamp: 1_102n });
      await store.close();
      expect(fs.readFileSync(index).equals(indexBytes)).toBe(true);
    }
  });

  it('truncates a torn tail on restart and continues at the right offset', async () => {
    const dataDir = tempDir();
    const logs: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logs.push(line) });
    let store = await openDisk(dataDir, { logger });
    await store.createTopic('torn', { numPartitions: 1 });
    let log = mustPartition(store, 'torn');
    log.append(batch(2, 'a'));
    log.append(batch(3, 'b'));
    await store.close();
    const file = path.join(dataDir, 'torn-0', '00000000000000000000.log');
    const goodSize = fs.statSync(file).size;

    // Half a batch at the end.
    const half = batch(4, 'lost');
    fs.appendFileSync(file, half.subarray(0, half.length >> 1));
    store = await openDisk(dataDir, { logger });
    log = mustPartition(store, 'torn');
    expect(log.logEndOffset).toBe(5n);
    expect(fs.statSync(file).size).toBe(goodSize);
    expect(logs.some((l) => l.includes('truncating invalid log tail'))).toBe(true);
    expect(log.append(batch(1, 'c'))).toEqual({ baseOffset: 5n, logEndOffset: 6n });
    await store.close();

    // Garbage at the end.
    fs.appendFileSync(file, Buffer.from('this is not a record batch at all, just noise'));
    store = await openDisk(dataDir, { logger });
    log = mustPartition(store, 'torn');
    expect(log.logEndOffset).toBe(6n);
    expect(values(log.read(0n, 1 << 20, false).batches)).toEqual(['a-0', 'a-1', 'b-0', 'b-1', 'b-2', 'c-0']);
    await store.close();

    // A whole last batch whose bytes were damaged (CRC mismatch).
    const before = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from([0xee]), 0, 1, before - 2);
    fs.closeSync(fd);
    store = await openDisk(dataDir, { logger });
    log = mustPartition(store, 'torn');
    expect(log.logEndOffset).toBe(5n);
    expect(log.append(batch(2, 'd'))).toEqual({ baseOffset: 5n, logEndOffset: 7n });
    expect(values(log.read(4n, 1 << 20, false).batches)).toEqual(['b-0', 'b-1', 'b-2', 'd-0', 'd-1']);
  });

  it('recovers a torn tail in a segment with index entries', async () => {
    const dataDir = tempDir();
    let store = await openDisk(dataDir, { tailCacheBytes: 0, defaults: { indexIntervalBytes: 100 } });
    await store.createTopic('t', { numPartitions: 1 });
    for (let i = 0; i < 20; i++) mustPartition(store, 't').append(batch(2, `x${i}`, 5n, 10));
    await store.close();
    const file = path.join(dataDir, 't-0', '00000000000000000000.log');
    const goodSize = fs.statSync(file).size;
    fs.appendFileSync(file, batch(3).subarray(0, 70));
    const logs: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
    store = await openDisk(dataDir, { logger, tailCacheBytes: 0, defaults: { indexIntervalBytes: 100 } });
    const log = mustPartition(store, 't');
    expect(fs.statSync(file).size).toBe(goodSize);
    // Only the tail after the last index entry was rescanned: the intact indexes were kept.
    expect(logs.some((l) => l.includes('truncating invalid log tail'))).toBe(true);
    expect(logs.some((l) => l.includes('rebuilding'))).toBe(false);
    expect(log.logEndOffset).toBe(40n);
    expect(log.append(batch(1, 'y'))).toEqual({ baseOffset: 40n, logEndOffset: 41n });
    expect(values(log.read(39n, 1 << 20, false).batches)).toEqual(['x19-0', 'x19-1', 'y-0']);
  });

  it('forgets deleted topics across restarts', async () => {
    const dataDir = tempDir();
    let store = await openDisk(dataDir);
    await store.createTopic('gone', { numPartitions: 2 });
    await store.createTopic('stays', { numPartitions: 1 });
    mustPartition(store, 'gone').append(batch(3));
    await store.deleteTopic('gone');
    expect(fs.existsSync(path.join(dataDir, 'gone-0'))).toBe(false);
    expect(fs.readdirSync(dataDir).filter((d) => d.startsWith('gone'))).toEqual([]);
    await store.close();

    // A crash between the rename and the removal leaves a *-delete directory: it is removed at start-up.
    fs.mkdirSync(path.join(dataDir, 'gone-1.abc-delete'));
    store = await openDisk(dataDir);
    expect(store.topic('gone')).toBeUndefined();
    expect(store.topic('stays')).toBeDefined();
    expect(fs.existsSync(path.join(dataDir, 'gone-1.abc-delete'))).toBe(false);
    await store.createTopic('gone', { numPartitions: 1 });
    expect(mustPartition(store, 'gone').logEndOffset).toBe(0n);
  });

  it('does not fsync the segments of a topic it deletes (a closing store does)', async () => {
    const dataDir = tempDir();
    const store = await openDisk(dataDir);
    await store.createTopic('doomed', { numPartitions: 1 });
    await store.createTopic('kept', { numPartitions: 1 });
    mustPartition(store, 'doomed').append(batch(3));
    mustPartition(store, 'kept').append(batch(3));
    // Which file each fsync was for (Linux names an open descriptor's file in /proc).
    const synced: string[] = [];
    const real = fs.fsyncSync;
    const spy = vi.spyOn(fs, 'fsyncSync').mockImplementation((fd) => {
      synced.push(fs.readlinkSync(`/proc/self/fd/${fd}`));
      real(fd);
    });
    try {
      await store.deleteTopic('doomed');
      expect(synced.filter((f) => f.includes('doomed'))).toEqual([]);
      await store.close();
      expect(synced).toContain(path.join(fs.realpathSync(dataDir), 'kept-0', '00000000000000000000.log'));
    } finally {
      spy.mockRestore();
    }
  });

  it('fsyncs the active segment in the background every 16 MiB, so a roll has little left to sync', async () => {
    const dataDir = tempDir();
    const store = await openDisk(dataDir, { defaults: { segmentBytes: 40 * 1024 * 1024 } });
    await store.createTopic('big', { numPartitions: 1 });
    const log = mustPartition(store, 'big');
    const real = fs.fdatasync;
    const background: string[] = [];
    const spy = vi.spyOn(fs, 'fdatasync').mockImplementation(((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      background.push(fs.readlinkSync(`/proc/self/fd/${fd}`));
      real(fd, cb);
    }) as typeof fs.fdatasync);
    try {
      const big = batch(1, 'big', 1_000n, 1024 * 1024); // ~1 MiB
      for (let i = 0; i < 50; i++) {
        log.append(Buffer.from(big));
        await new Promise((r) => setImmediate(r)); // the event loop turns between requests in the broker too
      }
    } finally {
      spy.mockRestore();
    }
    const seg0 = path.join(fs.realpathSync(dataDir), 'big-0', '00000000000000000000.log');
    const seg1 = path.join(fs.realpathSync(dataDir), 'big-0', '00000000000000000039.log');
    // 39 MiB in the first segment (then a roll): syncs at 16 and 32 MiB; 11 MiB in the second: none yet.
    expect(background).toEqual([seg0, seg0]);
    expect(log.segmentCount).toBe(2);
    expect(fs.existsSync(seg1)).toBe(true);
    // The background descriptors are closed: only the active segment's write handle and its indexes stay open.
    const open = fs.readdirSync('/proc/self/fd').map((fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    });
    expect(open.filter((f) => f === seg0)).toEqual([]);
    expect(values(log.read(0n, 100, true).batches)).toEqual(['big-0']);
    await store.close();
  });

  it('writes the topic registry atomically as JSON', async () => {
    const dataDir = tempDir();
    const store = await openDisk(dataDir);
    await store.createTopic('a', { numPartitions: 1, configs: { x: 'y' } });
    const registry = JSON.parse(fs.readFileSync(path.join(dataDir, '__kafkalite', 'topics.json'), 'utf8')) as { topics: { name: string }[] };
    expect(registry.topics.map((t) => t.name)).toEqual(['a']);
    expect(fs.existsSync(path.join(dataDir, '__kafkalite', 'topics.json.tmp'))).toBe(false);
  });

  it('serves tail reads from the cache and older ones from disk', async () => {
    const dataDir = tempDir();
    const store = await openDisk(dataDir, { tailCacheBytes: 2_000 });
    await store.createTopic('c', { numPartitions: 1 });
    const log = mustPartition(store, 'c');
    for (let i = 0; i < 50; i++) log.append(batch(1, `c${i}`, 1n, 100));
    // The cache holds only the last ~2 KB; everything is still readable.
    expect(values(log.read(0n, 1 << 20, false).batches)).toEqual(Array.from({ length: 50 }, (_, i) => `c${i}-0`));
    expect(values(log.read(49n, 1 << 20, false).batches)).toEqual(['c49-0']);
  });
});
