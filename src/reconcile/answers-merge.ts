// The structural merge of cn-scaffold.yaml. A line-based merge is the wrong tool for the answers
// file: the user edits it by hand (a value, an inline comment on the same line) and the new render
// derives from that very edit, so lines would "conflict" while the data agrees. Instead we patch the
// user's YAML document (comments, key order and flow style survive) with the data-level difference:
//
//   for every answer path:  theirs == yours                  → nothing to do
//                           theirs == base and not overridden → the user's wording stands (e.g. an
//                                                              omitted default stays omitted)
//                           otherwise                         → set to theirs (a flag/--set change,
//                                                              a derived section, a migration)
//
// Keys the user added that the render does not know (and the base did not have) are left alone.
// The caller verifies the result reads back to the same answers, or falls back to the line merge.
import { isMap, isScalar, isSeq, parse, parseDocument, type Document, type Node } from 'yaml';
import { isDeepStrictEqual } from 'node:util';
import type { MergeOutcome } from './merge.js';

export type AnswerPath = (string | number)[];

export interface AnswersMergeOptions {
  /** True when the value at this path was set on the command line (flags, --set, --answers). */
  overridden?: (path: AnswerPath) => boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergeAnswersYaml(yours: string, base: string | undefined, theirs: string, opts: AnswersMergeOptions = {}): MergeOutcome | undefined {
  const doc = parseDocument(yours, { keepSourceTokens: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  let theirsData: unknown;
  let baseData: unknown;
  try {
    theirsData = parse(theirs);
    baseData = base === undefined ? doc.toJS() : parse(base);
  } catch {
    return undefined;
  }
  const overridden = opts.overridden ?? (() => false);
  let changed = false;

  const setNode = (path: AnswerPath, value: unknown) => {
    changed = true;
    const existing = doc.getIn(path, true) as Node | undefined;
    // Keep the scalar node (and so its comments) when only its value changes.
    if (isScalar(existing) && (value === null || typeof value !== 'object')) existing.value = value;
    else doc.setIn(path, doc.createNode(value));
  };

  const patch = (path: AnswerPath, y: unknown, b: unknown, t: unknown): void => {
    if (isDeepStrictEqual(y, t)) return;
    if (isObject(y) && isObject(t)) {
      const map = (path.length === 0 ? doc.contents : doc.getIn(path, true)) as Node;
      if (!isMap(map)) return setNode(path, t);
      const bo = isObject(b) ? b : {};
      const tKeys = Object.keys(t);
      tKeys.forEach((k, i) => {
        if (k in y) return patch([...path, k], y[k], bo[k], t[k]);
        if (isDeepStrictEqual(bo[k], t[k]) && !overridden([...path, k])) return; // omitted by the user on purpose
        changed = true;
        // Insert where the render puts it: before the next key (in render order) the user has.
        const next = tKeys.slice(i + 1).find((n) => n in y);
        const at = next === undefined ? -1 : map.items.findIndex((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === next);
        const pair = doc.createPair(k, t[k]);
        if (at < 0) map.items.push(pair);
        else map.items.splice(at, 0, pair);
      });
      for (const k of Object.keys(y)) {
        if (k in t) continue;
        // Gone from the render: remove it when the render used to have it (a deselected block's
        // options, a migrated key); a key only the user ever wrote stays.
        if (k in bo || overridden([...path, k])) {
          changed = true;
          doc.deleteIn([...path, k]);
        }
      }
      return;
    }
    if (Array.isArray(y) && Array.isArray(t)) {
      const seq = doc.getIn(path, true) as Node;
      if (!isSeq(seq)) return setNode(path, t);
      const bo = Array.isArray(b) ? b : [];
      const common = Math.min(y.length, t.length);
      for (let i = 0; i < common; i++) patch([...path, i], y[i], bo[i], t[i]);
      for (let i = y.length; i < t.length; i++) {
        changed = true;
        seq.items.push(doc.createNode(t[i]));
      }
      if (y.length > t.length) {
        changed = true;
        seq.items.splice(t.length);
      }
      return;
    }
    if (isDeepStrictEqual(t, b) && !overridden(path)) return;
    setNode(path, t);
  };

  patch([], doc.toJS(), baseData, theirsData);
  if (!changed) return { content: yours, conflicts: 0 };
  return { content: stringify(doc), conflicts: 0 };
}

function stringify(doc: Document): string {
  return doc.toString({ lineWidth: 0 });
}
