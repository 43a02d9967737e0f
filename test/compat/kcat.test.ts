// kcat (librdkafka 2.x) against a real broker socket: Metadata (-L), Produce (-P,
// keys, headers, partitions, compression, acks), Fetch/ListOffsets (-C with
// -o beginning / N / -N / s@timestamp). What kcat prints is checked against what
// the broker stored, read back with the raw client.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/wire/error-codes.js';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  buildRecordBatch,
  CompressionType,
  CRC_OFFSET,
  crc32c,
  decodeRecords,
  RECORDS_OFFSET,
  type BatchView,
} from '../../src/wire/record-batch.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { kcat, kcatAvailable, runKcat } from '../helpers/kcat.js';
import { RawClient } from '../helpers/raw-client.js';
import { storedBatches } from '../helpers/stored.js';

const SKIP_REASON = 'kcat not found on PATH (install kcat, or set KCAT_BIN) — skipping kcat compatibility tests';
if (!kcatAvailable) console.warn(SKIP_REASON);

const suffix = `${process.pid}-${Date.now().toString(36)}`;
const topicName = (base: string): string => `kcat-${base}-${suffix}`;
// One record per line, "partition|offset|key|value|headers|timestamp"; -Z prints NULL for null keys/values.
const FORMAT = '%p|%o|%k|%s|%h|%T\\n';

/** Re-encodes an uncompressed v2 batch as a gzip one (records section compressed, attributes and CRC updated). */
function gzipBatch(plain: Buffer): Buffer {
  const out = Buffer.concat([plain.subarray(0, RECORDS_OFFSET), gzipSync(plain.subarray(RECORDS_OFFSET))]);
  out.writeInt32BE(out.length - 12, BATCH_LENGTH_OFFSET);
  out.writeInt16BE(out.readInt16BE(ATTRIBUTES_OFFSET) | CompressionType.Gzip, ATTRIBUTES_OFFSET);
  out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return out;
}

describe.skipIf(!kcatAvailable)(kcatAvailable ? 'kcat (librdkafka)' : SKIP_REASON, () => {
  let broker: TestBroker;
  let raw: RawClient;
  let bs: string;

  beforeAll(async () => {
    broker = await startTestBroker();
    bs = broker.bootstrapServers;
    raw = await RawClient.connect(broker.port);
  });

  afterAll(async () => {
    raw?.close();
    await broker?.close();
  });

  async function createTopic(name: string, numPartitions: number): Promise<void> {
    const res = await raw.request(19, 7, { topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    expect(res.topics[0].errorCode).toBe(ErrorCode.NONE);
  }

  /** kcat -C ... -e with FORMAT, split into rows of fields. */
  async function consume(args: string[]): Promise<string[][]> {
    // librdkafka reports end-of-partition from an empty fetch at the high watermark, i.e. after one long poll
    // (fetch.wait.max.ms, 500 by default); a shorter wait keeps each run fast.
    const r = await kcat(bs, ['-C', '-e', '-q', '-Z', '-X', 'fetch.wait.max.ms=100', '-f', FORMAT, ...args]);
    return r.stdout.split('\n').filter((l) => l.length > 0).map((l) => l.split('|'));
  }

  it('-L lists this broker (as controller) and the topics with their partitions', async () => {
    const a = topicName('meta-a');
    const b = topicName('meta-b');
    await createTopic(a, 3);
    await createTopic(b, 1);
    const text = (await kcat(bs, ['-L'])).stdout;
    expect(text).toContain(`broker ${broker.broker.nodeId} at 127.0.0.1:${broker.port} (controller)`);
    expect(text).toContain(`topic "${a}" with 3 partitions:`);
    expect(text).toContain(`topic "${b}" with 1 partitions:`);
    for (let p = 0; p < 3; p++) expect(text).toContain(`partition ${p}, leader 1, replicas: 1, isrs: 1`);

    const json = JSON.parse((await kcat(bs, ['-L', '-J'])).stdout);
    expect(json.controllerid).toBe(broker.broker.nodeId);
    expect(json.brokers).toEqual([{ id: broker.broker.nodeId, name: `127.0.0.1:${broker.port}` }]);
    const byName = new Map<string, any>(json.topics.map((t: any) => [t.topic, t]));
    expect(byName.get(a)?.partitions).toEqual(
      [0, 1, 2].map((partition) => ({ partition, leader: 1, replicas: [{ id: 1 }], isrs: [{ id: 1 }] })),
    );
    expect(byName.get(b)?.partitions.length).toBe(1);
    expect(byName.get(a)?.error).toBeUndefined();

    // -L -t for one topic asks for just that one.
    const one = JSON.parse((await kcat(bs, ['-L', '-J', '-t', b])).stdout);
    expect(one.topics.map((t: any) => t.topic)).toEqual([b]);
  });

  it('-P -K: with -H headers stores keyed records; -C -f prints key, value, headers, partition and offset', async () => {
    const t = topicName('keyed');
    await createTopic(t, 1);
    await kcat(bs, ['-P', '-t', t, '-p', '0', '-K', ':', '-Z', '-H', 'trace=abc', '-H', 'empty=', '-H', 'trace=second'], {
      input: 'user-1:{"n":1}\nuser-2:hello world\n:no key\nuser-4:\n',
    });
    const rows = await consume(['-t', t, '-o', 'beginning']);
    expect(rows.map((r) => r.slice(0, 5))).toEqual([
      ['0', '0', 'user-1', '{"n":1}', 'trace=abc,empty=,trace=second'],
      ['0', '1', 'user-2', 'hello world', 'trace=abc,empty=,trace=second'],
      ['0', '2', 'NULL', 'no key', 'trace=abc,empty=,trace=second'],
      ['0', '3', 'user-4', 'NULL', 'trace=abc,empty=,trace=second'],
    ]);
    // What the broker stored, exactly (null key/value and an empty header value are distinct from absent).
    const batches = await storedBatches(raw, t, 0);
    const records = batches.flatMap((b) => decodeRecords(b.buf));
    expect(records.map((r) => [r.offset, r.key?.toString() ?? null, r.value?.toString() ?? null])).toEqual([
      [0n, 'user-1', '{"n":1}'],
      [1n, 'user-2', 'hello world'],
      [2n, null, 'no key'],
      [3n, 'user-4', null],
    ]);
    expect(records[0]!.headers.map((h) => [h.key, h.value?.toString() ?? null])).toEqual([
      ['trace', 'abc'],
      ['empty', ''],
      ['trace', 'second'],
    ]);
    // kcat's %T is the record timestamp as stored.
    expect(rows.map((r) => BigInt(r[5]!))).toEqual(records.map((r) => r.timestamp));
  });

  it('produces to each of 3 partitions with -p and consumes each partition separately', async () => {
    const t = topicName('parts');
    await createTopic(t, 3);
    for (let p = 0; p < 3; p++) {
      const lines = Array.from({ length: p + 2 }, (_, i) => `p${p}-k${i}:p${p}-v${i}`).join('\n');
      await kcat(bs, ['-P', '-t', t, '-p', String(p), '-K', ':'], { input: `${lines}\n` });
    }
    for (let p = 0; p < 3; p++) {
      const rows = await consume(['-t', t, '-p', String(p), '-o', 'beginning']);
      expect(rows.map((r) => r.slice(0, 4))).toEqual(Array.from({ length: p + 2 }, (_, i) => [String(p), String(i), `p${p}-k${i}`, `p${p}-v${i}`]));
    }
    // Without -p kcat consumes all partitions: 2 + 3 + 4 records.
    const all = await consume(['-t', t, '-o', 'beginning']);
    expect(all.length).toBe(9);
    expect(new Set(all.map((r) => `${r[0]}/${r[1]}`)).size).toBe(9);
  });

  describe('offsets within batches', () => {
    const t = topicName('hundred');
    let batches: BatchView[];

    beforeAll(async () => {
      await createTopic(t, 1);
      const input = Array.from({ length: 100 }, (_, i) => `key-${i}:value-${i}`).join('\n');
      await kcat(bs, ['-P', '-t', t, '-p', '0', '-K', ':', '-X', 'linger.ms=50'], { input: `${input}\n` });
      batches = await storedBatches(raw, t, 0);
    });

    it('100 lines from one kcat producer land as a few multi-record batches with contiguous offsets', () => {
      expect(batches.length).toBeGreaterThanOrEqual(1);
      expect(batches.length).toBeLessThanOrEqual(4);
      expect(batches[0]!.baseOffset).toBe(0n);
      for (let i = 1; i < batches.length; i++) expect(batches[i]!.baseOffset).toBe(batches[i - 1]!.lastOffset + 1n);
      expect(batches.at(-1)!.lastOffset).toBe(99n);
      expect(batches.reduce((n, b) => n + b.recordCount, 0)).toBe(100);
      expect(Math.max(...batches.map((b) => b.recordCount))).toBeGreaterThanOrEqual(25);
    });

    it('-o N in the middle of a batch yields exactly records N.. (the broker returns the whole batch; the client skips)', async () => {
      // Pick an offset strictly inside the largest batch.
      const big = batches.reduce((a, b) => (b.recordCount > a.recordCount ? b : a));
      const n = Number(big.baseOffset) + Math.floor(big.recordCount / 2);
      expect(BigInt(n)).toBeGreaterThan(big.baseOffset);
      const rows = await consume(['-t', t, '-p', '0', '-o', String(n)]);
      expect(rows.map((r) => [Number(r[1]), r[2], r[3]])).toEqual(Array.from({ length: 100 - n }, (_, i) => [n + i, `key-${n + i}`, `value-${n + i}`]));
    });

    it('-o -5 reads the last five records (ListOffsets latest, then seek back)', async () => {
      const rows = await consume(['-t', t, '-p', '0', '-o', '-5']);
      expect(rows.map((r) => [Number(r[1]), r[2]])).toEqual([95, 96, 97, 98, 99].map((o) => [o, `key-${o}`]));
    });

    it('-o end yields nothing and -c limits the count', async () => {
      expect(await consume(['-t', t, '-p', '0', '-o', 'end'])).toEqual([]);
      const rows = await consume(['-t', t, '-p', '0', '-o', '10', '-c', '3']);
      expect(rows.map((r) => Number(r[1]))).toEqual([10, 11, 12]);
    });
  });

  it('-o s@<timestamp> starts at the first record with timestamp >= it (ListOffsets by timestamp)', async () => {
    const t = topicName('bytime');
    await createTopic(t, 1);
    const T = 1_700_000_000_000n;
    // Three batches with distinct record timestamps: T+0,10,20 | T+100,110 | T+200.
    const specs = [
      { base: T, deltas: [0, 10, 20] },
      { base: T + 100n, deltas: [0, 10] },
      { base: T + 200n, deltas: [0] },
    ];
    let n = 0;
    for (const s of specs) {
      const records = s.deltas.map((d) => ({ key: null, value: Buffer.from(`r${n++}`), timestampDelta: d }));
      const res = await raw.request(0, 9, {
        transactionalId: null, acks: -1, timeoutMs: 5000,
        topicData: [{ name: t, partitionData: [{ index: 0, records: buildRecordBatch({ baseTimestamp: s.base, records }) }] }],
      });
      expect(res.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
    }
    const cases: [bigint, number[]][] = [
      [T, [0, 1, 2, 3, 4, 5]],
      [T + 15n, [2, 3, 4, 5]], // inside the first batch
      [T + 105n, [4, 5]], // inside the second
      [T + 200n, [5]],
    ];
    for (const [ts, offsets] of cases) {
      const rows = await consume(['-t', t, '-p', '0', '-o', `s@${ts}`]);
      expect(rows.map((r) => Number(r[1])), `s@${ts}`).toEqual(offsets);
      expect(rows.map((r) => r[3])).toEqual(offsets.map((o) => `r${o}`));
    }
    expect(await consume(['-t', t, '-p', '0', '-o', `s@${T + 10_000n}`])).toEqual([]);
  });

  it('kcat -z: records round-trip for every codec and are stored compressed with it', async () => {
    const t = topicName('codecs');
    await createTopic(t, 1);
    const codecs = ['gzip', 'snappy', 'lz4', 'zstd'] as const;
    const codecOfBatches: number[][] = [];
    for (const name of codecs) {
      const before = (await storedBatches(raw, t, 0)).length;
      const lines = Array.from({ length: 10 }, (_, i) => `${name}-${i}:${`${name} payload ${i} `.repeat(8)}`).join('\n');
      await kcat(bs, ['-P', '-t', t, '-p', '0', '-K', ':', '-z', name, '-X', 'linger.ms=50'], { input: `${lines}\n` });
      codecOfBatches.push((await storedBatches(raw, t, 0)).slice(before).map((b) => b.compression));
    }
    // librdkafka before the fix for confluentinc/librdkafka#4956 sends gzip/snappy/lz4 uncompressed unless the
    // broker advertises Produce v0; kafkalite does (legacy formats), so every codec must arrive compressed.
    const expected = [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];
    codecOfBatches.forEach((cs, i) => {
      expect(cs.length).toBeGreaterThan(0);
      for (const c of cs) expect(c, codecs[i]).toBe(expected[i]);
    });
    const rows = await consume(['-t', t, '-p', '0', '-o', 'beginning']);
    expect(rows.map((r) => r[1])).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
    codecs.forEach((name, c) => {
      for (let i = 0; i < 10; i++) {
        expect(rows[c * 10 + i]!.slice(2, 4)).toEqual([`${name}-${i}`, `${name} payload ${i} `.repeat(8)]);
      }
    });
  });

  it('kcat decompresses a gzip batch produced by another client (the broker passes it through untouched)', async () => {
    const t = topicName('gzip-raw');
    await createTopic(t, 1);
    const plain = buildRecordBatch({
      baseTimestamp: 1_700_000_000_000n,
      records: Array.from({ length: 5 }, (_, i) => ({ key: Buffer.from(`gk${i}`), value: Buffer.from(`gzip value ${i}`), headers: [{ key: 'i', value: Buffer.from(String(i)) }] })),
    });
    const res = await raw.request(0, 9, {
      transactionalId: null, acks: -1, timeoutMs: 5000,
      topicData: [{ name: t, partitionData: [{ index: 0, records: gzipBatch(plain) }] }],
    });
    expect(res.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
    expect((await storedBatches(raw, t, 0)).map((b) => b.compression)).toEqual([CompressionType.Gzip]);
    const rows = await consume(['-t', t, '-p', '0', '-o', '2']);
    expect(rows.map((r) => r.slice(1, 6))).toEqual([2, 3, 4].map((i) => [String(i), `gk${i}`, `gzip value ${i}`, `i=${i}`, '1700000000000']));
  });

  it('acks=0 and acks=all producers both store their records', async () => {
    const t = topicName('acks');
    await createTopic(t, 1);
    await kcat(bs, ['-P', '-t', t, '-p', '0', '-X', 'acks=0'], { input: 'zero-1\nzero-2\n' });
    await kcat(bs, ['-P', '-t', t, '-p', '0', '-X', 'acks=all'], { input: 'all-1\n' });
    // acks=0 gives kcat no delivery report from the broker, so poll until both writes are visible.
    let rows: string[][] = [];
    for (let i = 0; i < 20 && rows.length < 3; i++) {
      rows = await consume(['-t', t, '-p', '0', '-o', 'beginning']);
      if (rows.length < 3) await new Promise((r) => setTimeout(r, 50));
    }
    expect(rows.map((r) => r[3]).sort()).toEqual(['all-1', 'zero-1', 'zero-2']);
  });

  it('consuming a topic that does not exist reports an error instead of hanging', async () => {
    const t = topicName('missing');
    // Auto-creation is on in the broker, but librdkafka's consumer asks Metadata (v4+) not to (allow.auto.create.topics=false).
    const r = await runKcat(bs, ['-C', '-t', t, '-p', '0', '-o', 'beginning', '-e'], { timeoutMs: 6000 });
    expect(r.timedOut, r.stderr).toBe(false);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Topic ${t} error: Broker: Unknown topic or partition`);
    expect(broker.broker.store.topic(t)).toBeUndefined();
  });
});
