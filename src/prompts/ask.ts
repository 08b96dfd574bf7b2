// Asking one slot or one block option, with the rules applied while choosing (choose.ts): each choice
// is judged before it is shown, and an answer that makes another one invalid re-asks that one at once.
// Archived and legacy blocks are shown with their status and reason everywhere: archived ones are
// selectable only when a successor is offered on the spot; legacy ones with a warning.
import type * as z from 'zod';
import { pickKey, type AnswerKey } from '../config/answer-keys.js';
import { defaultFor } from '../config/defaults.js';
import { UserError } from '../util/errors.js';
import { judge, reasonOf, type Verdict } from './choose.js';
import type { Choice } from './prompter.js';
import type { WalkState } from './state.js';
import { schemaCheck } from './validate.js';

const MAX_DEPTH = 6;

/** The pre-selected answer: the current one, else the (contextual) default. */
function preselected(state: WalkState, k: AnswerKey): unknown {
  return state.value(k.key) ?? defaultFor(k, state.filled()).value;
}

/** Shows why a choice would re-ask something, so the user knows before choosing. */
function note(state: WalkState, v: Verdict): string | undefined {
  if (v.reask.length === 0) return undefined;
  return `then asks again: ${v.reask.map((k) => state.keyOf(k)?.message ?? k).join('; ')} (${v.because.map((r) => r.id).join(', ')})`;
}

/** A select where every choice has been judged; throws when nothing can be chosen. */
async function judgedSelect(state: WalkState, k: AnswerKey, choices: Choice[], verdicts: Map<unknown, Verdict>, current: unknown, parse: (s: string) => unknown): Promise<unknown> {
  for (const c of choices) {
    const v = verdicts.get(parse(c.value));
    if (!v) continue;
    if (v.disabled && !c.disabled) c.disabled = `(${v.disabled})`;
    const n = note(state, v);
    if (n && !c.disabled) c.description = c.description ? `${c.description} — ${n}` : n;
  }
  const open = choices.filter((c) => !c.disabled);
  if (open.length === 0) {
    throw new UserError(`No choice fits the other answers for ${k.key}`, choices.map((c) => ({ key: k.key, message: `${c.value}: ${c.disabled}` })));
  }
  const dflt = open.find((c) => parse(c.value) === current)?.value ?? open.find((c) => !verdicts.get(parse(c.value))?.reask.length)?.value ?? open[0]!.value;
  return parse(await state.p.select({ message: k.message, choices, default: dflt }));
}

/** Records an answer, then re-asks what it invalidated (with this answer pinned). */
async function settle(state: WalkState, k: AnswerKey, value: unknown, verdict: Verdict | undefined, pinned: ReadonlySet<string>, depth: number): Promise<void> {
  state.answer(k.key, value);
  if (!verdict || verdict.reask.length === 0) return;
  const pin = new Set([...pinned, k.key]);
  for (const [i, other] of verdict.reask.entries()) {
    const r = verdict.because[i] ?? verdict.because[0]!;
    state.p.info(`  ${state.keyOf(other)?.message ?? other} — no longer fits: ${reasonOf(r)}`);
    await askKey(state, other, pin, depth + 1);
  }
}

async function askSlot(state: WalkState, k: AnswerKey, pinned: ReadonlySet<string>, depth: number): Promise<void> {
  const blocks = state.catalog.blocks.filter((b) => b.category === k.category && b.slot === k.slot.key);
  const verdicts = judge(state, k.key, k.values!, pinned);
  const choices: Choice[] = blocks.map((b) => {
    const status = b.status === 'stable' ? '' : ` (${b.status})`;
    const successor = blocks.find((x) => x.id === b.successor);
    // An archived block is refused; it stays visible, with why, and leads to its successor when there is one.
    const archived = b.status === 'archived' && !successor ? `(archived: ${b.statusNote})` : false;
    const description = b.status === 'stable' || b.status === 'preview' ? b.summary : `${b.status}: ${b.statusNote}${successor ? ` — ${successor.title} is offered instead` : ''}`;
    return { value: b.id, name: `${b.title}${status}`, description, disabled: archived };
  });
  if (k.slot.optional) choices.push({ value: 'none', name: 'None', description: `no ${k.slot.title.toLowerCase()}` });
  for (;;) {
    const value = String(await judgedSelect(state, k, choices, verdicts, preselected(state, k), String));
    const block = blocks.find((b) => b.id === value);
    if (block?.status === 'archived') {
      state.p.info(`${block.title} is archived: ${block.statusNote}.`);
      const successor = blocks.find((b) => b.id === block.successor)!;
      const ok = !verdicts.get(successor.id)?.disabled && (await state.p.confirm({ message: `Use ${successor.title} instead?`, default: true }));
      if (ok) return settle(state, k, successor.id, verdicts.get(successor.id), pinned, depth);
      continue;
    }
    if (block?.status === 'legacy') state.p.info(`Note: ${block.title} is legacy: ${block.statusNote}.`);
    return settle(state, k, k.slot.multiple ? [value] : value, verdicts.get(value), pinned, depth);
  }
}

async function askOption(state: WalkState, k: AnswerKey, pinned: ReadonlySet<string>, depth: number): Promise<void> {
  const q = k.question!;
  const current = preselected(state, k);
  if (k.values) {
    const verdicts = judge(state, k.key, k.values, pinned);
    const clear = k.values.every((v) => !verdicts.get(v)?.disabled && !verdicts.get(v)?.reask.length);
    if (k.type === 'boolean' && clear) return settle(state, k, await state.p.confirm({ message: q.message, default: Boolean(current) }), undefined, pinned, depth);
    const show = (v: unknown) => (k.type === 'boolean' ? (v ? 'yes' : 'no') : String(v));
    const choices: Choice[] = k.values.map((v) => ({ value: show(v), name: show(v), description: q.choices?.[String(v)] }));
    const parse = (s: string) => (k.type === 'boolean' ? s === 'yes' : s);
    const value = await judgedSelect(state, k, choices, verdicts, current, parse);
    return settle(state, k, value, verdicts.get(value), pinned, depth);
  }
  // Free text and numbers: the schema checks the form; the rules about this key check the value.
  const schema = k.schema as z.ZodType;
  const byRules = (v: unknown): true | string => judge(state, k.key, [v], pinned).get(v)?.disabled ?? true;
  if (k.type === 'number') {
    const v = await state.p.number({ message: q.message, default: current as number | undefined, validate: (x) => (schemaCheck(schema)(x) === true ? byRules(x) : (schemaCheck(schema)(x) as string)) });
    return settle(state, k, v, undefined, pinned, depth);
  }
  const optional = schema.safeParse(undefined).success && k.staticDefault === undefined;
  const v = await state.p.input({
    message: q.message + (optional ? ' (Enter: derived default)' : ''),
    default: current as string | undefined,
    validate: (x) => (optional && x === '' ? true : schemaCheck(schema)(x) === true ? byRules(x) : (schemaCheck(schema)(x) as string)),
  });
  // An optional answer left empty stays unset, so its derived default applies.
  if (optional && v === '') return;
  return settle(state, k, v, undefined, pinned, depth);
}

/** Asks one slot or option (again). */
export async function askKey(state: WalkState, key: string, pinned: ReadonlySet<string> = new Set(), depth = 0): Promise<void> {
  const k = state.keyOf(key);
  if (!k || depth > MAX_DEPTH) return;
  if (k.kind === 'slot') return askSlot(state, k, pinned, depth);
  if (k.question) return askOption(state, k, pinned, depth);
}

/** A slot offers a real choice: more than one value (archived blocks without a successor do not count). */
export function offersChoice(state: WalkState, k: AnswerKey): boolean {
  if (k.kind !== 'slot') return Boolean(k.question);
  const blocks = state.catalog.blocks.filter((b) => b.category === k.category && b.slot === k.slot.key && (b.status !== 'archived' || b.successor));
  return blocks.length + (k.slot.optional ? 1 : 0) > 1;
}

export { pickKey };
