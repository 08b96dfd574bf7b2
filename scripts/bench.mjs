// Start-up and generation benchmark (npm run bench). Every process is started by a tiny C spawner
// (scripts/bench-spawn.c, compiled here with the system compiler): fork/exec/wait with output on
// /dev/null, timed with CLOCK_MONOTONIC, peak RSS from wait4. Nothing of Node's child_process (pipes,
// an event loop) sits in the measured span; the spawner's own cost is measured on /bin/true and shown.
// Pairs run back to back, alternating which goes first; the report gives medians, the baseline's
// absolute time next to each ratio, and peak memory from the same runs.
//   node scripts/bench.mjs [--rounds N] [--json]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli)) {
  console.error('bench: dist/cli.js missing; run `npm run build` (npm run bench does it)');
  process.exit(2);
}
const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1]) || 21;
const asJson = args.includes('--json');
const base = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/cn-bench-') : mkdtempSync(join(tmpdir(), 'cn-bench-'));
const onTmpfs = base.startsWith('/dev/shm');

const spawner = join(base, 'bench-spawn');
try {
  execFileSync('cc', ['-O2', '-o', spawner, join(root, 'scripts', 'bench-spawn.c')], { stdio: 'inherit' });
} catch {
  console.error('bench: needs a C compiler (cc) for its spawner, e.g. apt-get install gcc');
  process.exit(2);
}

/** One run: wall milliseconds, peak RSS in MiB. */
function run(argv) {
  const out = execFileSync(spawner, argv, { encoding: 'utf8', env: { ...process.env, CI: '1' } });
  const [ns, kib, status] = out.trim().split(' ').map(Number);
  if (status !== 0) throw new Error(`bench: ${argv.join(' ')} exited ${status}`);
  return { ms: ns / 1e6, rssMiB: kib / 1024 };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
let seq = 0;
const outDir = () => join(base, `out-${seq++}`);

// Projects: the default stack (init --yes, with the wave-2 defaults: network policies, gateway, DNS), and
// larger ones with a call graph; the 100-service one also with NATS subjects and data stores.
const LANGS = ['node', 'go', 'python', 'java'];
function answers(n, { messaging = false } = {}) {
  const lines = [];
  for (let i = 0; i < n; i++) {
    const calls = i + 1 < n ? `, calls: [svc-${i + 1}]` : '';
    const expose = i === 0 ? ', expose: true' : '';
    const nats = messaging ? (i % 2 ? `, subscribes: [{ subject: orders.svc${i - 1}, queue: svc-${i} }]` : `, publishes: [orders.svc${i}]`) : '';
    const uses = messaging ? `, uses: [${i % 4 === 1 ? 'kv' : 'sql'}]` : '';
    lines.push(`  - { name: svc-${i}, language: ${LANGS[i % 4]}, port: ${8080 + i}, protocol: ${i % 3 === 2 ? 'grpc' : 'http'}${calls}${expose}${nats}${uses} }`);
  }
  const blocks = messaging ? 'messaging: { pubsub: nats }\nstorage: { sql: vitess, kv: etcd }\n' : '';
  const file = join(base, `answers-${n}${messaging ? '-full' : ''}.yaml`);
  writeFileSync(file, `project: { name: bench }\nservices:\n${lines.join('\n')}\n${blocks}`);
  return file;
}
const answers20 = answers(20);
const answers100 = answers(100, { messaging: true });
const repo100 = join(base, 'repo-100');
run(['node', cli, 'init', repo100, '--no-git', '--answers', answers100]);

const node = process.execPath;
const cases = [
  { id: 'version', title: '--version', argv: () => [node, cli, '--version'], target: { ratio: 1.3 } },
  { id: 'default', title: 'init --yes --no-git (default stack)', argv: () => [node, cli, 'init', outDir(), '--yes', '--no-git'], target: { ratio: 2.0, rssMiB: 80 } },
  { id: 'svc20', title: 'init, 20 services with a call graph', argv: () => [node, cli, 'init', outDir(), '--no-git', '--answers', answers20], target: { ratio: 3.0 } },
  { id: 'svc100', title: 'init, 100 services, graph + NATS + data', argv: () => [node, cli, 'init', outDir(), '--no-git', '--answers', answers100], target: { ms: 1000, rssMiB: 128 }, rounds: 5 },
  { id: 'check100', title: 'regenerate --check, 100 services', argv: () => [node, cli, 'regenerate', repo100, '--check'], target: { ms: 1000, rssMiB: 128 }, rounds: 5 },
];

// The spawner's own cost (one fork + exec + wait), on a program that does nothing.
for (let i = 0; i < 5; i++) run(['/bin/true']);
const spawnCost = median(Array.from({ length: 21 }, () => run(['/bin/true']).ms));

for (const c of cases) run(c.argv()); // warm the file cache once
const results = [];
for (const c of cases) {
  const baseline = [];
  const cand = [];
  const n = c.rounds ? Math.max(c.rounds, Math.ceil(rounds / 3)) : rounds;
  for (let i = 0; i < n; i++) {
    const runBase = () => baseline.push(run([node, '-e', '0']));
    const runCand = () => cand.push(run(c.argv()));
    if (i % 2) { runBase(); runCand(); } else { runCand(); runBase(); }
  }
  const b = median(baseline.map((r) => r.ms));
  const m = median(cand.map((r) => r.ms));
  const rss = Math.max(...cand.map((r) => r.rssMiB));
  const ratio = m / b;
  const pass = (c.target.ratio ? ratio <= c.target.ratio : m <= c.target.ms) && (c.target.rssMiB === undefined || rss <= c.target.rssMiB);
  results.push({ id: c.id, title: c.title, rounds: n, baselineMs: +b.toFixed(1), medianMs: +m.toFixed(1), ratio: +ratio.toFixed(2), peakRssMiB: +rss.toFixed(1), target: c.target, pass });
}
rmSync(base, { recursive: true, force: true });

if (asJson) {
  console.log(JSON.stringify({ node: process.version, tmpfs: onTmpfs, spawnerMs: +spawnCost.toFixed(2), results }, null, 2));
} else {
  console.log(`cn-scaffold bench — node ${process.version}, output on ${onTmpfs ? 'tmpfs (/dev/shm)' : 'disk (no /dev/shm)'}, medians of paired runs`);
  console.log(`spawner cost (fork + exec + wait of /bin/true, included in every figure): ${spawnCost.toFixed(2)} ms; baseline: node -e 0`);
  for (const r of results) {
    const target = [r.target.ratio ? `ratio <= ${r.target.ratio}` : `<= ${r.target.ms} ms`, r.target.rssMiB ? `RSS <= ${r.target.rssMiB} MiB` : ''].filter(Boolean).join(', ');
    const got = r.target.ratio ? `${r.ratio}x (${r.medianMs} ms vs ${r.baselineMs} ms)` : `${r.medianMs} ms (node -e 0: ${r.baselineMs} ms)`;
    console.log(`${r.pass ? 'PASS' : 'FAIL'}  ${r.title.padEnd(42)} ${got.padEnd(34)} peak ${String(r.peakRssMiB).padStart(5)} MiB   target ${target}`);
  }
}
