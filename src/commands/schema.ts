// `cn-scaffold schema`: the JSON Schema of cn-scaffold.yaml, generated from the same zod schema that
// validates it (also written into every generated repository as .cn-scaffold/schema.json).
import { statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { catalog } from '../catalog/registry.js';
import { answersSchemaText } from '../config/answers-file.js';
import { shellArg } from '../util/shell.js';
import { UsageError, fsUserError } from '../util/errors.js';
import { writeOut } from '../util/output.js';

export async function schema(opts: { out?: string }): Promise<number> {
  const text = answersSchemaText(catalog);
  if (!opts.out) {
    writeOut(text);
    return 0;
  }
  const out = opts.out;
  // The two mistakes people make with --out, each answered with the command that works.
  if (statSync(out, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`--out ${out} is a folder`, [{ key: out, message: 'give the path of the file to write', fix: `cn-scaffold schema --out ${shellArg(join(out, 'cn-scaffold.schema.json'))}` }]);
  }
  const folder = dirname(out);
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`--out ${out}: the folder ${folder} does not exist`, [{ key: folder, message: 'the schema is written into an existing folder', fix: `mkdir -p ${shellArg(folder)} && cn-scaffold schema --out ${shellArg(out)}` }]);
  }
  try {
    writeFileSync(out, text);
  } catch (err) {
    throw fsUserError(err, out) ?? err;
  }
  return 0;
}
