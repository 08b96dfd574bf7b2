// The discovery category without a disk: the env contract in charts and compose, headless Services for
// gRPC callees, the DNS network peer and edges, gateway routes per exposed service, the Envoy Gateway line
// chosen by the Kubernetes version, Harbor following the Gateway, and the rules of the area.
import { load } from 'js-yaml';
import { describe, expect, test } from 'vitest';
import { catalog } from '../../src/catalog/registry.js';
import { readAnswersText } from '../../src/config/sources.js';
import { renderProject } from '../../src/generate.js';
import { evaluateRules } from '../../src/config/rules.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { calleeEnv, clusterAddress, durationMs, localAddress } from '../../src/blocks/discovery/contract.js';
import { envoyGatewayFor, ENVOY_GATEWAY_LINES } from '../../src/blocks/discovery/envoy-gateway.js';
import { buildGraph } from '../../src/graph/graph.js';
import { UserError } from '../../src/util/errors.js';

const SERVICES = `services:
  - { name: web, language: node, port: 8080, protocol: http, expose: { hostname: shop.example.com }, calls: [orders, { service: catalog, timeout: 500ms, retries: 1 }] }
  - { name: orders, language: go, port: 9090, protocol: grpc, expose: true, calls: [catalog] }
  - { name: catalog, language: python, port: 8081, protocol: http }
  - { name: admin, language: java, port: 8082, protocol: http }
`;

function render(extra = '', services = SERVICES) {
  const raw = readAnswersText(`project: { name: shop, namespace: shop-prod }\n${services}${extra}`, 'answers.yaml');
  const r = renderProject(raw, catalog);
  const file = (p: string) => {
    const f = r.tree.get(p);
    if (!f) throw new Error(`${p} was not generated`);
    return f.content;
  };
  return { ...r, file, has: (p: string) => r.tree.has(p), yaml: (p: string) => load(file(p)) as any };
}

const svc = (name: string, port: number, protocol: 'http' | 'grpc', calls: unknown[] = []) =>
  ({ name, language: 'node', port, protocol, replicas: 1, calls, image: `x/${name}`, testCommand: '' }) as never;

describe('env contract', () => {
  const g = buildGraph([svc('web', 8080, 'http', ['orders', { service: 'catalog', timeout: '500ms', retries: 0 }]), svc('orders', 9090, 'grpc'), svc('catalog', 8081, 'http')]);

  test('HTTP callees get a URL, gRPC callees the headless target without a mesh, the plain Service with one', () => {
    expect(calleeEnv(g, 'web', clusterAddress('ns', false))).toEqual({
      CALLEES: 'orders,catalog',
      ORDERS_ADDR: 'dns:///orders-headless.ns.svc.cluster.local:9090',
      ORDERS_TIMEOUT_MS: '2000',
      ORDERS_RETRIES: '2',
      CATALOG_URL: 'http://catalog.ns.svc.cluster.local:8081',
      CATALOG_TIMEOUT_MS: '500',
      CATALOG_RETRIES: '0',
    });
    expect(calleeEnv(g, 'web', clusterAddress('ns', true))['ORDERS_ADDR']).toBe('orders.ns.svc.cluster.local:9090');
    expect(calleeEnv(g, 'web', localAddress)).toMatchObject({ ORDERS_ADDR: 'dns:///orders:9090', CATALOG_URL: 'http://catalog:8081' });
    expect(calleeEnv(g, 'catalog', localAddress)).toEqual({});
  });

  test('durations', () => {
    expect([durationMs('2s'), durationMs('500ms'), durationMs('0ms')]).toEqual([2000, 500, 0]);
    expect(() => durationMs('2m')).toThrow();
  });

  test('chart env, compose env and headless Services of a generated project', () => {
    const r = render();
    const values = r.yaml('deploy/charts/web/values.yaml');
    const env = Object.fromEntries((values.env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      CALLEES: 'orders,catalog',
      ORDERS_ADDR: 'dns:///orders-headless.shop-prod.svc.cluster.local:9090',
      CATALOG_URL: 'http://catalog.shop-prod.svc.cluster.local:8081',
      CATALOG_TIMEOUT_MS: '500',
      CATALOG_RETRIES: '1',
    });
    // Only the gRPC callee needs its headless Service (no mesh, not the standalone envoy).
    expect(r.yaml('deploy/charts/orders/values.yaml').headlessService).toEqual({ enabled: true });
    expect(r.yaml('deploy/charts/catalog/values.yaml').headlessService).toEqual({ enabled: false });
    expect(r.yaml('deploy/charts/admin/values.yaml').env.some((e: { name: string }) => e.name === 'CALLEES')).toBe(false);
    expect(r.has('deploy/charts/orders/templates/headless-service.yaml')).toBe(true);
    const compose = r.yaml('compose.yaml');
    expect(compose.services.web.environment).toMatchObject({ PORT: '8080', CALLEES: 'orders,catalog', ORDERS_ADDR: 'dns:///orders:9090', CATALOG_URL: 'http://catalog:8081' });
    expect(compose.services.orders.environment).toMatchObject({ CALLEES: 'catalog', CATALOG_URL: 'http://catalog:8081' });
    // make dns-check resolves every Service, the headless one included.
    const check = r.yaml('deploy/dns/dns-check.yaml');
    const names = String(check.spec.containers[0].env.find((e: { name: string }) => e.name === 'NAMES').value).split(' ');
    expect(names).toEqual(['web.shop-prod.svc.cluster.local', 'orders.shop-prod.svc.cluster.local', 'orders-headless.shop-prod.svc.cluster.local', 'catalog.shop-prod.svc.cluster.local', 'admin.shop-prod.svc.cluster.local']);
  });

  test('with Flagger the headless Service selects the primary pods', () => {
    const r = render('cicd: { controller: flagger }\n');
    expect(r.yaml('deploy/charts/orders/values.yaml').headlessService).toEqual({ enabled: true, primary: true });
  });

  test('adding a call changes the caller\'s env, the policies of its two ends and the README, nothing else', () => {
    const before = render();
    const after = render('', SERVICES.replace('{ name: admin, language: java, port: 8082, protocol: http }', '{ name: admin, language: java, port: 8082, protocol: http, calls: [catalog] }'));
    const changed = [...after.tree.keys()].filter((p) => before.tree.get(p)?.content !== after.tree.get(p)!.content);
    // README: the service graph table and diagram; the policies: egress of the caller, ingress of the callee.
    expect(changed.sort()).toEqual(['README.md', 'cn-scaffold.yaml', 'compose.yaml', 'deploy/charts/admin/values.yaml', 'deploy/network-policy/admin.yaml', 'deploy/network-policy/catalog.yaml']);
    expect(after.yaml('compose.yaml').services.admin.environment).toMatchObject({ CALLEES: 'catalog', CATALOG_URL: 'http://catalog:8081' });
  });
});

describe('DNS network contribution', () => {
  test('CoreDNS peer, every pod and the dns-check pod reach it on 53 UDP+TCP, plus NodeLocal DNSCache unless off', () => {
    const r = render();
    const net = r.contrib.network;
    expect(net.peers).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'kube-dns', namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } })]));
    const dns = net.edges.filter((e) => e.block === 'discovery/coredns');
    const ports = [
      { port: 53, protocol: 'UDP', appProtocol: 'tcp' },
      { port: 53, protocol: 'TCP', appProtocol: 'tcp' },
    ];
    expect(dns.map((e) => [e.from, e.to])).toEqual([
      [{ peer: 'app-pods' }, { peer: 'kube-dns' }],
      [{ peer: 'app-pods' }, { cidr: '169.254.20.10/32' }],
      [{ peer: 'dns-check' }, { peer: 'kube-dns' }],
      [{ peer: 'dns-check' }, { cidr: '169.254.20.10/32' }],
    ]);
    for (const e of dns) expect(e.ports).toEqual(ports);
    const off = render('discovery: { coredns: { nodeLocalDNS: off } }\n');
    expect(off.contrib.network.edges.filter((e) => 'cidr' in e.to && e.block === 'discovery/coredns')).toEqual([]);
    expect(off.resolved.warnings.map((w) => w.message).join('\n')).toMatch(/CN-DNS-01/);
  });

  test('nodeLocalDNS on makes dns-check query the cache directly', () => {
    const check = render('discovery: { coredns: { nodeLocalDNS: on } }\n').yaml('deploy/dns/dns-check.yaml');
    expect(check.spec.containers[0].env).toContainEqual({ name: 'NODE_LOCAL_DNS', value: '169.254.20.10' });
  });

  test('forward zones: one server block, delivered per flavor', () => {
    const zones = 'zones: [{ zone: corp.example.com, servers: [10.0.0.53, "10.0.0.54:5353"] }]';
    const kubeadm = render(`discovery: { coredns: { ${zones} } }\n`);
    expect(kubeadm.file('deploy/dns/coredns/shop.server')).toMatch(/^corp\.example\.com:53 \{\n {4}errors\n {4}cache 30\n {4}forward \. 10\.0\.0\.53 10\.0\.0\.54:5353\n\}$/m);
    expect(kubeadm.file('deploy/dns/coredns/install.sh')).toContain('get configmap coredns -o jsonpath');
    expect(kubeadm.resolved.warnings.map((w) => w.message).join('\n')).toMatch(/CR-73/);
    const aks = render(`discovery: { coredns: { flavor: aks, ${zones} } }\n`);
    expect(aks.file('deploy/dns/coredns/install.sh')).toContain('create configmap coredns-custom --from-file=\'shop.server\'');
    expect(aks.resolved.warnings.map((w) => w.message).join('\n')).not.toMatch(/CR-73/);
    expect(render().has('deploy/dns/coredns/install.sh')).toBe(false);
  });
});

describe('gateway', () => {
  test('envoy-gateway: a route per exposed service on the HTTPS listener, a policy per route, edges from the proxies', () => {
    const r = render();
    const web = r.yaml('deploy/charts/web/values.yaml').route;
    expect(web).toEqual({
      enabled: true,
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'gateway-system', name: 'gateway', sectionName: 'https' }],
      hostnames: ['shop.example.com'],
      path: '/',
      backendPolicy: { enabled: true, retries: 2, requestTimeout: '15s' },
    });
    expect(r.yaml('deploy/charts/orders/values.yaml').route).toMatchObject({ enabled: true, hostnames: [], grpcServices: [] });
    expect(r.has('deploy/charts/web/templates/httproute.yaml')).toBe(true);
    expect(r.has('deploy/charts/orders/templates/grpcroute.yaml')).toBe(true);
    expect(r.has('deploy/charts/orders/templates/httproute.yaml')).toBe(false);
    expect(r.has('deploy/charts/catalog/templates/httproute.yaml')).toBe(false);
    expect(r.yaml('deploy/charts/catalog/values.yaml').route).toBeUndefined();
    expect(r.contrib.gateway).toEqual({ kind: 'gateway-api', namespace: 'gateway-system', name: 'gateway', sectionName: 'https', peer: 'gateway' });
    const edges = r.contrib.network.edges.filter((e) => e.block === 'discovery/envoy-gateway');
    expect(edges.map((e) => [e.from, e.to, e.ports])).toEqual([
      [{ peer: 'gateway' }, { service: 'web' }, [{ port: 8080, protocol: 'TCP', appProtocol: 'http' }]],
      [{ peer: 'gateway' }, { service: 'orders' }, [{ port: 9090, protocol: 'TCP', appProtocol: 'grpc' }]],
    ]);
    expect(r.contrib.network.peers.find((p) => p.id === 'gateway')).toMatchObject({ namespace: 'envoy-gateway-system', podLabels: { 'gateway.envoyproxy.io/owning-gateway-name': 'gateway' } });
    // The Gateway admits routes from the application namespace and Harbor's on its own listener.
    const gw = (load(r.file('deploy/gateway/envoy-gateway/gateway.yaml').split('\n---\n')[2]!) as any).spec;
    expect(gw.listeners.map((l: { name: string }) => l.name)).toEqual(['http', 'https', 'harbor']);
    expect(gw.listeners[1].allowedRoutes.namespaces.selector.matchExpressions[0].values).toEqual(['shop-prod']);
    expect(load(r.file('deploy/gateway/certificate.yaml'))).toMatchObject({ spec: { dnsNames: ['app.example.com', 'shop.example.com'], secretName: 'gateway-tls' } });
  });

  test('the Envoy Gateway line follows the Kubernetes version; older lines warn (CN-MESH-06)', () => {
    expect([30, 31, 32, 33, 34, 35, 36].map((m) => envoyGatewayFor(m).version)).toEqual(['v1.6.7', 'v1.6.7', 'v1.8.3', 'v1.9.0', 'v1.9.0', 'v1.9.0', 'v1.9.0']);
    for (const l of ENVOY_GATEWAY_LINES) expect(l.kube[1] - l.kube[0]).toBe(3); // four minors per line (matrix.md)
    for (const [version, chart, warns] of [
      ['1.32', 'v1.8.3', true],
      ['1.36', 'v1.9.0', false],
    ] as const) {
      const raw = readAnswersText(`project: { name: shop, kubernetesVersion: "${version}" }\n${SERVICES}`, 'answers.yaml');
      const r = renderProject(raw, catalog);
      const install = r.tree.get('deploy/gateway/envoy-gateway/install.sh')!.content;
      expect(install).toContain(`version='${chart}'`);
      expect(install).toContain('-f deploy/gateway/envoy-gateway/values.yaml --wait');
      expect(r.tree.get('deploy/gateway/envoy-gateway/values.yaml')!.content).toContain('crds:\n  enabled: false');
      expect(r.resolved.warnings.some((w) => w.message.includes('CN-MESH-06'))).toBe(warns);
    }
    const old = renderProject(readAnswersText(`project: { name: shop, kubernetesVersion: "1.30" }\n${SERVICES}`, 'answers.yaml'), catalog);
    expect(old.tree.get('deploy/gateway/envoy-gateway/install.sh')!.content).toMatch(/version='v1\.6\.7'[\s\S]*--skip-crds/);
    expect(old.tree.get('deploy/gateway/envoy-gateway/values.yaml')!.content).not.toContain('crds:');
  });

  test('existing: routes attach to the named Gateway and listener, no policy; Harbor follows it', () => {
    const r = render('discovery: { gateway: existing, existing: { parentRef: infra/public, sectionName: web, proxyNamespace: infra-proxies } }\n');
    expect(r.yaml('deploy/charts/web/values.yaml').route.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'infra', name: 'public', sectionName: 'web' }]);
    expect(r.yaml('deploy/charts/web/values.yaml').route.backendPolicy).toBeUndefined();
    expect(r.has('deploy/charts/web/templates/backendtrafficpolicy.yaml')).toBe(false);
    expect(r.contrib.network.peers.find((p) => p.id === 'gateway')).toMatchObject({ namespace: 'infra-proxies', podLabels: {} });
    expect(r.yaml('deploy/harbor/values.yaml').expose.route.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'infra' }]);
    // An explicit answer still wins.
    const pinned = render('registry: { harbor: { gateway: other/gw } }\ndiscovery: { gateway: existing, existing: { parentRef: infra/public } }\n');
    expect(pinned.yaml('deploy/harbor/values.yaml').expose.route.parentRefs[0]).toMatchObject({ name: 'gw', namespace: 'other' });
  });

  test('envoy: headless Services for exposed services, two bootstraps, a compose service, no Gateway API objects', () => {
    const r = render('discovery: { gateway: envoy }\nregistry: { harbor: { expose: loadBalancer } }\n');
    expect(r.yaml('deploy/charts/web/values.yaml').headlessService).toEqual({ enabled: true });
    expect(r.yaml('deploy/charts/web/values.yaml').route).toBeUndefined();
    expect(r.yaml('deploy/charts/catalog/values.yaml').headlessService).toEqual({ enabled: false });
    const compose = r.yaml('compose.yaml');
    expect(compose.services['front-proxy']).toMatchObject({ image: 'docker.io/envoyproxy/envoy:distroless-v1.39.0', ports: ['127.0.0.1:10000:8080'], read_only: true, cap_drop: ['ALL'] });
    expect(compose.services['front-proxy'].volumes).toEqual(['./deploy/gateway/envoy/envoy-local.yaml:/etc/envoy/envoy.yaml:ro']);
    expect(r.has('deploy/gateway/envoy/envoy.yaml') && r.has('deploy/gateway/envoy/kustomization.yaml')).toBe(true);
    expect([...r.tree.keys()].some((p) => p.includes('envoy-gateway') || p.endsWith('route.yaml'))).toBe(false);
    expect(r.resolved.infos.map((i) => i.message).join('\n')).toMatch(/CR-71/);
  });

  test('ingress-nginx is refused with the retirement and the successor', () => {
    try {
      render('discovery: { gateway: ingress-nginx }\n');
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).problems[0]).toMatchObject({ key: 'discovery.gateway', message: expect.stringMatching(/retired Ingress NGINX[\s\S]*March 2026[\s\S]*CR-70/), fix: '--set discovery.gateway=envoy-gateway' });
    }
  });
});

describe('rules', () => {
  const fired = (c: Record<string, unknown>) => evaluateRules(c as never).map((r) => r.id);
  const base = { project: { name: 'x' }, services: [{ name: 'a', protocol: 'http' }], registry: { provider: 'harbor' } };

  test('CR-69: Harbor route without a Gateway API gateway; not while the gateway is unanswered', () => {
    expect(fired({ ...base, discovery: { gateway: 'none' } })).toContain('CR-69');
    expect(fired({ ...base, discovery: { gateway: 'envoy' } })).toContain('CR-69');
    expect(fired({ ...base, discovery: { gateway: 'envoy-gateway' } })).not.toContain('CR-69');
    expect(fired({ ...base, discovery: { gateway: 'existing' } })).not.toContain('CR-69');
    expect(fired({ ...base, discovery: { gateway: 'none' }, registry: { provider: 'harbor', harbor: { expose: 'loadBalancer' } } })).not.toContain('CR-69');
    expect(fired(base)).not.toContain('CR-69');
  });

  test('CN-GW-01: two gRPC services exposed without hostnames', () => {
    const grpc = (name: string, expose: unknown) => ({ name, protocol: 'grpc', expose });
    expect(fired({ ...base, discovery: { gateway: 'envoy-gateway' }, services: [grpc('a', true), grpc('b', {})] })).toContain('CN-GW-01');
    expect(fired({ ...base, discovery: { gateway: 'envoy-gateway' }, services: [grpc('a', true), grpc('b', { hostname: 'b.example.com' })] })).not.toContain('CN-GW-01');
  });
});

describe('the walk', () => {
  /**
   * Answers every prompt with its default and records the choices of every select; a category's
   * "which blocks?" is answered "choose each", so every slot is asked on its own.
   */
  async function walkChoices(services: Record<string, unknown>[], set: Record<string, unknown> = {}) {
    const { walk } = await import('../../src/prompts/walk.js');
    const { emptyAnswers, setAt } = await import('../../src/config/sources.js');
    const raw = emptyAnswers();
    setAt(raw, ['project'], { name: 'shop', namespace: 'shop', kubernetesVersion: '1.34', image: { repository: 'shop' } }, 'test');
    setAt(raw, ['services'], services, 'test');
    for (const [k, v] of Object.entries(set)) setAt(raw, k.split('.'), v, 'test');
    const selects = new Map<string, { value: string; disabled?: string | false }[]>();
    const prompter = {
      section: () => undefined,
      info: () => undefined,
      input: async (q: { default?: string }) => q.default ?? '',
      number: async (q: { default?: number }) => q.default ?? 0,
      confirm: async (q: { default?: boolean }) => q.default ?? false,
      select: async <T extends string>(q: { message: string; choices: { value: T; disabled?: string | false }[]; default?: T }) => {
        selects.set(q.message, q.choices);
        if (q.message.endsWith(': which blocks?')) return 'each' as T;
        return q.default ?? q.choices.find((c) => !c.disabled)!.value;
      },
    };
    await walk(prompter as never, raw, catalog, { dirName: 'shop', target: '/tmp/shop' } as never);
    return { selects, raw };
  }
  const gatewayQuestion = catalog.categories.find((c) => c.id === 'discovery')!.slots.find((s) => s.key === 'gateway')!.question;

  test('an exposed service greys out "none" for the gateway (CN-GRAPH-03), and the standalone envoy stays offered', async () => {
    const { selects } = await walkChoices([{ name: 'web', language: 'node', port: 8080, protocol: 'http', replicas: 1, expose: true }], { 'registry.provider': 'external' });
    const choices = selects.get(gatewayQuestion)!;
    expect(choices.find((c) => c.value === 'none')!.disabled).toMatch(/CN-GRAPH-03/);
    expect(choices.find((c) => c.value === 'envoy')!.disabled).toBe(false);
    expect(choices.find((c) => c.value === 'envoy-gateway')!.disabled).toBe(false);
  });

  test('Harbor exposed by an HTTPRoute greys out the gateways without Gateway API (CR-69)', async () => {
    const { selects, raw } = await walkChoices([{ name: 'web', language: 'node', port: 8080, protocol: 'http', replicas: 1 }], { 'registry.harbor.expose': 'route' });
    const choices = selects.get(gatewayQuestion)!;
    expect(choices.find((c) => c.value === 'none')!.disabled).toMatch(/CR-69/);
    expect(choices.find((c) => c.value === 'envoy')!.disabled).toMatch(/CR-69/);
    expect((raw.data as any).discovery.gateway).toBe('envoy-gateway');
  });

  test("while Harbor's exposure is open, a gateway without Gateway API makes it a LoadBalancer by default instead", async () => {
    const { selects } = await walkChoices([{ name: 'web', language: 'node', port: 8080, protocol: 'http', replicas: 1 }]);
    const choices = selects.get(gatewayQuestion)!;
    for (const id of ['none', 'envoy', 'envoy-gateway']) expect(choices.find((c) => c.value === id)!.disabled, id).toBeFalsy();
    for (const gateway of ['envoy', 'none']) {
      const r = resolveConfig({ data: { project: { name: 'shop' }, services: [{ name: 'web' }], discovery: { gateway } }, origins: new Map() }, catalog);
      expect((r.config.registry as any).harbor.expose).toBe('loadBalancer');
      expect(r.infos).toContainEqual(expect.objectContaining({ key: 'registry.harbor.expose', rule: 'default' }));
    }
  });
});
