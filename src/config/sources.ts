// Answer sources and their precedence: defaults < answers file (or cn-scaffold.yaml) < flags < --set.
// Every value remembers where it came from, so a validation error can say "answers.yaml:12" or
// "--set services.0.port=80" instead of just "invalid".
import { CORE_SCHEMA, load as loadYaml, type YAMLException } from 'js-yaml';
import { UserError, UsageError, type Problem } from '../util/errors.js';
import { ANSWERS_MAX_BYTES, readUserFile } from '../util/read-file.js';
import { shellArg } from '../util/shell.js';

export type Path = (string | number)[];
export interface RawAnswers {
  data: Record<string, unknown>;
  /** Dotted path → origin of the value set there (files: `file:line`; flags: the flag as typed). */
  origins: Map<string, string>;
}

export const dotted = (path: readonly PropertyKey[]) => path.map(String).join('.');

export function emptyAnswers(): RawAnswers {
  return { data: {}, origins: new Map() };
}

/** Finds the origin of a path, walking up to the nearest parent that has one. */
export function originOf(raw: RawAnswers, path: readonly PropertyKey[]): string | undefined {
  for (let n = path.length; n >= 0; n--) {
    const o = raw.origins.get(dotted(path.slice(0, n)));
    if (o) return o;
  }
  return undefined;
}

/**
 * For an error message, the most precise origin: the path's own, else the first value set below it
 * (`--set project.image.x.y=1` is where the unknown `project.image.x` came from), else originOf, else
 * a value set below its nearest parent (`--set services.0.port=1` made the item that has no name). A
 * scan of every origin: error paths only.
 */
export function originNear(raw: RawAnswers, path: readonly PropertyKey[]): string | undefined {
  const below = (n: number) => {
    const prefix = dotted(path.slice(0, n)) + '.';
    for (const [k, o] of raw.origins) if (k.startsWith(prefix)) return o;
    return undefined;
  };
  const own = raw.origins.get(dotted(path)) ?? below(path.length) ?? originOf(raw, path);
  if (own) return own;
  for (let n = path.length - 1; n > 0; n--) {
    const o = below(n);
    if (o) return o;
  }
  return undefined;
}

// Keys that reach Object.prototype (or a constructor) through plain property writes. No answer has such
// a name; they are refused wherever a key enters (answers files, --set, setAt), as unknown keys.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
function forbiddenKey(key: string, path: Path, origin: string | undefined): UserError {
  return new UserError('The answers are not valid:', [{ key: dotted(path), origin, message: `unknown key '${key}'`, fix: 'remove it' }]);
}

const KEY_SEGMENT = /^([A-Za-z][A-Za-z0-9-]*|[0-9]+)$/;

export function parseDottedKey(key: string, origin: string): Path {
  const parts = key.split('.');
  const bad = parts.findIndex((p) => FORBIDDEN_KEYS.has(p));
  if (bad >= 0) throw forbiddenKey(parts[bad]!, parts.slice(0, bad + 1), origin);
  if (parts.some((p) => !KEY_SEGMENT.test(p))) {
    throw new UsageError(`Invalid key '${key}' in ${origin}`, [
      { origin, message: 'keys are dotted names, with numbers for list items', fix: `e.g. --set services.0.port=8081 or --set containerization.runtime=cri-o` },
    ]);
  }
  return parts.map((p) => (/^[0-9]+$/.test(p) ? Number(p) : p));
}

/**
 * A list index may name an item or the place just after the last one (appending), never further: a
 * sparse `services.99999999` would hold a hundred million holes for validation to walk.
 */
function checkIndex(list: unknown[], index: number, path: Path, at: number, origin: string): void {
  if (index <= list.length) return;
  const key = dotted(path.slice(0, at));
  const next = [...path.slice(0, at), list.length, ...path.slice(at + 1)];
  throw new UserError(`Cannot set ${dotted(path)}`, [
    {
      key,
      origin,
      message: `has ${list.length} item(s): use an index from 0 to ${list.length} (${list.length} adds an item), not ${index}`,
      fix: origin.startsWith('--set ') ? `--set ${shellArg(`${dotted(next)}=${origin.slice(origin.indexOf('=') + 1)}`)}` : `list items in order, starting at ${key}.0`,
    },
  ]);
}

/** Sets a value at a path, creating objects/arrays on the way, and records where it came from. */
export function setAt(raw: RawAnswers, path: Path, value: unknown, origin: string): void {
  let cur: Record<string | number, unknown> = raw.data;
  for (let i = 0; i < path.length; i++) {
    const k = path[i]!;
    if (typeof k === 'string' && FORBIDDEN_KEYS.has(k)) throw forbiddenKey(k, path.slice(0, i + 1), origin);
    if (typeof k === 'number' && Array.isArray(cur)) checkIndex(cur, k, path, i, origin);
    if (i === path.length - 1) break;
    const nextIsIndex = typeof path[i + 1] === 'number';
    const existing = Object.hasOwn(cur, k) ? cur[k] : undefined;
    if (existing === undefined || existing === null || typeof existing !== 'object') {
      cur[k] = nextIsIndex ? [] : {};
    } else if (nextIsIndex !== Array.isArray(existing)) {
      throw new UsageError(`Cannot set ${dotted(path)} from ${origin}`, [
        { key: dotted(path.slice(0, i + 1)), origin, message: nextIsIndex ? 'is not a list' : 'is a list; use a number to pick an item' },
      ]);
    }
    cur = cur[k] as Record<string | number, unknown>;
  }
  cur[path[path.length - 1]!] = value;
  // A value replaced wholesale loses the origins of what it replaced.
  const prefix = dotted(path);
  for (const k of [...raw.origins.keys()]) if (k.startsWith(prefix + '.')) raw.origins.delete(k);
  raw.origins.set(prefix, origin);
}

/**
 * The text of an answers file (or cn-scaffold.yaml), undefined when it does not exist. Only a regular
 * file of at most ANSWERS_MAX_BYTES is read (src/util/read-file.ts).
 */
export function readAnswersFile(path: string): string | undefined {
  return readUserFile(path, { what: 'the answers file', maxBytes: ANSWERS_MAX_BYTES, fix: 'give the path of a YAML answers file' });
}

/** A node as js-yaml composed it: where it starts and what it holds. */
interface Composed {
  line: number;
  kind: string | null;
  result: unknown;
  children: Composed[];
}

/**
 * Parses a YAML/JSON answers file, keeping the line of every value. YAML errors name file:line.
 * js-yaml, the parser that already checks every generated file, rather than `yaml`: cold, `yaml` took
 * ~17 ms and grew the heap by ~15 MB on a 100-service file; js-yaml takes a few ms. Lines come from its
 * parse events (`listener`, in its LoadOptions): each composed node opens where it starts. A mapping
 * entry's origin is the line of its key; a list item's, the line it starts on.
 */
export function readAnswersText(text: string, file: string): RawAnswers {
  // Nodes close inside out; each closes into the children of the one still open around it.
  const open: Composed[] = [];
  let root: Composed | undefined;
  const listener = (event: 'open' | 'close', state: { line: number; kind: string | null; result: unknown }) => {
    if (event === 'open') {
      open.push({ line: state.line, kind: null, result: undefined, children: [] });
      return;
    }
    let node = open.pop()!;
    node.kind = state.kind;
    node.result = state.result;
    // js-yaml composes some nodes twice, one inside the other (a block mapping tried as a would-be
    // key first): the outer one is the same node.
    if (node.children.length === 1 && node.children[0]!.result === node.result) node = node.children[0]!;
    if (open.length > 0) open[open.length - 1]!.children.push(node);
    else root = node;
  };
  let data: unknown;
  try {
    data = loadYaml(text, { filename: file, schema: CORE_SCHEMA, listener });
  } catch (err) {
    const e = err as YAMLException;
    const at = e.mark ? `${file}:${e.mark.line + 1}:${e.mark.column + 1}` : file;
    throw new UserError(`${file} is not valid YAML`, [{ origin: at, message: (e.reason ?? e.message).split('\n')[0]!, fix: 'fix the YAML syntax at that line' }]);
  }
  const raw = emptyAnswers();
  if (data === null || data === undefined || data === '') return raw;
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError(`${file} must contain a mapping of answers`, [{ origin: `${file}:1`, message: 'expected keys like project:, services:', fix: 'see `cn-scaffold schema` for the format' }]);
  }
  // Anything composed in a way this walk does not recognise (a flow pair without a value, `[a: 1]`)
  // keeps no lines below it: originOf then answers with the nearest parent's line.
  const walk = (node: Composed, path: Path) => {
    const c = node.children;
    if (node.kind === 'mapping' && c.length % 2 === 0) {
      for (let i = 0; i < c.length; i += 2) {
        const at = [...path, String(c[i]!.result)];
        raw.origins.set(dotted(at), `${file}:${c[i]!.line + 1}`);
        walk(c[i + 1]!, at);
      }
    } else if (node.kind === 'sequence' && Array.isArray(node.result) && c.length === node.result.length) {
      c.forEach((item, i) => {
        raw.origins.set(dotted([...path, i]), `${file}:${item.line + 1}`);
        walk(item, [...path, i]);
      });
    }
  };
  if (root) walk(root, []);
  raw.data = bounded(data, (path) => originOf(raw, path) ?? `${file}:1`) as Record<string, unknown>;
  return raw;
}

/** Most values a set of answers may hold, aliases expanded (a 100-service file holds ~1,000). */
export const MAX_VALUES = 100_000;

/**
 * A copy of parsed YAML as a plain tree: every alias expanded into its own copy (a change through one
 * path must not show up at another), at most MAX_VALUES values, and no key that could reach
 * Object.prototype. YAML anchors and aliases let a 1 KB file describe billions of values ("billion
 * laughs"): js-yaml keeps them as shared references, but every walk after this one (overlay,
 * validation) would visit each path. Counting while copying stops such a file after MAX_VALUES.
 */
function bounded(data: unknown, originAt: (path: Path) => string): unknown {
  let count = 0;
  const copy = (v: unknown, path: Path): unknown => {
    if (++count > MAX_VALUES) {
      throw new UserError(`The answers hold more than ${MAX_VALUES} values`, [
        {
          key: dotted(path.slice(0, 1)),
          origin: originAt(path.slice(0, 1)),
          message: 'YAML aliases (*name) repeat what an anchor (&name) holds, and these expand to more values than any answers file needs',
          fix: 'write the values out instead of repeating anchors',
        },
      ]);
    }
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((item, i) => copy(item, [...path, i]));
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(k)) throw forbiddenKey(k, [...path, k], originAt([...path, k]));
      out[k] = copy((v as Record<string, unknown>)[k], [...path, k]);
    }
    return out;
  };
  return copy(data, []);
}

/** Overlays `top` onto `base` (top wins), merging objects key by key; lists are replaced whole. */
export function overlay(base: RawAnswers, top: RawAnswers): RawAnswers {
  const out: RawAnswers = { data: structuredClone(base.data), origins: new Map(base.origins) };
  const walk = (obj: Record<string, unknown>, path: Path) => {
    for (const [k, v] of Object.entries(obj)) {
      const p = [...path, k];
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const o = top.origins.get(dotted(p));
        if (o) out.origins.set(dotted(p), o);
        walk(v as Record<string, unknown>, p);
      } else {
        setAt(out, p, structuredClone(v), top.origins.get(dotted(p)) ?? 'unknown');
        for (const [key, o] of top.origins) if (key.startsWith(dotted(p) + '.')) out.origins.set(key, o);
      }
    }
  };
  walk(top.data, []);
  return out;
}

/** `--set key=value`: the value is read as a YAML scalar/flow value (true, 3, [a, b], "quoted"). */
export function applySet(raw: RawAnswers, expr: string): void {
  const origin = `--set ${expr}`;
  const eq = expr.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set expects key=value, got '${expr}'`, [{ origin, message: 'missing =', fix: '--set project.name=shop' }]);
  const key = expr.slice(0, eq).trim();
  const text = expr.slice(eq + 1);
  const path = parseDottedKey(key, origin);
  let value: unknown;
  try {
    value = text === '' ? '' : loadYaml(text, { schema: CORE_SCHEMA });
  } catch {
    value = text;
  }
  setAt(raw, path, bounded(value, () => origin), origin);
}

/** `--service name[:language[:port[:protocol[:replicas]]]]` — a compact way to list services in automation. */
export function parseServiceSpec(spec: string): Record<string, unknown> {
  const origin = `--service ${spec}`;
  const [name, language, port, protocol, replicas, ...rest] = spec.split(':');
  if (!name || rest.length > 0) {
    throw new UsageError(`Invalid --service '${spec}'`, [{ origin, message: 'expected name[:language[:port[:protocol[:replicas]]]]', fix: '--service api:node:8080:http:2' }]);
  }
  const out: Record<string, unknown> = { name };
  if (language) out.language = language;
  const num = (v: string, what: string) => {
    if (!/^[0-9]+$/.test(v)) throw new UsageError(`Invalid --service '${spec}'`, [{ origin, message: `${what} must be a number, got '${v}'`, fix: '--service api:node:8080:http:2' }]);
    return Number(v);
  };
  if (port) out.port = num(port, 'port');
  if (protocol) out.protocol = protocol;
  if (replicas) out.replicas = num(replicas, 'replicas');
  return out;
}

export type { Problem };
