// Validation issues (zod's) as Problems a user can act on: the key, where its value came from, what is
// wrong in words, and a fix that works when pasted — a `--set` that applySet reads back as exactly the
// value suggested (quoted where YAML would misread it: 1.30 is the number 1.3), a dedicated flag when
// the value was misread from a file, or the edit to make. Also the guards that run before zod: no
// answer is longer than MAX_ANSWER_LENGTH, and "did you mean" compares short words only.
import type * as z from 'zod';
import type { Problem } from '../util/errors.js';
import { answerFlags } from '../commands/flags.js';
import type { Catalog } from '../catalog/define.js';
import { dotted, originNear, type Path, type RawAnswers } from './sources.js';
import { shellArg } from '../util/shell.js';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';

/** Longest string any answer may be (host names stop at 253, a signing identity pattern at a few hundred). */
export const MAX_ANSWER_LENGTH = 1024;
/** Words longer than this get no "did you mean": no answer key or choice is that long. */
const GUESS_MAX = 64;

/** Edit distance in two rows: memory linear in the shorter word. */
function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The candidate closest to `word` when it is close enough to be a typo; bounded work whatever `word` is. */
export function closest(word: string, candidates: string[]): string | undefined {
  if (word.length > GUESS_MAX) return undefined;
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    if (Math.abs(c.length - word.length) > limit) continue; // the distance is at least the length difference
    const dist = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (dist < bestD) [best, bestD] = [c, dist];
  }
  return best !== undefined && bestD <= limit ? best : undefined;
}

/** Every string (value or key) longer than MAX_ANSWER_LENGTH, as problems; checked before validation. */
export function oversized(raw: RawAnswers): Problem[] {
  const problems: Problem[] = [];
  const walk = (v: unknown, path: Path) => {
    if (typeof v === 'string' && v.length > MAX_ANSWER_LENGTH) {
      problems.push({ key: dotted(path), origin: originNear(raw, path), message: `is ${v.length} characters long; no answer is longer than ${MAX_ANSWER_LENGTH}`, fix: 'shorten it' });
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k.length > GUESS_MAX) problems.push({ key: dotted(path), origin: originNear(raw, [...path, k]), message: `unknown key of ${k.length} characters`, fix: 'remove it' });
        else walk(x, [...path, k]);
      }
    }
  };
  walk(raw.data, []);
  return problems;
}

/** The schema at a path, unwrapping defaults/optionals, and the default found on the way. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): { node: any; dflt?: unknown } {
  let s: any = schema;
  let dflt: unknown;
  const unwrap = () => {
    while (s?._zod?.def && ['default', 'prefault', 'optional', 'nullable', 'pipe'].includes(s._zod.def.type)) {
      if (s._zod.def.type === 'default') dflt = s._zod.def.defaultValue;
      s = s._zod.def.innerType ?? s._zod.def.in;
    }
  };
  unwrap();
  for (const k of path) {
    dflt = undefined;
    if (s?._zod?.def?.type === 'array') s = s._zod.def.element;
    else s = s?._zod?.def?.shape?.[k as string];
    unwrap();
  }
  return { node: s, dflt };
}

/** A value that the schema at a path accepts, for a fix: its default, else its first example. */
function exampleAt(schema: z.ZodType, path: readonly PropertyKey[]): unknown {
  const { node, dflt } = schemaAt(schema, path);
  if (dflt !== undefined) return dflt;
  const examples = node?.meta?.()?.examples;
  return Array.isArray(examples) ? examples[0] : undefined;
}

/** What YAML reads `text` as, or undefined when it is not a scalar. */
function yamlValue(text: string): unknown {
  try {
    return loadYaml(text, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
}

/** The given value as the type expected, when its text means one (`"8080"` → 8080, `"true"` → true). */
function coerce(given: unknown, expected: string): unknown {
  if (expected === 'string' && (typeof given === 'number' || typeof given === 'boolean')) return String(given);
  if (typeof given !== 'string') return undefined;
  const v = yamlValue(given.trim());
  if ((expected === 'number' || expected === 'int') && typeof v === 'number' && Number.isFinite(v)) return v;
  if (expected === 'boolean' && typeof v === 'boolean') return v;
  return undefined;
}

/**
 * `--set key=value` as it must be typed for applySet to read back exactly `value`: a string YAML would
 * read as something else (`1.30`, `true`, `8080`) is quoted, and the word is quoted for the shell.
 */
export function setFlag(key: string, value: unknown): string {
  let text: string;
  if (typeof value === 'string') {
    let plain = false;
    try {
      plain = value !== '' && loadYaml(value, { schema: CORE_SCHEMA }) === value;
    } catch {
      plain = false;
    }
    text = plain ? value : JSON.stringify(value);
  } else {
    text = JSON.stringify(value);
  }
  return `--set ${shellArg(`${key}=${text}`)}`;
}

const show = (v: unknown) => (typeof v === 'string' && v.length > GUESS_MAX ? `${JSON.stringify(v.slice(0, GUESS_MAX))}…` : JSON.stringify(v) ?? String(v));
const describeType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `${typeof v} ${show(v)}`);

export function issueToProblem(issue: z.core.$ZodIssue, raw: RawAnswers, schema: z.ZodType, catalog: Catalog): Problem[] {
  const path = issue.path;
  const key = dotted(path);
  const origin = originNear(raw, path);
  const fromSet = origin?.startsWith('--set ') ?? false;
  const given = (issue as { input?: unknown }).input;
  const fixWith = (v: unknown) => setFlag(key, v);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => {
        const shape = schemaAt(schema, path).node?._zod?.def?.shape;
        const known = shape ? Object.keys(shape) : [];
        const guess = closest(k, known);
        const at = originNear(raw, [...path, k]) ?? origin;
        let fix = guess ? `did you mean '${guess}'?` : `remove it; known keys here: ${known.join(', ')}`;
        // A --set names the one argument to replace, and what to replace it with.
        if (guess && at?.startsWith('--set ')) {
          const expr = at.slice('--set '.length);
          const rest = expr.slice(dotted([...path, k]).length);
          fix += ` replace ${at} with --set ${shellArg(`${dotted([...path, guess])}${rest}`)}`;
        }
        return { key: dotted([...path, k]), origin: at, message: `unknown key '${k}'`, fix };
      });
    case 'invalid_value': {
      const values = issue.values.map(String);
      // YAML reads an unquoted 1.30 as the number 1.3: the choice meant is the one that reads as the same.
      const misread = typeof given === 'number' ? values.find((v) => yamlValue(v) === given) : undefined;
      if (misread !== undefined) {
        const flag = fromSet ? undefined : answerFlags(catalog).find((f) => f.key === key);
        return [
          {
            key,
            origin,
            message: `YAML reads an unquoted ${misread} as the number ${given}, which is not a valid choice: quote it ("${misread}")`,
            fix: flag ? `--${flag.flag} ${shellArg(misread)}` : fixWith(misread),
          },
        ];
      }
      const guess = typeof given === 'string' ? closest(given, values) : undefined;
      return [{ key, origin, message: `${show(given)} is not a valid choice; one of: ${values.join(', ')}`, fix: fixWith(guess ?? values[0]!) }];
    }
    case 'invalid_type': {
      const expected = issue.expected === 'int' ? 'number' : issue.expected;
      if (given === undefined) {
        const example = exampleAt(schema, path);
        return [{ key, origin, message: `is required (${expected})`, fix: example !== undefined ? fixWith(example) : `add ${key}` }];
      }
      const coerced = coerce(given, issue.expected);
      const fallback = coerced === undefined ? exampleAt(schema, path) : coerced;
      return [
        {
          key,
          origin,
          message: `expected ${expected}, got ${describeType(given)}${coerced !== undefined && typeof given === 'string' ? ' (quoted, so YAML keeps it a string)' : ''}`,
          fix: fallback !== undefined ? fixWith(fallback) : undefined,
        },
      ];
    }
    case 'too_big':
    case 'too_small': {
      const big = issue.code === 'too_big';
      const bound = Number(big ? (issue as { maximum: unknown }).maximum : (issue as { minimum: unknown }).minimum);
      const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : '';
      // The schema's own message when it explains the bound (port >= 1024: non-root); else say the bound.
      const own = !/^Too (big|small)/.test(issue.message) && issue.message.includes(String(bound));
      const message = own ? issue.message : `must be ${big ? 'at most' : 'at least'} ${bound}${unit}`;
      const numeric = issue.origin === 'number' || issue.origin === 'int';
      return [{ key, origin, message, fix: numeric ? fixWith(bound) : big && unit ? `shorten it to at most ${bound}${unit}` : undefined }];
    }
    case 'custom':
      return [{ key, origin, message: issue.message, fix: (issue.params as { fix?: string } | undefined)?.fix }];
    default:
      return [{ key, origin, message: issue.message }];
  }
}
