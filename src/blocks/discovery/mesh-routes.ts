// Routing per call edge through the mesh (deploy/mesh/routes/<callee>.yaml): the timeout and retries the
// call edges declare, per-request balancing (every mesh balances HTTP/2 requests, so gRPC clients dial the
// plain Service name), and the weights an Argo Rollouts canary shifts. Each mesh in the API it implements:
//   - Linkerd: Gateway API HTTPRoute/GRPCRoute attached to the callee's Service (GAMMA), with the timeout and
//     retries as annotations (policy-controller/k8s/index/src/outbound/index/{http,grpc}.rs parse_timeouts,
//     parse_http_retry, parse_grpc_retry @edge-26.8.3: timeout.linkerd.io/request, retry.linkerd.io/limit,
//     retry.linkerd.io/http, retry.linkerd.io/grpc);
//   - Istio sidecars: a VirtualService per callee with one route per caller (match.sourceLabels), so each
//     call edge keeps its own timeout and retries;
//   - Istio ambient: Gateway API routes served by the waypoint (HTTPRoute rules[].timeouts.request; the
//     standard channel has no retry field, so retries stay in the clients, which retry per the call edge).
// Under Flagger no route is generated: Flagger owns the service's route and takes the same settings from the
// Canary (mesh-delivery.ts).
import type { FileSpec } from '../../catalog/define.js';
import { SERVICE_LABEL } from '../network-policy/compile.js';
import { canaryService, trafficRouteName, stableService } from './mesh-delivery.js';
import { meta, MESH_ROUTES_DIR, objectsFile } from './mesh-files.js';
import { durationText, type CalleeRoute } from './mesh-model.js';
import type { MeshKind } from './traffic.js';

/** Linkerd route annotations for the calls to one callee. */
export function linkerdRouteAnnotations(r: Pick<CalleeRoute, 'timeoutMs' | 'retries' | 'protocol'>, kind: 'HTTPRoute' | 'GRPCRoute'): Record<string, string> {
  const a: Record<string, string> = { 'timeout.linkerd.io/request': durationText(r.timeoutMs) };
  if (r.retries > 0) {
    a['retry.linkerd.io/limit'] = String(r.retries);
    // Transient failures only: the gateway-class HTTP statuses (502-504), gRPC UNAVAILABLE.
    if (kind === 'GRPCRoute') a['retry.linkerd.io/grpc'] = 'unavailable';
    else a['retry.linkerd.io/http'] = 'gateway-error';
  }
  return a;
}

export interface RouteTarget {
  service: string;
  port: number;
  protocol: 'http' | 'grpc';
  /** The calls to it (absent: no caller declares settings, the route exists for a canary's weights only). */
  route?: CalleeRoute;
}

const backends = (t: RouteTarget, argo: boolean) =>
  argo
    ? [
        { group: '', kind: 'Service', name: stableService(t.service), port: t.port, weight: 100 },
        { group: '', kind: 'Service', name: canaryService(t.service), port: t.port, weight: 0 },
      ]
    : [{ group: '', kind: 'Service', name: t.service, port: t.port }];

/** A Gateway API route attached to the callee's own Service (east-west, GAMMA). */
function gammaRoute(t: RouteTarget, ns: string, mesh: 'linkerd' | 'istio-ambient', argo: boolean): Record<string, unknown> {
  const kind = t.protocol === 'grpc' ? 'GRPCRoute' : 'HTTPRoute';
  const annotations = mesh === 'linkerd' && t.route ? linkerdRouteAnnotations(t.route, kind) : undefined;
  const rule: Record<string, unknown> = { backendRefs: backends(t, argo) };
  if (kind === 'HTTPRoute') {
    rule.matches = [{ path: { type: 'PathPrefix', value: '/' } }];
    if (mesh === 'istio-ambient' && t.route) rule.timeouts = { request: durationText(t.route.timeoutMs) };
  }
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind,
    metadata: meta(trafficRouteName(t.service), ns, { annotations }),
    spec: { parentRefs: [{ group: '', kind: 'Service', name: t.service, port: t.port }], rules: [rule] },
  };
}

/** A VirtualService with one HTTP route per caller (sidecars match their own pod labels), then a default route. */
function virtualService(t: RouteTarget, ns: string, argo: boolean): Record<string, unknown> {
  const host = `${t.service}.${ns}.svc.cluster.local`;
  const destinations = argo
    ? [
        { destination: { host: stableService(t.service), port: { number: t.port } }, weight: 100 },
        { destination: { host: canaryService(t.service), port: { number: t.port } }, weight: 0 },
      ]
    : [{ destination: { host, port: { number: t.port } } }];
  const retryOn = t.protocol === 'grpc' ? 'connect-failure,refused-stream,unavailable' : 'connect-failure,refused-stream,reset,gateway-error';
  const http = (t.route?.callers ?? []).map((c) => ({
    name: `from-${c.from}`,
    match: [{ sourceLabels: { [SERVICE_LABEL]: c.from } }],
    route: destinations,
    timeout: durationText(c.timeoutMs),
    retries: c.retries > 0 ? { attempts: c.retries, retryOn } : { attempts: 0 },
  }));
  http.push({ name: 'default', route: destinations } as (typeof http)[number]);
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: meta(trafficRouteName(t.service), ns),
    spec: { hosts: [host], http },
  };
}

/** deploy/mesh/routes/<service>.yaml for every target. */
export function routeFiles(targets: RouteTarget[], mesh: MeshKind, ns: string, argo: boolean): FileSpec[] {
  return targets.map((t) => {
    const object = mesh === 'istio-sidecar' ? virtualService(t, ns, argo) : gammaRoute(t, ns, mesh, argo);
    const why = [
      ...(t.route?.callers ?? []).map((c) => `${c.from} calls ${t.service}: timeout ${durationText(c.timeoutMs)}, ${c.retries} retries`),
      ...(argo ? [`Argo Rollouts shifts the calls to ${t.service} between ${stableService(t.service)} and ${canaryService(t.service)}`] : []),
    ];
    return objectsFile(
      `${MESH_ROUTES_DIR}/${t.service}.yaml`,
      [`Mesh route of the calls to ${t.service}, generated by cn-scaffold from services[].calls in cn-scaffold.yaml.`, '`cn-scaffold explain <this file>` lists the call edges behind it.'],
      [object],
      why,
    );
  });
}
