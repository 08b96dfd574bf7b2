// The service graph in the answers model: the edges a service declares (calls, expose, egress,
// publishes, subscribes, responds, uses) and the checks that need only the services themselves (a callee
// that exists, a well-formed NATS subject, a DNS name or CIDR). Checks that need another category's
// answer (an exposed service needs a gateway) are rules in src/config/rules/graph.ts.
// Every field is optional and left out of cn-scaffold.yaml when not given: src/graph/graph.ts
// normalises them (a callee name → { service }) for the blocks.
import * as z from 'zod';

/** RFC 1035 label, the form of a service name (see schema.ts). */
const SERVICE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS name (RFC 1123 labels, lowercase), optionally a `*.` wildcard for FQDN-aware engines. */
const DNS_NAME = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;
const DURATION = /^[0-9]{1,6}(ms|s)$/;
/** A NATS subject token: no whitespace, no `.`, and `*`/`>` only as whole tokens (checked apart). */
const TOKEN = /^[^\s.*>]+$/;
const QUEUE = /^[A-Za-z0-9_-]{1,64}$/;

export const USES = ['sql', 'kv', 'objects'] as const;
export type UseKind = (typeof USES)[number];

export const serviceRef = (what: string) =>
  z.string({ error: `${what} must be a service name` }).max(40).regex(SERVICE_NAME, { error: `${what} must be the name of a service (a DNS label)` });

/** True for an IPv4 address or CIDR, or an IPv6 one (checked loosely: Kubernetes validates the rest). */
export function isCidr(v: string): boolean {
  const [ip, bits, ...rest] = v.split('/');
  if (rest.length > 0 || ip === undefined) return false;
  if (IPV4.test(ip)) return bits === undefined || (/^[0-9]{1,2}$/.test(bits) && Number(bits) <= 32);
  return /^[0-9a-f:]+$/i.test(ip) && ip.includes(':') && (bits === undefined || (/^[0-9]{1,3}$/.test(bits) && Number(bits) <= 128));
}

export function isDnsName(v: string): boolean {
  return v.length <= 253 && DNS_NAME.test(v) && v.split('.').every((l) => l.length <= 63) && !IPV4.test(v);
}

/** Why a NATS subject is not acceptable, or undefined. `wildcards`: subscriptions may use `*` and a final `>`. */
export function subjectProblem(subject: string, wildcards: boolean): string | undefined {
  if (subject.length === 0 || subject.length > 256) return 'a subject is 1 to 256 characters';
  if (subject.startsWith('$') || subject.startsWith('_INBOX')) return `subjects starting with '$' or '_INBOX' are reserved by NATS (system, JetStream API, reply inboxes): use an application subject such as orders.created`;
  const tokens = subject.split('.');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === '*' || t === '>') {
      if (!wildcards) return `wildcards ('*', '>') are only for subscriptions: publish to a concrete subject`;
      if (t === '>' && i !== tokens.length - 1) return `'>' matches the rest of a subject, so it must be the last token`;
      continue;
    }
    if (t === '') return `empty token: subjects are tokens separated by single dots, e.g. orders.created`;
    if (!TOKEN.test(t)) return `token '${t}' contains whitespace or a wildcard character inside it: wildcards are whole tokens (orders.* or orders.>)`;
  }
  return undefined;
}

const subject = (wildcards: boolean) =>
  z.string({ error: 'a NATS subject must be a string' }).superRefine((v, ctx) => {
    const problem = subjectProblem(v, wildcards);
    if (problem) ctx.addIssue({ code: 'custom', message: `invalid subject '${v}': ${problem}` });
  });

export const CallSchema = z.union([
  serviceRef('a callee'),
  z
    .object({
      service: serviceRef('calls[].service'),
      timeout: z.string().regex(DURATION, { error: 'timeout is a duration like 500ms or 2s' }).optional().describe('Per-request timeout of this call (default 2s)'),
      retries: z.number().int().min(0).max(5).optional().describe('Retries of a failed idempotent request (default 2)'),
    })
    .strict(),
]);

export const ExposeSchema = z.union([
  z.boolean(),
  z
    .object({
      path: z.string().regex(/^\/[^\s]*$/, { error: 'path starts with / and has no spaces' }).max(200).optional().describe('Path prefix on the gateway (HTTP services; default /)'),
      hostname: z
        .string()
        .max(253)
        .refine(isDnsName, { error: 'hostname must be a DNS name, e.g. shop.example.com' })
        .optional()
        .describe('Host name the route matches (default: any host the gateway listener accepts)'),
    })
    .strict(),
]);

export const EgressSchema = z
  .object({
    host: z
      .string({ error: 'egress host must be a string' })
      .max(253)
      .refine((v) => isDnsName(v) || isCidr(v), { error: 'egress host must be a DNS name (api.stripe.com) or an IP address/CIDR (203.0.113.0/24)' })
      .describe('DNS name or IP/CIDR outside the cluster'),
    port: z.number({ error: 'egress port must be a number' }).int().min(1).max(65535, { error: 'port is at most 65535' }).describe('Destination port'),
    protocol: z.enum(['TCP', 'UDP']).optional().describe('TCP (default) or UDP'),
  })
  .strict();

export const SubscriptionSchema = z.union([
  subject(true),
  z
    .object({
      subject: subject(true),
      queue: z.string().regex(QUEUE, { error: 'queue group: letters, digits, _ and -, at most 64, e.g. queue: billing (a name, not a subject)' }).optional().describe('Queue group: members share the messages'),
      durable: z.boolean().optional().describe('A JetStream durable consumer (needs messaging.nats.jetstream)'),
    })
    .strict(),
]);

/** The graph fields of one service (all optional; absent = no such edges). */
export const graphFields = {
  calls: z.array(CallSchema).max(100).optional().describe('Services this one calls (east-west); protocol and port come from the callee'),
  expose: ExposeSchema.optional().describe('Reachable from outside the cluster through the gateway (HTTPRoute, GRPCRoute for gRPC)'),
  egress: z.array(EgressSchema).max(50).optional().describe('Destinations outside the cluster this service connects to'),
  publishes: z.array(subject(false)).max(100).optional().describe('NATS subjects this service publishes to (and sends requests to)'),
  subscribes: z.array(SubscriptionSchema).max(100).optional().describe('NATS subjects this service subscribes to'),
  responds: z.array(subject(false)).max(100).optional().describe('NATS subjects this service answers requests on (request/reply)'),
  uses: z.array(z.enum(USES)).max(3).optional().describe('Data stores: sql (storage.sql), kv (storage.kv), objects (S3 buckets from storage.volumes)'),
};

type GraphService = { name: string; protocol?: string; calls?: z.infer<typeof CallSchema>[]; expose?: z.infer<typeof ExposeSchema>; uses?: string[] };

export const calleeOf = (c: z.infer<typeof CallSchema>) => (typeof c === 'string' ? c : c.service);

/**
 * Checks of the graph that need every service: callees exist and are not the caller, no call twice,
 * no use twice, a gRPC service is exposed without a path. Added to the answers schema's superRefine.
 */
export function checkGraph(services: GraphService[], issue: (path: (string | number)[], message: string) => void): void {
  const names = new Set(services.map((s) => s.name));
  services.forEach((s, i) => {
    const seen = new Set<string>();
    (s.calls ?? []).forEach((c, j) => {
      const callee = calleeOf(c);
      const at = ['services', i, 'calls', j];
      if (callee === s.name) issue(at, `'${s.name}' calls itself: a call edge joins two different services`);
      else if (!names.has(callee)) issue(at, `'${s.name}' calls '${callee}', which is not a service here (services: ${[...names].join(', ')})`);
      else if (seen.has(callee)) issue(at, `'${s.name}' calls '${callee}' twice`);
      seen.add(callee);
    });
    if (s.uses && new Set(s.uses).size !== s.uses.length) issue(['services', i, 'uses'], 'a store is listed twice');
    if (s.protocol === 'grpc' && typeof s.expose === 'object' && s.expose.path !== undefined) {
      issue(['services', i, 'expose', 'path'], 'a gRPC service is routed by its gRPC service names (GRPCRoute), not by a path');
    }
  });
}
