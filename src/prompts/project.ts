// The first part of the walk: the project, its services and their edges (the service graph). The short
// walk asks a name, then per service its name, language and protocol (ports follow 8080, 8081, ...),
// then one multi-select per service for its calls and which services are exposed when a gateway can
// exist. `--advanced` also asks the namespace, image path, Kubernetes version, ports, replicas, egress
// and, when the catalog has blocks for them, data stores and NATS subjects.
import { DEFAULT_KUBERNETES_VERSION, dnsLabel, KUBERNETES_VERSIONS, LANGUAGES, PROTOCOLS, ProjectInfoSchema, reservedNamespace, ServiceSchema } from '../config/schema.js';
import { EgressSchema, USES, subjectProblem } from '../config/graph-schema.js';
import { LANGUAGE_TOOLING } from '../config/languages.js';
import type { WalkState } from './state.js';
import { schemaCheck } from './validate.js';

export function sanitizeName(s: string): string {
  const n = s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, 63).replace(/-+$/, '');
  return n || 'app';
}

const imageShape = ProjectInfoSchema.shape.image.unwrap().shape;

export async function askProject(state: WalkState): Promise<void> {
  const { p } = state;
  p.section('Project', state.advanced ? 'name, namespace, images, target Kubernetes version' : 'name');
  if (!state.given('project.name')) {
    state.answer('project.name', await p.input({ message: 'Project name', default: sanitizeName(state.opts.dirName), validate: schemaCheck(dnsLabel('project name')) }));
  }
  if (!state.advanced) return;
  const name = String(state.value('project.name'));
  // Derived answers are only recorded when they differ from what they derive from.
  if (!state.given('project.namespace')) {
    const namespace = dnsLabel('namespace').refine((v) => !reservedNamespace(v), { error: 'this namespace is reserved for Kubernetes itself; choose another' });
    const ns = await p.input({ message: 'Kubernetes namespace', default: name, validate: schemaCheck(namespace) });
    if (ns !== name) state.answer('project.namespace', ns);
  }
  if (!state.given('project.image.repository')) {
    const repo = await p.input({ message: 'Image repository path under the registry', default: name, validate: schemaCheck(imageShape.repository) });
    if (repo !== name) state.answer('project.image.repository', repo);
  }
  if (!state.given('project.kubernetesVersion')) {
    const v = await p.select({ message: 'Target Kubernetes version', default: DEFAULT_KUBERNETES_VERSION, choices: [...KUBERNETES_VERSIONS].reverse().map((k) => ({ value: k, name: k })) });
    state.answer('project.kubernetesVersion', v);
  }
}

/** Asks the services (unless given outside the walk); true when they were asked here. */
export async function askServices(state: WalkState): Promise<boolean> {
  if (state.fixed('services')) return false;
  const { p } = state;
  p.section('Services', 'one or more services, each with its own skeleton, image and chart');
  const services: Record<string, unknown>[] = [];
  const shape = ServiceSchema.shape;
  do {
    const i = services.length;
    const name = await p.input({
      message: `Service ${i + 1} name`,
      default: i === 0 ? 'api' : undefined,
      validate: (v) => (services.some((s) => s.name === v) ? `'${v}' is already a service` : schemaCheck(shape.name)(v)),
    });
    const language = await p.select({ message: `Language of ${name}`, default: 'node', choices: LANGUAGES.map((l) => ({ value: l, name: LANGUAGE_TOOLING[l].title })) });
    const protocol = await p.select({
      message: `Protocol of ${name}`,
      default: 'http',
      choices: PROTOCOLS.map((v) => ({ value: v, name: v === 'http' ? 'HTTP (REST/JSON)' : 'gRPC (with grpc.health.v1 for probes)' })),
    });
    const usedPorts = services.map((s) => s.port);
    let port = 8080 + i;
    while (usedPorts.includes(port)) port++;
    let replicas = 2;
    if (state.advanced) {
      port = await p.number({ message: `Port of ${name}`, default: port, validate: (v) => (usedPorts.includes(v) ? `port ${v} is already used by another service` : schemaCheck(shape.port)(v)) });
      replicas = await p.number({ message: `Replicas of ${name}`, default: 2, validate: schemaCheck(shape.replicas) });
    }
    services.push({ name, language, port, protocol, replicas });
  } while (await p.confirm({ message: 'Add another service?', default: false }));
  state.answer('services', services);
  return true;
}

const slotHasBlocks = (state: WalkState, slot: string) => state.catalog.blocks.some((b) => `${b.category}.${b.slot}` === slot);
const list = (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean);

/** The edges of the services asked in this walk: calls, exposure and (advanced) egress, data, subjects. */
export async function askEdges(state: WalkState): Promise<void> {
  const { p } = state;
  const services = state.value('services') as Record<string, any>[];
  const names = services.map((s) => String(s.name));
  const gateway = slotHasBlocks(state, 'discovery.gateway');
  if (names.length < 2 && !gateway && !state.advanced) return;
  p.section('Service graph', 'who calls whom; what is reachable from outside (network policy and routes follow from it)');
  for (const [i, s] of services.entries()) {
    const others = names.filter((n) => n !== s.name);
    if (others.length === 0) continue;
    const calls = await p.checkbox({ message: `Which services does ${s.name} call?`, choices: others.map((n) => ({ value: n, name: n, checked: (s.calls ?? []).includes(n) })) });
    state.answer(`services.${i}.calls`, calls.length ? calls : undefined);
  }
  if (gateway) {
    const exposed =
      names.length === 1
        ? (await p.confirm({ message: `Expose ${names[0]} outside the cluster (through the gateway)?`, default: Boolean(services[0]!.expose) })) ? names : []
        : await p.checkbox({ message: 'Which services are exposed outside the cluster (through the gateway)?', choices: names.map((n, i) => ({ value: n, name: n, checked: Boolean(services[i]!.expose) })) });
    services.forEach((s, i) => state.answer(`services.${i}.expose`, exposed.includes(String(s.name)) ? true : undefined));
  }
  if (!state.advanced) return;
  for (const [i, s] of services.entries()) {
    const egress = await p.input({
      message: `Hosts ${s.name} connects to outside the cluster (host:port, comma-separated; Enter for none)`,
      default: '',
      validate: (v) => {
        for (const item of list(v)) {
          const [host, port] = [item.slice(0, item.lastIndexOf(':')), Number(item.slice(item.lastIndexOf(':') + 1))];
          const ok = schemaCheck(EgressSchema)({ host, port });
          if (ok !== true) return `${item}: ${ok} (e.g. api.stripe.com:443)`;
        }
        return true;
      },
    });
    state.answer(`services.${i}.egress`, list(egress).length ? list(egress).map((e) => ({ host: e.slice(0, e.lastIndexOf(':')), port: Number(e.slice(e.lastIndexOf(':') + 1)) })) : undefined);
    if (['storage.sql', 'storage.kv', 'storage.volumes'].some((k) => slotHasBlocks(state, k))) {
      const uses = await p.checkbox({ message: `Which data stores does ${s.name} use?`, choices: USES.map((u) => ({ value: u, name: u, checked: (s.uses ?? []).includes(u) })) });
      state.answer(`services.${i}.uses`, uses.length ? uses : undefined);
    }
    if (slotHasBlocks(state, 'messaging.pubsub')) {
      for (const [field, what, wildcards] of [['publishes', 'publishes to', false], ['subscribes', 'subscribes to', true], ['responds', 'answers requests on', false]] as const) {
        const v = await p.input({
          message: `NATS subjects ${s.name} ${what} (comma-separated; Enter for none)`,
          default: '',
          validate: (x) => list(x).map((t) => subjectProblem(t, wildcards)).find(Boolean) ?? true,
        });
        state.answer(`services.${i}.${field}`, list(v).length ? list(v) : undefined);
      }
    }
  }
}
