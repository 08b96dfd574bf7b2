// Container runtime and observability rules (domain.md §1, §6).
import { kubeMinor, pick } from './define.js';
import type { Rule } from './define.js';

export const PLATFORM_RULES: Rule[] = [

  {
    id: 'CR-09',
    severity: 'warning',
    paths: ['containerization.runtime'],
    when: (c) => pick(c, 'containerization.runtime') === 'docker-engine' && kubeMinor(c) >= 24,
    message: 'Kubernetes ≥ 1.24 has no dockershim: nodes running Docker Engine need cri-dockerd installed and the kubelet pointed at it',
    fix: 'install cri-dockerd on every node, or choose --set containerization.runtime=containerd',
  },
  {
    id: 'CR-53',
    severity: 'info',
    paths: ['observability.logging', 'containerization.runtime'],
    when: (c) =>
      ['fluentd', 'fluent-bit'].includes(String(pick(c, 'observability.logging'))) &&
      ['containerd', 'cri-o'].includes(String(pick(c, 'containerization.runtime'))),
    message:
      'containerd/CRI-O nodes write container logs in the CRI format, not Docker JSON: the log agent is generated with the CRI parser (a default JSON parser would fail on every line)',
  },
  {
    id: 'CN-OBS-01',
    severity: 'warning',
    paths: ['observability.tracing', 'observability.metrics'],
    when: (c) => pick(c, 'observability.tracing') === 'jaeger' && pick(c, 'observability.metrics') === 'none',
    message: 'the OpenTelemetry Collector exposes the services\' OTLP metrics for Prometheus, but no Prometheus is chosen to scrape them',
    fix: '--set observability.metrics=kube-prometheus-stack',
  },
];
