// The NATS client in the services that use NATS (and only those): the library in the language's
// manifest, the `messaging` component the entry point starts and drains, and its code, generated with
// the service's own subjects. Client versions: @nats-io/transport-node and @nats-io/jetstream 3.4.0
// (npm registry), github.com/nats-io/nats.go v1.53.1, nats-py 2.15.0, io.nats:jnats 2.26.2 (tags of
// nats-io/nats.js, nats.go, nats.py and nats.java, Aug 2026).
import type { FileSpec, FilesContext } from '../../catalog/define.js';
import type { SkeletonContribution } from '../../catalog/contributions.js';
import type { ResolvedService } from '../../config/schema.js';
import type { NatsModel, ServiceMessaging } from './nats-model.js';
import { JETSTREAM_LOCK, NATS_LOCK, NATS_NODE_VERSION } from './npm-locks.js';

export const NATS_CLIENTS = { go: 'v1.53.1', python: '2.15.0', java: '2.26.2' } as const;

/** Whether the service's code uses JetStream (durable consumers or acknowledged publishes). */
const usesJetStream = (m: ServiceMessaging) => m.durables.length > 0 || m.publishes.some((p) => p.jetstream);

export function natsSkeleton(service: ResolvedService, m: ServiceMessaging | undefined): SkeletonContribution {
  if (!m) return {};
  const js = usesJetStream(m);
  return {
    npm: {
      dependencies: { '@nats-io/transport-node': NATS_NODE_VERSION, ...(js ? { '@nats-io/jetstream': NATS_NODE_VERSION } : {}) },
      lock: { ...NATS_LOCK, ...(js ? JETSTREAM_LOCK : {}) },
    },
    go: { 'github.com/nats-io/nats.go': NATS_CLIENTS.go },
    python: [`nats-py==${NATS_CLIENTS.python}`],
    maven: [{ groupId: 'io.nats', artifactId: 'jnats', version: NATS_CLIENTS.java }],
    components: ['messaging'],
  };
}

/** The per-service data the client templates read: its subjects, consumers and reply inbox. */
function subjectsOf(m: ServiceMessaging) {
  return {
    publishes: m.publishes,
    requests: m.requests,
    subscribes: m.subscribes,
    responds: m.responds,
    durables: m.durables.map((d) => ({ stream: d.stream, consumer: d.name, subject: d.subject })),
    inbox: m.user.inbox,
  };
}

const FILES: Record<ResolvedService['language'], { template: string; to: string }> = {
  node: { template: 'messaging/nats/node/messaging.ts.hbs', to: 'src/messaging.ts' },
  go: { template: 'messaging/nats/go/messaging.go.hbs', to: 'messaging.go' },
  python: { template: 'messaging/nats/python/messaging.py.hbs', to: 'messaging.py' },
  java: { template: 'messaging/nats/java/Messaging.java.hbs', to: 'src/main/java/app/Messaging.java' },
};

export function natsSkeletonFiles(ctx: FilesContext, model: NatsModel): FileSpec[] {
  return model.services.flatMap((m): FileSpec[] => {
    const service = ctx.services.find((s) => s.name === m.service)!;
    const f = FILES[service.language];
    const dir = `services/${service.name}`;
    return [
      { to: `${dir}/${f.to}`, template: f.template, data: { service, m: subjectsOf(m), js: usesJetStream(m) } },
      // Go: trace propagation only in the otel build (the default build needs no OpenTelemetry module).
      ...(service.language === 'go'
        ? ['messaging_otel.go', 'messaging_notrace.go'].map((n) => ({ to: `${dir}/${n}`, template: `messaging/nats/go/${n}` }))
        : []),
    ];
  });
}
