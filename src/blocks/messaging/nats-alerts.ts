// Alerts on the NATS servers, from the series of the chart's prometheus-nats-exporter sidecar (image
// natsio/prometheus-nats-exporter 0.20.1, args -varz -jsz=all -prefix=nats: repo:nats-io/k8s
// helm/charts/nats/files/stateful-set/prom-exporter-container.yaml). Names: /varz fields become
// nats_varz_<field> (repo:nats-io/prometheus-nats-exporter collector/collector.go, namespace = prefix,
// subsystem = endpoint); JetStream series are nats_server_*, nats_stream_*, nats_consumer_*
// (collector/jsz.go, system = prefix).
import { toYamlBlock } from '../../render/helpers.js';
import { KPS_RELEASE } from '../observability/shared.js';
import { NATS_NAMESPACE } from './nats-model.js';
import type { NatsOptions } from './nats-deploy.js';

type Rule = { alert: string; expr: string; for?: string; labels: Record<string, string>; annotations: Record<string, string> };

export function natsAlertGroups(o: NatsOptions): { name: string; rules: Rule[] }[] {
  const rules: Rule[] = [
    {
      alert: 'NatsSlowConsumers',
      // slow_consumers counts clients the server disconnected because they did not read fast enough.
      expr: 'increase(nats_varz_slow_consumers[5m]) > 0',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'NATS dropped a slow consumer',
        description: 'Server {{ $labels.server_id }} disconnected {{ $value }} slow consumers in 5 minutes: a subscriber reads slower than messages arrive (scale it out with a queue group, or make it durable).',
      },
    },
  ];
  if (o.jetstream) {
    rules.push(
      {
        alert: 'NatsJetStreamStorageHigh',
        expr: 'nats_server_total_message_bytes / nats_server_max_storage > 0.8 and nats_server_max_storage > 0',
        for: '10m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'JetStream file store above 80%',
          description: 'Server {{ $labels.server_name }} uses {{ $value | humanizePercentage }} of its JetStream limit: new messages will be refused ("insufficient storage resources").',
        },
      },
      {
        alert: 'NatsStreamNearLimit',
        expr: 'nats_stream_total_bytes / nats_stream_limit_bytes > 0.9 and nats_stream_limit_bytes > 0',
        for: '10m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'JetStream stream near its size limit',
          description: 'Stream {{ $labels.stream_name }} is at {{ $value | humanizePercentage }} of maxBytes: the oldest messages are being discarded.',
        },
      },
      {
        alert: 'NatsConsumerBacklog',
        expr: 'nats_consumer_num_pending > 10000',
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'JetStream consumer falling behind',
          description: 'Consumer {{ $labels.consumer_name }} of stream {{ $labels.stream_name }} has {{ $value }} messages waiting.',
        },
      },
    );
  }
  return [{ name: 'nats', rules }];
}

/** kube-prometheus-stack: the same rules as a PrometheusRule its Prometheus selects (release label, CR-50). */
export function natsPrometheusRule(o: NatsOptions): string {
  const doc = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'nats', namespace: NATS_NAMESPACE, labels: { release: KPS_RELEASE, 'app.kubernetes.io/part-of': 'nats' } },
    spec: { groups: natsAlertGroups(o) },
  };
  return `# NATS alerts (slow consumers, JetStream limits), applied by make messaging-install.\n${toYamlBlock(doc, 0)}\n`;
}
