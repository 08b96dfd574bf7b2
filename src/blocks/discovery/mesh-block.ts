// What the linkerd and istio blocks do alike, once each has said how its data plane looks: the Gateway API
// CRD owner, the routes and canary wiring, the make targets and README lines about them. Each block file
// keeps only what is its mesh's own (install files, policy objects, network ports).
import type { MakeTarget } from '../../catalog/contributions.js';
import type { BlockContext, FileSpec, FilesContext } from '../../catalog/define.js';
import { ARGO_PLUGIN_FILE, argoPluginFiles, MESH_POLICY_DIR, MESH_ROUTES_DIR } from './mesh-files.js';
import { calleeRoutes } from './mesh-model.js';
import { deliveryTemplates } from './mesh-delivery.js';
import { routeFiles, type RouteTarget } from './mesh-routes.js';
import { ARGO_GATEWAYAPI_PLUGIN, argoRouter, meshCanary, retryLayer, routeOwner, type MeshKind } from './traffic.js';

/**
 * The Gateway API bundle the meshes accept: Linkerd edge-26.8.3 tests v1.2.1 and v1.5.1
 * (.github/workflows/integration.yml), Istio 1.30 is built against v1.5.1 (go.mod sigs.k8s.io/gateway-api).
 */
export const GATEWAY_API_VERSION = 'v1.5.1';

/** Who installs the Gateway API CRDs (one owner, CR-69); undefined = the mesh install script. */
export function gatewayApiOwner(config: BlockContext['config']): string | undefined {
  const d = config.discovery as { gateway?: string; 'envoy-gateway'?: { gatewayAPICRDs?: string } } | undefined;
  if (d?.gateway === 'envoy-gateway') return d['envoy-gateway']?.gatewayAPICRDs === 'external' ? 'your platform' : 'make gateway-install (Envoy Gateway)';
  if (d?.gateway === 'existing') return 'your platform (it runs the existing Gateway)';
  return undefined;
}

export function gatewayApiData(config: BlockContext['config']) {
  const owner = gatewayApiOwner(config);
  return {
    version: GATEWAY_API_VERSION,
    install: owner === undefined,
    owner: owner ?? '',
    missing: `the Gateway API CRDs are missing: ${owner ?? ''} installs them`,
  };
}

/** The services that get a mesh route: the callees, or every service when Argo Rollouts shifts its canary. */
export function routeTargets(ctx: Pick<FilesContext, 'config' | 'has' | 'services' | 'graph'>, mesh: MeshKind): RouteTarget[] {
  const owner = routeOwner(ctx);
  if (owner === 'flagger') return [];
  const routes = calleeRoutes(ctx.graph);
  const argo = owner === 'argo-rollouts';
  return ctx.services
    .map((s) => ({ service: s.name, port: s.port, protocol: s.protocol, route: routes.find((r) => r.service === s.name) }))
    .filter((t) => argo || (t.route && !(mesh === 'istio-ambient' && t.protocol === 'grpc'))); // ambient gRPC: nothing for the route to say
}

/** Routes, canary templates and the Argo plugin: the files every mesh block adds. */
export function sharedMeshFiles(ctx: FilesContext, mesh: MeshKind): FileSpec[] {
  const argo = routeOwner(ctx) === 'argo-rollouts';
  return [...routeFiles(routeTargets(ctx, mesh), mesh, ctx.project.namespace, argo), ...deliveryTemplates(ctx), ...argoPluginFiles(ctx)];
}

/** Manifests `make deploy` applies before the charts: policies, then routes (when there are any). */
export function meshApply(ctx: Pick<FilesContext, 'config' | 'has' | 'services' | 'graph'>, mesh: MeshKind, extra: string[] = []): string[] {
  return [...extra, MESH_POLICY_DIR, ...(routeTargets(ctx, mesh).length ? [MESH_ROUTES_DIR] : [])];
}

export function meshMake(ctx: Pick<BlockContext, 'config' | 'has'>, install: string, check: MakeTarget): MakeTarget[] {
  const targets: MakeTarget[] = [{ name: 'mesh-install', help: 'Install or upgrade the service mesh (before `make deploy`)', recipe: [`bash ${install}`] }, check];
  if (meshCanary(ctx) === 'argo-rollouts' && argoRouter(ctx) === 'gatewayapi') {
    targets.push({
      name: 'rollouts-plugin-install',
      help: `Register the Argo Rollouts Gateway API plugin ${ARGO_GATEWAYAPI_PLUGIN.version} and restart the controller`,
      recipe: [`kubectl apply -f ${ARGO_PLUGIN_FILE}`, 'kubectl -n argo-rollouts rollout restart deployment argo-rollouts'],
    });
  }
  return targets;
}

/** README lines on routing and canaries through the mesh. */
export function deliveryReadme(ctx: Pick<BlockContext, 'config' | 'has' | 'graph'>, mesh: MeshKind): string[] {
  const controller = routeOwner(ctx);
  // Which layer retries each call edge (traffic.ts retryLayer): the mesh's route, or the caller.
  const inMesh = ctx.graph.calls.filter((c) => retryLayer(ctx, c) === 'mesh').map((c) => `${c.from} → ${c.to}`);
  const retries =
    inMesh.length === ctx.graph.calls.length
      ? ' The route retries too (`services[].calls[].retries`), so the callers do not: their `<CALLEE>_RETRIES` is 0 in the cluster and their gRPC clients have no retry policy (one layer retries, never both).'
      : inMesh.length > 0
        ? ` The route retries ${inMesh.join(', ')} (\`services[].calls[].retries\`) (the callers' \`<CALLEE>_RETRIES\` is 0 there, one layer retries); the callers retry the other calls themselves.`
        : ' Retries stay in the callers (`<CALLEE>_RETRIES`, the gRPC service config): the route carries none.';
  const lines = [
    calleeRoutes(ctx.graph).length
      ? `- Calls: ${controller === 'flagger' ? "each callee's Canary (Flagger generates its route)" : `\`${MESH_ROUTES_DIR}/<callee>.yaml\``} carries each call edge's timeout (\`services[].calls[].timeout\`)` +
        '; the mesh balances every request, gRPC included, so callers dial the plain Service name.' +
        retries
      : '- Calls: no service declares calls yet; each declared call gets a route with its timeout and retries.',
  ];
  if (controller === 'flagger') {
    lines.push(
      "- Progressive delivery (Flagger): Flagger generates each service's route and shifts or switches it; the Canary carries the calls' timeout and retries (`trafficRoute.flagger` in the chart values).",
      '  Requests that reach a service without the mesh (from a gateway outside it) go to the primary pods only.',
    );
  }
  if (controller === 'argo-rollouts') {
    lines.push(
      argoRouter(ctx) === 'istio'
        ? '- Canary (Argo Rollouts): the Rollout shifts the weights of the VirtualService routes between `<service>-stable` and `<service>-canary`.'
        : `- Canary (Argo Rollouts): the Rollout shifts the weights of the mesh route between \`<service>-stable\` and \`<service>-canary\` through the Gateway API plugin ${ARGO_GATEWAYAPI_PLUGIN.version}: run \`make rollouts-plugin-install\` once after installing Argo Rollouts.`,
      '  Requests that reach a service without the mesh (from a gateway outside it) are spread over stable and canary pods by replica count.',
    );
  }
  return lines;
}
