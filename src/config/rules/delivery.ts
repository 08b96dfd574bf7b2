// CI/CD and progressive delivery (domain.md §4.5-§4.7). One controller per workload (CR-38) needs no
// rule: cicd.controller is a single slot. The HPA targeting the Rollout (CR-39) is built into the chart.
import { pick } from './define.js';
import type { Rule } from './define.js';

export const DELIVERY_RULES: Rule[] = [
  {
    id: 'CN-CD-01',
    severity: 'error',
    paths: ['cicd.controller', 'observability.metrics'],
    when: (c) => {
      const ctl = pick(c, 'cicd.controller');
      if (ctl !== 'argo-rollouts' && ctl !== 'flagger') return false;
      const o = (pick(c, `cicd.${ctl}`) ?? {}) as { analysis?: boolean; prometheusAddress?: string };
      return o.analysis !== false && !o.prometheusAddress && pick(c, 'observability.metrics') === 'none';
    },
    message: 'canary/blue-green analysis queries Prometheus, but no metrics provider is chosen',
    fix: '--observability-metrics kube-prometheus-stack, or --set cicd.<controller>.prometheusAddress=http://… (an existing Prometheus), or --set cicd.<controller>.analysis=false',
  },
  {
    id: 'CR-34',
    severity: 'error',
    paths: ['cicd.flagger.strategy', 'cicd.controller'],
    // No mesh/ingress block is selected (discovery answers other than istio/linkerd): Flagger's provider is
    // `kubernetes`, which only does blue/green (docs/gitbook/usage/deployment-strategies.md).
    when: (c) =>
      pick(c, 'cicd.controller') === 'flagger' &&
      pick(c, 'cicd.flagger.strategy') === 'canary' &&
      !Object.values((c.discovery ?? {}) as Record<string, unknown>).some((v) => v === 'istio' || v === 'linkerd'),
    message: "Flagger without a service mesh uses the 'kubernetes' provider, which supports blue/green only, not canary traffic shifting",
    fix: '--set cicd.flagger.strategy=blue-green, or choose a service mesh (Istio or Linkerd), or --cicd-controller argo-rollouts',
  },
  {
    id: 'CR-40',
    severity: 'info',
    paths: ['cicd.controller'],
    when: (c) => pick(c, 'cicd.controller') === 'none',
    message:
      'rolling updates: a Deployment does not roll back on ProgressDeadlineExceeded by itself; the pipeline deploys with helm upgrade --atomic --wait, which does',
  },
];
