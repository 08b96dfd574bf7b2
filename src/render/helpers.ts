// The Handlebars helper allow-list. Anything that lands in YAML, JSON or shell goes through a helper
// that serialises it safely: a description containing ": " or a newline can neither break nor inject.
import { dump as dumpYaml } from 'js-yaml';
import type { HelperDelegate } from 'handlebars';

// Plain scalars that YAML 1.1 (go-yaml, used by Kubernetes and Helm) would read as something else.
const YAML11_SPECIAL = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;
const PLAIN_SAFE = /^[A-Za-z_/][A-Za-z0-9 ._/@-]*[A-Za-z0-9._/@-]$|^[A-Za-z_/]$/;
const NUMBER_LIKE = /^[-+.]?[0-9]/;

/** A YAML scalar that reads back as exactly `v` in YAML 1.1 and 1.2. */
export function yamlScalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') return JSON.stringify(v);
  if (PLAIN_SAFE.test(v) && !YAML11_SPECIAL.test(v) && !NUMBER_LIKE.test(v)) return v;
  return JSON.stringify(v); // a JSON string is a valid YAML double-quoted scalar
}

// Dumps already made in this process, by JSON text: every chart of a repository gets the same block
// values (metrics, mesh, rollout settings), so with 20 services 19 of 20 dumps were repeats (js-yaml
// takes ~60 µs even for a 20-line mapping; JSON.stringify ~2 µs). JSON text identifies the dump for
// the plain data the helpers receive; `null` in it may stand for undefined, NaN or Infinity, which
// js-yaml writes differently, so such values are dumped every time. Bounded: a long-lived process
// (the test suite) renders many projects.
const dumped = new Map<string, string>();
const DUMPED_MAX = 2000;

/**
 * Block YAML for an object/array, every line indented by `indent` spaces, no trailing newline.
 * `quoted`: every string double-quoted (what reaches Kubernetes is the same), for lists whose values
 * hold ':' (addresses): quoted, they are masked by the parse-back's shape check (src/render/render.ts).
 */
export function toYamlBlock(v: unknown, indent = 0, quoted = false): string {
  const json = JSON.stringify(v);
  const key = json !== undefined && !json.includes('null') ? `${indent}${quoted ? 'q' : ''} ${json}` : undefined;
  const hit = key === undefined ? undefined : dumped.get(key);
  if (hit !== undefined) return hit;
  // js-yaml: several times faster than \`yaml\` here (CI files are built as objects and dumped), and in
  // its default compat mode it quotes yes/no/on/off, which Helm and Kubernetes (go-yaml) read as booleans.
  let text = dumpYaml(v, { lineWidth: -1, noRefs: true, skipInvalid: true, ...(quoted ? { forceQuotes: true, quotingType: '"' as const } : {}) }).trimEnd();
  if (indent > 0) {
    const pad = ' '.repeat(indent);
    text = text
      .split('\n')
      .map((l) => (l.length ? pad + l : l))
      .join('\n');
  } // whole documents (CI files, indent 0): no copy line by line
  if (key !== undefined) {
    if (dumped.size >= DUMPED_MAX) dumped.clear();
    dumped.set(key, text);
  }
  return text;
}

/** A single-quoted POSIX shell word. */
export function shellWord(v: unknown): string {
  return `'${String(v).replace(/'/g, `'\\''`)}'`;
}

type Options = { hash: Record<string, unknown> };
const args = (a: unknown[]) => a.slice(0, -1); // Handlebars passes its options object last

// Handlebars' strict mode does not cover helper arguments, so the serialising helpers refuse
// undefined themselves: a misspelt field fails the render instead of writing "undefined".
function defined(name: string, v: unknown): unknown {
  if (v === undefined) throw new Error(`{{${name}}} was given a missing field (undefined)`);
  return v;
}

export const helpers: Record<string, HelperDelegate> = {
  yaml: (v: unknown) => yamlScalar(defined('yaml', v)),
  toYaml: (v: unknown, options: Options) => toYamlBlock(defined('toYaml', v), Number(options.hash.indent ?? 0), options.hash.quoted === true),
  json: (v: unknown) => JSON.stringify(defined('json', v)),
  sh: (v: unknown) => shellWord(defined('sh', v)),
  /** `{{gha "github.sha"}}` → `${{ github.sha }}`: GitHub Actions expressions inside .hbs files. */
  gha: (expr: unknown) => '${{ ' + String(expr) + ' }}',
  /** Joins its arguments as a string: `{{yaml (concat image ":" tag)}}`. */
  concat: (...a: unknown[]) => args(a).map((v) => String(defined('concat', v))).join(''),
  string: (v: unknown) => String(defined('string', v)),
  eq: (a: unknown, b: unknown) => a === b,
  ne: (a: unknown, b: unknown) => a !== b,
  and: (...a: unknown[]) => args(a).every(Boolean),
  or: (...a: unknown[]) => args(a).some(Boolean),
  not: (v: unknown) => !v,
  includes: (list: unknown, v: unknown) => Array.isArray(list) && list.includes(v),
  /** `{{#if (has "mesh/linkerd")}}` — reads the selected block ids from the root context. */
  has(this: unknown, id: unknown, options: { data: { root: { selected: string[] } } }) {
    return options.data.root.selected.includes(String(id));
  },
};
