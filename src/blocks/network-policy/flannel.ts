// Flannel (reference/wave2.md §3.2): flanneld itself does not enforce NetworkPolicy
// (flannel-io/flannel#2004); its chart can run the SIG Network kube-network-policies controller beside
// it (`netpol.enabled`, repo flannel-io/flannel chart/kube-flannel/values.yaml and Documentation/netpol.md
// @v0.28.9). So this engine emits the standard policies only with that controller: `netpol: false`
// means nothing would enforce them, and rule CR-75 refuses it.
import * as z from 'zod';
import { defineBlock, type FilesContext, type FileSpec } from '../../catalog/define.js';
import { publicInternet } from './compile.js';
import { CNI_DIR, DEFAULT_DENY_OPTION, DEFAULT_DENY_QUESTION, engineContributions, podCidrOption, policyFiles } from './shared.js';

/** flannel v0.28.9 (chart version = app version; image ghcr.io/flannel-io/flannel:v0.28.9 in its values). */
export const FLANNEL_VERSION = 'v0.28.9';
const DIR = `${CNI_DIR}/flannel`;

const Options = z
  .object({
    defaultDeny: DEFAULT_DENY_OPTION,
    netpol: z.boolean().default(true).describe('Flannel runs its network-policy controller (kube-network-policies); without it nothing enforces the policies'),
    install: z.enum(['none', 'helm']).default('none').describe('none: the cluster already runs Flannel; helm: flannel chart values and make cni-install'),
    podCidr: podCidrOption('10.244.0.0/16', 'flannel'),
  })
  .strict();
type FlannelOptions = z.infer<typeof Options>;

function installFiles(ctx: FilesContext<FlannelOptions>): FileSpec[] {
  if (ctx.options.install !== 'helm') return [];
  return [
    { to: `${DIR}/namespace.yaml`, template: 'network-policy/flannel/namespace.yaml' },
    { to: `${DIR}/flannel-values.yaml`, template: 'network-policy/flannel/flannel-values.yaml.hbs', data: { version: FLANNEL_VERSION, podCidr: ctx.options.podCidr, netpol: ctx.options.netpol } },
  ];
}

export default defineBlock({
  id: 'flannel',
  category: 'network-policy',
  slot: 'engine',
  title: 'Flannel (with its network-policy controller)',
  summary: 'The standard policies, enforced by the kube-network-policies controller that the Flannel chart runs with netpol.enabled',
  status: 'stable',
  options: Options,
  questions: {
    defaultDeny: DEFAULT_DENY_QUESTION,
    netpol: { message: 'Does Flannel run its network-policy controller (netpol.enabled)?' },
    install: { message: 'Install Flannel from this repository?', choices: { none: 'no: the cluster already runs Flannel', helm: 'yes: flannel chart values and make cni-install' } },
    podCidr: { message: 'Cluster pod CIDR (Flannel podCidr)?' },
  },
  files: (ctx) => [...policyFiles(ctx, { fqdn: publicInternet }), ...installFiles(ctx)],
  contribute: (ctx) =>
    engineContributions(
      ctx,
      'They are Kubernetes NetworkPolicy objects. Flannel alone does not enforce them: the Flannel chart must run its network-policy ' +
        'controller (`netpol.enabled: true`, the SIG Network kube-network-policies controller); `make netpol-check` tells you whether it does.',
      ctx.options.install === 'helm'
        ? {
            install: {
              help: `Install Flannel ${FLANNEL_VERSION} with its network-policy controller into kube-flannel`,
              recipe: [
                `kubectl apply -f ${DIR}/namespace.yaml`,
                `helm upgrade --install flannel flannel --repo https://flannel-io.github.io/flannel/ --version ${FLANNEL_VERSION} --namespace kube-flannel -f ${DIR}/flannel-values.yaml --wait`,
              ],
            },
          }
        : {},
    ),
});
