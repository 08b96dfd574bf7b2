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
  { id: 'registry', title: 'Registry', summary: 'Where images are stored and scanned', slots: [] },
  { id: 'distribution', title: 'Distribution', summary: 'Image signing and signature verification', slots: [] },
  { id: 'cicd', title: 'CI/CD', summary: 'Pipelines that build, test, scan, sign, push and deploy', slots: [] },
  {
    id: 'orchestration',
    title: 'Orchestration',
    summary: 'Where and how the services are deployed',
    slots: [{ key: 'platform', title: 'Platform', question: 'Where do the services run?', default: 'kubernetes' }],
  },
  { id: 'observability', title: 'Observability', summary: 'Metrics, logs and traces', slots: [] },
  { id: 'discovery', title: 'Discovery, mesh and proxy', summary: 'Service discovery, service mesh and edge proxy', slots: [] },
  { id: 'network-policy', title: 'Network policy', summary: 'Which traffic is allowed between workloads', slots: [] },
  { id: 'storage', title: 'Storage', summary: 'Databases and persistent storage', slots: [] },
  { id: 'messaging', title: 'Messaging', summary: 'Messaging and RPC between services', slots: [] },
];
