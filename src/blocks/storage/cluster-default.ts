// Volumes from the cluster's own storage (wave2.md §4.4): nothing to install; the StorageClass every PVC
// of the generated repository uses is this block's `storageClass` contribution ('' = the cluster default).
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';

export default defineBlock({
  id: 'cluster-default',
  category: 'storage',
  slot: 'volumes',
  title: 'Cluster storage',
  summary: 'PVCs use the cluster\'s default StorageClass, or the one you name',
  status: 'stable',
  options: z
    .object({
      storageClassName: z
        .string()
        .regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$/, { error: 'a StorageClass name (DNS subdomain), or empty for the cluster default' })
        .default('')
        .describe('StorageClass of every PVC the generated repository creates; empty = the cluster default'),
    })
    .strict(),
  questions: { storageClassName: { message: 'StorageClass for persistent volumes (empty = the cluster default)?' } },
  contribute: (ctx) => ({
    // Only block storage is known to exist; shared files and buckets are not offered (rules CN-GRAPH-05).
    storageClass: { block: ctx.options.storageClassName },
    readme: [
      {
        title: 'Volumes',
        order: 47,
        body:
          `Every PersistentVolumeClaim generated here uses ${ctx.options.storageClassName ? `the StorageClass \`${ctx.options.storageClassName}\`` : 'the cluster\'s default StorageClass'} ` +
          '(answer `storage.cluster-default.storageClassName`).',
      },
    ],
  }),
});
