// A reachability evaluator for network policy objects, following the Kubernetes NetworkPolicy semantics
// (kubernetes/website content/en/docs/concepts/services-networking/network-policies.md):
//   - a pod is isolated for a direction only when some policy selecting it has that policyType (absent
//     policyTypes: Ingress, plus Egress when the policy has egress rules);
//   - policies are additive allows: an isolated pod accepts what any selecting policy's rules allow;
//   - a connection between pods needs both the sender's egress and the receiver's ingress to allow it;
//     a pod can always reach itself (not modelled: self pairs are skipped);
//   - a peer with podSelector and namespaceSelector selects pods matching both (AND); separate peers OR;
//     podSelector alone is the policy's namespace; namespaces are matched by their labels, including
//     kubernetes.io/metadata.name; ipBlock matches addresses in `cidr` but not in `except`;
//   - empty or absent `from`/`to` match every peer, empty or absent `ports` every port; a port entry
//     defaults to TCP, no port number means every port, `endPort` makes a range, a string names a port.
// ipBlock is meant for addresses outside the cluster; whether it also matches pod IPs is left to the plugin.
// The evaluator lets it match them (option ipBlockMatchesPods), so a too-wide block shows up as extra reach.
//
// The engines' own objects, to the extent cn-scaffold emits them, join the same model because they only
// ever add allows: Cilium CiliumNetworkPolicy (cilium.io/v2: endpointSelector, toEndpoints/fromEndpoints,
// toCIDR(Set)/fromCIDR(Set), toFQDNs, toPorts, enableDefaultDeny) and Calico projectcalico.org/v3
// (Global)NetworkPolicy with Allow rules in the default tier (Calico walks policies in order and ends the
// tier with a deny for selected endpoints; with Allow-only rules that is the same union of allows).
// Deny, Pass, Log, other tiers and L7 restrictions are refused rather than approximated. Staged Calico
// kinds are not enforced; `staged: 'enforce'` evaluates them as if promoted.
import { endpoints, inCidr, namespaceLabels, type Cluster, type Endpoint, type Pod, type Port, type Protocol } from './cluster.js';
import { calicoSelector, matchesSelector, onlyKeys, type LabelSelector } from './selectors.js';

type Obj = Record<string, any>;
type Dir = 'ingress' | 'egress';
/** One allow rule: does it admit this peer (the other end) on this port of `dst`? */
type Rule = (peer: Endpoint, port: Port, dst: Endpoint) => boolean;
interface Policy {
  source: string;
  selects: (pod: Pod) => boolean;
  isolates: Record<Dir, boolean>;
  rules: Record<Dir, Rule[]>;
}
export interface EvaluateOptions {
  /** Staged Calico policies: ignored (the default, as Calico enforces nothing staged) or evaluated as promoted. */
  staged?: 'ignore' | 'enforce';
  ipBlockMatchesPods?: boolean;
}

const ipOf = (e: Endpoint) => e.ip;
const isPod = (e: Endpoint): e is Extract<Endpoint, { kind: 'pod' }> => e.kind === 'pod';

function ipBlock(b: Obj, where: string, podsToo: boolean): (e: Endpoint) => boolean {
  onlyKeys(b, ['cidr', 'except'], where);
  return (e) => (podsToo || !isPod(e)) && inCidr(ipOf(e), b.cidr) && !(b.except ?? []).some((x: string) => inCidr(ipOf(e), x));
}

// --- networking.k8s.io/v1 NetworkPolicy --------------------------------------------------------------
function k8sPeer(p: Obj, ns: string, c: Cluster, where: string, o: EvaluateOptions): (e: Endpoint) => boolean {
  onlyKeys(p, ['podSelector', 'namespaceSelector', 'ipBlock'], where);
  if (p.ipBlock) {
    if (p.podSelector || p.namespaceSelector) throw new Error(`${where}: ipBlock cannot be combined with selectors`);
    return ipBlock(p.ipBlock, `${where}.ipBlock`, o.ipBlockMatchesPods ?? true);
  }
  if (!p.podSelector && !p.namespaceSelector) throw new Error(`${where}: a peer needs podSelector, namespaceSelector or ipBlock`);
  return (e) =>
    isPod(e) &&
    (p.namespaceSelector ? matchesSelector(p.namespaceSelector, namespaceLabels(c, e.namespace), `${where}.namespaceSelector`) : e.namespace === ns) &&
    (!p.podSelector || matchesSelector(p.podSelector, e.labels, `${where}.podSelector`));
}

function k8sPorts(ports: Obj[] | undefined, where: string): (port: Port, dst: Endpoint) => boolean {
  if (!ports || ports.length === 0) return () => true;
  const checks = ports.map((p, i) => {
    onlyKeys(p, ['port', 'endPort', 'protocol'], `${where}[${i}]`);
    const protocol: Protocol = p.protocol ?? 'TCP';
    if (p.endPort !== undefined && typeof p.port !== 'number') throw new Error(`${where}[${i}]: endPort needs a numeric port`);
    return (port: Port, dst: Endpoint) => {
      if (port.protocol !== protocol) return false;
      if (p.port === undefined) return true;
      if (typeof p.port === 'string') return isPod(dst) && (dst.ports ?? []).some((n) => n.name === p.port && n.port === port.port && n.protocol === protocol);
      return port.port >= p.port && port.port <= (p.endPort ?? p.port);
    };
  });
  return (port, dst) => checks.some((f) => f(port, dst));
}

function k8sPolicy(obj: Obj, c: Cluster, o: EvaluateOptions, staged = false): Policy {
  const ns = obj.metadata?.namespace ?? 'default';
  const where = `${obj.kind} ${ns}/${obj.metadata?.name}`;
  const spec = obj.spec;
  onlyKeys(spec, ['podSelector', 'policyTypes', 'ingress', 'egress', ...(staged ? ['stagedAction'] : [])], `${where}.spec`);
  if (!spec.podSelector) throw new Error(`${where}: spec.podSelector is required ({} selects every pod)`);
  const types: string[] = spec.policyTypes ?? ['Ingress', ...(spec.egress ? ['Egress'] : [])];
  const rule = (dir: Dir) => (r: Obj, i: number): Rule => {
    const key = dir === 'ingress' ? 'from' : 'to';
    onlyKeys(r, [key, 'ports'], `${where}.${dir}[${i}]`);
    const peers: ((e: Endpoint) => boolean)[] = (r[key] ?? []).map((p: Obj, j: number) => k8sPeer(p, ns, c, `${where}.${dir}[${i}].${key}[${j}]`, o));
    const ports = k8sPorts(r.ports, `${where}.${dir}[${i}].ports`);
    return (peer, port, dst) => (peers.length === 0 || peers.some((f) => f(peer))) && ports(port, dst);
  };
  return {
    source: where,
    selects: (pod) => pod.namespace === ns && matchesSelector(spec.podSelector, pod.labels, `${where}.spec.podSelector`),
    isolates: { ingress: types.includes('Ingress'), egress: types.includes('Egress') },
    rules: {
      ingress: types.includes('Ingress') ? (spec.ingress ?? []).map(rule('ingress')) : [],
      egress: types.includes('Egress') ? (spec.egress ?? []).map(rule('egress')) : [],
    },
  };
}

// --- cilium.io/v2 CiliumNetworkPolicy ----------------------------------------------------------------
const CILIUM_NS = 'io.kubernetes.pod.namespace';
const ciliumKey = (k: string) => k.replace(/^(k8s|any):/, '');
const ciliumLabels = (p: Pod) => ({ ...p.labels, [CILIUM_NS]: p.namespace });

function ciliumEndpoints(sels: Obj[], ns: string, where: string): (e: Endpoint) => boolean {
  return (e) =>
    isPod(e) &&
    sels.some((s, i) => {
      // Without a namespace label a selector of a namespaced policy stays in that namespace.
      const named = [...Object.keys(s.matchLabels ?? {}), ...(s.matchExpressions ?? []).map((x: Obj) => x.key)].some((k) => ciliumKey(k) === CILIUM_NS);
      return (named || e.namespace === ns) && matchesSelector(s, ciliumLabels(e), `${where}[${i}]`, ciliumKey);
    });
}

function fqdnMatch(f: Obj, where: string): (e: Endpoint) => boolean {
  onlyKeys(f, ['matchName', 'matchPattern'], where);
  const norm = (n: string) => n.toLowerCase().replace(/\.$/, '');
  const re = f.matchPattern !== undefined ? new RegExp(`^${norm(f.matchPattern).split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[-a-z0-9_.]*')}$`) : undefined;
  // toFQDNs selects addresses learnt from DNS answers: never pods.
  return (e) => !isPod(e) && (e.names ?? []).some((n) => (re ? re.test(norm(n)) : norm(n) === norm(f.matchName)));
}

function ciliumPorts(toPorts: Obj[] | undefined, where: string): (port: Port) => boolean {
  if (!toPorts || toPorts.length === 0) return () => true;
  const list = toPorts.flatMap((tp, i) => {
    onlyKeys(tp, ['ports', 'rules'], `${where}[${i}]`);
    // L7 rules (dns, http) restrict requests, not the L4 reachability this matrix is about. A DNS rule
    // still lets lookups through (to the proxy), so the port counts as reachable.
    if (tp.rules) onlyKeys(tp.rules, ['dns'], `${where}[${i}].rules`);
    return (tp.ports ?? []).map((p: Obj, j: number) => {
      onlyKeys(p, ['port', 'endPort', 'protocol'], `${where}[${i}].ports[${j}]`);
      return p;
    });
  });
  return (port) =>
    list.some((p) => {
      if (p.protocol && p.protocol !== 'ANY' && p.protocol !== port.protocol) return false;
      const from = Number(p.port ?? 0);
      if (!Number.isInteger(from)) throw new Error(`${where}: named ports are not supported here`);
      return from === 0 || (port.port >= from && port.port <= (p.endPort ?? from));
    });
}

function ciliumPolicy(obj: Obj): Policy {
  const ns = obj.metadata?.namespace;
  if (!ns) throw new Error(`CiliumNetworkPolicy ${obj.metadata?.name}: metadata.namespace is required here`);
  const where = `CiliumNetworkPolicy ${ns}/${obj.metadata?.name}`;
  const spec = obj.spec;
  onlyKeys(spec, ['endpointSelector', 'ingress', 'egress', 'enableDefaultDeny', 'description'], `${where}.spec`);
  const rule = (dir: Dir) => (r: Obj, i: number): Rule => {
    const w = `${where}.${dir}[${i}]`;
    const [ends, cidr, cidrSet] = dir === 'egress' ? ['toEndpoints', 'toCIDR', 'toCIDRSet'] : ['fromEndpoints', 'fromCIDR', 'fromCIDRSet'];
    onlyKeys(r, [ends, cidr, cidrSet, 'toPorts', ...(dir === 'egress' ? ['toFQDNs'] : [])], w);
    const l3 = [ends, cidr, cidrSet, 'toFQDNs'].filter((k) => r[k] !== undefined);
    if (l3.length > 1) throw new Error(`${w}: one kind of peer per rule (${l3.join(', ')})`);
    const peer: (e: Endpoint) => boolean = r[ends]
      ? ciliumEndpoints(r[ends], ns, `${w}.${ends}`)
      : r[cidr]
        ? (e) => !isPod(e) && r[cidr].some((x: string) => inCidr(e.ip, x))
        : r[cidrSet]
          ? (e) => !isPod(e) && r[cidrSet].some((b: Obj, j: number) => ipBlock(b, `${w}.${cidrSet}[${j}]`, false)(e))
          : r.toFQDNs
            ? (e) => r.toFQDNs.some((f: Obj, j: number) => fqdnMatch(f, `${w}.toFQDNs[${j}]`)(e))
            : () => true;
    const ports = ciliumPorts(r.toPorts, `${w}.toPorts`);
    return (p, port) => peer(p) && ports(port);
  };
  const dd = spec.enableDefaultDeny ?? {};
  onlyKeys(dd, ['ingress', 'egress'], `${where}.spec.enableDefaultDeny`);
  const has = (dir: Dir) => Array.isArray(spec[dir]) && spec[dir].length > 0;
  return {
    source: where,
    selects: (pod) => pod.namespace === ns && matchesSelector(spec.endpointSelector ?? {}, ciliumLabels(pod), `${where}.spec.endpointSelector`, ciliumKey),
    // Cilium: default deny is on for a direction that has rules unless enableDefaultDeny turns it off.
    isolates: { ingress: has('ingress') && dd.ingress !== false, egress: has('egress') && dd.egress !== false },
    rules: { ingress: (spec.ingress ?? []).map(rule('ingress')), egress: (spec.egress ?? []).map(rule('egress')) },
  };
}

// --- projectcalico.org/v3 (Global)NetworkPolicy ------------------------------------------------------
function calicoEntity(e: Obj | undefined, ns: string | undefined, c: Cluster, where: string): (x: Endpoint) => boolean {
  if (!e) return () => true;
  onlyKeys(e, ['selector', 'namespaceSelector', 'nets', 'notNets', 'ports'], where);
  const sel = e.selector !== undefined ? calicoSelector(e.selector) : undefined;
  const nsSel = e.namespaceSelector !== undefined ? calicoSelector(e.namespaceSelector) : undefined;
  return (x) => {
    if (e.nets && !e.nets.some((n: string) => inCidr(x.ip, n))) return false;
    if (e.notNets && e.notNets.some((n: string) => inCidr(x.ip, n))) return false;
    if (!sel && !nsSel) return true;
    if (!isPod(x)) return false;
    // Calico labels namespaces with projectcalico.org/name; a namespaced policy's selector stays in its namespace.
    if (nsSel ? !nsSel({ ...namespaceLabels(c, x.namespace), 'projectcalico.org/name': x.namespace }) : ns !== undefined && x.namespace !== ns) return false;
    return !sel || sel({ ...x.labels, 'projectcalico.org/namespace': x.namespace });
  };
}

function calicoPorts(ports: (number | string)[] | undefined): (port: number) => boolean {
  if (!ports) return () => true;
  return (n) => ports.some((p) => (typeof p === 'number' ? n === p : /^\d+:\d+$/.test(p) ? n >= Number(p.split(':')[0]) && n <= Number(p.split(':')[1]) : Number(p) === n));
}

function calicoPolicy(obj: Obj, c: Cluster, global: boolean, staged: boolean): Policy {
  const ns = global ? undefined : obj.metadata?.namespace ?? 'default';
  const where = `${obj.kind} ${ns ? `${ns}/` : ''}${obj.metadata?.name}`;
  const spec = obj.spec;
  onlyKeys(spec, ['selector', 'types', 'ingress', 'egress', 'order', 'tier', ...(global ? ['namespaceSelector'] : []), ...(staged ? ['stagedAction'] : [])], `${where}.spec`);
  if (spec.tier !== undefined && spec.tier !== 'default') throw new Error(`${where}: only the default tier is modelled`);
  const sel = calicoSelector(spec.selector ?? '');
  const nsSel = spec.namespaceSelector !== undefined ? calicoSelector(spec.namespaceSelector) : undefined;
  const types: string[] = spec.types ?? (spec.egress?.length ? (spec.ingress?.length ? ['Ingress', 'Egress'] : ['Egress']) : ['Ingress']);
  const rule = (dir: Dir) => (r: Obj, i: number): Rule => {
    const w = `${where}.${dir}[${i}]`;
    onlyKeys(r, ['action', 'protocol', 'source', 'destination', 'ipVersion'], w);
    if (r.action !== 'Allow') throw new Error(`${w}: only Allow rules are modelled (got ${r.action})`);
    if (r.source?.ports) throw new Error(`${w}: source ports are not modelled`);
    const other = calicoEntity(dir === 'ingress' ? r.source : r.destination, ns, c, `${w}.${dir === 'ingress' ? 'source' : 'destination'}`);
    const self = calicoEntity(dir === 'ingress' ? { ...r.destination, ports: undefined } : r.source, ns, c, `${w}.self`);
    const ports = calicoPorts(r.destination?.ports);
    return (peer, port, dst) => {
      const me = dir === 'ingress' ? dst : undefined;
      if (r.protocol !== undefined && String(r.protocol).toUpperCase() !== port.protocol) return false;
      return other(peer) && (me ? self(me) : true) && ports(port.port);
    };
  };
  return {
    source: where,
    selects: (pod) =>
      (ns === undefined || pod.namespace === ns) &&
      (!nsSel || nsSel({ ...namespaceLabels(c, pod.namespace), 'projectcalico.org/name': pod.namespace })) &&
      sel({ ...pod.labels, 'projectcalico.org/namespace': pod.namespace }),
    isolates: { ingress: types.includes('Ingress'), egress: types.includes('Egress') },
    rules: { ingress: types.includes('Ingress') ? (spec.ingress ?? []).map(rule('ingress')) : [], egress: types.includes('Egress') ? (spec.egress ?? []).map(rule('egress')) : [] },
  };
}

/** Turns policy objects into the evaluator's policies; anything it does not understand throws. */
export function compilePolicies(objects: Obj[], cluster: Cluster, o: EvaluateOptions = {}): Policy[] {
  const out: Policy[] = [];
  for (const obj of objects) {
    const stagedKind = /^Staged/.test(obj.kind);
    if (stagedKind && ((o.staged ?? 'ignore') === 'ignore' || obj.spec?.stagedAction === 'Delete')) continue;
    const key = `${obj.apiVersion} ${obj.kind}`;
    if (key === 'networking.k8s.io/v1 NetworkPolicy') out.push(k8sPolicy(obj, cluster, o));
    else if (key === 'projectcalico.org/v3 StagedKubernetesNetworkPolicy') out.push(k8sPolicy(obj, cluster, o, true));
    else if (key === 'cilium.io/v2 CiliumNetworkPolicy') out.push(ciliumPolicy(obj));
    else if (/^projectcalico\.org\/v3 (Staged)?(Global)?NetworkPolicy$/.test(key)) out.push(calicoPolicy(obj, cluster, key.includes('Global'), stagedKind));
    else throw new Error(`no semantics for ${key} (${obj.metadata?.name})`);
  }
  return out;
}

export type Reach = (src: Endpoint, dst: Endpoint, port: Port) => boolean;

/** Whether `src` may open a connection to `dst` on `port`: the sender's egress AND the receiver's ingress. */
export function reachability(policies: Policy[], cluster: Cluster): Reach {
  const byPod = new Map(cluster.pods.map((p) => [p.id, policies.filter((x) => x.selects(p))]));
  const allows = (pod: Pod, dir: Dir, peer: Endpoint, port: Port, dst: Endpoint) => {
    const selecting = byPod.get(pod.id) ?? [];
    if (!selecting.some((x) => x.isolates[dir])) return true;
    return selecting.some((x) => x.rules[dir].some((r) => r(peer, port, dst)));
  };
  return (src, dst, port) => (!isPod(src) || allows(src, 'egress', dst, port, dst)) && (!isPod(dst) || allows(dst, 'ingress', src, port, dst));
}

export const edgeKey = (src: Endpoint | string, dst: Endpoint | string, port: Port) =>
  `${typeof src === 'string' ? src : src.id} -> ${typeof dst === 'string' ? dst : dst.id} ${port.protocol}/${port.port}`;

/** Every (src, dst, port) the policies allow, as edgeKey strings; `pair` limits the pairs looked at. */
export function reachabilityMatrix(objects: Obj[], cluster: Cluster, ports: Port[], o: EvaluateOptions & { pair?: (a: Endpoint, b: Endpoint) => boolean } = {}): Set<string> {
  const reach = reachability(compilePolicies(objects, cluster, o), cluster);
  const all = endpoints(cluster);
  const out = new Set<string>();
  for (const a of all)
    for (const b of all) {
      if (a.id === b.id || (a.kind === 'external' && b.kind === 'external') || (o.pair && !o.pair(a, b))) continue;
      for (const p of ports) if (reach(a, b, p)) out.add(edgeKey(a, b, p));
    }
  return out;
}
