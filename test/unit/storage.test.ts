// The storage blocks on the fields that matter (the objects are schema-validated by the reference
// validator; here: what the operators and clients rely on): the vtgate Service name the Vitess operator
// computes, one keyspace/schema/prefix per service, durability, PD endpoints and TiKV's two edges, the
// env contract without secrets, Pod Security levels, the storageClass contribution, and the rules.
import yaml from 'js-yaml';
import { describe, expect, test } from 'vitest';
import { catalog } from '../../src/catalog/registry.js';
import { evaluateRules } from '../../src/config/rules.js';
import { readAnswersText } from '../../src/config/sources.js';
import { renderProject } from '../../src/generate.js';
import { VITESS_CLUSTER, vtgateServiceName } from '../../src/blocks/storage/vitess.js';
import { sqlUser } from '../../src/blocks/storage/shared.js';

function generate(answers: string) {
  const { tree, contrib } = renderProject(readAnswersText(answers, 'answers.yaml'), catalog);
  const file = (p: string) => {
    const f = tree.get(p);
    if (!f) throw new Error(`${p} was not generated`);
    return f.content;
  };
  const docs = (p: string) => yaml.loadAll(file(p)).filter(Boolean) as any[];
  const values = (svc: string) => yaml.load(file(`deploy/charts/${svc}/values.yaml`)) as { env: { name: string; value?: string; valueFrom?: any }[] };
  return { tree, contrib, file, docs, values };
}

const project = (storage: string, services: string) => `project: { name: shop, namespace: shop }\nservices:\n${services}\nstorage:\n${storage}\n`;
const SERVICES = [
  '  - { name: orders, language: node, port: 8080, uses: [sql, kv] }',
  '  - { name: payments-api, language: python, port: 8081, uses: [sql] }',
  '  - { name: web, language: go, port: 8082 }',
].join('\n');
/** The same services without kv (for answers with no kv block), and with kv only. */
const SQL_SERVICES = SERVICES.replace('uses: [sql, kv]', 'uses: [sql]');
const KV_SERVICES = SERVICES.replace('uses: [sql, kv]', 'uses: [kv]').replace(', uses: [sql]', '');

describe('vitess', () => {
  test('the vtgate Service name is the operator\'s names.Join hash (the documented example-vtgate-ae7df4b6)', () => {
    expect(vtgateServiceName('example')).toBe('example-vtgate-ae7df4b6');
    expect(vtgateServiceName('vitess')).toMatch(/^vitess-vtgate-[0-9a-f]{8}$/);
    expect(vtgateServiceName('vitess')).not.toBe(vtgateServiceName('vitess2'));
  });

  test('one keyspace per service that uses sql; semi_sync only with 3+ tablets; DB_HOST is the hashed vtgate', () => {
    const g = generate(project('  sql: vitess\n  kv: etcd\n  vitess: { tabletReplicas: 2, shards: 2 }', SERVICES));
    const [vc] = g.docs('deploy/data/vitess/vitesscluster.yaml');
    expect(vc.kind).toBe('VitessCluster');
    expect(vc.spec.keyspaces.map((k: any) => k.name)).toEqual(['orders', 'payments_api']);
    for (const k of vc.spec.keyspaces) {
      expect(k.durabilityPolicy).toBe('none');
      expect(k.partitionings[0].equal.parts).toBe(2);
      expect(k.partitionings[0].equal.shardTemplate.tabletPools[0]).toMatchObject({ type: 'replica', replicas: 2 });
    }
    const env = Object.fromEntries(g.values('orders').env.map((e) => [e.name, e]));
    expect(env['DB_HOST']?.value).toBe(`${vtgateServiceName(VITESS_CLUSTER)}.data.svc.cluster.local`);
    expect(env['DB_PORT']?.value).toBe('3306');
    expect(env['DB_NAME']?.value).toBe('orders');
    expect(env['DB_PASSWORD']?.valueFrom).toEqual({ secretKeyRef: { name: 'orders-sql', key: 'password' } });
    expect(env['DATABASE_URL']?.value).toBe('mysql://$(DB_USER):$(DB_PASSWORD)@$(DB_HOST):$(DB_PORT)/$(DB_NAME)');
    // The web service uses nothing: no data env at all.
    expect(g.values('web').env.filter((e) => /^(DB_|ETCD_|DATABASE_URL)/.test(e.name))).toEqual([]);

    const semi = generate(project('  sql: vitess', '  - { name: orders, language: node, port: 8080, uses: [sql] }'));
    expect(semi.docs('deploy/data/vitess/vitesscluster.yaml')[0].spec.keyspaces[0].durabilityPolicy).toBe('semi_sync');
  });

  test('services reach vtgate on 3306 as opaque TCP, and nothing else of the data namespace', () => {
    const g = generate(project('  sql: vitess', SQL_SERVICES));
    const edges = g.contrib.network.edges.filter((e) => 'peer' in e.to && e.to.peer === 'vtgate');
    expect(edges.map((e) => ('service' in e.from ? e.from.service : ''))).toEqual(['orders', 'payments-api']);
    for (const e of edges) expect(e.ports).toEqual([{ port: 3306, protocol: 'TCP', appProtocol: 'tcp' }]);
    expect(g.contrib.network.peers.find((p) => p.id === 'vtgate')).toMatchObject({ namespace: 'data', podLabels: { 'planetscale.com/component': 'vtgate' } });
  });
});

describe('mysql, etcd, tikv', () => {
  test('mysql: one schema and user per service, router read-write port in the policy, service port in the env', () => {
    const g = generate(project('  sql: mysql', SQL_SERVICES));
    const [ic] = g.docs('deploy/data/mysql/innodbcluster.yaml');
    expect(ic).toMatchObject({ apiVersion: 'mysql.oracle.com/v2', kind: 'InnoDBCluster', spec: { secretName: 'mysql-root', instances: 3, router: { instances: 2 } } });
    const script = g.file('deploy/data/mysql/secrets.sh');
    expect(script).toMatch(/service_grant 'orders-sql' 'orders' 'orders'\n/);
    expect(script).toMatch(/service_grant 'payments-api-sql' 'payments-api' 'payments_api'\n/);
    const edge = g.contrib.network.edges.find((e) => 'peer' in e.to && e.to.peer === 'mysql-router')!;
    expect(edge.ports).toEqual([{ port: 6446, protocol: 'TCP', appProtocol: 'tcp' }]);
    expect(g.values('orders').env.find((e) => e.name === 'DB_HOST')?.value).toBe('mysql.data.svc.cluster.local');
    expect(sqlUser('a'.repeat(40))).toHaveLength(32);
  });

  test('etcd: a prefix per service, the CA from a ConfigMap, 3 members with TLS and no client-cert demand', () => {
    const g = generate(project('  kv: etcd', KV_SERVICES));
    const env = Object.fromEntries(g.values('orders').env.map((e) => [e.name, e]));
    expect(env['ETCD_PREFIX']?.value).toBe('/orders/');
    expect(env['ETCD_ENDPOINTS']?.value).toBe('https://etcd.data.svc.cluster.local:2379');
    expect(env['ETCD_CA_PEM']?.valueFrom).toEqual({ configMapKeyRef: { name: 'etcd-ca', key: 'ca.crt' } });
    expect(g.file('deploy/data/etcd/secrets.sh')).toMatch(/service_credentials 'orders-kv' 'orders' '\/orders\/'\n/);
    expect(g.file('deploy/data/etcd/chart/values.yaml')).toMatch(/^replicas: 3$/m);
    const sts = g.file('deploy/data/etcd/chart/templates/statefulset.yaml');
    expect(sts).toMatch(/--peer-client-cert-auth=true/);
    // etcd demands client certificates when --trusted-ca-file is set (found by test/storage.test.ts).
    expect(sts).not.toMatch(/- --trusted-ca-file/);
    expect(g.file('deploy/data/namespace.yaml')).toMatch(/pod-security\.kubernetes\.io\/enforce: restricted/);
  });

  test('tikv: PD + TiKV groups without TiDB; clients get PD endpoints and edges to PD and every store', () => {
    const g = generate(project('  kv: tikv', '  - { name: stock, language: go, port: 8080, uses: [kv] }'));
    const kinds = g.docs('deploy/data/tikv/cluster.yaml').map((d) => d.kind);
    expect(kinds).toEqual(['Cluster', 'PDGroup', 'TiKVGroup']);
    const env = Object.fromEntries(g.values('stock').env.map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ PD_ENDPOINTS: 'tikv-pd.data.svc.cluster.local:2379', TIKV_PREFIX: 'stock/' });
    const to = g.contrib.network.edges.filter((e) => 'service' in e.from && e.from.service === 'stock').map((e) => [('peer' in e.to && e.to.peer) || '', e.ports[0]!.port]);
    expect(to).toEqual(expect.arrayContaining([['tikv-pd', 2379], ['tikv-stores', 20160]]));
    expect(g.file('deploy/data/namespace.yaml')).toMatch(/enforce: baseline/);
    expect(g.file('services/stock/go.mod')).toMatch(/github\.com\/tikv\/client-go\/v2 /);
    expect(g.file('services/stock/kv_store.go')).toMatch(/rawkv\.NewClientWithOpts/);
  });
});

describe('volumes and objects', () => {
  test('rook-ceph: its classes reach every PVC generated here; objects get a bucket claim and S3 env; the namespace is privileged', () => {
    const g = generate(project('  sql: vitess\n  kv: etcd\n  volumes: rook-ceph', '  - { name: orders, language: node, port: 8080, uses: [sql, kv, objects] }'));
    expect(g.contrib.storageClass).toEqual({ block: 'ceph-block', bucket: 'ceph-bucket' });
    const vc = g.docs('deploy/data/vitess/vitesscluster.yaml')[0];
    expect(vc.spec.keyspaces[0].partitionings[0].equal.shardTemplate.tabletPools[0].dataVolumeClaimTemplate.storageClassName).toBe('ceph-block');
    expect(g.file('deploy/data/etcd/chart/values.yaml')).toMatch(/storageClass: ceph-block/);
    expect(g.file('deploy/charts/orders/templates/objectbucketclaim.yaml')).toMatch(/kind: ObjectBucketClaim/);
    const v = g.values('orders') as any;
    expect(v.objectBucket).toEqual({ enabled: true, storageClassName: 'ceph-bucket' });
    expect(v.env.find((e: any) => e.name === 'S3_ENDPOINT').value).toBe('http://$(BUCKET_HOST):$(BUCKET_PORT)');
    expect(v.env.find((e: any) => e.name === 'AWS_SECRET_ACCESS_KEY').valueFrom).toEqual({ secretKeyRef: { name: 'orders', key: 'AWS_SECRET_ACCESS_KEY' } });
    expect(g.file('deploy/storage/rook-ceph/namespace.yaml')).toMatch(/enforce: privileged/);
    expect(g.file('deploy/data/namespace.yaml')).toMatch(/enforce: baseline/);
    const rgw = g.contrib.network.edges.find((e) => 'peer' in e.to && e.to.peer === 'ceph-rgw')!;
    expect(rgw.ports[0]!.port).toBe(8080);
  });

  test('cluster-default: the named class, or the cluster default when empty', () => {
    const g = generate(project('  kv: etcd\n  cluster-default: { storageClassName: fast-ssd }', KV_SERVICES));
    expect(g.contrib.storageClass).toEqual({ block: 'fast-ssd' });
    expect(g.file('deploy/data/etcd/chart/values.yaml')).toMatch(/storageClass: fast-ssd/);
    const d = generate(project('  kv: etcd', KV_SERVICES));
    expect(d.file('deploy/data/etcd/chart/values.yaml')).toMatch(/storageClass: (''|"")$/m);
  });

  test('no password, key or token in any generated file', () => {
    const g = generate(project('  sql: mysql\n  kv: etcd\n  volumes: rook-ceph', '  - { name: orders, language: node, port: 8080, uses: [sql, kv, objects] }\n  - { name: pay, language: java, port: 8081, uses: [sql, kv] }'));
    for (const [p, f] of g.tree) {
      expect(f.content, p).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
      expect(f.content, p).not.toMatch(/(password|passwd|secret|token)\s*[:=]\s*['"]?[A-Za-z0-9+/]{16,}/i);
      expect(f.content, p).not.toMatch(/\b[0-9a-f]{48}\b/); // what openssl rand -hex 24 produces
    }
  });
});

describe('rules', () => {
  const fired = (answers: string) => {
    const data = yaml.load(answers) as Record<string, unknown>;
    return evaluateRules(data as never).map((r) => `${r.id}:${r.severity}`);
  };
  test('TiKV is refused for languages without a maintained client, allowed for Go', () => {
    expect(fired(project('  kv: tikv', '  - { name: a, language: node, uses: [kv] }'))).toContain('CN-DATA-06:error');
    expect(fired(project('  kv: tikv', '  - { name: a, language: python, uses: [kv] }'))).toContain('CN-DATA-06:error');
    expect(fired(project('  kv: tikv', '  - { name: a, language: go, uses: [kv] }'))).not.toContain('CN-DATA-06:error');
  });
  test('version windows: Vitess needs 1.32+ and warns past 1.35 (TiDB Operator v2 needs 1.30, every minor offered)', () => {
    const at = (v: string, storage: string) => fired(`project: { name: s, kubernetesVersion: "${v}" }\nservices: []\nstorage:\n${storage}\n`);
    expect(at('1.31', '  sql: vitess')).toContain('CN-DATA-01:error');
    expect(at('1.32', '  sql: vitess')).not.toContain('CN-DATA-01:error');
    expect(at('1.36', '  sql: vitess')).toContain('CN-DATA-01b:warning');
  });
  test('Rook: hardware warning in production, data-loss warning in the test profile; objects need Rook', () => {
    expect(fired(project('  volumes: rook-ceph', '  - { name: a }'))).toContain('CR-82:warning');
    expect(fired(project('  volumes: rook-ceph\n  rook-ceph: { profile: test }', '  - { name: a }'))).toEqual(expect.arrayContaining(['CR-82b:warning']));
    expect(fired(project('  volumes: cluster-default', '  - { name: a, uses: [objects] }'))).toContain('CN-GRAPH-05:error');
  });
  test('a store (or NATS) nobody uses: a warning, and the README says so instead of an empty table', () => {
    const cases = [
      { storage: '  sql: mysql', use: 'sql', rule: 'CN-GRAPH-06', section: '## SQL: MySQL InnoDB Cluster', column: 'Schema (DB_NAME)' },
      { storage: '  sql: vitess', use: 'sql', rule: 'CN-GRAPH-06', section: '## SQL: Vitess', column: 'Keyspace (DB_NAME)' },
      { storage: '  kv: etcd', use: 'kv', rule: 'CN-GRAPH-07', section: '## Key-value store: etcd', column: 'Key prefix (ETCD_PREFIX)' },
    ];
    for (const c of cases) {
      for (const used of [false, true]) {
        const answers = project(c.storage, `  - { name: a, language: go${used ? `, uses: [${c.use}]` : ''} }`);
        expect(fired(answers).includes(`${c.rule}:warning`), `${c.storage} used=${used}`).toBe(!used);
        const readme = generate(answers).file('README.md');
        const section = readme.slice(readme.indexOf(c.section), readme.indexOf('\n## ', readme.indexOf(c.section) + 1));
        expect(section, c.section).not.toBe('');
        // A table has a row under its header, or there is no table: the sentence says how to get one.
        expect(section.includes(`| ${c.column} |`), `${c.storage} used=${used}`).toBe(used);
        expect(section.includes(`No service uses ${c.use} yet`), `${c.storage} used=${used}`).toBe(!used);
        if (used) expect(section).toMatch(/\n\| a \| /);
      }
    }
    const nats = (services: string) => `project: { name: shop }\nservices:\n${services}\nmessaging: { pubsub: nats }\n`;
    expect(fired(nats('  - { name: a }'))).toContain('CN-GRAPH-08:warning');
    expect(fired(nats('  - { name: a, publishes: [orders.created] }'))).not.toContain('CN-GRAPH-08:warning');
    expect(generate(nats('  - { name: a }')).file('README.md')).toContain('No service publishes, subscribes or responds yet');
    expect(generate(nats('  - { name: a, publishes: [orders.created] }')).file('README.md')).toMatch(/\| `orders\.created` \| a \|/);
    // Before any service is answered (the walk's first questions), nothing is said.
    expect(fired('project: { name: s }\nstorage: { sql: mysql, kv: etcd }\nmessaging: { pubsub: nats }\n').filter((r) => /CN-GRAPH-0[678]/.test(r))).toEqual([]);
  });
});
