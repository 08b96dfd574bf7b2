// The cluster a reachability matrix is computed over: namespaces, pods (labels, an IP, named ports)
// and addresses outside the cluster (with the DNS names that resolve to them). Plain data; the
// evaluator (evaluate.ts) decides what may talk to what.
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export interface Port {
  port: number;
  protocol: Protocol;
}
export interface Namespace {
  name: string;
  /** Labels as written; `kubernetes.io/metadata.name` is added as the API server does. */
  labels?: Record<string, string>;
}
export interface Pod {
  id: string;
  namespace: string;
  labels: Record<string, string>;
  ip: string;
  /** Named container ports (for policies that name a port). */
  ports?: { name: string; port: number; protocol: Protocol }[];
}
export interface External {
  id: string;
  ip: string;
  /** DNS names that resolve to this address (what an FQDN rule can match). */
  names?: string[];
}
export interface Cluster {
  namespaces: Namespace[];
  pods: Pod[];
  externals: External[];
}
export type Endpoint = ({ kind: 'pod' } & Pod) | ({ kind: 'external' } & External);

export const endpoints = (c: Cluster): Endpoint[] => [...c.pods.map((p) => ({ kind: 'pod' as const, ...p })), ...c.externals.map((e) => ({ kind: 'external' as const, ...e }))];

/** The labels of a namespace as selectors see them (the API server sets kubernetes.io/metadata.name). */
export function namespaceLabels(c: Cluster, name: string): Record<string, string> {
  const ns = c.namespaces.find((n) => n.name === name);
  return { ...(ns?.labels ?? {}), 'kubernetes.io/metadata.name': name };
}

const family = (ip: string) => (isIPv4(ip) ? 'ipv4' : isIPv6(ip) ? 'ipv6' : undefined);

/** Whether an address is in a CIDR (false across address families). */
export function inCidr(ip: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/') as [string, string | undefined];
  const f = family(net);
  if (!f) throw new Error(`not a CIDR: ${cidr}`);
  if (family(ip) !== f) return false;
  const list = new BlockList();
  list.addSubnet(net, Number(bits ?? (f === 'ipv4' ? 32 : 128)), f);
  return list.check(ip, f);
}

/** The first host address of an IPv4 CIDR (a stand-in for "an address in that range"). */
export function hostIn(cidr: string): string {
  const [net, bits] = cidr.split('/') as [string, string];
  if (family(net) !== 'ipv4') return net.replace(/::$/, '::1');
  const n = net.split('.').reduce((a, o) => a * 256 + Number(o), 0) + (Number(bits) >= 31 ? 0 : 1);
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}
