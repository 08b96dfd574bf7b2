// kube-prometheus-stack (Prometheus Operator, Prometheus, Alertmanager, Grafana): the pinned chart and
// its values, and per service a ServiceMonitor, a PrometheusRule and a Grafana dashboard added to the
// service chart (domain.md §6.1; CR-50 release label, CR-51 CRDs first, CR-52 port names).
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { HELM, KUBECTL } from '../../catalog/prerequisites.js';
import {
  KPS_RELEASE,
  MONITORING_NAMESPACE,
  metricsChartValues,
  prometheusAddress,
  scrapeNetwork,
  serviceChartTemplates,
} from './shared.js';

/** Chart version read from prometheus-community/helm-charts charts/kube-prometheus-stack/Chart.yaml (88.5.3, app v0.93.1). */
export const KPS_CHART_VERSION = '88.5.3';
const KPS_CHART = 'oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack';
const DIR = 'deploy/observability/monitoring';

export default defineBlock({
  id: 'kube-prometheus-stack',
  category: 'observability',
  slot: 'metrics',
  title: 'kube-prometheus-stack (Prometheus Operator)',
  summary: `Prometheus, Alertmanager and Grafana via the pinned chart ${KPS_CHART_VERSION}; ServiceMonitor, alerts and a dashboard per service`,
  status: 'stable',
  options: z.object({}).strict(),
  questions: {},
  files: (ctx) => [
    { to: `${DIR}/namespace.yaml`, template: 'observability/kube-prometheus-stack/namespace.yaml' },
    { to: `${DIR}/alertmanager.yaml`, template: 'observability/kube-prometheus-stack/alertmanager.yaml' },
    {
      to: `${DIR}/kube-prometheus-stack-values.yaml`,
      template: 'observability/kube-prometheus-stack/kube-prometheus-stack-values.yaml.hbs',
      data: { kpsRelease: KPS_RELEASE },
    },
    ...serviceChartTemplates(ctx, [
      'templates/_observability.tpl',
      'templates/metrics-service.yaml',
      'templates/servicemonitor.yaml',
      'templates/prometheusrule.yaml',
      'templates/grafana-dashboard.yaml',
      'dashboards/service.json',
    ]),
  ],
  contribute: (ctx) => ({
    chart: (service) => metricsChartValues(service, true),
    // The chart names the Prometheus ServiceAccount <fullname>-prometheus (templates/prometheus/serviceaccount.yaml,
    // helper kube-prometheus-stack.prometheus.serviceAccountName); the fullname is the release name here.
    network: scrapeNetwork(ctx.services, `${KPS_RELEASE}-prometheus`),
    metrics: { prometheusAddress: prometheusAddress('operator') },
    make: [
      {
        name: 'monitoring-install',
        help: `Install kube-prometheus-stack ${KPS_CHART_VERSION} into namespace ${MONITORING_NAMESPACE} (before the services: it brings the CRDs)`,
        requires: [KUBECTL, HELM, { secret: 'grafana-admin', namespace: MONITORING_NAMESPACE, hint: 'create it as README.md "Metrics and alerts (kube-prometheus-stack)" shows' }],
        recipe: [
          `kubectl apply -f ${DIR}/namespace.yaml`,
          `kubectl -n ${MONITORING_NAMESPACE} create secret generic alertmanager-config --from-file=alertmanager.yaml=${DIR}/alertmanager.yaml --dry-run=client -o yaml | kubectl apply -f -`,
          `helm upgrade --install ${KPS_RELEASE} ${KPS_CHART} --version ${KPS_CHART_VERSION} --namespace ${MONITORING_NAMESPACE} -f ${DIR}/kube-prometheus-stack-values.yaml --wait --timeout 10m`,
        ],
      },
    ],
    firstDeploy: [{ phase: 'monitoring', target: 'monitoring-install', title: 'install kube-prometheus-stack: Prometheus, Alertmanager, Grafana and the monitoring CRDs the charts use' }],
    // The service charts render ServiceMonitors and PrometheusRules: their CRDs come with the stack.
    prerequisites: [{ target: 'deploy', requires: [{ crd: 'servicemonitors.monitoring.coreos.com', hint: 'run make monitoring-install first' }] }],
    validate: [{ name: 'amtool alertmanager.yaml', command: `amtool check-config ${DIR}/alertmanager.yaml` }],
    readme: [
      {
        title: 'Metrics and alerts (kube-prometheus-stack)',
        order: 50,
        body: [
          `\`make monitoring-install\` installs kube-prometheus-stack ${KPS_CHART_VERSION} (release \`${KPS_RELEASE}\`) into the namespace`,
          `\`${MONITORING_NAMESPACE}\`. Install it before the services: it brings the \`monitoring.coreos.com\` CRDs their charts use.`,
          'Create the Grafana admin Secret first — no password is generated or stored in this repository:',
          '',
          '```sh',
          `kubectl -n ${MONITORING_NAMESPACE} create secret generic grafana-admin --from-literal=admin-user=admin --from-literal=admin-password="$(openssl rand -base64 24)"`,
          'make monitoring-install',
          '```',
          '',
          'Every service chart adds, gated by its `metrics.*` values:',
          `- a **ServiceMonitor** labelled \`release: ${KPS_RELEASE}\` — the stack's Prometheus selects only objects with that label;`,
          '  it scrapes the Service port *name* (`http`, or `metrics` on port 9464 for gRPC services);',
          '- a **PrometheusRule**: target down/absent, error ratio, p99 latency from the request-duration histogram, restarts;',
          '- a **Grafana dashboard** (ConfigMap labelled `grafana_dashboard: "1"`, loaded by the Grafana sidecar from any namespace).',
          '',
          `Alert routing is \`${DIR}/alertmanager.yaml\` (checked by \`amtool check-config\` in \`make validate\`); its receivers send`,
          'nothing until you add an integration whose credentials live in a Secret.',
          `Prometheus answers in the cluster at \`${prometheusAddress('operator')}\`.`,
        ].join('\n'),
      },
    ],
    notes: [`create the Secret grafana-admin in namespace ${MONITORING_NAMESPACE} before \`make monitoring-install\` (README, "Metrics and alerts")`],
    diagram: {
      nodes: [{ id: 'prometheus', label: 'Prometheus + Alertmanager + Grafana', group: 'platform' }],
      edges: [{ from: 'prometheus', to: 'k8s', label: 'scrape /metrics' }],
    },
  }),
});
