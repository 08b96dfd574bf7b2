// Answer sources and their precedence: defaults < answers file (or cn-scaffold.yaml) < flags < --set.
// Every value remembers where it came from, so a validation error can say "answers.yaml:12" or
// "--set services.0.port=80" instead of just "invalid".
import { CORE_SCHEMA, load as loadYaml, type YAMLException } from 'js-yaml';
import { UserError, UsageError, type Problem } from '../util/errors.js';

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

const KEY_SEGMENT = /^([A-Za-z][A-Za-z0-9-]*|[0-9]+)$/;

export function parseDottedKey(key: string, origin: string): Path {
  const parts = key.split('.');
  if (parts.some((p) => !KEY_SEGMENT.test(p))) {
    throw new UsageError(`Invalid key '${key}' in ${origin}`, [
      { origin, message: 'keys are dotted names, with numbers for list items', fix: `e.g. --set services.0.port=8081 or --set containerization.runtime=cri-o` },
    ]);
  }
  return parts.map((p) => (/^[0-9]+$/.test(p) ? Number(p) : p));
}

/** Sets a value at a path, creating objects/arrays on the way, and records where it came from. */
export function setAt(raw: RawAnswers, path: Path, value: unknown, origin: string): void {
  let cur: Record<string | number, unknown> = raw.data;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    const nextIsIndex = typeof path[i + 1] === 'number';
    const existing = cur[k];
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
  raw.data = data as Record<string, unknown>;
  return raw;
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
  let value: unknown;
  try {
    value = text === '' ? '' : loadYaml(text, { schema: CORE_SCHEMA });
  } catch {
    value = text;
  }
  setAt(raw, parseDottedKey(key, origin), value, origin);
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
