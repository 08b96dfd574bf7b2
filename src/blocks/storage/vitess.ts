// Vitess through the Vitess operator (wave2.md §4.2, domain.md §9.1): one VitessCluster, one cell, one
// keyspace per service that uses sql (equal partitioning in `shards` parts, a replica tablet pool per
// shard), semi-sync durability only when a replica can be lost without blocking writes, backups on a
// PVC. Services speak MySQL to the cross-cell vtgate Service, whose name the operator hashes (below).
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { skeletonFiles, storeSkeleton } from './skeleton.js';
import { DATA_DIR, DATA_NAMESPACE, aggregateTargets, clientEdges, dataNamespaceFiles, dbName, mysqlPort, secretsScript, servicesUsing, sqlEnv, sqlUser, uses } from './shared.js';
import { markdownTable } from '../../util/markdown.js';

export const VITESS_CLUSTER = 'vitess';
/** Operator v2.17.0 is built against Vitess 24 (planetscale/vitess-operator go.mod @v2.17.0, README table). */
export const VITESS_OPERATOR_VERSION = 'v2.17.0';
/** vitess/lite v24.0.4: the newest Vitess 24 patch seen (2026-10); every component uses the lite image. */
export const VITESS_IMAGE = 'vitess/lite:v24.0.4';
export const VTGATE_PORT = 3306;
/** Tablets in a shard needed before semi_sync can lose one and still acknowledge writes. */
export const SEMI_SYNC_MIN_TABLETS = 3;

/**
 * The operator's name for the cross-cell vtgate Service: names.Join(cluster, "vtgate") =
 * `<cluster>-vtgate-<first 4 bytes of md5(cluster NUL "vtgate" NUL) as hex>`
 * (planetscale/vitess-operator pkg/operator/names/join.go, pkg/operator/vtgate/service.go @v2.17.0).
 */
export function vtgateServiceName(cluster: string): string {
  const h = createHash('md5');
  for (const part of [cluster, 'vtgate']) h.update(part).update(Buffer.from([0]));
  return `${cluster}-vtgate-${h.digest('hex').slice(0, 8)}`;
}

/**
 * VSchema of a sharded keyspace for the skeleton's `items` table: rows placed by the xxhash vindex of
 * their key (Vitess docs, "VSchema" and "Vindexes"; applied with vtctldclient ApplyVSchema).
 */
export const SHARDED_VSCHEMA = {
  sharded: true,
  vindexes: { xxhash: { type: 'xxhash' } },
  tables: { items: { column_vindexes: [{ column: 'k', name: 'xxhash' }] }, schema_migrations: { column_vindexes: [{ column: 'version', name: 'xxhash' }] } },
};

export const vtgateHost = (cluster = VITESS_CLUSTER) => `${vtgateServiceName(cluster)}.${DATA_NAMESPACE}.svc.cluster.local`;

type Options = { shards: number; tabletReplicas: number; storageSize: string; mysqldMemory: string };

/** The VitessCluster object (planetscale.com/v2; fields checked against the operator CRD @v2.17.0). */
export function vitessCluster(keyspaces: string[], o: Options, storageClass: string | undefined) {
  const claim = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: o.storageSize } }, ...(storageClass ? { storageClassName: storageClass } : {}) };
  return {
    apiVersion: 'planetscale.com/v2',
    kind: 'VitessCluster',
    metadata: { name: VITESS_CLUSTER, namespace: DATA_NAMESPACE },
    spec: {
      images: {
        vtctld: VITESS_IMAGE,
        vtgate: VITESS_IMAGE,
        vttablet: VITESS_IMAGE,
        vtbackup: VITESS_IMAGE,
        vtorc: VITESS_IMAGE,
        mysqld: { mysql80Compatible: VITESS_IMAGE },
      },
      backup: { engine: 'builtin', locations: [{ volume: { persistentVolumeClaim: { claimName: 'vitess-backups' } } }] },
      cells: [
        {
          name: 'zone1',
          gateway: {
            authentication: { static: { secret: { name: 'vitess-auth', key: 'users.json' } } },
            replicas: 2,
            resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
          },
        },
      ],
      vitessDashboard: { cells: ['zone1'], replicas: 1, resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } } },
      keyspaces: keyspaces.map((name) => ({
        name,
        // semi_sync makes the primary wait for a replica's ack; with fewer tablets one lost replica would
        // stop every write, so such small shards run without it.
        durabilityPolicy: o.tabletReplicas >= SEMI_SYNC_MIN_TABLETS ? 'semi_sync' : 'none',
        // RequireIdle: a keyspace removed from the answers is not torn down while it still has traffic.
        turndownPolicy: 'RequireIdle',
        vitessOrchestrator: { resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } } },
        partitionings: [
          {
            equal: {
              parts: o.shards,
              shardTemplate: {
                databaseInitScriptSecret: { name: 'vitess-init-db', key: 'init_db.sql' },
                tabletPools: [
                  {
                    cell: 'zone1',
                    type: 'replica',
                    replicas: o.tabletReplicas,
                    vttablet: { resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } } },
                    // mysqld below 1Gi is OOM-killed under load (vitessio/vitess#13118).
                    mysqld: { resources: { requests: { cpu: '200m', memory: o.mysqldMemory }, limits: { memory: o.mysqldMemory } } },
                    dataVolumeClaimTemplate: claim,
                  },
                ],
              },
            },
          },
        ],
      })),
      updateStrategy: { type: 'Immediate' },
    },
  };
}

export default defineBlock({
  id: 'vitess',
  category: 'storage',
  slot: 'sql',
  title: 'Vitess (operator v2.17, Vitess 24)',
  summary: 'MySQL protocol with horizontal sharding: one keyspace per service, vtgate static auth per service, backups',
  status: 'stable',
  options: z
    .object({
      shards: z.number().int().min(1).max(64).default(1).describe('Shards per keyspace (equal key ranges)'),
      tabletReplicas: z.number().int().min(1).max(9).default(3).describe(`Tablets per shard (primary included); semi_sync durability needs >= ${SEMI_SYNC_MIN_TABLETS}`),
      storageSize: z.string().regex(/^[0-9]+(Mi|Gi|Ti)$/, { error: 'a quantity such as 10Gi' }).default('10Gi').describe('Data volume of each tablet'),
      mysqldMemory: z.string().regex(/^[0-9]+(Mi|Gi)$/, { error: 'a quantity such as 1Gi' }).default('1Gi').describe('Memory of each mysqld (>= 1Gi)'),
    })
    .strict(),
  questions: {
    shards: { message: 'Shards per keyspace?' },
    tabletReplicas: { message: `Tablets per shard (${SEMI_SYNC_MIN_TABLETS}+ enables semi-sync durability)?` },
    storageSize: null,
    mysqldMemory: null,
  },
  files: (ctx) => {
    const keyspaces = servicesUsing(ctx, 'sql').map(dbName);
    const block = ctx.contrib.storageClass.block;
    return [
      ...dataNamespaceFiles(ctx, 'sql', ctx.project.name),
      {
        to: `${DATA_DIR}/vitess/vitesscluster.yaml`,
        template: 'storage/vitess/vitesscluster.yaml.hbs',
        data: { cluster: vitessCluster(keyspaces, ctx.options, block || undefined), operator: VITESS_OPERATOR_VERSION },
      },
      {
        to: `${DATA_DIR}/vitess/backup-pvc.yaml`,
        template: 'storage/vitess/backup-pvc.yaml.hbs',
        data: { storageClass: ctx.contrib.storageClass.filesystem ?? '' },
      },
      // A sharded keyspace routes rows by a vindex: the skeleton's table is sharded by its key.
      ...(ctx.options.shards > 1
        ? keyspaces.map((k) => ({ to: `${DATA_DIR}/vitess/vschema/${k}.json`, content: JSON.stringify(SHARDED_VSCHEMA, null, 2) + '\n' }))
        : []),
      ...skeletonFiles(ctx.services, 'sql'),
      secretsScript('vitess', { appNamespace: ctx.project.namespace, dataNamespace: DATA_NAMESPACE, services: servicesUsing(ctx, 'sql').map((s) => ({ name: s, db: dbName(s), user: sqlUser(s) })) }),
    ];
  },
  contribute: (ctx) => {
    const clients = servicesUsing(ctx, 'sql');
    return {
      skeleton: storeSkeleton('sql'),
      chart: (s) => (uses(s, 'sql') ? { env: sqlEnv(s.name, vtgateHost(), VTGATE_PORT) } : {}),
      network: {
        peers: [{ id: 'vtgate', title: 'Vitess vtgate', namespace: DATA_NAMESPACE, podLabels: { 'planetscale.com/cluster': VITESS_CLUSTER, 'planetscale.com/component': 'vtgate' } }],
        edges: clientEdges(clients, 'vtgate', [mysqlPort(VTGATE_PORT)], 'its Vitess keyspace through vtgate (MySQL protocol)'),
      },
      make: [
        ...aggregateTargets(ctx, 'sql'),
        {
          name: 'sql-install',
          help: `Install the Vitess operator ${VITESS_OPERATOR_VERSION} and the VitessCluster into namespace ${DATA_NAMESPACE}`,
          recipe: [
            // The operator bundle of the Vitess release the operator targets (vitessio/vitess examples/operator).
            `kubectl apply -n ${DATA_NAMESPACE} --server-side -f https://raw.githubusercontent.com/vitessio/vitess/v24.0.4/examples/operator/operator.yaml`,
            `kubectl apply -f ${DATA_DIR}/vitess/backup-pvc.yaml -f ${DATA_DIR}/vitess/vitesscluster.yaml`,
          ],
        },
        { name: 'sql-secrets', help: 'vtgate users (one per service) and each service\'s credentials Secret', recipe: [`bash ${DATA_DIR}/vitess/secrets.sh`] },
        ...(ctx.options.shards > 1
          ? [
              {
                name: 'sql-vschema',
                help: 'Apply the VSchema of every sharded keyspace (vtctldclient in a vtctld pod)',
                recipe: clients.map(
                  (s) =>
                    `kubectl -n ${DATA_NAMESPACE} exec "$$(kubectl -n ${DATA_NAMESPACE} get pod -l planetscale.com/component=vtctld -o name | head -n1)" -- ` +
                    `vtctldclient --server localhost:15999 ApplyVSchema --vschema "$$(cat ${DATA_DIR}/vitess/vschema/${dbName(s)}.json)" ${dbName(s)}`,
                ),
              },
            ]
          : []),
      ],
      readme: [readme(clients, ctx.options)],
      diagram: { nodes: [{ id: 'vitess', label: 'Vitess (vtgate, keyspace per service)', group: 'data' }], edges: [{ from: 'k8s', to: 'vitess', label: 'MySQL 3306' }] },
      notes: clients.length ? ['Vitess: run `make data-install` and `make data-secrets` once per environment before `make deploy` (the charts read the credentials Secrets).'] : [],
    };
  },
});

function readme(clients: string[], o: Options) {
  const rows = markdownTable(
    ['Service', 'Keyspace (DB_NAME)', 'Credentials Secret'],
    clients.map((s) => `| ${s} | \`${dbName(s)}\` | \`${s}-sql\` |`),
    'No service uses sql yet: add `uses: [sql]` to a service and regenerate to give it its keyspace and credentials.',
  ).join('\n');
  return {
    title: 'SQL: Vitess',
    order: 45,
    body: [
      `Vitess operator ${VITESS_OPERATOR_VERSION} (\`${VITESS_IMAGE}\`) runs one keyspace per service that uses sql, ` +
        `${o.shards} shard(s) each with ${o.tabletReplicas} tablet(s); durability \`${o.tabletReplicas >= SEMI_SYNC_MIN_TABLETS ? 'semi_sync' : 'none'}\` ` +
        `(semi-sync only with ${SEMI_SYNC_MIN_TABLETS}+ tablets, so losing one replica does not stop writes). Services connect to ` +
        `\`${vtgateHost()}:${VTGATE_PORT}\` (the operator's hashed vtgate Service name).`,
      '',
      rows,
      '',
      '```sh\nmake data-install     # operator + VitessCluster\nmake data-secrets     # vtgate users.json and per-service Secrets (random passwords, kept on re-runs)\n' +
        (o.shards > 1 ? 'make sql-vschema      # the VSchema of each sharded keyspace (rows placed by the xxhash of their key)\n' : '') +
        '```',
      '',
      'Each service authenticates as its own vtgate user; vtgate static authentication does not limit a user to a keyspace, ' +
        'so isolation between keyspaces inside Vitess (vttablet table ACLs) is not generated: the network policy limits who reaches vtgate.',
    ].join('\n'),
  };
}
