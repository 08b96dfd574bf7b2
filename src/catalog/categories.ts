// The ten categories, in the order `init` walks them. Each slot is one question (asked when its `when`
// holds; `defaults` are values that follow from other answers); the blocks that can
// fill a slot are the ones registered for it in registry.ts.
import type { Applies, CategoryDef } from './define.js';

/** A slot that matters only when some service declares a graph field value (e.g. uses: [sql]). */
const servicesDeclare = (text: string, test: (s: Record<string, any>) => boolean): Applies => ({
  text,
  test: (a) => Array.isArray(a.services) && a.services.some((s: unknown) => s !== null && typeof s === 'object' && test(s as Record<string, any>)),
});
const listHas = (v: unknown, item?: string) => Array.isArray(v) && (item === undefined ? v.length > 0 : v.includes(item));

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
      {
        key: 'admission',
        title: 'Signature verification',
        question: 'What verifies signatures when pods are admitted?',
        default: 'kyverno',
        optional: true,
        defaults: [
          { value: 'none', when: { 'distribution.signer': 'none' }, because: 'no image is signed, so a verifying admission controller would reject every pod' },
          {
            value: 'none',
            when: { 'distribution.signer': 'notary-v1' },
            because: "neither Kyverno nor Ratify verifies Notary v1 signatures; Harbor's content trust is the check",
          },
        ],
      },
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
  // Wave 2: these categories consume the service graph (services[].calls, expose, egress, publishes,
  // subscribes, responds, uses; src/graph/graph.ts). A slot without registered blocks is not asked.
  {
    id: 'discovery',
    title: 'Discovery, mesh and proxy',
    summary: 'How services find each other, the north-south entry, and the service mesh',
    slots: [
      { key: 'dns', title: 'Service discovery', question: 'How do services find each other?', default: 'coredns' },
      {
        key: 'gateway',
        title: 'Gateway',
        question: 'What routes traffic from outside the cluster to exposed services?',
        default: 'envoy-gateway',
        optional: true,
        // Harbor exposed by an HTTPRoute attaches to the same Gateway.
        when: {
          text: 'a service is exposed, or Harbor is routed through the Gateway API (registry.harbor.expose=route)',
          test: (a) =>
            (Array.isArray(a.services) && a.services.some((s: any) => s?.expose !== undefined && s.expose !== false)) ||
            (a.registry?.provider === 'harbor' && a.registry?.harbor?.install === 'helm' && a.registry?.harbor?.expose === 'route'),
        },
      },
      { key: 'mesh', title: 'Service mesh', question: 'Which service mesh (mTLS and per-call authorization)?', default: 'none', optional: true },
    ],
  },
  {
    id: 'network-policy',
    title: 'Network policy',
    summary: 'Default-deny in the application namespace, then exactly the edges of the service graph',
    slots: [{ key: 'engine', title: 'Policy engine', question: 'What enforces network policy in the cluster?', default: 'kubernetes', optional: true }],
  },
  {
    id: 'storage',
    title: 'Storage',
    summary: 'Databases, key-value stores and volumes, one logical database per service',
    slots: [
      {
        key: 'sql',
        title: 'SQL database',
        question: 'Which SQL (MySQL-protocol) database for services that use sql?',
        default: 'none',
        optional: true,
        when: servicesDeclare('a service uses sql', (s) => listHas(s.uses, 'sql')),
      },
      {
        key: 'kv',
        title: 'Key-value store',
        question: 'Which key-value store for services that use kv?',
        default: 'none',
        optional: true,
        when: servicesDeclare('a service uses kv', (s) => listHas(s.uses, 'kv')),
      },
      {
        key: 'volumes',
        title: 'Volumes',
        question: 'Where do persistent volumes come from?',
        default: 'cluster-default',
        // The data stores are what claims volumes here.
        when: servicesDeclare('a service uses sql, kv or objects', (s) => listHas(s.uses)),
      },
    ],
  },
  {
    id: 'messaging',
    title: 'Messaging',
    summary: 'RPC between services and publish/subscribe messaging',
    slots: [
      {
        key: 'rpc',
        title: 'RPC',
        question: 'How do services call each other over RPC?',
        default: 'grpc',
        optional: true,
        when: servicesDeclare('a service speaks gRPC', (s) => s.protocol === 'grpc'),
      },
      {
        key: 'pubsub',
        title: 'Publish/subscribe',
        question: 'Which messaging system for publish/subscribe and request/reply?',
        default: 'none',
        optional: true,
        when: servicesDeclare('a service publishes, subscribes or responds', (s) => listHas(s.publishes) || listHas(s.subscribes) || listHas(s.responds)),
      },
    ],
  },
];
