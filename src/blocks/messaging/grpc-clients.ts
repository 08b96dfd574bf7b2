// The gRPC client of every call edge to a gRPC service, in the caller's language: a copy of the callee's
// proto in the caller (proto-clients/<callee>/, what its build and image see; `make validate` fails when a
// copy differs from the source), the client code with the edge's deadline, retries and round_robin in
// the gRPC service config (https://github.com/grpc/grpc/blob/master/doc/service_config.md; retries:
// https://github.com/grpc/proposal/blob/master/A6-client-retries.md, maxAttempts is capped at 5), and the
// libraries an HTTP caller needs (a gRPC caller has them already).
import type { FileSpec, FilesContext } from '../../catalog/define.js';
import type { SkeletonContribution } from '../../catalog/contributions.js';
import type { ResolvedProject, ResolvedService } from '../../config/schema.js';
import { envPrefix, type CallEdge } from '../../graph/graph.js';
import { protoApi } from '../../plan/proto-api.js';
import { GRPC_LOCK, GRPC_NODE_DEPENDENCIES } from './npm-locks.js';
import { clusterAddress, meshSelected } from '../discovery/contract.js';
import { retryLayer } from '../discovery/traffic.js';

/** The versions of the gRPC skeletons (templates/base/services/<language>/grpc), reused for HTTP callers. */
const GO_GRPC = { 'google.golang.org/grpc': 'v1.78.0', 'google.golang.org/protobuf': 'v1.36.11' };
const PY_GRPC = ['grpcio==1.78.0', 'protobuf==6.33.5'];

/** Milliseconds of an edge timeout (`500ms`, `2s`). */
export const timeoutMs = (t: string) => (t.endsWith('ms') ? Number(t.slice(0, -2)) : Number(t.slice(0, -1)) * 1000);

/**
 * A duration of the service config with 9 fractional digits (0.300000000s): @grpc/grpc-js 1.14.7 reads
 * the fraction as a whole number of nanoseconds (build/src/service-config.js: "0.3s" became 3 ns), and
 * every gRPC implementation accepts the 9-digit form (protobuf Duration JSON).
 */
export function duration(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const nanos = (ms % 1000) * 1_000_000;
  return nanos === 0 ? `${whole}s` : `${whole}.${String(nanos).padStart(9, '0')}s`;
}

/**
 * The gRPC service config of a call edge: round_robin, the deadline, retries of UNAVAILABLE calls (`retries`:
 * the edge's, or 0 where the mesh retries the calls, discovery/traffic.ts retryLayer).
 */
export function serviceConfig(edge: CallEdge, fqService: string, retries: number = edge.retries): Record<string, unknown> {
  const method: Record<string, unknown> = { name: [{ service: fqService }], timeout: duration(timeoutMs(edge.timeout)) };
  if (retries > 0) {
    method.retryPolicy = {
      maxAttempts: Math.min(5, retries + 1),
      initialBackoff: duration(100),
      maxBackoff: '1s',
      backoffMultiplier: 2,
      // Only calls that did not reach the service: retrying anything else could run a request twice.
      retryableStatusCodes: ['UNAVAILABLE'],
    };
  }
  return { loadBalancingConfig: [{ round_robin: {} }], methodConfig: [method] };
}

/** The same service config as a Java expression (grpc-java wants JSON-like maps, numbers as Double). */
function javaLiteral(v: unknown): string {
  if (Array.isArray(v)) return `List.of(${v.map(javaLiteral).join(', ')})`;
  if (typeof v === 'number') return `${v}.0`.replace(/(\.\d+)\.0$/, '$1');
  if (typeof v === 'string') return JSON.stringify(v);
  return `Map.of(${Object.entries(v as object).map(([k, x]) => `${JSON.stringify(k)}, ${javaLiteral(x)}`).join(', ')})`;
}

const snake = (s: string) => s.replace(/-/g, '_');
const pascal = (s: string) => s.split('-').map((p) => p[0]!.toUpperCase() + p.slice(1)).join('');
const camel = (s: string) => pascal(s)[0]!.toLowerCase() + pascal(s).slice(1);

export const grpcEdges = (calls: CallEdge[]) => calls.filter((c) => c.protocol === 'grpc');

/** What a caller's skeleton needs for its gRPC clients. */
export function grpcSkeleton(service: ResolvedService, calls: CallEdge[]): SkeletonContribution {
  const callees = grpcEdges(calls).filter((c) => c.from === service.name);
  const part: SkeletonContribution = { protoRoots: callees.map((c) => `proto-clients/${c.to}`) };
  if (callees.length > 0 && service.protocol === 'http') {
    if (service.language === 'node') part.npm = { dependencies: { ...GRPC_NODE_DEPENDENCIES }, lock: { ...GRPC_LOCK } };
    if (service.language === 'go') part.go = { ...GO_GRPC };
    if (service.language === 'python') part.python = [...PY_GRPC];
    // java: pom.xml adds grpc-java and the protobuf plugin when the service has proto roots.
  }
  return part;
}

/** The files of one call edge in the caller: the callee's proto (copy) and the client code. */
export function clientFiles(ctx: Pick<FilesContext, 'services' | 'config' | 'has'> & { project: ResolvedProject }, edge: CallEdge): FileSpec[] {
  const caller = ctx.services.find((s) => s.name === edge.from)!;
  const callee = ctx.services.find((s) => s.name === edge.to)!;
  const api = protoApi(ctx.project, callee);
  const dir = `services/${caller.name}`;
  // One retry layer per edge: the mesh's route, or this client (never both: the attempts would multiply).
  const meshRetries = retryLayer(ctx, callee) === 'mesh';
  const config = serviceConfig(edge, api.service, meshRetries ? 0 : edge.retries);
  const mesh = meshSelected(ctx);
  const ms = timeoutMs(edge.timeout);
  const data = {
    service: caller,
    callee,
    api,
    edge,
    envVar: `${envPrefix(callee.name)}_ADDR`,
    timeoutMs: ms,
    timeoutSeconds: ms / 1000,
    goTimeout: ms % 1000 === 0 ? `${ms / 1000} * time.Second` : `${ms} * time.Millisecond`,
    goName: camel(callee.name),
    goTitle: pascal(callee.name),
    goAlias: `${snake(callee.name).replace(/_/g, '')}v1`,
    javaClass: `${pascal(callee.name)}Client`,
    javaServiceConfig: javaLiteral(config),
    serviceConfig: config,
    serviceConfigText: JSON.stringify(config),
    // What the comments of the client say about the cluster (the code is the same locally).
    clusterAddress: `${clusterAddress(ctx.project.namespace, mesh)(edge)}, ${mesh ? 'the Service: the mesh balances each request' : 'every pod of the callee'}`,
    retriesNote: meshRetries
      ? `leaves the edge's ${edge.retries} retries to the mesh, whose route retries UNAVAILABLE calls (retrying here too would multiply the attempts)`
      : 'retries calls that did not reach the service (UNAVAILABLE)',
  };
  const proto = { to: `${dir}/proto-clients/${callee.name}/${api.file}`, template: 'base/services/grpc-shared/greeter_service.proto.hbs', data: { service: callee, api } };
  const client: Record<ResolvedService['language'], FileSpec[]> = {
    node: [{ to: `${dir}/src/clients/${callee.name}.ts`, template: 'messaging/grpc/node/client.ts.hbs', data }],
    go: [{ to: `${dir}/client_${snake(callee.name)}.go`, template: 'messaging/grpc/go/client.go.hbs', data }],
    python: [{ to: `${dir}/client_${snake(callee.name)}.py`, template: 'messaging/grpc/python/client.py.hbs', data }],
    java: [{ to: `${dir}/src/main/java/app/${data.javaClass}.java`, template: 'messaging/grpc/java/Client.java.hbs', data }],
  };
  return [proto, ...client[caller.language]];
}

/** Go callers: trace propagation on outgoing calls, one pair of files per caller (otel build or not). */
export function goCallerFiles(caller: ResolvedService): FileSpec[] {
  return ['grpc_client_otel.go', 'grpc_client_notrace.go'].map((n) => ({ to: `services/${caller.name}/${n}`, template: `messaging/grpc/go/${n}` }));
}
