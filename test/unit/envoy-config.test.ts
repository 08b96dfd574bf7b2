// The standalone Envoy front proxy's bootstrap, checked structurally (no Envoy binary offline): every filter
// chain ends with the router carrying typed_config (CR-71), every typed_config names a known v3 type, every
// route points at a defined cluster, clusters are STRICT_DNS on the headless Services (cluster) or the
// compose names (local), health checks have their required timeout and interval, gRPC backends speak
// HTTP/2, the admin API stays on 127.0.0.1, and the Deployment's ports and probes match the listeners.
import { load, loadAll } from 'js-yaml';
import { describe, expect, test } from 'vitest';
import { catalog } from '../../src/catalog/registry.js';
import { readAnswersText } from '../../src/config/sources.js';
import { renderProject } from '../../src/generate.js';

const ANSWERS = `project: { name: shop, namespace: shop-prod }
services:
  - { name: web, language: node, port: 8080, protocol: http, expose: { path: /, hostname: shop.example.com } }
  - { name: api, language: go, port: 8081, protocol: http, expose: { path: /api } }
  - { name: orders, language: go, port: 9090, protocol: grpc, expose: true }
  - { name: ledger, language: java, port: 8082, protocol: http }
discovery: { gateway: envoy, envoy: { retries: 3, requestTimeout: 10s } }
registry: { harbor: { expose: loadBalancer } }
`;
const tree = renderProject(readAnswersText(ANSWERS, 'answers.yaml'), catalog).tree;
const doc = (p: string) => load(tree.get(p)!.content) as any;

const KNOWN_TYPES = new Set([
  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
  'type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck',
  'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
  'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
  'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog',
]);

/** Every object in the document, with its path. */
function* walk(v: unknown, path = ''): Generator<[string, Record<string, any>]> {
  if (Array.isArray(v)) for (const [i, x] of v.entries()) yield* walk(x, `${path}[${i}]`);
  else if (v && typeof v === 'object') {
    yield [path, v as Record<string, any>];
    for (const [k, x] of Object.entries(v)) yield* walk(x, `${path}.${k}`);
  }
}
const hcms = (cfg: any) => cfg.static_resources.listeners.flatMap((l: any) => l.filter_chains.flatMap((c: any) => c.filters.map((f: any) => ({ listener: l, f }))));

describe.each([
  ['cluster', 'deploy/gateway/envoy/envoy.yaml'],
  ['local', 'deploy/gateway/envoy/envoy-local.yaml'],
] as const)('%s bootstrap', (mode, file) => {
  const cfg = doc(file);

  test('admin only on 127.0.0.1; v3 static resources only', () => {
    expect(Object.keys(cfg).sort()).toEqual(['admin', 'static_resources']);
    expect(cfg.admin.address.socket_address).toEqual({ address: '127.0.0.1', port_value: 9901 });
  });

  test('every typed_config names a known v3 type; keys are snake_case proto field names', () => {
    for (const [path, o] of walk(cfg)) {
      if ('typed_config' in o) expect(KNOWN_TYPES, path).toContain(o.typed_config['@type']);
      for (const k of Object.keys(o)) if (!path.endsWith('typed_extension_protocol_options')) expect(k, `${path}.${k}`).toMatch(/^(@type|[a-z0-9_]+)$/);
    }
  });

  test('each connection manager ends its HTTP filters with the router, every filter with typed_config (CR-71)', () => {
    const list = hcms(cfg);
    expect(list.length).toBe(mode === 'cluster' ? 3 : 2);
    for (const { f } of list) {
      expect(f.name).toBe('envoy.filters.network.http_connection_manager');
      const filters = f.typed_config.http_filters as { name: string; typed_config?: Record<string, string> }[];
      expect(filters.at(-1)).toEqual({ name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } });
      for (const h of filters) expect(h.typed_config?.['@type'], h.name).toBeTruthy();
      expect(f.typed_config).toMatchObject({ use_remote_address: true, normalize_path: true, common_http_protocol_options: { headers_with_underscores_action: 'REJECT_REQUEST' } });
    }
  });

  test('routes: one per exposed service, to a defined cluster, with retries and a timeout; gRPC before HTTP, longest prefix first', () => {
    const services = hcms(cfg).find(({ listener }: any) => listener.name === (mode === 'cluster' ? 'https' : 'http')).f.typed_config.route_config;
    const clusters = new Set(cfg.static_resources.clusters.map((c: any) => c.name));
    const vhosts = services.virtual_hosts.map((v: any) => [v.name, v.domains, v.routes.map((r: any) => [r.name, r.match])]);
    expect(vhosts).toEqual([
      ['shop.example.com', ['shop.example.com', 'shop.example.com:*'], [['web', { prefix: '/' }]]],
      ['any', ['*'], [['orders', { prefix: '/', grpc: {} }], ['api', { prefix: '/api' }]]],
    ]);
    for (const v of services.virtual_hosts) {
      for (const r of v.routes) {
        expect(clusters).toContain(r.route.cluster);
        expect(r.route).toMatchObject({ timeout: '10s', retry_policy: { num_retries: 3, retry_back_off: { base_interval: '0.1s', max_interval: '1s' } } });
        expect(r.route.retry_policy.retry_on).toMatch(r.name === 'orders' ? /unavailable/ : /retriable-status-codes/);
      }
    }
  });

  test('clusters: STRICT_DNS per exposed service on its port, health checks with timeout and interval, HTTP/2 for gRPC', () => {
    const clusters = cfg.static_resources.clusters as any[];
    expect(clusters.map((c) => c.name)).toEqual(['web', 'api', 'orders']);
    const port = { web: 8080, api: 8081, orders: 9090 } as Record<string, number>;
    for (const c of clusters) {
      expect(c).toMatchObject({ type: 'STRICT_DNS', lb_policy: 'LEAST_REQUEST', connect_timeout: '1s' });
      const addr = c.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
      expect(addr).toEqual({ address: mode === 'cluster' ? `${c.name}-headless.shop-prod.svc.cluster.local` : c.name, port_value: port[c.name] });
      for (const h of c.health_checks) {
        expect(h.timeout && h.interval, c.name).toBeTruthy();
        expect(Object.keys(h).filter((k) => k.endsWith('_health_check'))).toEqual([c.name === 'orders' ? 'grpc_health_check' : 'http_health_check']);
      }
      const http2 = c.typed_extension_protocol_options?.['envoy.extensions.upstreams.http.v3.HttpProtocolOptions']?.explicit_http_config?.http2_protocol_options;
      expect(http2 !== undefined, c.name).toBe(c.name === 'orders');
      if (c.name !== 'orders') expect(c.health_checks[0].http_health_check).toEqual({ path: '/readyz' });
    }
  });

  test('listeners: HTTPS with the certificate and an HTTP redirect in the cluster, plain HTTP locally, and /ready', () => {
    const byName = Object.fromEntries(cfg.static_resources.listeners.map((l: any) => [l.name, l]));
    expect(Object.keys(byName)).toEqual(mode === 'cluster' ? ['https', 'http', 'health'] : ['http', 'health']);
    if (mode === 'cluster') {
      const tls = byName.https.filter_chains[0].transport_socket.typed_config.common_tls_context;
      expect(tls.tls_certificates[0]).toEqual({ certificate_chain: { filename: '/etc/envoy/tls/tls.crt' }, private_key: { filename: '/etc/envoy/tls/tls.key' }, watched_directory: { path: '/etc/envoy/tls' } });
      expect(byName.http.filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes).toEqual([{ match: { prefix: '/' }, redirect: { https_redirect: true } }]);
    } else {
      expect(JSON.stringify(cfg)).not.toContain('transport_socket');
    }
    const health = byName.health.filter_chains[0].filters[0].typed_config.http_filters[0];
    expect(health.typed_config).toMatchObject({ pass_through_mode: false, headers: [{ name: ':path', string_match: { exact: '/ready' } }] });
  });
});

test('the Deployment serves the listeners\' ports, probes /ready on the health listener, mounts the config and certificate', () => {
  const cfg = doc('deploy/gateway/envoy/envoy.yaml');
  const ports = Object.fromEntries(cfg.static_resources.listeners.map((l: any) => [l.name, l.address.socket_address.port_value]));
  const dep = doc('deploy/gateway/envoy/deployment.yaml');
  const c = dep.spec.template.spec.containers[0];
  expect(Object.fromEntries(c.ports.map((p: any) => [p.name, p.containerPort]))).toEqual(ports);
  expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'health' });
  expect(c.args.slice(0, 2)).toEqual(['-c', '/etc/envoy/config/envoy.yaml']);
  expect(c.volumeMounts.find((m: any) => m.name === 'tls').mountPath).toBe('/etc/envoy/tls');
  const kustomization = doc('deploy/gateway/envoy/kustomization.yaml');
  expect(kustomization.configMapGenerator).toEqual([{ name: 'front-proxy-config', files: ['envoy.yaml'] }]);
  expect(dep.spec.template.spec.volumes.find((v: any) => v.name === 'config').configMap.name).toBe('front-proxy-config');
  const svc = loadAll(tree.get('deploy/gateway/envoy/service.yaml')!.content)[0] as any;
  expect(svc.spec.ports.map((p: any) => [p.port, p.targetPort])).toEqual([
    [80, 'http'],
    [443, 'https'],
  ]);
});
