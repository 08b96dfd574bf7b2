// The answers model: project, services, and one section per category (slots + block options).
// ProjectSchema is assembled from the catalog so the answers file, flags, prompts and the JSON
// Schema all come from the same declarations.
import * as z from 'zod';
import type { Catalog } from '../catalog/define.js';
import { checkGraph, graphFields } from './graph-schema.js';
import { DEFAULT_KUBERNETES_VERSION } from './rules/define.js';

export { DEFAULT_KUBERNETES_VERSION };
export { regexpProblem, regularExpression } from './regexp.js';

export const ANSWERS_VERSION = 1;

/** Kubernetes minors we generate for (domain.md §0: 1.36 is current; older minors still supported by vendors). */
export const KUBERNETES_VERSIONS = ['1.30', '1.31', '1.32', '1.33', '1.34', '1.35', '1.36'] as const;
export const LANGUAGES = ['node', 'go', 'python', 'java'] as const;
export const PROTOCOLS = ['http', 'grpc'] as const;

// RFC 1035 label: what a Service name must be (stricter than RFC 1123: starts with a letter), max 63.
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const dnsLabel = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .max(63, { error: `${what} must be at most 63 characters (a Kubernetes DNS label)` })
    .regex(DNS_LABEL, {
      error: `${what} must be a Kubernetes DNS label: lowercase letters, digits and '-', starting with a letter and not ending with '-'`,
    });

// RFC 1123 host names (Kubernetes' "DNS subdomain"): labels of 1-63 characters, at most 253 in all.
// Every host name an answer gives goes through dnsName, so none is accepted that a resolver, a
// certificate or a Kubernetes object would refuse later.
const LABEL = '[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?';
const PORT = '(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?';
export const dnsName = (what: string, opts: { qualified?: boolean; port?: boolean; empty?: boolean; example?: string } = {}) =>
  z
    .string({ error: `${what} must be a string` })
    .max(opts.port ? 253 + 6 : 253, { error: `${what} must be at most 253 characters (a DNS name)` })
    .regex(new RegExp(`^(?:${LABEL}(?:\\.${LABEL})${opts.qualified ? '+' : '*'}${opts.port ? PORT : ''})${opts.empty ? '?' : ''}$`), {
      error:
        `${what} must be ${opts.empty ? 'empty or ' : ''}a ${opts.qualified ? 'fully qualified ' : ''}DNS name${opts.port ? ' with an optional :port' : ''}: ` +
        `lowercase letters, digits, '-' and '.', labels of at most 63 characters, e.g. ${opts.example ?? 'harbor.example.com'}`,
    });

// Namespaces Kubernetes itself uses; the generated namespace is labelled Pod Security `restricted`, which
// would break the system pods there. "Avoid creating namespaces with the prefix kube-, since it is
// reserved for Kubernetes system namespaces." (https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/)
const RESERVED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
export const reservedNamespace = (ns: string) => RESERVED_NAMESPACES.has(ns) || ns.startsWith('kube-');

export const ServiceSchema = z
  .object({
    name: dnsLabel('service name')
      .max(40, { error: 'service name must be at most 40 characters (chart and object names append suffixes)' })
      .meta({ examples: ['api'] }),
    language: z.enum(LANGUAGES).default('node').describe('Language of the service skeleton'),
    port: z
      .number({ error: 'port must be a number' })
      .int()
      .min(1024, { error: 'port must be >= 1024 (services run as a non-root user and cannot bind privileged ports)' })
      .max(65535, { error: 'port must be at most 65535' })
      .default(8080)
      .describe('Port the service listens on (also its Kubernetes Service port)'),
    protocol: z.enum(PROTOCOLS).default('http').describe('http (REST/JSON) or grpc'),
    replicas: z
      .number({ error: 'replicas must be a number' })
      .int({ error: 'replicas must be a whole number' })
      .min(1, { error: 'replicas must be at least 1' })
      .max(100, { error: 'replicas must be at most 100' })
      .default(2)
      .describe('Replicas (a PodDisruptionBudget is rendered when > 1)'),
    ...graphFields,
  })
  .strict();
export type Service = z.infer<typeof ServiceSchema>;

const REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

export const ProjectInfoSchema = z
  .object({
    name: dnsLabel('project name'),
    namespace: dnsLabel('namespace').optional().describe('Kubernetes namespace (defaults to the project name)'),
    kubernetesVersion: z.enum(KUBERNETES_VERSIONS).default(DEFAULT_KUBERNETES_VERSION).describe('Target Kubernetes minor version'),
    image: z
      .object({
        registry: dnsName('registry', { port: true, example: 'ghcr.io' })
          .optional()
          .describe('Registry host images are pushed to (default: the Harbor host when registry.provider is harbor, else ghcr.io)'),
        repository: z
          .string()
          .max(255, { error: 'repository must be at most 255 characters' })
          .regex(REPOSITORY, { error: 'repository must be lowercase path components separated by /, e.g. acme/shop' })
          .optional()
          .describe('Repository path under the registry (defaults to the project name); images are <registry>/<repository>/<service>'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((p, ctx) => {
    const ns = p.namespace ?? p.name;
    if (typeof ns !== 'string' || !reservedNamespace(ns)) return;
    ctx.addIssue({
      code: 'custom',
      path: [p.namespace === undefined ? 'name' : 'namespace'],
      message: `the namespace '${ns}' is reserved for Kubernetes itself${p.namespace === undefined ? ' (the namespace defaults to the project name)' : ''}; the generated namespace is labelled Pod Security restricted, which would break the system pods there`,
      params: { fix: `--set project.namespace=${ns.replace(/^kube-/, '')}-app` },
    });
  });

export type CategoryAnswers = Record<string, unknown>;

/** Builds the answers schema from the catalog: slots with their block ids, and each block's options under its id. */
export function buildProjectSchema(catalog: Catalog) {
  const categoryShapes: Record<string, z.ZodType> = {};
  for (const cat of catalog.categories) {
    const shape: Record<string, z.ZodType> = {};
    for (const slot of cat.slots) {
      const ids = catalog.blocks.filter((b) => b.category === cat.id && b.slot === slot.key).map((b) => b.id);
      if (ids.length === 0) continue;
      const values = slot.optional ? [...ids, 'none'] : ids;
      const one = z.enum(values as [string, ...string[]]);
      const field: z.ZodType = slot.multiple ? z.array(one).default(slot.default as string[]) : one.default(slot.default as string);
      shape[slot.key] = field.describe(slot.title);
    }
    for (const b of catalog.blocks.filter((b) => b.category === cat.id)) {
      if (Object.keys(b.options.shape).length > 0) shape[b.id] = b.options.prefault({}).describe(`Options of ${b.title}`);
    }
    if (Object.keys(shape).length > 0) categoryShapes[cat.id] = z.object(shape).strict().prefault({}).describe(cat.title);
  }
  return z
    .object({
      version: z.literal(ANSWERS_VERSION).default(ANSWERS_VERSION).describe('Answers file format version'),
      project: ProjectInfoSchema,
      services: z.array(ServiceSchema).min(1, { error: 'at least one service is required' }),
      ...categoryShapes,
    })
    .strict()
    .superRefine((cfg, ctx) => {
      const names = new Map<string, number>();
      const ports = new Map<number, number>();
      cfg.services.forEach((s, i) => {
        if (names.has(s.name)) ctx.addIssue({ code: 'custom', path: ['services', i, 'name'], message: `duplicate service name '${s.name}' (also services.${names.get(s.name)})` });
        else names.set(s.name, i);
        if (ports.has(s.port)) ctx.addIssue({ code: 'custom', path: ['services', i, 'port'], message: `port ${s.port} is already used by services.${ports.get(s.port)} (each service needs its own port for local runs)` });
        else ports.set(s.port, i);
      });
      checkGraph(cfg.services, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    });
}

export type ProjectSchema = ReturnType<typeof buildProjectSchema>;

/** The validated answers. Category sections are typed loosely here; blocks see their own typed options. */
export interface Config {
  version: number;
  project: z.infer<typeof ProjectInfoSchema>;
  services: Service[];
  [category: string]: unknown;
}

export interface ResolvedProject {
  name: string;
  namespace: string;
  kubernetesVersion: string;
  image: { registry: string; repository: string };
}
export interface ResolvedService extends Service {
  /** Full image reference without tag: <registry>/<repository>/<name>. */
  image: string;
  /** The command that runs the service's unit tests (from LANGUAGE_TOOLING). */
  testCommand: string;
}
