// TiKV without TiDB through TiDB Operator v2 (wave2.md §4.3, domain.md §9.5, CR-86): a Cluster, a PDGroup
// and a TiKVGroup (core.pingcap.com/v1alpha1), no TiDBGroup. Clients ask PD (its `<group>-pd` Service,
// 2379) where a key lives and then talk to that TiKV store directly on 20160, so every client needs
// both edges. TiKV has no per-prefix ACL: each service gets its own key prefix by convention only.
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { skeletonFiles } from './skeleton.js';
import { DATA_DIR, DATA_NAMESPACE, aggregateTargets, clientEdges, dataNamespaceFiles, servicesUsing, uses } from './shared.js';

export const TIKV_CLUSTER = 'tikv';
/** TiDB Operator v2.0.1 (its CRDs: pingcap/tidb-operator manifests/crd @v2.0.1); needs Kubernetes >= 1.30. */
export const TIDB_OPERATOR_VERSION = 'v2.0.1';
/** The TiKV/PD release of the operator's examples/basic (v8.5.2). */
export const TIKV_VERSION = 'v8.5.2';
export const PD_PORT = 2379;
export const TIKV_PORT = 20160;
/**
 * PD's client Service is `<PDGroup name>-pd` (pingcap/tidb-operator pkg/controllers/pdgroup/tasks/util.go
 * InternalServiceName); the PDGroup is named after the cluster.
 */
export const pdService = (group = TIKV_CLUSTER) => `${group}-pd`;
export const PD_ENDPOINTS = `${pdService()}.${DATA_NAMESPACE}.svc.cluster.local:${PD_PORT}`;
export const tikvPrefix = (service: string) => `${service}/`;

/** Small-cluster settings: fewer open files than the default ulimit allows, no reserved space. */
const TIKV_CONFIG = '[rocksdb]\nmax-open-files = 256\n\n[storage]\nreserve-space = "0MB"\n';
/** Operator pods get the restricted fields through the overlay (docs-tidb-operator#2738: root otherwise). */
const overlay = {
  pod: {
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    },
  },
};

export function tikvObjects(o: { pdReplicas: number; tikvReplicas: number; storageSize: string }, storageClass: string | undefined) {
  const volume = (name: string, size: string) => ({ name, mounts: [{ type: 'data' }], storage: size, ...(storageClass ? { storageClassName: storageClass } : {}) });
  const meta = (kind: string) => ({ apiVersion: 'core.pingcap.com/v1alpha1', kind, metadata: { name: TIKV_CLUSTER, namespace: DATA_NAMESPACE } });
  return [
    { ...meta('Cluster'), spec: {} },
    {
      ...meta('PDGroup'),
      spec: {
        cluster: { name: TIKV_CLUSTER },
        replicas: o.pdReplicas,
        template: { spec: { version: TIKV_VERSION, resources: { cpu: '500m', memory: '1Gi' }, overlay, volumes: [volume('data', '10Gi')] } },
      },
    },
    {
      ...meta('TiKVGroup'),
      spec: {
        cluster: { name: TIKV_CLUSTER },
        replicas: o.tikvReplicas,
        template: { spec: { version: TIKV_VERSION, resources: { cpu: '1', memory: '2Gi' }, config: TIKV_CONFIG, overlay, volumes: [volume('data', o.storageSize)] } },
      },
    },
  ];
}

export default defineBlock({
  id: 'tikv',
  category: 'storage',
  slot: 'kv',
  title: 'TiKV (TiDB Operator v2, no TiDB)',
  summary: 'Transactional/raw key-value store: PD + TiKV groups; Go clients only (client-go)',
  status: 'stable',
  options: z
    .object({
      pdReplicas: z.number().int().min(1).max(7).default(3).describe('PD members'),
      tikvReplicas: z.number().int().min(1).max(99).default(3).describe('TiKV stores (3 for the default 3 data replicas)'),
      storageSize: z.string().regex(/^[0-9]+(Mi|Gi|Ti)$/, { error: 'a quantity such as 50Gi' }).default('50Gi').describe('Data volume of each store'),
    })
    .strict(),
  questions: { pdReplicas: null, tikvReplicas: { message: 'TiKV stores?' }, storageSize: null },
  files: (ctx) => [
    ...dataNamespaceFiles(ctx, 'kv', ctx.project.name),
    { to: `${DATA_DIR}/tikv/cluster.yaml`, template: 'storage/tikv/cluster.yaml.hbs', data: { objects: tikvObjects(ctx.options, ctx.contrib.storageClass.block || undefined) } },
    ...skeletonFiles(ctx.services, 'kv'),
  ],
  contribute: (ctx) => {
    const clients = servicesUsing(ctx, 'kv');
    return {
      chart: (s) => (uses(s, 'kv') ? { env: [{ name: 'PD_ENDPOINTS', value: PD_ENDPOINTS }, { name: 'TIKV_PREFIX', value: tikvPrefix(s.name) }] } : {}),
      network: {
        peers: [
          { id: 'tikv-pd', title: 'TiKV PD', namespace: DATA_NAMESPACE, podLabels: { 'pingcap.com/cluster': TIKV_CLUSTER, 'pingcap.com/component': 'pd' } },
          { id: 'tikv-stores', title: 'TiKV stores', namespace: DATA_NAMESPACE, podLabels: { 'pingcap.com/cluster': TIKV_CLUSTER, 'pingcap.com/component': 'tikv' } },
        ],
        edges: [
          ...clientEdges(clients, 'tikv-pd', [{ port: PD_PORT, protocol: 'TCP', appProtocol: 'grpc' }], 'TiKV: PD locates the keys'),
          ...clientEdges(clients, 'tikv-stores', [{ port: TIKV_PORT, protocol: 'TCP', appProtocol: 'grpc' }], 'TiKV: reads and writes go to every store directly'),
        ],
      },
      make: [
        ...aggregateTargets(ctx, 'kv'),
        {
          name: 'kv-install',
          help: `Install TiDB Operator ${TIDB_OPERATOR_VERSION} and the PD + TiKV groups into namespace ${DATA_NAMESPACE}`,
          recipe: [
            `kubectl apply --server-side -f https://github.com/pingcap/tidb-operator/releases/download/${TIDB_OPERATOR_VERSION}/tidb-operator.crds.yaml`,
            `helm upgrade --install tidb-operator oci://ghcr.io/pingcap/charts/tidb-operator --version ${TIDB_OPERATOR_VERSION} --namespace tidb-admin --create-namespace --wait`,
            `kubectl apply -f ${DATA_DIR}/tikv/cluster.yaml`,
          ],
        },
        { name: 'kv-secrets', help: 'TiKV has no users: nothing to create (isolation is the network policy and the key prefix)', recipe: ['@echo "TiKV: no credentials to create"'] },
      ],
      readme: [
        {
          title: 'Key-value store: TiKV',
          order: 46,
          body:
            `TiDB Operator ${TIDB_OPERATOR_VERSION} runs ${ctx.options.pdReplicas} PD and ${ctx.options.tikvReplicas} TiKV pods (${TIKV_VERSION}) in namespace \`${DATA_NAMESPACE}\`, ` +
            `without TiDB. Services get \`PD_ENDPOINTS=${PD_ENDPOINTS}\` and their own \`TIKV_PREFIX\` (\`<service>/\`); the network policy ` +
            `lets them reach PD (${PD_PORT}) and every store (${TIKV_PORT}), since TiKV clients talk to the store that holds a key. TiKV has no ` +
            'users or per-prefix permissions: a service can technically read another prefix; only Go has a maintained TiKV client (tikv/client-go).',
        },
      ],
      diagram: { nodes: [{ id: 'tikv', label: 'TiKV (PD + stores)', group: 'data' }], edges: [{ from: 'k8s', to: 'tikv', label: 'PD 2379, TiKV 20160' }] },
    };
  },
});
