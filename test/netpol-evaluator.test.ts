// The reachability evaluator (test/support/netpol) against the cases of the upstream NetworkPolicy
// documentation, so the semantic test of the generated policies rests on checked semantics. Sources:
// kubernetes/website content/en/docs/concepts/services-networking/network-policies.md (@a799505a5e8c:
// "The NetworkPolicy resource", "Behavior of to and from selectors", "Default policies", "Targeting a
// range of Ports") and its examples content/en/examples/service/networking/network-policy-*.yaml.
import { describe, expect, test } from 'vitest';
import type { Cluster, Endpoint, Port } from './support/netpol/cluster.js';
import { endpoints } from './support/netpol/cluster.js';
import { compilePolicies, reachability, reachabilityMatrix } from './support/netpol/evaluate.js';
import { calicoSelector } from './support/netpol/selectors.js';

const tcp = (port: number): Port => ({ port, protocol: 'TCP' });
const udp = (port: number): Port => ({ port, protocol: 'UDP' });
const np = (name: string, spec: Record<string, unknown>, namespace = 'default') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });

const cluster: Cluster = {
  namespaces: [{ name: 'default' }, { name: 'mine', labels: { project: 'myproject' } }, { name: 'alice', labels: { user: 'alice' } }, { name: 'other' }],
  pods: [
    { id: 'db', namespace: 'default', labels: { role: 'db' }, ip: '10.244.0.10' },
    { id: 'frontend', namespace: 'default', labels: { role: 'frontend' }, ip: '10.244.0.11' },
    { id: 'client', namespace: 'default', labels: { role: 'client' }, ip: '10.244.0.12' },
    { id: 'plain', namespace: 'default', labels: {}, ip: '10.244.0.13' },
    { id: 'mine-any', namespace: 'mine', labels: { app: 'x' }, ip: '10.244.1.10' },
    { id: 'alice-client', namespace: 'alice', labels: { role: 'client' }, ip: '10.244.2.10' },
    { id: 'alice-other', namespace: 'alice', labels: { role: 'server' }, ip: '10.244.2.11' },
    { id: 'other-frontend', namespace: 'other', labels: { role: 'frontend' }, ip: '10.244.3.10' },
    { id: 'other-client', namespace: 'other', labels: { role: 'client' }, ip: '10.244.3.11' },
  ],
  externals: [
    { id: 'x172-0', ip: '172.17.0.5' },
    { id: 'x172-1', ip: '172.17.1.5' },
    { id: 'x172-2', ip: '172.17.2.5' },
    { id: 'x10', ip: '10.0.0.7' },
    { id: 'web', ip: '198.51.100.7', names: ['api.example.com'] },
    { id: 'web2', ip: '198.51.100.8', names: ['other.example.net'] },
  ],
};
const ep = (id: string): Endpoint => endpoints(cluster).find((e) => e.id === id)!;
const reach = (objects: Record<string, unknown>[], o = {}) => {
  const r = reachability(compilePolicies(objects, cluster, o), cluster);
  return (from: string, to: string, port: Port) => r(ep(from), ep(to), port);
};

describe('Kubernetes NetworkPolicy semantics (upstream documentation cases)', () => {
  // "An example NetworkPolicy might look like this": test-network-policy.
  const example = np('test-network-policy', {
    podSelector: { matchLabels: { role: 'db' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      {
        from: [{ ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } }, { namespaceSelector: { matchLabels: { project: 'myproject' } } }, { podSelector: { matchLabels: { role: 'frontend' } } }],
        ports: [{ protocol: 'TCP', port: 6379 }],
      },
    ],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5978 }] }],
  });

  test('the example policy: ingress from the ipBlock (except), the namespace and the pods, on TCP 6379 only', () => {
    const r = reach([example]);
    expect(r('frontend', 'db', tcp(6379))).toBe(true); // role=frontend in "default"
    expect(r('mine-any', 'db', tcp(6379))).toBe(true); // any pod in a namespace labelled project=myproject
    expect(r('x172-0', 'db', tcp(6379))).toBe(true); // 172.17.0.0-172.17.0.255
    expect(r('x172-2', 'db', tcp(6379))).toBe(true); // 172.17.2.0-172.17.255.255
    expect(r('x172-1', 'db', tcp(6379))).toBe(false); // except 172.17.1.0/24
    expect(r('other-frontend', 'db', tcp(6379))).toBe(false); // podSelector alone: the policy's namespace only
    expect(r('client', 'db', tcp(6379))).toBe(false);
    expect(r('frontend', 'db', tcp(6380))).toBe(false);
    expect(r('frontend', 'db', udp(6379))).toBe(false);
  });

  test('the example policy: egress of db only to 10.0.0.0/24 on TCP 5978; other pods stay non-isolated', () => {
    const r = reach([example]);
    expect(r('db', 'x10', tcp(5978))).toBe(true);
    expect(r('db', 'x10', tcp(5979))).toBe(false);
    expect(r('db', 'frontend', tcp(8080))).toBe(false);
    expect(r('db', 'web', tcp(443))).toBe(false);
    expect(r('frontend', 'client', tcp(1234))).toBe(true);
    expect(r('frontend', 'web', tcp(443))).toBe(true);
  });

  test('namespaceSelector and podSelector in one peer select pods in namespaces (AND); as two peers, either (OR)', () => {
    const and = np('and', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { user: 'alice' } }, podSelector: { matchLabels: { role: 'client' } } }] }] });
    const or = np('or', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { user: 'alice' } } }, { podSelector: { matchLabels: { role: 'client' } } }] }] });
    const a = reach([and]);
    expect(a('alice-client', 'db', tcp(80))).toBe(true);
    expect(a('alice-other', 'db', tcp(80))).toBe(false);
    expect(a('client', 'db', tcp(80))).toBe(false);
    expect(a('other-client', 'db', tcp(80))).toBe(false);
    const o = reach([or]);
    expect(o('alice-client', 'db', tcp(80))).toBe(true);
    expect(o('alice-other', 'db', tcp(80))).toBe(true); // any pod of an alice namespace
    expect(o('client', 'db', tcp(80))).toBe(true); // role=client of the local namespace
    expect(o('other-client', 'db', tcp(80))).toBe(false);
  });

  test('namespaces are selected by their labels, kubernetes.io/metadata.name included', () => {
    const r = reach([np('by-name', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } } }] }] })]);
    expect(r('other-client', 'db', tcp(80))).toBe(true);
    expect(r('alice-client', 'db', tcp(80))).toBe(false);
  });

  // "Default policies": network-policy-default-deny-ingress.yaml, -allow-all-ingress.yaml, -default-deny-egress.yaml,
  // -allow-all-egress.yaml, -default-deny-all.yaml.
  const denyIngress = np('default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
  const allowAllIngress = np('allow-all-ingress', { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] });
  const denyEgress = np('default-deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
  const allowAllEgress = np('allow-all-egress', { podSelector: {}, egress: [{}], policyTypes: ['Egress'] });
  const denyAll = np('default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

  test('default deny ingress isolates every pod of the namespace for ingress and leaves egress alone', () => {
    const r = reach([denyIngress]);
    expect(r('frontend', 'db', tcp(80))).toBe(false);
    expect(r('mine-any', 'plain', tcp(80))).toBe(false);
    expect(r('x172-0', 'db', tcp(80))).toBe(false);
    expect(r('db', 'mine-any', tcp(80))).toBe(true);
    expect(r('db', 'web', tcp(443))).toBe(true);
  });

  test('allow all ingress wins over a default deny: policies are additive', () => {
    const r = reach([denyIngress, allowAllIngress]);
    expect(r('frontend', 'db', tcp(80))).toBe(true);
    expect(r('x172-1', 'db', udp(53))).toBe(true);
  });

  test('default deny egress, allow all egress, default deny all', () => {
    expect(reach([denyEgress])('db', 'web', tcp(443))).toBe(false);
    expect(reach([denyEgress])('mine-any', 'db', tcp(80))).toBe(true);
    expect(reach([denyEgress, allowAllEgress])('db', 'web', tcp(443))).toBe(true);
    const all = reach([denyAll]);
    expect(all('db', 'frontend', tcp(80))).toBe(false);
    expect(all('mine-any', 'db', tcp(80))).toBe(false);
    expect(all('mine-any', 'alice-client', tcp(80))).toBe(true); // other namespaces are not touched
  });

  test('both the sender\'s egress and the receiver\'s ingress must allow a connection between pods', () => {
    const ingressOk = np('db-in', { podSelector: { matchLabels: { role: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'frontend' } } }] }] });
    const egressOk = np('fe-out', { podSelector: { matchLabels: { role: 'frontend' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { role: 'db' } } }] }] });
    expect(reach([denyAll, ingressOk])('frontend', 'db', tcp(80))).toBe(false);
    expect(reach([denyAll, egressOk])('frontend', 'db', tcp(80))).toBe(false);
    expect(reach([denyAll, ingressOk, egressOk])('frontend', 'db', tcp(80))).toBe(true);
  });

  test('without policyTypes: Ingress always, Egress only when the policy has egress rules', () => {
    const egressOnlyRules = np('e', { podSelector: { matchLabels: { role: 'db' } }, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }] }] });
    const r = reach([egressOnlyRules]);
    expect(r('frontend', 'db', tcp(80))).toBe(false); // ingress isolated, no ingress rule
    expect(r('db', 'x10', tcp(1))).toBe(true);
    expect(r('db', 'web', tcp(443))).toBe(false);
    const noEgress = reach([np('i', { podSelector: { matchLabels: { role: 'db' } }, ingress: [{}] })]);
    expect(noEgress('db', 'web', tcp(443))).toBe(true);
  });

  test('endPort: "Targeting a range of Ports" (multi-port-egress)', () => {
    const r = reach([
      np('multi-port-egress', { podSelector: { matchLabels: { role: 'db' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] }] }),
    ]);
    expect(r('db', 'x10', tcp(32000))).toBe(true);
    expect(r('db', 'x10', tcp(32768))).toBe(true);
    expect(r('db', 'x10', tcp(31999))).toBe(false);
    expect(r('db', 'x10', tcp(32769))).toBe(false);
    expect(r('db', 'x10', udp(32100))).toBe(false);
  });

  test('empty ports and a port entry without a number match every port (of its protocol); named ports resolve on the receiver', () => {
    const named: Cluster = { ...cluster, pods: cluster.pods.map((p) => (p.id === 'db' ? { ...p, ports: [{ name: 'redis', port: 6379, protocol: 'TCP' as const }] } : p)) };
    const pol = np('p', { podSelector: { matchLabels: { role: 'db' } }, ingress: [{ ports: [{ protocol: 'UDP' }, { port: 'redis' }] }] });
    const r = reachability(compilePolicies([pol], named), named);
    const e = (id: string) => endpoints(named).find((x) => x.id === id)!;
    expect(r(e('frontend'), e('db'), udp(9999))).toBe(true);
    expect(r(e('frontend'), e('db'), tcp(6379))).toBe(true);
    expect(r(e('frontend'), e('db'), tcp(6380))).toBe(false);
  });

  test('what the evaluator does not understand is an error, not a guess', () => {
    expect(() => compilePolicies([np('typo', { podSelector: {}, ingress: [{ form: [] }] })], cluster)).toThrow(/form/);
    expect(() => compilePolicies([np('nosel', { policyTypes: ['Ingress'] })], cluster)).toThrow(/podSelector/);
    expect(() => compilePolicies([{ apiVersion: 'example.com/v1', kind: 'Policy', metadata: { name: 'x' }, spec: {} }], cluster)).toThrow(/no semantics/);
  });
});

describe('engine objects the generator emits', () => {
  const cnp = (spec: Record<string, unknown>) => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'c', namespace: 'default' }, spec });

  test('Cilium toFQDNs reaches exactly the addresses of the name; enableDefaultDeny false only adds allows', () => {
    const fqdn = cnp({ endpointSelector: { matchLabels: { role: 'db' } }, enableDefaultDeny: { ingress: false, egress: false }, egress: [{ toFQDNs: [{ matchName: 'api.example.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }] });
    const alone = reach([fqdn]);
    expect(alone('db', 'web2', tcp(443))).toBe(true); // not isolated by this policy alone
    const r = reach([np('deny', { podSelector: {}, policyTypes: ['Egress'] }), fqdn]);
    expect(r('db', 'web', tcp(443))).toBe(true);
    expect(r('db', 'web', tcp(80))).toBe(false);
    expect(r('db', 'web2', tcp(443))).toBe(false);
    expect(r('frontend', 'web', tcp(443))).toBe(false);
    const isolating = reach([cnp({ endpointSelector: { matchLabels: { role: 'db' } }, egress: [{ toFQDNs: [{ matchPattern: '*.example.com' }] }] })]);
    expect(isolating('db', 'web', tcp(1))).toBe(true);
    expect(isolating('db', 'web2', tcp(1))).toBe(false); // default deny follows the rules' direction
  });

  test('Cilium toEndpoints stays in the policy namespace unless it names one', () => {
    const r = reach([
      np('deny', { podSelector: {}, policyTypes: ['Egress'] }),
      cnp({ endpointSelector: {}, egress: [{ toEndpoints: [{ matchLabels: { role: 'client' } }, { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'alice', role: 'server' } }] }] }),
    ]);
    expect(r('db', 'client', tcp(1))).toBe(true);
    expect(r('db', 'other-client', tcp(1))).toBe(false);
    expect(r('db', 'alice-other', tcp(1))).toBe(true);
    expect(r('db', 'alice-client', tcp(1))).toBe(false);
  });

  test('Calico: a GlobalNetworkPolicy isolates the namespaces its selector picks; staged objects are not enforced', () => {
    const gnp = (kind: string) => ({
      apiVersion: 'projectcalico.org/v3',
      kind,
      metadata: { name: 'deny' },
      spec: {
        namespaceSelector: 'has(projectcalico.org/name) && projectcalico.org/name not in {"alice"}',
        types: ['Ingress', 'Egress'],
        egress: [{ action: 'Allow', protocol: 'UDP', destination: { namespaceSelector: 'projectcalico.org/name == "alice"', selector: "role == 'server'", ports: [53] } }],
      },
    });
    const r = reach([gnp('GlobalNetworkPolicy')]);
    expect(r('db', 'alice-other', udp(53))).toBe(true);
    expect(r('db', 'alice-other', tcp(53))).toBe(false);
    expect(r('db', 'alice-client', udp(53))).toBe(false);
    expect(r('alice-client', 'db', tcp(80))).toBe(false); // db is isolated for ingress
    expect(r('alice-client', 'alice-other', tcp(80))).toBe(true); // alice is left out
    expect(reach([gnp('StagedGlobalNetworkPolicy')])('db', 'frontend', tcp(80))).toBe(true);
    expect(reach([gnp('StagedGlobalNetworkPolicy')], { staged: 'enforce' })('db', 'frontend', tcp(80))).toBe(false);
    const stagedK8s = { ...np('s', { stagedAction: 'Set', podSelector: {}, policyTypes: ['Ingress'] }), apiVersion: 'projectcalico.org/v3', kind: 'StagedKubernetesNetworkPolicy' };
    expect(reach([stagedK8s])('frontend', 'db', tcp(80))).toBe(true);
    expect(reach([stagedK8s], { staged: 'enforce' })('frontend', 'db', tcp(80))).toBe(false);
    expect(() => compilePolicies([{ ...gnp('GlobalNetworkPolicy'), spec: { egress: [{ action: 'Deny' }] } }], cluster)).toThrow(/Allow/);
  });

  test('Calico selector expressions', () => {
    const s = calicoSelector('has(a) && (b == "1" || c in {"x", \'y\'}) && d not in {"z"} && !has(e)');
    expect(s({ a: '', b: '1' })).toBe(true);
    expect(s({ a: '', c: 'y' })).toBe(true);
    expect(s({ a: '', c: 'y', d: 'z' })).toBe(false);
    expect(s({ a: '', b: '1', e: '' })).toBe(false);
    expect(s({ b: '1' })).toBe(false);
    expect(calicoSelector('all()')({})).toBe(true);
    expect(() => calicoSelector('a =~ "b"')).toThrow();
  });

  test('the matrix skips self pairs and external-to-external pairs', () => {
    const m = reachabilityMatrix([], cluster, [tcp(1)]);
    expect(m.has('db -> db TCP/1')).toBe(false);
    expect(m.has('web -> web2 TCP/1')).toBe(false);
    expect(m.has('db -> web TCP/1')).toBe(true);
    expect(m.size).toBe(cluster.pods.length * (cluster.pods.length - 1) + 2 * cluster.pods.length * cluster.externals.length);
  });
});
