// Issue 14, defects 4 and 5, as behaviour: the generated delivery gates and alerts, evaluated through
// a real Prometheus (Debian `prometheus`) scraping the real node and python skeletons.
// - Each skeleton runs as several processes: healthy, failing half its requests, slow (0.8 s), idle
//   (probes only) and sparse (5 requests); the FAULT_* test switch of the skeletons does the harm.
// - Every delivery variant (Argo Rollouts, Flagger) x scrape setup (ServiceMonitor, plain prometheus.yml)
//   gets a namespace. There each behaviour is the NEW version of one release, and a process of the
//   opposite kind is the old one (stable / primary): a gate that mixed them would pass the idle canary
//   and fail the healthy one. Pods and Services are what Kubernetes and the controllers would have
//   (test/support/scrape.ts); the GENERATED relabelling turns them into series.
// - Each AnalysisTemplate / MetricTemplate query is rendered by helm, filled in as Argo/Flagger do, run
//   on the HTTP API and judged with the controller's rules: healthy passes, errors or latency fail,
//   no or too little traffic is never a pass. Alert expressions fire on exactly the harmed releases.
// Windows are shortened through the chart values (rollout.analysis.window, Flagger's {{ interval }}).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { applySet, emptyAnswers } from '../src/config/sources.js';
import { renderProject } from '../src/generate.js';
import { helmTemplate, helmTemplateAsync, writeChart, type K8sObject, type Rendered } from './support/charts.js';
import { argoPhase, argoRender, flaggerCheck, flaggerRender, query } from './support/gates.js';
import { flaggerPrimaryLabels, flaggerServices, podDiscoveryJob, serviceFrom, serviceMonitorJobs, type Pod, type Service } from './support/scrape.js';
import { drive, freePort, grpcClients, mustRun, start, type Running } from './support/services.js';

const HAS_PROMETHEUS = spawnSync('prometheus', ['--version'], { stdio: 'ignore' }).status === 0;
const HAS_PYTHON = spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0;
const WINDOW_S = 15;

const KINDS = [
  { chart: 'api', language: 'node', protocol: 'http', port: 8080 },
  ...(HAS_PYTHON ? [{ chart: 'worker', language: 'python', protocol: 'http', port: 8081 } as const] : []),
  { chart: 'notes', language: 'node', protocol: 'grpc', port: 9001 },
] as const;
type Kind = (typeof KINDS)[number];
const BEHAVIOURS = {
  ok: {},
  err: { FAULT_ERROR_RATIO: '0.5' },
  slow: { FAULT_DELAY_SECONDS: '0.8' },
  idle: {},
  sparse: {},
} as const;
type Behaviour = keyof typeof BEHAVIOURS;
const B = Object.keys(BEHAVIOURS) as Behaviour[];
/** The old version next to each new one: the opposite, so that mixing them would change the verdict. */
const OLD: Record<Behaviour, Behaviour> = { ok: 'err', err: 'ok', slow: 'ok', idle: 'ok', sparse: 'ok' };

const VARIANTS = [
  { ns: 'argo-sm', controller: 'argo-rollouts', strategy: 'canary', metrics: 'kube-prometheus-stack', steady: true },
  { ns: 'argo-plain', controller: 'argo-rollouts', strategy: 'blue-green', metrics: 'prometheus', steady: true },
  { ns: 'flagger-sm', controller: 'flagger', strategy: 'blue-green', metrics: 'kube-prometheus-stack', steady: false },
  { ns: 'flagger-plain', controller: 'flagger', strategy: 'blue-green', metrics: 'prometheus', steady: false },
] as const;
type Variant = (typeof VARIANTS)[number];

let work = '';
let prom: ChildProcess | undefined;
let promBase = '';
const procs = new Map<string, Running>(); // `${chart}/${behaviour}` -> process
/** Per variant: the rendered chart of every release. */
const renders = new Map<string, Rendered>(); // `${ns}/${release}`
const trees = new Map<string, ReturnType<typeof renderProject>['tree']>();

function tree(v: Variant) {
  const raw = emptyAnswers();
  const services = KINDS.map((k) => ({ name: k.chart, language: k.language, protocol: k.protocol, port: k.port }));
  for (const s of [
    'project.name=shop',
    `services=${JSON.stringify(services)}`,
    `cicd.controller=${v.controller}`,
    `cicd.${v.controller}.strategy=${v.strategy}`,
    `observability.metrics=${v.metrics}`,
    'observability.tracing=none',
  ]) applySet(raw, s);
  return renderProject(raw, catalog).tree;
}

const podTemplate = (r: Rendered, release: string): K8sObject => (r.find('Rollout', release) ?? r.get('Deployment', release))['spec']['template'];

/** The pod of one process under a release, with the labels and annotations of the rendered pod template. */
function pod(v: Variant, r: Rendered, release: string, proc: Running, name: string, labels: Record<string, string>): Pod {
  const t = podTemplate(r, release);
  const annotations = { ...(t['metadata']['annotations'] ?? {}) } as Record<string, string>;
  // The kubelet maps the container port to the pod IP; here the process's local port plays that part.
  if (annotations['prometheus.io/port']) annotations['prometheus.io/port'] = String(proc.metricsPort);
  const ports: Pod['ports'] = {};
  for (const p of t['spec']['containers'][0]['ports'] as K8sObject[]) ports[p['name']] = { containerPort: p['containerPort'], local: p['name'] === 'metrics' ? proc.metricsPort : proc.port };
  return { name, namespace: v.ns, labels, annotations, ports };
}

/** Pods and Services of one release in one variant; `newProc`/`oldProc` are the two versions (old optional). */
function release(v: Variant, r: Rendered, rel: string, newProc: Running, oldProc: Running | undefined): { pods: Pod[]; services: Service[] } {
  const labels = podTemplate(r, rel)['metadata']['labels'] as Record<string, string>;
  const rendered = r.objects.filter((o) => o['kind'] === 'Service').map((o) => serviceFrom(o, v.ns));
  if (v.controller === 'argo-rollouts') {
    // Argo adds rollouts-pod-template-hash to the pods and to the selectors of the Services it manages.
    const [hNew, hOld] = ['6c8f9d7b5', '5b7d9c8f6'];
    const pods = [pod(v, r, rel, newProc, `${rel}-${hNew}-n1`, { ...labels, 'rollouts-pod-template-hash': hNew })];
    if (oldProc) pods.push(pod(v, r, rel, oldProc, `${rel}-${hOld}-o1`, { ...labels, 'rollouts-pod-template-hash': hOld }));
    const services = rendered.map((s) =>
      s.name === rel ? { ...s, selector: { ...s.selector, 'rollouts-pod-template-hash': oldProc ? hOld : hNew } } : s.name === `${rel}-preview` ? { ...s, selector: { ...s.selector, 'rollouts-pod-template-hash': hNew } } : s,
    );
    return { pods, services };
  }
  // Flagger: the new version runs as the target Deployment's pods, the old one as <name>-primary.
  const deployment = r.get('Deployment', rel);
  const pods = [pod(v, r, rel, newProc, `${rel}-7d9f8c6b5-n1`, labels)];
  if (oldProc) pods.push(pod(v, r, rel, oldProc, `${rel}-primary-5c6b7d8f9-o1`, flaggerPrimaryLabels(deployment)));
  return { pods, services: [...rendered, ...flaggerServices(r.get('Canary', rel), deployment, v.ns)] };
}

beforeAll(async () => {
  if (!HAS_PROMETHEUS) return;
  work = mkdtempSync(path.join(os.tmpdir(), 'cn-gates-'));
  for (const v of VARIANTS) trees.set(v.ns, tree(v));
  // 1. The skeletons, built as their own CI builds them.
  const first = trees.get(VARIANTS[0].ns)!;
  for (const [p, f] of first) {
    if (!KINDS.some((k) => p.startsWith(`services/${k.chart}/`))) continue;
    mkdirSync(path.dirname(path.join(work, p)), { recursive: true });
    writeFileSync(path.join(work, p), f.content);
  }
  await Promise.all(
    KINDS.filter((k) => k.language === 'node').map(async (k) => {
      await mustRun('npm', ['ci', '--no-audit', '--no-fund'], path.join(work, 'services', k.chart));
      await mustRun('npm', ['run', 'build'], path.join(work, 'services', k.chart));
    }),
  );
  // 2. One process per kind and behaviour.
  await Promise.all(
    KINDS.flatMap((k) =>
      B.map(async (b) => {
        const [cmd, args] = k.language === 'node' ? [process.execPath, ['dist/src/main.js']] : ['python3', ['app.py']];
        procs.set(`${k.chart}/${b}`, await start(cmd, args, path.join(work, 'services', k.chart), k.protocol, BEHAVIOURS[b]));
      }),
    ),
  );
  // 3. The cluster each variant would have, and the scrape configuration generated for it.
  const dead = await freePort(); // a pod whose process is gone: TargetDown
  const jobs: Record<string, unknown>[] = [];
  for (const v of VARIANTS) {
    const t = trees.get(v.ns)!;
    const pods: Pod[] = [];
    const services: Service[] = [];
    const monitors: K8sObject[] = [];
    for (const k of KINDS) {
      const dir = writeChart(t, k.chart);
      const rels: [string, Running, Running | undefined][] = B.map((b) => [`${k.chart}-${b}`, procs.get(`${k.chart}/${b}`)!, procs.get(`${k.chart}/${OLD[b]}`)!]);
      if (v.steady) {
        // Releases with one version only, for the alerts (they judge a whole job).
        for (const b of ['ok', 'err', 'slow', 'idle'] as Behaviour[]) rels.push([`${k.chart}-steady-${b}`, procs.get(`${k.chart}/${b}`)!, undefined]);
        rels.push([`${k.chart}-steady-down`, { ...procs.get(`${k.chart}/ok`)!, port: dead, metricsPort: dead }, undefined]);
      }
      // nameOverride: several releases of one chart share a namespace here, and Flagger's Services
      // select by app.kubernetes.io/name alone (in a generated project each chart is installed once).
      const rendered = await Promise.all(
        rels.map(([rel]) =>
          helmTemplateAsync(dir, { release: rel, namespace: v.ns, set: [`nameOverride=${rel}`, ...(v.controller === 'argo-rollouts' ? [`rollout.analysis.window=${WINDOW_S}s`] : [])] }),
        ),
      );
      for (const [i, [rel, newProc, oldProc]] of rels.entries()) {
        const r = rendered[i]!;
        renders.set(`${v.ns}/${rel}`, r);
        const c = release(v, r, rel, newProc, oldProc);
        pods.push(...c.pods);
        services.push(...c.services);
        const sm = r.find('ServiceMonitor', rel);
        if (sm) monitors.push(sm);
      }
    }
    if (v.metrics === 'kube-prometheus-stack') jobs.push(...monitors.flatMap((sm) => serviceMonitorJobs(sm, services, pods)));
    else {
      const generated = parse(t.get('deploy/observability/prometheus/prometheus.yml')!.content) as { scrape_configs: Record<string, any>[] };
      jobs.push(podDiscoveryJob(generated.scrape_configs.find((j) => j['job_name'] === 'kubernetes-pods')!, v.ns, pods));
    }
  }
  // 4. Prometheus, scraping every second.
  const port = await freePort();
  promBase = `http://127.0.0.1:${port}`;
  const config = path.join(work, 'prometheus.yml');
  writeFileSync(config, stringify({ global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' }, scrape_configs: jobs }));
  const check = spawnSync('promtool', ['check', 'config', '--syntax-only', config], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`scrape configuration rejected:\n${check.stdout}${check.stderr}`);
  prom = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${path.join(work, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: 'ignore' });
  const deadline = Date.now() + 30_000;
  while (!(await fetch(`${promBase}/-/ready`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline) throw new Error('prometheus did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
  // 5. Traffic: a full window and a few scrapes more; sparse gets 5 requests, idle only probes.
  const durationMs = (WINDOW_S + 4) * 1000;
  await Promise.all(
    KINDS.flatMap((k) =>
      B.map((b) => {
        const proc = procs.get(`${k.chart}/${b}`)!;
        const grpc = k.protocol === 'grpc' ? grpcClients(path.join(work, 'services', k.chart), proc.port) : undefined;
        return drive(proc, { durationMs, intervalMs: 100, count: b === 'idle' ? 0 : b === 'sparse' ? 5 : undefined, ...(grpc ? { grpc } : {}) });
      }),
    ),
  );
}, 300_000);

afterAll(() => {
  prom?.kill('SIGKILL');
  for (const p of procs.values()) p.child.kill('SIGKILL');
  if (work) rmSync(work, { recursive: true, force: true });
});

const verdicts = async (v: Variant, kind: Kind, b: Behaviour): Promise<Record<string, string>> => {
  const rel = `${kind.chart}-${b}`;
  const r = renders.get(`${v.ns}/${rel}`)!;
  const out: Record<string, string> = {};
  if (v.controller === 'argo-rollouts') {
    // The Rollout passes the latest ReplicaSet's hash (valueFrom.podTemplateHashValue: Latest).
    const at = r.get('AnalysisTemplate', rel);
    for (const m of at['spec']['metrics'] as K8sObject[]) {
      if (!m['provider']['prometheus']) continue;
      out[m['name']] = argoPhase(m, await query(promBase, argoRender(m['provider']['prometheus']['query'], { 'pod-template-hash': '6c8f9d7b5' })));
    }
  } else {
    const canary = r.get('Canary', rel);
    for (const m of canary['spec']['analysis']['metrics'] as K8sObject[]) {
      const mt = r.get('MetricTemplate', m['templateRef']['name']);
      const q = flaggerRender(mt['spec']['query'], { namespace: v.ns, target: rel, name: rel, service: rel, interval: `${WINDOW_S}s` });
      out[m['name']] = flaggerCheck(m, await query(promBase, q));
    }
  }
  return out;
};

const EXPECTED: Record<string, Record<Behaviour, Record<string, string>>> = {
  'argo-rollouts': {
    ok: { 'success-rate': 'Successful', 'latency-p99': 'Successful' },
    err: { 'success-rate': 'Failed', 'latency-p99': 'Successful' },
    slow: { 'success-rate': 'Successful', 'latency-p99': 'Failed' },
    idle: { 'success-rate': 'Inconclusive', 'latency-p99': 'Inconclusive' },
    sparse: { 'success-rate': 'Inconclusive', 'latency-p99': 'Inconclusive' },
  },
  flagger: {
    ok: { 'success-rate': 'pass', 'latency-p99': 'pass' },
    err: { 'success-rate': 'fail', 'latency-p99': 'pass' },
    slow: { 'success-rate': 'pass', 'latency-p99': 'fail' },
    idle: { 'success-rate': 'no values', 'latency-p99': 'no values' },
    sparse: { 'success-rate': 'no values', 'latency-p99': 'no values' },
  },
};

describe.skipIf(!HAS_PROMETHEUS)('delivery gates on a real Prometheus [needs prometheus]', () => {
  test('every pod is scraped exactly once, with job = its release', async () => {
    for (const v of VARIANTS) {
      const up = await query(promBase, `up{namespace="${v.ns}"}`);
      const perPod = new Map<string, number>();
      for (const s of up) perPod.set(s.metric['pod']!, (perPod.get(s.metric['pod']!) ?? 0) + 1);
      expect([...perPod].filter(([, n]) => n !== 1), v.ns).toEqual([]);
      for (const k of KINDS) {
        for (const b of B) {
          const pods = up.filter((s) => s.metric['job'] === `${k.chart}-${b}`).map((s) => s.metric['pod']).sort();
          // Both versions of the release, under the release's job.
          expect(pods, `${v.ns} ${k.chart}-${b}`).toHaveLength(2);
        }
      }
    }
  });

  for (const v of VARIANTS) {
    for (const k of KINDS) {
      test(`${v.ns}: ${k.chart} (${k.language} ${k.protocol}) gates judge the new version alone`, async () => {
        const got: Record<string, Record<string, string>> = {};
        for (const b of B) got[b] = await verdicts(v, k, b);
        expect(got).toEqual(EXPECTED[v.controller]);
      });
    }
  }

  test('PrometheusRule alerts fire on exactly the harmed, the down and the absent releases', async () => {
    const v = VARIANTS[0];
    for (const k of KINDS) {
      const fired: Record<string, string[]> = {};
      for (const b of ['ok', 'err', 'slow', 'idle', 'down']) {
        const rel = `${k.chart}-steady-${b}`;
        const rule = renders.get(`${v.ns}/${rel}`)!.get('PrometheusRule', rel);
        const alerts = (rule['spec']['groups'] as K8sObject[]).flatMap((g) => g['rules'] as K8sObject[]).filter((x) => x['alert'] && !/Restarting$/.test(x['alert']));
        fired[b] = [];
        for (const a of alerts) if ((await query(promBase, a['expr'])).length > 0) fired[b].push(String(a['alert']).replace(/^.*?(TargetDown|Absent|HighErrorRatio|HighLatency)$/, '$1'));
        // The recording rule has series whenever the service is scraped.
        const rec = (rule['spec']['groups'] as K8sObject[]).flatMap((g) => g['rules'] as K8sObject[]).find((x) => x['record']);
        expect((await query(promBase, rec!['expr'])).length > 0, `${rel} recording rule`).toBe(b !== 'down');
      }
      expect(fired, k.chart).toEqual({ ok: [], err: ['HighErrorRatio'], slow: ['HighLatency'], idle: [], down: ['TargetDown'] });
      // A release nobody scrapes (its ServiceMonitor matches nothing) is reported absent.
      const gone = helmTemplate(writeChart(trees.get(v.ns)!, k.chart), { release: `${k.chart}-gone`, namespace: v.ns, set: [`nameOverride=${k.chart}-gone`], notes: false }).get('PrometheusRule', `${k.chart}-gone`);
      const absent = (gone['spec']['groups'] as K8sObject[]).flatMap((g) => g['rules'] as K8sObject[]).find((x) => /Absent$/.test(String(x['alert'])));
      expect((await query(promBase, absent!['expr'])).length).toBe(1);
    }
  });

  test('plain Prometheus rules (services.rules.yml) fire on exactly the harmed and the down releases', async () => {
    const v = VARIANTS[1];
    const rules = parse(trees.get(v.ns)!.get('deploy/observability/prometheus/services.rules.yml')!.content) as { groups: { rules: K8sObject[] }[] };
    const alerts = rules.groups.flatMap((g) => g.rules).filter((r) => r['alert'] && r['alert'] !== 'ServiceRestarting');
    for (const k of KINDS) {
      const fired: Record<string, string[]> = {};
      for (const b of ['ok', 'err', 'slow', 'idle', 'down']) {
        fired[b] = [];
        for (const a of alerts) {
          const hit = (await query(promBase, a['expr'])).some((s) => s.metric['namespace'] === v.ns && s.metric['job'] === `${k.chart}-steady-${b}`);
          if (hit) fired[b].push(a['alert']);
        }
      }
      expect(fired, k.chart).toEqual({ ok: [], err: ['ServiceHighErrorRatio'], slow: ['ServiceHighLatency'], idle: [], down: ['ServiceTargetDown'] });
    }
  });
});
