// Linkerd authorization from the graph (policy.linkerd.io; versions served by linkerd/linkerd2
// charts/linkerd-crds/templates/policy/*.yaml @edge-26.8.3: Server v1beta3, AuthorizationPolicy,
// MeshTLSAuthentication and NetworkAuthentication v1alpha1). With the namespace's default inbound policy
// `deny`, a port accepts only what an AuthorizationPolicy allows:
//   - one Server per port a service receives on, selecting the service's pods;
//   - the declared callers by identity (MeshTLSAuthentication of their ServiceAccounts);
//   - clients outside the mesh (Prometheus, a gateway) by network, on the port or, where every one of them uses
//     known paths (a scrape of /metrics), on just those paths through a route;
//   - kubelet probes: Linkerd authorizes httpGet probe paths by itself only while no route is attached to the
//     Server, and never gRPC probes (policy-controller/k8s/index/src/inbound/{workload.rs pod_http_probes,
//     index.rs http_routes} @edge-26.8.3): routed ports get an explicit probe route.
// Routes attached to a Server are Gateway API HTTPRoute/GRPCRoute (the policy controller reads both kinds).
import type { FileSpec, FilesContext } from '../../catalog/define.js';
import { SERVICE_LABEL, serviceSelector } from '../network-policy/compile.js';
import { prometheusOperatorSelected } from '../observability/shared.js';
import { accessReasons, meta, NAMESPACE_POLICY_FILE, MESH_POLICY_DIR, objectsFile } from './mesh-files.js';
import { identitySources, inboundAccess, plaintextPaths, plaintextSources, type PortAccess, type ServiceAccess } from './mesh-model.js';

const POLICY = 'policy.linkerd.io';
const GATEWAY = 'gateway.networking.k8s.io';
/** Every address: the NetworkAuthentication of clients outside the mesh (the NetworkPolicy narrows them). */
export const ANY_NETWORK = 'any-network';
/** Paths of the HTTP services' probes (the chart's liveness, readiness and startup probes). */
const HTTP_PROBE_PATHS = ['/healthz', '/readyz'];
const GRPC_HEALTH = 'grpc.health.v1.Health';

const server = (name: string, ns: string, selector: object, port: number | string, proxyProtocol: string) => ({
  apiVersion: `${POLICY}/v1beta3`,
  kind: 'Server',
  metadata: meta(name, ns),
  spec: { podSelector: selector, port, proxyProtocol, accessPolicy: 'deny' },
});
const authz = (name: string, ns: string, target: { group: string; kind: string; name: string }, auth: { kind: string; name: string }) => ({
  apiVersion: `${POLICY}/v1alpha1`,
  kind: 'AuthorizationPolicy',
  metadata: meta(name, ns),
  spec: { targetRef: target, requiredAuthenticationRefs: [{ group: POLICY, ...auth }] },
});
const route = (kind: 'HTTPRoute' | 'GRPCRoute', name: string, ns: string, serverName: string, rules: object[]) => ({
  apiVersion: `${GATEWAY}/v1`,
  kind,
  metadata: meta(name, ns),
  spec: { parentRefs: [{ group: POLICY, kind: 'Server', name: serverName }], rules },
});
const exact = (paths: string[]) => ({ matches: paths.map((value) => ({ path: { type: 'Exact', value } })) });

function callers(name: string, ns: string, a: PortAccess) {
  const refs = identitySources(a).map((s) => (s.kind === 'identity' ? { kind: 'ServiceAccount', name: s.serviceAccount } : { kind: 'Namespace', name: ns }));
  return { apiVersion: `${POLICY}/v1alpha1`, kind: 'MeshTLSAuthentication', metadata: meta(name, ns), spec: { identityRefs: refs } };
}

/** The objects that authorize one port of one service. */
function portObjects(svc: ServiceAccess, a: PortAccess, ns: string, flagger: boolean): Record<string, unknown>[] {
  const base = `${svc.service}-${a.port}`;
  const probed = a.port === svc.port;
  const ids = identitySources(a);
  const plain = plaintextSources(a);
  const paths = plaintextPaths(a);
  const proxyProtocol = a.appProtocol === 'grpc' ? 'gRPC' : a.appProtocol === 'http' ? 'HTTP/1' : 'opaque';
  const out: Record<string, unknown>[] = [server(base, ns, serviceSelector(svc.service, flagger), a.port, proxyProtocol)];
  const meshTls = { kind: 'MeshTLSAuthentication', name: `${base}-callers` };
  const network = { kind: 'NetworkAuthentication', name: ANY_NETWORK };
  if (ids.length) out.push(callers(`${base}-callers`, ns, a));
  const grpcProbes = a.appProtocol === 'grpc' && probed;
  const httpPaths = a.appProtocol === 'http' && paths !== undefined;
  if (!grpcProbes && !httpPaths) {
    const target = { group: POLICY, kind: 'Server', name: base };
    if (ids.length) out.push(authz(`${base}-callers`, ns, target, meshTls));
    if (plain.length) out.push(authz(`${base}-plaintext`, ns, target, network));
    return out;
  }
  const kind = grpcProbes ? 'GRPCRoute' : 'HTTPRoute';
  const routeRef = (n: string) => ({ group: GATEWAY, kind, name: n });
  if (grpcProbes) {
    out.push(route(kind, `${base}-probes`, ns, base, [{ matches: [{ method: { service: GRPC_HEALTH } }] }]));
    out.push(authz(`${base}-probes`, ns, routeRef(`${base}-probes`), network));
  } else {
    if (probed) {
      out.push(route(kind, `${base}-probes`, ns, base, [exact(HTTP_PROBE_PATHS)]));
      out.push(authz(`${base}-probes`, ns, routeRef(`${base}-probes`), network));
    }
    out.push(route(kind, `${base}-plaintext`, ns, base, [exact(paths!)]));
    out.push(authz(`${base}-plaintext`, ns, routeRef(`${base}-plaintext`), network));
  }
  if (ids.length || (grpcProbes && plain.length)) {
    out.push(route(kind, `${base}-callers`, ns, base, [grpcProbes ? {} : { matches: [{ path: { type: 'PathPrefix', value: '/' } }] }]));
    if (ids.length) out.push(authz(`${base}-callers`, ns, routeRef(`${base}-callers`), meshTls));
    // gRPC clients outside the mesh (a gateway) use every method: the port is open to them, fenced by the NetworkPolicy.
    if (grpcProbes && plain.length) out.push(authz(`${base}-plaintext`, ns, routeRef(`${base}-callers`), network));
  }
  return out;
}

/** deploy/mesh/policy/: the namespace-wide objects and one file per service. */
export function linkerdPolicyFiles(ctx: FilesContext, own: string): FileSpec[] {
  const ns = ctx.project.namespace;
  const flagger = ctx.has('cicd/flagger');
  const access = inboundAccess(ctx.contrib.network, ctx.services, own);
  // gRPC probes need their route even when nothing else calls the port.
  for (const a of access) if (a.protocol === 'grpc' && !a.ports.some((p) => p.port === a.port)) a.ports.unshift({ port: a.port, appProtocol: 'grpc', sources: [] });
  const shared: Record<string, unknown>[] = [
    { apiVersion: `${POLICY}/v1alpha1`, kind: 'NetworkAuthentication', metadata: meta(ANY_NETWORK, ns), spec: { networks: [{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }] } },
  ];
  const why = ['clients without a mesh identity (kubelet probes, Prometheus, a gateway outside the mesh) are authenticated by network here; the NetworkPolicy decides which of them reach a pod'];
  if (prometheusOperatorSelected(ctx)) {
    // The proxies' own metrics on their admin port (4191), scraped by the linkerd-proxy PodMonitor: the
    // same objects as `linkerd viz allow-scrapes` (viz/cmd/allow-scrapes.go @edge-26.8.3), for a
    // Prometheus outside the mesh, plus the proxies' own probe paths.
    const admin = 'linkerd-proxy-admin';
    shared.push(
      server(admin, ns, { matchExpressions: [{ key: 'linkerd.io/control-plane-ns', operator: 'Exists' }] }, 'linkerd-admin', 'HTTP/1'),
      route('HTTPRoute', `${admin}-metrics`, ns, admin, [exact(['/metrics'])]),
      authz(`${admin}-metrics`, ns, { group: GATEWAY, kind: 'HTTPRoute', name: `${admin}-metrics` }, { kind: 'NetworkAuthentication', name: ANY_NETWORK }),
      route('HTTPRoute', `${admin}-probes`, ns, admin, [exact(['/live', '/ready'])]),
      authz(`${admin}-probes`, ns, { group: GATEWAY, kind: 'HTTPRoute', name: `${admin}-probes` }, { kind: 'NetworkAuthentication', name: ANY_NETWORK }),
    );
    why.push('Prometheus scrapes every proxy on its admin port (linkerd-admin, 4191): GET /metrics, and the proxies\' own probes /live and /ready');
  }
  return [
    objectsFile(NAMESPACE_POLICY_FILE, [`Linkerd authorization shared by the services of namespace ${ns}, generated by cn-scaffold.`, 'The namespace denies every inbound connection that no AuthorizationPolicy allows (config.linkerd.io/default-inbound-policy: deny).'], shared, why),
    ...access.map((svc) =>
      objectsFile(
        `${MESH_POLICY_DIR}/${svc.service}.yaml`,
        [
          `Linkerd authorization of ${svc.service}, generated by cn-scaffold from the service graph (cn-scaffold.yaml) and the`,
          'components the other choices run. `cn-scaffold explain <this file>` lists who may call which port, and why.',
          `Pods: ${SERVICE_LABEL}=${svc.service}${flagger ? ` (and ${svc.service}-primary, Flagger's serving copy)` : ''}.`,
        ],
        svc.ports.flatMap((p) => portObjects(svc, p, ns, flagger)),
        [...accessReasons(svc), ...(svc.protocol === 'grpc' ? [`port ${svc.port}: kubelet gRPC probes (${GRPC_HEALTH}) from any network`] : [])],
      ),
    ),
  ];
}
