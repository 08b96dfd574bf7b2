// Check 1b: every *.json parses (JSONC for tsconfig/devcontainer/.vscode), without duplicate keys; every
// *.schema.json (and a chart's values.schema.json) compiles with Ajv for the draft named by its $schema.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Ajv from 'ajv';
import Ajv2019 from 'ajv/dist/2019.js';
import Ajv2020 from 'ajv/dist/2020.js';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { parseDocument } from 'yaml';
import type { Tree } from '../inventory.js';
import { isObj, require } from '../util.js';

const CHECK = 'json';

function jsoncToJson(text: string): string {
  // Strips // and /* */ comments outside strings, then trailing commas.
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(i));
      const s = m ? m[0] : c;
      out += s;
      i += s.length - 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

function schemaCompiler(draft: string): Ajv {
  const opts = { strict: false, allErrors: true, validateFormats: false } as const;
  if (draft.includes('draft-04')) return new AjvDraft04(opts) as unknown as Ajv;
  if (draft.includes('2019-09')) return new Ajv2019(opts) as unknown as Ajv;
  if (draft.includes('2020-12')) return new Ajv2020(opts) as unknown as Ajv;
  const a = new Ajv(opts);
  if (draft.includes('draft-06')) a.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
  addFormats(a);
  return a;
}

export async function checkJson(trees: Tree[]): Promise<void> {
  for (const tree of trees) {
    for (const rel of tree.files.filter((f) => f.endsWith('.json'))) {
      tree.rep.checked(CHECK);
      const text = await readFile(path.join(tree.dir, rel), 'utf8');
      const jsonc = /(^|\/)(tsconfig[^/]*|devcontainer)\.json$|(^|\/)\.(vscode|devcontainer)\//.test(rel);
      let value: unknown;
      try {
        value = JSON.parse(jsonc ? jsoncToJson(text) : text);
      } catch (e) {
        tree.rep.fail(CHECK, rel, undefined, `invalid JSON: ${(e as Error).message}`);
        continue;
      }
      if (!jsonc) {
        // JSON.parse keeps the last duplicate silently; the YAML parser (JSON is YAML 1.2) reports it.
        const doc = parseDocument(text, { uniqueKeys: true });
        for (const e of doc.errors.filter((x) => x.code === 'DUPLICATE_KEY')) tree.rep.fail(CHECK, rel, undefined, e.message.split('\n')[0]!);
      }
      if (!/\.schema\.json$/.test(rel) || !isObj(value)) continue;
      const draft = typeof value.$schema === 'string' ? value.$schema : 'draft-07';
      if (typeof value.$schema !== 'string') tree.rep.warn(CHECK, rel, undefined, 'no "$schema": compiled as draft-07');
      try {
        const { $id: _ignored, ...schema } = value; // independent of any $id collisions between trees
        schemaCompiler(draft).compile(schema);
      } catch (e) {
        tree.rep.fail(CHECK, rel, undefined, `JSON Schema does not compile (${draft}): ${(e as Error).message}`);
      }
    }
  }
}
