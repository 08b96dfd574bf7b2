// What the storage blocks share: the data namespace and its Pod Security level, the per-service names
// (database, key prefix, credentials Secret), the env contract of wave2.md §1.4, the client edges, and the
// aggregate make targets (`data-install`, `data-secrets`) that run each selected block's own steps.
// Passwords never reach a generated file: each block's secrets script creates them at deploy time.
import { createHash } from 'node:crypto';
import type { BlockContext, FileSpec } from '../../catalog/define.js';
import type { EnvVar, MakeTarget, NetworkEdge, NetworkPort } from '../../catalog/contributions.js';
import type { ResolvedService } from '../../config/schema.js';
import type { UseKind } from '../../config/graph-schema.js';

/** Namespace of the databases and key-value stores (operators' clusters and our etcd). */
export const DATA_NAMESPACE = 'data';
/** Directory of the generated data manifests. */
export const DATA_DIR = 'deploy/data';

/** `orders-api` → `orders_api`: a MySQL schema / Vitess keyspace name needs no quoting that way. */
export const dbName = (service: string) => service.replace(/-/g, '_');
/** The Secret (application namespace) holding one service's credentials for one store. */
export const credentialsSecret = (service: string, kind: UseKind) => `${service}-${kind}`;

/** Services that declare `uses: [kind]`, in service order. */
export function servicesUsing(ctx: Pick<BlockContext, 'graph'>, kind: UseKind): string[] {
  return ctx.graph.uses.filter((u) => u.kind === kind).map((u) => u.service);
}
export const uses = (service: ResolvedService, kind: UseKind) => (service.uses ?? []).includes(kind);

/** The selected sql/kv blocks whose pods cannot run under "restricted" (operator-built pods). */
const BASELINE_BLOCKS = ['storage/vitess', 'storage/mysql', 'storage/tikv'];

/**
 * The data namespace file, written by exactly one block: the sql block when one is chosen, else the kv
 * block (`owner`). Level: baseline when an operator's pods are there (see the reasons in the README
 * section), restricted when only our own etcd chart runs there.
 */
export function dataNamespaceFiles(ctx: BlockContext, owner: 'sql' | 'kv', projectName: string): FileSpec[] {
  if (!ownsDataNamespace(ctx, owner)) return [];
  const level = BASELINE_BLOCKS.some((b) => ctx.has(b)) ? 'baseline' : 'restricted';
  return [
    { to: `${DATA_DIR}/namespace.yaml`, template: 'storage/data/namespace.yaml.hbs', data: { name: DATA_NAMESPACE, level, partOf: projectName } },
    // Helpers of every block's secrets script (password generation, credentials Secrets).
    { to: `${DATA_DIR}/lib.sh`, template: 'storage/data/lib.sh' },
  ];
}
const sqlChosen = (ctx: Pick<BlockContext, 'has'>) => ctx.has('storage/vitess') || ctx.has('storage/mysql');
export const ownsDataNamespace = (ctx: Pick<BlockContext, 'has'>, owner: 'sql' | 'kv') => owner === 'sql' || !sqlChosen(ctx);

/**
 * `data-install` and `data-secrets` run the steps of every selected data block in order (volumes, then
 * sql, then kv). Contributed once, by the block that owns the data namespace.
 */
export function aggregateTargets(ctx: Pick<BlockContext, 'has'>, owner: 'sql' | 'kv'): MakeTarget[] {
  if (!ownsDataNamespace(ctx, owner)) return [];
  const steps = [sqlChosen(ctx) ? 'sql' : '', ctx.has('storage/etcd') || ctx.has('storage/tikv') ? 'kv' : ''].filter(Boolean);
  return [
    {
      name: 'data-install',
      help: `Install the data stores into namespace ${DATA_NAMESPACE} (operators, clusters)`,
      // Rook first: the data stores' PVCs need its StorageClass.
      recipe: [...(ctx.has('storage/rook-ceph') ? ['$(MAKE) volumes-install'] : []), `kubectl apply -f ${DATA_DIR}/namespace.yaml`, ...steps.map((s) => `$(MAKE) ${s}-install`)],
    },
    {
      name: 'data-secrets',
      help: 'Create each service\'s database credentials as Secrets (random, kept on re-runs); run once per environment before deploy',
      recipe: steps.map((s) => `$(MAKE) ${s}-secrets`),
    },
  ];
}

/**
 * The sql env contract (wave2.md §1.4): host and port of the MySQL-protocol endpoint, the service's own
 * database and user, the password from its Secret, and DATABASE_URL composed by the kubelet's $(VAR)
 * expansion (the password never appears in the manifest). Passwords are hex, so the URL needs no escaping.
 */
export function sqlEnv(service: string, host: string, port: number): EnvVar[] {
  const secret = credentialsSecret(service, 'sql');
  return [
    { name: 'DB_HOST', value: host },
    { name: 'DB_PORT', value: String(port) },
    { name: 'DB_NAME', value: dbName(service) },
    { name: 'DB_USER', valueFrom: { secretKeyRef: { name: secret, key: 'username' } } },
    { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: secret, key: 'password' } } },
    { name: 'DATABASE_URL', value: 'mysql://$(DB_USER):$(DB_PASSWORD)@$(DB_HOST):$(DB_PORT)/$(DB_NAME)' },
  ];
}

/** One edge per client service to the pods of a data peer, on exactly the given ports. */
export function clientEdges(clients: string[], peer: string, ports: NetworkPort[], what: string): NetworkEdge[] {
  return clients.map((s) => ({ from: { service: s }, to: { peer }, ports, reason: `${s} uses ${what}` }));
}

/** MySQL speaks first on a connection: meshes must treat the port as opaque TCP (CN-MESH-09). */
export const mysqlPort = (port: number): NetworkPort => ({ port, protocol: 'TCP', appProtocol: 'tcp' });

/** The secrets script of a block as a planned file (shellcheck-validated in the generated repo). */
export function secretsScript(block: string, data: Record<string, unknown>): FileSpec {
  return { to: `${DATA_DIR}/${block}/secrets.sh`, template: `storage/${block}/secrets.sh.hbs`, data };
}

/**
 * A service's database user: its name, or when longer than MySQL's 32-character limit (MySQL 8 "User
 * Names and Passwords") a 23-character prefix and 8 hex digits of its sha256, still unique per service.
 */
export function sqlUser(service: string): string {
  if (service.length <= 32) return service;
  return `${service.slice(0, 23)}-${createHash('sha256').update(service).digest('hex').slice(0, 8)}`;
}
