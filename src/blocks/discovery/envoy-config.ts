// The standalone Envoy front proxy's bootstrap (Envoy v3 API, static resources), built as data and dumped to
// YAML: one for the cluster (HTTPS listener with the gateway certificate, HTTP redirecting to it, backends
// on the services' headless Services) and one for compose (plain HTTP, backends on the compose service
// names). Field names: envoyproxy/envoy api/envoy/config/{bootstrap,listener,route,cluster,core}/v3/*.proto
// and api/envoy/extensions/...; every HTTP filter carries its typed_config (Envoy >= 1.23 refuses a router
// filter without one: envoyproxy/envoy#21464, CR-71). No Envoy binary is available offline, so
// test/unit/envoy-config.test.ts checks the structure instead.
import type { Exposure } from '../../graph/graph.js';

const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';
const HEALTH_CHECK = 'type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck';
const TLS = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';
const HTTP_OPTIONS = 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
const STDOUT_LOG = 'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog';

/** Container ports of the proxy (unprivileged: it runs as a non-root user without capabilities). */
export const ENVOY_PORTS = { http: 8080, https: 8443, health: 8081, admin: 9901 } as const;
/** The health listener answers GET /ready: 200 while serving, 503 once draining (readiness probe). */
export const ENVOY_READY_PATH = '/ready';
export const TLS_DIR = '/etc/envoy/tls';

export interface EnvoyOptions {
  /** cluster: HTTPS + redirect listener; local: plain HTTP (compose). */
  mode: 'cluster' | 'local';
  /** DNS name Envoy resolves for a service's backends (STRICT_DNS: every address is an endpoint). */
  backendHost: (service: string) => string;
  retries: number;
  requestTimeout: string;
}

const address = (host: string, port: number) => ({ socket_address: { address: host, port_value: port } });
const typed = (type: string, rest: Record<string, unknown> = {}) => ({ '@type': type, ...rest });
const router = () => ({ name: 'envoy.filters.http.router', typed_config: typed(ROUTER) });

/** An HTTP connection manager with the edge-proxy settings of https://www.envoyproxy.io/docs/envoy/latest/configuration/best_practices/edge. */
function hcm(statPrefix: string, routeConfig: Record<string, unknown>, filters: Record<string, unknown>[] = []) {
  return {
    name: 'envoy.filters.network.http_connection_manager',
    typed_config: typed(HCM, {
      stat_prefix: statPrefix,
      codec_type: 'AUTO',
      use_remote_address: true,
      normalize_path: true,
      merge_slashes: true,
      path_with_escaped_slashes_action: 'UNESCAPE_AND_REDIRECT',
      request_headers_timeout: '10s',
      stream_idle_timeout: '300s',
      common_http_protocol_options: { idle_timeout: '3600s', headers_with_underscores_action: 'REJECT_REQUEST' },
      access_log: [{ name: 'envoy.access_loggers.stdout', typed_config: typed(STDOUT_LOG) }],
      route_config: routeConfig,
      http_filters: [...filters, router()],
    }),
  };
}

/** Routes of one virtual host: gRPC first (matched by content-type), then HTTP by longest path prefix. */
function routesOf(exposed: Exposure[], o: EnvoyOptions) {
  const sorted = [...exposed].sort((a, b) => (a.protocol === b.protocol ? b.path.length - a.path.length : a.protocol === 'grpc' ? -1 : 1));
  return sorted.map((e) => ({
    name: e.service,
    match: e.protocol === 'grpc' ? { prefix: '/', grpc: {} } : { prefix: e.path },
    route: {
      cluster: e.service,
      timeout: o.requestTimeout,
      retry_policy: {
        retry_on: e.protocol === 'grpc' ? 'connect-failure,refused-stream,unavailable' : 'connect-failure,refused-stream,retriable-status-codes',
        ...(e.protocol === 'http' ? { retriable_status_codes: [503] } : {}),
        num_retries: o.retries,
        retry_back_off: { base_interval: '0.1s', max_interval: '1s' },
      },
    },
  }));
}

/** One virtual host per exposed hostname, and a catch-all for the services exposed without one. */
function virtualHosts(exposed: Exposure[], o: EnvoyOptions) {
  const hosts = [...new Set(exposed.flatMap((e) => (e.hostname ? [e.hostname] : [])))];
  const named = hosts.map((h) => ({ name: h, domains: [h, `${h}:*`], routes: routesOf(exposed.filter((e) => e.hostname === h), o) }));
  const any = exposed.filter((e) => !e.hostname);
  return [...named, ...(any.length > 0 ? [{ name: 'any', domains: ['*'], routes: routesOf(any, o) }] : [])];
}

function cluster(e: Exposure, o: EnvoyOptions) {
  return {
    name: e.service,
    type: 'STRICT_DNS',
    connect_timeout: '1s',
    dns_refresh_rate: '5s',
    lb_policy: 'LEAST_REQUEST',
    load_assignment: { cluster_name: e.service, endpoints: [{ lb_endpoints: [{ endpoint: { address: address(o.backendHost(e.service), e.port) } }] }] },
    // gRPC needs HTTP/2 to the backend; HTTP services get HTTP/1.1 (Envoy's default upstream protocol).
    ...(e.protocol === 'grpc'
      ? { typed_extension_protocol_options: { 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': typed(HTTP_OPTIONS, { explicit_http_config: { http2_protocol_options: {} } }) } }
      : {}),
    health_checks: [
      {
        timeout: '1s',
        interval: '5s',
        unhealthy_threshold: 3,
        healthy_threshold: 1,
        ...(e.protocol === 'grpc' ? { grpc_health_check: {} } : { http_health_check: { path: '/readyz' } }),
      },
    ],
    outlier_detection: { consecutive_5xx: 5, interval: '10s', base_ejection_time: '30s', max_ejection_percent: 50 },
  };
}

/** The health listener: Envoy's health_check filter answers /ready itself (503 while draining). */
function healthListener() {
  const healthFilter = {
    name: 'envoy.filters.http.health_check',
    typed_config: typed(HEALTH_CHECK, { pass_through_mode: false, headers: [{ name: ':path', string_match: { exact: ENVOY_READY_PATH } }] }),
  };
  const notFound = { name: 'health', virtual_hosts: [{ name: 'health', domains: ['*'], routes: [{ match: { prefix: '/' }, direct_response: { status: 404 } }] }] };
  return { name: 'health', address: address('0.0.0.0', ENVOY_PORTS.health), filter_chains: [{ filters: [hcm('health', notFound, [healthFilter])] }] };
}

export function envoyBootstrap(exposed: Exposure[], o: EnvoyOptions): Record<string, unknown> {
  const routes = { name: 'services', virtual_hosts: virtualHosts(exposed, o) };
  const listeners: Record<string, unknown>[] = [];
  if (o.mode === 'cluster') {
    const tls = {
      name: 'envoy.transport_sockets.tls',
      typed_config: typed(TLS, {
        common_tls_context: {
          alpn_protocols: ['h2', 'http/1.1'],
          // watched_directory: the Secret volume is updated by an atomic symlink swap when cert-manager renews it.
          tls_certificates: [{ certificate_chain: { filename: `${TLS_DIR}/tls.crt` }, private_key: { filename: `${TLS_DIR}/tls.key` }, watched_directory: { path: TLS_DIR } }],
        },
      }),
    };
    listeners.push({ name: 'https', address: address('0.0.0.0', ENVOY_PORTS.https), filter_chains: [{ filters: [hcm('https', routes)], transport_socket: tls }] });
    const redirect = { name: 'redirect', virtual_hosts: [{ name: 'redirect', domains: ['*'], routes: [{ match: { prefix: '/' }, redirect: { https_redirect: true } }] }] };
    listeners.push({ name: 'http', address: address('0.0.0.0', ENVOY_PORTS.http), filter_chains: [{ filters: [hcm('http', redirect)] }] });
  } else {
    listeners.push({ name: 'http', address: address('0.0.0.0', ENVOY_PORTS.http), filter_chains: [{ filters: [hcm('http', routes)] }] });
  }
  listeners.push(healthListener());
  return {
    // Only reachable from inside the pod/container: the admin API can stop the server.
    admin: { address: address('127.0.0.1', ENVOY_PORTS.admin) },
    static_resources: { listeners, clusters: exposed.map((e) => cluster(e, o)) },
  };
}
