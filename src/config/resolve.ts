// RawAnswers → Config: zod validation with every problem mapped back to where the value came from,
// archived/legacy block handling, the rules table, and derived values (namespace, image references).
import { UserError, type Problem } from '../util/errors.js';
import { fullId, type Catalog } from '../catalog/define.js';
import { buildProjectSchema, type Config, type ResolvedProject, type ResolvedService } from './schema.js';
import { dotted, originOf, setAt, type RawAnswers } from './sources.js';
import { issueToProblem, oversized } from './issues.js';
import { fillDefaults } from './defaults.js';
import { evaluateRules, type Rule } from './rules.js';
import { LANGUAGE_TOOLING } from './languages.js';
import { buildGraph, type ServiceGraph } from '../graph/graph.js';

/** Answers that have a suggested default but must be given explicitly (or accepted with --yes). */
export const CONFIRM_KEYS: { key: string; flag: string }[] = [
  { key: 'project.name', flag: '--name NAME (or --set project.name=NAME)' },
  { key: 'services', flag: '--service NAME:LANGUAGE:PORT (repeatable, or services: in --answers FILE)' },
];

export function missingAnswers(raw: RawAnswers): Problem[] {
  return CONFIRM_KEYS.filter(({ key }) => {
    const v = key.split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), raw.data);
    return v === undefined || v === null || (Array.isArray(v) && v.length === 0);
  }).map(({ key, flag }) => ({ key, message: 'no answer given and no prompt possible (no TTY, or CI is set)', fix: `pass ${flag}, or --yes to accept the defaults` }));
}

export interface Resolved {
  config: Config;
  project: ResolvedProject;
  services: ResolvedService[];
  /** The service graph (calls, exposure, egress, subjects, data use), normalised. */
  graph: ServiceGraph;
  /** Full ids (`category/block`) of every selected block, in registry order. */
  selected: string[];
  warnings: Problem[];
  infos: Problem[];
}

/** Which block ids a config selects, in registry order. */
export function selectedBlocks(catalog: Catalog, config: Record<string, any>): string[] {
  const out: string[] = [];
  for (const b of catalog.blocks) {
    const cat = catalog.categories.find((c) => c.id === b.category)!;
    const slot = cat.slots.find((s) => s.key === b.slot);
    const v = config[b.category]?.[b.slot];
    if (slot && (v === b.id || (Array.isArray(v) && v.includes(b.id)))) out.push(fullId(b));
  }
  return out;
}

/** One problem per answer that made the rule fire (`rule.at`), else one for its first path. */
function ruleProblems(r: Rule, raw: RawAnswers, config: Config): Problem[] {
  const keys = r.at?.(config) ?? [];
  return (keys.length > 0 ? keys : [r.paths[0]!]).map((key) => ({ key, origin: originOf(raw, key.split('.')), message: `${r.message} [${r.id}]`, fix: r.fix, rule: r.id }));
}

/**
 * The image host: project.image.registry when given, else the host of the chosen registry block
 * (Harbor's `registry.harbor.host`), else ghcr.io. Left unset in cn-scaffold.yaml, it keeps following
 * the registry choice.
 */
function imageRegistry(config: Config): string {
  const registry = config.registry as { provider?: string; harbor?: { host?: string } } | undefined;
  if (config.project.image.registry) return config.project.image.registry;
  if (registry?.provider === 'harbor' && registry.harbor?.host) return registry.harbor.host;
  return 'ghcr.io';
}

/** Origin of an answer that a contextual default filled in. */
export const CONTEXTUAL_ORIGIN = 'default';

/**
 * Fills the unanswered slots and options whose default follows from other answers (src/config/defaults.ts),
 * on a copy; returns it with one note per default saying which answer it followed from.
 */
export function withContextualDefaults(raw: RawAnswers, catalog: Catalog): { raw: RawAnswers; notes: Problem[] } {
  const { contextual } = fillDefaults(raw.data, catalog);
  if (contextual.length === 0) return { raw, notes: [] };
  const out: RawAnswers = { data: structuredClone(raw.data), origins: new Map(raw.origins) };
  const notes: Problem[] = [];
  for (const d of contextual) {
    setAt(out, d.key.split('.'), d.value, `${CONTEXTUAL_ORIGIN} (${d.when})`);
    notes.push({ key: d.key, origin: `${CONTEXTUAL_ORIGIN} (${d.when})`, message: `${JSON.stringify(d.value)} by default, because ${d.when}: ${d.because}`, fix: `--set ${d.key}=<value> to choose otherwise`, rule: 'default' });
  }
  return { raw: out, notes };
}

export function resolveConfig(given: RawAnswers, catalog: Catalog, rules?: Rule[]): Resolved {
  const { raw, notes: defaultNotes } = withContextualDefaults(given, catalog);
  const schema = buildProjectSchema(catalog);
  // Before zod: its checks (patterns included) all run on every value, so a megabyte value is refused first.
  const tooLong = oversized(raw);
  if (tooLong.length > 0) throw new UserError('The answers are not valid:', tooLong);
  const parsed = schema.safeParse(raw.data, { reportInput: true });
  if (!parsed.success) {
    // One problem per key (a 300-character host breaks its length and its pattern): fixing the first
    // is what the user does next.
    const seen = new Set<string>();
    const problems = parsed.error.issues
      .flatMap((i) => issueToProblem(i, raw, schema, catalog))
      .filter((p) => !seen.has(p.key ?? '') && Boolean(seen.add(p.key ?? '')));
    throw new UserError('The answers are not valid:', problems);
  }
  const config = parsed.data as unknown as Config;
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const selected = selectedBlocks(catalog, config);
  for (const id of selected) {
    const b = catalog.blocks.find((x) => fullId(x) === id)!;
    const key = `${b.category}.${b.slot}`;
    const origin = originOf(raw, key.split('.'));
    if (b.status === 'archived') {
      problems.push({
        key,
        origin,
        message: `${b.title} is archived: ${b.statusNote}`,
        fix: b.successor ? `--set ${key}=${b.successor}` : `choose another ${b.slot}`,
      });
    } else if (b.status === 'legacy') {
      warnings.push({ key, origin, message: `${b.title} is legacy: ${b.statusNote}`, fix: b.successor ? `consider --set ${key}=${b.successor}` : undefined });
    }
  }
  const fired = evaluateRules(config, rules);
  problems.push(...fired.filter((r) => r.severity === 'error').flatMap((r) => ruleProblems(r, raw, config)));
  if (problems.length > 0) throw new UserError('These choices cannot be generated:', problems);
  warnings.push(...fired.filter((r) => r.severity === 'warning').flatMap((r) => ruleProblems(r, raw, config)));
  const infos = [...defaultNotes, ...fired.filter((r) => r.severity === 'info').flatMap((r) => ruleProblems(r, raw, config))];

  const p = config.project;
  const project: ResolvedProject = {
    name: p.name,
    namespace: p.namespace ?? p.name,
    kubernetesVersion: p.kubernetesVersion,
    image: { registry: imageRegistry(config), repository: p.image.repository ?? p.name },
  };
  const services: ResolvedService[] = config.services.map((s) => ({
    ...s,
    image: `${project.image.registry}/${project.image.repository}/${s.name}`,
    testCommand: LANGUAGE_TOOLING[s.language].test,
  }));
  const graph = buildGraph(services);
  // Call cycles are allowed (two services may well call each other) but worth knowing: a failure can
  // then travel round the loop, and startup must not wait on callees (the skeletons' readiness does not).
  for (const cycle of graph.cycles) {
    const first = config.services.findIndex((s) => s.name === cycle[0]);
    infos.push({ key: `services.${first}.calls`, origin: originOf(raw, ['services', first, 'calls']), message: `calls form a cycle: ${[...cycle, cycle[0]].join(' → ')} (allowed; keep timeouts short so a failure does not travel round it)` });
  }
  return { config, project, services, graph, selected, warnings, infos };
}
