// The combination set, derived from the catalog and the rules table the CLI uses — never listed by
// hand, so a new block or rule joins the matrix with no test change.
//   - dimensions: every slot with registered blocks (+ 'none' when optional) and the Kubernetes version
//   - pairwise coverage of those dimensions (greedy AETG-style, seeded, deterministic), valid rows only
//   - every option value of every block, in a row where that block is selected
//   - all-defaults, "everything enabled", and a multi-service mixed-language project
//   - for every error rule and every archived block: a row that triggers it (expected to be rejected)
import type { z } from 'zod';
import { catalog } from '../../src/catalog/registry.js';
import { evaluateRules as evaluateOn, RULES, type Rule } from '../../src/config/rules.js';
import { fillDefaults } from '../../src/config/defaults.js';
import { DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSIONS, LANGUAGES, PROTOCOLS } from '../../src/config/schema.js';
import { describeOption } from '../../src/prompts/walk.js';
import { emptyAnswers, setAt, type RawAnswers } from '../../src/config/sources.js';

export type Row = Record<string, unknown>; // dotted key → value

export interface Dimension {
  key: string;
  values: unknown[];
}

export function dimensions(): Dimension[] {
  const dims: Dimension[] = [{ key: 'project.kubernetesVersion', values: [...KUBERNETES_VERSIONS] }];
  for (const cat of catalog.categories) {
    for (const slot of cat.slots) {
      const ids = catalog.blocks.filter((b) => b.category === cat.id && b.slot === slot.key).map((b) => b.id);
      if (ids.length === 0) continue;
      dims.push({ key: `${cat.id}.${slot.key}`, values: slot.optional ? [...ids, 'none'] : ids });
    }
  }
  return dims;
}

/** Option dimensions: block id → its options with their possible values. */
export function optionValues(): { block: string; key: string; values: unknown[] }[] {
  const out: { block: string; key: string; values: unknown[] }[] = [];
  for (const b of catalog.blocks) {
    for (const [k, schema] of Object.entries(b.options.shape)) {
      const d = describeOption(schema as z.ZodType);
      const values = d.type === 'boolean' ? [true, false] : d.type === 'enum' ? d.values! : [];
      if (values.length) out.push({ block: `${b.category}.${b.slot}=${b.id}`, key: `${b.category}.${b.id}.${k}`, values });
    }
  }
  return out;
}

/** The rules on a row as validation sees it: unanswered keys take their (contextual) defaults. */
const evaluateRules = (config: Record<string, any>, rules?: Rule[]) => evaluateOn(fillDefaults(config, catalog).answers, rules);

function toConfig(row: Row, services?: Record<string, unknown>[]): Record<string, any> {
  const raw = emptyAnswers();
  if (services) setAt(raw, ['services'], services, 'matrix');
  for (const [k, v] of Object.entries(row)) setAt(raw, k.split('.'), v, 'matrix');
  return raw.data;
}

/** Why a row cannot be generated (an error rule or an archived block), or undefined when it can. */
export function rejection(row: Row): string | undefined {
  for (const [k, v] of Object.entries(row)) {
    const [cat, slot] = k.split('.');
    const b = catalog.blocks.find((x) => x.category === cat && x.slot === slot && x.id === v);
    if (b?.status === 'archived') return `${b.title} is archived`;
  }
  // Valid for every language rotation the combinations may give its services (rules may depend on it).
  for (let k = 0; k < LANGUAGES.length; k++) {
    const fired = evaluateRules(toConfig(row, services(k, 2, row)) as never).filter((r) => r.severity === 'error');
    if (fired.length) return fired[0]!.message;
  }
  return undefined;
}

/**
 * Makes a row valid by re-choosing values it was not asked to keep: random local search over the
 * slots and block options, deterministic for a given random source. Undefined when none was found.
 */
export function repair(row: Row, keep: string[], rand: () => number, tries = 400): Row | undefined {
  if (!rejection(row)) return row;
  const dims = dimensions().filter((d) => !keep.includes(d.key));
  const opts = optionValues().filter((o) => !keep.includes(o.key));
  let cur = { ...row };
  for (let t = 0; t < tries; t++) {
    const next = { ...cur };
    const pool = rand() < 0.6 || opts.length === 0 ? dims : opts;
    if (pool.length === 0) return undefined;
    const d = pool[Math.floor(rand() * pool.length)]!;
    next[d.key] = d.values[Math.floor(rand() * d.values.length)];
    if (!rejection(next)) return next;
    // Keep the move with some probability so the search can cross invalid plateaus.
    if (rand() < 0.3) cur = next;
  }
  return undefined;
}

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const pairKey = (a: string, av: unknown, b: string, bv: unknown) => `${a}=${String(av)}|${b}=${String(bv)}`;

export function pairwise(dims: Dimension[], seed = 42): { rows: Row[]; uncovered: string[] } {
  const rand = prng(seed);
  const uncovered = new Set<string>();
  for (let i = 0; i < dims.length; i++)
    for (let j = i + 1; j < dims.length; j++)
      for (const a of dims[i]!.values) for (const b of dims[j]!.values) uncovered.add(pairKey(dims[i]!.key, a, dims[j]!.key, b));
  const gain = (row: Row) => {
    let g = 0;
    for (let i = 0; i < dims.length; i++)
      for (let j = i + 1; j < dims.length; j++) if (uncovered.has(pairKey(dims[i]!.key, row[dims[i]!.key], dims[j]!.key, row[dims[j]!.key]))) g++;
    return g;
  };
  const rows: Row[] = [];
  for (let stale = 0; uncovered.size > 0 && stale < 25 && rows.length < 200; ) {
    let best: Row | undefined;
    let bestGain = 0;
    for (let c = 0; c < 40; c++) {
      // Seed the candidate with one uncovered pair, fill the rest greedily with random tie-breaks.
      const [first] = [...uncovered].slice(Math.floor(rand() * uncovered.size), Math.floor(rand() * uncovered.size) + 1);
      const row: Row = {};
      if (first) for (const part of first.split('|')) { const [k, v] = part.split('=') as [string, string]; row[k] = dims.find((d) => d.key === k)!.values.find((x) => String(x) === v); }
      for (const d of [...dims].sort(() => rand() - 0.5)) {
        if (d.key in row) continue;
        let bestV = d.values[0];
        let bestG = -1;
        for (const v of [...d.values].sort(() => rand() - 0.5)) {
          const g = gain({ ...row, [d.key]: v });
          if (g > bestG) [bestV, bestG] = [v, g];
        }
        row[d.key] = bestV;
      }
      const fixed = first ? first.split('|').map((part) => part.split('=')[0]!) : [];
      const valid = repair(row, fixed, rand, 150);
      if (!valid) continue;
      const g = gain(valid);
      if (g > bestGain) [best, bestGain] = [valid, g];
    }
    if (!best) {
      stale++;
      continue;
    }
    rows.push(best);
    for (let i = 0; i < dims.length; i++)
      for (let j = i + 1; j < dims.length; j++) uncovered.delete(pairKey(dims[i]!.key, best[dims[i]!.key], dims[j]!.key, best[dims[j]!.key]));
  }
  return { rows, uncovered: [...uncovered] };
}

/** The value a row gives a slot or option, else its default. */
const valueIn = (row: Row, key: string) => (key in row ? row[key] : key.split('.').length === 3 ? optionDefault(key) : defaultOf(key));
const offered = (key: string) => {
  const v = defaultOf(key);
  return v !== undefined && v !== 'none';
};
const chosen = (row: Row, key: string) => {
  const [cat, slot] = key.split('.');
  const v = valueIn(row, key);
  return v !== undefined && v !== 'none' && catalog.blocks.some((b) => b.category === cat && b.slot === slot && b.id === v);
};

/**
 * n services in rotating languages and protocols, with a service graph that fits the row: a chain of
 * calls, egress to a DNS name and a CIDR, and (when the row has the block for it) an exposed service,
 * NATS subjects and data use. `full`: every kind of edge, to trigger the rules about them.
 */
function services(i: number, n: number, row: Row, full = false): Record<string, any>[] {
  const list: Record<string, any>[] = Array.from({ length: n }, (_, k) => ({
    name: `svc-${k}`,
    language: LANGUAGES[(i + k) % LANGUAGES.length],
    protocol: PROTOCOLS[(i + k) % PROTOCOLS.length],
    port: 8080 + k,
    replicas: (i + k) % 3 === 0 ? 1 : 2,
  }));
  for (let k = 0; k + 1 < n; k++) list[k]!.calls = [`svc-${k + 1}`];
  const last = list[n - 1]!;
  last.egress = [{ host: 'api.example.com', port: 443 }, { host: '203.0.113.0/24', port: 5432 }];
  if (full || (offered('discovery.gateway') && chosen(row, 'discovery.gateway'))) list[0]!.expose = true;
  if (full || chosen(row, 'messaging.pubsub')) {
    list[0]!.publishes = ['orders.created', 'quotes.get'];
    // Durable (a JetStream consumer) when JetStream is on, else a queue group; `full` adds the durable
    // subscriptions the rules refuse (without JetStream, or with a wildcard first token).
    const durable = full || valueIn(row, 'messaging.nats.jetstream') !== false;
    last.subscribes = [{ subject: 'orders.created', ...(durable ? { durable: true } : { queue: last.name }) }, ...(full ? [{ subject: '*.created', durable: true }] : [])];
    last.responds = ['quotes.get'];
  }
  const uses = (s: Record<string, any>, kind: string) => (s.uses = [...(s.uses ?? []), kind]);
  if (full || chosen(row, 'storage.sql')) uses(list[0]!, 'sql');
  if (full || chosen(row, 'storage.kv')) {
    // Only Go has a maintained TiKV client (rule CN-DATA-06): a fitting graph gives kv to a Go service;
    // the full graph also to the first one (node), which triggers the rule.
    if (valueIn(row, 'storage.kv') === 'tikv') {
      last.language = 'go';
      if (full) uses(list[0]!, 'kv');
    }
    uses(last, 'kv');
  }
  if (full || valueIn(row, 'storage.volumes') === 'rook-ceph') uses(list[0]!, 'objects');
  return list;
}

export interface Combination {
  name: string;
  row: Row;
  raw: RawAnswers;
}

/** Answers for a row: n services whose graph fits the row (see services()). */
export function combination(name: string, row: Row, i: number, n = 2, graph: 'fit' | 'none' | 'full' = 'fit'): Combination {
  const raw = emptyAnswers();
  setAt(raw, ['project', 'name'], 'matrix', 'matrix');
  const list = graph === 'none' ? services(i, n, {}).map(({ calls, egress, ...s }) => s) : services(i, n, row, graph === 'full');
  setAt(raw, ['services'], list, 'matrix');
  for (const [k, v] of Object.entries(row)) setAt(raw, k.split('.'), v, `matrix ${k}`);
  return { name, row, raw };
}

export interface Matrix {
  valid: Combination[];
  invalid: (Combination & { expected: string })[];
  uncoveredPairs: string[];
  /** Values of a dimension or option that no valid combination could contain, with the reason. */
  unreachable: string[];
}

export function buildMatrix(): Matrix {
  const dims = dimensions();
  const { rows, uncovered } = pairwise(dims);
  const valid: Combination[] = [];
  valid.push(combination('all-defaults', {}, 0, 1, 'none'));
  valid.push(combination('mixed-languages', {}, 0, 4));
  // Everything enabled: every optional slot on its first block, every boolean option on.
  const everything: Row = {};
  for (const d of dims) if (d.key !== 'project.kubernetesVersion') everything[d.key] = d.values.find((v) => v !== 'none' && !rejection({ ...everything, [d.key]: v })) ?? d.values[0];
  for (const o of optionValues()) {
    const [slot, id] = o.block.split('=') as [string, string];
    if (everything[slot] === id && o.values.includes(true) && !rejection({ ...everything, [o.key]: true })) everything[o.key] = true;
  }
  valid.push(combination('everything-enabled', everything, 1, 3));
  rows.forEach((r, i) => valid.push(combination(`pairwise-${String(i + 1).padStart(2, '0')}`, r, i)));

  // Every option value where its block is selected.
  const unreachable: string[] = [];
  const rand = prng(7);
  for (const o of optionValues()) {
    const [slot, id] = o.block.split('=') as [string, string];
    for (const v of o.values) {
      if (valid.some((c) => (c.row[slot] === id || (!(slot in c.row) && defaultOf(slot) === id)) && (c.row[o.key] ?? optionDefault(o.key)) === v)) continue;
      const host = valid.find((c) => c.row[slot] === id) ?? { row: {} as Row };
      const wanted = { ...host.row, [slot]: id, [o.key]: v };
      const row = repair(wanted, [slot, o.key], rand);
      if (row) valid.push(combination(`option-${o.key}=${String(v)}`, row, valid.length));
      else unreachable.push(`${o.key}=${String(v)}: ${rejection(wanted)}`);
    }
  }
  // Every slot value in at least one valid row (pairwise implies it unless a rule forbids it).
  for (const d of dims) {
    for (const v of d.values) {
      if (valid.some((c) => (c.row[d.key] ?? defaultOf(d.key)) === v)) continue;
      const row = repair({ [d.key]: v }, [d.key], rand);
      if (row) valid.push(combination(`value-${d.key}=${String(v)}`, row, valid.length));
      else unreachable.push(`${d.key}=${String(v)}: ${rejection({ [d.key]: v }) ?? 'no valid combination found'}`);
    }
  }

  // Rejections: each error rule and each archived block, in a combination that triggers it.
  const invalid: (Combination & { expected: string })[] = [];

  // Progressive delivery through the traffic layer: every controller × mesh/gateway × their enum options
  // (strategy, data plane), each once; the rules decide which are valid (CR-34: a Flagger canary needs a mesh
  // or Envoy Gateway) and a rejected one must be refused with its rule's message.
  for (const row of trafficRows()) {
    const covered = (c: Combination) => Object.entries(row).every(([k, v]) => (c.row[k] ?? (k.split('.').length === 3 ? optionDefault(k) : defaultOf(k))) === v);
    if (valid.some(covered)) continue;
    const name = `traffic-${Object.values(row).join('-')}`;
    const why = rejection(row);
    if (!why) valid.push(combination(name, row, valid.length));
    else if (!Object.entries(row).some(([k, v]) => catalog.blocks.some((b) => `${b.category}.${b.slot}` === k && b.id === v && b.status === 'archived'))) invalid.push({ ...combination(name, row, 0), expected: why });
  }
  for (const b of catalog.blocks.filter((x) => x.status === 'archived')) {
    invalid.push({ ...combination(`archived-${b.id}`, { [`${b.category}.${b.slot}`]: b.id }, 0), expected: `${b.title} is archived` });
  }
  for (const rule of RULES.filter((r) => r.severity === 'error')) {
    let found: Row | undefined;
    for (let t = 0; t < 3000 && !found; t++) {
      const row: Row = {};
      for (const d of dims) row[d.key] = d.values[Math.floor(rand() * d.values.length)];
      for (const o of optionValues()) if (rand() < 0.5) row[o.key] = o.values[Math.floor(rand() * o.values.length)];
      if (evaluateRules(toConfig(row, services(0, 2, row, true)) as never, [rule]).length && !Object.entries(row).some(([k, v]) => catalog.blocks.some((b) => `${b.category}.${b.slot}` === k && b.id === v && b.status === 'archived'))) found = row;
    }
    if (found) invalid.push({ ...combination(`rule-${rule.id}`, found, 0, 2, 'full'), expected: rule.message });
    else unreachable.push(`rule ${rule.id} could not be triggered from slot/option choices`);
  }
  return { valid, invalid, uncoveredPairs: uncovered, unreachable };
}

/** The slots whose blocks shift traffic (progressive delivery, mesh, gateway), crossed with their blocks' asked enum options. */
export function trafficRows(): Row[] {
  const slots = ['cicd.controller', 'discovery.mesh', 'discovery.gateway'];
  const dims = dimensions().filter((d) => slots.includes(d.key));
  let rows: Row[] = [{}];
  for (const d of dims) {
    rows = rows.flatMap((r) =>
      d.values.flatMap((v) => {
        const [cat, slot] = d.key.split('.');
        const block = catalog.blocks.find((b) => b.category === cat && b.slot === slot && b.id === v);
        let variants: Row[] = [{ ...r, [d.key]: v }];
        // Choices the walk asks (strategy, data plane), not the tuning options it leaves to --set.
        const asked = (key: string) => block !== undefined && (block.questions as Record<string, unknown>)[key.split('.')[2]!] != null;
        for (const o of optionValues().filter((x) => block && x.block === `${d.key}=${v}` && typeof x.values[0] === 'string' && asked(x.key))) {
          variants = variants.flatMap((x) => o.values.map((ov) => ({ ...x, [o.key]: ov })));
        }
        return variants;
      }),
    );
  }
  return rows;
}

function defaultOf(key: string): unknown {
  const [cat, slot] = key.split('.');
  if (key === 'project.kubernetesVersion') return DEFAULT_KUBERNETES_VERSION;
  return catalog.categories.find((c) => c.id === cat)?.slots.find((s) => s.key === slot)?.default;
}
function optionDefault(key: string): unknown {
  const [cat, id, opt] = key.split('.') as [string, string, string];
  const b = catalog.blocks.find((x) => x.category === cat && x.id === id);
  return b ? describeOption(b.options.shape[opt] as z.ZodType).default : undefined;
}
