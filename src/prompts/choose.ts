// Rules applied while choosing. For each value a question offers, the rules table is evaluated on the
// answers as they would be with that value (every other answer filled with its default, contextual ones
// included). A rule that this value decides (it fires with the value and not with another) either
//   - can be cured by changing another answer the walk owns (asked already, or still to come): the value
//     stays selectable and choosing it re-asks that answer at once, with the clashing choices disabled; or
//   - cannot (the other answers came from flags, --set or a file, or were just chosen): the value is
//     shown disabled with the rule's reason before it can be picked.
import { evaluateRules, type Rule } from '../config/rules.js';
import type { WalkState } from './state.js';

export interface Verdict {
  /** Why the value cannot be chosen (rule message and id). */
  disabled?: string;
  /** Earlier (or later) answers that choosing the value makes invalid: asked again right after. */
  reask: string[];
  /** The rules behind `reask`, for the message shown when re-asking. */
  because: Rule[];
}

/** Error rules that fire on these answers, defaults filled in. */
export const errorsFor = (state: WalkState, data: Record<string, unknown>): Rule[] => evaluateRules(state.filled(data)).filter((r) => r.severity === 'error');

/**
 * Keys a rule is about that the walk may still change (not pinned, not given outside the walk). Never
 * the slot that selects the asked option's own block: an option does not send the user back to
 * un-choose its block (Flagger's canary is disabled without a mesh; it does not re-ask the controller).
 */
function curable(state: WalkState, rule: Rule, key: string, pinned: ReadonlySet<string>): string[] {
  const k = state.keyOf(key);
  const owner = k?.kind === 'option' ? `${k.category}.${k.slot.key}` : undefined;
  return rule.paths.filter((p) => p !== key && p !== owner && !pinned.has(p) && !state.fixed(p) && state.keyOf(p)?.values !== undefined);
}

export const reasonOf = (r: Rule) => `${r.message} [${r.id}]`;

/**
 * Judges each value of `key`. `values` lists every value the question offers (one value for free
 * text: its rules are then those about `key`).
 */
export function judge(state: WalkState, key: string, values: unknown[], pinned: ReadonlySet<string> = new Set()): Map<unknown, Verdict> {
  const fired = new Map(values.map((v) => [v, errorsFor(state, state.withAnswer(key, v))]));
  const out = new Map<unknown, Verdict>();
  for (const v of values) {
    const mine = fired.get(v)!.filter((r) => (values.length > 1 ? values.some((w) => !fired.get(w)!.includes(r)) : r.paths.includes(key)));
    const verdict: Verdict = { reask: [], because: [] };
    for (const r of mine) {
      const cure = curable(state, r, key, pinned).find((k) =>
        state.keyOf(k)!.values!.some((w) => !errorsFor(state, state.withAnswer(key, v, [[k, w]])).includes(r)),
      );
      if (cure === undefined) {
        verdict.disabled = reasonOf(r);
        break;
      }
      if (!verdict.reask.includes(cure)) verdict.reask.push(cure);
      verdict.because.push(r);
    }
    out.set(v, verdict);
  }
  return out;
}

/** Error rules that fire on the current answers (defaults filled in). */
export function currentErrors(state: WalkState): Rule[] {
  return errorsFor(state, state.raw.data);
}
