// Every answer the catalog can ask — each slot and each block option — with what the walk, `list`, the
// JSON Schema and the defaults all need to know about it: its values, its static default, when it applies
// and the defaults that follow from other answers. Declared once (the slot in categories.ts, the option's
// question in its block file); read from here by everyone.
import type * as z from 'zod';
import type { AnswerScalar, AnyBlock, Applies, Catalog, Question, SlotDef } from '../catalog/define.js';

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

/** An applicability condition, compiled: the text that documents it and the test the walk runs. */
export interface Condition {
  text: string;
  test(answers: Record<string, any>): boolean;
}

export const pickKey = (o: unknown, key: string): unknown =>
  key.split('.').reduce<any>((x, k) => (x !== null && typeof x === 'object' && Object.hasOwn(x, k) ? x[k] : undefined), o);

const show = (v: AnswerScalar) => (v === null ? 'unset' : String(v));

/** Compiles a declared condition; bare keys are the block's own options (`prefix.<key>`). */
export function compileApplies(a: Applies, prefix: string): Condition {
  if (typeof (a as { test?: unknown }).test === 'function') return a as Condition;
  const entries = Object.entries(a as Record<string, AnswerScalar | readonly AnswerScalar[]>).map(([k, v]) => {
    const key = k.includes('.') ? k : `${prefix}.${k}`;
    const values: readonly AnswerScalar[] = Array.isArray(v) ? v : [v as AnswerScalar];
    return { key, values };
  });
  return {
    text: entries.map(({ key, values }) => `${key}=${values.map(show).join('|')}`).join(' and '),
    test: (answers) => entries.every(({ key, values }) => values.includes((pickKey(answers, key) ?? null) as AnswerScalar)),
  };
}

/** Both conditions (either may be absent). */
function both(a: Condition | undefined, b: Condition | undefined): Condition | undefined {
  if (!a || !b) return a ?? b;
  const group = (t: string) => (/ or |, /.test(t) ? `(${t})` : t);
  return { text: `${group(a.text)} and ${group(b.text)}`, test: (answers) => a.test(answers) && b.test(answers) };
}

export interface CompiledDefault {
  value: unknown;
  when: Condition;
  because: string;
}

export interface AnswerKey {
  /** Dotted key: `distribution.signer`, `registry.harbor.tls`. */
  key: string;
  kind: 'slot' | 'option';
  category: string;
  /** The slot (for a slot key, or the slot of the option's block). */
  slot: SlotDef;
  /** For options: the block and the option name. */
  block?: AnyBlock;
  option?: string;
  schema?: z.ZodType;
  /** The question (null or undefined: never asked). */
  question?: Question | null;
  message: string;
  /** Applicability beyond "the block is selected" (options) or "the slot has blocks" (slots). */
  when?: Condition;
  defaults: CompiledDefault[];
  staticDefault: unknown;
  type: string;
  /** The values a choice offers (slots: block ids and none; enums; booleans); undefined for free text. */
  values?: unknown[];
  description?: string;
}

const keysOf = new WeakMap<Catalog, AnswerKey[]>();

/** Every slot with registered blocks and every block option, in walk order (slot, then its blocks' options). */
export function answerKeys(catalog: Catalog): AnswerKey[] {
  let keys = keysOf.get(catalog);
  if (!keys) keysOf.set(catalog, (keys = computeKeys(catalog)));
  return keys;
}

function computeKeys(catalog: Catalog): AnswerKey[] {
  const out: AnswerKey[] = [];
  for (const cat of catalog.categories) {
    for (const slot of cat.slots) {
      const blocks = catalog.blocks.filter((b) => b.category === cat.id && b.slot === slot.key);
      if (blocks.length === 0) continue;
      const key = `${cat.id}.${slot.key}`;
      const slotWhen = slot.when ? compileApplies(slot.when, cat.id) : undefined;
      out.push({
        key,
        kind: 'slot',
        category: cat.id,
        slot,
        message: slot.question,
        when: slotWhen,
        defaults: (slot.defaults ?? []).map((d) => ({ value: d.value, because: d.because, when: compileApplies(d.when, cat.id) })),
        staticDefault: slot.default,
        type: 'slot',
        values: [...blocks.map((b) => b.id), ...(slot.optional ? ['none'] : [])],
        description: slot.title,
      });
      for (const b of blocks) {
        const prefix = `${cat.id}.${b.id}`;
        for (const [option, schema] of Object.entries(b.options.shape)) {
          const question = (b.questions as Record<string, Question | null>)[option];
          const d = describeOption(schema as z.ZodType);
          out.push({
            key: `${prefix}.${option}`,
            kind: 'option',
            category: cat.id,
            slot,
            block: b,
            option,
            schema: schema as z.ZodType,
            question,
            message: question?.message ?? option,
            // A block's options matter only where its slot does (a data store's options without a service that uses it).
            when: both(slotWhen, question?.when ? compileApplies(question.when, prefix) : undefined),
            defaults: (question?.defaults ?? []).map((x) => ({ value: x.value, because: x.because, when: compileApplies(x.when, prefix) })),
            staticDefault: d.default,
            type: d.type,
            values: d.type === 'boolean' ? [true, false] : d.values,
            description: d.description,
          });
        }
      }
    }
  }
  return out;
}

/** Whether the block of an option key is selected in the answers. */
export function blockSelected(k: AnswerKey, answers: Record<string, any>): boolean {
  if (!k.block) return true;
  const v = pickKey(answers, `${k.category}.${k.slot.key}`);
  return v === k.block.id || (Array.isArray(v) && v.includes(k.block.id));
}

/** Whether a key matters for these (default-filled) answers: its block is selected and its condition holds. */
export function applies(k: AnswerKey, answers: Record<string, any>): boolean {
  return blockSelected(k, answers) && (k.when ? k.when.test(answers) : true);
}

/** One line for `list`, the JSON Schema and the docs: when it applies and which defaults follow from what. */
export function applicabilityText(k: AnswerKey): string {
  const parts: string[] = [];
  if (k.when) parts.push(`Applies when ${k.when.text}.`);
  for (const d of k.defaults) parts.push(`Default ${JSON.stringify(d.value)} when ${d.when.text} (${d.because}).`);
  return parts.join(' ');
}
