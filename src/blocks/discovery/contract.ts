// The service-discovery env contract (wave2.md §1.4): how a caller finds each callee. Computed from the
// graph's call edges, the same for the cluster (chart env) and the local run (compose), so the
// skeletons read one set of names everywhere:
//   CALLEES=orders,payments                      the callee names, in the order of `calls`
//   ORDERS_URL=http://orders.<ns>.svc.cluster.local:8080      an HTTP callee's base URL
//   PAYMENTS_ADDR=dns:///payments-headless.<ns>.svc.cluster.local:9091   a gRPC callee's target
//   <CALLEE>_TIMEOUT_MS, <CALLEE>_RETRIES          the call edge's deadline and the caller's retries
// gRPC without a mesh resolves the headless Service (every pod address) so the client balances per
// request (round_robin); a ClusterIP balances gRPC per connection only (CR-96). With a mesh the plain
// Service name is right: the mesh balances per request. Retries are one layer's per edge (traffic.ts
// retryLayer): where the mesh's route retries, the caller's <CALLEE>_RETRIES is 0 in the cluster.
import type { EnvVar } from '../../catalog/contributions.js';
import type { BlockContext } from '../../catalog/define.js';
import { calleesOf, envPrefix, type CallEdge, type ServiceGraph } from '../../graph/graph.js';

/** The cluster DNS domain (kubelet --cluster-domain); the kubeadm, AKS, EKS, GKE, k3s default. */
export const CLUSTER_DOMAIN = 'cluster.local';

export const serviceFqdn = (service: string, ns: string) => `${service}.${ns}.svc.${CLUSTER_DOMAIN}`;
/** Name of the headless Service a chart renders beside its ClusterIP Service (headlessService.enabled). */
export const headlessName = (service: string) => `${service}-headless`;

/** A mesh is selected (discovery.mesh other than none): it balances gRPC per request itself. */
export const meshSelected = (ctx: Pick<BlockContext, 'config'>): boolean => {
  const mesh = (ctx.config.discovery as { mesh?: string } | undefined)?.mesh;
  return mesh !== undefined && mesh !== 'none';
};

/** `2s` → 2000, `500ms` → 500 (the call edge's duration syntax, graph-schema.ts DURATION). */
export function durationMs(d: string): number {
  const m = /^([0-9]+)(ms|s)$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

/** Where a caller reaches one callee: an HTTP base URL or a gRPC target. */
export type Address = (c: CallEdge) => string;

/** How often the caller itself retries a call (0 where another layer retries it). */
export type CallerRetries = (c: CallEdge) => number;

/** The contract's variables for one caller, in call order; {} when it calls nobody. */
export function calleeEnv(g: ServiceGraph, caller: string, address: Address, retries: CallerRetries = (c) => c.retries): Record<string, string> {
  const calls = calleesOf(g, caller);
  if (calls.length === 0) return {};
  const env: Record<string, string> = { CALLEES: calls.map((c) => c.to).join(',') };
  for (const c of calls) {
    const p = envPrefix(c.to);
    env[`${p}_${c.protocol === 'http' ? 'URL' : 'ADDR'}`] = address(c);
    env[`${p}_TIMEOUT_MS`] = String(durationMs(c.timeout));
    env[`${p}_RETRIES`] = String(retries(c));
  }
  return env;
}

/** In the cluster: Service DNS names in the application namespace. */
export function clusterAddress(ns: string, mesh: boolean): Address {
  return (c) =>
    c.protocol === 'http'
      ? `http://${serviceFqdn(c.to, ns)}:${c.port}`
      : mesh
        ? `${serviceFqdn(c.to, ns)}:${c.port}`
        : `dns:///${serviceFqdn(headlessName(c.to), ns)}:${c.port}`;
}

/** In compose: the compose service name resolves to every replica's address on the project network. */
export const localAddress: Address = (c) => (c.protocol === 'http' ? `http://${c.to}:${c.port}` : `dns:///${c.to}:${c.port}`);

export const asEnvVars = (env: Record<string, string>): EnvVar[] => Object.entries(env).map(([name, value]) => ({ name, value }));

/** Services some caller reaches over gRPC (they need the headless Service when no mesh balances). */
export const grpcCallees = (g: ServiceGraph): Set<string> => new Set(g.calls.filter((c) => c.protocol === 'grpc').map((c) => c.to));
