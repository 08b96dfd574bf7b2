// The messaging category in memory: NATS users, streams and consumers derived from the graph, the
// rules about subjects and JetStream, what the blocks add to shared files (chart env, network edges,
// compose, skeleton libraries), and the gRPC service config of a call edge. The behaviour with a real
// NATS server and real gRPC calls is in test/messaging-nats.test.ts and test/grpc-clients.test.ts.
import { load } from 'js-yaml';
import { describe, expect, test } from 'vitest';
import { catalog } from '../../src/catalog/registry.js';
import { readAnswersText } from '../../src/config/sources.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { renderProject } from '../../src/generate.js';
import { natsModel, subjectCovers, subjectMatches } from '../../src/blocks/messaging/nats-model.js';
import { duration, serviceConfig } from '../../src/blocks/messaging/grpc-clients.js';
import { UserError } from '../../src/util/errors.js';

const answers = (extra: string, services: string) => readAnswersText(`project:\n  name: shop\n${extra}services:\n${services}`, 'answers.yaml');

const GRAPH = `  - name: web
    publishes: [orders.created, quotes.get]
  - name: billing
    port: 8081
    subscribes: [{ subject: orders.created, queue: billing }]
  - name: ledger
    port: 8082
    subscribes: [{ subject: orders.*, durable: true }, { subject: orders.paid, durable: true }]
    responds: [quotes.get]
`;

function problems(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e.problems;
    throw e;
  }
  return [];
}

describe('NATS model from the graph', () => {
  test('subject matching and covering follow NATS wildcards', () => {
    expect(subjectMatches('orders.*', 'orders.created')).toBe(true);
    expect(subjectMatches('orders.*', 'orders.created.eu')).toBe(false);
    expect(subjectMatches('orders.>', 'orders.created.eu')).toBe(true);
    expect(subjectMatches('orders.>', 'orders')).toBe(false);
    expect(subjectCovers('orders.*', 'orders.paid')).toBe(true);
    expect(subjectCovers('orders.>', 'orders.*')).toBe(true);
    expect(subjectCovers('orders.*', 'orders.>')).toBe(false);
    expect(subjectCovers('orders.paid', 'orders.*')).toBe(false);
  });

  test('one user per service with exactly its subjects, queue groups, inbox and allow_responses', () => {
    const r = resolveConfig(answers('messaging: { pubsub: nats }\n', GRAPH), catalog);
    const m = natsModel(r.graph, true);
    const user = (u: string) => m.users.find((x) => x.user === u)!;
    expect(user('web')).toMatchObject({ publish: ['orders.created', 'quotes.get'], subscribe: ['_INBOX.web.>'], allowResponses: false, inbox: '_INBOX.web' });
    expect(user('billing')).toMatchObject({ publish: [], subscribe: ['orders.created billing', '_INBOX.billing.>'], allowResponses: false });
    // ledger: two durable subscriptions in one stream (orders.* covers orders.paid), a responder in its queue group.
    expect(m.streams).toEqual([{ name: 'ORDERS', resource: 'stream-orders', subjects: ['orders.*'] }]);
    expect(m.consumers.map((c) => c.name)).toEqual(['ledger-any', 'ledger-paid']);
    expect(user('ledger').subscribe).toEqual(['quotes.get ledger', '_INBOX.ledger.>']);
    expect(user('ledger').publish).toEqual(expect.arrayContaining(['$JS.API.CONSUMER.MSG.NEXT.ORDERS.ledger-any', '$JS.ACK.ORDERS.ledger-paid.>']));
    expect(user('ledger').allowResponses).toBe(true);
    // NACK manages the streams: only it may use the whole JetStream API.
    expect(user('nack')).toMatchObject({ publish: ['$JS.API.>'], subscribe: ['_INBOX.>'] });
    // web publishes a stored subject (acknowledged by the stream) and requests a responded one.
    expect(m.services.find((s) => s.service === 'web')).toMatchObject({ publishes: [{ subject: 'orders.created', jetstream: true }], requests: ['quotes.get'] });
  });

  test('without JetStream durable subscriptions are core subscriptions and no stream or NACK user exists', () => {
    const r = resolveConfig(answers('messaging: { pubsub: nats }\n', '  - name: a\n    publishes: [x.y]\n  - name: b\n    port: 8081\n    subscribes: [x.y]\n'), catalog);
    const m = natsModel(r.graph, false);
    expect(m.streams).toEqual([]);
    expect(m.users.map((u) => u.user)).toEqual(['a', 'b']);
    expect(m.flows).toEqual([{ subject: 'x.y', publishers: ['a'], subscribers: [{ service: 'b', durable: false }], responders: [] }]);
  });
});

describe('messaging rules', () => {
  test('durable without JetStream, a wildcard first token and a queue on a durable subscription', () => {
    const off = problems(() => resolveConfig(answers('messaging: { pubsub: nats, nats: { jetstream: false } }\n', GRAPH), catalog));
    expect(off).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'services.2.subscribes.0', message: expect.stringMatching(/JetStream is off/) })]));
    const wild = problems(() => resolveConfig(answers('messaging: { pubsub: nats }\n', '  - name: a\n    publishes: [x.y]\n  - name: b\n    port: 8081\n    subscribes: [{ subject: "*.y", durable: true }]\n'), catalog));
    expect(wild).toEqual([expect.objectContaining({ key: 'services.1.subscribes.0', message: expect.stringMatching(/first subject token/) })]);
    const r = resolveConfig(answers('messaging: { pubsub: nats }\n', '  - name: a\n    publishes: [x.y]\n  - name: b\n    port: 8081\n    subscribes: [{ subject: x.y, durable: true, queue: b }]\n'), catalog);
    expect(r.warnings.map((w) => w.message).join('\n')).toMatch(/queue group has no effect on a durable subscription/);
  });

  test('a responder nobody requests and a subscription nothing matches are warned about', () => {
    const r = resolveConfig(answers('messaging: { pubsub: nats }\n', '  - name: a\n    responds: [q.get]\n  - name: b\n    port: 8081\n    subscribes: [typo.subject]\n'), catalog);
    const text = r.warnings.map((w) => `${w.key}: ${w.message}`).join('\n');
    expect(text).toMatch(/services\.0\.responds\.0: a service answers requests on a subject no service publishes/);
    expect(text).toMatch(/services\.1\.subscribes\.0: a subscription matches no subject/);
  });

  test('bad subjects are errors that say how to fix them', () => {
    const p = problems(() => resolveConfig(answers('messaging: { pubsub: nats }\n', '  - name: a\n    publishes: ["orders.*", "$SYS.x"]\n    subscribes: [{ subject: "a.>.b" }, { subject: x, queue: "a b" }]\n'), catalog));
    const text = p.map((x) => `${x.key}: ${x.message}`).join('\n');
    expect(text).toMatch(/services\.0\.publishes\.0: .*only for subscriptions: publish to a concrete subject/);
    expect(text).toMatch(/services\.0\.publishes\.1: .*reserved by NATS.*use an application subject/);
    expect(text).toMatch(/services\.0\.subscribes\.0\.subject: .*must be the last token/);
    expect(text).toMatch(/services\.0\.subscribes\.1\.queue: .*e\.g\. queue: billing/);
  });

  test('calls to gRPC services without the grpc block are warned about (CR-96)', () => {
    const r = resolveConfig(answers('messaging: { rpc: none }\n', '  - name: a\n    calls: [b]\n  - name: b\n    port: 9090\n    protocol: grpc\n'), catalog);
    expect(r.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'services.0.calls.0', message: expect.stringMatching(/get no client without the grpc block/) })]));
  });

  test('the archived NATS Streaming and nats-operator are refused with their successor', () => {
    for (const id of ['nats-streaming', 'nats-operator']) {
      const p = problems(() => resolveConfig(answers(`messaging: { pubsub: ${id} }\n`, '  - name: a\n'), catalog));
      expect(p.map((x) => x.message).join('\n')).toMatch(/archived/);
    }
  });
});

describe('what the messaging blocks generate', () => {
  const { tree, contrib } = renderProject(answers('messaging: { pubsub: nats }\n', GRAPH), catalog);
  const file = (p: string) => tree.get(p)?.content ?? '';

  test('services that use NATS get its env (password from the Secret) and their NATS client; others nothing', () => {
    const values = load(file('deploy/charts/web/values.yaml')) as { env: unknown[] };
    expect(values.env).toEqual(
      expect.arrayContaining([
        { name: 'NATS_URL', value: 'tls://nats.messaging.svc.cluster.local:4222' },
        { name: 'NATS_CA', valueFrom: { configMapKeyRef: { name: 'nats-ca', key: 'ca.crt' } } },
        { name: 'NATS_USER', value: 'web' },
        { name: 'NATS_PASSWORD', valueFrom: { secretKeyRef: { name: 'nats-users', key: 'web' } } },
      ]),
    );
    const pkg = JSON.parse(file('services/web/package.json')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies['@nats-io/transport-node']).toBe('3.4.0');
    expect(JSON.parse(file('services/web/package-lock.json')).packages['node_modules/@nats-io/nats-core']).toBeDefined();
    expect(file('services/web/src/messaging.ts')).toContain('"inbox":"_INBOX.web"');
    expect(file('services/web/src/main.ts')).toContain("startComponents({ messaging: startMessaging })");
  });

  test('edges to NATS on 4222 as opaque TCP from exactly the services that use it', () => {
    const toNats = contrib.network.edges.filter((e) => 'peer' in e.to && e.to.peer === 'nats' && 'service' in e.from);
    expect(toNats.map((e) => ('service' in e.from ? e.from.service : '')).sort()).toEqual(['billing', 'ledger', 'web']);
    for (const e of toNats) expect(e.ports).toEqual([{ port: 4222, protocol: 'TCP', appProtocol: 'tcp' }]);
    expect(contrib.network.peers.find((p) => p.id === 'nats')).toMatchObject({ namespace: 'messaging' });
  });

  test('NACK resources, the restricted namespace, values without secrets, compose with the same users', () => {
    const docs = file('deploy/messaging/nack/resources.yaml').split('\n---\n').slice(1).map((d) => load(d) as Record<string, any>);
    expect(docs.map((d) => `${d.apiVersion} ${d.kind}`)).toEqual(['jetstream.nats.io/v1beta2 Account', 'jetstream.nats.io/v1beta2 Stream', 'jetstream.nats.io/v1beta2 Consumer', 'jetstream.nats.io/v1beta2 Consumer']);
    expect(docs[1]!.spec).toMatchObject({ name: 'ORDERS', subjects: ['orders.*'], storage: 'file' });
    expect((load(file('deploy/messaging/namespace.yaml')) as any).metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const values = load(file('deploy/messaging/nats/values.yaml')) as any;
    expect(values.container.env.NATS_PASS_WEB).toEqual({ valueFrom: { secretKeyRef: { name: 'nats-users', key: 'web' } } });
    expect(values.podTemplate.merge.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(file('deploy/messaging/nats/auth.conf')).toMatch(/password: \$NATS_PASS_WEB\n/);
    const compose = load(file('compose.yaml')) as any;
    expect(compose.services.nats.volumes).toContain('./deploy/messaging/nats/auth.conf:/etc/nats/auth.conf:ro');
    expect(compose.services.web.environment.NATS_PASSWORD).toBe('${NATS_PASS_WEB:?run make messaging-local-env}');
    expect(file('README.md')).toMatch(/\| `orders\.created` \| web \| billing \(queue `billing`\), ledger \(durable\) \| — \|/);
  });

  test('TLS (default): cert-manager certificate, tls:// URL and the CA for clients; off: plain nats://', () => {
    const tls = load(file('deploy/messaging/nats/values.yaml')) as any;
    expect(tls.config.nats.tls).toEqual({ enabled: true, secretName: 'nats-server-tls' });
    const certs = file('deploy/messaging/nats/tls.yaml').split('\n---\n').slice(1).map((d) => load(d) as any);
    expect(certs.find((c) => c.metadata.name === 'nats-server').spec).toMatchObject({ secretName: 'nats-server-tls', dnsNames: expect.arrayContaining(['nats.messaging.svc.cluster.local']) });
    expect(file('Makefile')).toContain("kubectl -n messaging wait certificate/nats-server --for=condition=Ready");
    const plain = renderProject(answers('messaging: { pubsub: nats, nats: { tls: false } }\n', GRAPH), catalog).tree;
    expect(plain.has('deploy/messaging/nats/tls.yaml')).toBe(false);
    const env = (load(plain.get('deploy/charts/web/values.yaml')!.content) as { env: { name: string; value?: string }[] }).env;
    expect(env.find((e) => e.name === 'NATS_URL')?.value).toBe('nats://nats.messaging.svc.cluster.local:4222');
    expect(env.some((e) => e.name === 'NATS_CA')).toBe(false);
  });

  test('a project without NATS subjects gets no NATS client and unchanged skeletons', () => {
    const plain = renderProject(answers('', '  - name: web\n'), catalog).tree;
    expect(plain.has('services/web/src/messaging.ts')).toBe(false);
    expect(plain.get('services/web/src/main.ts')!.content).not.toContain('components');
    expect(JSON.parse(plain.get('services/web/package.json')!.content).dependencies['@nats-io/transport-node']).toBeUndefined();
  });
});

describe('gRPC clients', () => {
  test('the service config of an edge: round_robin, deadline in 9-digit seconds, retries of UNAVAILABLE capped at 5 attempts', () => {
    expect(duration(300)).toBe('0.300000000s');
    expect(duration(2000)).toBe('2s');
    const c = serviceConfig({ from: 'a', to: 'b', port: 9090, protocol: 'grpc', timeout: '300ms', retries: 5 }, 'shop.b.v1.GreeterService') as any;
    expect(c.loadBalancingConfig).toEqual([{ round_robin: {} }]);
    expect(c.methodConfig[0]).toMatchObject({ name: [{ service: 'shop.b.v1.GreeterService' }], timeout: '0.300000000s', retryPolicy: { maxAttempts: 5, retryableStatusCodes: ['UNAVAILABLE'] } });
    const none = serviceConfig({ from: 'a', to: 'b', port: 9090, protocol: 'grpc', timeout: '2s', retries: 0 }, 'x.v1.S') as any;
    expect(none.methodConfig[0].retryPolicy).toBeUndefined();
  });

  test('each gRPC service owns a distinct proto package; callers get a copy and a client in their language', () => {
    const { tree } = renderProject(
      answers('', '  - { name: web, language: python, calls: [orders] }\n  - { name: gw, language: java, port: 8081, calls: [orders] }\n  - { name: orders, language: go, port: 9090, protocol: grpc }\n'),
      catalog,
    );
    const source = tree.get('services/orders/proto/shop/orders/v1/greeter_service.proto')!.content;
    expect(source).toMatch(/^package shop\.orders\.v1;$/m);
    expect(tree.get('services/web/proto-clients/orders/shop/orders/v1/greeter_service.proto')!.content).toBe(source);
    expect(tree.get('services/web/client_orders.py')!.content).toContain('os.environ.get("ORDERS_ADDR")');
    expect(tree.get('services/web/requirements.txt')!.content).toMatch(/^grpcio==1\.78\.0$/m);
    expect(tree.get('services/gw/src/main/java/app/OrdersClient.java')!.content).toContain('.defaultServiceConfig(SERVICE_CONFIG)');
    expect(tree.get('services/gw/pom.xml')!.content).toContain('<protoSourceRoot>${project.basedir}/proto-clients/orders</protoSourceRoot>');
    expect(load(tree.get('buf.yaml')!.content)).toEqual({ version: 'v2', modules: [{ path: 'services/orders/proto' }], lint: { use: ['STANDARD'] }, breaking: { use: ['FILE'] } });
    expect(tree.get('Makefile')!.content).toContain('diff -r services/orders/proto services/web/proto-clients/orders');
  });
});
