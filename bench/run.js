#!/usr/bin/env node
/**
 * kafkalite benchmarks. Every figure is reported next to a baseline measured
 * in the same run (machines are noisy): both sides run a few times,
 * alternately, and medians are compared.
 *
 *   produce  Produce v9 (acks=1, ~1 MB batches of 1 KiB records, pipelined)
 *            against the broker (disk and --in-memory), vs a raw Node socket
 *            pump that reads the same frames and answers each with a tiny
 *            response (bench/pump-server.mjs).                    goal ratio ≥ 0.5
 *   fetch    Sequential Fetch v12 of a pre-filled partition, vs the pump server
 *            sending responses of the same sizes from pre-allocated buffers.
 *                                                                  goal ratio ≥ 0.5
 *   startup  spawn → first ApiVersions response over TCP (poll-connect), vs a
 *            bare Node TCP server (bench/bare-server.mjs).         goal ratio ≤ 1.5
 *   rss      VmRSS of the idle process after ApiVersions + Metadata, vs the
 *            bare server.                                          goal ratio ≤ 1.5
 *
 * Usage: node bench/run.js [produce|fetch|startup|rss ...] [--quick] [--profile]
 *   --quick    smaller volumes and fewer runs (a smoke test)
 *   --profile  run the brokers under --cpu-prof (profiles in bench/results/prof;
 *              summarize with `node bench/prof-summary.mjs <file>`)
 * Results: a table on stdout and bench/results/latest.json.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import {
  BenchConn,
  apiVersionsFrame,
  decodeResponse,
  metadataFrame,
  pipelinedProduce,
  sequentialFetch,
} from './lib/client.mjs';
import { CLI, ROOT, freePort, median, pollConnect, roundTrip, rssKiB, startServer } from './lib/proc.mjs';
import { RECORDS_PER_BATCH, makeBatch } from './lib/workload.mjs';

const MiB = 1024 * 1024;
const ALL = ['produce', 'fetch', 'startup', 'rss'];

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const profile = argv.includes('--profile');
const selected = argv.filter((a) => !a.startsWith('--'));
for (const s of selected) {
  if (!ALL.includes(s)) {
    process.stderr.write(`unknown benchmark '${s}' (expected ${ALL.join(', ')})\n`);
    process.exit(2);
  }
}
const which = selected.length ? ALL.filter((b) => selected.includes(b)) : ALL;

const CONFIG = {
  produce: { rounds: quick ? 1 : 5, runMs: quick ? 300 : 1500, warmup: quick ? 8 : 48, depth: 16 },
  fetch: { batches: quick ? 48 : 256, rounds: quick ? 1 : 5, runMs: quick ? 300 : 1500, maxBytes: 32 * MiB, partitionMaxBytes: 8 * MiB, prefillDepth: 16 },
  startup: { runs: quick ? 3 : 10 },
  rss: { runs: quick ? 1 : 3, settleMs: 500 },
};

const RESULTS_DIR = join(ROOT, 'bench', 'results');
const PROF_DIR = join(RESULTS_DIR, 'prof');
/** Node flags for a broker child: under --profile, a CPU profile named after the benchmark and side. */
const brokerNodeArgs = (name) => (profile ? ['--cpu-prof', '--cpu-prof-dir', PROF_DIR, '--cpu-prof-name', `${name}.cpuprofile`] : []);

const log = (msg) => process.stderr.write(`${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mbps = (bytes, ms) => bytes / 1e6 / (ms / 1000);
const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
/** The sides in a different order each round, so no side always runs first (or right after a GC-heavy one). */
const rotate = (xs, r) => xs.map((_, i) => xs[(i + r) % xs.length]);

// ---------------------------------------------------------------------------
// Broker setup helpers

async function createTopic(conn, name) {
  const res = await conn.request(19, 7, {
    topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 30000,
    validateOnly: false,
  });
  const t = res.topics[0];
  if (t.errorCode !== 0) throw new Error(`CreateTopics ${name}: error ${t.errorCode} ${t.errorMessage ?? ''}`);
}

async function deleteTopic(conn, name) {
  const res = await conn.request(20, 5, { topicNames: [name], timeoutMs: 30000 });
  const t = res.responses[0];
  if (t.errorCode !== 0) throw new Error(`DeleteTopics ${name}: error ${t.errorCode}`);
}

/** Starts the pump baseline plus a disk and an in-memory broker, each with one connection. */
async function startSides(bench, pumpArgs = []) {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'kafkalite-bench-'));
  const specs = [
    { name: 'baseline', broker: false, script: join(ROOT, 'bench', 'pump-server.mjs'), args: ['--port', '0', ...pumpArgs], nodeArgs: [] },
    { name: 'disk', broker: true, script: CLI, args: ['--port', '0', '--data-dir', dataDir], nodeArgs: brokerNodeArgs(`${bench}-disk`) },
    { name: 'memory', broker: true, script: CLI, args: ['--port', '0', '--in-memory'], nodeArgs: brokerNodeArgs(`${bench}-memory`) },
  ];
  const sides = [];
  const cleanup = async () => {
    for (const s of sides) s.conn?.close();
    await Promise.all(sides.map((s) => s.server.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (const spec of specs) {
      const server = await startServer(spec.script, spec.args, { nodeArgs: spec.nodeArgs });
      const side = { ...spec, server, conn: null, runs: [] };
      sides.push(side);
      side.conn = await BenchConn.connect(server.port);
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  return { sides, cleanup, dataDir };
}

function summarize(sides, unit) {
  const out = {};
  for (const s of sides) out[s.name] = { median: median(s.runs), runs: s.runs.map((x) => Number(x.toFixed(2))), unit };
  return out;
}

// ---------------------------------------------------------------------------
// 1. Produce

/**
 * Reference for the disk broker: how fast this process can hand the same
 * 1 MB writes to the OS (writeSync into a new file on the same file system,
 * no fsync), i.e. the page-cache write ceiling. Not a goal, a yardstick: on
 * VMs whose guest memory is backed lazily, first-touch page-cache writes can
 * be far slower than the loopback socket.
 */
function diskWriteCeiling(dir, buf, minMs) {
  const file = join(dir, `ceiling-${process.pid}.bin`);
  const fd = openSync(file, 'w');
  let pos = 0;
  const t0 = performance.now();
  try {
    while (performance.now() - t0 < minMs) {
      let done = 0;
      while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done, pos + done);
      pos += buf.length;
    }
  } finally {
    closeSync(fd);
  }
  const ms = performance.now() - t0;
  unlinkSync(file);
  return mbps(pos, ms);
}

async function benchProduce() {
  const cfg = CONFIG.produce;
  const batch = makeBatch();
  log(`produce: ${cfg.rounds} rounds × ≥${cfg.runMs} ms of ${(batch.length / 1e6).toFixed(2)} MB requests, ${cfg.depth} in flight`);
  const { sides, cleanup, dataDir } = await startSides('produce');
  const ceiling = [];
  try {
    // Warm-up: JIT, socket buffers, first segment files.
    for (const s of sides) {
      if (s.broker) await createTopic(s.conn, 'warmup');
      await pipelinedProduce(s.conn, 'warmup', batch, { count: cfg.warmup, depth: cfg.depth });
      if (s.broker) await deleteTopic(s.conn, 'warmup');
    }
    for (let r = 0; r < cfg.rounds; r++) {
      for (const s of rotate(sides, r)) {
        const topic = `produce-${r}`;
        if (s.broker) await createTopic(s.conn, topic);
        await sleep(50);
        const res = await pipelinedProduce(s.conn, topic, batch, { minMs: cfg.runMs, depth: cfg.depth });
        const v = mbps(res.bytes, res.ms);
        s.runs.push(v);
        log(`  round ${r + 1} ${s.name.padEnd(8)} ${fmt(v)} MB/s (${(res.bytes / 1e6).toFixed(0)} MB in ${res.ms.toFixed(0)} ms)`);
        // Free the memory broker's copy and the disk broker's files before the next side runs.
        if (s.broker) await deleteTopic(s.conn, topic);
      }
      await sleep(50);
      const c = diskWriteCeiling(dataDir, batch, cfg.runMs);
      ceiling.push(c);
      log(`  round ${r + 1} ${'ceiling'.padEnd(8)} ${fmt(c)} MB/s (writeSync of the same 1 MB batches to a new file, in the bench process)`);
    }
  } finally {
    await cleanup();
  }
  const m = summarize(sides, 'MB/s');
  m.diskWriteCeiling = { median: median(ceiling), runs: ceiling.map((x) => Number(x.toFixed(2))), unit: 'MB/s' };
  return {
    config: { ...cfg, batchBytes: batch.length, recordBytes: 1024, recordsPerBatch: RECORDS_PER_BATCH, produceVersion: 9, acks: 1 },
    results: m,
    rows: [
      row('produce, disk', m.disk.median, m.baseline.median, 'MB/s', 0, '>=', 0.5, pairedRatio(m.disk.runs, m.baseline.runs)),
      row('produce, memory', m.memory.median, m.baseline.median, 'MB/s', 0, '>=', 0.5, pairedRatio(m.memory.runs, m.baseline.runs)),
      row('  (info) disk vs page-cache write ceiling', m.disk.median, m.diskWriteCeiling.median, 'MB/s', 0, '', null, pairedRatio(m.disk.runs, m.diskWriteCeiling.runs)),
    ],
  };
}

// ---------------------------------------------------------------------------
// 2. Fetch

async function benchFetch() {
  const cfg = CONFIG.fetch;
  const batch = makeBatch();
  const endOffset = BigInt(cfg.batches * RECORDS_PER_BATCH);
  log(`fetch: ${cfg.batches} batches of ${(batch.length / 1e6).toFixed(2)} MB (${((cfg.batches * batch.length) / MiB).toFixed(0)} MiB), maxBytes ${cfg.maxBytes / MiB} MiB, partitionMaxBytes ${cfg.partitionMaxBytes / MiB} MiB, ${cfg.rounds} rounds`);
  const { sides, cleanup } = await startSides('fetch', ['--batches', String(cfg.batches)]);
  const sizes = {};
  try {
    for (const s of sides) {
      if (!s.broker) continue;
      await createTopic(s.conn, 'fetch');
      const t0 = performance.now();
      const res = await pipelinedProduce(s.conn, 'fetch', batch, { count: cfg.batches, depth: cfg.prefillDepth });
      log(`  prefill ${s.name.padEnd(8)} ${(res.bytes / 1e6).toFixed(0)} MB in ${(performance.now() - t0).toFixed(0)} ms`);
    }
    // Warm-up: the first 16 batches.
    for (const s of sides) await sequentialFetch(s.conn, 'fetch', BigInt(16 * RECORDS_PER_BATCH), cfg.maxBytes, cfg.partitionMaxBytes);
    for (let r = 0; r < cfg.rounds; r++) {
      for (const s of rotate(sides, r)) {
        await sleep(50);
        const res = await sequentialFetch(s.conn, 'fetch', endOffset, cfg.maxBytes, cfg.partitionMaxBytes, cfg.runMs);
        const v = mbps(res.bytes, res.ms);
        s.runs.push(v);
        sizes[s.name] = { bytesPerPass: res.bytes / res.passes, responsesPerPass: res.responses / res.passes };
        log(`  round ${r + 1} ${s.name.padEnd(8)} ${fmt(v)} MB/s (${(res.bytes / 1e6).toFixed(0)} MB in ${res.responses} responses, ${res.passes} passes, ${res.ms.toFixed(0)} ms)`);
      }
    }
  } finally {
    await cleanup();
  }
  if (new Set(Object.values(sizes).map((x) => `${x.bytesPerPass}/${x.responsesPerPass}`)).size !== 1) {
    log(`  WARNING: sides transferred different amounts: ${JSON.stringify(sizes)}`);
  }
  const m = summarize(sides, 'MB/s');
  return {
    config: { ...cfg, batchBytes: batch.length, fetchVersion: 12, transferred: sizes },
    results: m,
    rows: [
      row('fetch, disk', m.disk.median, m.baseline.median, 'MB/s', 0, '>=', 0.5, pairedRatio(m.disk.runs, m.baseline.runs)),
      row('fetch, memory', m.memory.median, m.baseline.median, 'MB/s', 0, '>=', 0.5, pairedRatio(m.memory.runs, m.baseline.runs)),
    ],
  };
}

// ---------------------------------------------------------------------------
// 3. Start-up and 4. idle RSS

const KINDS = {
  kafkalite: { script: CLI, args: (port) => ['--port', String(port), '--in-memory'] },
  bare: { script: join(ROOT, 'bench', 'bare-server.mjs'), args: (port) => ['--port', String(port)] },
};

/**
 * Spawns one server on a port picked beforehand (poll-connect needs to know it;
 * `--port 0` would only reveal it in the ready line), connects as soon as it
 * accepts and sends ApiVersions v3. Returns timings; `then(socket, pid)` runs
 * before the process is stopped.
 */
async function spawnAndAsk(kind, then) {
  const k = KINDS[kind];
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [k.script, ...k.args(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let readyMs = NaN;
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    if (Number.isNaN(readyMs) && d.includes('ready on')) readyMs = performance.now() - t0;
  });
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4096);
  });
  let socket;
  try {
    socket = await Promise.race([
      pollConnect(port, t0 + 20000),
      exited.then(() => Promise.reject(new Error(`${kind} exited before accepting connections\n${stderr}`))),
    ]);
    const res = await roundTrip(socket, apiVersionsFrame(1));
    const firstResponseMs = performance.now() - t0;
    if (kind === 'kafkalite') {
      const body = decodeResponse(18, 3, res);
      if (body.errorCode !== 0) throw new Error(`ApiVersions error ${body.errorCode}`);
    }
    const extra = then ? await then(socket, child.pid) : undefined;
    return { firstResponseMs, readyMs, extra };
  } finally {
    socket?.destroy();
    child.kill('SIGKILL');
    await exited;
  }
}

async function benchStartup() {
  const cfg = CONFIG.startup;
  log(`startup: ${cfg.runs} runs each, alternating`);
  const runs = { kafkalite: [], bare: [] };
  const ready = [];
  for (let i = 0; i < cfg.runs; i++) {
    for (const kind of i % 2 === 0 ? ['kafkalite', 'bare'] : ['bare', 'kafkalite']) {
      const r = await spawnAndAsk(kind);
      runs[kind].push(r.firstResponseMs);
      if (kind === 'kafkalite') ready.push(r.readyMs);
    }
  }
  const broker = median(runs.kafkalite);
  const bare = median(runs.bare);
  log(`  kafkalite ${runs.kafkalite.map((x) => x.toFixed(0)).join(' ')} ms (ready line at median ${fmt(median(ready), 0)} ms)`);
  log(`  bare      ${runs.bare.map((x) => x.toFixed(0)).join(' ')} ms`);
  return {
    config: cfg,
    results: {
      kafkalite: { median: broker, runs: runs.kafkalite.map((x) => Number(x.toFixed(1))), readyLineMedian: median(ready), unit: 'ms' },
      bare: { median: bare, runs: runs.bare.map((x) => Number(x.toFixed(1))), unit: 'ms' },
    },
    rows: [row('startup (spawn → ApiVersions)', broker, bare, 'ms', 0, '<=', 1.5, pairedRatio(runs.kafkalite, runs.bare))],
  };
}

async function benchRss() {
  const cfg = CONFIG.rss;
  log(`rss: ${cfg.runs} runs each, ${cfg.settleMs} ms idle after ApiVersions + Metadata`);
  const runs = { kafkalite: [], bare: [] };
  for (let i = 0; i < cfg.runs; i++) {
    for (const kind of i % 2 === 0 ? ['kafkalite', 'bare'] : ['bare', 'kafkalite']) {
      const r = await spawnAndAsk(kind, async (socket, pid) => {
        const md = await roundTrip(socket, metadataFrame(2));
        if (kind === 'kafkalite') decodeResponse(3, 12, md);
        await sleep(cfg.settleMs);
        return rssKiB(pid) / 1024;
      });
      runs[kind].push(r.extra);
    }
  }
  const broker = median(runs.kafkalite);
  const bare = median(runs.bare);
  log(`  kafkalite ${runs.kafkalite.map((x) => x.toFixed(1)).join(' ')} MiB, bare ${runs.bare.map((x) => x.toFixed(1)).join(' ')} MiB`);
  return {
    config: cfg,
    results: {
      kafkalite: { median: broker, runs: runs.kafkalite.map((x) => Number(x.toFixed(2))), unit: 'MiB' },
      bare: { median: bare, runs: runs.bare.map((x) => Number(x.toFixed(2))), unit: 'MiB' },
    },
    rows: [row('idle RSS', broker, bare, 'MiB', 1, '<=', 1.5, pairedRatio(runs.kafkalite, runs.bare))],
  };
}

// ---------------------------------------------------------------------------
// Report

/**
 * Median of per-round ratios: each run is divided by the baseline run of the
 * same round (they ran seconds apart), which cancels slow drifts of a shared
 * machine better than a ratio of two medians.
 */
function pairedRatio(runs, baselineRuns) {
  const n = Math.min(runs.length, baselineRuns.length);
  const ratios = [];
  for (let i = 0; i < n; i++) ratios.push(runs[i] / baselineRuns[i]);
  return median(ratios);
}

/** A table row; `goal` null makes it informational (no verdict). `ratio` defaults to value / baseline. */
function row(name, value, baseline, unit, digits, op, goal, pairRatio) {
  const ratio = pairRatio ?? value / baseline;
  const ok = goal === null ? null : op === '>=' ? ratio >= goal : ratio <= goal;
  return { name, value, baseline, unit, digits, ratio, goal: goal === null ? '' : `${op} ${goal}`, ok };
}

function printTable(rows) {
  const header = ['benchmark', 'kafkalite', 'baseline', 'ratio', 'goal', ''];
  const lines = rows.map((r) => [
    r.name,
    `${fmt(r.value, r.digits)} ${r.unit}`,
    `${fmt(r.baseline, r.digits)} ${r.unit}`,
    fmt(r.ratio, 2),
    r.goal.replace('>=', '≥').replace('<=', '≤'),
    r.ok === null ? '' : r.ok ? 'ok' : 'MISS',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmtLine = (l) => l.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  process.stdout.write(`\n${fmtLine(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const l of lines) process.stdout.write(`${fmtLine(l)}\n`);
}

async function main() {
  const t0 = performance.now();
  if (profile) mkdirSync(PROF_DIR, { recursive: true });
  const benches = { produce: benchProduce, fetch: benchFetch, startup: benchStartup, rss: benchRss };
  const out = {};
  const rows = [];
  for (const name of which) {
    const r = await benches[name]();
    out[name] = r;
    rows.push(...r.rows);
  }
  printTable(rows);
  const totalS = (performance.now() - t0) / 1000;
  process.stdout.write(`\n(MB = 10^6 bytes; figures are medians of alternating runs, ratios the median of per-round ratios; ${totalS.toFixed(0)} s total${quick ? ', --quick' : ''})\n`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    quick,
    profile,
    durationSeconds: Number(totalS.toFixed(1)),
    benchmarks: out,
  };
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(report, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
  if (profile) process.stdout.write(`profiles in ${PROF_DIR} (node bench/prof-summary.mjs <file.cpuprofile>)\n`);
  // Exit status reflects the run, not the goals: a missed goal is a finding, not a crash.
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
