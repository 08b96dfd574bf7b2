// Messaging: gRPC between services and NATS (domain.md §10, wave2.md §5-§6). Subject syntax is checked
// with the graph fields (src/config/graph-schema.ts); CN-MSG-01 (subjects without a messaging block) is
// in graph.ts. Made impossible by the design, so no rule: CR-92 (no memory store is generated), CR-94
// (NACK resources are written as jetstream.nats.io/v1beta2), CR-95 and CN-MSG-07 (nats-operator and
// NATS Streaming are archived blocks, refused with their successor), CN-MSG-03 (the chart has no
// securityContext values: the nats block always merges restricted ones into the pod and containers,
// nats-io/k8s#904), CN-MSG-04 (responders get allow_responses, requesters their own _INBOX.<service>.>).
import { pick, servicesOf, type PartialConfig, type Rule } from './define.js';

const nats = (c: PartialConfig) => pick(c, 'messaging.pubsub') === 'nats';
const jetstream = (c: PartialConfig) => pick(c, 'messaging.nats.jetstream') !== false;
const subjectOf = (s: unknown) => (typeof s === 'string' ? s : (s as { subject?: string })?.subject ?? '');

/** Every subscription of the graph with its answers key (services.N.subscribes.M). */
function subscriptions(c: PartialConfig) {
  return servicesOf(c).flatMap(({ s, i }) =>
    (Array.isArray(s.subscribes) ? s.subscribes : []).map((sub: unknown, j: number) => ({
      at: `services.${i}.subscribes.${j}`,
      subject: subjectOf(sub),
      durable: typeof sub === 'object' && sub !== null && (sub as { durable?: boolean }).durable === true,
      queue: typeof sub === 'object' && sub !== null ? (sub as { queue?: string }).queue : undefined,
    })),
  );
}
const listOf = (c: PartialConfig, field: 'publishes' | 'responds') =>
  servicesOf(c).flatMap(({ s, i }) => (Array.isArray(s[field]) ? (s[field] as string[]) : []).map((subject, j) => ({ at: `services.${i}.${field}.${j}`, subject })));

/** True when the concrete subject matches the subscription pattern. */
function matches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}
/** A mesh balances gRPC per request itself. */
const meshOn = (c: PartialConfig) => ['linkerd', 'istio'].includes(pick(c, 'discovery.mesh') as string);
const durables = (c: PartialConfig) => subscriptions(c).filter((s) => s.durable);
const grpcCallees = (c: PartialConfig) => {
  const grpc = new Set(servicesOf(c).filter(({ s }) => s.protocol === 'grpc').map(({ s }) => s.name));
  return servicesOf(c).flatMap(({ s, i }) =>
    (Array.isArray(s.calls) ? s.calls : []).map((x: unknown, j: number) => ({ at: `services.${i}.calls.${j}`, callee: typeof x === 'string' ? x : (x as { service?: string })?.service })).filter((x: { callee?: string }) => x.callee && grpc.has(x.callee)),
  );
};

export const MESSAGING_RULES: Rule[] = [
  {
    id: 'CN-MSG-02',
    severity: 'error',
    paths: ['messaging.nats.jetstream', 'services'],
    when: (c) => nats(c) && !jetstream(c) && durables(c).length > 0,
    at: (c) => durables(c).map((d) => d.at),
    message: 'a durable subscription is a JetStream consumer, and JetStream is off',
    fix: '--set messaging.nats.jetstream=true, or remove durable from the subscription (it then sees only messages published while connected)',
  },
  {
    id: 'CN-MSG-08',
    severity: 'error',
    paths: ['services'],
    when: (c) => nats(c) && jetstream(c) && durables(c).some((d) => /^[*>]$/.test(d.subject.split('.')[0]!)),
    at: (c) => durables(c).filter((d) => /^[*>]$/.test(d.subject.split('.')[0]!)).map((d) => d.at),
    message: 'a durable subscription is stored in the stream named after its first subject token, so that token cannot be a wildcard',
    fix: 'subscribe durably to e.g. orders.* or orders.> (one stream per first token), or drop durable',
  },
  {
    id: 'CN-MSG-09',
    severity: 'warning',
    paths: ['services'],
    when: (c) => nats(c) && jetstream(c) && durables(c).some((d) => d.queue !== undefined),
    at: (c) => durables(c).filter((d) => d.queue !== undefined).map((d) => d.at),
    message: 'a queue group has no effect on a durable subscription: the replicas of the service already share its durable pull consumer (each message goes to one of them)',
    fix: 'remove queue from the durable subscription',
  },
  {
    id: 'CN-MSG-04',
    severity: 'warning',
    paths: ['services'],
    when: (c) => nats(c) && listOf(c, 'responds').some((r) => !listOf(c, 'publishes').some((p) => p.subject === r.subject)),
    at: (c) => listOf(c, 'responds').filter((r) => !listOf(c, 'publishes').some((p) => p.subject === r.subject)).map((r) => r.at),
    message: 'a service answers requests on a subject no service publishes: every NATS user is allowed only its own subjects, so nobody may send these requests',
    fix: 'add the subject to the publishes of the service that sends the requests, or remove it from responds',
  },
  {
    id: 'CN-MSG-10',
    severity: 'warning',
    paths: ['services'],
    when: (c) => nats(c) && subscriptions(c).some((s) => !listOf(c, 'publishes').some((p) => matches(s.subject, p.subject))),
    at: (c) => subscriptions(c).filter((s) => !listOf(c, 'publishes').some((p) => matches(s.subject, p.subject))).map((s) => s.at),
    message: 'a subscription matches no subject any service publishes: every NATS user is allowed only its own subjects, so nothing will arrive (a typo?)',
    fix: 'correct the subject, or add it to the publishes of the service that sends it',
  },
  {
    id: 'CN-MSG-05',
    severity: 'info',
    paths: ['messaging.nats.jetstream'],
    when: (c) => nats(c) && jetstream(c) && durables(c).length > 0,
    message:
      'JetStream permissions are per consumer: a durable subscriber may call only $JS.API.STREAM.INFO/CONSUMER.INFO/CONSUMER.MSG.NEXT of its own consumer and ack on $JS.ACK.<stream>.<consumer>.>; NACK\'s user has $JS.API.> (NATS ADR-32 "logical user permissions" is still a proposal, nats-io/nats-architecture-and-design#145)',
  },
  {
    id: 'CN-MSG-06',
    severity: 'warning',
    paths: ['messaging.nats.fileStoreSize'],
    when: (c) => nats(c) && jetstream(c) && /^[0-9]+Mi$/.test(String(pick(c, 'messaging.nats.fileStoreSize') ?? '')) && Number(String(pick(c, 'messaging.nats.fileStoreSize')).slice(0, -2)) < 1024,
    message:
      'a JetStream file store under 1Gi fills quickly: the server refuses new messages ("insufficient storage resources", nats-io/k8s#740) once max_file_store (90% of the volume here) is used; streams share it equally',
    fix: "--set messaging.nats.fileStoreSize=10Gi",
  },
  {
    id: 'CR-91',
    severity: 'info',
    paths: ['messaging.nats.cluster'],
    when: (c) => nats(c) && pick(c, 'messaging.nats.cluster') === true,
    message:
      'a NATS cluster runs 3 servers (JetStream needs at least 2; 3 survive the loss of one), each named after its pod (the chart\'s SERVER_NAME), and streams and consumers keep 3 replicas',
  },
  {
    id: 'CR-93',
    severity: 'info',
    paths: ['messaging.nats.jetstream'],
    when: (c) => nats(c) && jetstream(c) && durables(c).length > 0,
    message: 'NACK runs in control-loop mode: the Account resource that tells it how to connect is reconciled only in that mode (NACK README, "Controller Modes")',
  },
  {
    id: 'CN-MSG-11',
    severity: 'warning',
    paths: ['messaging.rpc', 'services'],
    when: (c) => pick(c, 'messaging.rpc') === 'none' && grpcCallees(c).length > 0,
    at: (c) => grpcCallees(c).map((x: { at: string }) => x.at),
    message: 'calls to gRPC services get no client without the grpc block: no stubs, deadline, retries or service config are generated for them',
    fix: '--messaging-rpc grpc',
  },
  {
    // One rule, whatever the client: the caveat is the ClusterIP's, and a mesh removes it.
    id: 'CR-96',
    severity: 'info',
    paths: ['discovery.mesh', 'services'],
    when: (c) => !meshOn(c) && grpcCallees(c).length > 0,
    at: (c) => grpcCallees(c).map((x: { at: string }) => x.at),
    message:
      'gRPC behind a plain ClusterIP Service is balanced per connection, not per request: without a mesh each caller gets <CALLEE>_ADDR on the callee\'s headless ' +
      'Service (dns:///<callee>-headless, every pod) and the gRPC clients balance round_robin over it; a mesh (discovery.mesh) balances each request itself',
  },
  {
    id: 'CR-97',
    severity: 'info',
    paths: ['messaging.rpc'],
    when: (c) => pick(c, 'messaging.rpc') !== 'none' && servicesOf(c).some(({ s }) => s.protocol === 'grpc'),
    message: 'buf.yaml and buf.gen.yaml are version v2 and buf.gen.yaml uses local plugins only: remote plugins would need the Buf Schema Registry at build time',
  },
];
