// The service-graph flags (--call, --expose, --egress, --publish, --subscribe, --respond, --uses):
// compact edges for automation, each appended to the named service's list in the answers. They are
// applied once the services are known (after --yes filled in the default service), so
// `init --yes --call api:orders` fails with "no service orders" rather than silently doing nothing.
import type { RawAnswers } from '../config/sources.js';
import { setAt } from '../config/sources.js';
import { UsageError, UserError } from '../util/errors.js';

export interface GraphFlag {
  flag: string;
  /** commander's attribute name. */
  attr: string;
  syntax: string;
  description: string;
  example: string;
  /** The service's list the value is appended to, and the item to append. */
  parse: (rest: string) => { list: string; item: unknown } | undefined;
}

const splitLast = (s: string) => {
  const i = s.lastIndexOf(':');
  return i < 0 ? undefined : ([s.slice(0, i), s.slice(i + 1)] as const);
};

export const GRAPH_FLAGS: GraphFlag[] = [
  {
    flag: 'call',
    attr: 'call',
    syntax: 'FROM:TO',
    description: 'FROM calls TO (east-west; protocol and port are the callee\'s), repeatable',
    example: '--call web:orders',
    parse: (rest) => (rest && !rest.includes(':') ? { list: 'calls', item: rest } : undefined),
  },
  {
    flag: 'expose',
    attr: 'expose',
    syntax: 'NAME',
    description: 'route NAME from outside the cluster through the gateway, repeatable',
    example: '--expose web',
    parse: () => ({ list: 'expose', item: true }),
  },
  {
    flag: 'egress',
    attr: 'egress',
    syntax: 'NAME:HOST:PORT',
    description: 'NAME connects to HOST (DNS name or IP/CIDR) outside the cluster on PORT, repeatable',
    example: '--egress orders:api.stripe.com:443',
    parse: (rest) => {
      const parts = splitLast(rest);
      if (!parts || !/^[0-9]{1,5}$/.test(parts[1]) || !parts[0]) return undefined;
      return { list: 'egress', item: { host: parts[0], port: Number(parts[1]) } };
    },
  },
  {
    flag: 'publish',
    attr: 'publish',
    syntax: 'NAME:SUBJECT',
    description: 'NAME publishes to (or sends requests on) the NATS SUBJECT, repeatable',
    example: '--publish orders:orders.created',
    parse: (rest) => (rest ? { list: 'publishes', item: rest } : undefined),
  },
  {
    flag: 'subscribe',
    attr: 'subscribe',
    syntax: 'NAME:SUBJECT[@QUEUE][:durable]',
    description: 'NAME subscribes to SUBJECT, optionally in a queue group and as a JetStream durable consumer, repeatable',
    example: '--subscribe billing:orders.created@billing:durable',
    parse: (rest) => {
      const durable = rest.endsWith(':durable');
      const body = durable ? rest.slice(0, -':durable'.length) : rest;
      const [subject, queue, ...more] = body.split('@');
      if (!subject || more.length > 0 || body.includes(':')) return undefined;
      if (!queue && !durable) return { list: 'subscribes', item: subject };
      return { list: 'subscribes', item: { subject, ...(queue ? { queue } : {}), ...(durable ? { durable: true } : {}) } };
    },
  },
  {
    flag: 'respond',
    attr: 'respond',
    syntax: 'NAME:SUBJECT',
    description: 'NAME answers requests on the NATS SUBJECT (request/reply), repeatable',
    example: '--respond payments:payments.quote',
    parse: (rest) => (rest ? { list: 'responds', item: rest } : undefined),
  },
  {
    flag: 'uses',
    attr: 'uses',
    syntax: 'NAME:sql|kv|objects',
    description: 'NAME uses a data store (its own database, key prefix or bucket), repeatable',
    example: '--uses orders:sql',
    parse: (rest) => (rest ? { list: 'uses', item: rest } : undefined),
  },
];

/** Appends the graph flags' edges to the services in `raw` (which must hold the final services list). */
export function applyGraphFlags(raw: RawAnswers, opts: Record<string, unknown>): void {
  const services = (raw.data as { services?: { name?: unknown }[] }).services;
  for (const f of GRAPH_FLAGS) {
    const values = opts[f.attr];
    if (!Array.isArray(values)) continue;
    for (const value of values as string[]) {
      const origin = `--${f.flag} ${value}`;
      const colon = value.indexOf(':');
      const name = f.flag === 'expose' ? value : value.slice(0, colon < 0 ? value.length : colon);
      const parsed = f.flag === 'expose' ? f.parse('') : colon < 0 ? undefined : f.parse(value.slice(colon + 1));
      if (!name || !parsed) {
        throw new UsageError(`Invalid --${f.flag} '${value}'`, [{ origin, message: `expected ${f.syntax}`, fix: f.example }]);
      }
      const i = Array.isArray(services) ? services.findIndex((s) => s?.name === name) : -1;
      if (i < 0) {
        const known = Array.isArray(services) ? services.map((s) => String(s?.name)).join(', ') : 'none yet';
        throw new UserError(`--${f.flag} names a service that does not exist`, [{ origin, message: `no service '${name}' (services: ${known})`, fix: `add it with --service ${name}, or use one of the names above` }]);
      }
      if (parsed.list === 'expose') {
        setAt(raw, ['services', i, 'expose'], true, origin);
        continue;
      }
      const current = (services![i] as Record<string, unknown>)[parsed.list];
      const at = Array.isArray(current) ? current.length : 0;
      if (!Array.isArray(current)) setAt(raw, ['services', i, parsed.list], [], origin);
      setAt(raw, ['services', i, parsed.list, at], parsed.item, origin);
    }
  }
}
