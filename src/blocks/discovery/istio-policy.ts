// Istio authorization from the graph (security.istio.io/v1: PeerAuthentication, AuthorizationPolicy; fields
// in istio/api kubernetes/customresourcedefinitions.gen.yaml @1.30.3):
//   - the namespace: PeerAuthentication STRICT and an allow-nothing AuthorizationPolicy (`spec: {}`), so a
//     pod accepts only mTLS and only what a policy below allows;
//   - per service, selecting its pods: the declared callers by SPIFFE principal
//     (cluster.local/ns/<ns>/sa/<ServiceAccount>) on the port they call; clients outside the mesh (Prometheus,
//     a gateway) on their port only, as requests *without* a principal (notPrincipals: ["*"]), with a port-level
//     PERMISSIVE PeerAuthentication for that port — and, where the proxy sees HTTP (sidecars), on their paths only;
//   - ambient with a waypoint: the callers are authorized at the waypoint (targetRefs: the Services), and the
//     pods accept their service port from the waypoint's identity only (the destination ztunnel sees the
//     waypoint as the client: https://istio.io/latest/docs/ambient/usage/l7-features/).
// Kubelet probes need nothing here: sidecars rewrite them to the agent (15020), ambient SNATs them to
// 169.254.7.127, which the node's redirection accepts before ztunnel (cni/pkg/iptables/iptables.go @1.30.3).
import type { FileSpec, FilesContext } from '../../catalog/define.js';
import { SERVICE_LABEL } from '../network-policy/compile.js';
import { accessReasons, meta, MESH_POLICY_DIR, NAMESPACE_POLICY_FILE, objectsFile } from './mesh-files.js';
import { identitySources, inboundAccess, plaintextPaths, plaintextSources, type PortAccess, type ServiceAccess } from './mesh-model.js';
import { canaryService, stableService } from './mesh-delivery.js';
import { routeOwner } from './traffic.js';

const SECURITY = 'security.istio.io/v1';
/** Name and ServiceAccount of the namespace waypoint (Istio names a waypoint's objects after its Gateway). */
export const WAYPOINT = 'waypoint';
export const principal = (ns: string, sa: string) => `cluster.local/ns/${ns}/sa/${sa}`;

interface Opts {
  ns: string;
  dataplane: 'sidecar' | 'ambient';
  waypoint: boolean;
  /** Services of one service's pods and routes (its Service, and the canary controller's). */
  services: (svc: string) => string[];
  /** Values of app.kubernetes.io/name its pods carry (Flagger: also <svc>-primary). */
  podNames: (svc: string) => string[];
}

function fromIdentities(a: PortAccess, ns: string) {
  const ids = identitySources(a);
  const principals = ids.flatMap((s) => (s.kind === 'identity' ? [principal(ns, s.serviceAccount)] : []));
  return [...(principals.length ? [{ source: { principals } }] : []), ...(ids.some((s) => s.kind === 'namespace') ? [{ source: { namespaces: [ns] } }] : [])];
}

/** Rules of the policy on the pods (enforced by the sidecar, or by ztunnel in ambient). */
function podRules(svc: ServiceAccess, o: Opts) {
  const rules: object[] = [];
  for (const a of svc.ports) {
    const ports = [String(a.port)];
    if (identitySources(a).length) {
      const viaWaypoint = o.waypoint && a.port === svc.port;
      rules.push({ from: viaWaypoint ? [{ source: { principals: [principal(o.ns, WAYPOINT)] } }] : fromIdentities(a, o.ns), to: [{ operation: { ports } }] });
    }
    if (plaintextSources(a).length) {
      const paths = o.dataplane === 'sidecar' && a.appProtocol === 'http' ? plaintextPaths(a) : undefined;
      rules.push({ from: [{ source: { notPrincipals: ['*'] } }], to: [{ operation: { ports, ...(paths ? { paths } : {}) } }] });
    }
  }
  return rules;
}

function serviceObjects(svc: ServiceAccess, o: Opts): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const plainPorts = svc.ports.filter((a) => plaintextSources(a).length > 0).map((a) => a.port);
  for (const pods of o.podNames(svc.service)) {
    const selector = { matchLabels: { [SERVICE_LABEL]: pods } };
    if (plainPorts.length) {
      out.push({
        apiVersion: SECURITY,
        kind: 'PeerAuthentication',
        metadata: meta(pods, o.ns),
        spec: { selector, mtls: { mode: 'STRICT' }, portLevelMtls: Object.fromEntries(plainPorts.map((p) => [String(p), { mode: 'PERMISSIVE' }])) },
      });
    }
    out.push({ apiVersion: SECURITY, kind: 'AuthorizationPolicy', metadata: meta(pods, o.ns), spec: { selector, action: 'ALLOW', rules: podRules(svc, o) } });
  }
  const callers = svc.ports.find((a) => a.port === svc.port);
  if (o.waypoint && callers && identitySources(callers).length) {
    out.push({
      apiVersion: SECURITY,
      kind: 'AuthorizationPolicy',
      metadata: meta(`${svc.service}-waypoint`, o.ns),
      spec: {
        targetRefs: o.services(svc.service).map((name) => ({ group: '', kind: 'Service', name })),
        action: 'ALLOW',
        rules: [{ from: fromIdentities(callers, o.ns), to: [{ operation: { ports: [String(svc.port)] } }] }],
      },
    });
  }
  return out;
}

/** deploy/mesh/policy/: the namespace's mTLS and allow-nothing, and one file per service. */
export function istioPolicyFiles(ctx: FilesContext, own: string, dataplane: 'sidecar' | 'ambient', waypoint: boolean): FileSpec[] {
  const ns = ctx.project.namespace;
  const controller = routeOwner(ctx);
  const flagger = controller === 'flagger';
  const o: Opts = {
    ns,
    dataplane,
    waypoint,
    podNames: (s) => (flagger ? [s, `${s}-primary`] : [s]),
    services: (s) => [s, ...(flagger ? [`${s}-primary`, canaryService(s)] : controller === 'argo-rollouts' ? [stableService(s), canaryService(s)] : [])],
  };
  const shared = [
    { apiVersion: SECURITY, kind: 'PeerAuthentication', metadata: meta('default', ns), spec: { mtls: { mode: 'STRICT' } } },
    { apiVersion: SECURITY, kind: 'AuthorizationPolicy', metadata: meta('allow-nothing', ns), spec: {} },
  ];
  const access = inboundAccess(ctx.contrib.network, ctx.services, own);
  return [
    objectsFile(NAMESPACE_POLICY_FILE, [`Istio mTLS and authorization of namespace ${ns}, generated by cn-scaffold: only mTLS, and nothing that the`, 'per-service policies beside this file do not allow.'], shared, [
      `every pod of ${ns} accepts only mutual TLS, except the ports the per-service PeerAuthentications open to clients outside the mesh`,
      `allow-nothing: a request to a pod of ${ns} is refused unless a per-service AuthorizationPolicy allows it`,
    ]),
    ...access.map((svc) =>
      objectsFile(
        `${MESH_POLICY_DIR}/${svc.service}.yaml`,
        [
          `Istio authorization of ${svc.service}, generated by cn-scaffold from the service graph (cn-scaffold.yaml) and the`,
          'components the other choices run. `cn-scaffold explain <this file>` lists who may call which port, and why.',
        ],
        serviceObjects(svc, o),
        [...accessReasons(svc), ...(waypoint ? [`port ${svc.port}: the callers are authorized at the waypoint; the pods accept that port from the waypoint only`] : [])],
      ),
    ),
  ];
}
