// Which traffic layer shifts a canary, from the answers alone (the progressive-delivery blocks and the mesh
// blocks both need it while contributions are computed): the Flagger provider, and the Argo Rollouts traffic
// router. Facts: Flagger providers (fluxcd/flagger charts/flagger/values.yaml meshProvider @v1.44.0; its
// Linkerd tutorial docs/gitbook/tutorials/linkerd-progressive-delivery.md routes through Gateway API with
// gatewayRefs naming the Service, GAMMA); Argo Rollouts traffic routing (argoproj/argo-rollouts
// pkg/apis/rollouts/v1alpha1/types.go RolloutTrafficRouting @v1.9.1: istio, plugins) and the Gateway API
// plugin (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi docs/installation.md @v0.15.0).
import type { BlockContext } from '../../catalog/define.js';
import { gatewayOf } from './gateway.js';

/** The data plane of the chosen mesh; undefined = no mesh. */
export type MeshKind = 'linkerd' | 'istio-sidecar' | 'istio-ambient';

export function meshKind(config: BlockContext['config']): MeshKind | undefined {
  const d = config.discovery as { mesh?: string; istio?: { dataplane?: string } } | undefined;
  if (d?.mesh === 'linkerd') return 'linkerd';
  if (d?.mesh === 'istio') return d.istio?.dataplane === 'sidecar' ? 'istio-sidecar' : 'istio-ambient';
  return undefined;
}

type Exposable = { name: string; port: number; protocol?: 'http' | 'grpc'; expose?: boolean | { hostname?: string; path?: string } };
const exposed = (s: Exposable) => s.expose !== undefined && s.expose !== false;
const envoyGateway = (ctx: Pick<BlockContext, 'config'>) => (ctx.config.discovery as { gateway?: string } | undefined)?.gateway === 'envoy-gateway';

/**
 * Flagger's provider (Canary spec.provider, per service): Istio sidecars through VirtualServices (`istio`);
 * Linkerd and Istio ambient through Gateway API HTTPRoutes attached to the Service (east-west, GAMMA: Linkerd's
 * policy controller and Istio's waypoint both implement them); without a mesh, an exposed service through the
 * HTTPRoute on Envoy Gateway's Gateway; otherwise `kubernetes` (blue/green only, rule CR-34). Without a
 * service: the default the controller is installed with.
 */
export function flaggerProvider(ctx: Pick<BlockContext, 'config'>, service?: Exposable): string {
  const mesh = meshKind(ctx.config);
  if (mesh === 'istio-sidecar') return 'istio';
  if (mesh) return 'gatewayapi:v1';
  if (envoyGateway(ctx) && (!service || exposed(service))) return 'gatewayapi:v1';
  return 'kubernetes';
}

export interface GatewayRef {
  group: string;
  kind: string;
  name: string;
  namespace: string;
  sectionName?: string;
  port?: number;
}

/** The parents of the HTTPRoute Flagger generates (Canary spec.service.gatewayRefs), or none for its provider. */
export function flaggerGatewayRefs(ctx: Pick<BlockContext, 'config' | 'project'>, service: Exposable): GatewayRef[] {
  if (flaggerProvider(ctx, service) !== 'gatewayapi:v1') return [];
  // The core group is "" in Gateway API parentRefs; Linkerd reads "" and "core" alike.
  if (meshKind(ctx.config)) return [{ group: '', kind: 'Service', name: service.name, namespace: ctx.project.namespace, port: service.port }];
  // The Gateway the gateway block generates (gateway.ts is the one place that says where it is).
  const gateway = gatewayOf(ctx.config);
  if (!gateway) throw new Error('flaggerProvider chose gatewayapi:v1 without a Gateway API gateway');
  return [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', ...gateway }];
}

/**
 * Who renders the Gateway route of an exposed service (values `route.owner`, `route.name` of its chart): exactly
 * one owner per route object. Flagger's gatewayapi:v1 router creates, and overwrites on every reconcile, the
 * HTTPRoute named after the service in its namespace (fluxcd/flagger pkg/router/gateway_api.go Reconcile, which
 * gets HTTPRoute <apex name> and updates any spec that differs). So under Flagger with that provider:
 *   - without a mesh its route IS the Gateway's (gatewayRefs = the Gateway): the Canary owns it and carries the
 *     exposure (hosts, path); the chart renders no route (`owner: canary`);
 *   - with Linkerd or Istio ambient its route is the mesh one (parent = the Service, GAMMA): the chart's Gateway
 *     route keeps its parent and takes another name, which Flagger never touches.
 * Istio sidecars (provider istio) route through a VirtualService: no name is shared.
 */
export function gatewayRouteOwnership(ctx: Pick<BlockContext, 'config' | 'has'>, service: Exposable): { owner?: 'canary'; name?: string } {
  if (!ctx.has('cicd/flagger') || flaggerProvider(ctx, service) !== 'gatewayapi:v1') return {};
  return meshKind(ctx.config) ? { name: `${service.name}-gateway` } : { owner: 'canary' };
}

/**
 * Without a mesh, an exposed service's Canary owns its route on Envoy Gateway (values key trafficRoute, which
 * the mesh blocks fill when a mesh is chosen): the Gateway, the service's own hostname when it has one, and its
 * path (Canary spec.service.match, which Flagger turns into the HTTPRoute's PathPrefix match). Flagger generates
 * HTTPRoutes only, so a gRPC service's Services declare HTTP/2 cleartext (`appProtocol: kubernetes.io/h2c`,
 * https://gateway-api.sigs.k8s.io/guides/user-guides/backend-protocol/) for the Gateway to speak gRPC to them.
 */
export function gatewayTrafficRoute(ctx: Pick<BlockContext, 'config' | 'project' | 'has'>, service: Exposable): { trafficRoute?: { flagger: Record<string, unknown> }; appProtocol?: string } {
  if (gatewayRouteOwnership(ctx, service).owner !== 'canary') return {};
  const e = typeof service.expose === 'object' ? service.expose : {};
  const path = e.path ?? '/';
  const flagger = {
    gatewayRefs: flaggerGatewayRefs(ctx, service),
    ...(e.hostname ? { hosts: [e.hostname] } : {}),
    ...(path !== '/' ? { match: [{ uri: { prefix: path } }] } : {}),
  };
  return { trafficRoute: { flagger }, ...(service.protocol === 'grpc' ? { appProtocol: 'kubernetes.io/h2c' } : {}) };
}

/** JSON Schema of the trafficRoute values (read by hooks in the controllers' chart templates). */
export const TRAFFIC_ROUTE_SCHEMA: Record<string, object> = {
  trafficRoute: {
    type: 'object',
    description: 'Progressive delivery through the mesh or the gateway (added by the mesh block, or by flagger for Envoy Gateway)',
    additionalProperties: false,
    properties: {
      flagger: { type: 'object', description: 'Merged into the Flagger Canary spec.service (gatewayRefs, hosts, timeout, retries, apex)' },
      rollout: { type: 'object', description: 'Merged into the Argo Rollout spec.strategy.canary (stableService, canaryService, trafficRouting)' },
    },
  },
};

/**
 * Which layer retries the calls to a callee in the cluster, one per call edge and never both: each layer
 * would retry the other's attempts (2 retries in each = up to 9 requests for one call). The mesh when its
 * route carries the edge's retries: it retries at the proxy, onto another endpoint, and counts the retries
 * in its metrics; Linkerd's route annotations (mesh-routes.ts, or the Canary's apex annotations under
 * Flagger) and Istio sidecars' VirtualService (or the Canary's retries under Flagger). The callers otherwise:
 * the HTTP skeletons' <CALLEE>_RETRIES loop and the gRPC service config's retryPolicy. Istio ambient retries
 * nowhere in the mesh (the standard-channel HTTPRoute has no retry field), nor does Linkerd for a gRPC callee
 * under Flagger (its HTTPRoute takes HTTP retry conditions only, which never match a gRPC status). Locally
 * (compose) there is no mesh: the callers always retry. A Linkerd route serves every caller of the callee, so
 * it carries the largest retries of their edges (mesh-model.ts calleeRoutes); sidecars keep each edge's own.
 */
export function retryLayer(ctx: Pick<BlockContext, 'config' | 'has'>, callee: { protocol: 'http' | 'grpc' }): 'mesh' | 'client' {
  const mesh = meshKind(ctx.config);
  if (mesh === 'istio-sidecar') return 'mesh';
  if (mesh === 'linkerd') return routeOwner(ctx) === 'flagger' && callee.protocol === 'grpc' ? 'client' : 'mesh';
  return 'client';
}

/** How an Argo Rollouts canary shifts traffic: the Gateway API plugin, Istio VirtualServices, or replica counts. */
export type ArgoRouter = 'gatewayapi' | 'istio' | 'replicas';

export function argoRouter(ctx: Pick<BlockContext, 'config'>): ArgoRouter {
  const mesh = meshKind(ctx.config);
  if (mesh === 'istio-sidecar') return 'istio';
  if (mesh) return 'gatewayapi';
  return 'replicas';
}

/** A canary that a mesh routes: Argo Rollouts (canary strategy) or Flagger (canary strategy). */
export function meshCanary(ctx: Pick<BlockContext, 'config' | 'has'>): 'flagger' | 'argo-rollouts' | undefined {
  const cicd = ctx.config.cicd as { flagger?: { strategy?: string }; 'argo-rollouts'?: { strategy?: string } } | undefined;
  if (ctx.has('cicd/flagger') && cicd?.flagger?.strategy === 'canary') return 'flagger';
  if (ctx.has('cicd/argo-rollouts') && (cicd?.['argo-rollouts']?.strategy ?? 'canary') === 'canary') return 'argo-rollouts';
  return undefined;
}

/**
 * Who owns each service's mesh route: Flagger (either strategy: it generates the route or VirtualService and
 * switches it), or an Argo Rollouts canary (it shifts the weights of the route the mesh block generates).
 */
export function routeOwner(ctx: Pick<BlockContext, 'config' | 'has'>): 'flagger' | 'argo-rollouts' | undefined {
  if (ctx.has('cicd/flagger')) return 'flagger';
  return meshCanary(ctx) === 'argo-rollouts' ? 'argo-rollouts' : undefined;
}

/** The Argo Rollouts Gateway API traffic-router plugin: pinned release and the asset for linux/amd64 nodes. */
export const ARGO_GATEWAYAPI_PLUGIN = {
  name: 'argoproj-labs/gatewayAPI',
  version: 'v0.15.0',
  location: 'https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.15.0/gatewayapi-plugin-linux-amd64',
} as const;
