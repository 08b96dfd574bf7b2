// Contribution types of the service graph's consumers: network peers and edges (NetworkPolicy, mesh
// authorization, the README edge table), the gateway the routes attach to, storage classes, and the
// local run. Blocks that run something the services talk to (or that talks to them) describe it here;
// the policy and mesh blocks only iterate. See docs/architecture.md, "The service graph".
import type { ResolvedService } from '../config/schema.js';

/**
 * A group of pods that is not an application service: Prometheus, the OTLP collector, the gateway's
 * proxies, CoreDNS, NATS, a database, the `helm test` pod of a release.
 */
export interface NetworkPeer {
  /** Unique id, referenced by edges as `{ peer: id }` (e.g. `prometheus`, `helm-test:api`). */
  id: string;
  /** For people: the README edge table and policy annotations. */
  title: string;
  /** Namespace of the pods; undefined = the application namespace. */
  namespace?: string;
  /** Labels of the pods ({} = every pod of the namespace). */
  podLabels: Record<string, string>;
  /** The pods' ServiceAccount (their identity for mesh authorization), when known. */
  serviceAccount?: string;
}

export interface NetworkPort {
  port: number;
  protocol: 'TCP' | 'UDP';
  /**
   * How a mesh should treat the port: `http`/`grpc` (requests), `tcp` (opaque bytes: protocols where
   * the server speaks first, such as NATS and MySQL). Default: from the service's protocol.
   */
  appProtocol?: 'http' | 'grpc' | 'tcp';
}

/** One end of an edge. */
export type PeerRef =
  /** The pods of one application service. */
  | { service: string }
  /** A contributed NetworkPeer. */
  | { peer: string }
  /** An IP block outside the cluster (NetworkPolicy ipBlock). */
  | { cidr: string }
  /** A DNS name outside the cluster: enforced exactly only by FQDN-aware engines (Cilium). */
  | { fqdn: string };

export interface NetworkEdge {
  from: PeerRef;
  to: PeerRef;
  ports: NetworkPort[];
  /**
   * HTTP paths the edge is limited to, when it is known to use only these (a Prometheus scrape:
   * `/metrics`): layers that see requests (a mesh's L7 authorization) may then allow just those.
   */
  paths?: string[];
  /** Why the edge exists, for people: "web calls orders", "Prometheus scrapes /metrics". */
  reason: string;
}

/** An edge as merged: with the block that needs it (`graph` for the services' own declarations). */
export interface OwnedEdge extends NetworkEdge {
  block: string;
}

export interface NetworkContribution {
  peers?: NetworkPeer[];
  edges?: NetworkEdge[];
}

export interface MergedNetwork {
  peers: NetworkPeer[];
  edges: OwnedEdge[];
}

/** Every pod of the application namespace (the services and their `helm test` pods): e.g. DNS clients. */
export const APP_PODS: NetworkPeer = { id: 'app-pods', title: 'every pod of the application namespace', podLabels: {} };

export function emptyNetwork(): MergedNetwork {
  return { peers: [APP_PODS], edges: [] };
}

export function mergeNetwork(into: MergedNetwork, c: NetworkContribution, block: string): void {
  for (const p of c.peers ?? []) {
    if (into.peers.some((q) => q.id === p.id)) throw new Error(`${block}: network peer '${p.id}' is contributed twice`);
    into.peers.push(p);
  }
  for (const e of c.edges ?? []) into.edges.push({ ...e, block });
}

/** Human name of an edge end, for the README table and policy annotations. */
export function refTitle(ref: PeerRef, peers: NetworkPeer[]): string {
  if ('service' in ref) return ref.service;
  if ('peer' in ref) return peers.find((p) => p.id === ref.peer)?.title ?? ref.peer;
  if ('cidr' in ref) return ref.cidr;
  return ref.fqdn;
}

export const portsText = (ports: NetworkPort[]) => ports.map((p) => `${p.protocol === 'TCP' ? '' : `${p.protocol} `}${p.port}`).join(', ');

/** Where the application's routes attach (Gateway API) or which front proxy routes to them. */
export interface GatewayRef {
  kind: 'gateway-api' | 'proxy';
  /** Gateway API: the Gateway's namespace and name (HTTPRoute/GRPCRoute parentRefs). */
  namespace: string;
  name: string;
  /** Listener of the Gateway the routes attach to (parentRefs[].sectionName), when not every listener. */
  sectionName?: string;
  /** The network peer of the proxies that forward requests to the services. */
  peer: string;
}

/** StorageClass names; '' = the cluster's default class, absent = this kind of storage is not offered. */
export interface StorageClasses {
  /** Block storage (ReadWriteOnce), for databases, NATS JetStream, Prometheus. */
  block?: string;
  /** Shared file storage (ReadWriteMany). */
  filesystem?: string;
  /** Object buckets (ObjectBucketClaim storageClassName). */
  bucket?: string;
}

/** A container of the local run (compose), beside the services. */
export interface LocalService {
  name: string;
  /** The compose service definition (image, command, ports bound to 127.0.0.1, healthcheck, ...). */
  definition: Record<string, unknown>;
}

export interface LocalContribution {
  services?: LocalService[];
  /** Environment of one application service when it runs locally (e.g. the callees' URLs). */
  env?: (service: ResolvedService) => Record<string, string>;
}

export interface MergedLocal {
  services: LocalService[];
  env: ((service: ResolvedService) => Record<string, string>)[];
}

export function mergeLocal(into: MergedLocal, c: LocalContribution): void {
  into.services.push(...(c.services ?? []));
  if (c.env) into.env.push(c.env);
}

/** The local environment of one service: every contribution, in registry order (later wins). */
export function localEnvFor(local: MergedLocal, service: ResolvedService): Record<string, string> {
  return Object.assign({}, ...local.env.map((f) => f(service)));
}
