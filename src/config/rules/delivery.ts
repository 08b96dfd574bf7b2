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
    // Flagger shifts canary traffic through a provider (charts/flagger/values.yaml meshProvider): a mesh
    // (Istio sidecars: istio; Linkerd and Istio ambient: gatewayapi:v1 east-west) or Envoy Gateway
    // (gatewayapi:v1, north-south: only exposed services get traffic through it). Without one, Flagger's
    // provider is `kubernetes`, which does blue/green only (docs/gitbook/usage/deployment-strategies.md).
    when: (c) => {
      if (pick(c, 'cicd.controller') !== 'flagger' || pick(c, 'cicd.flagger.strategy') !== 'canary') return false;
      const mesh = pick(c, 'discovery.mesh');
      if (mesh === 'istio' || mesh === 'linkerd') return false;
      const services = Array.isArray(c.services) ? (c.services as { expose?: unknown }[]) : [];
      const allExposed = services.length > 0 && services.every((s) => s?.expose !== undefined && s.expose !== false);
      return !(pick(c, 'discovery.gateway') === 'envoy-gateway' && allExposed);
    },
    message:
      "Flagger canary needs a traffic provider: a service mesh (Istio or Linkerd), or Envoy Gateway with every service exposed; otherwise Flagger's 'kubernetes' provider supports blue/green only",
    fix: '--discovery-mesh linkerd (or istio), or --set cicd.flagger.strategy=blue-green, or --cicd-controller argo-rollouts',
  },
  {
    id: 'CN-CD-02',
    severity: 'info',
    paths: ['cicd.controller', 'discovery.mesh'],
    // Without a mesh the Rollout gets no trafficRouting (discovery/traffic.ts argoRouter: 'replicas'), and Argo
    // Rollouts "makes a best effort attempt to achieve the percentage listed in the last setWeight step" by
    // scaling the ReplicaSets (https://argoproj.github.io/argo-rollouts/features/canary/, "Overview"): at least one
    // canary and one stable pod for a weight of 1-99, summing to spec.replicas or one more (argoproj/argo-rollouts
    // utils/replicaset/canary.go approximateWeightedCanaryStableReplicaCounts).
    when: (c) =>
      pick(c, 'cicd.controller') === 'argo-rollouts' &&
      (pick(c, 'cicd.argo-rollouts.strategy') ?? 'canary') === 'canary' &&
      !['linkerd', 'istio'].includes(pick(c, 'discovery.mesh') as string),
    message:
      'Argo Rollouts canary without a mesh: no traffic router, so each setWeight step is approximated by scaling the canary and stable ReplicaSets in whole pods; with few replicas the canary takes far more traffic than the step says (with 2 replicas, setWeight 20 already gives the canary 1 pod of 2 or 3: a third to half of the requests)',
    fix: '--discovery-mesh linkerd (or istio) for exact weights, or more replicas (services.N.replicas), or --set cicd.argo-rollouts.strategy=blue-green',
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
