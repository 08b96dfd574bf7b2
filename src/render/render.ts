// PlannedFile[] → Tree. Pure: templates come from the bundle, nothing touches the disk. Every YAML
// and JSON output is parsed back so a template bug fails the run naming the template, before any write.
import Handlebars from 'handlebars/runtime';
import { FAILSAFE_SCHEMA, loadAll as loadAllYaml } from 'js-yaml';
import templates from 'virtual:templates';
import { helpers } from './helpers.js';
import { sha256 } from '../util/hash.js';
import type { PlannedFile } from '../plan/plan.js';

export interface TreeFile {
  content: string;
  /** Full block id that owns the file (`base` for the repository skeleton). */
  block: string;
  /** Template it came from (for `explain` and error messages). */
  source: string;
  executable: boolean;
  /** Why the file's content is what it is, beyond its block (e.g. the edges behind each policy rule), for `explain`. */
  why?: string[];
}
export type Tree = Map<string, TreeFile>;

const env = Handlebars.create();
env.registerHelper(helpers);
const compiled = new Map<string, Handlebars.TemplateDelegate>();

const templateKind = (path: string) => templates[path]!.kind;

export function templateExists(path: string): boolean {
  return path in templates;
}
const sortedTemplates = Object.keys(templates).sort();
const underCache = new Map<string, string[]>();
/** Templates below a folder, sorted (cached: the skeleton and chart folders are listed once per service). */
export function templatesUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : dir + '/';
  let list = underCache.get(prefix);
  if (!list) underCache.set(prefix, (list = sortedTemplates.filter((p) => p.startsWith(prefix))));
  return [...list];
}

export class TemplateError extends Error {}

export function renderTemplate(path: string, context: object): { content: string; executable: boolean } {
  const entry = templates[path];
  if (!entry) throw new TemplateError(`no template ${path}`);
  if (entry.kind === 'raw') return { content: entry.text!, executable: entry.executable };
  let fn = compiled.get(path);
  if (!fn) {
    fn = env.template(entry.spec as TemplateSpecification);
    compiled.set(path, fn);
  }
  try {
    return { content: fn(context), executable: entry.executable };
  } catch (err) {
    throw new TemplateError(`templates/${path}: ${(err as Error).message}`);
  }
}
type TemplateSpecification = Parameters<typeof env.template>[0];

/** Chart templates and other Go-templated YAML cannot be parsed before Helm renders them. */
function isGoTemplated(path: string): boolean {
  return /(^|\/)deploy\/charts\/[^/]+\/templates\//.test(path);
}

// Contents already parsed back in this process, per format: many files are byte-identical across
// services (a chart's values.schema.json, its CI values), and the same bytes parse the same way.
const parsedBack = { yaml: new Set<string>(), json: new Set<string>() };

// YAML is parsed back by shape: the text with some line ends masked. A document is well-formed if
// another document of the same shape was, because what is masked cannot change the structure
// wherever its line sits (a mapping entry, a list item, block scalar text, a quoted, plain or flow
// scalar running over lines, a comment):
// - the value of a `key: value` or `- value` line when it is a "safe" plain scalar: no indicator
//   (`: `, ` #`, quotes, brackets, `,`, `&*!|>%@-` first) and no line break;
// - the same when the value is double-quoted and holds no quote, backslash, space, `#` or `,` (and
//   starts with a safe character, so it cannot follow an outer quoted scalar's end), e.g. an image
//   reference `"r.example.com/a/b:dev"`;
// - the text of a comment line that holds no quote or backslash (a quoted scalar running over lines
//   keeps its end where it was);
// - the text of the lines of a literal block scalar (a `key: |`, `|-` or `|+` line, then lines more
//   indented than its key, each at least as indented as the first), when none of them holds a quote or
//   backslash: in block context they are the scalar's text; inside a quoted scalar running over lines
//   they cannot end it; inside an outer block scalar they stay its text (more indented than the header,
//   which is); and after a plain scalar's line or in a flow collection the header itself is invalid.
//   Each line keeps its indentation, so the block ends where it did. This is how the writer
//   (helpers.ts) puts multi-line text, e.g. the reasons of a network policy's rules.
// Keys are never masked (duplicate keys built from values are still parsed), nor is anything else.
// Services differ in exactly such values (names, ports, image paths): 20 charts of one language and
// protocol parse one values.yaml instead of 20.
// One replacement string rather than a callback per line (~0.2 ms less on the default stack): the
// value form needs a non-empty prefix (indentation, `- ` or `key: `), so a bare line stays as it is.
const SAFE_VALUE_LINE =
  /^((?: +(?:- )?| *- )(?:[A-Za-z0-9_][A-Za-z0-9_.\/-]*: )?| *(?:- )?[A-Za-z0-9_][A-Za-z0-9_.\/-]*: )(?:[A-Za-z0-9_/.][A-Za-z0-9 ._/@*-]*[A-Za-z0-9._/@*-]|[A-Za-z0-9_/.]|"[A-Za-z0-9_/.][A-Za-z0-9._/@*:=+-]*")$|^( *#)[^"'\\\n]*$/gm;
const LITERAL_BLOCK = /^( *)([A-Za-z0-9_][A-Za-z0-9_.\/-]*: \|[-+]?\n)(\1 +)([^\s"'\\][^\n"'\\]*(?:\n\3 *[^\s"'\\][^\n"'\\]*)*)$/gm;
const maskBlockLines = (_: string, indent: string, head: string, first: string, text: string) => indent + head + first + text.replace(/(^|\n)( *)[^\n]+/g, '$1$2\u0000');
/** The shape of a YAML text (see above): the prefix of each masked line, then NUL. */
export function yamlShape(text: string): string {
  return text.replace(SAFE_VALUE_LINE, '$1$2\u0000').replace(LITERAL_BLOCK, maskBlockLines);
}

// The shapes (sha256 of yamlShape) known to parse: those the build parsed (scripts/build.mjs renders
// representative answers with this same code and compiles their shapes in; a template that renders
// invalid YAML for them fails the build), and those parsed in this process. An output of any other
// shape is parsed here, so a template bug still fails the run before anything is written.
declare const __CN_VERIFIED_YAML_SHAPES__: readonly string[] | undefined;
const parsedShapes = new Set<string>(typeof __CN_VERIFIED_YAML_SHAPES__ === 'undefined' ? [] : __CN_VERIFIED_YAML_SHAPES__);
/** Every shape known to parse (the build compiles these into the bundle). */
export function parsedYamlShapes(): string[] {
  return [...parsedShapes].sort();
}

function parseYaml(path: string, content: string, source: string): void {
  // js-yaml for the parse-back check: several times faster than `yaml` on cold start, strict about
  // duplicate keys, and this check runs on every generated YAML file.
  try {
    // The failsafe schema checks structure (syntax, indentation, duplicate keys) without resolving
    // every scalar's type, which is what this check is for and most of what parsing costs.
    loadAllYaml(content, undefined, { filename: path, schema: FAILSAFE_SCHEMA });
  } catch (err) {
    throw new TemplateError(`templates/${source} rendered invalid YAML for ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Parses a YAML output back unless one of the same shape is known to parse. */
function checkYaml(path: string, content: string, source: string): void {
  const shape = sha256(yamlShape(content));
  if (parsedShapes.has(shape)) return;
  parseYaml(path, content, source);
  parsedShapes.add(shape);
}

export function checkParses(path: string, content: string, source: string): void {
  if (isGoTemplated(path)) return;
  const format = /\.ya?ml$/.test(path) ? 'yaml' : /\.json$/.test(path) ? 'json' : undefined;
  if (!format || parsedBack[format].has(content)) return;
  if (format === 'yaml') checkYaml(path, content, source);
  else {
    try {
      JSON.parse(content);
    } catch (err) {
      throw new TemplateError(`templates/${source} rendered invalid JSON for ${path}: ${(err as Error).message}`);
    }
  }
  parsedBack[format].add(content);
}

export function render(planned: PlannedFile[], rootContext: object): Tree {
  const tree: Tree = new Map();
  // One string per distinct content: services share most of their files byte for byte (a 100-service
  // tree is ~10 MB, ~3.5 MB of it distinct), and the tree is held until the last file is written.
  const distinct = new Map<string, string>();
  for (const f of planned) {
    let content: string;
    let executable = f.executable ?? false;
    const verbatim = f.content === undefined && templateKind(f.template!) === 'raw';
    if (f.content !== undefined) content = f.content;
    else {
      const r = renderTemplate(f.template!, { ...rootContext, ...f.data });
      content = r.content;
      executable ||= r.executable;
    }
    const source = f.template ?? `(generated by ${f.block})`;
    // Verbatim templates are one string already, checked once at build time (scripts/templates-plugin.mjs).
    if (!verbatim) {
      checkParses(f.path, content, source);
      const same = distinct.get(content);
      if (same === undefined) distinct.set(content, content);
      else content = same;
    }
    if (tree.has(f.path)) throw new TemplateError(`two blocks produce ${f.path}: ${tree.get(f.path)!.block} and ${f.block}`);
    tree.set(f.path, { content, block: f.block, source, executable, ...(f.why ? { why: f.why } : {}) });
  }
  return new Map([...tree.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
