// Istio (reference/wave2.md §2.3; domain.md §7.4, §8.6): pinned 1.30.3 charts (base, istiod, cni, ztunnel from
// https://istio-release.storage.googleapis.com/charts) with option `dataplane`:
//   - ambient (default): the application pods are untouched (ztunnel on each node carries mTLS and L4
//     policy), a waypoint only when L7 work needs one (call timeouts, gRPC balancing, canary weights);
//   - sidecar: an Envoy per pod, always with istio-cni so the injected init container needs no privilege.
// Either way: STRICT mTLS in the application namespace and an authorization of exactly each service's callers
// (istio-policy.ts), routes per call edge (mesh-routes.ts), and the mesh's network ports for the NetworkPolicy
// layer (HBONE 15008 and the probe source 169.254.7.127 in ambient mode; istiod's 15012 for sidecars).
import * as z from 'zod';
import { defineBlock, type BlockContext } from '../../catalog/define.js';
import { KPS_SELECTOR_LABELS, prometheusOperatorSelected } from '../observability/shared.js';
import { istioPolicyFiles, WAYPOINT } from './istio-policy.js';
import { deliveryReadme, gatewayApiData, meshApply, meshMake, sharedMeshFiles } from './mesh-block.js';
import { deliveryChart } from './mesh-delivery.js';
import { meshNetwork, skipPortsChart, MESH_POLICY_DIR } from './mesh-files.js';
import { calleeRoutes } from './mesh-model.js';
import { routeOwner, type MeshKind } from './traffic.js';

export const ISTIO = { version: '1.30.3', repo: 'https://istio-release.storage.googleapis.com/charts' } as const;
const DIR = 'deploy/mesh/istio';
const ID = 'discovery/istio';
/** Platforms with a profile in the 1.30.3 charts (files/profile-platform-*.yaml of istiod, cni, ztunnel). */
const PLATFORMS = ['generic', 'gke', 'k3d', 'k3s', 'microk8s', 'minikube', 'openshift'] as const;
/** The source address ambient gives kubelet probes (https://istio.io/latest/docs/ambient/usage/networkpolicy/). */
const PROBE_SNAT = '169.254.7.127/32';

const Options = z
  .object({
    dataplane: z
      .enum(['ambient', 'sidecar'])
      .default('ambient')
      .describe('ambient: ztunnel per node, application pods untouched, a waypoint for L7; sidecar: an Envoy in every pod (with istio-cni)'),
    platform: z.enum(PLATFORMS).default('generic').describe('Kubernetes distribution adjustments of the Istio charts (global.platform); generic = none'),
  })
  .strict();
type O = z.infer<typeof Options>;

const kindOf = (o: O): MeshKind => (o.dataplane === 'sidecar' ? 'istio-sidecar' : 'istio-ambient');
/** Ambient needs a waypoint for L7: a call edge (timeouts, per-request gRPC balancing) or routes a controller shifts. */
export const needsWaypoint = (ctx: Pick<BlockContext, 'config' | 'has' | 'graph'>, o: O) => o.dataplane === 'ambient' && (ctx.graph.calls.length > 0 || routeOwner(ctx) !== undefined);

function data(ctx: BlockContext<O>) {
  return {
    i: {
      ...ISTIO,
      dataplane: ctx.options.dataplane,
      ambient: ctx.options.dataplane === 'ambient',
      sidecar: ctx.options.dataplane === 'sidecar',
      platform: ctx.options.platform === 'generic' ? '' : ctx.options.platform,
      appNamespace: ctx.project.namespace,
      gatewayAPI: gatewayApiData(ctx.config),
      podMonitorLabels: { ...KPS_SELECTOR_LABELS },
    },
  };
}

export default defineBlock({
  id: 'istio',
  category: 'discovery',
  slot: 'mesh',
  title: 'Istio',
  summary: `Istio ${ISTIO.version}: ambient (default; waypoint when L7 is needed) or sidecar with istio-cni; STRICT mTLS and per-caller authorization from the service graph`,
  status: 'stable',
  options: Options,
  questions: {
    dataplane: {
      message: 'Which Istio data plane?',
      choices: { ambient: 'ztunnel per node; pods untouched; a waypoint for L7 (timeouts, canary weights)', sidecar: 'an Envoy sidecar in every pod (istio-cni, native sidecars)' },
    },
    platform: null,
  },
  files: (ctx) => {
    const d = data(ctx);
    const ambient = ctx.options.dataplane === 'ambient';
    const waypoint = needsWaypoint(ctx, ctx.options);
    return [
      { to: `${DIR}/namespace.yaml`, template: 'discovery/istio/namespace.yaml' },
      { to: `${DIR}/istiod-values.yaml`, template: 'discovery/istio/istiod-values.yaml.hbs', data: d },
      { to: `${DIR}/cni-values.yaml`, template: 'discovery/istio/cni-values.yaml.hbs', data: d },
      ...(ambient ? [{ to: `${DIR}/ztunnel-values.yaml`, template: 'discovery/istio/ztunnel-values.yaml.hbs', data: d }] : []),
      { to: `${DIR}/install.sh`, template: 'discovery/istio/install.sh.hbs', data: d },
      ...(waypoint ? [{ to: `${DIR}/waypoint.yaml`, template: 'discovery/istio/waypoint.yaml.hbs', data: d }] : []),
      ...(prometheusOperatorSelected(ctx) ? [{ to: `${DIR}/podmonitor.yaml`, template: 'discovery/istio/podmonitor.yaml.hbs', data: d }] : []),
      ...istioPolicyFiles(ctx, ID, ctx.options.dataplane, waypoint),
      ...sharedMeshFiles(ctx, kindOf(ctx.options)),
    ];
  },
  contribute: (ctx) => {
    const o = ctx.options;
    const ns = ctx.project.namespace;
    const mesh = kindOf(o);
    const ambient = o.dataplane === 'ambient';
    const waypoint = needsWaypoint(ctx, o);
    const istiod = { id: 'istiod', title: 'istiod', namespace: 'istio-system', podLabels: { app: 'istiod' } };
    const waypointPeer = { id: 'istio-waypoint', title: 'Istio waypoint', podLabels: { 'gateway.networking.k8s.io/gateway-name': WAYPOINT }, serviceAccount: WAYPOINT };
    // istiod serves xDS and certificates to the proxies on 15012 (manifests/charts/istio-control/istio-discovery/templates/deployment.yaml).
    const xds = 'the Istio proxy gets its configuration and mTLS certificate from istiod (15012)';
    const skip = skipPortsChart('traffic.sidecar.istio.io/excludeOutboundPorts');
    const delivery = deliveryChart(ctx, { mesh, routes: calleeRoutes(ctx.graph) });
    const probes = ambient
      ? ctx.services.map((s) => ({
          from: { cidr: PROBE_SNAT },
          to: { service: s.name },
          ports: [{ port: s.port, protocol: 'TCP' as const }],
          reason: `kubelet probes of ${s.name} arrive from Istio ambient's probe address`,
        }))
      : [];
    const labels: Record<string, string> = ambient ? { 'istio.io/dataplane-mode': 'ambient', ...(waypoint ? { 'istio.io/use-waypoint': WAYPOINT } : {}) } : { 'istio-injection': 'enabled' };
    const extraApply = [...(waypoint ? [`${DIR}/waypoint.yaml`] : []), ...(prometheusOperatorSelected(ctx) ? [`${DIR}/podmonitor.yaml`] : [])];
    return {
      namespace: { labels },
      // Sidecars only: ztunnel (ambient) forwards bytes without detecting protocols.
      chart: (service, network) => ({ ...(ambient ? {} : skip(service, network)), ...delivery(service) }),
      network: meshNetwork(
        ctx,
        {
          ...(ambient ? { tunnel: { port: 15008, why: "meshed pods reach each other (and the waypoint) through ztunnel's HBONE tunnel (15008); the mesh authorization decides the rest" } } : {}),
          ...(!ambient || waypoint
            ? { controlPlane: { peers: [istiod, ...(waypoint ? [waypointPeer] : [])], edges: [] as { peer: string; ports: number[]; why: string }[] } }
            : {}),
          proxyMetrics: { port: 15090, why: "Prometheus scrapes the Istio proxies' Envoy metrics (15090)" },
        },
        [
          ...probes,
          ...(!ambient ? [{ from: { peer: 'app-pods' }, to: { peer: 'istiod' }, ports: [{ port: 15012, protocol: 'TCP' as const }], reason: xds }] : []),
          ...(waypoint ? [{ from: { peer: 'istio-waypoint' }, to: { peer: 'istiod' }, ports: [{ port: 15012, protocol: 'TCP' as const }], reason: xds }] : []),
        ],
      ),
      deploy: { apply: meshApply(ctx, mesh, extraApply) },
      make: meshMake(ctx, `${DIR}/install.sh`, {
        name: 'mesh-check',
        help: "istioctl's analysis of the application namespace (policies, routes, labels)",
        recipe: [`istioctl analyze --namespace ${ns}`],
      }),
      readme: [
        {
          title: 'Service mesh: Istio',
          order: 44,
          body: [
            `Istio ${ISTIO.version}, **${o.dataplane}** data plane: ` +
              (ambient
                ? `ztunnel on every node carries mTLS and L4 policy; the application pods are untouched, so namespace \`${ns}\` stays Pod Security *restricted*` +
                  (waypoint ? '; a waypoint (`deploy/mesh/istio/waypoint.yaml`) does the L7 work (timeouts, per-request balancing, canary weights, per-caller authorization).' : '. No call or canary needs L7 yet, so there is no waypoint.')
                : `an Envoy sidecar in every pod; istio-cni sets up the redirection, so the injected init container needs no privilege and namespace \`${ns}\` stays Pod Security *restricted*.`),
            '',
            '```sh\nmake mesh-install   # Gateway API CRDs, base, istiod, istio-cni' + (ambient ? ', ztunnel' : '') + '\nmake deploy         # the namespace is ' + (ambient ? 'enrolled' : 'injected') + '\nmake mesh-check     # istioctl analyze\n```',
            '',
            `mTLS is STRICT (\`${MESH_POLICY_DIR}/00-namespace.yaml\`, with an allow-nothing policy). \`${MESH_POLICY_DIR}/<service>.yaml\` allows each port`,
            'of a service for exactly its declared callers (`cluster.local/ns/' + ns + '/sa/<caller>`) and the `helm test` pod; Prometheus and a gateway',
            'outside the mesh only on their port, and only as plaintext clients (`notPrincipals: ["*"]`), with a port-level PERMISSIVE exception.',
            '`cn-scaffold explain` on a policy file lists who may call what, and why.',
            '',
            ...deliveryReadme(ctx, mesh),
          ].join('\n'),
        },
      ],
      notes: [`Istio: \`make mesh-install\` before \`make deploy\` (README, "Service mesh: Istio").`],
      diagram: { nodes: [{ id: 'mesh', label: `Istio ${ISTIO.version} (${o.dataplane})`, group: 'platform' }], edges: [{ from: 'mesh', to: 'k8s', label: 'mTLS + authorization' }] },
    };
  },
});
