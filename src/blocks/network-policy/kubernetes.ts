// Standard NetworkPolicy (networking.k8s.io/v1) derived from the service graph: default deny in the
// application namespace, then exactly the edges the services declare and the edges of the blocks that
// run what the services talk to (DNS, Prometheus, the OTLP collector, the gateway, NATS, databases,
// the helm-test pods). Enforced by whatever CNI the cluster runs; `make netpol-check` shows whether it does.
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { policyFiles, engineContributions, DEFAULT_DENY_OPTION, DEFAULT_DENY_QUESTION } from './shared.js';
import { publicInternet } from './compile.js';

export default defineBlock({
  id: 'kubernetes',
  category: 'network-policy',
  slot: 'engine',
  title: 'Kubernetes NetworkPolicy',
  summary: 'networking.k8s.io/v1 policies from the service graph: default deny, then exact allows (any CNI that enforces NetworkPolicy)',
  status: 'stable',
  options: z.object({ defaultDeny: DEFAULT_DENY_OPTION }).strict(),
  questions: { defaultDeny: DEFAULT_DENY_QUESTION },
  // A DNS name cannot be matched by standard policy: its port is opened to public addresses (rule CN-NP-01).
  files: (ctx) => policyFiles(ctx, { fqdn: publicInternet }),
  contribute: (ctx) =>
    engineContributions(
      ctx,
      'They are plain Kubernetes NetworkPolicy objects, enforced by the cluster\'s CNI plugin (Calico, Cilium, Antrea, ...; not Flannel alone).',
    ),
});
