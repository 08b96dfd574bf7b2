// PlannedFile[] → Tree. Pure: templates come from the bundle, nothing touches the disk. Every YAML
// and JSON output is parsed back so a template bug fails the run naming the template, before any write.
import Handlebars from 'handlebars/runtime';
import { FAILSAFE_SCHEMA, loadAll as loadAllYaml } from 'js-yaml';
import templates from 'virtual:templates';
import { helpers } from './helpers.js';
import type { PlannedFile } from '../plan/plan.js';

export interface TreeFile {
  content: string;
  /** Full block id that owns the file (`base` for the repository skeleton). */
  block: string;
  /** Template it came from (for `explain` and error messages). */
  source: string;
  executable: boolean;
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

// YAML parsed back in this process, by shape: the text with the value of every `key: value` and
// `- value` line masked when that value is a "safe" plain scalar (below). A document is well-formed
// if another document of the same shape was: swapping one safe scalar for another at the end of a
// line cannot change the structure wherever that line sits (a mapping entry, a list item, block
// scalar text, a quoted or flow scalar running over lines), because a safe scalar has no indicator
// (`: `, ` #`, quotes, flow brackets, `&*!|>%@` first, `- `) and no line break. Services differ in
// exactly such values (names, ports, image paths), so 20 charts of one language and protocol parse
// one values.yaml instead of 20. Key characters are restricted as well, and nothing else is masked.
// Shapes are kept per source template and computed from its second distinct output on: a template
// rendered once (most of them) costs no shape.
const SAFE_VALUE_LINE = /^( *(?:- )?(?:[A-Za-z0-9_][A-Za-z0-9_.\/-]*: )?)([A-Za-z0-9_/.][A-Za-z0-9 ._/@*-]*[A-Za-z0-9._/@*-]|[A-Za-z0-9_/.])$/gm;
const parsedShapes = new Map<string, { first: string } | Set<string>>();
/** The shape of a YAML text (see above); lines without a prefix stay as they are. */
export function yamlShape(text: string): string {
  return text.replace(SAFE_VALUE_LINE, (line, prefix: string) => (prefix === '' ? line : prefix + '\u0000'));
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

/** Parses a YAML output back unless one of the same shape from the same template already parsed. */
function checkYaml(path: string, content: string, source: string): void {
  let seen = parsedShapes.get(source);
  if (seen === undefined) {
    parseYaml(path, content, source);
    parsedShapes.set(source, { first: content });
    return;
  }
  if (!(seen instanceof Set)) parsedShapes.set(source, (seen = new Set([yamlShape(seen.first)])));
  const shape = yamlShape(content);
  if (seen.has(shape)) return;
  parseYaml(path, content, source);
  seen.add(shape);
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
    tree.set(f.path, { content, block: f.block, source, executable });
  }
  return new Map([...tree.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
