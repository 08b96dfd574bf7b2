// Calico (reference/wave2.md §3.2): the same standard policies as the `kubernetes` engine (Calico
// enforces networking.k8s.io/v1), plus what only Calico can do:
//   - `staged`: every policy as a StagedKubernetesNetworkPolicy (projectcalico.org/v3): Calico evaluates
//     and reports it (flow logs, Whisker) without enforcing it; promote with `staged=false`.
//   - `clusterDefaultDeny`: a GlobalNetworkPolicy isolating every namespace this repository does not
//     describe (Calico's "default deny" guide), for platform teams.
//   - `install: operator`: the tigera-operator chart values (API server on: CR-77).
// Calico OSS policy has no DNS-name rules (no `domains` in the v3 EntityRule), so egress to a DNS name
// gets the same public-address fallback as standard policy (rule CN-NP-01).
import * as z from 'zod';
import { defineBlock, type FilesContext, type FileSpec } from '../../catalog/define.js';
import { toYamlBlock } from '../../render/helpers.js';
import { publicInternet } from './compile.js';
import { CNI_DIR, DEFAULT_DENY_OPTION, DEFAULT_DENY_QUESTION, POLICY_DIR, engineContributions, podCidrOption, policyFiles } from './shared.js';

/** Release v3.33.1 (projectcalico/calico releases); chart values read at release-v3.33, charts/tigera-operator. */
export const CALICO_VERSION = 'v3.33.1';
const CHARTS = 'https://docs.tigera.io/calico/charts';
const DIR = `${CNI_DIR}/calico`;
const V3 = 'projectcalico.org/v3';
/**
 * Namespaces Calico's default-deny guide keeps out of a global deny, plus the ones the control plane
 * needs (https://docs.tigera.io/calico/latest/network-policy/get-started/kubernetes-default-deny).
 */
const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'calico-system', 'calico-apiserver', 'tigera-operator'];

const Options = z
  .object({
    defaultDeny: DEFAULT_DENY_OPTION,
    staged: z.boolean().default(false).describe('Emit staged policies (Calico reports what they would deny, enforces nothing); promote with staged=false'),
    clusterDefaultDeny: z
      .boolean()
      .default(false)
      .describe('Also a GlobalNetworkPolicy denying all traffic (but DNS) in every namespace this repository does not describe'),
    install: z.enum(['none', 'operator']).default('none').describe('none: the cluster already runs Calico; operator: tigera-operator chart values and make cni-install'),
    podCidr: podCidrOption('192.168.0.0/16', 'tigera-operator'),
  })
  .strict();
type CalicoOptions = z.infer<typeof Options>;

/** A standard NetworkPolicy as the staged policy Calico evaluates without enforcing. */
function staged(obj: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: V3, kind: 'StagedKubernetesNetworkPolicy', metadata: obj.metadata, spec: { stagedAction: 'Set', ...(obj.spec as object) } };
}

/**
 * Isolates every pod outside the namespaces this repository describes: the application namespace
 * (its own policies), the namespaces of the components its edges name (their internal traffic is not
 * in the graph: denying it would break them) and the system namespaces. DNS stays allowed. No `order`:
 * Calico applies it after every other policy of the default tier, so it only denies what none allows.
 */
function clusterDefaultDeny(ctx: FilesContext<CalicoOptions>): Record<string, unknown> {
  const keep = [...new Set([...SYSTEM_NAMESPACES, ctx.project.namespace, ...ctx.contrib.network.peers.flatMap((p) => (p.namespace ? [p.namespace] : []))])].sort();
  const dns = (protocol: string) => ({
    action: 'Allow',
    protocol,
    destination: { namespaceSelector: 'projectcalico.org/name == "kube-system"', selector: 'k8s-app == "kube-dns"', ports: [53] },
  });
  return {
    apiVersion: V3,
    kind: ctx.options.staged ? 'StagedGlobalNetworkPolicy' : 'GlobalNetworkPolicy',
    metadata: { name: `default-deny-outside-${ctx.project.namespace}`.slice(0, 63), labels: { 'app.kubernetes.io/managed-by': 'cn-scaffold' } },
    spec: {
      ...(ctx.options.staged ? { stagedAction: 'Set' } : {}),
      // Calico labels every namespace with projectcalico.org/name.
      namespaceSelector: `has(projectcalico.org/name) && projectcalico.org/name not in {${keep.map((n) => `"${n}"`).join(', ')}}`,
      types: ['Ingress', 'Egress'],
      egress: [dns('UDP'), dns('TCP')],
    },
  };
}

function installFiles(ctx: FilesContext<CalicoOptions>): FileSpec[] {
  if (ctx.options.install !== 'operator') return [];
  return [
    { to: `${DIR}/namespace.yaml`, template: 'network-policy/calico/namespace.yaml' },
    { to: `${DIR}/tigera-operator-values.yaml`, template: 'network-policy/calico/tigera-operator-values.yaml.hbs', data: { version: CALICO_VERSION, podCidr: ctx.options.podCidr } },
  ];
}

export default defineBlock({
  id: 'calico',
  category: 'network-policy',
  slot: 'engine',
  title: 'Calico',
  summary: 'The standard policies, enforced by Calico; optionally staged (reported, not enforced), a cluster-wide default deny, and the operator install',
  status: 'stable',
  options: Options,
  questions: {
    defaultDeny: DEFAULT_DENY_QUESTION,
    staged: { message: 'Stage the policies first (Calico reports what they would deny, nothing is enforced)?' },
    clusterDefaultDeny: { message: 'Also deny by default in every namespace this repository does not describe (GlobalNetworkPolicy)?' },
    install: { message: 'Install Calico from this repository?', choices: { none: 'no: the cluster already runs Calico', operator: 'yes: tigera-operator chart values and make cni-install' } },
    podCidr: { message: 'Cluster pod CIDR (the Calico IP pool)?' },
  },
  files: (ctx) => [
    ...policyFiles(ctx, { fqdn: publicInternet, staged: ctx.options.staged, ...(ctx.options.staged ? { wrap: staged } : {}) }),
    ...(ctx.options.clusterDefaultDeny
      ? [
          {
            to: `${POLICY_DIR}/cluster-default-deny.yaml`,
            content:
              '# Cluster-wide default deny (Calico GlobalNetworkPolicy), generated by cn-scaffold (network-policy.calico.clusterDefaultDeny).\n' +
              '# Every namespace but the ones listed (system, this application, the components its policies name) may only resolve DNS.\n' +
              toYamlBlock(clusterDefaultDeny(ctx)) +
              '\n',
            why: ['deny all traffic but DNS in the namespaces this repository does not describe (Calico default-deny guide)'],
          },
        ]
      : []),
    ...installFiles(ctx),
  ],
  contribute: (ctx) => {
    const o = ctx.options;
    return engineContributions(
      ctx,
      o.staged
        ? 'They are **staged** (Calico `StagedKubernetesNetworkPolicy`, served by the Calico API server): Calico reports what they would allow and deny (flow logs, Whisker) and enforces nothing. Once nothing legitimate shows as denied, enforce them: `cn-scaffold set network-policy.calico.staged=false`.'
        : 'They are Kubernetes NetworkPolicy objects, enforced by Calico.',
      {
        staged: o.staged,
        ...(o.install === 'operator'
          ? {
              install: {
                help: `Install Calico ${CALICO_VERSION} (tigera-operator, its CRDs, the API server)`,
                recipe: [
                  `kubectl apply -f ${DIR}/namespace.yaml`,
                  // Since v3.32 the CRDs ship in their own chart (charts/tigera-operator/README.md).
                  `helm template calico-crds crd.projectcalico.org.v1 --repo ${CHARTS} --version ${CALICO_VERSION} | kubectl apply --server-side -f -`,
                  `helm upgrade --install calico tigera-operator --repo ${CHARTS} --version ${CALICO_VERSION} --namespace tigera-operator -f ${DIR}/tigera-operator-values.yaml --wait`,
                  // The operator creates its TigeraStatus objects once it runs; then every component (the API
                  // server included) must report Available (as projectcalico/calico hack/test/kind/deploy_resources.sh waits).
                  '@for i in $$(seq 60); do kubectl get tigerastatus calico >/dev/null 2>&1 && break; sleep 5; done',
                  'kubectl wait --for=condition=available tigerastatus --all --timeout=10m',
                ],
              },
            }
          : {}),
      },
    );
  },
});
