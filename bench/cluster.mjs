// Start-up time of a simulated 3-broker cluster against a single broker, in
// the same run (goal: ratio ≤ 1.2):
//   - CLI: spawn `dist/cli.js --in-memory --port 0 [--brokers 3]` → the ready
//     line (printed once every listener is bound and Metadata has been served);
//   - in-process: `startBroker({ inMemory: true, port: 0 [, brokers: 3] })` from
//     dist/ → resolved, then close() (the cost a test suite pays per broker).
// The two sides alternate, in rotating order; medians, and the median of the
// per-round ratios. Needs `npm run build` first.
//
// Usage: node bench/cluster.mjs [--runs N] [--quick]
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, startServer } from './lib/proc.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : quick ? 3 : 15;
const IN_PROCESS_RUNS = RUNS * 4;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function cliStartup(brokers) {
  const t0 = performance.now();
  const extra = brokers > 1 ? ['--brokers', String(brokers)] : [];
  const s = await startServer(CLI, ['--in-memory', '--port', '0', '--log-level', 'warn', ...extra]);
  const ms = performance.now() - t0;
  await s.stop();
  return ms;
}

const { startBroker } = await import(join(ROOT, 'dist', 'index.js'));

async function inProcessStartup(brokers) {
  const t0 = performance.now();
  const b = await startBroker({ inMemory: true, port: 0, logLevel: 'silent', ...(brokers > 1 ? { brokers } : {}) });
  const ms = performance.now() - t0;
  await b.close();
  return ms;
}

async function measure(label, fn, runs) {
  const single = [];
  const cluster = [];
  // Warm-up (module loading, JIT) on both sides, not counted.
  await fn(1);
  await fn(3);
  for (let i = 0; i < runs; i++) {
    for (const n of i % 2 === 0 ? [1, 3] : [3, 1]) (n === 1 ? single : cluster).push(await fn(n));
  }
  const ratios = single.map((s, i) => cluster[i] / s);
  const out = { single: median(single), cluster: median(cluster), ratio: median(ratios), runs };
  console.log(`${label.padEnd(12)} 1 broker ${out.single.toFixed(1)} ms, 3 brokers ${out.cluster.toFixed(1)} ms, ratio ${out.ratio.toFixed(2)} (goal ≤ 1.2; ${runs} runs each)`);
  return out;
}

const cli = await measure('CLI', cliStartup, RUNS);
const inProcess = await measure('in-process', inProcessStartup, IN_PROCESS_RUNS);
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', 'cluster.json'), `${JSON.stringify({ date: new Date().toISOString(), cli, inProcess }, null, 2)}\n`);
