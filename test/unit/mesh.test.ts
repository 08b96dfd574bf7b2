// Mesh pieces without a whole project: the canary provider for each traffic layer (also Envoy Gateway,
// whose block another branch adds), the mesh rules of the one table, and the authorization of edges the
// default stacks do not produce (a gateway outside the mesh, every pod of the namespace, an address block).
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { MergedNetwork } from '../../src/catalog/network.js';
import type { FilesContext } from '../../src/catalog/define.js';
import { evaluateRules } from '../../src/config/rules.js';
import { flaggerGatewayRefs, flaggerProvider, argoRouter, gatewayTrafficRoute } from '../../src/blocks/discovery/traffic.js';
import { gatewayApiOwner } from '../../src/blocks/discovery/mesh-block.js';
import { linkerdPolicyFiles } from '../../src/blocks/discovery/linkerd-policy.js';
import { istioPolicyFiles } from '../../src/blocks/discovery/istio-policy.js';
import { serverFirstEgress } from '../../src/blocks/discovery/mesh-model.js';
import { allowed, type K8s } from '../support/mesh-authz.js';

const cfg = (discovery: Record<string, unknown>) => ({ config: { version: 1, project: { name: 'p', kubernetesVersion: '1.34' }, services: [], discovery } as never });

describe('traffic layer of a canary', () => {
  test('Flagger provider and the parents of its HTTPRoute per mesh or gateway', () => {
    expect(flaggerProvider(cfg({ mesh: 'linkerd' }))).toBe('gatewayapi:v1');
    expect(flaggerProvider(cfg({ mesh: 'istio', istio: { dataplane: 'sidecar' } }))).toBe('istio');
    expect(flaggerProvider(cfg({ mesh: 'istio' }))).toBe('gatewayapi:v1');
    expect(flaggerProvider(cfg({ mesh: 'none', gateway: 'envoy-gateway' }))).toBe('gatewayapi:v1');
    expect(flaggerProvider(cfg({ mesh: 'none' }))).toBe('kubernetes');
    const ctx = (d: Record<string, unknown>) => ({ ...cfg(d), has: (id: string) => id === 'cicd/flagger', project: { name: 'p', namespace: 'shop', kubernetesVersion: '1.34', image: { registry: '', repository: '' } } });
    expect(flaggerGatewayRefs(ctx({ mesh: 'linkerd' }), { name: 'pay', port: 8082 })).toEqual([{ group: '', kind: 'Service', name: 'pay', namespace: 'shop', port: 8082 }]);
    const gw = ctx({ gateway: 'envoy-gateway' });
    expect(flaggerGatewayRefs(gw, { name: 'pay', port: 8082, expose: true })).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'gateway-system', name: 'gateway', sectionName: 'https' },
    ]);
    // Without a mesh, a service the gateway does not expose is never put on the public Gateway.
    expect(flaggerProvider(gw, { name: 'db', port: 9000 })).toBe('kubernetes');
    expect(gatewayTrafficRoute(gw, { name: 'db', port: 9000 })).toEqual({});
    expect(gatewayTrafficRoute(gw, { name: 'pay', port: 8082, expose: { hostname: 'pay.example.com' } }).trafficRoute?.flagger).toMatchObject({ hosts: ['pay.example.com'] });
    expect(gatewayTrafficRoute(ctx({ mesh: 'linkerd', gateway: 'envoy-gateway' }), { name: 'pay', port: 8082, expose: true })).toEqual({});
    expect(flaggerGatewayRefs(ctx({ mesh: 'istio', istio: { dataplane: 'sidecar' } }), { name: 'pay', port: 8082 })).toEqual([]);
    expect([argoRouter(cfg({ mesh: 'linkerd' })), argoRouter(cfg({ mesh: 'istio', istio: { dataplane: 'sidecar' } })), argoRouter(cfg({}))]).toEqual(['gatewayapi', 'istio', 'replicas']);
  });

  test('one owner of the Gateway API CRDs', () => {
    expect(gatewayApiOwner(cfg({ mesh: 'linkerd' }).config)).toBeUndefined();
    expect(gatewayApiOwner(cfg({ gateway: 'envoy-gateway' }).config)).toMatch(/gateway-install/);
    expect(gatewayApiOwner(cfg({ gateway: 'envoy-gateway', 'envoy-gateway': { gatewayAPICRDs: 'external' } }).config)).toBe('your platform');
  });
});

describe('mesh rules', () => {
  const fired = (c: Record<string, unknown>) => evaluateRules(c as never).map((r) => r.id);
  const base = { project: { name: 'p', kubernetesVersion: '1.34' }, services: [{ name: 'a', protocol: 'grpc', calls: ['b'] }, { name: 'b' }] };
  test('Kubernetes versions each mesh supports', () => {
    expect(fired({ ...base, project: { kubernetesVersion: '1.30' }, discovery: { mesh: 'linkerd' } })).toContain('CN-MESH-01');
    expect(fired({ ...base, project: { kubernetesVersion: '1.31' }, discovery: { mesh: 'linkerd' } })).not.toContain('CN-MESH-01');
    expect(fired({ ...base, project: { kubernetesVersion: '1.31' }, discovery: { mesh: 'istio' } })).toContain('CN-MESH-16');
    expect(fired({ ...base, project: { kubernetesVersion: '1.32' }, discovery: { mesh: 'istio' } })).not.toContain('CN-MESH-16');
  });
  test('an Argo canary without a mesh is told its weights are replica counts (CN-CD-02), exactly when it gets no router', () => {
    const argo = { cicd: { controller: 'argo-rollouts' } };
    for (const [discovery, router] of [[{}, 'replicas'], [{ mesh: 'none', gateway: 'envoy-gateway' }, 'replicas'], [{ mesh: 'linkerd' }, 'gatewayapi'], [{ mesh: 'istio' }, 'gatewayapi']] as const) {
      expect(argoRouter(cfg(discovery))).toBe(router);
      expect(fired({ ...base, ...argo, discovery }).includes('CN-CD-02'), JSON.stringify(discovery)).toBe(router === 'replicas');
    }
    expect(fired({ ...base, cicd: { controller: 'argo-rollouts', 'argo-rollouts': { strategy: 'blue-green' } } })).not.toContain('CN-CD-02');
    expect(fired({ ...base, cicd: { controller: 'flagger' } })).not.toContain('CN-CD-02');
  });
  test('a Flagger canary needs a mesh, or Envoy Gateway with every service exposed (CR-34)', () => {
    const flagger = { cicd: { controller: 'flagger', flagger: { strategy: 'canary' } } };
    expect(fired({ ...base, ...flagger, discovery: { mesh: 'none' } })).toContain('CR-34');
    expect(fired({ ...base, ...flagger, discovery: { mesh: 'linkerd' } })).not.toContain('CR-34');
    expect(fired({ ...base, ...flagger, discovery: { mesh: 'none', gateway: 'envoy-gateway' } })).toContain('CR-34');
    const exposed = { ...base, services: base.services.map((s) => ({ ...s, expose: true })) };
    expect(fired({ ...exposed, ...flagger, discovery: { mesh: 'none', gateway: 'envoy-gateway' } })).not.toContain('CR-34');
  });
  test('CNI and data-plane interplay, and the gRPC balancing note only without a mesh', () => {
    expect(fired({ ...base, discovery: { mesh: 'istio' }, 'network-policy': { engine: 'cilium' } })).toEqual(expect.arrayContaining(['CR-66', 'CR-65']));
    expect(fired({ ...base, discovery: { mesh: 'linkerd' }, 'network-policy': { engine: 'cilium' } })).toEqual(expect.arrayContaining(['CR-66', 'CN-MESH-10']));
    expect(fired({ ...base, discovery: { mesh: 'istio', istio: { dataplane: 'sidecar' } }, 'network-policy': { engine: 'cilium' } })).not.toContain('CR-65');
    // CR-96 is about calls to a gRPC service (b here), whatever the caller speaks.
    const grpcCallee = { ...base, services: [base.services[0], { name: 'b', protocol: 'grpc' }] };
    expect(fired({ ...base, discovery: { mesh: 'none' } })).not.toContain('CR-96');
    expect(fired({ ...grpcCallee, discovery: { mesh: 'none' } })).toContain('CR-96');
    expect(fired({ ...grpcCallee, discovery: { mesh: 'none' }, messaging: { rpc: 'none' } })).toEqual(expect.arrayContaining(['CR-96', 'CN-MSG-11']));
    expect(fired({ ...grpcCallee, discovery: { mesh: 'linkerd' } })).not.toContain('CR-96');
    expect(fired({ ...grpcCallee, discovery: { mesh: 'istio' }, messaging: { rpc: 'none' } })).toEqual(expect.arrayContaining(['CN-MSG-11']));
    expect(fired({ ...grpcCallee, discovery: { mesh: 'istio' }, messaging: { rpc: 'none' } })).not.toContain('CR-96');
    expect(fired({ ...base, discovery: { mesh: 'istio' } })).toContain('CN-MESH-04');
  });
});

describe('authorization of edges the default stacks do not produce', () => {
  const network: MergedNetwork = {
    peers: [
      { id: 'app-pods', title: 'every pod', podLabels: {} },
      { id: 'gateway', title: 'gateway proxies', namespace: 'gateway-system', podLabels: { app: 'envoy' } },
      { id: 'loader', title: 'a job', podLabels: { app: 'loader' } },
      { id: 'nats', title: 'NATS', namespace: 'messaging', podLabels: { app: 'nats' } },
    ],
    edges: [
      { from: { peer: 'gateway' }, to: { service: 'web' }, ports: [{ port: 8080, protocol: 'TCP' }], reason: 'the gateway routes to web', block: 'discovery/envoy-gateway' },
      { from: { peer: 'app-pods' }, to: { service: 'api' }, ports: [{ port: 9000, protocol: 'TCP' }], reason: 'everyone calls api', block: 'x' },
      { from: { peer: 'loader' }, to: { service: 'api' }, ports: [{ port: 9000, protocol: 'TCP' }], reason: 'a job without a ServiceAccount', block: 'x' },
      { from: { service: 'api' }, to: { peer: 'nats' }, ports: [{ port: 4222, protocol: 'TCP', appProtocol: 'tcp' }], reason: 'api publishes', block: 'x' },
      { from: { service: 'api' }, to: { service: 'web' }, ports: [{ port: 8080, protocol: 'TCP', appProtocol: 'tcp' }], reason: 'in the mesh', block: 'graph' },
      { from: { service: 'api' }, to: { cidr: '10.1.0.0/16' }, ports: [{ port: 5432, protocol: 'TCP', appProtocol: 'tcp' }], reason: 'outside', block: 'graph' },
    ],
  };
  const services = [
    { name: 'web', port: 8080, protocol: 'http' },
    { name: 'api', port: 9000, protocol: 'http' },
  ] as never;
  const ctx = { project: { namespace: 'shop' }, has: () => false, services, contrib: { network }, config: { discovery: {} } } as unknown as FilesContext;
  const objs = (files: { content?: string }[]): K8s[] => files.flatMap((f) => parseAllDocuments(f.content!).map((d) => d.toJS() as K8s));
  const web = { service: 'web', port: 8080, protocol: 'http' as const, servicePort: 8080 };
  const api = { service: 'api', port: 9000, protocol: 'http' as const, servicePort: 9000 };

  test('a gateway outside the mesh: Istio admits it as plaintext only; Linkerd opens the port (CN-MESH-15)', () => {
    const istio = objs(istioPolicyFiles(ctx, 'discovery/istio', 'sidecar', false) as never);
    expect(allowed('istio-sidecar', istio, 'shop', web, { kind: 'plaintext', path: '/any' })).toBe(true);
    expect(allowed('istio-sidecar', istio, 'shop', web, { kind: 'identity', serviceAccount: 'intruder' })).toBe(false);
    const linkerd = objs(linkerdPolicyFiles(ctx, 'discovery/linkerd') as never);
    expect(allowed('linkerd', linkerd, 'shop', web, { kind: 'plaintext', path: '/any' })).toBe(true);
    expect(allowed('linkerd', linkerd, 'shop', web, { kind: 'identity', serviceAccount: 'intruder' })).toBe(true);
  });

  test('every pod of the namespace, and a pod without a ServiceAccount (default)', () => {
    const istio = objs(istioPolicyFiles(ctx, 'discovery/istio', 'ambient', false) as never);
    const ap = istio.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata.name === 'api')!;
    expect(ap.spec.rules[0].from).toEqual([{ source: { principals: ['cluster.local/ns/shop/sa/default'] } }, { source: { namespaces: ['shop'] } }]);
    expect(allowed('istio-ambient', istio, 'shop', api, { kind: 'identity', serviceAccount: 'anyone' })).toBe(true);
    expect(allowed('istio-ambient', istio, 'shop', api, { kind: 'plaintext' })).toBe(false);
    const linkerd = objs(linkerdPolicyFiles(ctx, 'discovery/linkerd') as never);
    const callers = linkerd.find((o) => o.kind === 'MeshTLSAuthentication' && o.metadata.name === 'api-9000-callers')!;
    expect(callers.spec.identityRefs).toEqual([{ kind: 'Namespace', name: 'shop' }, { kind: 'ServiceAccount', name: 'default' }]);
  });

  test('server-first ports: only to peers outside the mesh and address blocks', () => {
    expect(serverFirstEgress(network, 'api')).toEqual([4222, 5432]);
    expect(serverFirstEgress(network, 'web')).toEqual([]);
  });
});
