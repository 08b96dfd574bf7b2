// What the gateway blocks (envoy-gateway, envoy, existing) share: where the Gateway lives, the routes they
// add to exposed services' charts (HTTPRoute / GRPCRoute, verbatim templates gated by `route.*` values),
// the network peer of the proxies with one edge per exposed service, and the TLS options of the generated
// entry points. The Gateway's place is computed from the answers alone (gatewayOf) so Harbor's
// `expose: route` can follow it without waiting for merged contributions.
import * as z from 'zod';
import type { ChartContribution, GatewayRef, NetworkContribution, NetworkPeer } from '../../catalog/contributions.js';
import type { BlockContext, FileSpec, FilesContext, Question } from '../../catalog/define.js';
import type { Config, ResolvedService } from '../../config/schema.js';

/** Namespace of the Gateway (and its certificate); Harbor's `registry.harbor.gateway` default names it too. */
export const GATEWAY_NAMESPACE = 'gateway-system';
export const GATEWAY_NAME = 'gateway';
/** The HTTPS listener routes attach to; the `http` listener only redirects to it. */
export const HTTPS_LISTENER = 'https';
/** The Secret holding the Gateway's certificate (in GATEWAY_NAMESPACE). */
export const GATEWAY_TLS_SECRET = 'gateway-tls';
/** Network peer id of whatever proxies forward outside requests to the services (one gateway block at a time). */
export const GATEWAY_PEER = 'gateway';
const REF = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/;

/**
 * The Gateway API Gateway that exposed services (and Harbor) attach to, from the answers alone; null when
 * the chosen gateway is not a Gateway API one (envoy, none).
 */
export function gatewayOf(config: Pick<Config, 'discovery'> | Record<string, any>): Pick<GatewayRef, 'namespace' | 'name' | 'sectionName'> | null {
  const d = (config as { discovery?: { gateway?: string; existing?: { parentRef?: string; sectionName?: string } } }).discovery;
  if (d?.gateway === 'envoy-gateway') return { namespace: GATEWAY_NAMESPACE, name: GATEWAY_NAME, sectionName: HTTPS_LISTENER };
  if (d?.gateway === 'existing') {
    const m = REF.exec(d.existing?.parentRef ?? `${GATEWAY_NAMESPACE}/${GATEWAY_NAME}`);
    if (!m) return null; // refused by the option's own validation
    return { namespace: m[1]!, name: m[3]!, ...(d.existing?.sectionName ? { sectionName: d.existing.sectionName } : {}) };
  }
  return null;
}

export const parentRefOption = z
  .string()
  .regex(REF, { error: 'parentRef must be <namespace>/<name> of a Gateway' })
  .default(`${GATEWAY_NAMESPACE}/${GATEWAY_NAME}`);

/** The proxies' network peer and one edge to each exposed service's port (health checks use it too). */
export function gatewayNetwork(ctx: Pick<BlockContext, 'graph'>, peer: Omit<NetworkPeer, 'id'>): NetworkContribution {
  return {
    peers: [{ id: GATEWAY_PEER, ...peer }],
    edges: ctx.graph.exposed.map((e) => ({
      from: { peer: GATEWAY_PEER },
      to: { service: e.service },
      ports: [{ port: e.port, protocol: 'TCP', appProtocol: e.protocol }],
      reason: `the gateway routes ${e.hostname ?? 'any host'} ${e.protocol === 'http' ? e.path : '(gRPC)'} to ${e.service}`,
    })),
  };
}

/** BackendTrafficPolicy settings (envoy-gateway); the other Gateway API implementations get routes only. */
export interface BackendPolicy {
  enabled: boolean;
  retries: number;
  requestTimeout: string;
}

/** Who renders a service's Gateway route when not its chart, or under which other name (discovery/traffic.ts gatewayRouteOwnership). */
export type RouteOwnership = (s: ResolvedService) => { owner?: 'canary'; name?: string };

/** The `route` values of an exposed service (none for the others: their charts get no route template). */
export function routeChart(
  ref: Pick<GatewayRef, 'namespace' | 'name' | 'sectionName'>,
  exposedOf: (s: ResolvedService) => { path: string; hostname?: string } | undefined,
  policy?: BackendPolicy,
  ownership: RouteOwnership = () => ({}),
) {
  return (service: ResolvedService): ChartContribution => {
    const e = exposedOf(service);
    if (!e) return {};
    const parentRef = { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: ref.namespace, name: ref.name, ...(ref.sectionName ? { sectionName: ref.sectionName } : {}) };
    const route: Record<string, unknown> = {
      enabled: true,
      ...ownership(service),
      parentRefs: [parentRef],
      hostnames: e.hostname ? [e.hostname] : [],
      ...(service.protocol === 'http' ? { path: e.path } : { grpcServices: [] }),
      ...(policy ? { backendPolicy: policy } : {}),
    };
    return { extraValues: { route }, valuesSchema: { route: ROUTE_SCHEMA } };
  };
}

/** The exposure of a service in the graph, for routeChart. */
export const exposureIn = (ctx: Pick<BlockContext, 'graph'>) => (s: ResolvedService) => ctx.graph.exposed.find((e) => e.service === s.name);

/** The route templates an exposed service's chart needs (by protocol), and the policy template when used. */
export function routeTemplates(ctx: Pick<FilesContext, 'graph'>, withPolicy: boolean): FileSpec[] {
  return ctx.graph.exposed.flatMap((e) => [
    { to: `deploy/charts/${e.service}/templates/${e.protocol === 'http' ? 'httproute' : 'grpcroute'}.yaml`, template: `discovery/chart/${e.protocol === 'http' ? 'httproute' : 'grpcroute'}.yaml` },
    ...(withPolicy ? [{ to: `deploy/charts/${e.service}/templates/backendtrafficpolicy.yaml`, template: 'discovery/chart/backendtrafficpolicy.yaml' }] : []),
  ]);
}

const ROUTE_SCHEMA = {
  type: 'object',
  description: 'Gateway API route from the gateway to this service (added by the gateway block for an exposed service)',
  additionalProperties: false,
  required: ['enabled', 'parentRefs'],
  properties: {
    enabled: { type: 'boolean' },
    owner: {
      type: 'string',
      enum: ['chart', 'canary'],
      description: "canary: Flagger's Canary generates this service's HTTPRoute on the Gateway (the chart renders none; a BackendTrafficPolicy targets Flagger's route)",
    },
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', description: 'Name of the route (default: the release name, which Flagger takes for its own route under a mesh)' },
    parentRefs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: { group: { type: 'string' }, kind: { type: 'string' }, namespace: { type: 'string' }, name: { type: 'string' }, sectionName: { type: 'string' } },
      },
    },
    hostnames: { type: 'array', items: { type: 'string' } },
    path: { type: 'string', pattern: '^/', description: 'Path prefix (HTTPRoute)' },
    grpcServices: { type: 'array', items: { type: 'string' }, description: 'Fully qualified gRPC service names to route (GRPCRoute); empty = all' },
    backendPolicy: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean', description: 'Render a BackendTrafficPolicy (Envoy Gateway): health checks, retries, timeout' },
        retries: { type: 'integer', minimum: 0, maximum: 10 },
        requestTimeout: { type: 'string', pattern: '^[0-9]+(ms|s|m|h)$' },
        healthPath: { type: 'string', pattern: '^/' },
      },
    },
  },
};

/** TLS of the generated entry points (envoy-gateway, envoy): a cert-manager Certificate or your Secret. */
export const tlsOptions = {
  hostname: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, { error: 'hostname must be a DNS name, e.g. shop.example.com' })
    .default('app.example.com')
    .describe("DNS name the gateway's certificate is issued for (exposed services' own expose.hostname are added)"),
  tls: z
    .enum(['cert-manager', 'secret'])
    .default('cert-manager')
    .describe(`cert-manager issues the certificate into Secret ${GATEWAY_TLS_SECRET}, or you create that Secret yourself`),
  issuer: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
    .default('letsencrypt')
    .describe('cert-manager ClusterIssuer that signs the certificate (tls=cert-manager)'),
};
export const tlsQuestions: Record<keyof typeof tlsOptions, Question | null> = {
  hostname: { message: 'DNS name of the gateway (its TLS certificate)?' },
  tls: { message: 'Where does the gateway certificate come from?', choices: { 'cert-manager': 'a cert-manager Certificate', secret: `a TLS Secret ${GATEWAY_TLS_SECRET} you create` } },
  // Its own wording: Harbor asks for its ClusterIssuer too, and the two answers are independent.
  issuer: { message: 'cert-manager ClusterIssuer for the gateway certificate?', when: { tls: 'cert-manager' } },
};
type Tls = { hostname: string; tls: 'cert-manager' | 'secret'; issuer: string };

/** Every name the certificate must cover: the gateway hostname, then exposed services' hostnames. */
export const certificateNames = (ctx: Pick<BlockContext, 'graph'>, o: Tls) => [...new Set([o.hostname, ...ctx.graph.exposed.flatMap((e) => (e.hostname ? [e.hostname] : []))])];

export function certificateFile(ctx: Pick<BlockContext, 'graph'>, o: Tls, namespace: string): FileSpec[] {
  if (o.tls !== 'cert-manager') return [];
  return [{ to: 'deploy/gateway/certificate.yaml', template: 'discovery/gateway/certificate.yaml.hbs', data: { cert: { namespace, secret: GATEWAY_TLS_SECRET, issuer: o.issuer, dnsNames: certificateNames(ctx, o) } } }];
}

/** README lines on the certificate. */
export function tlsReadme(ctx: Pick<BlockContext, 'graph'>, o: Tls, namespace: string, namespaceFile: string): string {
  const names = certificateNames(ctx, o).map((n) => `\`${n}\``).join(', ');
  return o.tls === 'cert-manager'
    ? `TLS: \`deploy/gateway/certificate.yaml\` asks cert-manager (ClusterIssuer \`${o.issuer}\`) for a certificate covering ${names} into Secret \`${GATEWAY_TLS_SECRET}\` (namespace \`${namespace}\`).`
    : `TLS: create the Secret (a certificate for ${names}) before installing:\n\n\`\`\`sh\nkubectl apply -f ${namespaceFile}\nkubectl -n ${namespace} create secret tls ${GATEWAY_TLS_SECRET} --cert=tls.crt --key=tls.key\n\`\`\``;
}
