// etcd as the key-value store (domain.md §9.4, CR-84/85): a StatefulSet chart of our own (no maintained
// operator: etcd-io/etcd-operator is early, the Bitnami chart's images are frozen), 3 members, TLS from
// cert-manager, authentication on with one user and role per service limited to its key prefix, and a
// snapshot CronJob. Pods are built for Pod Security "restricted".
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { skeletonFiles, storeSkeleton } from './skeleton.js';
import { DATA_DIR, DATA_NAMESPACE, aggregateTargets, clientEdges, credentialsSecret, dataNamespaceFiles, secretsScript, servicesUsing, uses } from './shared.js';
import { markdownTable } from '../../util/markdown.js';

/** etcd v3.6.16 (2026-10-22, etcd CHANGELOG-3.6); images from etcd's own release registry. */
export const ETCD_IMAGE = 'gcr.io/etcd-development/etcd:v3.6.16';
export const ETCD_CLIENT_PORT = 2379;
export const ETCD_ENDPOINT = `https://etcd.${DATA_NAMESPACE}.svc.cluster.local:${ETCD_CLIENT_PORT}`;
/** The key prefix a service may read and write (its role's only permission). */
export const etcdPrefix = (service: string) => `/${service}/`;

export default defineBlock({
  id: 'etcd',
  category: 'storage',
  slot: 'kv',
  title: 'etcd (StatefulSet chart, TLS, per-service roles)',
  summary: '3-member etcd 3.6 with cert-manager TLS, auth on, one user/role per service limited to its key prefix, snapshots',
  status: 'stable',
  options: z
    .object({
      replicas: z.union([z.literal(3), z.literal(5)]).default(3).describe('Members (odd: quorum survives (n-1)/2 failures)'),
      storageSize: z.string().regex(/^[0-9]+(Mi|Gi|Ti)$/, { error: 'a quantity such as 8Gi' }).default('8Gi').describe('Data volume of each member'),
      snapshotSchedule: z.string().regex(/^[0-9*\/,-]+( [0-9*\/,-]+){4}$/, { error: 'a cron schedule such as "0 */6 * * *"' }).default('0 */6 * * *').describe('When the snapshot CronJob runs'),
    })
    .strict(),
  questions: { replicas: { message: 'etcd members?' }, storageSize: null, snapshotSchedule: null },
  files: (ctx) => {
    const clients = servicesUsing(ctx, 'kv');
    const chartData = { ...ctx.options, image: ETCD_IMAGE, namespace: DATA_NAMESPACE, storageClass: ctx.contrib.storageClass.block ?? '', members: [...Array(ctx.options.replicas).keys()] };
    return [
      ...dataNamespaceFiles(ctx, 'kv', ctx.project.name),
      { to: `${DATA_DIR}/etcd/chart`, dir: 'storage/etcd/chart', data: chartData },
      ...skeletonFiles(ctx.services, 'kv'),
      secretsScript('etcd', {
        appNamespace: ctx.project.namespace,
        dataNamespace: DATA_NAMESPACE,
        services: clients.map((s) => ({ name: s, secret: credentialsSecret(s, 'kv'), prefix: etcdPrefix(s) })),
      }),
    ];
  },
  contribute: (ctx) => {
    const clients = servicesUsing(ctx, 'kv');
    return {
      skeleton: storeSkeleton('kv'),
      chart: (s) =>
        uses(s, 'kv')
          ? {
              env: [
                { name: 'ETCD_ENDPOINTS', value: ETCD_ENDPOINT },
                { name: 'ETCD_USER', valueFrom: { secretKeyRef: { name: credentialsSecret(s.name, 'kv'), key: 'username' } } },
                { name: 'ETCD_PASSWORD', valueFrom: { secretKeyRef: { name: credentialsSecret(s.name, 'kv'), key: 'password' } } },
                { name: 'ETCD_PREFIX', value: etcdPrefix(s.name) },
                // The CA that signed the server certificate, copied by `make kv-secrets` (a public certificate).
                { name: 'ETCD_CA_PEM', valueFrom: { configMapKeyRef: { name: 'etcd-ca', key: 'ca.crt' } } },
              ],
            }
          : {},
      network: {
        peers: [{ id: 'etcd', title: 'etcd', namespace: DATA_NAMESPACE, podLabels: { 'app.kubernetes.io/name': 'etcd', 'app.kubernetes.io/instance': 'etcd' } }],
        edges: clientEdges(clients, 'etcd', [{ port: ETCD_CLIENT_PORT, protocol: 'TCP', appProtocol: 'tcp' }], 'its etcd key prefix (gRPC over TLS)'),
      },
      make: [
        ...aggregateTargets(ctx, 'kv'),
        {
          name: 'kv-install',
          help: `Install the etcd chart into namespace ${DATA_NAMESPACE} (needs cert-manager)`,
          recipe: [`helm upgrade --install etcd ${DATA_DIR}/etcd/chart --namespace ${DATA_NAMESPACE} --wait --timeout 10m`],
        },
        {
          name: 'kv-secrets',
          help: 'etcd root user, auth on, one user + role per service limited to its prefix (needs etcdctl and kubectl)',
          recipe: [`bash ${DATA_DIR}/etcd/secrets.sh`],
        },
      ],
      validate: [{ name: 'helm lint etcd', command: `helm lint --strict ${DATA_DIR}/etcd/chart` }],
      readme: [
        {
          title: 'Key-value store: etcd',
          order: 46,
          body: [
            `Our own chart (\`${DATA_DIR}/etcd/chart\`): ${ctx.options.replicas} members of \`${ETCD_IMAGE}\` as a StatefulSet with a headless ` +
              'peer Service (`publishNotReadyAddresses`), a PodDisruptionBudget, TLS for clients and peers from cert-manager, ' +
              `authentication on, and a snapshot CronJob (\`${ctx.options.snapshotSchedule}\`) writing to a PVC. Pods pass Pod Security *restricted*.`,
            '',
            ...markdownTable(
              ['Service', 'Key prefix (ETCD_PREFIX)', 'User and role', 'Credentials Secret'],
              clients.map((s) => `| ${s} | \`${etcdPrefix(s)}\` | \`${s}\` (readwrite on the prefix only) | \`${credentialsSecret(s, 'kv')}\` |`),
              'No service uses kv yet: add `uses: [kv]` to a service and regenerate to give it its key prefix and user.',
            ),
            '',
            `\`make kv-secrets\` (part of \`make data-secrets\`) port-forwards to etcd and runs \`etcdctl\` locally: root user and \`auth enable\` ` +
              'once, then per service a role with `readwrite` on its prefix and a user with that role; passwords go to etcdctl on stdin. ' +
              `Services read \`ETCD_ENDPOINTS\`, \`ETCD_USER\`, \`ETCD_PASSWORD\`, \`ETCD_PREFIX\` and the CA (\`ETCD_CA_PEM\`, ConfigMap \`etcd-ca\`).`,
          ].join('\n'),
        },
      ],
      diagram: { nodes: [{ id: 'etcd', label: 'etcd (prefix per service)', group: 'data' }], edges: [{ from: 'k8s', to: 'etcd', label: 'etcd 2379 TLS' }] },
    };
  },
});
