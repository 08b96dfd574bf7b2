// Which traffic layer shifts a canary, from the answers alone (the progressive-delivery blocks and the mesh
// blocks both need it while contributions are computed): the Flagger provider, and the Argo Rollouts traffic
// router. Facts: Flagger providers (fluxcd/flagger charts/flagger/values.yaml meshProvider @v1.44.0; its
// Linkerd tutorial docs/gitbook/tutorials/linkerd-progressive-delivery.md routes through Gateway API with
// gatewayRefs naming the Service, GAMMA); Argo Rollouts traffic routing (argoproj/argo-rollouts
// pkg/apis/rollouts/v1alpha1/types.go RolloutTrafficRouting @v1.9.1: istio, plugins) and the Gateway API
// plugin (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi docs/installation.md @v0.15.0).
import type { BlockContext } from '../../catalog/define.js';

/** The data plane of the chosen mesh; undefined = no mesh. */
export type MeshKind = 'linkerd' | 'istio-sidecar' | 'istio-ambient';

export function meshKind(config: BlockContext['config']): MeshKind | undefined {
  const d = config.discovery as { mesh?: string; istio?: { dataplane?: string } } | undefined;
  if (d?.mesh === 'linkerd') return 'linkerd';
  if (d?.mesh === 'istio') return d.istio?.dataplane === 'sidecar' ? 'istio-sidecar' : 'istio-ambient';
  return undefined;
}

/** Where Envoy Gateway's Gateway lives (the discovery gateway block's gateway-system/gateway, HTTPS listener). */
const ENVOY_GATEWAY = { namespace: 'gateway-system', name: 'gateway', sectionName: 'https' } as const;

type Exposable = { name: string; port: number; expose?: boolean | { hostname?: string } };
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
  return [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', ...ENVOY_GATEWAY }];
}

/**
 * Without a mesh, an exposed service's Canary routes through Envoy Gateway (values key trafficRoute, which
 * the mesh blocks fill when a mesh is chosen): the Gateway, and the service's own hostname when it has one.
 */
export function gatewayTrafficRoute(ctx: Pick<BlockContext, 'config' | 'project'>, service: Exposable): { trafficRoute?: { flagger: Record<string, unknown> } } {
  if (meshKind(ctx.config)) return {};
  const refs = flaggerGatewayRefs(ctx, service);
  if (!refs.length) return {};
  const host = typeof service.expose === 'object' ? service.expose.hostname : undefined;
  return { trafficRoute: { flagger: { gatewayRefs: refs, ...(host ? { hosts: [host] } : {}) } } };
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
