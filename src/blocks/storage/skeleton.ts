// The repository layer each service skeleton gets for its `uses` (sql, kv): which stores a service's
// skeleton implements, and the files of that layer, planned by the storage blocks into services/<name>/.
// Base templates (package manifests, server, main) read `dataLayer` to wire the layer in.
import type { FileSpec } from '../../catalog/define.js';
import type { ResolvedService } from '../../config/schema.js';
import type { UseKind } from '../../config/graph-schema.js';
import type { SkeletonContribution } from '../../catalog/skeleton.js';
import { KV_LOCK, KV_NODE_DEPENDENCIES, SQL_LOCK, SQL_NODE_DEPENDENCIES } from './npm-locks.js';

const LAYER: Partial<Record<ResolvedService['language'], { shared: string[]; sql: string[]; kv: string[] }>> = {
  node: { shared: ['src/data/resilience.ts', 'src/data/routes.ts.hbs'], sql: ['src/data/sql.ts'], kv: ['src/data/kv.ts'] },
  python: { shared: ['data_routes.py.hbs', 'resilience.py'], sql: ['sql_store.py'], kv: ['kv_store.py'] },
  go: { shared: ['data.go.hbs'], sql: ['sql_store.go'], kv: ['kv_store.go.hbs'] },
  java: { shared: ['src/main/java/app/data/Data.java.hbs', 'src/main/java/app/data/Resilience.java'], sql: ['src/main/java/app/data/SqlStore.java'], kv: ['src/main/java/app/data/KvStore.java'] },
};

/**
 * The stores a service's skeleton talks to: sql and kv, for HTTP services (gRPC skeletons get the env and
 * network edges but no data endpoints yet). kv through TiKV exists only for Go (rule CN-DATA-06), whose
 * kv_store.go switches client on the selected block.
 */
export function skeletonStores(service: ResolvedService): UseKind[] {
  if (service.protocol !== 'http' || !LAYER[service.language]) return [];
  return (['sql', 'kv'] as const).filter((k) => (service.uses ?? []).includes(k));
}


/**
 * Files of `kind`'s layer for every service whose skeleton uses it. The files every store shares are
 * planned with the service's first store, so two storage blocks never plan the same path.
 */
export function skeletonFiles(services: ResolvedService[], kind: 'sql' | 'kv'): FileSpec[] {
  return services.flatMap((service) => {
    const stores = skeletonStores(service);
    if (!stores.includes(kind)) return [];
    const layer = LAYER[service.language]!;
    const names = [...(stores[0] === kind ? layer.shared : []), ...layer[kind]];
    const data = { service, dataLayer: stores };
    const files: FileSpec[] = names.map((n) => ({ to: `services/${service.name}/${n.replace(/\.hbs$/, '')}`, template: `storage/skeleton/${service.language}/${n}`, data }));
    if (kind === 'sql') files.push({ to: `services/${service.name}/migrations/0001_create_items.sql`, template: 'storage/skeleton/sql/0001_create_items.sql' });
    return files;
  });
}

/**
 * The client libraries of `kind`'s layer a service's manifest needs, as a skeleton contribution (merged
 * with other blocks' libraries, so a package two clients share is listed once). Node only: the other
 * languages' manifests name their store clients by `dataLayer` (no shared transitive entries to merge).
 */
export const storeSkeleton = (kind: 'sql' | 'kv') => (service: ResolvedService): SkeletonContribution =>
  service.language === 'node' && skeletonStores(service).includes(kind)
    ? { npm: kind === 'sql' ? { dependencies: SQL_NODE_DEPENDENCIES, lock: SQL_LOCK } : { dependencies: KV_NODE_DEPENDENCIES, lock: KV_LOCK } }
    : {};
