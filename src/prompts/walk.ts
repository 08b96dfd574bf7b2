// The interactive walk: asks only what the flags, --set and the answers file left open, in catalog
// order, with the rules table greying out choices that cannot work and per-answer validation as the
// user types. It fills RawAnswers (origin "prompt"); validation of the whole happens afterwards as
// for any other source.
import type { z } from 'zod';
import { fullId, type AnyBlock, type Catalog } from '../catalog/define.js';
import { DEFAULT_KUBERNETES_VERSION, dnsLabel, KUBERNETES_VERSIONS, LANGUAGES, PROTOCOLS, ProjectInfoSchema, reservedNamespace, ServiceSchema } from '../config/schema.js';
import { setAt, type RawAnswers } from '../config/sources.js';
import { evaluateRules, pick } from '../config/rules.js';
import { LANGUAGE_TOOLING } from '../config/languages.js';
import type { Choice, Prompter } from './prompter.js';

const ORIGIN = 'prompt';
const given = (raw: RawAnswers, key: string) => pick(raw.data, key) !== undefined;
const zodCheck = (schema: z.ZodType) => (v: unknown): true | string => {
  const r = schema.safeParse(v);
  return r.success ? true : r.error.issues[0]!.message;
};

/** Type, default and allowed values of one block option (unwrapping default/optional). */
export function describeOption(schema: z.ZodType): { type: string; default: unknown; values?: string[]; description?: string } {
  let s: any = schema;
  let dflt: unknown;
  const description = (schema as { description?: string }).description;
  while (['default', 'prefault', 'optional'].includes(s._zod.def.type)) {
    if (s._zod.def.type === 'default') dflt = s._zod.def.defaultValue;
    s = s._zod.def.innerType;
  }
  const type = s._zod.def.type as string;
  return { type, default: dflt, values: type === 'enum' ? Object.values(s._zod.def.entries as Record<string, string>) : undefined, description };
}

export function sanitizeName(s: string): string {
  const n = s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, 63).replace(/-+$/, '');
  return n || 'app';
}

async function askProject(p: Prompter, raw: RawAnswers, dirName: string) {
  p.section('Project', 'name, namespace, images, target Kubernetes version');
  if (!given(raw, 'project.name')) {
    const v = await p.input({ message: 'Project name', default: sanitizeName(dirName), validate: zodCheck(dnsLabel('project name')) });
    setAt(raw, ['project', 'name'], v, ORIGIN);
  }
  const name = String(pick(raw.data, 'project.name'));
  // Derived answers are only recorded when they differ from what they derive from.
  if (!given(raw, 'project.namespace')) {
    const namespace = dnsLabel('namespace').refine((ns) => !reservedNamespace(ns), { error: 'this namespace is reserved for Kubernetes itself; choose another' });
    const ns = await p.input({ message: 'Kubernetes namespace', default: name, validate: zodCheck(namespace) });
    if (ns !== name) setAt(raw, ['project', 'namespace'], ns, ORIGIN);
  }
  if (!given(raw, 'project.image.repository')) {
    const repo = await p.input({ message: 'Image repository path under the registry', default: name, validate: zodCheck(ProjectInfoSchema.shape.image.unwrap().shape.repository) });
    if (repo !== name) setAt(raw, ['project', 'image', 'repository'], repo, ORIGIN);
  }
  if (!given(raw, 'project.kubernetesVersion')) {
    const v = await p.select({
      message: 'Target Kubernetes version',
      default: DEFAULT_KUBERNETES_VERSION,
      choices: [...KUBERNETES_VERSIONS].reverse().map((k) => ({ value: k, name: k })),
    });
    setAt(raw, ['project', 'kubernetesVersion'], v, ORIGIN);
  }
}

async function askServices(p: Prompter, raw: RawAnswers) {
  if (given(raw, 'services')) return;
  p.section('Services', 'one or more services, each with its own skeleton, image and chart');
  const services: Record<string, unknown>[] = [];
  const shape = ServiceSchema.shape;
  do {
    const i = services.length;
    const name = await p.input({
      message: `Service ${i + 1} name`,
      default: i === 0 ? 'api' : undefined,
      validate: (v) => (services.some((s) => s.name === v) ? `'${v}' is already a service` : zodCheck(shape.name)(v)),
    });
    const language = await p.select({
      message: `Language of ${name}`,
      default: 'node',
      choices: LANGUAGES.map((l) => ({ value: l, name: LANGUAGE_TOOLING[l].title })),
    });
    const protocol = await p.select({
      message: `Protocol of ${name}`,
      default: 'http',
      choices: PROTOCOLS.map((v) => ({ value: v, name: v === 'http' ? 'HTTP (REST/JSON)' : 'gRPC (with grpc.health.v1 for probes)' })),
    });
    const usedPorts = services.map((s) => s.port);
    let dfltPort = 8080 + i;
    while (usedPorts.includes(dfltPort)) dfltPort++;
    const port = await p.number({
      message: `Port of ${name}`,
      default: dfltPort,
      validate: (v) => (usedPorts.includes(v) ? `port ${v} is already used by another service` : zodCheck(shape.port)(v)),
    });
    const replicas = await p.number({ message: `Replicas of ${name}`, default: 2, validate: zodCheck(shape.replicas) });
    services.push({ name, language, port, protocol, replicas });
  } while (await p.confirm({ message: 'Add another service?', default: false }));
  setAt(raw, ['services'], services, ORIGIN);
}

function blockChoice(b: AnyBlock, reason: string | undefined): Choice {
  const tag = b.status === 'stable' ? '' : ` (${b.status})`;
  return { value: b.id, name: `${b.title}${tag}`, description: b.summary, disabled: reason ?? false };
}

async function askSlot(p: Prompter, raw: RawAnswers, catalog: Catalog, categoryId: string, slot: Catalog['categories'][number]['slots'][number]) {
  const key = `${categoryId}.${slot.key}`;
  const blocks = catalog.blocks.filter((b) => b.category === categoryId && b.slot === slot.key);
  // A choice is disabled when an error rule about this slot fires with it chosen.
  const reasonFor = (value: string) => {
    const candidate = structuredClone(raw.data) as Record<string, any>;
    candidate[categoryId] = { ...(candidate[categoryId] ?? {}), [slot.key]: slot.multiple ? [value] : value };
    const fired = evaluateRules(candidate).filter((r) => r.severity === 'error' && r.paths.includes(key));
    return fired.length ? `${fired[0]!.message} [${fired[0]!.id}]` : undefined;
  };
  const choices: Choice[] = blocks.map((b) => blockChoice(b, reasonFor(b.id)));
  if (slot.optional) choices.push({ value: 'none', name: 'None', description: `no ${slot.title.toLowerCase()}`, disabled: reasonFor('none') ?? false });
  for (;;) {
    const dflt = String(slot.default);
    const value = await p.select({ message: slot.question, choices, default: choices.find((c) => c.value === dflt && !c.disabled) ? dflt : undefined });
    const block = blocks.find((b) => b.id === value);
    if (block?.status === 'archived') {
      p.info(`${block.title} is archived: ${block.statusNote}.`);
      const successor = blocks.find((b) => b.id === block.successor);
      if (successor && (await p.confirm({ message: `Use ${successor.title} instead?`, default: true }))) {
        setAt(raw, key.split('.'), successor.id, ORIGIN);
        return;
      }
      continue;
    }
    if (block?.status === 'legacy') p.info(`Note: ${block.title} is legacy: ${block.statusNote}.`);
    setAt(raw, key.split('.'), slot.multiple ? [value] : value, ORIGIN);
    return;
  }
}

async function askOptions(p: Prompter, raw: RawAnswers, block: AnyBlock) {
  for (const [opt, schema] of Object.entries(block.options.shape)) {
    const key = `${block.category}.${block.id}.${opt}`;
    const question = (block.questions as Record<string, { message: string; choices?: Record<string, string> } | null>)[opt];
    if (!question || given(raw, key)) continue;
    const d = describeOption(schema as z.ZodType);
    let v: unknown;
    if (d.type === 'boolean') v = await p.confirm({ message: question.message, default: Boolean(d.default) });
    else if (d.type === 'enum')
      v = await p.select({
        message: question.message,
        default: d.default as string,
        choices: d.values!.map((x) => ({ value: x, name: x, description: question.choices?.[x] })),
      });
    else if (d.type === 'number') v = await p.number({ message: question.message, default: d.default as number, validate: zodCheck(schema as z.ZodType) });
    else {
      const optional = (schema as z.ZodType).safeParse(undefined).success;
      v = await p.input({
        message: question.message + (optional && d.default === undefined ? ' (Enter: derived default)' : ''),
        default: d.default as string | undefined,
        validate: (x) => (optional && x === '' ? true : zodCheck(schema as z.ZodType)(x)),
      });
      // An optional answer left empty stays unset, so its derived default applies.
      if (optional && v === '') continue;
    }
    setAt(raw, key.split('.'), v, ORIGIN);
  }
}

/** Walks project, services and every registered category in order. */
export async function walk(p: Prompter, raw: RawAnswers, catalog: Catalog, dirName: string): Promise<RawAnswers> {
  await askProject(p, raw, dirName);
  await askServices(p, raw);
  for (const cat of catalog.categories) {
    const slots = cat.slots.filter((s) => catalog.blocks.some((b) => b.category === cat.id && b.slot === s.key));
    if (slots.length === 0) continue;
    p.section(cat.title, cat.summary);
    for (const slot of slots) {
      if (!given(raw, `${cat.id}.${slot.key}`)) await askSlot(p, raw, catalog, cat.id, slot);
      const chosen = pick(raw.data, `${cat.id}.${slot.key}`);
      for (const b of catalog.blocks.filter((x) => x.category === cat.id && x.slot === slot.key)) {
        if (chosen === b.id || (Array.isArray(chosen) && chosen.includes(b.id))) await askOptions(p, raw, b);
      }
    }
  }
  // The image host comes from the registry choice when it runs one (Harbor); otherwise ask for it.
  if (!given(raw, 'project.image.registry') && pick(raw.data, 'registry.provider') !== 'harbor') {
    p.section('Images', 'where the pipeline pushes the images');
    const host = await p.input({ message: 'Image registry host', default: 'ghcr.io', validate: zodCheck(ProjectInfoSchema.shape.image.unwrap().shape.registry) });
    if (host !== 'ghcr.io') setAt(raw, ['project', 'image', 'registry'], host, ORIGIN);
  }
  return raw;
}

export { fullId };
