// Linkerd (reference/wave2.md §2.3; domain.md §7.2): the open-source edge channel, pinned to edge-26.8.3
// (charts 2026.8.3: bin/compute-edge-version names the charts of edge-YY.M.N version YYYY.M.N), installed
// with its CNI plugin so the application namespace stays Pod Security "restricted", identity certificates
// from cert-manager, the application namespace injected and denying by default, and per service an
// authorization of exactly its callers (linkerd-policy.ts), routes per call edge (mesh-routes.ts), and the
// network ports its proxies need (the NetworkPolicy layer stays exact: only the meshed pods' proxy port).
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { KPS_SELECTOR_LABELS, prometheusOperatorSelected } from '../observability/shared.js';
import { linkerdPolicyFiles } from './linkerd-policy.js';
import { deliveryReadme, gatewayApiData, meshApply, meshMake, sharedMeshFiles } from './mesh-block.js';
import { deliveryChart } from './mesh-delivery.js';
import { meshNetwork, skipPortsChart, MESH_POLICY_DIR } from './mesh-files.js';
import { calleeRoutes } from './mesh-model.js';
import { linkerdRouteAnnotations } from './mesh-routes.js';

export const LINKERD = { version: 'edge-26.8.3', chart: '2026.8.3', repo: 'https://helm.linkerd.io/edge' } as const;
/** Proxy ports (charts/linkerd-control-plane/values.yaml proxy.ports @edge-26.8.3). */
const PROXY_INBOUND = 4143;
const PROXY_ADMIN = 4191;
const DIR = 'deploy/mesh/linkerd';
const ID = 'discovery/linkerd';

export default defineBlock({
  id: 'linkerd',
  category: 'discovery',
  slot: 'mesh',
  title: 'Linkerd',
  summary: `Linkerd ${LINKERD.version} (edge channel) with its CNI plugin and cert-manager identity; mTLS and per-caller authorization from the service graph`,
  status: 'stable',
  statusNote:
    'open-source Linkerd ships edge releases only since 2.15 (stable releases come from a vendor, Buoyant Enterprise for Linkerd): this block pins edge-26.8.3 ' +
    '(https://linkerd.io/2/tasks/install, https://buoyant.io/blog/clarifications-on-linkerd-2-15-stable-announcement)',
  options: z.object({}).strict(),
  questions: {},
  files: (ctx) => {
    const podMonitor = prometheusOperatorSelected(ctx);
    const data = {
      l: { ...LINKERD, gatewayAPI: gatewayApiData(ctx.config), appNamespace: ctx.project.namespace },
      linkerd: { podMonitor, podMonitorLabels: { ...KPS_SELECTOR_LABELS } },
    };
    return [
      { to: `${DIR}/namespace.yaml`, template: 'discovery/linkerd/namespace.yaml' },
      { to: `${DIR}/identity.yaml`, template: 'discovery/linkerd/identity.yaml' },
      { to: `${DIR}/cni-values.yaml`, template: 'discovery/linkerd/cni-values.yaml' },
      { to: `${DIR}/crds-values.yaml`, template: 'discovery/linkerd/crds-values.yaml' },
      { to: `${DIR}/control-plane-values.yaml`, template: 'discovery/linkerd/control-plane-values.yaml.hbs', data },
      { to: `${DIR}/install.sh`, template: 'discovery/linkerd/install.sh.hbs', data },
      ...linkerdPolicyFiles(ctx, ID),
      ...sharedMeshFiles(ctx, 'linkerd'),
    ];
  },
  contribute: (ctx) => {
    const ns = ctx.project.namespace;
    const skip = skipPortsChart('config.linkerd.io/skip-outbound-ports');
    const delivery = deliveryChart(ctx, { mesh: 'linkerd', routes: calleeRoutes(ctx.graph), linkerdAnnotations: (r) => linkerdRouteAnnotations(r, 'HTTPRoute') });
    return {
      // Every pod of the namespace gets a proxy; a port accepts only what an AuthorizationPolicy allows.
      namespace: { annotations: { 'linkerd.io/inject': 'enabled', 'config.linkerd.io/default-inbound-policy': 'deny' } },
      chart: (service, network) => ({ ...skip(service, network), ...delivery(service) }),
      network: meshNetwork(ctx, {
        tunnel: { port: PROXY_INBOUND, why: "meshed pods reach each other's Linkerd proxy (inbound 4143); the mesh authorization decides which caller may use which port" },
        controlPlane: {
          peers: [
            { id: 'linkerd-identity', title: 'Linkerd identity', namespace: 'linkerd', podLabels: { 'linkerd.io/control-plane-component': 'identity' } },
            { id: 'linkerd-destination', title: 'Linkerd destination and policy', namespace: 'linkerd', podLabels: { 'linkerd.io/control-plane-component': 'destination' } },
          ],
          // charts/linkerd-control-plane/templates/{identity,destination}.yaml @edge-26.8.3: identity 8080, destination 8086, policy 8090.
          edges: [
            { peer: 'linkerd-identity', ports: [8080], why: 'each proxy gets its mTLS certificate from Linkerd identity' },
            { peer: 'linkerd-destination', ports: [8086, 8090], why: 'each proxy resolves destinations (8086) and its authorization policy (8090)' },
          ],
        },
        proxyMetrics: { port: PROXY_ADMIN, why: "Prometheus scrapes each Linkerd proxy's metrics on its admin port" },
      }),
      deploy: { apply: meshApply(ctx, 'linkerd') },
      make: meshMake(ctx, `${DIR}/install.sh`, {
        name: 'mesh-check',
        help: "Linkerd's own checks of the control plane and of the proxies in the application namespace",
        recipe: ['linkerd check', `linkerd check --proxy --namespace ${ns}`],
      }),
      readme: [
        {
          title: 'Service mesh: Linkerd',
          order: 44,
          body: [
            `Linkerd ${LINKERD.version} — the open-source **edge** channel (Linkerd publishes only edge releases; stable builds come from a vendor) — with`,
            'its CNI plugin, so the meshed pods need no privileged init container and namespace `' + ns + '` stays Pod Security *restricted*.',
            'cert-manager issues the identity certificates (`deploy/mesh/linkerd/identity.yaml`); no key is in this repository.',
            '',
            '```sh\nmake mesh-install   # Gateway API CRDs, linkerd2-cni, linkerd-crds, identity, control plane (needs cert-manager)\nmake deploy         # the namespace is injected; the charts roll out meshed\nmake mesh-check\n```',
            '',
            `Every call is mTLS. \`${MESH_POLICY_DIR}/<service>.yaml\` authorizes each port of a service for exactly its declared callers (their`,
            'ServiceAccounts) and the infrastructure that reaches it (the `helm test` pod by identity; kubelet probes, Prometheus and a gateway',
            'outside the mesh by network, on the paths they use where Linkerd sees HTTP); everything else is denied',
            '(`config.linkerd.io/default-inbound-policy: deny`). `cn-scaffold explain` on a policy file lists who may call what, and why.',
            '',
            ...deliveryReadme(ctx, 'linkerd'),
          ].join('\n'),
        },
      ],
      notes: ['Linkerd: install cert-manager first, then `make mesh-install` before `make deploy` (README, "Service mesh: Linkerd").'],
      diagram: { nodes: [{ id: 'mesh', label: `Linkerd ${LINKERD.version}`, group: 'platform' }], edges: [{ from: 'mesh', to: 'k8s', label: 'mTLS + authorization' }] },
    };
  },
});
