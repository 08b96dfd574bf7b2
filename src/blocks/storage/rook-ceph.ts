// Rook-Ceph (wave2.md §4.4, domain.md §9.3, CR-82/83): the rook-ceph operator chart and the
// rook-ceph-cluster chart values; the chart's block pool class `ceph-block` is the default class, CephFS
// (`ceph-filesystem`) and the object store (`ceph-bucket`) are options. A service with `uses: [objects]`
// gets an ObjectBucketClaim in its chart and S3 env from the ConfigMap and Secret the claim creates.
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { servicesUsing, uses } from './shared.js';

export const ROOK_NAMESPACE = 'rook-ceph';
/** Rook v1.20.6 (rook/rook tags; deploy/examples/crds.yaml @v1.20.6), Ceph v20.2.4 (deploy/examples/cluster.yaml). */
export const ROOK_VERSION = 'v1.20.6';
export const CEPH_IMAGE_TAG = 'v20.2.4';
/** Class names the rook-ceph-cluster chart renders (its values.yaml defaults, CR-83). */
export const CLASSES = { block: 'ceph-block', filesystem: 'ceph-filesystem', bucket: 'ceph-bucket' } as const;
/** RGW pods listen on 8080 behind the Service's gateway port (rook pkg/operator/ceph/object/config.go). */
export const RGW_POD_PORT = 8080;
const DIR = 'deploy/storage/rook-ceph';

export default defineBlock({
  id: 'rook-ceph',
  category: 'storage',
  slot: 'volumes',
  title: 'Rook-Ceph',
  summary: 'Ceph on the cluster\'s raw disks: block pool (default class), optional CephFS and S3 object store with bucket claims',
  status: 'stable',
  options: z
    .object({
      profile: z.enum(['production', 'test']).default('production').describe('production: 3 mons on 3 nodes, 3 replicas; test: one node, one replica (data loss on any failure)'),
      filesystem: z.boolean().default(false).describe('A CephFS filesystem and its ReadWriteMany class ceph-filesystem'),
      objectStore: z.boolean().default(false).describe('An S3 object store (RGW) and the bucket class ceph-bucket (on when a service uses objects)'),
      deviceFilter: z.string().max(200).default('').describe('Regular expression of the raw devices OSDs may use (empty = every empty device of every node)'),
    })
    .strict(),
  questions: {
    profile: { message: 'Rook-Ceph profile?', choices: { production: '3+ nodes with raw disks, 3 replicas', test: 'single node, 1 replica: only for trying things out' } },
    filesystem: { message: 'Also a shared CephFS filesystem (ReadWriteMany)?' },
    objectStore: { message: 'Also an S3 object store?' },
    deviceFilter: null,
  },
  files: (ctx) => {
    const objects = ctx.options.objectStore || servicesUsing(ctx, 'objects').length > 0;
    const test = ctx.options.profile === 'test';
    return [
      { to: `${DIR}/namespace.yaml`, template: 'storage/rook-ceph/namespace.yaml.hbs', data: { partOf: ctx.project.name } },
      { to: `${DIR}/operator-values.yaml`, template: 'storage/rook-ceph/operator-values.yaml.hbs', data: { monitoring: ctx.has('observability/kube-prometheus-stack') } },
      {
        to: `${DIR}/cluster-values.yaml`,
        template: 'storage/rook-ceph/cluster-values.yaml.hbs',
        data: { test, replicas: test ? 1 : 3, filesystem: ctx.options.filesystem, objects, deviceFilter: ctx.options.deviceFilter, cephTag: CEPH_IMAGE_TAG, monitoring: ctx.has('observability/kube-prometheus-stack') },
      },
      ...ctx.services.filter((s) => uses(s, 'objects')).map((s) => ({ to: `deploy/charts/${s.name}/templates/objectbucketclaim.yaml`, template: 'storage/rook-ceph/chart/objectbucketclaim.yaml' })),
    ];
  },
  contribute: (ctx) => {
    const clients = servicesUsing(ctx, 'objects');
    const objects = ctx.options.objectStore || clients.length > 0;
    return {
      storageClass: { block: CLASSES.block, ...(ctx.options.filesystem ? { filesystem: CLASSES.filesystem } : {}), ...(objects ? { bucket: CLASSES.bucket } : {}) },
      chart: (s) => (uses(s, 'objects') ? objectChart(s.name) : {}),
      network: objects
        ? {
            peers: [{ id: 'ceph-rgw', title: 'Ceph object gateway (S3)', namespace: ROOK_NAMESPACE, podLabels: { app: 'rook-ceph-rgw', rook_object_store: 'ceph-objectstore' } }],
            edges: clients.map((s) => ({ from: { service: s }, to: { peer: 'ceph-rgw' }, ports: [{ port: RGW_POD_PORT, protocol: 'TCP' as const, appProtocol: 'http' as const }], reason: `${s} uses its S3 bucket` })),
          }
        : {},
      make: [
        {
          name: 'volumes-install',
          help: `Install Rook ${ROOK_VERSION} (operator, then the Ceph cluster) into namespace ${ROOK_NAMESPACE}`,
          recipe: [
            `kubectl apply -f ${DIR}/namespace.yaml`,
            'helm repo add rook-release https://charts.rook.io/release --force-update',
            `helm upgrade --install rook-ceph rook-release/rook-ceph --version ${ROOK_VERSION} --namespace ${ROOK_NAMESPACE} -f ${DIR}/operator-values.yaml --wait`,
            `helm upgrade --install rook-ceph-cluster rook-release/rook-ceph-cluster --version ${ROOK_VERSION} --namespace ${ROOK_NAMESPACE} -f ${DIR}/cluster-values.yaml`,
          ],
        },
      ],
      readme: [
        {
          title: 'Volumes: Rook-Ceph',
          order: 47,
          body: [
            `\`make volumes-install\` installs Rook ${ROOK_VERSION} (Ceph ${CEPH_IMAGE_TAG}) into namespace \`${ROOK_NAMESPACE}\`, labelled Pod Security ` +
              '*privileged*: OSDs and the CSI node plugins need host devices, host paths and privileged containers. Every PVC generated here uses ' +
              `\`${CLASSES.block}\` (the chart's default class)${ctx.options.filesystem ? `; \`${CLASSES.filesystem}\` (CephFS) is the ReadWriteMany class` : ''}` +
              `${objects ? `; buckets come from \`${CLASSES.bucket}\`` : ''}.`,
            '',
            ctx.options.profile === 'test'
              ? '**Test profile:** one mon, one replica, several OSDs per node allowed: any disk or node failure loses data.'
              : 'Needs at least 3 schedulable nodes with empty raw devices (no filesystem), `lvm2` on the hosts and the `rbd` kernel module.',
            ...(clients.length
              ? ['', `Services that use objects get an ObjectBucketClaim (class \`${CLASSES.bucket}\`) in their chart and read \`S3_ENDPOINT\`, \`BUCKET_NAME\`, ` +
                  '`BUCKET_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` from the ConfigMap and Secret the claim creates: ' + clients.join(', ') + '.']
              : []),
          ].join('\n'),
        },
      ],
      diagram: { nodes: [{ id: 'ceph', label: 'Rook-Ceph', group: 'data' }], edges: [{ from: 'k8s', to: 'ceph', label: 'volumes' }] },
    };
  },
});

/**
 * An ObjectBucketClaim named after the service creates a ConfigMap (BUCKET_HOST, BUCKET_NAME, BUCKET_PORT,
 * BUCKET_REGION) and a Secret (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) of the same name
 * (rook Documentation/Storage-Configuration/Object-Storage-RGW/ceph-object-bucket-claim.md).
 */
function objectChart(service: string) {
  const cm = (key: string) => ({ name: key, valueFrom: { configMapKeyRef: { name: service, key } } });
  const secret = (key: string) => ({ name: key, valueFrom: { secretKeyRef: { name: service, key } } });
  return {
    env: [
      cm('BUCKET_HOST'),
      cm('BUCKET_PORT'),
      cm('BUCKET_NAME'),
      cm('BUCKET_REGION'),
      secret('AWS_ACCESS_KEY_ID'),
      secret('AWS_SECRET_ACCESS_KEY'),
      { name: 'S3_ENDPOINT', value: 'http://$(BUCKET_HOST):$(BUCKET_PORT)' },
    ],
    extraValues: { objectBucket: { enabled: true, storageClassName: CLASSES.bucket } },
    valuesSchema: {
      objectBucket: {
        type: 'object',
        description: 'ObjectBucketClaim of this service (added by the rook-ceph block)',
        additionalProperties: false,
        required: ['enabled', 'storageClassName'],
        properties: { enabled: { type: 'boolean' }, storageClassName: { type: 'string', minLength: 1 } },
      },
    },
  };
}
