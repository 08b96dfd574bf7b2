// Where the wave-2 teams' pieces meet, checked on generated trees: one retry layer per call edge (the mesh's
// route or the caller, never both) and the callee address each mesh needs; exactly one owner per Gateway
// route (the chart, Flagger's Canary, the mesh routes an Argo Rollout shifts) with every reference resolving;
// the Gateway every route names is the one the gateway block generates; and the package manifests of a
// service that uses the data stores, NATS and a gRPC client stay valid in each language.
import { afterAll, describe, expect, test } from 'vitest';
import { parseAllDocuments, parseDocument } from 'yaml';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { catalog } from '../src/catalog/registry.js';
import { renderProject, type Rendered } from '../src/generate.js';
import { emptyAnswers, setAt } from '../src/config/sources.js';
import { helmTemplateAsync, writeChart, type K8sObject } from './support/charts.js';

type Sets = Record<string, unknown>;
function render(services: object[], sets: Sets): Rendered {
  const raw = emptyAnswers();
  setAt(raw, ['project', 'name'], 'shop', 'test');
  setAt(raw, ['services'], services, 'test');
  for (const [k, v] of Object.entries(sets)) setAt(raw, k.split('.'), v, 'test');
  return renderProject(raw, catalog);
}
const text = (r: Rendered, p: string) => r.tree.get(p)?.content;
const yamlOf = (r: Rendered, p: string) => parseAllDocuments(text(r, p) ?? '').map((d) => d.toJS() as K8sObject).filter(Boolean);
const values = (r: Rendered, svc: string) => yamlOf(r, `deploy/charts/${svc}/values.yaml`)[0]!;
const envOf = (r: Rendered, svc: string) => Object.fromEntries((values(r, svc).env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));

// Every service exposed, so a Flagger canary is valid without a mesh too (rule CR-34).
const GRAPH = [
  { name: 'web', language: 'node', port: 8080, calls: [{ service: 'ledger', timeout: '800ms', retries: 2 }, { service: 'pay', retries: 1 }], expose: { path: '/shop' } },
  { name: 'pay', language: 'python', port: 8081, calls: [{ service: 'ledger', retries: 1 }], expose: { hostname: 'pay.example.com' } },
  { name: 'ledger', language: 'go', port: 9090, protocol: 'grpc', expose: true },
];
const EDGES = [
  { from: 'web', to: 'ledger', protocol: 'grpc', retries: 2 },
  { from: 'web', to: 'pay', protocol: 'http', retries: 1 },
  { from: 'pay', to: 'ledger', protocol: 'grpc', retries: 1 },
] as const;
type Edge = (typeof EDGES)[number];

const MESHES: Record<string, Sets> = {
  none: { 'discovery.mesh': 'none' },
  linkerd: { 'discovery.mesh': 'linkerd' },
  'istio-ambient': { 'discovery.mesh': 'istio' },
  'istio-sidecar': { 'discovery.mesh': 'istio', 'discovery.istio.dataplane': 'sidecar' },
};
const CONTROLLERS: Record<string, Sets> = {
  none: {},
  flagger: { 'cicd.controller': 'flagger', 'cicd.flagger.strategy': 'canary' },
  argo: { 'cicd.controller': 'argo-rollouts' },
};
const CASES = Object.entries(MESHES).flatMap(([mesh, m]) => Object.entries(CONTROLLERS).map(([controller, c]) => ({ name: `${mesh}/${controller}`, mesh, controller, rendered: render(GRAPH, { ...m, ...c }) })));
type Case = (typeof CASES)[number];

/** Retries the caller makes: its <CALLEE>_RETRIES, and for gRPC its client's service config. */
function clientRetries(r: Rendered, e: Edge): { env: number; serviceConfig?: number } {
  const env = Number(envOf(r, e.from)[`${e.to.toUpperCase()}_RETRIES`]);
  if (e.protocol === 'http') return { env };
  const file = e.from === 'web' ? `services/web/src/clients/${e.to}.ts` : `services/${e.from}/client_${e.to}.py`;
  const src = text(r, file)!;
  const json = e.from === 'web' ? /SERVICE_CONFIG = (\{.*\});/.exec(src)![1]! : JSON.parse(`"${/SERVICE_CONFIG = json\.loads\("(.*)"\)/.exec(src)![1]!}"`);
  const policy = JSON.parse(json).methodConfig[0].retryPolicy;
  return { env, serviceConfig: policy ? policy.maxAttempts - 1 : 0 };
}

/** Retries the mesh makes for the edge, read from what it applies (route files, or the Canary's fields). */
function meshRetries(c: Case, e: Edge): number {
  const r = c.rendered;
  if (c.mesh === 'none') return 0;
  // A Linkerd route retries per its kind: retry.linkerd.io/http on an HTTPRoute, retry.linkerd.io/grpc on a GRPCRoute.
  const linkerd = (kind: string, a: Record<string, string> = {}) => (a[`retry.linkerd.io/${kind === 'GRPCRoute' ? 'grpc' : 'http'}`] ? Number(a['retry.linkerd.io/limit']) : 0);
  if (c.controller === 'flagger') {
    const f = values(r, e.to).trafficRoute?.flagger ?? {};
    if (c.mesh === 'linkerd') return linkerd('HTTPRoute', f.apex?.annotations); // Flagger generates HTTPRoutes only
    if (c.mesh === 'istio-sidecar') return f.retries?.attempts ?? 0;
    expect(f.retries).toBeUndefined();
    return 0;
  }
  const [route] = yamlOf(r, `deploy/mesh/routes/${e.to}.yaml`);
  if (!route) return 0;
  if (c.mesh === 'linkerd') return linkerd(route.kind, route.metadata.annotations);
  if (c.mesh === 'istio-sidecar') return route.spec.http.find((h: K8sObject) => h.name === `from-${e.from}`)?.retries?.attempts ?? 0;
  expect(JSON.stringify(route)).not.toMatch(/retr/);
  return 0;
}

describe('one retry layer per call edge, and the address each mesh needs', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = c.rendered;
    const compose = parseDocument(text(r, 'compose.yaml')!).toJS() as K8sObject;
    for (const e of EDGES) {
      const client = clientRetries(r, e);
      const mesh = meshRetries(c, e);
      const where = `${c.name} ${e.from} -> ${e.to}`;
      // Exactly one layer retries (2 and 2 would be up to 9 requests for one call).
      expect([client.env > 0 || (client.serviceConfig ?? 0) > 0, mesh > 0], where).toEqual(mesh > 0 ? [false, true] : [true, false]);
      if (mesh > 0) expect(mesh, where).toBeGreaterThanOrEqual(e.retries);
      else expect([client.env, client.serviceConfig ?? e.retries], where).toEqual([e.retries, e.retries]);
      // Locally there is no mesh: the caller retries.
      expect(compose.services[e.from].environment[`${e.to.toUpperCase()}_RETRIES`], where).toBe(String(e.retries));
    }
    // Istio sidecars and Linkerd (outside Flagger's gRPC routes) retry in the mesh; ambient never does.
    if (c.mesh === 'istio-sidecar') expect(EDGES.every((e) => meshRetries(c, e) > 0)).toBe(true);
    if (c.mesh === 'istio-ambient' || c.mesh === 'none') expect(EDGES.some((e) => meshRetries(c, e) > 0)).toBe(false);
    // gRPC: a mesh balances each request on the plain Service; without one the client needs every pod.
    const addr = envOf(r, 'web').LEDGER_ADDR;
    const headless = values(r, 'ledger').headlessService.enabled;
    if (c.mesh === 'none') expect([addr, headless]).toEqual(['dns:///ledger-headless.shop.svc.cluster.local:9090', true]);
    else expect([addr, headless]).toEqual(['ledger.shop.svc.cluster.local:9090', false]);
  });
});

/** Every route object of the namespace with who renders it. */
interface Owned {
  kind: string;
  name: string;
  owner: string;
  parents: K8sObject[];
  backends: string[];
}
const chartDirs: string[] = [];
afterAll(() => chartDirs.forEach((d) => rmSync(path.dirname(d), { recursive: true, force: true })));

async function routesOf(r: Rendered): Promise<{ routes: Owned[]; charts: K8sObject[] }> {
  const charts = (
    await Promise.all(
      r.resolved.services.map(async (s) => {
        const dir = writeChart(r.tree, s.name);
        chartDirs.push(dir);
        return (await helmTemplateAsync(dir, { release: s.name })).objects;
      }),
    )
  ).flat();
  const route = (o: K8sObject, owner: string): Owned => ({
    kind: o.kind,
    name: o.metadata.name,
    owner,
    parents: o.spec.parentRefs,
    backends: o.spec.rules.flatMap((x: K8sObject) => x.backendRefs.map((b: K8sObject) => b.name)),
  });
  const routes = charts.filter((o) => /^(HTTP|GRPC)Route$/.test(o.kind)).map((o) => route(o, 'chart'));
  for (const [p] of r.tree) if (p.startsWith('deploy/mesh/routes/')) routes.push(...yamlOf(r, p).filter((o) => /Route$/.test(o.kind)).map((o) => route(o, 'mesh routes')));
  // Flagger's gatewayapi router generates the HTTPRoute <apex name> on the Canary's gatewayRefs.
  for (const c of charts.filter((o) => o.kind === 'Canary' && o.spec.provider === 'gatewayapi:v1')) {
    const apex = c.spec.targetRef.name;
    routes.push({ kind: 'HTTPRoute', name: apex, owner: 'Canary', parents: c.spec.service.gatewayRefs, backends: [`${apex}-primary`, `${apex}-canary`] });
  }
  return { routes, charts };
}

describe('exactly one owner per route, and every reference to a route resolves', () => {
  const cases = [
    ...CASES.filter((c) => c.controller !== 'none' || c.mesh === 'none'),
    { name: 'linkerd/flagger/existing gateway', mesh: 'linkerd', controller: 'flagger', rendered: render(GRAPH, { ...MESHES.linkerd, ...CONTROLLERS.flagger, 'discovery.gateway': 'existing' }) },
  ];
  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = c.rendered;
    const { routes, charts } = await routesOf(r);
    const keys = routes.map((x) => `${x.kind}/${x.name}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i), JSON.stringify(routes.map((x) => [x.kind, x.name, x.owner]))).toEqual([]);
    // Each exposed service is reached from the Gateway by exactly one route.
    const gateway = r.contrib.gateway!;
    for (const s of r.resolved.services) {
      const fromGateway = routes.filter((x) => x.parents.some((p) => p.kind === 'Gateway' && p.name === gateway.name && p.namespace === gateway.namespace) && x.backends.some((b) => b === s.name || b.startsWith(`${s.name}-`)));
      expect(fromGateway.map((x) => x.owner), `${s.name} through the Gateway`).toHaveLength(1);
    }
    // A BackendTrafficPolicy targets an existing route; an Argo Rollout's plugin shifts a route the mesh renders.
    for (const p of charts.filter((o) => o.kind === 'BackendTrafficPolicy')) {
      for (const t of p.spec.targetRefs) expect(keys, `BackendTrafficPolicy ${p.metadata.name}`).toContain(`${t.kind}/${t.name}`);
    }
    for (const ro of charts.filter((o) => o.kind === 'Rollout')) {
      const plugin = ro.spec.strategy.canary?.trafficRouting?.plugins?.['argoproj-labs/gatewayAPI'];
      if (!plugin) continue;
      const target = plugin.httpRoute ? `HTTPRoute/${plugin.httpRoute}` : `GRPCRoute/${plugin.grpcRoute}`;
      expect(routes.filter((x) => `${x.kind}/${x.name}` === target).map((x) => x.owner), `${ro.metadata.name}: ${target}`).toEqual(['mesh routes']);
    }
    if (c.controller === 'flagger' && c.mesh === 'none') {
      // Without a mesh the Canary owns the Gateway route, with the service's hostname and path.
      expect(routes.filter((x) => x.owner === 'chart')).toEqual([]);
      const web = charts.find((o) => o.kind === 'Canary' && o.metadata.name === 'web')!;
      expect(web.spec.service.match).toEqual([{ uri: { prefix: '/shop' } }]);
      expect(charts.find((o) => o.kind === 'Canary' && o.metadata.name === 'pay')!.spec.service.hosts).toEqual(['pay.example.com']);
      expect(charts.find((o) => o.kind === 'Canary' && o.metadata.name === 'ledger')!.spec.service.appProtocol).toBe('kubernetes.io/h2c');
    }
  }, 120_000);
});

describe('the Gateway every route names is the one the gateway block generates', () => {
  test('Flagger (no mesh), the charts and Harbor attach to deploy/gateway/envoy-gateway/gateway.yaml', () => {
    const r = CASES.find((c) => c.name === 'none/flagger')!.rendered;
    const gw = yamlOf(r, 'deploy/gateway/envoy-gateway/gateway.yaml').find((o) => o.kind === 'Gateway')!;
    const listeners = gw.spec.listeners.map((l: K8sObject) => l.name);
    const refs = [
      ...r.resolved.services.flatMap((s) => values(r, s.name).trafficRoute?.flagger?.gatewayRefs ?? []),
      ...r.resolved.services.flatMap((s) => values(r, s.name).route?.parentRefs ?? []),
    ];
    expect(refs.length).toBeGreaterThanOrEqual(6);
    for (const ref of refs) {
      expect([ref.kind, ref.namespace, ref.name]).toEqual(['Gateway', gw.metadata.namespace, gw.metadata.name]);
      expect(listeners).toContain(ref.sectionName);
    }
  });
});

describe('a service that uses the data stores, NATS and a gRPC client gets valid manifests in each language', () => {
  const callers = ['node', 'go', 'python', 'java'].map((language, i) => ({
    name: `${language}-svc`,
    language,
    port: 8080 + i,
    calls: ['ledger'],
    uses: ['sql', 'kv'],
    publishes: [`${language}.done`],
    subscribes: ['ledger.>'],
  }));
  const r = render([...callers, { name: 'ledger', language: 'node', port: 9090, protocol: 'grpc', publishes: ['ledger.created'] }], {
    'storage.sql': 'mysql',
    'storage.kv': 'etcd',
    'messaging.pubsub': 'nats',
  });
  const dupes = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) !== i);

  test('node: package.json and package-lock.json have no duplicate key and agree', () => {
    const json = (p: string) => {
      const d = parseDocument(text(r, p)!, { uniqueKeys: true });
      expect(d.errors, p).toEqual([]);
      return d.toJS() as K8sObject;
    };
    const pkg = json('services/node-svc/package.json');
    const lock = json('services/node-svc/package-lock.json');
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['@grpc/grpc-js', 'mysql2', 'etcd3', '@nats-io/transport-node']));
    expect(lock.packages[''].dependencies).toEqual(pkg.dependencies);
    expect(lock.packages[''].devDependencies ?? {}).toEqual(pkg.devDependencies ?? {});
    for (const d of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) expect(lock.packages, d).toHaveProperty([`node_modules/${d}`]);
  });

  test('go: go.mod requires each module once', () => {
    const mod = text(r, 'services/go-svc/go.mod')!;
    const block = /require \(([\s\S]*?)\n\)/.exec(mod)![1]!;
    const modules = block.split('\n').map((l) => l.replace(/\/\/.*/, '').trim()).filter(Boolean).map((l) => l.split(/\s+/)[0]!);
    expect(modules).toEqual(expect.arrayContaining(['google.golang.org/grpc', 'github.com/nats-io/nats.go', 'github.com/go-sql-driver/mysql', 'go.etcd.io/etcd/client/v3']));
    expect(dupes(modules)).toEqual([]);
    expect(mod.match(/^require /gm)).toHaveLength(1);
  });

  test('python: requirements.txt names each distribution once', () => {
    const reqs = text(r, 'services/python-svc/requirements.txt')!.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
    // PEP 503 normalised names: pip refuses a distribution listed twice ("Double requirement given").
    const names = reqs.map((l) => l.split(/[=<>!~;\[ ]/)[0]!.toLowerCase().replace(/[-_.]+/g, '-'));
    expect(names).toEqual(expect.arrayContaining(['grpcio', 'nats-py', 'pymysql']));
    expect(dupes(names)).toEqual([]);
  });

  test('java: pom.xml declares each dependency once', () => {
    const pom = text(r, 'services/java-svc/pom.xml')!;
    const deps = [...(/<dependencies>([\s\S]*?)<\/dependencies>/.exec(pom.replace(/<dependencyManagement>[\s\S]*?<\/dependencyManagement>/, ''))![1]!).matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)].map(
      (m) => `${/<groupId>(.*?)<\/groupId>/.exec(m[1]!)![1]}:${/<artifactId>(.*?)<\/artifactId>/.exec(m[1]!)![1]}`,
    );
    expect(deps.some((d) => d.startsWith('io.grpc:'))).toBe(true);
    expect(deps.some((d) => d.startsWith('io.nats:'))).toBe(true);
    // Maven: "dependencies.dependency.(groupId:artifactId:type:classifier) must be unique".
    expect(dupes(deps)).toEqual([]);
  });
});
