// The ten categories, in the order `init` walks them. Each slot is one question; the blocks that can
// fill a slot are the ones registered for it in registry.ts.
import type { CategoryDef } from './define.js';

export const CATEGORIES: CategoryDef[] = [
  {
    id: 'containerization',
    title: 'Containerization',
    summary: 'How images are built, how services run locally, and which container runtime the cluster nodes use',
    slots: [
      { key: 'build', title: 'Image build', question: 'How are images built?', default: 'docker' },
      { key: 'runtime', title: 'Cluster container runtime', question: 'Which container runtime do your cluster nodes run?', default: 'containerd' },
      { key: 'local', title: 'Local run', question: 'How do you run the services locally?', default: 'compose', optional: true },
    ],
  },
  {
    id: 'registry',
    title: 'Registry',
    summary: 'Where images are stored and scanned',
    slots: [{ key: 'provider', title: 'Image registry', question: 'Where are images stored?', default: 'harbor' }],
  },
  {
    id: 'distribution',
    title: 'Distribution',
    summary: 'Image signing and signature verification',
    slots: [
      { key: 'signer', title: 'Image signing', question: 'How does CI sign images?', default: 'cosign', optional: true },
      { key: 'admission', title: 'Signature verification', question: 'What verifies signatures when pods are admitted?', default: 'kyverno', optional: true },
    ],
  },
  {
    id: 'cicd',
    title: 'CI/CD',
    summary: 'Pipelines that build, test, scan, sign, push and deploy',
    // The delivery strategy is an option of the controller block (cicd.<controller>.strategy:
    // canary | blue-green); "rolling" is controller none: a plain Deployment with helm --atomic.
    slots: [
      { key: 'provider', title: 'CI/CD provider', question: 'Which CI/CD system runs the pipeline?', default: 'github-actions' },
      {
        key: 'controller',
        title: 'Progressive delivery',
        question: 'Which controller rolls out new versions? (none = rolling update, automatic Helm rollback)',
        default: 'none',
        optional: true,
      },
    ],
  },
  {
    id: 'orchestration',
    title: 'Orchestration',
    summary: 'Where and how the services are deployed',
    slots: [{ key: 'platform', title: 'Platform', question: 'Where do the services run?', default: 'kubernetes' }],
  },
  {
    id: 'observability',
    title: 'Observability',
    summary: 'Metrics, logs and traces',
    slots: [
      { key: 'metrics', title: 'Metrics', question: 'How are metrics collected and alerted on?', default: 'kube-prometheus-stack', optional: true },
      { key: 'logging', title: 'Logging', question: 'Which agent collects the container logs?', default: 'fluentd', optional: true },
      { key: 'tracing', title: 'Tracing', question: 'Where do traces go?', default: 'jaeger', optional: true },
    ],
  },
  { id: 'discovery', title: 'Discovery, mesh and proxy', summary: 'Service discovery, service mesh and edge proxy', slots: [] },
  { id: 'network-policy', title: 'Network policy', summary: 'Which traffic is allowed between workloads', slots: [] },
  { id: 'storage', title: 'Storage', summary: 'Databases and persistent storage', slots: [] },
  { id: 'messaging', title: 'Messaging', summary: 'Messaging and RPC between services', slots: [] },
];
