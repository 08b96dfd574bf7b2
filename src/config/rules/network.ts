// Network policy (reference/wave2.md §3, §6): which engine enforces what the service graph declares.
// Structural, so not in this table:
//   CR-74   two primary CNIs at once: impossible, network-policy.engine is one slot;
//   CR-76   weave-net: refused by its archived status (src/blocks/network-policy/weave-net.ts), calico offered;
//   CN-NP-02 default deny must still let the default stack work (monitoring -> metrics port, services -> OTLP
//           4318, helm-test pod -> service port): those edges are contributions of the blocks that run them, and
//           test/netpol-semantics.test.ts proves the generated policies allow exactly them.
import { pick, servicesOf, type PartialConfig, type Rule } from './define.js';

/** `services.N.egress.M.host` of every egress to a DNS name (not an IP/CIDR). */
const fqdnEgress = (c: PartialConfig) =>
  servicesOf(c).flatMap(({ s, i }) =>
    (Array.isArray(s.egress) ? s.egress : []).flatMap((e: { host?: unknown }, j: number) => (typeof e?.host === 'string' && /[a-z]/i.test(e.host) && !e.host.includes(':') ? [`services.${i}.egress.${j}.host`] : [])),
  );
const engine = (c: PartialConfig) => pick(c, 'network-policy.engine') as string | undefined;

export const NETWORK_RULES: Rule[] = [
  {
    id: 'CN-NP-01',
    severity: 'warning',
    paths: ['network-policy.engine', 'services'],
    when: (c) => !['cilium', 'none', undefined].includes(engine(c)) && fqdnEgress(c).length > 0,
    at: fqdnEgress,
    message:
      'standard NetworkPolicy cannot match a DNS name: egress to it is allowed to every public address on its port (never to private, link-local or cluster ranges)',
    fix: 'give the destination as an IP/CIDR (services[].egress[].host), or --network-policy-engine cilium (exact toFQDNs rules)',
  },
  {
    // Repo flannel-io/flannel Documentation/netpol.md @v0.28.9: flanneld does not enforce NetworkPolicy; the chart's
    // netpol.enabled runs kube-network-policies, which does.
    id: 'CR-75',
    severity: 'error',
    paths: ['network-policy.flannel.netpol', 'network-policy.engine'],
    when: (c) => engine(c) === 'flannel' && pick(c, 'network-policy.flannel.netpol') === false,
    message: 'Flannel without its network-policy controller enforces no NetworkPolicy: every generated policy would be silently ignored',
    fix: 'keep network-policy.flannel.netpol=true (the flannel chart runs kube-network-policies with netpol.enabled: true), or choose calico or cilium',
  },
  {
    // projectcalico.org/v3 is served by the Calico API server (the tigera-operator chart's apiServer.enabled, on by
    // default), or by native v3 CRDs (tech preview); without either `kubectl apply` rejects these objects. With
    // install=operator the generated values turn the API server on; otherwise only the cluster can tell.
    id: 'CR-77',
    severity: 'warning',
    paths: ['network-policy.calico.staged', 'network-policy.calico.clusterDefaultDeny', 'network-policy.calico.install'],
    when: (c) =>
      engine(c) === 'calico' &&
      (pick(c, 'network-policy.calico.staged') === true || pick(c, 'network-policy.calico.clusterDefaultDeny') === true) &&
      (pick(c, 'network-policy.calico.install') ?? 'none') === 'none',
    at: (c) => ['staged', 'clusterDefaultDeny'].filter((k) => pick(c, `network-policy.calico.${k}`) === true).map((k) => `network-policy.calico.${k}`),
    message: 'staged policies and the GlobalNetworkPolicy are projectcalico.org/v3 objects, which only the Calico API server (or native v3 CRDs) accepts',
    fix: 'check `kubectl api-resources --api-group=projectcalico.org` lists them before make deploy, or --set network-policy.calico.install=operator (API server on)',
  },
  {
    // Calico's Application Layer Policy for Istio lagged Istio for years (projectcalico/calico#8132) and was only
    // re-documented for Istio 1.28 (tigera/docs#2435): mesh authorization comes from Istio itself.
    id: 'CN-NP-03',
    severity: 'warning',
    paths: ['network-policy.engine', 'discovery.mesh'],
    when: (c) => engine(c) === 'calico' && pick(c, 'discovery.mesh') === 'istio',
    message: "Calico's Application Layer Policy (its Istio integration) is not generated: L7 authorization between services is Istio's AuthorizationPolicy",
    fix: 'nothing to do: Calico enforces the L3/L4 policies, Istio the per-request authorization',
  },
  {
    id: 'CN-NP-04',
    severity: 'warning',
    paths: ['network-policy.engine'],
    when: (c) => engine(c) === 'none',
    message: 'no network isolation: every pod of the cluster can reach every service, and the services can reach anything',
    fix: '--network-policy-engine kubernetes (the default: default deny, then exactly the edges of the service graph)',
  },
];
