// What the two mesh blocks share in their output: where the policy and route manifests go (applied by
// `make deploy` after the namespace and before the charts), how a file of Kubernetes objects is written with
// the reasons `cn-scaffold explain` prints, the network contribution of the meshed pods, the server-first
// ports a sidecar must skip, and the Argo Rollouts Gateway API plugin manifest.
import type { ChartContribution, MergedNetwork, NetworkContribution, NetworkEdge, NetworkPeer } from '../../catalog/contributions.js';
import type { BlockContext, FileSpec } from '../../catalog/define.js';
import { toYamlBlock } from '../../render/helpers.js';
import { prometheusOperatorSelected } from '../observability/shared.js';
import { serverFirstEgress, type ServiceAccess, type Source } from './mesh-model.js';
import { ARGO_GATEWAYAPI_PLUGIN, argoRouter, meshCanary } from './traffic.js';

export const MESH_POLICY_DIR = 'deploy/mesh/policy';
export const MESH_ROUTES_DIR = 'deploy/mesh/routes';
/** Objects that concern the whole namespace; service names start with a letter, so this never collides. */
export const NAMESPACE_POLICY_FILE = `${MESH_POLICY_DIR}/00-namespace.yaml`;
export const ARGO_PLUGIN_FILE = 'deploy/mesh/argo-rollouts-gatewayapi.yaml';

export const meta = (name: string, namespace: string | undefined, extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}) => ({
  name,
  ...(namespace ? { namespace } : {}),
  labels: { 'app.kubernetes.io/managed-by': 'cn-scaffold', ...extra.labels },
  ...(extra.annotations && Object.keys(extra.annotations).length ? { annotations: extra.annotations } : {}),
});

/** A manifest of several objects, with a header and the reasons `explain` prints. */
export function objectsFile(to: string, header: string[], objects: Record<string, unknown>[], why: string[]): FileSpec {
  const head = header.map((l) => `# ${l}`.trimEnd()).join('\n') + '\n';
  return { to, content: head + objects.map((o) => toYamlBlock(o)).join('\n---\n') + '\n', why };
}

/** One line per caller of a service port, for `explain` and the files' headers. */
export function accessReasons(a: ServiceAccess): string[] {
  const who = (s: Source) => (s.kind === 'identity' ? `${s.title} (ServiceAccount ${s.serviceAccount})` : s.kind === 'namespace' ? 'every meshed pod of the namespace' : `${s.title} (plaintext${s.paths ? `, ${s.paths.join(' ')}` : ''})`);
  return a.ports.flatMap((p) => p.sources.map((s) => `port ${p.port}: ${who(s)}: ${[...new Set(s.reasons)].join('; ')}`));
}

/** The meshed pods' own traffic (proxy-to-proxy, control plane, metrics), for the NetworkPolicy layer. */
export interface MeshPorts {
  /** Port every meshed pod receives mesh traffic on from the other meshed pods (Linkerd 4143, ambient HBONE 15008). */
  tunnel?: { port: number; why: string };
  /** Control plane the meshed pods connect to. */
  controlPlane?: { peers: NetworkPeer[]; edges: { peer: string; ports: number[]; why: string }[] };
  /** Port Prometheus scrapes the proxies on (kube-prometheus-stack PodMonitor). */
  proxyMetrics?: { port: number; why: string };
}

export function meshNetwork(ctx: Pick<BlockContext, 'has'>, m: MeshPorts, extra: NetworkEdge[] = []): NetworkContribution {
  const app = { peer: 'app-pods' };
  const tcp = (ports: number[]) => ports.map((port) => ({ port, protocol: 'TCP' as const }));
  const edges: NetworkEdge[] = [];
  if (m.tunnel) edges.push({ from: app, to: app, ports: tcp([m.tunnel.port]), reason: m.tunnel.why });
  for (const e of m.controlPlane?.edges ?? []) edges.push({ from: app, to: { peer: e.peer }, ports: tcp(e.ports), reason: e.why });
  // The Prometheus peer exists when a metrics block runs it; the PodMonitors need the Prometheus Operator.
  if (m.proxyMetrics && prometheusOperatorSelected(ctx)) edges.push({ from: { peer: 'prometheus' }, to: app, ports: tcp([m.proxyMetrics.port]), reason: m.proxyMetrics.why });
  return { peers: m.controlPlane?.peers ?? [], edges: [...edges, ...extra] };
}

/**
 * Pod annotation that keeps a sidecar out of the way of server-first protocols to peers outside the mesh
 * (MySQL, NATS, etcd over TLS): the proxy would wait for the client's first bytes to detect the protocol.
 */
export function skipPortsChart(annotation: string) {
  return (service: { name: string }, network: MergedNetwork): ChartContribution => {
    const ports = serverFirstEgress(network, service.name);
    return ports.length ? { podAnnotations: { [annotation]: ports.join(',') } } : {};
  };
}

/**
 * The Argo Rollouts controller's Gateway API traffic-router plugin (argo-rollouts-config, read by the
 * controller at start) and the permissions it needs on routes (docs/installation.md of the plugin @v0.15.0).
 */
export function argoPluginFiles(ctx: Pick<BlockContext, 'config' | 'has'>): FileSpec[] {
  if (meshCanary(ctx) !== 'argo-rollouts' || argoRouter(ctx) !== 'gatewayapi') return [];
  const ns = 'argo-rollouts';
  const objects = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('argo-rollouts-config', ns),
      data: { trafficRouterPlugins: toYamlBlock([{ name: ARGO_GATEWAYAPI_PLUGIN.name, location: ARGO_GATEWAYAPI_PLUGIN.location }]) + '\n' },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta('argo-rollouts-gateway-api-plugin', undefined),
      rules: [
        { apiGroups: [''], resources: ['services'], verbs: ['get'] },
        { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes', 'grpcroutes'], verbs: ['get', 'list', 'update', 'patch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta('argo-rollouts-gateway-api-plugin', undefined),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'argo-rollouts-gateway-api-plugin' },
      subjects: [{ kind: 'ServiceAccount', name: 'argo-rollouts', namespace: ns }],
    },
  ];
  return [
    objectsFile(
      ARGO_PLUGIN_FILE,
      [
        `Argo Rollouts Gateway API traffic-router plugin ${ARGO_GATEWAYAPI_PLUGIN.version}, generated by cn-scaffold: the controller downloads it at start`,
        '(linux/amd64 build; use the -linux-arm64 asset on arm64 nodes) and shifts each canary by editing the weights of the',
        'service\'s mesh route. `make rollouts-plugin-install` applies this file and restarts the controller.',
        'https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/blob/v0.15.0/docs/installation.md',
      ],
      objects,
      ['Argo Rollouts canaries shift traffic through the mesh\'s Gateway API routes (the gatewayAPI plugin)'],
    ),
  ];
}
