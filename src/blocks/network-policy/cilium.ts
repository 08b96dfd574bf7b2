// Cilium (reference/wave2.md §3.2): the same standard policies as the `kubernetes` engine (Cilium
// enforces networking.k8s.io/v1), plus a CiliumNetworkPolicy (cilium.io/v2) per service that leaves the
// cluster by DNS name: `toFQDNs` allows exactly the addresses that name resolved to, instead of every
// public address on the port. Cilium learns those addresses in its DNS proxy, so the same policy sends
// the service's DNS traffic through the proxy (`toPorts.rules.dns`), on the DNS edge the graph already
// allows. Fields checked against the cilium.io/v2 CiliumNetworkPolicy CRD and
// https://docs.cilium.io/en/stable/security/policy/language/ (DNS based).
import * as z from 'zod';
import { defineBlock, type FilesContext, type FileSpec } from '../../catalog/define.js';
import { APP_PODS, type MergedNetwork, type OwnedEdge } from '../../catalog/network.js';
import { edgesAnnotation, fqdnRules, ruleReasons, type CompileOptions, type LabelSelector, type PolicySubject } from './compile.js';
import { CNI_DIR, DEFAULT_DENY_OPTION, DEFAULT_DENY_QUESTION, engineContributions, podCidrOption, policyFiles } from './shared.js';

/** Cilium 1.20.2 (tag v1.20.2 of cilium/cilium); chart cilium/cilium from https://helm.cilium.io. */
export const CILIUM_VERSION = '1.20.2';
const DIR = `${CNI_DIR}/cilium`;
const DNS_PORT = 53;
// Cilium's label for a pod's namespace in endpoint selectors (policy language docs, "Namespaces").
const NS_LABEL = 'k8s:io.kubernetes.pod.namespace';

const Options = z
  .object({
    defaultDeny: DEFAULT_DENY_OPTION,
    install: z.enum(['none', 'helm']).default('none').describe('none: the cluster already runs Cilium; helm: cilium chart values and make cni-install'),
    podCidr: podCidrOption('10.244.0.0/16', 'cilium'),
  })
  .strict();
type CiliumOptions = z.infer<typeof Options>;

const ciliumPorts = (ports: OwnedEdge['ports']) => ports.map((p) => ({ port: String(p.port), protocol: p.protocol }));

/** The DNS edges of a service's pods (its own, or every pod's): where its lookups go. */
function dnsEdges(network: MergedNetwork, service: string): OwnedEdge[] {
  return network.edges.filter(
    (e) =>
      e.ports.some((p) => p.port === DNS_PORT) &&
      (('peer' in e.from && e.from.peer === APP_PODS.id) || ('service' in e.from && e.from.service === service)) &&
      !('fqdn' in e.to),
  );
}

/** The egress rule that sends the lookups of one DNS edge through Cilium's DNS proxy. */
function dnsRule(e: OwnedEdge, network: MergedNetwork, ns: string): Record<string, unknown> {
  const ports = [{ ports: ciliumPorts(e.ports.filter((p) => p.port === DNS_PORT)), rules: { dns: [{ matchPattern: '*' }] } }];
  if ('cidr' in e.to) return { toCIDR: [e.to.cidr], toPorts: ports };
  const peer = 'peer' in e.to ? network.peers.find((p) => 'peer' in e.to && p.id === e.to.peer) : undefined;
  const labels = peer ? peer.podLabels : { 'app.kubernetes.io/name': (e.to as { service: string }).service };
  return { toEndpoints: [{ matchLabels: { [NS_LABEL]: peer?.namespace ?? ns, ...labels } }], toPorts: ports };
}

/** The CiliumNetworkPolicy of one subject's egress to DNS names (none when it has none). */
function fqdnPolicy(ctx: FilesContext<CiliumOptions>, s: PolicySubject, o: CompileOptions): Record<string, unknown>[] {
  const rules = fqdnRules(s);
  if (rules.length === 0) return [];
  const network = ctx.contrib.network;
  const dns = dnsEdges(network, s.name);
  const egress = [
    ...rules.map((r) => ({ toFQDNs: r.peers.map((p) => ({ matchName: p.fqdn! })), toPorts: [{ ports: ciliumPorts(r.ports) }] })),
    ...dns.map((e) => dnsRule(e, network, o.namespace)),
  ];
  const why = ruleReasons({ ingress: [], egress: rules }, network.peers);
  if (dns.length) why.push(`egress to ${dns.map((e) => ('peer' in e.to ? e.to.peer : 'cidr' in e.to ? e.to.cidr : '')).join(', ')} on ${DNS_PORT} through the DNS proxy: Cilium learns the addresses of these names from the lookups`);
  return [
    {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: `${s.name}-fqdn`, namespace: o.namespace, labels: { 'app.kubernetes.io/managed-by': 'cn-scaffold' }, annotations: { 'cn-scaffold.io/edges': edgesAnnotation(why) } },
      spec: {
        endpointSelector: s.selector satisfies LabelSelector,
        // Allows only: isolation stays with the standard default-deny policy, so this object never
        // denies anything by itself (the default would isolate egress of the selected pods).
        enableDefaultDeny: { ingress: false, egress: false },
        egress,
      },
    },
  ];
}

function installFiles(ctx: FilesContext<CiliumOptions>): FileSpec[] {
  if (ctx.options.install !== 'helm') return [];
  return [{ to: `${DIR}/cilium-values.yaml`, template: 'network-policy/cilium/cilium-values.yaml.hbs', data: { version: CILIUM_VERSION, podCidr: ctx.options.podCidr, namespace: ctx.project.namespace } }];
}

export default defineBlock({
  id: 'cilium',
  category: 'network-policy',
  slot: 'engine',
  title: 'Cilium',
  summary: 'The standard policies, enforced by Cilium, plus CiliumNetworkPolicy toFQDNs for egress to DNS names (exact, through the DNS proxy)',
  status: 'stable',
  options: Options,
  questions: {
    defaultDeny: DEFAULT_DENY_QUESTION,
    install: { message: 'Install Cilium from this repository?', choices: { none: 'no: the cluster already runs Cilium', helm: 'yes: cilium chart values and make cni-install' } },
    podCidr: { message: 'Cluster pod CIDR (the Cilium cluster-pool)?' },
  },
  // FQDN edges stay FQDN rules (no public-address fallback): fqdnPolicy turns them into toFQDNs.
  files: (ctx) => [...policyFiles(ctx, { fqdn: (name) => [{ fqdn: name }], extra: (s, o) => fqdnPolicy(ctx, s, o) }), ...installFiles(ctx)],
  contribute: (ctx) =>
    engineContributions(
      ctx,
      'They are Kubernetes NetworkPolicy objects enforced by Cilium, plus a CiliumNetworkPolicy (`<service>-fqdn`) for each service that ' +
        'leaves the cluster by DNS name: it allows only the addresses that name resolves to (`toFQDNs`), learnt by Cilium\'s DNS proxy. ' +
        `\`hubble observe --namespace ${ctx.project.namespace} --verdict DROPPED\` shows what they deny.`,
      ctx.options.install === 'helm'
        ? {
            install: {
              help: `Install Cilium ${CILIUM_VERSION} into kube-system`,
              recipe: [`helm upgrade --install cilium cilium --repo https://helm.cilium.io --version ${CILIUM_VERSION} --namespace kube-system -f ${DIR}/cilium-values.yaml --wait`],
            },
          }
        : {},
    ),
});
