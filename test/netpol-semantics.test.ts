// Issue #16: the generated network policies, evaluated as a reachability matrix (pods x pods x ports,
// plus addresses outside the cluster) with the Kubernetes NetworkPolicy semantics (test/support/netpol,
// itself checked against the upstream documentation in netpol-evaluator.test.ts), must allow exactly
// the declared graph plus the infrastructure edges the selected blocks contribute: nothing more,
// nothing less. The expected matrix is computed from the merged contributions; the pods carry the
// labels their charts and manifests really render (`helm template`).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { z } from 'zod';
import { defineBlock, fullId, type Catalog } from '../src/catalog/define.js';
import { renderProject, type Rendered } from '../src/generate.js';
import { emptyAnswers, setAt, type RawAnswers } from '../src/config/sources.js';
import { POLICY_DIR } from '../src/blocks/network-policy/shared.js';
import { UserError } from '../src/util/errors.js';
import { tmp } from './support/cli.js';
import { combination, rejection, repair, type Row } from './support/matrix.js';
import { reachabilityMatrix, edgeKey } from './support/netpol/evaluate.js';
import { expectedMatrix, governed, matrixDiff, probePorts } from './support/netpol/expected.js';
import { modelOf, type GeneratedModel } from './support/netpol/model.js';

/** Engines that express an edge to a DNS name exactly; the others open its port to public addresses (CN-NP-01). */
const FQDN_EXACT = new Set(['cilium']);

let work: string;
beforeAll(async () => {
  work = await tmp('cn-netpol-');
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function answers(services: Record<string, unknown>[], set: Record<string, unknown> = {}): RawAnswers {
  const raw = emptyAnswers();
  setAt(raw, ['project', 'name'], 'shop', 'test');
  setAt(raw, ['services'], services, 'test');
  for (const [k, v] of Object.entries(set)) setAt(raw, k.split('.'), v, 'test');
  return raw;
}

/** The 5-service graph of the "done when": calls, gRPC and HTTP, egress to a DNS name and a CIDR. */
const FIVE = [
  { name: 'web', language: 'node', port: 8080, calls: ['orders', 'catalog'] },
  { name: 'orders', language: 'go', port: 8081, calls: ['payments', { service: 'catalog', timeout: '1s' }] },
  { name: 'catalog', language: 'python', port: 8082, protocol: 'grpc' },
  { name: 'payments', language: 'java', port: 8083, calls: ['ledger'], egress: [{ host: 'api.stripe.com', port: 443 }, { host: '203.0.113.0/24', port: 5432 }] },
  { name: 'ledger', language: 'node', port: 8084, egress: [{ host: 'hooks.example.com', port: 443 }] },
];

/** 20 services: a call chain, shortcuts, a cycle, gRPC every third, egress every fourth. */
const TWENTY = Array.from({ length: 20 }, (_, i) => ({
  name: `svc-${String(i).padStart(2, '0')}`,
  language: ['node', 'go', 'python', 'java'][i % 4],
  protocol: i % 3 === 0 ? 'grpc' : 'http',
  port: 9000 + i,
  calls: [...(i < 19 ? [`svc-${String(i + 1).padStart(2, '0')}`] : ['svc-00']), ...(i % 5 === 0 && i + 7 < 20 ? [`svc-${String(i + 7).padStart(2, '0')}`] : [])],
  ...(i % 4 === 3 ? { egress: [{ host: `api-${i}.example.com`, port: 443 }, { host: `198.18.${i}.0/24`, port: 8443 }] } : {}),
}));

async function writeCharts(r: Rendered, dir: string): Promise<void> {
  for (const [p, f] of r.tree) {
    if (!p.startsWith('deploy/charts/')) continue;
    await mkdir(dirname(join(dir, p)), { recursive: true });
    await writeFile(join(dir, p), f.content);
  }
}

interface Checked {
  rendered: Rendered;
  model: GeneratedModel;
  actual: Set<string>;
  expected: Set<string>;
}

let n = 0;
/** Renders, models and evaluates one project; asserts the matrix equals the contributions. */
async function checkProject(raw: RawAnswers, cat: Catalog = catalog): Promise<Checked> {
  const rendered = renderProject(raw, cat);
  const dir = join(work, String(n++));
  await writeCharts(rendered, dir);
  const model = await modelOf(rendered, dir);
  const config = rendered.resolved.config as Record<string, any>;
  const engine: string = config['network-policy'].engine;
  const options = config['network-policy'][engine] ?? {};
  const network = rendered.contrib.network;
  const ports = probePorts(network);
  // Staged Calico policies enforce nothing; what matters is what they will enforce once promoted.
  const actual = reachabilityMatrix(model.policies, model.cluster, ports, { pair: governed(model), staged: 'enforce' });
  const expected = expectedMatrix(model, network, ports, { fqdn: FQDN_EXACT.has(engine) ? 'exact' : 'public', defaultDeny: options.defaultDeny });
  expect(expected.size, 'the graph must give the test something to check').toBeGreaterThan(0);
  expect(actual.size === expected.size && [...expected].every((k) => actual.has(k)), matrixDiff(actual, expected)).toBe(true);
  return { rendered, model, actual, expected };
}

describe('the reachability matrix of the generated policies equals the declared graph plus the contributed edges', () => {
  test('default stack: one service, every default block (CN-NP-02: scrape, OTLP and helm test still work)', async () => {
    const { actual, model } = await checkProject(answers([{ name: 'api' }]));
    const pod = (origin: string) => model.cluster.pods.find((p) => p.id === origin || p.id.endsWith(origin))!;
    const api = pod('svc:api');
    // The infrastructure edges the default stack needs under default deny, by the pods that really run them.
    const prometheus = model.cluster.pods.find((p) => p.namespace === 'monitoring' && p.labels['app.kubernetes.io/name'] === 'prometheus')!;
    const collector = model.cluster.pods.find((p) => p.namespace === 'observability' && p.labels['app.kubernetes.io/name'] === 'otel-collector')!;
    expect(actual.has(edgeKey(prometheus.id, api.id, { port: 8080, protocol: 'TCP' }))).toBe(true);
    expect(actual.has(edgeKey(api.id, collector.id, { port: 4318, protocol: 'TCP' }))).toBe(true);
    expect(actual.has(edgeKey(pod('helm-test:api').id, api.id, { port: 8080, protocol: 'TCP' }))).toBe(true);
    // ...and the default deny around them.
    expect(actual.has(edgeKey('stray', api.id, { port: 8080, protocol: 'TCP' }))).toBe(false);
    expect(actual.has(edgeKey(`elsewhere/${prometheus.id}`, api.id, { port: 8080, protocol: 'TCP' }))).toBe(false);
    expect(actual.has(edgeKey(api.id, 'public:unrelated', { port: 443, protocol: 'TCP' }))).toBe(false);
  }, 60_000);

  const engines = catalog.blocks.filter((b) => b.category === 'network-policy' && b.slot === 'engine' && b.status !== 'archived');
  test.each(engines.map((b) => [b.id]))('5-service graph, engine %s', async (engine) => {
    const { model, actual } = await checkProject(answers(FIVE, { 'network-policy.engine': engine }));
    const payments = 'svc:payments';
    const stripe = edgeKey(payments, 'fqdn:api.stripe.com', { port: 443, protocol: 'TCP' });
    const unrelated = edgeKey(payments, 'public:unrelated', { port: 443, protocol: 'TCP' });
    expect(actual.has(stripe)).toBe(true);
    // A DNS name is exact only where the engine can say it; elsewhere its port is open to public addresses.
    expect(actual.has(unrelated)).toBe(!FQDN_EXACT.has(engine));
    expect(actual.has(edgeKey(payments, 'private:metadata', { port: 443, protocol: 'TCP' }))).toBe(false);
    expect(model.policies.length).toBeGreaterThan(5);
  }, 60_000);

  // Each mesh adds its own edges (proxy ports, control plane, probes); the stores' and NATS's edges are opaque
  // TCP (appProtocol tcp) that the sidecars skip: the policies must still open them from the pods.
  const STORES = FIVE.map((s) =>
    s.name === 'ledger' ? { ...s, uses: ['sql', 'kv'], subscribes: ['orders.created'] } : s.name === 'orders' ? { ...s, uses: ['sql'], publishes: ['orders.created'] } : s,
  );
  test.each([
    ['linkerd', { 'discovery.mesh': 'linkerd' }],
    ['istio ambient', { 'discovery.mesh': 'istio' }],
    ['istio sidecar', { 'discovery.mesh': 'istio', 'discovery.istio.dataplane': 'sidecar' }],
  ])('5-service graph with sql, kv and NATS, mesh %s', async (_name, set) => {
    const { actual, model } = await checkProject(answers(STORES, { 'storage.sql': 'mysql', 'storage.kv': 'etcd', 'messaging.pubsub': 'nats', ...set }));
    const inNamespace = (ns: string) => model.cluster.pods.filter((p) => p.namespace === ns).map((p) => p.id);
    const reaches = (from: string, ns: string, port: number) => inNamespace(ns).some((to) => actual.has(edgeKey(from, to, { port, protocol: 'TCP' })));
    for (const [ns, port] of [['data', 6446], ['data', 2379], ['messaging', 4222]] as const) {
      expect(reaches('svc:ledger', ns, port), `ledger → ${ns}:${port}`).toBe(true);
      expect(reaches('svc:web', ns, port), `web → ${ns}:${port}`).toBe(false);
    }
  }, 60_000);

  test.each([
    ['kubernetes, ingress-only default deny', { 'network-policy.kubernetes.defaultDeny': 'ingress' }],
    ['calico, staged, with a cluster default deny', { 'network-policy.engine': 'calico', 'network-policy.calico.staged': true, 'network-policy.calico.clusterDefaultDeny': true }],
    ['calico, enforced, with a cluster default deny', { 'network-policy.engine': 'calico', 'network-policy.calico.clusterDefaultDeny': true }],
    ['cilium under Flagger (primary pods)', { 'network-policy.engine': 'cilium', 'cicd.controller': 'flagger' }],
    ['kubernetes under Argo Rollouts', { 'cicd.controller': 'argo-rollouts' }],
  ])('5-service graph, %s', async (_name, set) => {
    await checkProject(answers(FIVE, set));
  }, 60_000);

  test('calico staged: nothing is enforced until promoted', async () => {
    const rendered = renderProject(answers(FIVE, { 'network-policy.engine': 'calico', 'network-policy.calico.staged': true }), catalog);
    const dir = join(work, String(n++));
    await writeCharts(rendered, dir);
    const model = await modelOf(rendered, dir);
    const ports = [{ port: 8083, protocol: 'TCP' as const }];
    const asApplied = reachabilityMatrix(model.policies, model.cluster, ports, { pair: governed(model) });
    expect(asApplied.has(edgeKey('stray', 'svc:payments', ports[0]!))).toBe(true);
    expect(model.policies.every((p) => p.kind.startsWith('Staged'))).toBe(true);
  }, 60_000);

  test('cilium with a DNS provider: toFQDNs plus the DNS-proxy rule on the DNS edge it contributes, nothing more', async () => {
    // Stands for whatever block fills discovery.dns: its pods and the edge from every application pod.
    const dns = defineBlock({
      id: 'coredns',
      category: 'discovery',
      slot: 'dns',
      title: 'test DNS',
      summary: 'test stub',
      status: 'stable',
      options: z.object({}).strict(),
      questions: {},
      contribute: () => ({
        network: {
          peers: [{ id: 'kube-dns', title: 'CoreDNS', namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } }],
          edges: [{ from: { peer: 'app-pods' }, to: { peer: 'kube-dns' }, ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }], reason: 'DNS' }],
        },
      }),
    });
    const withDns = { ...catalog, blocks: [...catalog.blocks.filter((b) => !(b.category === 'discovery' && b.slot === 'dns')), dns] };
    const { model, actual } = await checkProject(answers(FIVE, { 'network-policy.engine': 'cilium' }), withDns);
    const cnp = model.policies.find((p) => p.kind === 'CiliumNetworkPolicy' && p.metadata.name === 'payments-fqdn')!;
    expect(JSON.stringify(cnp.spec.egress)).toContain('"dns":[{"matchPattern":"*"}]');
    expect(actual.has(edgeKey('svc:payments', 'peer:kube-dns', { port: 53, protocol: 'UDP' }))).toBe(true);
    expect(actual.has(edgeKey('svc:payments', 'peer:kube-dns', { port: 9, protocol: 'UDP' }))).toBe(false);
  }, 60_000);

  test('20-service graph', async () => {
    const { expected, rendered } = await checkProject(answers(TWENTY));
    expect(expected.size).toBeGreaterThan(rendered.contrib.network.edges.length);
  }, 120_000);

  // Every block in the registry, selected with defaults elsewhere: those that contribute network edges
  // get the matrix check. A block added later by another team is picked up with no change here.
  const candidates = catalog.blocks.filter((b) => b.status !== 'archived');
  test('every block that contributes network edges', async () => {
    const contributing: string[] = [];
    for (const b of candidates) {
      const slot = `${b.category}.${b.slot}`;
      const row: Row | undefined = repair({ [slot]: b.id }, [slot], seeded(b.id.length));
      if (!row) continue; // no valid combination has this block: the combination matrix reports it
      let rendered: Rendered;
      try {
        rendered = renderProject(combination(fullId(b), row, 0, 3).raw, catalog);
      } catch (e) {
        if (e instanceof UserError) continue;
        throw e;
      }
      if (!rendered.contrib.network.edges.some((e) => e.block === fullId(b))) continue;
      contributing.push(fullId(b));
      if ((rendered.resolved.config as Record<string, any>)['network-policy']?.engine === undefined) continue; // no policies to check
      await checkProject(combination(fullId(b), row, 0, 3).raw);
    }
    // The blocks known today to contribute edges; more may join, none may silently drop out.
    for (const id of ['orchestration/kubernetes', 'observability/kube-prometheus-stack', 'observability/prometheus', 'observability/jaeger', 'network-policy/kubernetes', 'network-policy/calico'])
      expect(contributing).toContain(id);
    expect(rejection({})).toBeUndefined();
  }, 300_000);
});

function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('regeneration: a call added or removed changes exactly the policy files of its two ends', () => {
  const policyFiles = (r: Rendered) => new Map([...r.tree].filter(([p]) => p.startsWith(`${POLICY_DIR}/`)).map(([p, f]) => [p, f.content]));
  const changed = (a: Rendered, b: Rendered) => {
    const pa = policyFiles(a);
    const pb = policyFiles(b);
    return [...new Set([...pa.keys(), ...pb.keys()])].filter((p) => pa.get(p) !== pb.get(p)).sort();
  };
  const chartsOf = (r: Rendered, skip: string[]) => [...r.tree].filter(([p]) => p.startsWith('deploy/charts/') && !skip.some((s) => p.startsWith(`deploy/charts/${s}/`))).map(([p, f]) => `${p}\n${f.content}`);
  const filesOf = (from: string, to: string) => [`${POLICY_DIR}/${from}.yaml`, `${POLICY_DIR}/${to}.yaml`].sort();

  test.each([
    ['adds', 'ledger', 'catalog'],
    ['removes', 'web', 'orders'],
  ])('%s %s -> %s', (how, from, to) => {
    const before = renderProject(answers(FIVE), catalog);
    const edited = FIVE.map((s) =>
      s.name !== from ? s : { ...s, calls: how === 'adds' ? [...(s.calls ?? []), to] : (s.calls ?? []).filter((c) => (typeof c === 'string' ? c : c.service) !== to) },
    );
    const after = renderProject(answers(edited), catalog);
    expect(changed(before, after)).toEqual(filesOf(from, to));
    // The charts of services not on the edge are untouched (their env and values do not depend on it).
    expect(chartsOf(after, [from, to])).toEqual(chartsOf(before, [from, to]));
  });
});
