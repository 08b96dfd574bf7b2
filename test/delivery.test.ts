// Issue 14: the generated charts under the progressive-delivery controllers, rendered with the real
// helm and checked against what the controllers do upstream (test/support/scrape.ts models Flagger's
// generated Services and primary pods from its source). Defects 3 (Flagger), 4 (Argo job labels,
// canary-only analysis), 5 (gate construction: no fallback, no probes, minimum traffic, load before
// promotion), 11 (graceful shutdown settings) and the NOTES.txt commands of 12. How the gates behave
// on real traffic is test/delivery-gates.test.ts.
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { applySet, emptyAnswers } from '../src/config/sources.js';
import { renderProject } from '../src/generate.js';
import { helmTemplate, selects, writeChart, type K8sObject, type Rendered } from './support/charts.js';
import { flaggerPrimaryLabels, flaggerServices } from './support/scrape.js';

const SERVICES = 'services=[{"name":"api","language":"node","port":8080},{"name":"ledger","language":"go","protocol":"grpc","port":9000}]';

function project(sets: string[]) {
  const raw = emptyAnswers();
  for (const s of ['project.name=shop', SERVICES, ...sets]) applySet(raw, s);
  return renderProject(raw, catalog).tree;
}
const cache = new Map<string, Rendered>();
/** The chart of `service` rendered as release <service> in namespace shop. */
function chart(sets: string[], service: string, values: string[] = []): Rendered {
  const key = JSON.stringify([sets, service, values]);
  if (!cache.has(key)) cache.set(key, helmTemplate(writeChart(project(sets), service), { release: service, namespace: 'shop', set: values }));
  return cache.get(key)!;
}
const FLAGGER = ['cicd.controller=flagger', 'cicd.flagger.strategy=blue-green'];
const ARGO_CANARY = ['cicd.controller=argo-rollouts'];
const ARGO_BG = ['cicd.controller=argo-rollouts', 'cicd.argo-rollouts.strategy=blue-green'];
const PLAIN = ['observability.metrics=prometheus'];
const NAMES = ['api', 'ledger'] as const;

const queries = (r: Rendered): string[] => [
  ...r.objects.filter((o) => o['kind'] === 'AnalysisTemplate').flatMap((o) => (o['spec']['metrics'] as K8sObject[]).flatMap((m) => (m['provider']['prometheus'] ? [m['provider']['prometheus']['query'] as string] : []))),
  ...r.objects.filter((o) => o['kind'] === 'MetricTemplate').map((o) => o['spec']['query'] as string),
];

describe('Flagger (defect 3)', () => {
  test.each(NAMES)('%s: no Service of the name Flagger owns; the ServiceMonitor selects exactly <name>-canary and <name>-primary', (name) => {
    const r = chart(FLAGGER, name);
    expect(r.objects.filter((o) => o['kind'] === 'Service')).toEqual([]);
    const canary = r.get('Canary', name);
    const deployment = r.get('Deployment', name);
    const generated = flaggerServices(canary, deployment, 'shop');
    expect(generated.map((s) => s.name)).toEqual([name, `${name}-primary`, `${name}-canary`]);
    const sm = r.get('ServiceMonitor', name);
    const selected = generated.filter((s) => selects(sm['spec']['selector'], s.labels));
    expect(selected.map((s) => s.name)).toEqual([`${name}-primary`, `${name}-canary`]);
    // The endpoint names a port those Services have: gRPC metrics come through portDiscovery.
    const port = sm['spec']['endpoints'][0]['port'];
    for (const s of selected) expect(s.ports.map((p) => p.name)).toContain(port);
    // ...and that port reaches the container's metrics (9464 for gRPC, the service port for HTTP).
    const target = selected[0]!.ports.find((p) => p.name === port)!.targetPort;
    const containerPorts = deployment['spec']['template']['spec']['containers'][0]['ports'] as K8sObject[];
    expect(containerPorts.some((p) => p['name'] === target || p['containerPort'] === target)).toBe(true);
    expect(sm['spec']['jobLabel']).toBe('app.kubernetes.io/instance');
    for (const s of selected) expect(s.labels['app.kubernetes.io/instance']).toBe(name);
  });

  test.each(NAMES)('%s: the PodDisruptionBudget covers the primary and the canary pods, not the helm test pod', (name) => {
    const r = chart(FLAGGER, name);
    const pdb = r.get('PodDisruptionBudget', name);
    const deployment = r.get('Deployment', name);
    expect(selects(pdb['spec']['selector'], flaggerPrimaryLabels(deployment))).toBe(true);
    expect(selects(pdb['spec']['selector'], deployment['spec']['template']['metadata']['labels'])).toBe(true);
    expect(selects(pdb['spec']['selector'], r.get('Pod', `${name}-test-connection`)['metadata']['labels'])).toBe(false);
  });

  test.each(NAMES)('%s: the Restarting alert matches the primary pods and the canary pods', (name) => {
    const rule = chart(FLAGGER, name).get('PrometheusRule', name);
    const expr = (rule['spec']['groups'] as K8sObject[]).flatMap((g) => g['rules']).find((x: K8sObject) => /Restarting$/.test(x['alert']))['expr'] as string;
    const re = new RegExp(`^(?:${/pod=~"([^"]+)"/.exec(expr)![1]})$`);
    expect(re.test(`${name}-primary-7d9f8c6b5-x2x9z`)).toBe(true);
    expect(re.test(`${name}-7d9f8c6b5-x2x9z`)).toBe(true);
    expect(re.test(`${name}-other-7d9f8c6b5-x2x9z`)).toBe(false);
  });

  test('without Flagger the chart keeps its Service and the PDB its plain selector', () => {
    const r = chart([], 'api');
    expect(r.get('Service', 'api')['spec']['selector']).toEqual({ 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' });
    expect(r.get('PodDisruptionBudget', 'api')['spec']['selector']).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' } });
  });
});

describe('Argo Rollouts analysis (defect 4)', () => {
  test.each(NAMES)('%s: the analysis job label is what the ServiceMonitor and the plain config give the series', (name) => {
    for (const sets of [ARGO_CANARY, ARGO_BG]) {
      const r = chart(sets, name);
      for (const q of queries(r)) expect(q).toContain(`job="${name}"`);
      // ServiceMonitor: job = the scraped Service's app.kubernetes.io/instance; the only Service it
      // selects is <name>-metrics (not the active or preview Services Argo re-points).
      const sm = r.get('ServiceMonitor', name);
      const services = r.objects.filter((o) => o['kind'] === 'Service');
      const selected = services.filter((s) => selects(sm['spec']['selector'], s['metadata']['labels']));
      expect(selected.map((s) => s['metadata']['name'])).toEqual([`${name}-metrics`]);
      expect(selected[0]!['metadata']['labels'][sm['spec']['jobLabel']]).toBe(name);
    }
    // Plain Prometheus: job = the pod's app.kubernetes.io/instance label, which is the release.
    const tree = project([...ARGO_BG, ...PLAIN]);
    const config = parse(tree.get('deploy/observability/prometheus/prometheus.yml')!.content) as { scrape_configs: K8sObject[] };
    const relabel = config.scrape_configs.find((j) => j['job_name'] === 'kubernetes-pods')!['relabel_configs'] as K8sObject[];
    expect(relabel.find((x) => x['target_label'] === 'job')!['source_labels']).toEqual(['__meta_kubernetes_pod_label_app_kubernetes_io_instance']);
    const rollout = helmTemplate(writeChart(tree, name), { release: name, notes: false }).get('Rollout', name);
    expect(rollout['spec']['template']['metadata']['labels']['app.kubernetes.io/instance']).toBe(name);
  });

  test('both strategies measure the latest ReplicaSet alone; both scrape setups keep its hash on the series', () => {
    for (const [sets, field] of [[ARGO_CANARY, 'canary'], [ARGO_BG, 'blueGreen']] as const) {
      const r = chart(sets, 'api');
      const strategy = r.get('Rollout', 'api')['spec']['strategy'][field];
      const analysis = field === 'canary' ? strategy['analysis'] : strategy['prePromotionAnalysis'];
      expect(analysis['args']).toEqual([{ name: 'pod-template-hash', valueFrom: { podTemplateHashValue: 'Latest' } }]);
      for (const q of queries(r)) {
        const selectors = q.match(/_(?:total|bucket)\{(?:"[^"]*"|[^"}])*\}/g)!;
        expect(selectors.length).toBeGreaterThan(0);
        for (const sel of selectors) expect(sel).toContain('rollouts_pod_template_hash="{{args.pod-template-hash}}"');
      }
      const sm = r.get('ServiceMonitor', 'api');
      expect(sm['spec']['endpoints'][0]['relabelings']).toEqual([{ sourceLabels: ['__meta_kubernetes_pod_label_rollouts_pod_template_hash'], targetLabel: 'rollouts_pod_template_hash' }]);
    }
    const plain = project([...ARGO_CANARY, ...PLAIN]).get('deploy/observability/prometheus/prometheus.yml')!.content;
    expect(plain).toMatch(/source_labels: \[__meta_kubernetes_pod_label_rollouts_pod_template_hash\]\n\s+action: replace\n\s+target_label: rollouts_pod_template_hash/);
  });
});

describe('gates are built to fail closed (defect 5)', () => {
  const variants: [string, string[]][] = [
    ['argo canary', ARGO_CANARY],
    ['argo blue-green', ARGO_BG],
    ['flagger', FLAGGER],
    ['argo canary, plain prometheus', [...ARGO_CANARY, ...PLAIN]],
  ];
  test.each(variants)('%s: no fallback value, probes and scrapes excluded, a minimum request count', (_, sets) => {
    for (const name of NAMES) {
      const qs = queries(chart(sets, name));
      expect(qs.length).toBe(2);
      for (const q of qs) {
        expect(q).not.toMatch(/vector\(/);
        expect(q).toMatch(/and on\(\) \(sum\(increase\(\w+_total\{.+\}\[[^\]]+\]\)\) >= 20\)$/);
        // Label matchers are quoted strings, which may hold Argo's / Flagger's {{ }} placeholders.
        for (const sel of q.match(/(http_requests_total|http_request_duration_seconds_bucket|grpc_server_handled_total|grpc_server_handling_seconds_bucket)\{(?:"[^"]*"|[^"}])*\}/g)!) {
          expect(sel).toMatch(name === 'api' ? /route!~"\/healthz\|\/readyz\|\/metrics"/ : /grpc_service!~"grpc\[\.\]\(health\|reflection\)\[\.\]\.\+"/);
        }
      }
    }
  });

  test('Argo conditions leave an empty result inconclusive, never successful', () => {
    const at = chart(ARGO_CANARY, 'api').get('AnalysisTemplate', 'api');
    for (const m of (at['spec']['metrics'] as K8sObject[]).filter((x) => x['provider']['prometheus'])) {
      expect(m['successCondition']).toMatch(/^len\(result\) > 0 && /);
      expect(m['failureCondition']).toMatch(/^len\(result\) > 0 && /);
      expect(m['initialDelay']).toBe(at['spec']['metrics'][0]['initialDelay']);
    }
  });

  test.each(NAMES)('%s: blue-green gets load before promotion, from a pinned image under Pod Security restricted', (name) => {
    // Argo: a Job metric in the pre-promotion analysis, against the preview Service.
    const at = chart(ARGO_BG, name).get('AnalysisTemplate', name);
    const load = (at['spec']['metrics'] as K8sObject[]).find((m) => m['provider']['job'])!;
    const pod = load['provider']['job']['spec']['template']['spec'];
    const c = pod['containers'][0];
    expect(c['image']).toMatch(/^ghcr\.io\/fluxcd\/flagger-loadtester:\d+\.\d+\.\d+$/);
    expect(c['args'].join(' ')).toContain(`${name}-preview.shop.svc.cluster.local:`);
    expect(c['command']).toEqual([name === 'api' ? 'hey' : 'ghz']);
    expect(pod['securityContext']).toMatchObject({ runAsNonRoot: true, runAsUser: 100, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c['securityContext']).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    // Canary analysis runs on real traffic: no load Job there.
    expect((chart(ARGO_CANARY, name).get('AnalysisTemplate', name)['spec']['metrics'] as K8sObject[]).some((m) => m['provider']['job'])).toBe(false);
    // Flagger: the load tester webhook, against the canary Service only.
    const hooks = chart(FLAGGER, name).get('Canary', name)['spec']['analysis']['webhooks'] as K8sObject[];
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({ type: 'rollout', url: 'http://flagger-loadtester.shop/', metadata: { type: 'cmd' } });
    expect(hooks[0]!['metadata']['cmd']).toMatch(new RegExp(`^${name === 'api' ? 'hey' : 'ghz'} .* (http://)?${name}-canary\\.shop:\\d+`));
  });

  test('the Flagger load tester is generated: pinned, restricted, limited to the namespace', () => {
    const docs = project(FLAGGER).get('deploy/flagger/loadtester.yaml')!.content;
    const deployment = (parse(docs.split('\n---\n')[1]!) as K8sObject)['spec']['template']['spec'];
    expect(deployment['containers'][0]['image']).toMatch(/^ghcr\.io\/fluxcd\/flagger-loadtester:\d+\.\d+\.\d+$/);
    expect(deployment['containers'][0]['command']).toContain('-namespace-regexp=^shop$');
    expect(deployment['securityContext']).toMatchObject({ runAsNonRoot: true, runAsUser: 100 });
  });
});

describe('graceful shutdown settings (defect 11)', () => {
  test.each([[[] as string[]], [ARGO_CANARY], [FLAGGER]])('%j: preStop sleep, and a grace period that covers sleep + delay + drain', (sets) => {
    for (const name of NAMES) {
      const r = chart(sets, name);
      const spec = (r.find('Rollout', name) ?? r.get('Deployment', name))['spec']['template']['spec'];
      expect(spec['containers'][0]['lifecycle']).toEqual({ preStop: { sleep: { seconds: 5 } } });
      // 5 s preStop + 5 s in-process delay (SHUTDOWN_DELAY_SECONDS default) + 10 s drain.
      expect(spec['terminationGracePeriodSeconds']).toBeGreaterThan(5 + 5 + 10);
    }
  });
});

describe('install instructions name pinned versions and nothing the user lacks (defect 12)', () => {
  test.each([
    ['argo-rollouts', ARGO_CANARY, /^\tkubectl apply -n argo-rollouts -f https:\/\/github\.com\/argoproj\/argo-rollouts\/releases\/download\/v\d+\.\d+\.\d+\/install\.yaml$/m],
    ['flagger', FLAGGER, /^\thelm upgrade --install flagger flagger --repo https:\/\/flagger\.app --version \d+\.\d+\.\d+ /m],
  ])('%s', (_, sets, install) => {
    const raw = emptyAnswers();
    for (const s of ['project.name=shop', SERVICES, ...sets]) applySet(raw, s);
    const { tree, contrib } = renderProject(raw, catalog);
    expect(tree.get('Makefile')!.content).toMatch(install);
    expect(tree.get('Makefile')!.content).not.toMatch(/releases\/latest/);
    for (const note of contrib.notes) expect(note).not.toMatch(/domain\.md|§/);
  });
});

describe('NOTES.txt commands work (defect 12)', () => {
  test('the wait command follows the controller', () => {
    expect(chart([], 'api').notes).toContain('rollout status deployment/api');
    for (const sets of [ARGO_CANARY, ARGO_BG]) {
      const notes = chart(sets, 'api').notes;
      expect(notes).not.toContain('rollout status deployment/');
      expect(notes).toContain('kubectl argo rollouts status api --namespace shop');
    }
    const flagger = chart(FLAGGER, 'api').notes;
    expect(flagger).not.toContain('rollout status deployment/');
    expect(flagger).toContain('get canary/api');
  });

  test('gRPC health is checked with grpc-health-probe, and grpcurl only where reflection answers', () => {
    const notes = chart([], 'ledger').notes;
    expect(notes).toMatch(/^\s+grpc-health-probe -addr=localhost:9000$/m);
    expect(notes).not.toMatch(/^\s+grpcurl .*Health\/Check/m);
  });
});
