// The service graph (services[].calls, expose, egress, publishes, subscribes, responds, uses): rules
// that need another category's answer. Checks of the graph alone (a callee that does not exist, a bad
// subject) are in src/config/graph-schema.ts, next to the fields.
import { pick, servicesOf, type PartialConfig, type Rule } from './define.js';

/** `services.N.<field>` for every service whose field passes the test. */
const where = (c: PartialConfig, field: string, test: (v: any) => boolean) =>
  servicesOf(c).filter(({ s }) => s[field] !== undefined && test(s[field])).map(({ i }) => `services.${i}.${field}`);
const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;
const usesKind = (kind: string) => (v: unknown) => Array.isArray(v) && v.includes(kind);
/** A slot whose default is 'none' (sql, kv, pubsub) is 'none' or not answered yet. */
const noBlock = (c: PartialConfig, slot: string) => {
  const v = pick(c, slot);
  return v === undefined || v === 'none';
};

/** The inverse of a missing store: one is chosen (and installed) that no service uses yet. */
function unused(id: string, slot: string, used: (c: PartialConfig) => boolean, message: string, fix: string): Rule {
  return { id, severity: 'warning', paths: [slot, 'services'], when: (c) => !noBlock(c, slot) && servicesOf(c).length > 0 && !used(c), message, fix };
}

export const GRAPH_RULES: Rule[] = [
  {
    id: 'CN-GRAPH-03',
    severity: 'error',
    paths: ['discovery.gateway', 'services'],
    when: (c) => pick(c, 'discovery.gateway') === 'none' && where(c, 'expose', (v) => v !== false).length > 0,
    at: (c) => where(c, 'expose', (v) => v !== false),
    message: 'an exposed service is routed from outside the cluster by the gateway, and no gateway is chosen',
    fix: '--discovery-gateway envoy-gateway (or existing, to attach to a Gateway you run), or remove expose from the service',
  },
  {
    id: 'CN-GRAPH-02',
    severity: 'error',
    paths: ['storage.sql', 'services'],
    when: (c) => noBlock(c, 'storage.sql') && where(c, 'uses', usesKind('sql')).length > 0,
    at: (c) => where(c, 'uses', usesKind('sql')),
    message: 'a service uses sql, and no SQL database is chosen to give it its own database',
    fix: '--storage-sql vitess (or mysql), or remove sql from the service\'s uses',
  },
  {
    id: 'CN-GRAPH-04',
    severity: 'error',
    paths: ['storage.kv', 'services'],
    when: (c) => noBlock(c, 'storage.kv') && where(c, 'uses', usesKind('kv')).length > 0,
    at: (c) => where(c, 'uses', usesKind('kv')),
    message: 'a service uses kv, and no key-value store is chosen',
    fix: '--storage-kv etcd (or tikv), or remove kv from the service\'s uses',
  },
  {
    id: 'CN-GRAPH-05',
    severity: 'error',
    paths: ['storage.volumes', 'services'],
    when: (c) => pick(c, 'storage.volumes') !== 'rook-ceph' && where(c, 'uses', usesKind('objects')).length > 0,
    at: (c) => where(c, 'uses', usesKind('objects')),
    message: 'a service uses objects (an S3 bucket), and only Rook-Ceph provides object buckets here',
    fix: '--storage-volumes rook-ceph, or remove objects from the service\'s uses',
  },
  {
    id: 'CN-MSG-01',
    severity: 'error',
    paths: ['messaging.pubsub', 'services'],
    when: (c) => noBlock(c, 'messaging.pubsub') && ['publishes', 'subscribes', 'responds'].some((f) => where(c, f, nonEmpty).length > 0),
    at: (c) => ['publishes', 'subscribes', 'responds'].flatMap((f) => where(c, f, nonEmpty)),
    message: 'a service publishes, subscribes or responds to NATS subjects, and no messaging system is chosen',
    fix: '--messaging-pubsub nats, or remove the subjects from the service',
  },
  unused(
    'CN-GRAPH-06',
    'storage.sql',
    (c) => where(c, 'uses', usesKind('sql')).length > 0,
    'a SQL database is chosen, and no service uses sql: it is installed, with no database or user for anyone',
    "--uses <service>:sql (the service gets its own database and credentials), or --storage-sql none",
  ),
  unused(
    'CN-GRAPH-07',
    'storage.kv',
    (c) => where(c, 'uses', usesKind('kv')).length > 0,
    'a key-value store is chosen, and no service uses kv: it is installed, with no key prefix or user for anyone',
    "--uses <service>:kv (the service gets its own key prefix and credentials), or --storage-kv none",
  ),
  unused(
    'CN-GRAPH-08',
    'messaging.pubsub',
    (c) => ['publishes', 'subscribes', 'responds'].some((f) => where(c, f, nonEmpty).length > 0),
    'NATS is chosen, and no service publishes, subscribes or responds: it is installed, with no NATS user for anyone (each service\'s user is allowed only its own subjects)',
    '--publish <service>:<subject> and --subscribe <service>:<subject>, or --messaging-pubsub none',
  ),
];
