// `cn-scaffold schema`: the JSON Schema of cn-scaffold.yaml, generated from the same zod schema that
// validates it (also written into every generated repository as .cn-scaffold/schema.json).
import { writeFile } from 'node:fs/promises';
import { catalog } from '../catalog/registry.js';
import { answersSchemaText } from '../config/answers-file.js';
import { writeOut } from '../util/output.js';

export async function schema(opts: { out?: string }): Promise<number> {
  const text = answersSchemaText(catalog);
  if (opts.out) await writeFile(opts.out, text);
  else writeOut(text);
  return 0;
}
