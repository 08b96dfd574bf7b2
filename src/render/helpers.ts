// The Handlebars helper allow-list. Anything that lands in YAML, JSON or shell goes through a helper
// that serialises it safely: a description containing ": " or a newline can neither break nor inject.
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

// Block YAML is written here rather than by js-yaml's dump: the data is plain (what JSON can hold) and the
// rules are the scalar rules above, so a writer is a few lines, and it runs several times less code
// than a general dumper on every chart, policy and workflow of a run (measured in docs/architecture.md).
// Every generated YAML file is still parsed back (src/render/render.ts), and test/unit/render.test.ts
// reads random data written here back with js-yaml and the `yaml` library (YAML 1.1 and 1.2).

// Multi-line text is written as a literal block (`|`, `|-`) when it reads back exactly that way:
// printable ASCII, a first line that does not start with blank space (which would change the detected
// indentation), at most one final line break, and no line ending in a space or tab (that would read back,
// but editors strip trailing blanks, and linters flag them). Anything else is quoted (below).
const LITERAL_TEXT = /^[^\s][\x20-\x7e\t\n]*$/;
const TRAILING_BLANK = /[ \t]$/m;

// A plain scalar in block context (no flow collection around it, unlike a template's {{yaml}}, which
// may sit inside `[...]`): printable ASCII; a first character that is no indicator and cannot start a
// number: a letter, `_`, `/`, `$`, a `.` before a letter (`./path`, but not `.inf`/`.nan`), or a digit
// when a letter follows that no YAML 1.1 or 1.2 number or timestamp holds (`30s`, `50Gi`; not `0x1F`,
// `1e3`, `2001-12-14t10:00:00`); no `: `, ` #`, final `:` or final space; not a YAML 1.1 boolean or null.
// `Build image (no push)` and `${{ github.sha }}` stay plain.
const BLOCK_PLAIN = /^(?:[A-Za-z_/$]|\.[A-Za-z_/]|[0-9](?=.*[g-np-suvwyG-NP-SUVWY]))(?:[\x20-\x7e]*[\x21-\x7e])?$/;
const NOT_PLAIN = /: | #|:$|^\.(?:inf|Inf|INF|nan|NaN|NAN)$/;

const blockPlain = (s: string) => BLOCK_PLAIN.test(s) && !NOT_PLAIN.test(s) && !YAML11_SPECIAL.test(s);
/** A string that cannot be plain: single-quoted when it is one line of printable ASCII (no escapes, so a
 * regular expression keeps single backslashes), else double-quoted with JSON's escapes. */
const quotedText = (s: string) => (/^[\x20-\x7e]*$/.test(s) ? `'${s.replace(/'/g, "''")}'` : JSON.stringify(s));

/** A scalar at `pad` (the indentation of a literal block's lines); `quoted`: strings always double-quoted. */
function scalarText(v: unknown, pad: string, quoted: boolean): string {
  if (typeof v !== 'string') return yamlScalar(v);
  if (quoted) return JSON.stringify(v);
  if (blockPlain(v)) return v;
  if (v.includes('\n') && LITERAL_TEXT.test(v) && !TRAILING_BLANK.test(v) && !v.endsWith('\n\n')) {
    const [indicator, text] = v.endsWith('\n') ? ['|', v.slice(0, -1)] : ['|-', v];
    return indicator + text.split('\n').map((line) => (line ? `\n${pad}${line}` : '\n')).join('');
  }
  return quotedText(v);
}

const skipped = (x: unknown) => x === undefined || typeof x === 'function'; // left out, as JSON leaves them out of objects

/**
 * Appends the lines of a mapping or sequence at `pad` to `lines`; its first line starts with `lead`
 * instead (a sequence item's `- `, so a mapping in a list starts on the item's line). Returns how many
 * entries it wrote.
 */
function writeCollection(lines: string[], v: object, pad: string, lead: string, quoted: boolean): number {
  const inner = pad + '  ';
  let written = 0;
  if (Array.isArray(v)) {
    for (const x of v) if (!skipped(x)) writeEntry(lines, x, inner, (written++ === 0 ? lead : pad) + '-', true, quoted);
  } else {
    const record = v as Record<string, unknown>;
    for (const k of Object.keys(record)) {
      const x = record[k];
      if (!skipped(x)) writeEntry(lines, x, inner, (written++ === 0 ? lead : pad) + (blockPlain(k) ? k : quotedText(k)) + ':', false, quoted);
    }
  }
  return written;
}

/** One `key:` or `-` line (`head`) and its value: a scalar, `[]`/`{}`, or a nested block at `inner`. */
function writeEntry(lines: string[], x: unknown, inner: string, head: string, inSequence: boolean, quoted: boolean): void {
  if (x === null || typeof x !== 'object') {
    lines.push(head + ' ' + scalarText(x, inner, quoted));
    return;
  }
  const at = lines.length;
  if (!inSequence) lines.push(head);
  if (writeCollection(lines, x, inner, inSequence ? head + ' ' : inner, quoted) > 0) return;
  lines.length = at;
  lines.push(head + (Array.isArray(x) ? ' []' : ' {}'));
}

/**
 * Block YAML for plain data, every line indented by `indent` spaces, no trailing newline; reads back as
 * `v` in YAML 1.1 (go-yaml: Kubernetes, Helm) and 1.2. `quoted`: every string value double-quoted (what
 * reaches Kubernetes is the same), for lists whose values hold ':' (addresses): quoted, they are masked
 * by the parse-back's shape check (src/render/render.ts).
 */
export function toYamlBlock(v: unknown, indent = 0, quoted = false): string {
  const pad = ' '.repeat(indent);
  if (v === null || typeof v !== 'object') return pad + scalarText(v, pad + '  ', quoted);
  const lines: string[] = [];
  if (writeCollection(lines, v, pad, pad, quoted) === 0) return pad + (Array.isArray(v) ? '[]' : '{}');
  return lines.join('\n');
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
