// Defaults that fit the choices. A slot or option left unanswered takes the first of its contextual
// defaults that applies (declared next to it: Tekton → cosign key mode, Harbor on a VM → TLS from files,
// Notary v1 → Harbor 2.8), else its static default. The same function serves the walk (the pre-selected
// answer of each question, and the answers rules and conditions are evaluated on), `--yes` and answers
// files (resolveConfig records the contextual ones with a note saying which default followed from what).
import type { Catalog } from '../catalog/define.js';
import { answerKeys, blockSelected, pickKey, type AnswerKey } from './answer-keys.js';
import { DEFAULT_KUBERNETES_VERSION } from './rules/define.js';

export interface AppliedDefault {
  key: string;
  value: unknown;
  /** The condition that chose it, e.g. `cicd.provider=tekton`. */
  when: string;
  because: string;
}

export interface Filled {
  /** A copy of the answers with every unanswered slot and option of the selected blocks filled in. */
  answers: Record<string, any>;
  /** The defaults that followed from other answers (differing from the static default). */
  contextual: AppliedDefault[];
}

const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Sets a dotted key, creating objects; refuses to go through a non-object (validation reports that). */
function put(o: Record<string, any>, key: string, value: unknown): boolean {
  const parts = key.split('.');
  let cur = o;
  for (const p of parts.slice(0, -1)) {
    if (cur[p] === undefined && value === undefined) return false;
    if (cur[p] === undefined) cur[p] = {};
    if (!isObject(cur[p])) return false;
    cur = cur[p];
  }
  if (value === undefined) delete cur[parts.at(-1)!];
  else cur[parts.at(-1)!] = value;
  return true;
}

/** Service fields the rules read, with the schema's defaults (ServiceSchema). */
const SERVICE_DEFAULTS = { language: 'node', protocol: 'http', replicas: 2 } as const;

/**
 * The answers with every default filled in, contextual ones first. Iterated to a fixpoint because a
 * contextual default may follow from another (Notary v1 → Harbor 2.8 → a Harbor 2.8 expose type).
 */
export function fillDefaults(data: Record<string, unknown>, catalog: Catalog): Filled {
  const answers = structuredClone(data) as Record<string, any>;
  if (isObject(answers.project) && answers.project.kubernetesVersion === undefined) answers.project.kubernetesVersion = DEFAULT_KUBERNETES_VERSION;
  if (Array.isArray(answers.services)) {
    answers.services = answers.services.map((s: unknown) => (isObject(s) ? { ...SERVICE_DEFAULTS, ...s } : s));
  }
  const keys = answerKeys(catalog);
  const contextual = new Map<string, AppliedDefault | undefined>();
  for (let pass = 0; pass < 8; pass++) {
    let changed = false;
    for (const k of keys) {
      if (pickKey(data, k.key) !== undefined) continue;
      const { value, chosen } = defaultFor(k, answers);
      if (!same(pickKey(answers, k.key), value) && put(answers, k.key, value)) changed = true;
      contextual.set(k.key, chosen && !same(chosen.value, k.staticDefault) ? { key: k.key, value: chosen.value, when: chosen.when.text, because: chosen.because } : undefined);
    }
    if (!changed) break;
  }
  return { answers, contextual: [...contextual.values()].filter((d): d is AppliedDefault => d !== undefined && pickKey(answers, d.key) !== undefined) };
}

/** The default of one key for these (filled) answers: undefined for an option of a block not selected. */
export function defaultFor(k: AnswerKey, answers: Record<string, any>): { value: unknown; chosen?: AnswerKey['defaults'][number] } {
  if (!blockSelected(k, answers)) return { value: undefined };
  const chosen = k.defaults.find((d) => d.when.test(answers));
  return { value: chosen ? chosen.value : k.staticDefault, chosen };
}
