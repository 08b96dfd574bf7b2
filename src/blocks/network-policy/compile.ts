// The service graph → Kubernetes NetworkPolicies (networking.k8s.io/v1). Pure and engine-neutral: the
// engine blocks (kubernetes, calico, cilium, flannel) all start from these objects and only change what
// standard policy cannot say (FQDNs, staged rollout). Algorithm (reference/wave2.md §1.3):
//   1. a default-deny policy selects every pod of the application namespace, both directions;
//   2. every merged network edge with an end in the application namespace becomes one rule: ingress on
//      the pods that receive it, egress on the pods that send it, on exactly the edge's ports;
//   3. one NetworkPolicy per such group of pods (a service, its helm-test pod, every pod), carrying the
//      reasons of its rules, so `cn-scaffold explain` and reviewers can say why each rule exists.
// Edges with both ends outside the namespace are not ours to enforce here.
import type { MergedNetwork, NetworkPeer, NetworkPort, OwnedEdge, PeerRef } from '../../catalog/network.js';
import { refTitle, portsText } from '../../catalog/network.js';

export type LabelSelector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: 'In'; values: string[] }[] };
export type PolicyPeer = {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
  /** A DNS name: standard policy cannot say it, so only an FQDN-aware engine (Cilium toFQDNs) renders such a rule. */
  fqdn?: string;
};
export interface PolicyRule {
  peers: PolicyPeer[];
  ports: NetworkPort[];
  edges: OwnedEdge[];
}
/** The pods one NetworkPolicy selects, and what they may receive and send. */
export interface PolicySubject {
  /** Object and file name. */
  name: string;
  selector: LabelSelector;
  ingress: PolicyRule[];
  egress: PolicyRule[];
}

export interface CompileOptions {
  namespace: string;
  /** `ingress`: only ingress is denied by default (egress rules are then not needed). */
  defaultDeny: 'ingress-egress' | 'ingress';
  /** Flagger renames the selector label of the primary pods to `<name>-primary`. */
  flagger: boolean;
  /** How an edge to a DNS name is expressed; `undefined` leaves it to the engine (it is skipped here). */
  fqdn?: (fqdn: string) => PolicyPeer[];
}

export const SERVICE_LABEL = 'app.kubernetes.io/name';
const NAMESPACE_LABEL = 'kubernetes.io/metadata.name';

/**
 * Address ranges that are never "the internet": private (RFC 1918), carrier-grade NAT (RFC 6598),
 * link-local (cloud metadata endpoints live at 169.254.169.254) and loopback; IPv6 unique-local and
 * link-local. Standard NetworkPolicy cannot match a DNS name, so an egress edge to one is allowed to any
 * public address on its port, never to the cluster or the node network.
 */
export const NOT_PUBLIC_V4 = ['10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'];
export const NOT_PUBLIC_V6 = ['fc00::/7', 'fe80::/10', '::1/128'];
export const publicInternet = (): PolicyPeer[] => [
  { ipBlock: { cidr: '0.0.0.0/0', except: NOT_PUBLIC_V4 } },
  { ipBlock: { cidr: '::/0', except: NOT_PUBLIC_V6 } },
];

export function serviceSelector(service: string, flagger: boolean): LabelSelector {
  return flagger
    ? { matchExpressions: [{ key: SERVICE_LABEL, operator: 'In', values: [service, `${service}-primary`] }] }
    : { matchLabels: { [SERVICE_LABEL]: service } };
}

const inAppNamespace = (ref: PeerRef, peers: NetworkPeer[]) =>
  'service' in ref || ('peer' in ref && peers.find((p) => p.id === ref.peer)?.namespace === undefined);

/** The pods of the application namespace an edge end stands for, as a subject (name + selector). */
function subjectOf(ref: PeerRef, peers: NetworkPeer[], o: CompileOptions): { name: string; selector: LabelSelector } {
  if ('service' in ref) return { name: ref.service, selector: serviceSelector(ref.service, o.flagger) };
  const peer = peers.find((p) => 'peer' in ref && p.id === ref.peer)!;
  return { name: peer.id.replace(/[^a-z0-9-]+/g, '-'), selector: Object.keys(peer.podLabels).length ? { matchLabels: peer.podLabels } : {} };
}

/** The other end of a rule, as NetworkPolicy peers (none: the engine expresses it some other way). */
function policyPeers(ref: PeerRef, peers: NetworkPeer[], o: CompileOptions): PolicyPeer[] {
  if ('service' in ref) return [{ podSelector: serviceSelector(ref.service, o.flagger) }];
  if ('cidr' in ref) return [{ ipBlock: { cidr: ref.cidr } }];
  if ('fqdn' in ref) return o.fqdn ? o.fqdn(ref.fqdn) : [];
  const peer = peers.find((p) => p.id === ref.peer);
  if (!peer) throw new Error(`a network edge names peer '${ref.peer}', which no selected block contributes`);
  const pods: PolicyPeer = { podSelector: { matchLabels: peer.podLabels } };
  if (peer.namespace === undefined) return [pods];
  return [{ namespaceSelector: { matchLabels: { [NAMESPACE_LABEL]: peer.namespace } }, ...(Object.keys(peer.podLabels).length ? pods : {}) }];
}

function addRule(list: PolicyRule[], peers: PolicyPeer[], edge: OwnedEdge) {
  if (peers.length === 0) return;
  const key = JSON.stringify([peers, edge.ports]);
  const same = list.find((r) => JSON.stringify([r.peers, r.ports]) === key);
  if (same) same.edges.push(edge);
  else list.push({ peers, ports: edge.ports, edges: [edge] });
}

/** Every group of application pods an edge touches, with its ingress and egress rules, in edge order. */
export function compileSubjects(network: MergedNetwork, o: CompileOptions): PolicySubject[] {
  const subjects = new Map<string, PolicySubject>();
  const subject = (ref: PeerRef) => {
    const s = subjectOf(ref, network.peers, o);
    let out = subjects.get(s.name);
    if (!out) subjects.set(s.name, (out = { ...s, ingress: [], egress: [] }));
    return out;
  };
  for (const e of network.edges) {
    if (inAppNamespace(e.to, network.peers)) addRule(subject(e.to).ingress, policyPeers(e.from, network.peers, o), e);
    if (o.defaultDeny === 'ingress-egress' && inAppNamespace(e.from, network.peers)) addRule(subject(e.from).egress, policyPeers(e.to, network.peers, o), e);
  }
  return [...subjects.values()];
}

const meta = (name: string, namespace: string, annotations?: Record<string, string>) => ({
  name,
  namespace,
  labels: { 'app.kubernetes.io/managed-by': 'cn-scaffold' },
  ...(annotations ? { annotations } : {}),
});

/** One line per rule: direction, the other end, ports, and the edges' reasons with the block that needs them. */
export function ruleReasons(s: Pick<PolicySubject, 'ingress' | 'egress'>, peers: NetworkPeer[]): string[] {
  const line = (dir: string, r: PolicyRule) => {
    const other = r.edges.map((e) => refTitle(dir === 'ingress' ? e.from : e.to, peers));
    const why = r.edges.map((e) => `${e.reason} [${e.block}]`).join('; ');
    return `${dir} ${dir === 'ingress' ? 'from' : 'to'} ${[...new Set(other)].join(', ')} on ${portsText(r.ports)}: ${why}`;
  };
  return [...s.ingress.map((r) => line('ingress', r)), ...s.egress.map((r) => line('egress', r))];
}

/**
 * The `cn-scaffold.io/edges` annotation: one line per rule, each ending in a line break, so a policy of one
 * rule reads as one of five (a literal block in the file, whose lines the parse-back's shape masks:
 * src/render/render.ts). `kubectl describe` drops the final break (printAnnotationsMultiline in
 * kubernetes/kubectl pkg/describe/describe.go: strings.TrimSuffix(value, "\n")).
 */
export const edgesAnnotation = (reasons: string[]): string => reasons.map((line) => `${line}\n`).join('');

const isFqdnRule = (r: PolicyRule) => r.peers.some((p) => p.fqdn !== undefined);
/** The rules standard NetworkPolicy can express, and those to DNS names (left to an FQDN-aware engine). */
export const standardRules = (s: PolicySubject) => ({ ingress: s.ingress.filter((r) => !isFqdnRule(r)), egress: s.egress.filter((r) => !isFqdnRule(r)) });
export const fqdnRules = (s: PolicySubject) => s.egress.filter(isFqdnRule);

const rulePorts = (ports: NetworkPort[]) => ports.map((p) => ({ port: p.port, protocol: p.protocol }));

/** The NetworkPolicy of one subject: every rule standard policy can express (see fqdnRules for the rest). */
export function networkPolicy(s: PolicySubject, o: CompileOptions, peers: NetworkPeer[]): Record<string, unknown> {
  const { ingress, egress } = standardRules(s);
  const types = [...(ingress.length ? ['Ingress'] : []), ...(egress.length ? ['Egress'] : [])];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(s.name, o.namespace, { 'cn-scaffold.io/edges': edgesAnnotation(ruleReasons({ ingress, egress }, peers)) }),
    spec: {
      podSelector: s.selector,
      policyTypes: types,
      ...(ingress.length ? { ingress: ingress.map((r) => ({ from: r.peers, ports: rulePorts(r.ports) })) } : {}),
      ...(egress.length ? { egress: egress.map((r) => ({ to: r.peers, ports: rulePorts(r.ports) })) } : {}),
    },
  };
}

/** Every pod of the namespace: nothing in or out unless a policy above allows it. */
export function defaultDeny(o: CompileOptions): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta('default-deny-all', o.namespace),
    spec: { podSelector: {}, policyTypes: o.defaultDeny === 'ingress' ? ['Ingress'] : ['Ingress', 'Egress'] },
  };
}
