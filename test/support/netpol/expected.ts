// What the generated policies must allow, computed from the merged network contributions (the declared
// graph plus every block's infrastructure edges), never listed by hand: each edge's ends, as the
// contributions define them, on each of its ports. Compared with the evaluator's matrix over every pair
// with an end in the application namespace (what the policies govern).
import type { MergedNetwork, PeerRef } from '../../../src/catalog/network.js';
import { endpoints, inCidr, type Endpoint, type Port } from './cluster.js';
import { edgeKey } from './evaluate.js';
import type { GeneratedModel } from './model.js';

export interface ExpectOptions {
  /** `exact`: an edge to a DNS name reaches only that name's addresses (Cilium toFQDNs); `public`: every public address. */
  fqdn: 'exact' | 'public';
  /** `ingress`: egress is not denied, so application pods also reach everything outside their namespace. */
  defaultDeny: 'ingress-egress' | 'ingress';
}

/** The pods and addresses an edge end stands for, by the contribution's own definition. */
function resolve(ref: PeerRef, m: GeneratedModel, network: MergedNetwork, o: ExpectOptions): Endpoint[] {
  const all = endpoints(m.cluster);
  const pods = (f: (p: GeneratedModel['cluster']['pods'][number]) => boolean): Endpoint[] => m.cluster.pods.filter(f).map((p) => ({ kind: 'pod', ...p }));
  if ('service' in ref) return pods((p) => 'service' in p.origin && p.origin.service === ref.service);
  if ('cidr' in ref) return all.filter((e) => e.kind === 'external' && inCidr(e.ip, ref.cidr));
  if ('fqdn' in ref) return all.filter((e) => e.kind === 'external' && (o.fqdn === 'exact' ? (e.names ?? []).includes(ref.fqdn) : m.publicExternals.has(e.id)));
  const peer = network.peers.find((p) => p.id === ref.peer);
  if (!peer) throw new Error(`edge names an unknown peer ${ref.peer}`);
  const ns = peer.namespace ?? m.appNamespace;
  return pods((p) => p.namespace === ns && Object.entries(peer.podLabels).every(([k, v]) => p.labels[k] === v));
}

/** The ports worth probing: every port an edge names, in both protocols, and one no edge names. */
export function probePorts(network: MergedNetwork): Port[] {
  const nums = new Set<number>([9]);
  for (const e of network.edges) for (const p of e.ports) nums.add(p.port);
  return [...nums].sort((a, b) => a - b).flatMap((port) => [{ port, protocol: 'TCP' as const }, { port, protocol: 'UDP' as const }]);
}

/** Pairs the application's policies govern: one end is a pod of the application namespace. */
export const governed = (m: GeneratedModel) => (a: Endpoint, b: Endpoint) =>
  (a.kind === 'pod' && a.namespace === m.appNamespace) || (b.kind === 'pod' && b.namespace === m.appNamespace);

export function expectedMatrix(m: GeneratedModel, network: MergedNetwork, ports: Port[], o: ExpectOptions): Set<string> {
  const out = new Set<string>();
  const inScope = governed(m);
  for (const e of network.edges) {
    const from = resolve(e.from, m, network, o);
    const to = resolve(e.to, m, network, o);
    for (const a of from)
      for (const b of to) {
        if (a.id === b.id || !inScope(a, b)) continue;
        for (const p of e.ports) out.add(edgeKey(a, b, { port: p.port, protocol: p.protocol }));
      }
  }
  if (o.defaultDeny === 'ingress') {
    const all = endpoints(m.cluster);
    for (const a of all.filter((x) => x.kind === 'pod' && x.namespace === m.appNamespace))
      for (const b of all.filter((x) => x.kind === 'external' || x.namespace !== m.appNamespace)) for (const p of ports) out.add(edgeKey(a, b, p));
  }
  return out;
}

/** A readable difference of two matrices (first lines of each side). */
export function matrixDiff(actual: Set<string>, expected: Set<string>, max = 25): string {
  const extra = [...actual].filter((k) => !expected.has(k)).sort();
  const missing = [...expected].filter((k) => !actual.has(k)).sort();
  return [
    `${extra.length} allowed but not declared${extra.length ? ':' : ''}`,
    ...extra.slice(0, max).map((k) => `  + ${k}`),
    `${missing.length} declared but not allowed${missing.length ? ':' : ''}`,
    ...missing.slice(0, max).map((k) => `  - ${k}`),
  ].join('\n');
}
