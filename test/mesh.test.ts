// The service mesh (issue 17): for each mesh and Istio data plane, the default project and a 5-service graph
// generate trees that pass the output validators with every application pod Pod Security *restricted*; the
// mesh authorization, evaluated from the generated objects as each mesh would, allows exactly the graph's
// edges plus the infrastructure callers (recomputed here from the merged network edges, not from the
// generator's own model); the NetworkPolicy layer opens the mesh's own ports; canaries route through the mesh.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { renderProject, type Rendered } from '../src/generate.js';
import { emptyAnswers, setAt } from '../src/config/sources.js';
import { tmp } from './support/cli.js';
import { formatReport, validateTrees, type ValidationReport } from './support/validators/index.js';
import { allowed, expectedAccess, type Client, type K8s, type Mesh } from './support/mesh-authz.js';

const FIVE = [
  { name: 'web', language: 'node', port: 8080, protocol: 'http', calls: ['orders', { service: 'pay', timeout: '800ms', retries: 1 }] },
  { name: 'orders', language: 'go', port: 8081, protocol: 'grpc', calls: ['pay', 'stock'] },
  { name: 'pay', language: 'python', port: 8082, protocol: 'http', calls: [{ service: 'mail', timeout: '5s', retries: 0 }] },
  { name: 'stock', language: 'java', port: 8083, protocol: 'grpc', publishes: ['stock.low'] },
  { name: 'mail', language: 'node', port: 8084, protocol: 'http', uses: ['sql', 'kv'], subscribes: ['stock.low'] },
];
const DEFAULT = [{ name: 'api' }];

const MESHES: Record<Mesh, Record<string, unknown>> = {
  linkerd: { 'discovery.mesh': 'linkerd' },
  'istio-ambient': { 'discovery.mesh': 'istio' },
  'istio-sidecar': { 'discovery.mesh': 'istio', 'discovery.istio.dataplane': 'sidecar' },
};
const CANARIES: Record<string, Record<string, unknown>> = {
  flagger: { 'cicd.controller': 'flagger', 'cicd.flagger.strategy': 'canary' },
  argo: { 'cicd.controller': 'argo-rollouts' },
  'flagger-bg': { 'cicd.controller': 'flagger', 'cicd.flagger.strategy': 'blue-green' },
};

interface Case {
  name: string;
  mesh: Mesh;
  rendered: Rendered;
  dir: string;
}
function render(services: object[], sets: Record<string, unknown>): Rendered {
  const raw = emptyAnswers();
  setAt(raw, ['project', 'name'], 'shop', 'test');
  setAt(raw, ['services'], services, 'test');
  for (const [k, v] of Object.entries(sets)) setAt(raw, k.split('.'), v, 'test');
  return renderProject(raw, catalog);
}

// Rendered while the tests are collected (rendering is pure and fast); written and validated in beforeAll.
const cases: Case[] = (Object.entries(MESHES) as [Mesh, Record<string, unknown>][]).flatMap(([mesh, sets]) => {
  // Server-first or opaque peers outside the mesh: MySQL Router, etcd (gRPC over TLS), NATS.
  const storage = { 'storage.sql': 'mysql', 'storage.kv': 'etcd', 'messaging.pubsub': 'nats' };
  return [
    { name: `${mesh}-default`, mesh, rendered: render(DEFAULT, sets), dir: '' },
    { name: `${mesh}-five`, mesh, rendered: render(FIVE, { ...sets, ...storage }), dir: '' },
    ...Object.entries(CANARIES).map(([c, extra]) => ({ name: `${mesh}-five-${c}`, mesh, rendered: render(FIVE, { ...sets, ...storage, ...extra }), dir: '' })),
  ];
});
let work = '';
let reports = new Map<string, ValidationReport>();

beforeAll(async () => {
  work = await tmp('cn-mesh-');
  for (const c of cases) {
    c.dir = join(work, c.name);
    for (const [path, f] of c.rendered.tree) {
      await mkdir(dirname(join(c.dir, path)), { recursive: true });
      await writeFile(join(c.dir, path), f.content);
    }
  }
  reports = await validateTrees(cases.map((c) => c.dir), { kubeVersion: '1.34.0' });
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const objects = (c: Case, prefix: string): K8s[] =>
  [...c.rendered.tree]
    .filter(([p]) => p.startsWith(prefix) && p.endsWith('.yaml'))
    .flatMap(([, f]) => parseAllDocuments(f.content).map((d) => d.toJS() as K8s))
    .filter(Boolean);

describe('service mesh trees', () => {
  test.each(['linkerd', 'istio-ambient', 'istio-sidecar'])('%s: every tree validates with 0 failures, application pods restricted', (mesh) => {
    for (const c of cases.filter((x) => x.mesh === mesh)) {
      const r = reports.get(c.dir)!;
      expect(r.failures, `${c.name}\n${formatReport(r)}`).toEqual([]);
      expect(r.counts['pod-security']?.checked ?? 0, c.name).toBeGreaterThan(0);
      const ns = objects(c, 'deploy/namespace.yaml')[0]!;
      expect(ns.metadata.labels['pod-security.kubernetes.io/enforce'], c.name).toBe('restricted');
    }
  });
});

describe('mesh authorization equals the graph plus the infrastructure callers', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const policy = objects(c, 'deploy/mesh/');
    const ns = c.rendered.resolved.project.namespace;
    const expected = expectedAccess(c.rendered.contrib.network, c.mesh);
    const identities = [...new Set([...expected.flatMap((e) => e.clients.flatMap((k) => (k.kind === 'identity' ? [k.serviceAccount] : []))), 'default', 'intruder'])];
    for (const svc of c.rendered.resolved.services) {
      const ports = [...new Set([svc.port, 9464, ...expected.filter((e) => e.service === svc.name).map((e) => e.port)])];
      for (const port of ports) {
        const want = expected.find((e) => e.service === svc.name && e.port === port);
        const probes: Client[] = [{ kind: 'plaintext', path: '/secret' }, { kind: 'plaintext', path: '/metrics' }, ...identities.map((sa) => ({ kind: 'identity' as const, serviceAccount: sa }))];
        for (const client of probes) {
          const should = want?.clients.some((k) => (k.kind === 'identity' ? client.kind === 'identity' && client.serviceAccount === k.serviceAccount : client.kind === 'plaintext' && (!k.paths || k.paths.includes(client.path!)))) ?? false;
          const got = allowed(c.mesh, policy, ns, { service: svc.name, port, protocol: svc.protocol, servicePort: svc.port }, client);
          expect(got, `${c.name}: ${JSON.stringify(client)} → ${svc.name}:${port}`).toBe(should);
        }
      }
    }
    // The graph's edges are among the expected ones (the test would pass vacuously without them).
    for (const call of c.rendered.resolved.graph.calls) {
      expect(expected.some((e) => e.service === call.to && e.clients.some((k) => k.kind === 'identity' && k.serviceAccount === call.from))).toBe(true);
    }
  });
});

const find = (c: Case, kind: string, name?: string) => objects(c, 'deploy/').filter((o) => o.kind === kind && (!name || o.metadata?.name === name));
const caseOf = (name: string) => cases.find((c) => c.name === name)!;
const values = (c: Case, svc: string) => parseAllDocuments(c.rendered.tree.get(`deploy/charts/${svc}/values.yaml`)!.content)[0]!.toJS() as K8s;
/** The ports a NetworkPolicy rule opens from/to every pod of the namespace, or an address block. */
const rulePorts = (rules: K8s[] | undefined, peer: (p: K8s) => boolean) =>
  (rules ?? []).filter((r) => (r.from ?? r.to).some(peer)).flatMap((r) => r.ports.map((p: K8s) => p.port));
const everyPod = (p: K8s) => p.podSelector && Object.keys(p.podSelector.matchLabels ?? {}).length === 0 && !p.namespaceSelector;

describe('the NetworkPolicy layer opens what the mesh needs, with no mesh case in the policy compiler', () => {
  test('linkerd: proxy port 4143 between meshed pods, control plane egress, proxy metrics from Prometheus', () => {
    const pods = find(caseOf('linkerd-five'), 'NetworkPolicy', 'app-pods')[0]!;
    expect(rulePorts(pods.spec.ingress, everyPod)).toContain(4143);
    expect(rulePorts(pods.spec.egress, everyPod)).toContain(4143);
    const linkerdNs = (p: K8s) => p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'linkerd';
    expect(rulePorts(pods.spec.egress, linkerdNs).sort()).toEqual([8080, 8086, 8090]);
    expect(rulePorts(pods.spec.ingress, (p) => p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring')).toEqual([4191]);
  });

  test('istio ambient: HBONE 15008, probes from 169.254.7.127 on each service port, the waypoint reaches istiod', () => {
    const c = caseOf('istio-ambient-five');
    const pods = find(c, 'NetworkPolicy', 'app-pods')[0]!;
    expect(rulePorts(pods.spec.ingress, everyPod)).toContain(15008);
    for (const s of c.rendered.resolved.services) {
      const own = find(c, 'NetworkPolicy', s.name)[0]!;
      expect(rulePorts(own.spec.ingress, (p) => p.ipBlock?.cidr === '169.254.7.127/32'), s.name).toEqual([s.port]);
    }
    const waypoint = find(c, 'NetworkPolicy', 'istio-waypoint')[0]!;
    expect(rulePorts(waypoint.spec.egress, (p) => p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'istio-system')).toEqual([15012]);
    // No call declared, no canary: no waypoint, no L7 proxy to allow (the default Envoy Gateway's Gateway is another class).
    const waypoints = (x: Case) => find(x, 'Gateway').filter((g) => g.spec.gatewayClassName === 'istio-waypoint');
    expect(waypoints(c).length).toBe(1);
    expect(waypoints(caseOf('istio-ambient-default'))).toEqual([]);
  });

  test('istio sidecar: every pod reaches istiod on 15012; no HBONE', () => {
    const pods = find(caseOf('istio-sidecar-five'), 'NetworkPolicy', 'app-pods')[0]!;
    expect(rulePorts(pods.spec.egress, (p) => p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'istio-system')).toEqual([15012]);
    expect(rulePorts(pods.spec.ingress, everyPod)).not.toContain(15008);
  });
});

describe('mesh wiring of the charts and the namespace', () => {
  test('the namespace joins the mesh: Linkerd injection with deny by default, ambient enrolment with the waypoint, sidecar injection', () => {
    const ns = (c: string) => objects(caseOf(c), 'deploy/namespace.yaml')[0]!.metadata;
    expect(ns('linkerd-five').annotations).toMatchObject({ 'linkerd.io/inject': 'enabled', 'config.linkerd.io/default-inbound-policy': 'deny' });
    expect(ns('istio-ambient-five').labels).toMatchObject({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' });
    expect(ns('istio-sidecar-five').labels).toMatchObject({ 'istio-injection': 'enabled' });
  });

  test('server-first and opaque ports outside the mesh (MySQL Router, etcd over TLS, NATS) bypass sidecars; ztunnel needs nothing', () => {
    const annotations = (c: string, svc: string) => (values(caseOf(c), svc).podAnnotations ?? {}) as Record<string, string>;
    // The ports come from the stores' own edges (appProtocol tcp): recomputed here from the merged network.
    const tcpPorts = (c: string, svc: string) =>
      [...new Set(caseOf(c).rendered.contrib.network.edges.filter((e) => 'service' in e.from && e.from.service === svc && 'peer' in e.to).flatMap((e) => e.ports.filter((p) => p.appProtocol === 'tcp' && p.port !== 53).map((p) => p.port)))]
        .sort((a, b) => a - b)
        .join(',');
    expect(tcpPorts('linkerd-five', 'mail')).toBe('2379,4222,6446');
    expect(annotations('linkerd-five', 'mail')['config.linkerd.io/skip-outbound-ports']).toBe(tcpPorts('linkerd-five', 'mail'));
    expect(annotations('linkerd-five', 'stock')['config.linkerd.io/skip-outbound-ports']).toBe('4222');
    expect(annotations('istio-sidecar-five', 'mail')['traffic.sidecar.istio.io/excludeOutboundPorts']).toBe(tcpPorts('istio-sidecar-five', 'mail'));
    expect(Object.keys(annotations('istio-ambient-five', 'mail'))).not.toContain('traffic.sidecar.istio.io/excludeOutboundPorts');
    expect(annotations('linkerd-five', 'web')).not.toHaveProperty('config.linkerd.io/skip-outbound-ports');
    // The NetworkPolicy layer still opens those edges from the pods (the skipped ports leave the pod directly).
    for (const c of ['linkerd-five', 'istio-ambient-five', 'istio-sidecar-five']) {
      const mail = find(caseOf(c), 'NetworkPolicy', 'mail')[0]!;
      const egress = (ns: string) => rulePorts(mail.spec.egress, (p) => p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === ns);
      expect([...egress('data'), ...egress('messaging')].sort((a, b) => a - b), c).toEqual([2379, 4222, 6446]);
    }
  });

  test("each call edge's timeout and retries reach the mesh route", () => {
    const pay = find(caseOf('linkerd-five'), 'HTTPRoute', 'pay-mesh')[0]!;
    // web → pay 800ms/1, orders → pay 2s/2 (defaults): one route for both callers takes the longest and the most.
    expect(pay.metadata.annotations).toMatchObject({ 'timeout.linkerd.io/request': '2s', 'retry.linkerd.io/limit': '2' });
    const vs = find(caseOf('istio-sidecar-five'), 'VirtualService', 'pay-mesh')[0]!;
    const web = vs.spec.http.find((r: K8s) => r.name === 'from-web');
    expect(web).toMatchObject({ match: [{ sourceLabels: { 'app.kubernetes.io/name': 'web' } }], timeout: '800ms', retries: { attempts: 1 } });
    expect(find(caseOf('istio-sidecar-five'), 'VirtualService', 'mail-mesh')[0]!.spec.http[0]).toMatchObject({ timeout: '5s', retries: { attempts: 0 } });
    const ambient = find(caseOf('istio-ambient-five'), 'HTTPRoute', 'mail-mesh')[0]!;
    expect(ambient.spec.rules[0].timeouts).toEqual({ request: '5s' });
  });

  test('canaries route through the mesh: Flagger providers and Gateway API parents, Argo traffic routers and mesh routes', () => {
    const canary = (c: string) => values(caseOf(c), 'pay');
    expect(canary('linkerd-five-flagger').canary.provider).toBe('gatewayapi:v1');
    expect(canary('linkerd-five-flagger').trafficRoute.flagger.gatewayRefs).toEqual([{ group: '', kind: 'Service', name: 'pay', namespace: 'shop', port: 8082 }]);
    expect(canary('istio-sidecar-five-flagger').canary.provider).toBe('istio');
    expect(canary('istio-sidecar-five-flagger').trafficRoute.flagger.retries).toMatchObject({ attempts: 2 });
    expect(canary('istio-ambient-five-flagger').canary.provider).toBe('gatewayapi:v1');
    // Flagger owns the routes, in either strategy: none generated; blue/green switches through the same parents.
    expect(find(caseOf('linkerd-five-flagger'), 'HTTPRoute').filter((r) => r.spec.parentRefs[0].kind === 'Service')).toEqual([]);
    expect(find(caseOf('istio-sidecar-five-flagger-bg'), 'VirtualService')).toEqual([]);
    expect(values(caseOf('linkerd-five-flagger-bg'), 'pay').trafficRoute.flagger.gatewayRefs).toHaveLength(1);
    expect(values(caseOf('linkerd-five-flagger-bg'), 'pay').meshAnalysis).toBeUndefined();

    const argo = values(caseOf('linkerd-five-argo'), 'orders').trafficRoute.rollout;
    expect(argo.trafficRouting.plugins['argoproj-labs/gatewayAPI']).toEqual({ grpcRoute: 'orders-mesh', namespace: 'shop' });
    const route = find(caseOf('linkerd-five-argo'), 'GRPCRoute', 'orders-mesh')[0]!;
    expect(route.spec.rules[0].backendRefs.map((b: K8s) => [b.name, b.weight])).toEqual([['orders-stable', 100], ['orders-canary', 0]]);
    expect(caseOf('linkerd-five-argo').rendered.tree.has('deploy/mesh/argo-rollouts-gatewayapi.yaml')).toBe(true);
    const sidecar = values(caseOf('istio-sidecar-five-argo'), 'pay').trafficRoute.rollout;
    expect(sidecar.trafficRouting.istio.virtualService).toEqual({ name: 'pay-mesh', routes: ['from-web', 'from-orders', 'default'] });
    // Mesh checks where the mesh can measure the canary alone; Istio ambient cannot for a Rollout.
    expect(values(caseOf('linkerd-five-argo'), 'pay').meshAnalysis.enabled).toBe(true);
    expect(values(caseOf('istio-ambient-five-argo'), 'pay').meshAnalysis).toBeUndefined();
    expect(values(caseOf('istio-sidecar-five-flagger'), 'pay').meshAnalysis.queries.successRate).toContain('destination_workload="{{ target }}"');
  });
});
