// Progressive delivery through the mesh: what the mesh blocks add to the charts when Flagger or Argo Rollouts
// runs a canary. Two values keys of their own, read by hooks in the controllers' chart templates:
//   trafficRoute.flagger  merged into the Canary's spec.service: Gateway API parents (GAMMA), the call edges'
//                      timeout and retries (Istio fields, or Linkerd route annotations on the apex);
//   trafficRoute.rollout  merged into the Rollout's canary strategy: stable/canary Services and the traffic router;
//   meshAnalysis       extra checks on the mesh's own request metrics (Linkerd response_total, Istio
//                      istio_requests_total), measured at the proxy: they see failures the service never
//                      answered (refused connections, timeouts). They measure the canary pods alone, count only
//                      mTLS traffic (no probes, no scrapes), and return nothing below minRequests requests —
//                      a failed (Flagger) or inconclusive (Argo) check, never a pass.
import type { ChartContribution } from '../../catalog/contributions.js';
import type { BlockContext, FileSpec } from '../../catalog/define.js';
import type { ResolvedService } from '../../config/schema.js';
import { prometheusFor } from '../cicd/delivery.js';
import { prometheusOperatorSelected } from '../observability/shared.js';
import { durationText, type CalleeRoute } from './mesh-model.js';
import { argoRouter, flaggerGatewayRefs, meshCanary, retryLayer, routeOwner, TRAFFIC_ROUTE_SCHEMA, type MeshKind } from './traffic.js';

/** Analysis cadence of the mesh checks (one window of traffic per measurement). */
const ANALYSIS = { interval: '1m', window: '2m', count: 5, failureLimit: 1 } as const;
/** Request-level failures in each mesh's metrics: HTTP 5xx, and the gRPC statuses the service skeletons treat as errors. */
const GRPC_FAILURES = '2|4|8|12|13|14|15';

export const stableService = (s: string) => `${s}-stable`;
export const canaryService = (s: string) => `${s}-canary`;
/** Name of the east-west route (or VirtualService) of a service. */
export const trafficRouteName = (s: string) => `${s}-mesh`;

interface Selector {
  metric: { total: string; latencyBucket: string; latencyDivisor: number };
  sel: string;
  window: string;
  ok: string;
}

function selector(mesh: MeshKind, controller: 'flagger' | 'argo-rollouts', ns: string, protocol: 'http' | 'grpc'): Selector {
  const flagger = controller === 'flagger';
  const window = flagger ? '{{ interval }}' : ANALYSIS.window;
  if (mesh === 'linkerd') {
    // Linkerd's PodMonitor keeps the pod labels (linkerd.io/proxy-deployment → deployment, rollouts-pod-template-hash).
    const who = flagger ? 'namespace="{{ namespace }}", deployment="{{ target }}"' : `namespace="${ns}", rollouts_pod_template_hash="{{args.mesh-pod-template-hash}}"`;
    return {
      metric: { total: 'response_total', latencyBucket: 'response_latency_ms_bucket', latencyDivisor: 1000 },
      sel: `${who}, direction="inbound", tls="true"`,
      window,
      ok: 'classification="success"',
    };
  }
  const reporter = mesh === 'istio-ambient' ? 'waypoint' : 'destination';
  const who = flagger
    ? 'destination_workload_namespace="{{ namespace }}", destination_workload="{{ target }}"'
    : `namespace="${ns}", rollouts_pod_template_hash="{{args.mesh-pod-template-hash}}"`;
  return {
    metric: { total: 'istio_requests_total', latencyBucket: 'istio_request_duration_milliseconds_bucket', latencyDivisor: 1000 },
    sel: `reporter="${reporter}", ${who}, connection_security_policy="mutual_tls"`,
    window,
    ok: protocol === 'grpc' ? `response_code!~"5..", grpc_response_status!~"${GRPC_FAILURES}"` : 'response_code!~"5.."',
  };
}

/** The two PromQL checks (success ratio, p99 latency in seconds) of one service's canary. */
export function meshQueries(mesh: MeshKind, controller: 'flagger' | 'argo-rollouts', ns: string, protocol: 'http' | 'grpc', minRequests: number) {
  const q = selector(mesh, controller, ns, protocol);
  const m = q.metric;
  const enough = `on() (sum(increase(${m.total}{${q.sel}}[${q.window}])) >= ${minRequests})`;
  return {
    // "or (all * 0)" keeps the failing series as zeros, so a version that only fails yields 0, not nothing.
    successRate: `(sum(rate(${m.total}{${q.sel}, ${q.ok}}[${q.window}]) or rate(${m.total}{${q.sel}}[${q.window}]) * 0) / sum(rate(${m.total}{${q.sel}}[${q.window}]))) and ${enough}`,
    latencyP99: `histogram_quantile(0.99, sum by (le) (rate(${m.latencyBucket}{${q.sel}}[${q.window}]))) / ${m.latencyDivisor} and ${enough}`,
  };
}

type Thresholds = { analysis?: boolean; successRate?: number; latencyP99Seconds?: number; minRequests?: number; prometheusAddress?: string };

/** Why the mesh's metrics cannot gate this canary, or undefined when they can. */
export function meshAnalysisGap(ctx: Pick<BlockContext, 'config' | 'has'>, mesh: MeshKind): string | undefined {
  const controller = meshCanary(ctx);
  if (!controller) return 'no canary';
  if (!prometheusOperatorSelected(ctx)) return 'the mesh metrics are scraped by PodMonitors (kube-prometheus-stack)';
  // The waypoint reports one destination_workload for a Rollout's stable and canary pods.
  if (mesh === 'istio-ambient' && controller === 'argo-rollouts') return 'Istio ambient cannot tell a Rollout\'s canary pods from its stable pods';
  return undefined;
}

export interface DeliveryInput {
  mesh: MeshKind;
  /** Routing settings of the calls to each callee. */
  routes: CalleeRoute[];
  /** Linkerd: route annotations with the timeout and retries of the calls to one callee. */
  linkerdAnnotations?: (r: CalleeRoute) => Record<string, string>;
}

/** trafficRoute and meshAnalysis values of one service (nothing when no controller routes through the mesh). */
export function deliveryChart(ctx: BlockContext, input: DeliveryInput): (service: ResolvedService) => ChartContribution {
  const owner = routeOwner(ctx);
  if (!owner) return () => ({});
  const canary = meshCanary(ctx);
  const cicd = (ctx.config.cicd ?? {}) as Record<string, Thresholds | undefined>;
  const o = cicd[owner] ?? {};
  const address = prometheusFor({ has: ctx.has, options: { prometheusAddress: o.prometheusAddress ?? '' } });
  const analysisOn = canary !== undefined && o.analysis !== false && address !== '' && !meshAnalysisGap(ctx, input.mesh);
  return (service) => {
    const route = input.routes.find((r) => r.service === service.name);
    const trafficRoute = owner === 'flagger' ? { flagger: flaggerService(ctx, service, route, input) } : { rollout: rolloutStrategy(ctx, service, route) };
    const values: Record<string, unknown> = { trafficRoute };
    if (analysisOn) {
      const queries = meshQueries(input.mesh, owner, ctx.project.namespace, service.protocol, o.minRequests ?? 20);
      values.meshAnalysis = {
        enabled: true,
        controller: owner,
        prometheusAddress: address,
        ...ANALYSIS,
        successRate: o.successRate ?? 0.99,
        latencyP99Seconds: o.latencyP99Seconds ?? 0.5,
        queries,
      };
    }
    return { extraValues: values, valuesSchema: DELIVERY_SCHEMA };
  };
}

/** Fields merged into the Canary's spec.service. */
function flaggerService(ctx: BlockContext, s: ResolvedService, route: CalleeRoute | undefined, input: DeliveryInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const refs = flaggerGatewayRefs(ctx, s);
  if (refs.length) out.gatewayRefs = refs;
  if (!route) return out;
  out.timeout = durationText(route.timeoutMs);
  // Retries here only where the mesh is the edge's retry layer; the callers retry otherwise (traffic.ts).
  const retries = retryLayer(ctx, s) === 'mesh' ? route.retries : 0;
  if (input.mesh === 'istio-sidecar' && retries > 0) {
    out.retries = { attempts: retries, retryOn: s.protocol === 'grpc' ? 'connect-failure,refused-stream,unavailable' : 'connect-failure,refused-stream,reset,gateway-error' };
  }
  // Flagger copies the apex metadata onto the HTTPRoute it generates, where Linkerd reads its retry annotations.
  if (input.linkerdAnnotations) out.apex = { annotations: input.linkerdAnnotations({ ...route, retries }) };
  return out;
}

/** Fields merged into the Rollout's canary strategy. */
function rolloutStrategy(ctx: BlockContext, s: ResolvedService, route: CalleeRoute | undefined): Record<string, unknown> {
  const router = argoRouter(ctx);
  const base = { canaryService: canaryService(s.name), stableService: stableService(s.name) };
  if (router === 'istio') {
    // Every HTTP route of the VirtualService (one per caller, then the default; mesh-routes.ts) gets the weights.
    const routes = [...(route?.callers ?? []).map((c) => `from-${c.from}`), 'default'];
    return { ...base, trafficRouting: { istio: { virtualService: { name: trafficRouteName(s.name), routes } } } };
  }
  const kind = s.protocol === 'grpc' ? 'grpcRoute' : 'httpRoute';
  return { ...base, trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': { [kind]: trafficRouteName(s.name), namespace: ctx.project.namespace } } } };
}

/** The chart templates this adds: the mesh checks of the controller, and a Rollout's stable/canary Services. */
export function deliveryTemplates(ctx: Pick<BlockContext, 'config' | 'has' | 'services'>): FileSpec[] {
  const controller = meshCanary(ctx);
  if (!controller) return [];
  const names = controller === 'flagger' ? ['mesh-metrictemplates.yaml'] : ['mesh-analysistemplate.yaml', 'rollout-services.yaml'];
  return ctx.services.flatMap((s) => names.map((n) => ({ to: `deploy/charts/${s.name}/templates/${n}`, template: `discovery/mesh/chart/${n}` })));
}

const str = { type: 'string' };
const DELIVERY_SCHEMA: Record<string, object> = {
  ...TRAFFIC_ROUTE_SCHEMA,
  meshAnalysis: {
    type: 'object',
    description: "Canary checks on the mesh's own request metrics (added by the mesh block)",
    additionalProperties: false,
    required: ['enabled'],
    properties: {
      enabled: { type: 'boolean' },
      controller: { type: 'string', enum: ['flagger', 'argo-rollouts'] },
      prometheusAddress: str,
      interval: { type: 'string', pattern: '^[0-9]+(s|m|h)$' },
      window: { type: 'string', pattern: '^[0-9]+(s|m|h)$' },
      count: { type: 'integer', minimum: 1 },
      failureLimit: { type: 'integer', minimum: 0 },
      successRate: { type: 'number', minimum: 0, maximum: 1 },
      latencyP99Seconds: { type: 'number', exclusiveMinimum: 0 },
      queries: {
        type: 'object',
        additionalProperties: false,
        required: ['successRate', 'latencyP99'],
        properties: { successRate: { ...str, description: 'PromQL: share of successful requests of the canary' }, latencyP99: { ...str, description: 'PromQL: p99 latency of the canary in seconds' } },
      },
    },
  },
};
