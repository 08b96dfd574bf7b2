// Storage rules (wave2.md §6 CN-DATA-xx, domain.md §11 CR-82..87): version windows of the operators
// against project.kubernetesVersion, Rook's hardware needs, languages without a maintained client.
// `uses` without a chosen block is in graph.ts (CN-GRAPH-02/04/05). CR-86 (TiDB Operator v2 needs
// Kubernetes >= 1.30) is structural: the answers model offers no older minor (KUBERNETES_VERSIONS).
import { kubeMinor, pick, servicesOf, type PartialConfig, type Rule } from './define.js';

const usesKv = (c: PartialConfig, languages: string[]) =>
  servicesOf(c)
    .filter(({ s }) => Array.isArray(s.uses) && s.uses.includes('kv') && languages.includes(String(s.language ?? 'node')))
    .map(({ i }) => `services.${i}.uses`);

export const STORAGE_RULES: Rule[] = [
  {
    // vitess-operator README compatibility table: v2.17 (Vitess 24) recommends Kubernetes 1.32-1.35;
    // the v2.15/v2.16 lines cover 1.30/1.31 but run older Vitess majors than the images generated here.
    id: 'CN-DATA-01',
    severity: 'error',
    paths: ['storage.sql', 'project.kubernetesVersion'],
    when: (c) => pick(c, 'storage.sql') === 'vitess' && kubeMinor(c) < 32,
    message: 'Vitess operator v2.17 (Vitess 24) supports Kubernetes 1.32-1.35; older clusters need the v2.15/v2.16 operator lines with older Vitess',
    fix: '--kubernetes-version 1.34, or --storage-sql mysql',
  },
  {
    id: 'CN-DATA-01b',
    severity: 'warning',
    paths: ['storage.sql', 'project.kubernetesVersion'],
    when: (c) => pick(c, 'storage.sql') === 'vitess' && kubeMinor(c) > 35,
    message: 'Vitess operator v2.17 is tested up to Kubernetes 1.35: 1.36 is outside its recommended window (bug reports are welcome upstream)',
  },
  {
    id: 'CN-DATA-02',
    severity: 'warning',
    paths: ['storage.vitess.mysqldMemory'],
    when: (c) => pick(c, 'storage.sql') === 'vitess' && /^[0-9]+Mi$/.test(String(pick(c, 'storage.vitess.mysqldMemory') ?? '')) && parseInt(String(pick(c, 'storage.vitess.mysqldMemory')), 10) < 1024,
    message: 'mysqld with less than 1Gi is OOM-killed under load (vitessio/vitess#13118)',
    fix: '--set storage.vitess.mysqldMemory=1Gi',
  },
  {
    id: 'CN-DATA-03',
    severity: 'info',
    paths: ['storage.vitess.tabletReplicas'],
    when: (c) => pick(c, 'storage.sql') === 'vitess' && Number(pick(c, 'storage.vitess.tabletReplicas') ?? 3) < 3,
    message: 'fewer than 3 tablets per shard: durability policy "none" (semi-sync would stop every write when the one replica is down)',
  },
  {
    // MySQL Operator 9.x charts declare no kubeVersion; the operator's CI runs on currently supported minors.
    id: 'CN-DATA-10',
    severity: 'warning',
    paths: ['storage.sql', 'project.kubernetesVersion'],
    when: (c) => pick(c, 'storage.sql') === 'mysql' && kubeMinor(c) < 31,
    message: 'MySQL Operator 9.x is tested on supported Kubernetes releases; 1.30 is past its upstream end of life',
    fix: '--kubernetes-version 1.34',
  },
  {
    // npm has no TiKV client; PyPI's tikv-client 0.0.4 (the tikv/client-py binding) was last released
    // 2024-01 and tikv-python is a one-release project: neither is maintained enough to generate.
    id: 'CN-DATA-06',
    severity: 'error',
    paths: ['storage.kv', 'services'],
    when: (c) => pick(c, 'storage.kv') === 'tikv' && usesKv(c, ['node', 'python', 'java']).length > 0,
    at: (c) => usesKv(c, ['node', 'python', 'java']),
    message:
      'no maintained TiKV client for this language (npm has none; PyPI tikv-client 0.0.4 dates from 2024-01; the Java client tikv-client-java is not generated): only Go services (tikv/client-go) can use kv with TiKV',
    fix: '--storage-kv etcd, or write the service in Go',
  },
  {
    id: 'CN-DATA-07',
    severity: 'info',
    paths: ['storage.kv'],
    when: (c) => pick(c, 'storage.kv') === 'tikv',
    message: 'TiKV is generated with small-cluster settings (rocksdb.max-open-files 256, storage.reserve-space 0MB) and no per-prefix permissions: services are separated by key prefix and network policy only',
  },
  {
    // etcd 3.6 images run on any supported Kubernetes; the /livez and /readyz probes need etcd >= 3.6.
    id: 'CN-DATA-08',
    severity: 'info',
    paths: ['storage.kv'],
    when: (c) => pick(c, 'storage.kv') === 'etcd',
    message: 'etcd runs from a chart generated here (no maintained operator: etcd-io/etcd-operator is early, Bitnami images are frozen, CR-84); it needs cert-manager for TLS',
  },
  {
    id: 'CR-82',
    severity: 'warning',
    paths: ['storage.volumes'],
    when: (c) => pick(c, 'storage.volumes') === 'rook-ceph' && pick(c, 'storage.rook-ceph.profile') !== 'test',
    message:
      'Rook-Ceph needs at least 3 schedulable nodes with empty raw devices (no filesystem), lvm2 on the hosts and the rbd kernel module (GKE Container-Optimized OS lacks it); its namespace is Pod Security privileged',
  },
  {
    id: 'CR-82b',
    severity: 'warning',
    paths: ['storage.rook-ceph.profile'],
    when: (c) => pick(c, 'storage.volumes') === 'rook-ceph' && pick(c, 'storage.rook-ceph.profile') === 'test',
    message: 'Rook-Ceph test profile: one mon and one data replica on a single node; any disk or node failure loses the data',
    fix: '--set storage.rook-ceph.profile=production on 3+ nodes with raw disks',
  },
];
