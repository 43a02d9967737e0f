// Fetches from disk read into pooled buffers that are recycled once the response
// is on the socket (src/log/read-buffers.ts). The danger is recycling too early:
// another fetch would overwrite bytes a slow client has not received yet. Here a
// client stops reading in the middle of a ~36 MB response while another client
// keeps fetching from disk; every byte the slow client finally reads must be intact.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBuffers } from '../../src/log/read-buffers.js';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { buildRecordBatch, decodeRecords, splitBatches } from '../../src/wire/record-batch.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

const MiB = 1024 * 1024;
const RECORD = 16 * 1024;
const RECORDS_PER_BATCH = 16; // 256 KiB batches
/** 256 KiB batches per partition: 9 MiB is past the 1 MiB tail cache, so fetches read segment files. */
const BATCHES = { slow: 36, busy: 72 } as const;

let broker: TestBroker;
let admin: RawClient;
const clients: RawClient[] = [];
/** Every record value produced, by topic and partition, in offset order. */
const produced = new Map<string, Buffer[][]>();

beforeAll(async () => {
  broker = await startTestBroker({ inMemory: false });
  admin = await RawClient.connect(broker.port);
  for (const [topic, partitions] of [['slow', 4], ['busy', 2]] as const) {
    const res = await admin.request(19, 7, {
      topics: [{ name: topic, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(res.topics[0].errorCode).toBe(ErrorCode.NONE);
    const values: Buffer[][] = [];
    for (let p = 0; p < partitions; p++) {
      values.push([]);
      for (let b = 0; b < BATCHES[topic]; b++) {
        const records = Array.from({ length: RECORDS_PER_BATCH }, () => ({ key: null, value: randomBytes(RECORD), timestampDelta: 0 }));
        for (const r of records) values[p]!.push(r.value);
        const pr = await admin.request(0, 9, {
          transactionalId: null,
          acks: 1,
          timeoutMs: 5000,
          topicData: [{ name: topic, partitionData: [{ index: p, records: buildRecordBatch({ baseTimestamp: 1_700_000_000_000n, records }) }] }],
        });
        expect(pr.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
      }
    }
    produced.set(topic, values);
  }
}, 60_000);

afterAll(async () => {
  for (const c of [admin, ...clients]) c?.close();
  await broker?.close();
});

async function client(): Promise<RawClient> {
  const c = await RawClient.connect(broker.port);
  clients.push(c);
  return c;
}

function fetchRequest(topic: string, partitions: { partition: number; fetchOffset: bigint }[], partitionMaxBytes: number) {
  return {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 64 * MiB,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: partitions.map((p) => ({ partition: p.partition, currentLeaderEpoch: -1, fetchOffset: p.fetchOffset, logStartOffset: -1n, partitionMaxBytes })) }],
    forgottenTopicsData: [],
    rackId: '',
  };
}

/** Checks one partition's fetched bytes: valid CRCs, and exactly the values produced from `from` on. */
function expectIntact(topic: string, partition: number, records: Buffer, from: bigint): number {
  const split = splitBatches(records);
  if ('error' in split) throw new Error(`${topic}-${partition}: ${split.message}`);
  const want = produced.get(topic)![partition]!;
  let n = 0;
  for (const b of split.batches) {
    for (const r of decodeRecords(b.buf)) {
      if (r.offset < from) continue;
      expect(r.value!.equals(want[Number(r.offset)]!), `${topic}-${partition} offset ${r.offset}`).toBe(true);
      n++;
    }
  }
  return n;
}

describe('pooled read buffers (disk fetch)', () => {
  it('a slow reader gets intact data while another connection keeps fetching into recycled buffers', async () => {
    const slow = await client();
    const busy = await client();
    const reusedBefore = readBuffers.reused;

    slow.socket.pause();
    const slowResponse = slow.request(1, 12, fetchRequest('slow', [0, 1, 2, 3].map((partition) => ({ partition, fetchOffset: 0n })), 9 * MiB));
    slowResponse.catch(() => {}); // awaited below; a failed assertion before that must not add an unhandled rejection
    // The broker has read all four partitions and is stuck writing: loopback buffers hold far less than 36 MB.
    await new Promise((r) => setTimeout(r, 300));

    let busyRecords = 0;
    for (let i = 0; i < 24; i++) {
      // Every busy read is 9 MiB too (the partitions hold 18 MiB): the slow fetch's size class.
      const from = BigInt((i * 37) % (BATCHES.busy * RECORDS_PER_BATCH - 9 * 64));
      const res = await busy.request(1, 12, fetchRequest('busy', [{ partition: i % 2, fetchOffset: from }], 9 * MiB));
      const p = res.responses[0].partitions[0];
      expect(p.errorCode).toBe(ErrorCode.NONE);
      busyRecords += expectIntact('busy', i % 2, p.records, from);
    }
    // The busy fetches did go through the pool (so a premature release would have handed them the slow client's buffers).
    expect(readBuffers.reused - reusedBefore).toBeGreaterThan(10);
    expect(busyRecords).toBeGreaterThan(24 * 500);

    slow.socket.resume();
    const res = await slowResponse;
    let slowRecords = 0;
    for (const p of res.responses[0].partitions) {
      expect(p.errorCode).toBe(ErrorCode.NONE);
      slowRecords += expectIntact('slow', p.partitionIndex, p.records, 0n);
    }
    // Each partition returns whole batches up to 9 MiB: all but the last batch or so of the 36.
    expect(slowRecords).toBeGreaterThan(4 * (BATCHES.slow - 2) * RECORDS_PER_BATCH);
  }, 60_000);

  it('a client that disconnects mid-response does not disturb the others', async () => {
    const quitter = await client();
    const reader = await client();
    quitter.socket.pause();
    void quitter.request(1, 12, fetchRequest('slow', [0, 1, 2, 3].map((partition) => ({ partition, fetchOffset: 0n })), 9 * MiB)).catch(() => {});
    await new Promise((r) => setTimeout(r, 200));
    quitter.socket.destroy();
    for (let i = 0; i < 8; i++) {
      const res = await reader.request(1, 12, fetchRequest('slow', [{ partition: i % 4, fetchOffset: 0n }], 9 * MiB));
      expect(expectIntact('slow', i % 4, res.responses[0].partitions[0].records, 0n)).toBeGreaterThan(500);
    }
  }, 60_000);
});
