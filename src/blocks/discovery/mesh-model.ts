// What both meshes (linkerd, istio) compute from the service graph and the merged network edges, before
// each renders it in its own API: who may call each service on which port (the callers' identities, and the
// plaintext callers that run outside the mesh), which ports a service reaches that speak first, and the
// per-callee routing settings of the call edges. Pure functions of the merged contributions, so the
// semantic test can recompute the expected access independently and compare it with the rendered policies.
import type { MergedNetwork, NetworkPeer, PeerRef } from '../../catalog/network.js';
import type { ResolvedService } from '../../config/schema.js';
import { callersOf, type ServiceGraph } from '../../graph/graph.js';

/** Where a request to a service comes from, as a mesh sees it. */
export type Source =
  /** A meshed pod of the application namespace, authenticated by its ServiceAccount (mTLS identity). */
  | { kind: 'identity'; serviceAccount: string; title: string; reasons: string[] }
  /** Every meshed pod of the application namespace (an edge from the `app-pods` peer). */
  | { kind: 'namespace'; title: string; reasons: string[] }
  /** A client outside the mesh (another namespace, an address block): plaintext, no identity. */
  | { kind: 'plaintext'; title: string; reasons: string[]; paths?: string[] };

export interface PortAccess {
  port: number;
  appProtocol: 'http' | 'grpc' | 'tcp';
  sources: Source[];
}
export interface ServiceAccess {
  service: string;
  protocol: 'http' | 'grpc';
  /** The service's own port (the one its probes and its Service target). */
  port: number;
  ports: PortAccess[];
}

const sourceKey = (s: Source) => (s.kind === 'identity' ? `identity:${s.serviceAccount}` : s.kind === 'namespace' ? 'namespace' : `plaintext:${s.title}:${(s.paths ?? []).join(',')}`);

/** The pods of the application namespace are the meshed ones (the namespace is enrolled as a whole). */
export const meshedPeer = (p: NetworkPeer) => p.namespace === undefined;

function sourceOf(ref: PeerRef, peers: NetworkPeer[], reason: string, paths: string[] | undefined): Source {
  if ('service' in ref) return { kind: 'identity', serviceAccount: ref.service, title: ref.service, reasons: [reason] };
  if ('peer' in ref) {
    const p = peers.find((x) => x.id === ref.peer);
    if (!p) throw new Error(`a network edge names peer '${ref.peer}', which no selected block contributes`);
    if (!meshedPeer(p)) return { kind: 'plaintext', title: p.title, reasons: [reason], ...(paths ? { paths } : {}) };
    if (Object.keys(p.podLabels).length === 0) return { kind: 'namespace', title: p.title, reasons: [reason] };
    // A pod of the namespace without a declared ServiceAccount runs as "default".
    return { kind: 'identity', serviceAccount: p.serviceAccount ?? 'default', title: p.title, reasons: [reason] };
  }
  return { kind: 'plaintext', title: 'cidr' in ref ? ref.cidr : ref.fqdn, reasons: [reason], ...(paths ? { paths } : {}) };
}

/**
 * Who may call each service, port by port: every merged edge that ends at a service, except the edges the
 * mesh block contributes itself (`own`: its proxy ports, which the mesh does not authorize).
 */
export function inboundAccess(network: MergedNetwork, services: ResolvedService[], own: string): ServiceAccess[] {
  return services.map((svc) => {
    const ports: PortAccess[] = [];
    for (const e of network.edges) {
      if (e.block === own || !('service' in e.to) || e.to.service !== svc.name) continue;
      for (const p of e.ports) {
        if (p.protocol !== 'TCP') continue;
        let access = ports.find((x) => x.port === p.port);
        if (!access) ports.push((access = { port: p.port, appProtocol: p.appProtocol ?? svc.protocol, sources: [] }));
        const src = sourceOf(e.from, network.peers, e.reason, e.paths);
        const same = access.sources.find((x) => sourceKey(x) === sourceKey(src));
        if (same) same.reasons.push(...src.reasons);
        else access.sources.push(src);
      }
    }
    return { service: svc.name, protocol: svc.protocol, port: svc.port, ports: ports.sort((a, b) => a.port - b.port) };
  });
}

/** Sources that authenticate with mTLS, and those that cannot. */
export const identitySources = (a: PortAccess) => a.sources.filter((s): s is Extract<Source, { kind: 'identity' | 'namespace' }> => s.kind !== 'plaintext');
export const plaintextSources = (a: PortAccess) => a.sources.filter((s): s is Extract<Source, { kind: 'plaintext' }> => s.kind === 'plaintext');
/** Paths a port's plaintext callers are limited to, when every one of them is (e.g. only a /metrics scrape). */
export function plaintextPaths(a: PortAccess): string[] | undefined {
  const p = plaintextSources(a);
  if (p.length === 0 || p.some((s) => !s.paths)) return undefined;
  return [...new Set(p.flatMap((s) => s.paths!))].sort();
}

/**
 * Ports a service connects to outside the mesh (another namespace, an address block) whose protocol speaks
 * first or is opaque (`appProtocol: tcp`: MySQL, NATS, etcd over TLS). A sidecar proxy that waits for the
 * client's first bytes to detect the protocol would stall them; the proxies skip these ports.
 */
export function serverFirstEgress(network: MergedNetwork, service: string): number[] {
  const outside = (ref: PeerRef) => {
    if ('service' in ref) return false;
    if (!('peer' in ref)) return true;
    const p = network.peers.find((x) => x.id === ref.peer);
    return p !== undefined && !meshedPeer(p);
  };
  const ports = new Set<number>();
  for (const e of network.edges) {
    if (!('service' in e.from) || e.from.service !== service || !outside(e.to)) continue;
    for (const p of e.ports) if (p.protocol === 'TCP' && p.appProtocol === 'tcp') ports.add(p.port);
  }
  return [...ports].sort((a, b) => a - b);
}

/** `2s` → 2000, `500ms` → 500 (graph-schema.ts DURATION). */
export function durationMs(d: string): number {
  const m = /^([0-9]+)(ms|s)$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}
/** A duration for Envoy/Linkerd/Gateway API: whole seconds when exact, else milliseconds. */
export const durationText = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** The routing settings of the calls to one service. */
export interface CalleeRoute {
  service: string;
  port: number;
  protocol: 'http' | 'grpc';
  /** Each caller with its own call edge's settings (Istio sidecars can apply them per caller). */
  callers: { from: string; timeoutMs: number; retries: number }[];
  /**
   * One setting for every caller (routes attached to the callee's Service apply to all its callers): the
   * longest timeout, so no caller's request is cut before its own deadline, and the most retries.
   */
  timeoutMs: number;
  retries: number;
}

export function calleeRoutes(g: ServiceGraph): CalleeRoute[] {
  return g.services
    .map((s) => {
      const callers = callersOf(g, s.name).map((c) => ({ from: c.from, timeoutMs: durationMs(c.timeout), retries: c.retries }));
      return {
        service: s.name,
        port: s.port,
        protocol: s.protocol,
        callers,
        timeoutMs: Math.max(0, ...callers.map((c) => c.timeoutMs)),
        retries: Math.max(0, ...callers.map((c) => c.retries)),
      };
    })
    .filter((r) => r.callers.length > 0);
}
