// Plain Prometheus server (no operator): prometheus.yml with Kubernetes pod discovery, one rule file
// for every service, an Alertmanager the rules fire into (rules with nowhere to go notify nobody), and
// the manifests to run them with least RBAC (domain.md §6.1). Services are found through the
// prometheus.io/* pod annotations their charts get from this block.
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import type { BlockContext, FilesContext } from '../../catalog/define.js';
import { toYamlBlock } from '../../render/helpers.js';
import { KUBECTL } from '../../catalog/prerequisites.js';
import type { ChartContribution } from '../../catalog/contributions.js';
import { MONITORING_NAMESPACE, TRACING_NAMESPACE, metricsChartValues, serviceExposesMetrics, metricsPort, prometheusAddress, scrapeNetwork, serviceChartTemplates } from './shared.js';

const DIR = 'deploy/observability/prometheus';
const T = 'observability/prometheus';

/**
 * The application namespace, plus the collector's when tracing is on (its pods carry prometheus.io/* too)
 * and the namespaces other blocks ask to be scraped (contrib.monitoring, e.g. NATS).
 */
const scrapedNamespaces = (ctx: Pick<FilesContext, 'project' | 'has' | 'contrib'>): string[] => [
  ...new Set([ctx.project.namespace, ...(ctx.has('observability/jaeger') ? [TRACING_NAMESPACE] : []), ...ctx.contrib.monitoring.namespaces]),
];

export default defineBlock({
  id: 'prometheus',
  category: 'observability',
  slot: 'metrics',
  title: 'Prometheus (plain server)',
  summary: 'one Prometheus server, prometheus.yml with Kubernetes pod discovery and alert rules (promtool-checked), no operator',
  status: 'stable',
  options: z.object({}).strict(),
  questions: {},
  files: (ctx) => [
    { to: `${DIR}/namespace.yaml`, template: `${T}/namespace.yaml` },
    // Argo Rollouts' analysis selects the new ReplicaSet's series by its pod-template hash.
    { to: `${DIR}/prometheus.yml`, template: `${T}/prometheus.yml.hbs`, data: { namespaces: scrapedNamespaces(ctx), rollouts: ctx.has('cicd/argo-rollouts') } },
    { to: `${DIR}/services.rules.yml`, template: `${T}/services.rules.yml` },
    { to: `${DIR}/alertmanager.yml`, template: `${T}/alertmanager.yml` },
    // Alert rules other blocks contribute (e.g. NATS slow consumers), one file each, loaded like services.rules.yml.
    ...ctx.contrib.monitoring.rules.map((r) => ({ to: `${DIR}/${r.name}.rules.yml`, content: `# Alert rules contributed by a building block; checked by promtool in make validate.\n${toYamlBlock({ groups: r.groups }, 0)}\n` })),
    { to: `${DIR}/rbac.yaml`, template: `${T}/rbac.yaml.hbs`, data: { namespaces: scrapedNamespaces(ctx) } },
    { to: `${DIR}/deployment.yaml`, template: `${T}/deployment.yaml` },
    { to: `${DIR}/alertmanager-deployment.yaml`, template: `${T}/alertmanager-deployment.yaml` },
    { to: `${DIR}/kustomization.yaml`, template: `${T}/kustomization.yaml.hbs`, data: { ruleFiles: ['services.rules.yml', ...ctx.contrib.monitoring.rules.map((r) => `${r.name}.rules.yml`)] } },
    // The Service of the metrics port (scraped through the pod annotations here, but a stable name
    // for `kubectl port-forward` and for network policies).
    ...serviceChartTemplates(ctx, ['templates/_observability.tpl', 'templates/metrics-service.yaml']),
  ],
  contribute: (ctx) => ({
    network: scrapeNetwork(ctx.services, 'prometheus'),
    chart: (service): ChartContribution => ({
      ...metricsChartValues(service, false),
      // The discovery convention prometheus.yml keeps (relabel_configs on these annotations).
      podAnnotations: serviceExposesMetrics(service) ? {
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(metricsPort(service)),
        'prometheus.io/path': '/metrics',
      } : ({} as Record<string, string>),
    }),
    metrics: { prometheusAddress: prometheusAddress('plain') },
    make: [
      {
        name: 'monitoring-install',
        help: `Deploy the Prometheus server and its Alertmanager into namespace ${MONITORING_NAMESPACE}`,
        recipe: [`kubectl apply -k ${DIR}`],
        requires: [KUBECTL],
      },
    ],
    firstDeploy: [{ phase: 'monitoring', target: 'monitoring-install', title: 'deploy the Prometheus server' }],
    validate: [
      { name: 'promtool prometheus.yml', command: `promtool check config ${DIR}/prometheus.yml` },
      { name: 'promtool rules', command: `promtool check rules ${DIR}/*.rules.yml` },
      { name: 'amtool alertmanager.yml', command: `amtool check-config ${DIR}/alertmanager.yml` },
    ],
    readme: [
      {
        title: 'Metrics and alerts (Prometheus)',
        order: 50,
        body: [
          `\`make monitoring-install\` runs one Prometheus server and one Alertmanager in the namespace \`${MONITORING_NAMESPACE}\` (Pod Security *restricted*;`,
          `\`kubectl apply -k ${DIR}\`). It discovers the pods of the application namespace through the Kubernetes API — a Role`,
          'there lets it read pods and nothing else — and scrapes those annotated `prometheus.io/scrape: "true"` (the service charts',
          'set it, with `prometheus.io/port` and `prometheus.io/path`).',
          '',
          `- \`${DIR}/prometheus.yml\` — the configuration; \`${DIR}/services.rules.yml\` — target down, error ratio,`,
          '  p99 latency and restart alerts for every service. Both are checked by `promtool` in `make validate`.',
          '- Data lives in an emptyDir (lost when the pod moves): mount a PersistentVolumeClaim for real use.',
          `- Firing alerts go to the Alertmanager; \`${DIR}/alertmanager.yml\` routes them (critical and warning receivers, checked by`,
          '  `amtool check-config` in `make validate`). Its receivers send nothing until you add an integration whose credentials',
          '  live in a Secret.',
          '',
          `Prometheus answers in the cluster at \`${prometheusAddress('plain')}\` (\`kubectl -n ${MONITORING_NAMESPACE} port-forward svc/prometheus 9090\`).`,
        ].join('\n'),
      },
    ],
    diagram: {
      nodes: [{ id: 'prometheus', label: 'Prometheus', group: 'platform' }],
      edges: [{ from: 'prometheus', to: 'k8s', label: 'scrape /metrics' }],
    },
  }),
});
