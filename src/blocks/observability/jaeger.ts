// Tracing with Jaeger v2 behind an OpenTelemetry Collector (domain.md §6.3, §6.5): the services export
// OTLP to the collector (OTEL_* env through their charts), which adds Kubernetes attributes, sends
// traces to Jaeger over OTLP and exposes OTLP metrics to Prometheus. Never Jaeger v1 pieces (CR-55)
// nor OpenTracing/Jaeger client libraries (CR-56).
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { KUBECTL } from '../../catalog/prerequisites.js';
import { KPS_RELEASE, TRACING_NAMESPACE, prometheusOperatorSelected, prometheusSelected } from './shared.js';

const DIR = 'deploy/observability/tracing';
const T = 'observability/jaeger';
/** OTLP/HTTP endpoint of the collector; SDKs append /v1/traces (OTLP exporter spec). */
export const OTLP_HTTP_PORT = 4318;
export const OTLP_ENDPOINT = `http://otel-collector.${TRACING_NAMESPACE}.svc.cluster.local:${OTLP_HTTP_PORT}`;

export default defineBlock({
  id: 'jaeger',
  category: 'observability',
  slot: 'tracing',
  title: 'Jaeger v2 + OpenTelemetry Collector',
  summary: 'Jaeger 2.19 (OTLP native) behind an OpenTelemetry Collector 0.158; services export OTLP via OTEL_* env',
  status: 'stable',
  options: z.object({}).strict(),
  questions: {},
  files: (ctx) => [
    { to: `${DIR}/namespace.yaml`, template: `${T}/namespace.yaml` },
    { to: `${DIR}/otel-collector.yaml`, template: `${T}/otel-collector.yaml` },
    { to: `${DIR}/collector.yaml`, template: `${T}/collector.yaml` },
    { to: `${DIR}/jaeger-config.yaml`, template: `${T}/jaeger-config.yaml` },
    { to: `${DIR}/jaeger.yaml`, template: `${T}/jaeger.yaml` },
    ...(prometheusOperatorSelected(ctx)
      ? [{ to: `${DIR}/servicemonitor.yaml`, template: `${T}/servicemonitor.yaml.hbs`, data: { kpsRelease: KPS_RELEASE } }]
      : []),
    { to: `${DIR}/kustomization.yaml`, template: `${T}/kustomization.yaml.hbs`, data: { serviceMonitor: prometheusOperatorSelected(ctx) } },
  ],
  contribute: (ctx) => ({
    // Every service exports OTLP/HTTP to the collector (templates/observability/jaeger/collector.yaml: its
    // pods carry app.kubernetes.io/name=otel-collector, ServiceAccount otel-collector).
    network: {
      peers: [{ id: 'otel-collector', title: 'OpenTelemetry Collector', namespace: TRACING_NAMESPACE, podLabels: { 'app.kubernetes.io/name': 'otel-collector' }, serviceAccount: 'otel-collector' }],
      edges: ctx.services.map((s) => ({ from: { service: s.name }, to: { peer: 'otel-collector' }, ports: [{ port: OTLP_HTTP_PORT, protocol: 'TCP' as const, appProtocol: 'http' as const }], reason: `${s.name} exports traces over OTLP/HTTP` })),
    },
    chart: (service) => ({
      env: [
        // OTLP/HTTP (4318) for every language: one endpoint, no gRPC client needed in HTTP services.
        { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: OTLP_ENDPOINT },
        { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'http/protobuf' },
        { name: 'OTEL_SERVICE_NAME', value: service.name },
        { name: 'OTEL_K8S_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'OTEL_K8S_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        // service.namespace groups the services of one application: the pod's app.kubernetes.io/part-of
        // label, which the chart sets from the `partOf` value (the project name unless changed).
        // Downward API: fieldRef supports metadata.labels['<KEY>'] (EnvVarSource, Kubernetes API reference).
        { name: 'OTEL_K8S_PART_OF', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app.kubernetes.io/part-of']" } } },
        // $(VAR) is expanded by the kubelet from the variables defined above it.
        {
          name: 'OTEL_RESOURCE_ATTRIBUTES',
          value: 'service.namespace=$(OTEL_K8S_PART_OF),k8s.pod.name=$(OTEL_K8S_POD_NAME),k8s.namespace.name=$(OTEL_K8S_NAMESPACE)',
        },
      ],
    }),
    make: [{ name: 'tracing-install', help: `Deploy the OpenTelemetry Collector and Jaeger into namespace ${TRACING_NAMESPACE}`, recipe: [`kubectl apply -k ${DIR}`], requires: [KUBECTL] }],
    firstDeploy: [{ phase: 'platform', target: 'tracing-install', title: 'deploy the OpenTelemetry Collector and Jaeger' }],
    readme: [
      {
        title: 'Traces (OpenTelemetry + Jaeger)',
        order: 52,
        body: [
          `\`make tracing-install\` deploys into the namespace \`${TRACING_NAMESPACE}\` (Pod Security *restricted*):`,
          '',
          `- an **OpenTelemetry Collector** (\`${DIR}/otel-collector.yaml\`): OTLP receiver (4317 gRPC, 4318 HTTP), \`memory_limiter\`,`,
          '  `k8sattributes` (namespace, pod, deployment of the sender; a ClusterRole that reads pods, namespaces and replicasets),',
          `  \`batch\`; traces are exported to Jaeger over OTLP, OTLP metrics are exposed for Prometheus on port 8889${prometheusSelected(ctx) ? ' and scraped' : ''};`,
          `- **Jaeger v2** (\`${DIR}/jaeger-config.yaml\`, image 2.19.0) with in-memory storage — switch \`jaeger_storage\` to a real backend for production.`,
          '',
          'Every service chart sets `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`; the services start',
          'the OpenTelemetry SDK only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, so they also run without a collector.',
          `UI: \`kubectl -n ${TRACING_NAMESPACE} port-forward svc/jaeger 16686\` then http://127.0.0.1:16686.`,
          '',
          'Jaeger v1 (jaeger-agent, jaeger-operator and its `Jaeger` resource) reached end of life on 2025-12-31 and OpenTracing is',
          'archived: cn-scaffold generates neither; the services use the OpenTelemetry SDK and OTLP.',
        ].join('\n'),
      },
    ],
    diagram: {
      nodes: [
        { id: 'otelcol', label: 'OpenTelemetry Collector', group: 'platform' },
        { id: 'jaeger', label: 'Jaeger v2', group: 'platform' },
      ],
      edges: [
        { from: 'k8s', to: 'otelcol', label: 'OTLP' },
        { from: 'otelcol', to: 'jaeger', label: 'OTLP traces' },
      ],
    },
  }),
});
