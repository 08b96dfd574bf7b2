// The service graph, normalised from the answers: who calls whom (on which port and protocol), who is
// exposed through the gateway, who leaves the cluster, who publishes and subscribes to which NATS
// subjects, who uses which data store. Every consumer (network policy, mesh authorization, NATS
// permissions, database credentials, client env, README) reads this, never the raw answers.
import type { ResolvedService } from '../config/schema.js';
import { calleeOf, isCidr, type UseKind } from '../config/graph-schema.js';
import type { NetworkContribution, NetworkEdge } from '../catalog/network.js';

/** Defaults of a call edge: what a client does when the answers say nothing. */
export const CALL_DEFAULTS = { timeout: '2s', retries: 2 } as const;

export interface CallEdge {
  from: string;
  to: string;
  /** The callee's port and protocol. */
  port: number;
  protocol: 'http' | 'grpc';
  timeout: string;
  retries: number;
}
export interface Exposure {
  service: string;
  protocol: 'http' | 'grpc';
  port: number;
  /** HTTP path prefix ('/' by default; gRPC services are routed by service name). */
  path: string;
  hostname?: string;
}
export interface Egress {
  service: string;
  host: string;
  kind: 'fqdn' | 'cidr';
  port: number;
  protocol: 'TCP' | 'UDP';
}
export interface Subscription {
  service: string;
  subject: string;
  queue?: string;
  durable: boolean;
}

export interface ServiceGraph {
  services: ResolvedService[];
  calls: CallEdge[];
  exposed: Exposure[];
  egress: Egress[];
  publishes: { service: string; subject: string }[];
  subscribes: Subscription[];
  responds: { service: string; subject: string }[];
  uses: { service: string; kind: UseKind }[];
  /** Groups of services that call each other in a cycle (allowed: they are real; reported). */
  cycles: string[][];
}

/** `orders-api` → `ORDERS_API`: the prefix of the env vars that describe a callee. */
export const envPrefix = (service: string) => service.toUpperCase().replace(/-/g, '_');

export function buildGraph(services: ResolvedService[]): ServiceGraph {
  const byName = new Map(services.map((s) => [s.name, s]));
  const g: ServiceGraph = { services, calls: [], exposed: [], egress: [], publishes: [], subscribes: [], responds: [], uses: [], cycles: [] };
  for (const s of services) {
    for (const c of s.calls ?? []) {
      const callee = byName.get(calleeOf(c));
      if (!callee) continue; // refused by validation; kept safe for partial configs
      const o: { timeout?: string; retries?: number } = typeof c === 'string' ? {} : c;
      g.calls.push({
        from: s.name,
        to: callee.name,
        port: callee.port,
        protocol: callee.protocol,
        timeout: o.timeout ?? CALL_DEFAULTS.timeout,
        retries: o.retries ?? CALL_DEFAULTS.retries,
      });
    }
    if (s.expose) {
      const o: { path?: string; hostname?: string } = s.expose === true ? {} : s.expose;
      g.exposed.push({ service: s.name, protocol: s.protocol, port: s.port, path: o.path ?? '/', ...(o.hostname ? { hostname: o.hostname } : {}) });
    }
    for (const e of s.egress ?? []) {
      g.egress.push({ service: s.name, host: e.host, kind: isCidr(e.host) ? 'cidr' : 'fqdn', port: e.port, protocol: e.protocol ?? 'TCP' });
    }
    for (const subject of s.publishes ?? []) g.publishes.push({ service: s.name, subject });
    for (const sub of s.subscribes ?? []) {
      const o = typeof sub === 'string' ? { subject: sub } : sub;
      g.subscribes.push({ service: s.name, subject: o.subject, ...(o.queue ? { queue: o.queue } : {}), durable: o.durable ?? false });
    }
    for (const subject of s.responds ?? []) g.responds.push({ service: s.name, subject });
    for (const kind of s.uses ?? []) g.uses.push({ service: s.name, kind });
  }
  g.cycles = callCycles(services.map((s) => s.name), g.calls);
  return g;
}

export const callersOf = (g: ServiceGraph, service: string) => g.calls.filter((c) => c.to === service);
export const calleesOf = (g: ServiceGraph, service: string) => g.calls.filter((c) => c.from === service);

/** Strongly connected groups of more than one service (Tarjan), each in the order of the services. */
function callCycles(names: string[], calls: CallEdge[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const c of calls.filter((x) => x.from === v)) {
      if (!index.has(c.to)) {
        visit(c.to);
        low.set(v, Math.min(low.get(v)!, low.get(c.to)!));
      } else if (onStack.has(c.to)) low.set(v, Math.min(low.get(v)!, index.get(c.to)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) out.push(names.filter((n) => group.includes(n)));
    }
  };
  for (const n of names) if (!index.has(n)) visit(n);
  return out.sort((a, b) => names.indexOf(a[0]!) - names.indexOf(b[0]!));
}

/**
 * The edges the services declare themselves: each call (caller → callee on the callee's port) and
 * each destination outside the cluster. Infrastructure edges come from the blocks that own them.
 */
export function graphNetwork(g: ServiceGraph): NetworkContribution {
  const edges: NetworkEdge[] = [];
  for (const c of g.calls) {
    edges.push({ from: { service: c.from }, to: { service: c.to }, ports: [{ port: c.port, protocol: 'TCP', appProtocol: c.protocol }], reason: `${c.from} calls ${c.to} (${c.protocol})` });
  }
  for (const e of g.egress) {
    edges.push({
      from: { service: e.service },
      to: e.kind === 'cidr' ? { cidr: e.host.includes('/') ? e.host : `${e.host}/${e.host.includes(':') ? 128 : 32}` } : { fqdn: e.host },
      ports: [{ port: e.port, protocol: e.protocol }],
      reason: `${e.service} connects to ${e.host} outside the cluster`,
    });
  }
  return { edges };
}
