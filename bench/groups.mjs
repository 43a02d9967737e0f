#!/usr/bin/env node
/**
 * Consumer-group latency: kafkajs consumers against kafkalite (from ../dist,
 * so `npm run build` first), broker in this process with its default
 * `group.initial.rebalance.delay.ms` (0).
 *
 *   join   3 consumers start together on a 6-partition topic while a producer
 *          keeps writing one record per partition every 10 ms. Reported: time
 *          until the group is Stable with all 3 members (read from the
 *          broker), and until each of the 3 has received records.
 *   leave  one member disconnects (LeaveGroup). Reported: time until the group
 *          is Stable again with the other 2, and until records written after
 *          the leave, from every partition the leaver owned, reached them.
 *
 * Two client profiles: "test" (heartbeatInterval 100 ms, maxWaitTimeInMs 100 ms,
 * what a test suite would use) and kafkajs' defaults (heartbeatInterval 3 s,
 * maxWaitTimeInMs 5 s). Classic-protocol members only learn about a rebalance
 * from their next heartbeat (or the end of their fetch long poll), so client
 * settings, not the broker, dominate the second profile.
 *
 * Usage: node bench/groups.mjs [--runs N] [--test-only]
 */
import { performance } from 'node:perf_hooks';
import kafkajs from 'kafkajs';
import { startBroker } from '../dist/index.js';

const { Kafka, logLevel } = kafkajs;
const argv = process.argv.slice(2);
const runsArg = argv.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(argv[runsArg + 1]) : 5;
const PROFILES = [
  { name: 'test settings (heartbeat 100 ms, maxWait 100 ms)', opts: { sessionTimeout: 10_000, heartbeatInterval: 100, maxWaitTimeInMs: 100 }, runs: RUNS },
  ...(argv.includes('--test-only') ? [] : [{ name: 'kafkajs defaults (heartbeat 3 s, maxWait 5 s)', opts: {}, runs: Math.min(RUNS, 2) }]),
];
const PARTITIONS = 6;
const MEMBERS = 3;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function until(cond, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error('timed out');
    await sleep(2);
  }
  return performance.now();
}

async function oneRun(handle, profile, run) {
  const { broker, bootstrapServers } = handle;
  const topic = `bench-groups-${run}-${Date.now()}`;
  const groupId = `${topic}-group`;
  const client = (id) => new Kafka({ clientId: id, brokers: [bootstrapServers], logLevel: logLevel.NOTHING });
  const admin = client('bench-admin').admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
  await admin.disconnect();

  // A producer writing one record per partition every 10 ms, each stamped with its send time.
  const producer = client('bench-producer').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  let producing = true;
  const pump = (async () => {
    while (producing) {
      const now = String(performance.now());
      await producer.send({ topic, acks: 1, messages: Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, value: now })) });
      await sleep(10);
    }
  })();

  const group = () => broker.groups.getGroup(groupId);
  const members = Array.from({ length: MEMBERS }, (_, i) => ({
    consumer: client(`bench-member-${i}`).consumer({ groupId, ...profile.opts }),
    firstAt: null,
    received: [], // { partition, sentAt, at }
    assignment: [],
  }));
  const t0 = performance.now();
  await Promise.all(
    members.map(async (m) => {
      m.consumer.on(m.consumer.events.GROUP_JOIN, (e) => (m.assignment = e.payload.memberAssignment[topic] ?? []));
      await m.consumer.connect();
      await m.consumer.subscribe({ topic, fromBeginning: false });
      await m.consumer.run({
        eachMessage: async ({ partition, message }) => {
          const at = performance.now();
          m.firstAt ??= at;
          m.received.push({ partition, sentAt: Number(message.value.toString()), at });
        },
      });
    }),
  );
  const stableAt = await until(() => group()?.stateName === 'Stable' && group().size === MEMBERS);
  const allReceivingAt = await until(() => members.every((m) => m.firstAt !== null));

  // One member leaves.
  await sleep(300);
  const leaver = members[MEMBERS - 1];
  const owned = [...leaver.assignment];
  const t1 = performance.now();
  const leaving = leaver.consumer.disconnect();
  const stableAgainAt = await until(() => group()?.stateName === 'Stable' && group().size === MEMBERS - 1);
  const takenOverAt = await until(() => owned.every((p) => members.slice(0, -1).some((m) => m.received.some((r) => r.partition === p && r.sentAt > t1))));
  await leaving;

  producing = false;
  await pump;
  await Promise.all([producer.disconnect(), ...members.slice(0, -1).map((m) => m.consumer.disconnect())]);
  return {
    stable: stableAt - t0,
    receiving: allReceivingAt - t0,
    rebalance: stableAgainAt - t1,
    takeover: takenOverAt - t1,
  };
}

const handle = await startBroker({ port: 0, inMemory: true, logLevel: 'warn' });
const rows = [];
try {
  for (const profile of PROFILES) {
    const results = [];
    for (let run = 0; run < profile.runs; run++) results.push(await oneRun(handle, profile, run));
    if (argv.includes("--verbose")) console.error(profile.name, results.map((r) => Object.values(r).map(Math.round).join("/")).join("  "));
    const m = (k) => `${Math.round(median(results.map((r) => r[k])))} (${Math.round(Math.max(...results.map((r) => r[k])))})`;
    const worst = (k) => Math.max(...results.map((r) => r[k]));
    rows.push({ profile: profile.name, runs: profile.runs, stable: m('stable'), receiving: m('receiving'), rebalance: m('rebalance'), takeover: m('takeover'), worstJoin: worst('receiving'), worstLeave: worst('takeover') });
  }
} finally {
  await handle.close();
}

const goal = (ms) => (ms < 1000 ? 'ok' : 'over 1 s');
console.log(`kafkalite consumer groups, ${MEMBERS} kafkajs members, ${PARTITIONS} partitions, group.initial.rebalance.delay.ms=0 (median (max), ms)\n`);
console.log('| client settings | runs | join: Stable | join: all receiving | leave: Stable again | leave: partitions taken over |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(`| ${r.profile} | ${r.runs} | ${r.stable} | ${r.receiving} | ${r.rebalance} | ${r.takeover} |`);
const t = rows[0];
console.log(`\ngoal (< 1 s with test settings, every run): join ${goal(t.worstJoin)}, leave ${goal(t.worstLeave)}`);
