// What a block may add to files it does not own (README, Makefile, chart values, diagram, CI...).
// Shared templates iterate over the merged contributions, so a new block never edits another
// block's templates and there is never one template per combination of choices.
import type { ResolvedService } from '../config/schema.js';
import type { NetworkContribution, MergedNetwork, GatewayRef, StorageClasses, LocalContribution, MergedLocal } from './network.js';
import { emptyNetwork, mergeNetwork, mergeLocal } from './network.js';
import type { SkeletonContribution } from './skeleton.js';
import { checkLines, DEPLOY_PHASES, secretsTarget, type DeployStep, type Prerequisite } from './prerequisites.js';

export type { DeployStep, Prerequisite } from './prerequisites.js';

export type * from './network.js';
export type * from './skeleton.js';

export interface ReadmeSection {
  title: string;
  /** Lower comes first; base sections use 10..90. */
  order: number;
  body: string;
}
export interface MakeTarget {
  name: string;
  help: string;
  recipe: string[];
  /** Checked before the recipe runs; a missing one is named with how to get it (prerequisites.ts). */
  requires?: Prerequisite[];
}
/** A make target as the Makefile renders it: its prerequisite checks first. */
export type MergedMakeTarget = Omit<MakeTarget, 'requires'> & { checks: string[] };
export interface ValidateStep {
  name: string;
  /** A shell command run from the repository root by `make validate` and the CI validation job. */
  command: string;
}
export interface DiagramNode {
  id: string;
  label: string;
  /** Mermaid subgraph the node belongs to. */
  group: 'build' | 'registry' | 'cluster' | 'platform' | 'data' | 'external';
}
export interface DiagramEdge {
  from: string;
  to: string;
  label?: string;
}
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: Record<string, unknown>;
}
export interface ChartContribution {
  podAnnotations?: Record<string, string>;
  podLabels?: Record<string, string>;
  env?: EnvVar[];
  imagePullSecrets?: { name: string }[];
  /** Additional top-level values keys, deep-merged; their JSON Schema goes in `valuesSchema`. */
  extraValues?: Record<string, unknown>;
  valuesSchema?: Record<string, object>;
}

/** A secret or variable a pipeline step reads; exposed to the step as an env var of the same name. */
export interface PipelineSecret {
  name: string;
  description: string;
}
/**
 * Vulnerability severities in Harbor's vocabulary (ProjectMetadata.severity, api/v2.0/swagger.yaml): the one
 * answer for "which vulnerabilities stop an image", owned by the registry block (pipeline.scanSeverity) and
 * enforced both by the CI scan before push and by the registry. `none` turns the gate off.
 */
export const SCAN_SEVERITIES = ['none', 'low', 'medium', 'high', 'critical'] as const;
export type ScanSeverity = (typeof SCAN_SEVERITIES)[number];
/** Where the CI/CD block leaves the SPDX SBOM for the attest steps (relative to the repository root). */
export const SBOM_FILE = 'sbom.spdx.json';

/** The gate when no block sets pipeline.scanSeverity. */
export const DEFAULT_SCAN_SEVERITY: ScanSeverity = 'high';

/**
 * One step of the image publish flow, provider-neutral: the CI/CD block (GitHub Actions, GitLab CI,
 * Tekton) renders it in its own syntax. `run` is bash that reads IMAGE (repository without tag), TAG,
 * DIGEST (sha256:…, after push) and REGISTRY, and never echoes a secret.
 */
export interface PipelineStep {
  id: string;
  title: string;
  // No 'scan' phase: the CI/CD block runs the one vulnerability scan itself, before the push, at
  // pipeline.scanSeverity (a second scan after the push would be the same concern configured twice).
  phase: 'login' | 'sign' | 'attest';
  run: string;
  tools: ('cosign' | 'notation' | 'trivy' | 'syft' | 'oras' | 'crane')[];
  secrets?: PipelineSecret[];
  /** Needs an OIDC identity token (keyless signing): the provider grants it to this job only. */
  oidc?: boolean;
}
export interface PipelineRegistry {
  host: string;
  /** CI secret names holding the push credentials (e.g. a Harbor robot account). */
  usernameSecret: string;
  passwordSecret: string;
}

export interface Contributions {
  readme?: ReadmeSection[];
  make?: MakeTarget[];
  validate?: ValidateStep[];
  gitignore?: string[];
  diagram?: { nodes?: DiagramNode[]; edges?: DiagramEdge[] };
  /**
   * Called once per service; merged into that service's chart values. `network` is every block's merged
   * network contribution (e.g. a mesh reads which of the service's edges need special handling).
   */
  chart?: (service: ResolvedService, network: MergedNetwork) => ChartContribution;
  /** Called once per service: libraries and components the block's code adds to its skeleton. */
  skeleton?: (service: ResolvedService) => SkeletonContribution;
  /** Printed after `init`/`regenerate` (next steps, e.g. "create the Secret with ..."). */
  notes?: string[];
  /**
   * Steps of the publish flow and the registry to log in to (used by the CI/CD block). `sbom`: the attest steps
   * read an SPDX SBOM at SBOM_FILE, which the CI/CD block makes from the local image (never pulled back from the
   * registry, where an image is blocked until it is scanned and signed).
   */
  pipeline?: { steps?: PipelineStep[]; registry?: PipelineRegistry; scanSeverity?: ScanSeverity; sbom?: boolean };
  /** Where metrics can be queried (used by progressive-delivery analysis). */
  metrics?: { prometheusAddress: string };
  /**
   * Pods outside the application namespace that the chosen Prometheus scrapes (they carry the scrape
   * annotations or a PodMonitor themselves) and the alert rules about them (Prometheus rule groups).
   */
  monitoring?: { namespaces?: string[]; rules?: { name: string; groups: object[] }[] };
  /**
   * Network peers this block runs (Prometheus, the OTLP collector, the gateway, NATS, ...) and the
   * edges it needs to or from the services: every enforcement layer (NetworkPolicy, mesh
   * authorization) and the README's edge table iterate over these, never over block ids.
   */
  network?: NetworkContribution;
  /** Labels and annotations of the application namespace (deploy/namespace.yaml), e.g. mesh injection. */
  namespace?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  /** The north-south entry the services' routes attach to (one provider: the gateway block). */
  gateway?: GatewayRef;
  /** StorageClass names for the PVCs other blocks create (one provider: the storage.volumes block). */
  storageClass?: StorageClasses;
  /** Containers and per-service environment for the local run (compose). */
  local?: LocalContribution;
  /**
   * Manifests (files or folders, relative to the repository root) applied after the namespace and
   * before the service charts, by `make deploy` and by every CI deploy job (e.g. network policies).
   */
  deploy?: { apply?: string[] };
  /** Steps of the README's ordered "First deploy" checklist (each a make target of this block). */
  firstDeploy?: DeployStep[];
  /** Prerequisites this block adds to another block's make target (e.g. its CRDs or pull Secret before `deploy`). */
  prerequisites?: { target: string; requires: Prerequisite[] }[];
}

/** Merged, plain-data view handed to templates (strict Handlebars: every key exists). */
export interface MergedContributions {
  readme: ReadmeSection[];
  make: MergedMakeTarget[];
  /** In deploy order (DEPLOY_PHASES), then registry order; `step` numbers them from 1. */
  firstDeploy: (DeployStep & { step: number })[];
  validate: ValidateStep[];
  gitignore: string[];
  diagram: { nodes: DiagramNode[]; edges: DiagramEdge[] };
  notes: string[];
  /** scanSeverity: last contribution wins, DEFAULT_SCAN_SEVERITY when none. */
  pipeline: { steps: PipelineStep[]; registry: PipelineRegistry | null; scanSeverity: ScanSeverity; sbom: boolean };
  metrics: { prometheusAddress: string } | null;
  monitoring: { namespaces: string[]; rules: { name: string; groups: object[] }[] };
  network: MergedNetwork;
  namespace: { labels: Record<string, string>; annotations: Record<string, string> };
  gateway: GatewayRef | null;
  storageClass: StorageClasses;
  local: MergedLocal;
  deploy: { apply: string[] };
  /** Per-service skeleton contributions, in registry order (see skeletonFor). */
  skeleton: ((service: ResolvedService) => SkeletonContribution)[];
}
export interface MergedChart {
  podAnnotations: Record<string, string>;
  podLabels: Record<string, string>;
  env: EnvVar[];
  imagePullSecrets: { name: string }[];
  extraValues: Record<string, unknown>;
  valuesSchema: Record<string, object>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge for values: objects merge key by key, arrays concatenate, scalars: later wins. */
export function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    if (isPlainObject(cur) && isPlainObject(v)) out[k] = deepMerge(cur, v);
    else if (Array.isArray(cur) && Array.isArray(v)) out[k] = [...cur, ...v];
    else out[k] = v;
  }
  return out;
}

/**
 * Merges contributions in the given (registry) order; readme sections are stably sorted by `order`.
 * `blocks[i]` names the block of `list[i]` (network edges remember which block needs them).
 */
export function mergeContributions(list: Contributions[], blocks: string[] = []): MergedContributions {
  const m: MergedContributions = {
    readme: [],
    make: [],
    firstDeploy: [],
    validate: [],
    gitignore: [],
    diagram: { nodes: [], edges: [] },
    notes: [],
    pipeline: { steps: [], registry: null, scanSeverity: DEFAULT_SCAN_SEVERITY, sbom: false },
    metrics: null,
    monitoring: { namespaces: [], rules: [] },
    network: emptyNetwork(),
    namespace: { labels: {}, annotations: {} },
    gateway: null,
    storageClass: {},
    local: { services: [], env: [] },
    deploy: { apply: [] },
    skeleton: [],
  };
  const secrets: Extract<Prerequisite, { secret: string }>[] = [];
  const steps: DeployStep[] = [];
  const added: NonNullable<Contributions['prerequisites']> = [];
  for (const [i, c] of list.entries()) {
    m.readme.push(...(c.readme ?? []));
    m.make.push(...(c.make ?? []).map(({ requires, ...t }) => ({ ...t, checks: checkLines(requires ?? []) })));
    steps.push(...(c.firstDeploy ?? []));
    added.push(...(c.prerequisites ?? []));
    const all = [...(c.make ?? []).flatMap((t) => t.requires ?? []), ...(c.prerequisites ?? []).flatMap((x) => x.requires)];
    secrets.push(...all.filter((p): p is Extract<Prerequisite, { secret: string }> => 'secret' in p));
    m.validate.push(...(c.validate ?? []));
    m.gitignore.push(...(c.gitignore ?? []));
    m.diagram.nodes.push(...(c.diagram?.nodes ?? []));
    m.diagram.edges.push(...(c.diagram?.edges ?? []));
    m.notes.push(...(c.notes ?? []));
    m.pipeline.steps.push(...(c.pipeline?.steps ?? []));
    if (c.pipeline?.registry) m.pipeline.registry = c.pipeline.registry;
    if (c.pipeline?.scanSeverity) m.pipeline.scanSeverity = c.pipeline.scanSeverity;
    if (c.pipeline?.sbom) m.pipeline.sbom = true;
    if (c.metrics) m.metrics = c.metrics;
    for (const ns of c.monitoring?.namespaces ?? []) if (!m.monitoring.namespaces.includes(ns)) m.monitoring.namespaces.push(ns);
    m.monitoring.rules.push(...(c.monitoring?.rules ?? []));
    if (c.network) mergeNetwork(m.network, c.network, blocks[i] ?? 'base');
    Object.assign(m.namespace.labels, c.namespace?.labels);
    Object.assign(m.namespace.annotations, c.namespace?.annotations);
    if (c.gateway) m.gateway = c.gateway;
    if (c.storageClass) m.storageClass = c.storageClass;
    if (c.local) mergeLocal(m.local, c.local);
    m.deploy.apply.push(...(c.deploy?.apply ?? []));
    if (c.skeleton) m.skeleton.push(c.skeleton);
  }
  m.readme = m.readme.map((s, i) => ({ s, i })).sort((x, y) => x.s.order - y.s.order || x.i - y.i).map((x) => x.s);
  for (const x of added) {
    const t = m.make.find((y) => y.name === x.target);
    if (t) t.checks.push(...checkLines(x.requires));
  }
  // The Secrets the install steps read, checked together by one step of the first deploy.
  const unique = secrets.filter((p, i) => secrets.findIndex((q) => q.namespace === p.namespace && q.secret === p.secret) === i);
  if (unique.length > 0) {
    m.make.push(secretsTarget(unique));
    steps.push({ phase: 'secrets', target: 'secrets', title: 'create the Secrets the next steps read (it lists the missing ones and where the README shows how)' });
  }
  const phase = (d: DeployStep) => DEPLOY_PHASES.indexOf(d.phase);
  m.firstDeploy = steps
    .map((d, i) => ({ d, i }))
    .sort((x, y) => phase(x.d) - phase(y.d) || x.i - y.i)
    .map((x, i) => ({ ...x.d, step: i + 1 }));
  const seen = new Set<string>();
  for (const t of m.make) {
    if (seen.has(t.name)) throw new Error(`two blocks contribute the make target '${t.name}'`);
    seen.add(t.name);
  }
  return m;
}

export function mergeChart(list: Contributions[], service: ResolvedService, network: MergedNetwork = emptyNetwork()): MergedChart {
  const m: MergedChart = { podAnnotations: {}, podLabels: {}, env: [], imagePullSecrets: [], extraValues: {}, valuesSchema: {} };
  for (const c of list) {
    const part = c.chart?.(service, network);
    if (!part) continue;
    Object.assign(m.podAnnotations, part.podAnnotations);
    Object.assign(m.podLabels, part.podLabels);
    m.env.push(...(part.env ?? []));
    m.imagePullSecrets.push(...(part.imagePullSecrets ?? []));
    m.extraValues = deepMerge(m.extraValues, part.extraValues ?? {});
    Object.assign(m.valuesSchema, part.valuesSchema);
  }
  return m;
}

