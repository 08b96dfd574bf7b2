// The NATS side of the service graph, computed once: who publishes, subscribes and responds on which
// subjects, one NATS user per service with exactly those permissions, and (with JetStream) a stream per
// first subject token of the durable subscriptions and a durable pull consumer per durable subscription.
// Every NATS artifact (auth.conf, NACK resources, env, network edges, skeleton code, README table) reads
// this. Authorization semantics: https://docs.nats.io/running-a-nats-service/configuration/securing_nats/authorization
// (queue permissions "<subject> <queue>", allow_responses); JetStream API subjects: nats-io/nats-server
// server/jetstream_api.go ($JS.API.CONSUMER.INFO/MSG.NEXT, $JS.ACK.<stream>.<consumer>.>).
import type { ServiceGraph } from '../../graph/graph.js';
import { envPrefix } from '../../graph/graph.js';

export const NATS_NAMESPACE = 'messaging';
/** Helm release and chart name: the chart names every object after the release (nats.fullname). */
export const NATS_RELEASE = 'nats';
export const NATS_PORTS = { client: 4222, cluster: 6222, monitor: 8222, exporter: 7777 } as const;
export const NATS_URL = `nats://${NATS_RELEASE}.${NATS_NAMESPACE}.svc.cluster.local:${NATS_PORTS.client}`;
/** The Secret holding one password per NATS user (key = user), in the messaging and application namespaces. */
export const NATS_SECRET = 'nats-users';
/** The NATS user of the JetStream controller (NACK), which manages streams and consumers. */
export const NACK_USER = 'nack';

export interface NatsUser {
  user: string;
  /** The application service it is, or undefined for the platform's own users (NACK). */
  service?: string;
  /** Environment variable of the NATS server holding the password (auth.conf: `password: $VAR`). */
  passwordVar: string;
  publish: string[];
  subscribe: string[];
  allowResponses: boolean;
  /** Prefix of the reply inboxes the client creates (its own, so no service reads another's replies). */
  inbox: string;
}
export interface Stream {
  name: string;
  /** Kubernetes name of the NACK Stream resource. */
  resource: string;
  subjects: string[];
}
export interface Consumer {
  stream: string;
  name: string;
  resource: string;
  service: string;
  subject: string;
}
export interface Flow {
  subject: string;
  publishers: string[];
  /** Core subscribers (queue group if any) and durable JetStream consumers. */
  subscribers: { service: string; queue?: string; durable: boolean }[];
  responders: string[];
}
/** What one service does on NATS (its skeleton code and chart env come from this). */
export interface ServiceMessaging {
  service: string;
  user: NatsUser;
  /** Subjects it publishes to that nobody responds on; `jetstream`: a stream stores them (acknowledged publish). */
  publishes: { subject: string; jetstream: boolean }[];
  /** Subjects it sends requests to (someone responds there). */
  requests: string[];
  subscribes: { subject: string; queue?: string }[];
  responds: string[];
  durables: Consumer[];
}
export interface NatsModel {
  services: ServiceMessaging[];
  users: NatsUser[];
  streams: Stream[];
  consumers: Consumer[];
  flows: Flow[];
}

const tokens = (s: string) => s.split('.');

/** True when the subject (no wildcards) matches the subscription pattern. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = tokens(pattern);
  const s = tokens(subject);
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

/** True when every subject `b` matches is also matched by `a` (both may hold wildcards). */
export function subjectCovers(a: string, b: string): boolean {
  const x = tokens(a);
  const y = tokens(b);
  for (let i = 0; i < x.length; i++) {
    if (x[i] === '>') return y.length > i;
    if (i >= y.length || y[i] === '>') return false;
    if (x[i] !== '*' && (y[i] === '*' || x[i] !== y[i])) return false;
  }
  return x.length === y.length;
}

/** A JetStream stream/consumer name: no '.', '*', '>', slashes or whitespace (nats-server isValidName). */
const jsName = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_');
/** A Kubernetes object name (DNS-1123 subdomain). */
const k8sName = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '') || 'x';

export function natsModel(g: ServiceGraph, jetstream: boolean): NatsModel {
  const names = g.services
    .map((s) => s.name)
    .filter((n) => g.publishes.some((p) => p.service === n) || g.subscribes.some((p) => p.service === n) || g.responds.some((p) => p.service === n));
  const respondedSubjects = new Set(g.responds.map((r) => r.subject));

  // Streams: the durable subscriptions grouped by their first token (a literal: rule CN-MSG-08), each
  // stream storing exactly the subjects its consumers filter on (patterns another one covers dropped).
  const streams: Stream[] = [];
  const consumers: Consumer[] = [];
  const durables = jetstream ? g.subscribes.filter((s) => s.durable) : [];
  for (const first of [...new Set(durables.map((d) => tokens(d.subject)[0]!))]) {
    const inStream = durables.filter((d) => tokens(d.subject)[0] === first);
    const patterns = [...new Set(inStream.map((d) => d.subject))];
    const subjects = patterns.filter((p) => !patterns.some((q) => q !== p && subjectCovers(q, p)));
    const name = jsName(first).toUpperCase();
    streams.push({ name, resource: k8sName(`stream-${name}`), subjects });
    for (const d of inStream) {
      // One consumer per durable subscription: `<service>`, or with the rest of the subject when the
      // service has several durable subscriptions in this stream.
      const several = inStream.filter((x) => x.service === d.service).length > 1;
      const rest = tokens(d.subject).slice(1).map((t) => (t === '*' ? 'any' : t === '>' ? 'all' : t)).join('-');
      const cname = jsName(several ? `${d.service}-${rest}` : d.service);
      consumers.push({ stream: name, name: cname, resource: k8sName(`${name}-${cname}`), service: d.service, subject: d.subject });
    }
  }
  const captured = (subject: string) => streams.some((s) => s.subjects.some((p) => subjectMatches(p, subject)));

  const services: ServiceMessaging[] = names.map((service) => {
    const mine = <T extends { service: string }>(list: T[]) => list.filter((x) => x.service === service);
    const published = mine(g.publishes).map((p) => p.subject);
    const subs = mine(g.subscribes).filter((s) => !(jetstream && s.durable));
    const responds = mine(g.responds).map((r) => r.subject);
    const ds = consumers.filter((c) => c.service === service);
    const inbox = `_INBOX.${service}`;
    const user: NatsUser = {
      user: service,
      service,
      passwordVar: `NATS_PASS_${envPrefix(service)}`,
      publish: [
        ...published,
        // A durable pull consumer: look it up, ask for messages, acknowledge them.
        ...ds.flatMap((c) => [`$JS.API.STREAM.INFO.${c.stream}`, `$JS.API.CONSUMER.INFO.${c.stream}.${c.name}`, `$JS.API.CONSUMER.MSG.NEXT.${c.stream}.${c.name}`, `$JS.ACK.${c.stream}.${c.name}.>`]),
      ],
      subscribe: [
        ...subs.map((s) => (s.queue ? `${s.subject} ${s.queue}` : s.subject)),
        // Responders form a queue group named after the service: its replicas share the requests.
        ...responds.map((r) => `${r} ${service}`),
        // Its own reply inbox: request replies, JetStream API replies and pulled messages arrive there.
        `${inbox}.>`,
      ],
      allowResponses: responds.length > 0,
      inbox,
    };
    return {
      service,
      user,
      publishes: published.filter((s) => !respondedSubjects.has(s)).map((subject) => ({ subject, jetstream: captured(subject) })),
      requests: published.filter((s) => respondedSubjects.has(s)),
      subscribes: subs.map((s) => ({ subject: s.subject, ...(s.queue ? { queue: s.queue } : {}) })),
      responds,
      durables: ds,
    };
  });
  const users = services.map((s) => s.user);
  if (streams.length > 0) {
    // NACK manages streams and consumers through the JetStream API of the account.
    users.push({ user: NACK_USER, passwordVar: 'NATS_PASS_NACK', publish: ['$JS.API.>'], subscribe: ['_INBOX.>'], allowResponses: false, inbox: '_INBOX' });
  }

  // The README table: every concrete subject someone publishes or responds on, and every subscription
  // that matches nothing published (shown on its own, so a typo is visible).
  const concrete = [...new Set([...g.publishes.map((p) => p.subject), ...g.responds.map((r) => r.subject)])];
  const flows: Flow[] = concrete.map((subject) => ({
    subject,
    publishers: g.publishes.filter((p) => p.subject === subject).map((p) => p.service),
    subscribers: g.subscribes.filter((s) => subjectMatches(s.subject, subject)).map((s) => ({ service: s.service, ...(s.queue ? { queue: s.queue } : {}), durable: jetstream && s.durable })),
    responders: g.responds.filter((r) => r.subject === subject).map((r) => r.service),
  }));
  for (const s of g.subscribes) {
    if (!concrete.some((c) => subjectMatches(s.subject, c))) {
      const f = flows.find((x) => x.subject === s.subject) ?? flows[flows.push({ subject: s.subject, publishers: [], subscribers: [], responders: [] }) - 1]!;
      f.subscribers.push({ service: s.service, ...(s.queue ? { queue: s.queue } : {}), durable: jetstream && s.durable });
    }
  }
  return { services, users, streams, consumers, flows };
}
