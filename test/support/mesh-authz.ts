// An independent reading of the generated mesh authorization: given the objects of deploy/mesh/, decide as
// the mesh would whether a client may reach a service port (Linkerd: Server → routes → AuthorizationPolicy
// → MeshTLS/Network authentication; Istio: STRICT/PERMISSIVE PeerAuthentication, allow-nothing plus ALLOW
// rules, and in ambient with a waypoint the Service-attached policies, then the pods admitting the waypoint).
// And the expected access, recomputed from the merged network edges with no generator code.
import type { MergedNetwork } from '../../src/catalog/network.js';

export type Mesh = 'linkerd' | 'istio-ambient' | 'istio-sidecar';
export type K8s = Record<string, any>;
/** A client: a meshed pod with its ServiceAccount, or a plaintext client (outside the mesh) asking for a path. */
export type Client = { kind: 'identity'; serviceAccount: string } | { kind: 'plaintext'; path?: string };
export interface Target {
  service: string;
  port: number;
  protocol: 'http' | 'grpc';
  servicePort: number;
}

const SERVICE_LABEL = 'app.kubernetes.io/name';
/** What an identity client asks for: an ordinary request (HTTP path / gRPC method). */
const ORDINARY = '/work';

/** Expected clients of each (service, port): every merged edge to a service except the mesh's own. */
export function expectedAccess(network: MergedNetwork, mesh: Mesh) {
  const out: { service: string; port: number; clients: ({ kind: 'identity'; serviceAccount: string } | { kind: 'plaintext'; paths?: string[] })[] }[] = [];
  for (const e of network.edges) {
    if (e.block.startsWith('discovery/') || !('service' in e.to)) continue;
    const to = e.to.service;
    for (const p of e.ports) {
      let entry = out.find((x) => x.service === to && x.port === p.port);
      if (!entry) out.push((entry = { service: to, port: p.port, clients: [] }));
      if ('service' in e.from) entry.clients.push({ kind: 'identity', serviceAccount: e.from.service });
      else if ('peer' in e.from) {
        const peer = network.peers.find((x) => 'peer' in e.from && x.id === e.from.peer)!;
        if (peer.namespace === undefined) entry.clients.push({ kind: 'identity', serviceAccount: peer.serviceAccount ?? 'default' });
        // Ambient enforces plaintext clients at L4 only: no paths.
        else entry.clients.push({ kind: 'plaintext', ...(e.paths && mesh !== 'istio-ambient' ? { paths: e.paths } : {}) });
      } else entry.clients.push({ kind: 'plaintext' });
    }
  }
  return out;
}

const selects = (sel: K8s | undefined, svc: string): boolean => {
  if (!sel) return false;
  if (sel.matchLabels?.[SERVICE_LABEL] === svc) return true;
  return (sel.matchExpressions ?? []).some((m: K8s) => m.key === SERVICE_LABEL && m.operator === 'In' && m.values.includes(svc));
};

function linkerd(objs: K8s[], t: Target, c: Client): boolean {
  const server = objs.find((o) => o.kind === 'Server' && selects(o.spec.podSelector, t.service) && o.spec.port === t.port);
  if (!server) return false; // default-inbound-policy: deny
  const path = c.kind === 'plaintext' ? (c.path ?? ORDINARY) : ORDINARY;
  const grpc = server.spec.proxyProtocol === 'gRPC';
  const routes = objs.filter((o) => (o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute') && o.spec.parentRefs.some((p: K8s) => p.kind === 'Server' && p.name === server.metadata.name));
  let target = { kind: 'Server', name: server.metadata.name };
  if (routes.length) {
    // The most specific match: exact path or named gRPC service, then prefix or match-all.
    const score = (r: K8s): number => {
      let best = -1;
      for (const rule of r.spec.rules) {
        const matches = rule.matches ?? [{}];
        for (const m of matches) {
          if (grpc) {
            if (!m.method) best = Math.max(best, 0);
            else if (path.startsWith(`/${m.method.service}/`)) best = Math.max(best, 2);
          } else if (!m.path) best = Math.max(best, 0);
          else if (m.path.type === 'Exact' && m.path.value === path) best = Math.max(best, 2);
          else if (m.path.type === 'PathPrefix' && path.startsWith(m.path.value)) best = Math.max(best, 1);
        }
      }
      return best;
    };
    const ranked = routes.map((r) => [score(r), r] as const).filter(([s]) => s >= 0).sort((a, b) => b[0] - a[0]);
    if (!ranked.length) return false;
    target = { kind: ranked[0]![1].kind, name: ranked[0]![1].metadata.name };
  }
  const policies = objs.filter((o) => o.kind === 'AuthorizationPolicy' && o.apiVersion.startsWith('policy.linkerd.io') && o.spec.targetRef.kind === target.kind && o.spec.targetRef.name === target.name);
  return policies.some((p) =>
    p.spec.requiredAuthenticationRefs.every((ref: K8s) => {
      const auth = objs.find((o) => o.kind === ref.kind && o.metadata.name === ref.name);
      if (!auth) return false;
      if (ref.kind === 'NetworkAuthentication') return auth.spec.networks.some((n: K8s) => n.cidr === '0.0.0.0/0');
      return c.kind === 'identity' && auth.spec.identityRefs.some((r: K8s) => r.kind === 'ServiceAccount' && r.name === c.serviceAccount);
    }),
  );
}

function ruleMatches(rule: K8s, ns: string, c: Client, port: number): boolean {
  const fromOk =
    !rule.from ||
    rule.from.some((f: K8s) => {
      const s = f.source;
      if (s.notPrincipals) return c.kind === 'plaintext' && s.notPrincipals.includes('*');
      if (c.kind !== 'identity') return false;
      if (s.principals) return s.principals.includes(`cluster.local/ns/${ns}/sa/${c.serviceAccount}`);
      if (s.namespaces) return s.namespaces.includes(ns);
      return false;
    });
  const path = c.kind === 'plaintext' ? (c.path ?? ORDINARY) : ORDINARY;
  const toOk = !rule.to || rule.to.some((t: K8s) => (!t.operation.ports || t.operation.ports.includes(String(port))) && (!t.operation.paths || t.operation.paths.includes(path)));
  return fromOk && toOk;
}

function istio(objs: K8s[], ns: string, t: Target, c: Client, waypoint: boolean): boolean {
  const policies = objs.filter((o) => o.kind === 'AuthorizationPolicy' && o.apiVersion.startsWith('security.istio.io'));
  if (!policies.some((p) => p.metadata.name === 'allow-nothing' && Object.keys(p.spec).length === 0)) throw new Error('no allow-nothing policy');
  // mTLS: STRICT in the namespace unless the service's PeerAuthentication opens this port.
  if (c.kind === 'plaintext') {
    const pa = objs.find((o) => o.kind === 'PeerAuthentication' && selects(o.spec.selector, t.service));
    if (pa?.spec.portLevelMtls?.[String(t.port)]?.mode !== 'PERMISSIVE') return false;
  }
  const podAllows = (client: Client) => policies.some((p) => selects(p.spec.selector, t.service) && p.spec.action === 'ALLOW' && p.spec.rules.some((r: K8s) => ruleMatches(r, ns, client, t.port)));
  if (waypoint && c.kind === 'identity' && t.port === t.servicePort) {
    const atWaypoint = policies.some((p) => p.spec.targetRefs?.some((r: K8s) => r.kind === 'Service' && r.name === t.service) && p.spec.rules.some((r: K8s) => ruleMatches(r, ns, c, t.port)));
    return atWaypoint && podAllows({ kind: 'identity', serviceAccount: 'waypoint' });
  }
  return podAllows(c);
}

export function allowed(mesh: Mesh, objs: K8s[], ns: string, t: Target, c: Client): boolean {
  if (mesh === 'linkerd') return linkerd(objs, t, c);
  const waypoint = objs.some((o) => o.kind === 'Gateway' && o.spec.gatewayClassName === 'istio-waypoint');
  return istio(objs, ns, t, c, mesh === 'istio-ambient' && waypoint);
}
