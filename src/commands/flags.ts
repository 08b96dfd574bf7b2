// The answer flags shared by init, regenerate and set: project flags, one flag per category slot
// (generated from the catalog), --set, --service and --answers. Commands register and read them here,
// so a flag is declared once.
import type { Catalog } from '../catalog/define.js';
import { applySet, emptyAnswers, overlay, parseServiceSpec, readAnswersFile, readAnswersText, setAt, type RawAnswers } from '../config/sources.js';
import { UserError } from '../util/errors.js';
import { writeErr } from '../util/output.js';

export interface AnswerFlag {
  flag: string;
  /** commander's attribute name for the flag. */
  attr: string;
  /** Dotted answer key it sets. */
  key: string;
  description: string;
  numeric?: boolean;
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

// Computed once per catalog: init, regenerate and set each register them, and collectAnswers reads them.
const flagsOf = new WeakMap<Catalog, AnswerFlag[]>();

export function answerFlags(catalog: Catalog): AnswerFlag[] {
  let flags = flagsOf.get(catalog);
  if (!flags) flagsOf.set(catalog, (flags = computeAnswerFlags(catalog)));
  return flags;
}

function computeAnswerFlags(catalog: Catalog): AnswerFlag[] {
  const flags: AnswerFlag[] = [
    { flag: 'name', attr: 'name', key: 'project.name', description: 'project name (a DNS label)' },
    { flag: 'namespace', attr: 'namespace', key: 'project.namespace', description: 'Kubernetes namespace (default: the project name)' },
    { flag: 'image-registry', attr: 'imageRegistry', key: 'project.image.registry', description: 'image registry host, e.g. ghcr.io' },
    { flag: 'image-repository', attr: 'imageRepository', key: 'project.image.repository', description: 'image repository path, e.g. acme/shop' },
    { flag: 'kubernetes-version', attr: 'kubernetesVersion', key: 'project.kubernetesVersion', description: 'target Kubernetes minor, e.g. 1.34' },
  ];
  for (const cat of catalog.categories) {
    cat.slots.forEach((slot, i) => {
      const ids = catalog.blocks.filter((b) => b.category === cat.id && b.slot === slot.key).map((b) => b.id);
      if (ids.length === 0) return;
      const values = [...ids, ...(slot.optional ? ['none'] : [])].join('|');
      const name = i === 0 ? cat.id : `${cat.id}-${slot.key}`;
      // A category flag never shadows a project flag: the slot keeps only its --<category>-<slot> form then.
      const taken = flags.some((f) => f.flag === name);
      if (!taken) flags.push({ flag: name, attr: camel(name), key: `${cat.id}.${slot.key}`, description: `${slot.title}: ${values}` });
      if (i === 0) flags.push({ flag: `${cat.id}-${slot.key}`, attr: camel(`${cat.id}-${slot.key}`), key: `${cat.id}.${slot.key}`, description: taken ? `${slot.title}: ${values}` : `same as --${cat.id}` });
    });
  }
  return flags;
}

export interface AnswerOptions {
  answers?: string;
  set?: string[];
  service?: string[];
  [attr: string]: unknown;
}

/** Builds the raw answers: base (cn-scaffold.yaml when regenerating) < --answers < flags < --set. */
export async function collectAnswers(opts: AnswerOptions, catalog: Catalog, base: RawAnswers = emptyAnswers()): Promise<RawAnswers> {
  let raw = base;
  if (opts.answers) {
    const text = readAnswersFile(opts.answers);
    if (text === undefined) {
      throw new UserError(`Cannot read the answers file ${opts.answers}`, [{ origin: `--answers ${opts.answers}`, message: 'no such file', fix: 'check the path' }]);
    }
    // Older answers formats are upgraded (with a message) before they are overlaid.
    const { migrateAnswers } = await import('../config/migrate.js');
    const migrated = migrateAnswers(readAnswersText(text, opts.answers), opts.answers);
    for (const m of migrated.messages) writeErr(m + '\n');
    raw = overlay(raw, migrated.raw);
  }
  const flagged = emptyAnswers();
  for (const f of answerFlags(catalog)) {
    const v = opts[f.attr];
    if (typeof v === 'string') setAt(flagged, f.key.split('.'), v, `--${f.flag} ${v}`);
  }
  if (opts.service && opts.service.length > 0) {
    setAt(flagged, ['services'], [], `--service`);
    opts.service.forEach((spec, i) => setAt(flagged, ['services', i], parseServiceSpec(spec), `--service ${spec}`));
  }
  raw = overlay(raw, flagged);
  const sets = emptyAnswers();
  sets.data = structuredClone(raw.data);
  sets.origins = new Map(raw.origins);
  for (const expr of opts.set ?? []) applySet(sets, expr);
  return sets;
}
