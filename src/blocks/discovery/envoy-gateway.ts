// Envoy Gateway (wave2.md §2.4): the Gateway API implementation of the Envoy project, installed from its
// pinned chart at the line that supports project.kubernetesVersion, a GatewayClass + EnvoyProxy + Gateway
// gateway-system/gateway (Harbor's default parent) with an HTTPS listener, and per exposed service an
// HTTPRoute/GRPCRoute plus an optional BackendTrafficPolicy (health checks, retries, timeout).
import * as z from 'zod';
import { defineBlock, type BlockContext } from '../../catalog/define.js';
import type { ResolvedService } from '../../config/schema.js';
import { HARBOR_NAMESPACE, HARBOR_SECRETS } from '../registry/shared.js';
import {
  GATEWAY_NAME,
  GATEWAY_PEER,
  GATEWAY_NAMESPACE,
  GATEWAY_TLS_SECRET,
  HTTPS_LISTENER,
  certificateFile,
  exposureIn,
  gatewayNetwork,
  gatewayOf,
  routeChart,
  routeTemplates,
  tlsOptions,
  tlsQuestions,
  tlsReadme,
} from './gateway.js';
import { gatewayRouteOwnership } from './traffic.js';

/** Namespace of the controller and (by default, not GatewayNamespace mode) of the Envoy proxies it creates. */
export const EG_NAMESPACE = 'envoy-gateway-system';
const CLASS = 'envoy-gateway';

export interface EnvoyGatewayLine {
  line: string;
  /** Chart and image version (git tag) pinned for this line: its newest patch release. */
  version: string;
  /** Kubernetes minors the line supports. */
  kube: [number, number];
  gatewayAPI: string;
  eol: string;
}
/**
 * Supported lines, newest first: envoyproxy/gateway site/content/en/news/releases/matrix.md @v1.9.0
 * (Kubernetes range, Gateway API bundle, end of life); patch versions are the newest tags of each line.
 * v1.7 is left out: it supports the same Kubernetes versions as v1.8 and ended earlier.
 */
export const ENVOY_GATEWAY_LINES: EnvoyGatewayLine[] = [
  { line: 'v1.9', version: 'v1.9.0', kube: [33, 36], gatewayAPI: 'v1.6.1', eol: '2027-02-14' },
  { line: 'v1.8', version: 'v1.8.3', kube: [32, 35], gatewayAPI: 'v1.5.1', eol: '2026-11-08' },
  { line: 'v1.6', version: 'v1.6.7', kube: [30, 33], gatewayAPI: 'v1.4.0', eol: '2026-05-13' },
];
/** The newest line that supports the Kubernetes minor (the oldest line below the table). */
export function envoyGatewayFor(minor: number): EnvoyGatewayLine {
  return ENVOY_GATEWAY_LINES.find((l) => minor >= l.kube[0] && minor <= l.kube[1]) ?? ENVOY_GATEWAY_LINES[ENVOY_GATEWAY_LINES.length - 1]!;
}
export const CURRENT_ENVOY_GATEWAY = ENVOY_GATEWAY_LINES[0]!;

const Options = z
  .object({
    ...tlsOptions,
    gatewayAPICRDs: z
      .enum(['install', 'external'])
      .default('install')
      .describe('install: the install script owns the Gateway API CRDs; external: your platform already manages them (e.g. a GKE or EKS add-on)'),
    backendPolicy: z.boolean().default(true).describe('A BackendTrafficPolicy per exposed service: active and passive health checks, retries, request timeout'),
    retries: z.number().int().min(0).max(5).default(2).describe('Retries of a request the backend refused or could not take (connect failure, HTTP 503, gRPC UNAVAILABLE)'),
    requestTimeout: z.string().regex(/^[0-9]{1,5}(ms|s|m)$/, { error: 'requestTimeout is a duration like 15s' }).default('15s').describe('End-to-end timeout of a request through the gateway'),
  })
  .strict();
type O = z.infer<typeof Options>;

function data(ctx: BlockContext<O>) {
  const minor = Number(ctx.project.kubernetesVersion.split('.')[1]);
  const eg = envoyGatewayFor(minor);
  const harbor = ctx.config.registry as { provider?: string; harbor?: { install?: string; expose?: string; host?: string; gateway?: string } } | undefined;
  // Harbor's HTTPRoute attaches to this Gateway unless registry.harbor.gateway names another one.
  const harborHere =
    harbor?.provider === 'harbor' && harbor.harbor?.install === 'helm' && harbor.harbor.expose === 'route' && (harbor.harbor.gateway ?? `${GATEWAY_NAMESPACE}/${GATEWAY_NAME}`) === `${GATEWAY_NAMESPACE}/${GATEWAY_NAME}`;
  return {
    tls: ctx.options.tls,
    eg: {
      ...eg,
      kube: `1.${eg.kube[0]}-1.${eg.kube[1]}`,
      namespace: EG_NAMESPACE,
      // crds.enabled exists from v1.8 (a crds subchart); older charts keep CRDs in crds/ (helm --skip-crds).
      crdsValue: eg.line !== 'v1.6',
      installGatewayAPI: ctx.options.gatewayAPICRDs === 'install',
    },
    gateway: {
      namespace: GATEWAY_NAMESPACE,
      name: GATEWAY_NAME,
      className: CLASS,
      listener: HTTPS_LISTENER,
      tlsSecret: GATEWAY_TLS_SECRET,
      routeNamespaces: [ctx.project.namespace],
      harbor: harborHere ? { host: harbor!.harbor!.host ?? 'harbor.example.com', secret: HARBOR_SECRETS.tls, namespace: HARBOR_NAMESPACE } : false,
    },
  };
}

export default defineBlock({
  id: 'envoy-gateway',
  category: 'discovery',
  slot: 'gateway',
  title: 'Envoy Gateway',
  summary: `Gateway API with Envoy (chart ${CURRENT_ENVOY_GATEWAY.version} for Kubernetes 1.33+, older lines for older clusters), HTTPS Gateway, a route per exposed service`,
  status: 'stable',
  options: Options,
  questions: {
    ...tlsQuestions,
    gatewayAPICRDs: {
      message: 'Who installs the Gateway API CRDs?',
      choices: { install: 'the Envoy Gateway install script (one owner)', external: 'my platform already manages them' },
    },
    backendPolicy: {
      message: 'Health checks, retries and a timeout per exposed service (BackendTrafficPolicy)?',
      // Harbor's route alone gets no policy: only exposed services have one.
      when: { text: 'a service is exposed', test: (a) => Array.isArray(a.services) && a.services.some((s: { expose?: unknown } | null) => s?.expose !== undefined && s.expose !== false) },
    },
    retries: null,
    requestTimeout: null,
  },
  files: (ctx) => {
    const d = data(ctx);
    return [
      { to: 'deploy/gateway/envoy-gateway/namespace.yaml', template: 'discovery/envoy-gateway/namespace.yaml.hbs', data: d },
      { to: 'deploy/gateway/envoy-gateway/values.yaml', template: 'discovery/envoy-gateway/values.yaml.hbs', data: d },
      { to: 'deploy/gateway/envoy-gateway/gateway.yaml', template: 'discovery/envoy-gateway/gateway.yaml.hbs', data: d },
      { to: 'deploy/gateway/envoy-gateway/install.sh', template: 'discovery/envoy-gateway/install.sh.hbs', data: d },
      ...certificateFile(ctx, ctx.options, GATEWAY_NAMESPACE),
      ...routeTemplates(ctx, ctx.options.backendPolicy),
    ];
  },
  contribute: (ctx) => {
    const o = ctx.options;
    const eg = data(ctx).eg;
    const ref = gatewayOf(ctx.config)!;
    const exposed = ctx.graph.exposed;
    // One owner per route: Flagger's Canary, or this chart (under another name when Flagger owns the service's).
    const ownership = (s: ResolvedService) => gatewayRouteOwnership(ctx, s);
    return {
      gateway: { kind: 'gateway-api', ...ref, peer: GATEWAY_PEER },
      network: gatewayNetwork(ctx, {
        title: 'Envoy Gateway proxies',
        namespace: EG_NAMESPACE,
        // Labels of every proxy pod Envoy Gateway creates for this Gateway (envoyproxy/gateway
        // internal/infrastructure/kubernetes/proxy/resource.go EnvoyAppLabel, internal/gatewayapi/translator.go
        // OwningGateway*Label @v1.9.0).
        podLabels: {
          'app.kubernetes.io/name': 'envoy',
          'app.kubernetes.io/component': 'proxy',
          'app.kubernetes.io/managed-by': 'envoy-gateway',
          'gateway.envoyproxy.io/owning-gateway-name': GATEWAY_NAME,
          'gateway.envoyproxy.io/owning-gateway-namespace': GATEWAY_NAMESPACE,
        },
      }),
      chart: routeChart(ref, exposureIn(ctx), o.backendPolicy ? { enabled: true, retries: o.retries, requestTimeout: o.requestTimeout } : undefined, ownership),
      make: [
        {
          name: 'gateway-install',
          help: `Install or upgrade Envoy Gateway ${eg.version} and the Gateway ${GATEWAY_NAMESPACE}/${GATEWAY_NAME}`,
          recipe: ['bash deploy/gateway/envoy-gateway/install.sh'],
        },
        { name: 'gateway-status', help: 'Show the Gateway, its address and the routes attached to it', recipe: [`kubectl -n ${GATEWAY_NAMESPACE} get gateway ${GATEWAY_NAME}`, `kubectl -n ${ctx.project.namespace} get httproutes,grpcroutes`] },
      ],
      readme: [
        {
          title: 'Gateway: Envoy Gateway',
          order: 45,
          body: [
            `Envoy Gateway ${eg.version} (line ${eg.line}: Kubernetes ${eg.kube}, Gateway API ${eg.gatewayAPI}, end of life ${eg.eol}) runs in \`${EG_NAMESPACE}\`; ` +
              `the Gateway \`${GATEWAY_NAMESPACE}/${GATEWAY_NAME}\` (\`deploy/gateway/envoy-gateway/gateway.yaml\`) listens on 443 (HTTPS) and redirects 80 to it.`,
            '',
            '```sh\nmake gateway-install   # CRDs (server-side apply), the chart, the certificate and the Gateway\nmake gateway-status\n```',
            '',
            tlsReadme(ctx, o, GATEWAY_NAMESPACE, 'deploy/gateway/envoy-gateway/namespace.yaml'),
            '',
            exposed.length === 0
              ? 'No service is exposed yet: set `expose: true` (or `{path, hostname}`) on a service and regenerate to get its route.'
              : 'Exposed services (each chart renders its route' + (o.backendPolicy ? ' and a BackendTrafficPolicy: active health checks, passive ejection, retries, timeout' : '') + '):\n\n' +
                exposed
                  .map((e) => {
                    const canary = ownership(ctx.services.find((s) => s.name === e.service)!).owner === 'canary';
                    const kind = e.protocol === 'http' || canary ? 'HTTPRoute' : 'GRPCRoute';
                    const match = e.protocol === 'http' ? ` \`${e.hostname ?? '*'}${e.path}\`` : e.hostname ? ` \`${e.hostname}\`` : '';
                    return `- **${e.service}** — ${kind}${match} → port ${e.port}${canary ? " (generated by Flagger's Canary, which shifts it between the primary and the canary)" : ''}`;
                  })
                  .join('\n'),
          ].join('\n'),
        },
      ],
      diagram: { nodes: [{ id: 'gateway', label: `Envoy Gateway ${eg.version}`, group: 'cluster' }], edges: [{ from: 'gateway', to: 'k8s', label: 'HTTPS routes' }] },
    };
  },
});
