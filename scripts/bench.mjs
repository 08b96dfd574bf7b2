// Start-up and generation benchmark (npm run bench). Paired measurements in one run: each round runs
// the baseline (`node -e 0`) and the candidate back to back, alternating which goes first, output on
// tmpfs; the report gives medians and ratios against the targets.
//   node scripts/bench.mjs [--rounds N] [--json]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
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
const rounds = Number(args[args.indexOf('--rounds') + 1]) || 15;
const asJson = args.includes('--json');
const base = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/cn-bench-') : mkdtempSync(join(tmpdir(), 'cn-bench-'));
const onTmpfs = base.startsWith('/dev/shm');

// Records the child's peak RSS without a wrapper process: a preloaded module prints it at exit. The
// preload has a cost of its own, so memory is measured in separate, untimed runs.
const rssHook = join(base, 'rss-hook.cjs');
writeFileSync(rssHook, "process.on('exit', () => process.stderr.write(`\\n__RSS_KB__ ${process.resourceUsage().maxRSS}\\n`));\n");

const LANGS = ['node', 'go', 'python', 'java'];
function answers(n) {
  const services = Array.from({ length: n }, (_, i) => `  - { name: svc-${i}, language: ${LANGS[i % 4]}, port: ${8080 + i}, protocol: ${i % 3 === 2 ? 'grpc' : 'http'} }`);
  const file = join(base, `answers-${n}.yaml`);
  writeFileSync(file, `project: { name: bench }\nservices:\n${services.join('\n')}\n`);
  return file;
}

let seq = 0;
function time(argv, { rss = false } = {}) {
  const nodeArgs = rss ? ['--require', rssHook, ...argv] : argv;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, nodeArgs, { encoding: 'utf8', env: { ...process.env, CI: '1' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`bench: ${argv.join(' ')} failed:\n${r.stderr}`);
  const m = /__RSS_KB__ (\d+)/.exec(r.stderr ?? '');
  return { ms, rssMiB: m ? Number(m[1]) / 1024 : undefined };
}
const outDir = () => join(base, `out-${seq++}`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const cases = [
  { id: 'version', title: '--version vs node -e 0', argv: () => [cli, '--version'], target: { ratio: 1.3 } },
  { id: 'default', title: 'init --yes --no-git (default stack) vs node -e 0', argv: () => [cli, 'init', outDir(), '--yes', '--no-git'], target: { ratio: 2.0 }, rss: true },
  { id: 'svc20', title: 'init, 20 services vs node -e 0', argv: () => [cli, 'init', outDir(), '--no-git', '--answers', answers20], target: { ratio: 3.0 } },
  { id: 'svc100', title: 'init, 100 services in one run (absolute)', argv: () => [cli, 'init', outDir(), '--no-git', '--answers', answers100], target: { ms: 1000 }, rss: true },
];
const answers20 = answers(20);
const answers100 = answers(100);

for (const c of cases) time(c.argv()); // warm the file cache once
const results = [];
for (const c of cases) {
  const baseline = [];
  const cand = [];
  const rss = [];
  const n = c.id === 'svc100' ? Math.max(5, Math.ceil(rounds / 3)) : rounds;
  for (let i = 0; i < n; i++) {
    const runBase = () => baseline.push(time(['-e', '0']).ms);
    const runCand = () => cand.push(time(c.argv()).ms);
    if (i % 2) { runBase(); runCand(); } else { runCand(); runBase(); }
  }
  if (c.rss) for (let i = 0; i < 3; i++) rss.push(time(c.argv(), { rss: true }).rssMiB);
  const b = median(baseline);
  const m = median(cand);
  const ratio = m / b;
  const peak = rss.length ? Math.max(...rss) : undefined;
  const pass = c.target.ratio ? ratio <= c.target.ratio : m <= c.target.ms;
  results.push({ id: c.id, title: c.title, rounds: n, baselineMs: +b.toFixed(1), medianMs: +m.toFixed(1), ratio: +ratio.toFixed(2), target: c.target, pass, peakRssMiB: peak && +peak.toFixed(1) });
}
const memTarget = 80;
const memRuns = results.filter((r) => r.peakRssMiB !== undefined);
const peak = Math.max(...memRuns.map((r) => r.peakRssMiB));
rmSync(base, { recursive: true, force: true });

if (asJson) {
  console.log(JSON.stringify({ node: process.version, tmpfs: onTmpfs, results, peakRssMiB: peak, memoryTarget: memTarget, memoryPass: peak <= memTarget }, null, 2));
} else {
  console.log(`cn-scaffold bench — node ${process.version}, output on ${onTmpfs ? 'tmpfs (/dev/shm)' : 'disk (no /dev/shm)'}, medians of paired runs`);
  for (const r of results) {
    const target = r.target.ratio ? `ratio <= ${r.target.ratio}` : `<= ${r.target.ms} ms`;
    const got = r.target.ratio ? `ratio ${r.ratio} (${r.medianMs} ms vs ${r.baselineMs} ms)` : `${r.medianMs} ms`;
    console.log(`${r.pass ? 'PASS' : 'FAIL'}  ${r.title.padEnd(52)} ${got.padEnd(34)} target ${target}`);
  }
  for (const r of memRuns) {
    const label = `peak memory (max RSS), ${r.id === 'default' ? 'default stack' : '100 services'}`;
    console.log(`${r.peakRssMiB <= memTarget ? 'PASS' : 'FAIL'}  ${label.padEnd(52)} ${(r.peakRssMiB.toFixed(1) + ' MiB').padEnd(34)} target <= ${memTarget} MiB`);
  }
}
