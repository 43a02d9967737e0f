// kcat (librdkafka) balanced consumers (`-G`) against a real broker socket:
// one member consumes a topic completely and commits; two members split the
// partitions, with librdkafka's eager assignors (range, roundrobin) and with
// cooperative-sticky (incremental rebalancing).
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reader } from '../../src/wire/reader.js';
import { buildRecordBatch } from '../../src/wire/record-batch.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { KCAT_BIN, kcat, kcatAvailable } from '../helpers/kcat.js';
import { RawClient } from '../helpers/raw-client.js';
import { committedOffsets } from '../helpers/stored.js';

const suffix = `${process.pid}-${Date.now().toString(36)}`;
const name = (base: string): string => `kcg-${base}-${suffix}`;
// Fast group reactions: librdkafka heartbeats every 100 ms; sessions as short as the broker allows here.
const GROUP_X = ['-X', 'session.timeout.ms=1000', '-X', 'heartbeat.interval.ms=100', '-X', 'auto.offset.reset=earliest', '-X', 'topic.metadata.refresh.interval.ms=500'];

let broker: TestBroker;
let raw: RawClient;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  broker = await startTestBroker({ groupMinSessionTimeoutMs: 100 });
  raw = await RawClient.connect(broker.port);
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  raw?.close();
  await broker?.close();
});

async function createTopic(topic: string, partitions: number, perPartition: number): Promise<string[]> {
  const res = await raw.request(19, 7, { topics: [{ name: topic, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  expect(res.topics[0].errorCode).toBe(0);
  const values: string[] = [];
  if (perPartition === 0) return values;
  const partitionData = [];
  for (let p = 0; p < partitions; p++) {
    const vals = Array.from({ length: perPartition }, (_, i) => `${topic}-p${p}-${i}`);
    values.push(...vals);
    partitionData.push({ index: p, records: buildRecordBatch({ records: vals.map((v) => ({ key: null, value: Buffer.from(v) })) }) });
  }
  const prod = await raw.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: topic, partitionData }] });
  for (const p of prod.responses[0].partitionResponses) expect(p.errorCode).toBe(0);
  return values;
}

/** A long-running kcat balanced consumer; lines are its `partition:offset:value` output. */
function startMember(groupId: string, topic: string, extra: string[] = []): { child: ChildProcess; lines: string[]; stderr: string[]; exited: Promise<number | null> } {
  const child = spawn(KCAT_BIN, ['-b', broker.bootstrapServers, '-G', groupId, ...GROUP_X, ...extra, '-u', '-f', '%p:%o:%s\\n', '-q', topic], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const lines: string[] = [];
  const stderr: string[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts.filter((l) => l !== ''));
  });
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return { child, lines, stderr, exited };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function describe1(groupId: string): Promise<any> {
  return (await raw.request(15, 5, { groups: [groupId], includeAuthorizedOperations: false })).groups[0];
}

/** Partitions of one topic in a consumer-protocol assignment (ConsumerProtocolAssignment). */
function assignedPartitions(assignment: Buffer, topic: string): number[] {
  if (assignment.length === 0) return [];
  const r = new Reader(assignment);
  r.int16();
  const out: number[] = [];
  const topics = r.arrayLength();
  for (let i = 0; i < topics; i++) {
    const t = r.string();
    const n = r.arrayLength();
    for (let j = 0; j < n; j++) {
      const p = r.int32();
      if (t === topic) out.push(p);
    }
  }
  return out.sort((a, b) => a - b);
}

describe.skipIf(!kcatAvailable)('kcat balanced consumer (-G)', () => {
  it('consumes a topic completely, commits, and leaves the group', async () => {
    const topic = name('all');
    const groupId = name('all-group');
    const values = await createTopic(topic, 4, 25);
    const r = await kcat(broker.bootstrapServers, ['-G', groupId, ...GROUP_X, '-e', '-f', '%p:%o:%s\\n', '-q', topic], { timeoutMs: 20_000 });
    const got = r.stdout.split('\n').filter(Boolean).map((l) => l.split(':')[2]);
    expect(got.sort()).toEqual([...values].sort());
    // librdkafka commits what it consumed when it closes, then sends LeaveGroup.
    expect(await committedOffsets(raw, groupId, topic, 4)).toEqual([25n, 25n, 25n, 25n]);
    expect((await describe1(groupId)).groupState).toBe('Empty');
    // A second run of the same group has nothing left to read.
    const again = await kcat(broker.bootstrapServers, ['-G', groupId, ...GROUP_X, '-e', '-f', '%p:%o:%s\\n', '-q', topic], { timeoutMs: 20_000 });
    expect(again.stdout.trim()).toBe('');
  });

  for (const strategy of ['range,roundrobin', 'roundrobin', 'cooperative-sticky']) {
    it(`two members split the partitions (partition.assignment.strategy=${strategy})`, async () => {
      const topic = name(`split-${strategy.replace(/[^a-z]/g, '')}`);
      const groupId = name(`split-group-${strategy.replace(/[^a-z]/g, '')}`);
      await createTopic(topic, 4, 0);
      const opts = ['-X', `partition.assignment.strategy=${strategy}`];
      const a = startMember(groupId, topic, opts);
      await waitFor('first member Stable', async () => {
        const d = await describe1(groupId);
        return d.groupState === 'Stable' && d.members.length === 1;
      });
      const b = startMember(groupId, topic, opts);
      let split: number[][] = [];
      await waitFor('two members sharing 4 partitions', async () => {
        const d = await describe1(groupId);
        if (d.groupState !== 'Stable' || d.members.length !== 2) return false;
        split = d.members.map((m: any) => assignedPartitions(m.memberAssignment, topic));
        return split.every((p) => p.length > 0) && split.flat().length === 4;
      });
      expect(split.flat().sort()).toEqual([0, 1, 2, 3]);
      expect(split.map((p) => p.length)).toEqual([2, 2]);
      expect((await describe1(groupId)).protocolData).toBe(strategy.split(',')[0]);

      // Produce now: each member gets exactly the messages of its partitions.
      const values: string[] = [];
      const partitionData = [];
      for (let p = 0; p < 4; p++) {
        const vals = Array.from({ length: 10 }, (_, i) => `${topic}-p${p}-${i}`);
        values.push(...vals);
        partitionData.push({ index: p, records: buildRecordBatch({ records: vals.map((v) => ({ key: null, value: Buffer.from(v) })) }) });
      }
      await raw.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: topic, partitionData }] });
      await waitFor('all 40 messages', () => a.lines.length + b.lines.length >= 40);
      await sleep(200);
      const all = [...a.lines, ...b.lines].map((l) => l.split(':')[2]);
      expect(all.sort()).toEqual(values.sort());
      const partsA = new Set(a.lines.map((l) => Number(l.split(':')[0])));
      const partsB = new Set(b.lines.map((l) => Number(l.split(':')[0])));
      expect([...partsA].filter((p) => partsB.has(p))).toEqual([]);
      expect(partsA.size).toBe(2);
      expect(partsB.size).toBe(2);

      // One member stops (LeaveGroup on close): the other takes over all partitions.
      a.child.kill('SIGTERM');
      await a.exited;
      await waitFor('one member with all partitions', async () => {
        const d = await describe1(groupId);
        return d.groupState === 'Stable' && d.members.length === 1 && assignedPartitions(d.members[0].memberAssignment, topic).length === 4;
      });
      b.child.kill('SIGTERM');
      await b.exited;
      await waitFor('group empty', async () => (await describe1(groupId)).groupState === 'Empty');
    });
  }
});
