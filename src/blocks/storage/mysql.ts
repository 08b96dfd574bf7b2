// MySQL InnoDB Cluster through Oracle's MySQL Operator (domain.md §9.2): an InnoDBCluster of 3 servers and
// MySQL Router, one schema and one user per service that uses sql (created by the secrets script with the
// root credentials the operator reads from a Secret), services connect to the router Service.
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { skeletonFiles, storeSkeleton } from './skeleton.js';
import { DATA_DIR, DATA_NAMESPACE, aggregateTargets, clientEdges, dataNamespaceFiles, dbName, mysqlPort, secretsScript, servicesUsing, sqlEnv, sqlUser, uses } from './shared.js';
import { markdownTable } from '../../util/markdown.js';

export const MYSQL_CLUSTER = 'mysql';
/**
 * Operator 9.1.0-2.2.2 (chart mysql-operator 2.2.2): the newest release whose CRDs we could check
 * (mysql/mysql-operator deploy/deploy-crds.yaml @9.1.0-2.2.2); the server version is its MySQL part.
 */
export const MYSQL_OPERATOR_CHART = '2.2.2';
export const MYSQL_SERVER_VERSION = '9.1.0';
/**
 * The cluster Service `<name>` forwards 3306 to the routers' read-write port 6446, so NetworkPolicy (which
 * sees the pod port) allows 6446 (mysql/mysql-operator mysqloperator/controller/innodbcluster/router_objects.py).
 */
export const ROUTER_SERVICE_PORT = 3306;
export const ROUTER_RW_PORT = 6446;

export function innoDBCluster(o: { instances: number; routers: number; storageSize: string }, storageClass: string | undefined) {
  return {
    apiVersion: 'mysql.oracle.com/v2',
    kind: 'InnoDBCluster',
    metadata: { name: MYSQL_CLUSTER, namespace: DATA_NAMESPACE },
    spec: {
      secretName: 'mysql-root',
      tlsUseSelfSigned: true,
      version: MYSQL_SERVER_VERSION,
      instances: o.instances,
      router: { instances: o.routers },
      datadirVolumeClaimTemplate: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: o.storageSize } },
        ...(storageClass ? { storageClassName: storageClass } : {}),
      },
    },
  };
}

export default defineBlock({
  id: 'mysql',
  category: 'storage',
  slot: 'sql',
  title: 'MySQL InnoDB Cluster (MySQL Operator)',
  summary: 'Group Replication cluster of 3 + MySQL Router; one schema and one user per service',
  status: 'stable',
  options: z
    .object({
      instances: z.number().int().min(1).max(9).default(3).describe('MySQL server instances (3 or more for high availability)'),
      routers: z.number().int().min(1).max(9).default(2).describe('MySQL Router instances'),
      storageSize: z.string().regex(/^[0-9]+(Mi|Gi|Ti)$/, { error: 'a quantity such as 10Gi' }).default('10Gi').describe('Data volume of each server'),
    })
    .strict(),
  questions: { instances: { message: 'MySQL server instances?' }, routers: null, storageSize: null },
  files: (ctx) => [
    ...dataNamespaceFiles(ctx, 'sql', ctx.project.name),
    {
      to: `${DATA_DIR}/mysql/innodbcluster.yaml`,
      template: 'storage/mysql/innodbcluster.yaml.hbs',
      data: { cluster: innoDBCluster(ctx.options, ctx.contrib.storageClass.block || undefined) },
    },
    ...skeletonFiles(ctx.services, 'sql'),
    secretsScript('mysql', {
      appNamespace: ctx.project.namespace,
      dataNamespace: DATA_NAMESPACE,
      cluster: MYSQL_CLUSTER,
      services: servicesUsing(ctx, 'sql').map((s) => ({ name: s, db: dbName(s), user: sqlUser(s) })),
    }),
  ],
  contribute: (ctx) => {
    const clients = servicesUsing(ctx, 'sql');
    return {
      skeleton: storeSkeleton('sql'),
      chart: (s) => (uses(s, 'sql') ? { env: sqlEnv(s.name, `${MYSQL_CLUSTER}.${DATA_NAMESPACE}.svc.cluster.local`, ROUTER_SERVICE_PORT) } : {}),
      network: {
        peers: [{ id: 'mysql-router', title: 'MySQL Router', namespace: DATA_NAMESPACE, podLabels: { component: 'mysqlrouter', 'mysql.oracle.com/cluster': MYSQL_CLUSTER } }],
        edges: clientEdges(clients, 'mysql-router', [mysqlPort(ROUTER_RW_PORT)], 'its MySQL schema through MySQL Router'),
      },
      make: [
        ...aggregateTargets(ctx, 'sql'),
        {
          name: 'sql-install',
          help: `Install the MySQL Operator (chart ${MYSQL_OPERATOR_CHART}) and the InnoDBCluster into namespace ${DATA_NAMESPACE}`,
          recipe: [
            'helm repo add mysql-operator https://mysql.github.io/mysql-operator/ --force-update',
            `helm upgrade --install mysql-operator mysql-operator/mysql-operator --version ${MYSQL_OPERATOR_CHART} --namespace mysql-operator --create-namespace --wait`,
            `bash ${DATA_DIR}/mysql/secrets.sh root`,
            `kubectl apply -f ${DATA_DIR}/mysql/innodbcluster.yaml`,
          ],
        },
        { name: 'sql-secrets', help: 'One schema, user and credentials Secret per service that uses sql', recipe: [`bash ${DATA_DIR}/mysql/secrets.sh`] },
      ],
      readme: [
        {
          title: 'SQL: MySQL InnoDB Cluster',
          order: 45,
          body: [
            `MySQL Operator (chart ${MYSQL_OPERATOR_CHART}, MySQL ${MYSQL_SERVER_VERSION}) runs an InnoDB Cluster of ${ctx.options.instances} ` +
              `server(s) behind ${ctx.options.routers} MySQL Router(s) in namespace \`${DATA_NAMESPACE}\`. Each service that uses sql gets its own schema ` +
              `and user with privileges on that schema only; it connects to \`${MYSQL_CLUSTER}.${DATA_NAMESPACE}.svc.cluster.local:${ROUTER_SERVICE_PORT}\` (the router's read-write port).`,
            '',
            ...markdownTable(
              ['Service', 'Schema (DB_NAME)', 'User', 'Credentials Secret'],
              clients.map((s) => `| ${s} | \`${dbName(s)}\` | \`${sqlUser(s)}\` | \`${s}-sql\` |`),
              'No service uses sql yet: add `uses: [sql]` to a service and regenerate to give it its schema and user.',
            ),
            '',
            '```sh\nmake data-install     # operator, root Secret (random), InnoDBCluster\nmake data-secrets     # schema + user per service (random passwords, kept on re-runs)\n```',
          ].join('\n'),
        },
      ],
      diagram: { nodes: [{ id: 'mysql', label: 'MySQL InnoDB Cluster + Router', group: 'data' }], edges: [{ from: 'k8s', to: 'mysql', label: 'MySQL 3306' }] },
    };
  },
});
