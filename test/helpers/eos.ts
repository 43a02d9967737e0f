// Helpers for the exactly-once tests: read a partition as a consumer of either
// isolation level would see it (raw Fetch v11, aborted transactions dropped,
// control batches skipped), and a TCP proxy that drops connections after a
// produce request reached the broker, so the client retries a batch that was
// in fact appended.
import net from 'node:net';
import { BatchView, decodeRecords, splitBatches } from '../../src/wire/record-batch.js';
import { RawClient } from './raw-client.js';

export interface Consumed {
  values: string[];
  highWatermark: bigint;
  lastStableOffset: bigint;
  controlBatches: number;
  abortedTransactions: { producerId: bigint; firstOffset: bigint }[];
}

/** Everything a consumer of `isolationLevel` gets from `partition`, from offset 0, as values. */
export async function consume(raw: RawClient, topic: string, partition: number, isolationLevel: 0 | 1): Promise<Consumed> {
  const values: string[] = [];
  let controlBatches = 0;
  let offset = 0n;
  let hw = -1n;
  let lso = -1n;
  const aborted: { producerId: bigint; firstOffset: bigint }[] = [];
  for (;;) {
    const res = await raw.request(1, 11, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 10 << 20,
      isolationLevel,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1n, partitionMaxBytes: 10 << 20 }] }],
      forgottenTopicsData: [],
      rackId: '',
    });
    const p = res.responses[0].partitions[0];
    if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode}`);
    hw = p.highWatermark;
    lso = p.lastStableOffset;
    if (p.abortedTransactions) aborted.push(...p.abortedTransactions);
    const bytes: Buffer = Array.isArray(p.records) ? Buffer.concat(p.records) : (p.records ?? Buffer.alloc(0));
    if (bytes.length === 0) break;
    const split = splitBatches(bytes);
    if ('error' in split) throw new Error(split.message);
    const before = offset;
    // The Java consumer's algorithm (CompletedFetch.nextFetchedRecord): aborted transactions
    // in first-offset order; a producer is "aborting" from its first offset until its abort marker.
    const queue = [...(p.abortedTransactions ?? [])].sort((x: { firstOffset: bigint }, y: { firstOffset: bigint }) => (x.firstOffset < y.firstOffset ? -1 : 1));
    const skipping = new Set<bigint>();
    for (const b of split.batches as BatchView[]) {
      if (b.lastOffset < offset) continue;
      const pid = b.producerId;
      if (isolationLevel === 1 && pid >= 0n) while (queue.length > 0 && queue[0]!.firstOffset <= b.lastOffset) skipping.add(queue.shift()!.producerId);
      if (b.isControl) {
        controlBatches++;
        skipping.delete(pid);
      } else if (!(isolationLevel === 1 && b.isTransactional && skipping.has(pid))) {
        for (const r of decodeRecords(b.buf)) if (r.offset >= offset) values.push(r.value?.toString() ?? '<null>');
      }
      offset = b.lastOffset + 1n;
    }
    if (offset === before) break;
  }
  return { values, highWatermark: hw, lastStableOffset: lso, controlBatches, abortedTransactions: aborted };
}

export interface DroppingProxy {
  port: number;
  /** Produce requests seen. */
  produces: number;
  /** Connections dropped after the broker answered a produce (the answer is lost). */
  drops: number;
  /** Drop after every n-th produce request (0 = never). */
  dropEvery: number;
  close(): Promise<void>;
}

/** A proxy to 127.0.0.1:`target` that drops the connection instead of relaying every `dropEvery`-th Produce response. */
export async function droppingProxy(target: () => number, dropEvery = 0): Promise<DroppingProxy> {
  const sockets = new Set<net.Socket>();
  const state: DroppingProxy = { port: 0, produces: 0, drops: 0, dropEvery, close: async () => {} };
  const server = net.createServer((client) => {
    const upstream = net.connect(target(), '127.0.0.1');
    sockets.add(client).add(upstream);
    const doomed = new Set<number>(); // correlation ids whose response is swallowed
    let inBuf = Buffer.alloc(0);
    let outBuf = Buffer.alloc(0);
    const kill = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (d) => {
      inBuf = Buffer.concat([inBuf, d]);
      while (inBuf.length >= 4 && inBuf.length >= 4 + inBuf.readInt32BE(0)) {
        const size = inBuf.readInt32BE(0);
        const frame = inBuf.subarray(0, 4 + size);
        inBuf = inBuf.subarray(4 + size);
        if (frame.readInt16BE(4) === 0) {
          state.produces++;
          if (state.dropEvery > 0 && state.produces % state.dropEvery === 0) doomed.add(frame.readInt32BE(8));
        }
        upstream.write(frame);
      }
    });
    upstream.on('data', (d) => {
      outBuf = Buffer.concat([outBuf, d]);
      while (outBuf.length >= 4 && outBuf.length >= 4 + outBuf.readInt32BE(0)) {
        const size = outBuf.readInt32BE(0);
        const frame = outBuf.subarray(0, 4 + size);
        outBuf = outBuf.subarray(4 + size);
        if (doomed.has(frame.readInt32BE(4))) {
          state.drops++;
          kill();
          return;
        }
        client.write(frame);
      }
    });
    client.on('error', kill).on('close', kill);
    upstream.on('error', kill).on('close', kill);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as net.AddressInfo).port;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return state;
}
