// What the observability blocks share, and the small public API other blocks call to wire themselves
// to the chosen metrics stack (Harbor's and the mesh's ServiceMonitors, progressive-delivery analysis).
// Facts: domain.md §6.1 (kube-prometheus-stack selects ServiceMonitors/PrometheusRules by the label
// `release: <helm release>`, CR-50; ServiceMonitor endpoints name the Service port, CR-52).
import type { BlockContext, FilesContext, FileSpec } from '../../catalog/define.js';
import type { ChartContribution, NetworkContribution } from '../../catalog/contributions.js';
import type { ResolvedService } from '../../config/schema.js';

/** Namespace of the metrics stack (Prometheus, Alertmanager, Grafana; node-exporter when kube-prometheus-stack). */
export const MONITORING_NAMESPACE = 'monitoring';
/** Namespace of the log agents: they need hostPath, so it enforces the *privileged* Pod Security level. */
export const LOGGING_NAMESPACE = 'logging';
/** Namespace of the OpenTelemetry Collector and Jaeger: ordinary workloads, Pod Security *restricted*. */
export const TRACING_NAMESPACE = 'observability';

/** Helm release name of kube-prometheus-stack; its Prometheus selects objects labelled `release: <this>` (CR-50). */
export const KPS_RELEASE = 'kube-prometheus-stack';
/** The label every ServiceMonitor/PodMonitor/PrometheusRule needs so the stack's Prometheus picks it up. */
export const KPS_SELECTOR_LABELS: Readonly<Record<string, string>> = { release: KPS_RELEASE };

/**
 * True when the Prometheus Operator (and its monitoring.coreos.com CRDs) is part of the generated
 * system, i.e. other blocks may emit ServiceMonitor/PodMonitor/PrometheusRule objects (CR-51).
 *
 * @example
 * if (prometheusOperatorSelected(ctx)) values.metrics = { serviceMonitor: { enabled: true, additionalLabels: KPS_SELECTOR_LABELS } };
 */
export function prometheusOperatorSelected(ctx: Pick<BlockContext, 'has'>): boolean {
  return ctx.has('observability/kube-prometheus-stack');
}

/** True when any Prometheus (operator-managed or plain) scrapes the services. */
export function prometheusSelected(ctx: Pick<BlockContext, 'has'>): boolean {
  return prometheusOperatorSelected(ctx) || ctx.has('observability/prometheus');
}

/**
 * In-cluster URL of Prometheus' HTTP API. kube-prometheus-stack: `prometheus-operated` is the governing
 * Service the operator creates for every Prometheus (kube-prometheus-stack values.yaml, grafana datasource
 * comment "uses by default the headless service prometheus-operated"); plain: our own Service.
 */
export function prometheusAddress(kind: 'operator' | 'plain'): string {
  const svc = kind === 'operator' ? 'prometheus-operated' : 'prometheus';
  return `http://${svc}.${MONITORING_NAMESPACE}.svc.cluster.local:9090`;
}

/**
 * gRPC services serve their Prometheus metrics over plain HTTP on this admin port (the OpenTelemetry
 * Prometheus exporter's conventional port); HTTP services serve /metrics on their own port.
 */
export const GRPC_METRICS_PORT = 9464;

/** Port a service's /metrics answers on. */
export const metricsPort = (s: ResolvedService): number => (s.protocol === 'grpc' ? GRPC_METRICS_PORT : s.port);
/** Name of the Service port Prometheus scrapes: a ServiceMonitor must name it, not number it (CR-52). */
export const metricsPortName = (s: ResolvedService): string => (s.protocol === 'grpc' ? 'metrics' : 'http');

/**
 * Prometheus as a network peer, and its scrape of every service that exposes metrics: the edge the
 * network-policy and mesh blocks allow. Both Prometheus blocks run it in MONITORING_NAMESPACE with the pod
 * label app.kubernetes.io/name=prometheus (the operator sets it on every Prometheus pod:
 * prometheus-operator pkg/prometheus/server/statefulset.go podSelectorLabels; ours: deployment.yaml).
 */
export function scrapeNetwork(services: ResolvedService[], serviceAccount: string): NetworkContribution {
  return {
    peers: [{ id: 'prometheus', title: 'Prometheus', namespace: MONITORING_NAMESPACE, podLabels: { 'app.kubernetes.io/name': 'prometheus' }, serviceAccount }],
    edges: services
      .filter(serviceExposesMetrics)
      .map((s) => ({
        from: { peer: 'prometheus' },
        to: { service: s.name },
        ports: [{ port: metricsPort(s), protocol: 'TCP' as const, appProtocol: 'http' as const }],
        paths: ['/metrics'],
        reason: `Prometheus scrapes ${s.name} /metrics`,
      })),
  };
}

/** JSON Schema of the `metrics` chart values this category contributes (typed in values.schema.json). */
export const METRICS_VALUES_SCHEMA: Record<string, object> = {
  metrics: {
    type: 'object',
    description: 'Prometheus metrics of the service (added by the observability blocks)',
    additionalProperties: false,
    required: ['enabled', 'path'],
    properties: {
      enabled: { type: 'boolean', description: 'The service exposes Prometheus metrics' },
      path: { type: 'string', pattern: '^/', description: 'HTTP path of the metrics endpoint' },
      port: {
        type: 'integer',
        minimum: 0,
        maximum: 65535,
        description: 'Separate metrics port (gRPC services); 0 = metrics are served on the service port',
      },
      serviceMonitor: {
        type: 'object',
        additionalProperties: false,
        properties: {
          enabled: { type: 'boolean', description: 'Render a ServiceMonitor (monitoring.coreos.com/v1)' },
          labels: { type: 'object', additionalProperties: { type: 'string' }, description: 'Labels the Prometheus serviceMonitorSelector matches' },
          interval: { type: 'string', pattern: '^[0-9]+(ms|s|m|h)$' },
          scrapeTimeout: { type: 'string', pattern: '^[0-9]+(ms|s|m|h)$' },
        },
      },
      prometheusRule: {
        type: 'object',
        additionalProperties: false,
        properties: {
          enabled: { type: 'boolean', description: 'Render a PrometheusRule with the service alerts' },
          labels: { type: 'object', additionalProperties: { type: 'string' }, description: 'Labels the Prometheus ruleSelector matches' },
          errorRatio: { type: 'number', exclusiveMinimum: 0, maximum: 1, description: 'Alert when this share of requests fails (5xx / non-OK)' },
          latencySeconds: { type: 'number', exclusiveMinimum: 0, description: 'Alert when the 99th percentile latency exceeds this' },
        },
      },
      dashboard: {
        type: 'object',
        additionalProperties: false,
        properties: {
          enabled: { type: 'boolean', description: 'Render the Grafana dashboard ConfigMap' },
          labels: { type: 'object', additionalProperties: { type: 'string' }, description: 'Labels the Grafana dashboard sidecar looks for' },
        },
      },
    },
  },
};

/**
 * Skeletons (templates/base/services/<language>/<protocol>) that serve the series the rules and
 * dashboard use: all of them (HTTP: http_requests_total/http_request_duration_seconds on the service
 * port; gRPC: grpc_server_handled_total/grpc_server_handling_seconds on GRPC_METRICS_PORT). A service
 * without them gets `metrics.enabled: false`, so no alert fires for a target that does not exist.
 */
export const serviceExposesMetrics = (s: ResolvedService): boolean =>
  ['node', 'go', 'python', 'java'].includes(s.language) && (s.protocol === 'http' || s.protocol === 'grpc');

/** The `metrics` chart values of one service; the operator-specific parts only with kube-prometheus-stack. */
export function metricsChartValues(s: ResolvedService, operator: boolean): ChartContribution {
  const metrics: Record<string, unknown> = {
    enabled: serviceExposesMetrics(s),
    path: '/metrics',
    port: s.protocol === 'grpc' ? GRPC_METRICS_PORT : 0,
  };
  if (operator) {
    metrics.serviceMonitor = { enabled: true, labels: { ...KPS_SELECTOR_LABELS }, interval: '30s', scrapeTimeout: '10s' };
    metrics.prometheusRule = { enabled: true, labels: { ...KPS_SELECTOR_LABELS }, errorRatio: 0.05, latencySeconds: 0.5 };
    // grafana_dashboard: "1" is the label the stack's Grafana sidecar watches in every namespace
    // (kube-prometheus-stack values.yaml grafana.sidecar.dashboards.{label,labelValue,searchNamespace: ALL}).
    metrics.dashboard = { enabled: true, labels: { grafana_dashboard: '1' } };
  }
  return { extraValues: { metrics }, valuesSchema: METRICS_VALUES_SCHEMA };
}

/** Helm templates this category adds to every service chart (verbatim, gated by the values above). */
export function serviceChartTemplates(ctx: FilesContext, names: string[]): FileSpec[] {
  return ctx.services.flatMap((s) =>
    names.map((n) => ({ to: `deploy/charts/${s.name}/${n}`, template: `observability/chart/${n}` })),
  );
}
