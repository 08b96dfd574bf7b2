// Issue #3: every generated file, across the choice space the rules allow, is valid for the real tool
// that consumes it. Trees are rendered in one process and validated together (tool runs are batched).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { renderProject } from '../src/generate.js';
import { UserError } from '../src/util/errors.js';
import { buildMatrix, type Combination } from './support/matrix.js';
import { formatReport, validateTrees, type ValidationReport } from './support/validators/index.js';
import { tmp } from './support/cli.js';

const matrix = buildMatrix();
let work: string;
const reports = new Map<string, ValidationReport>();
const fileCounts = new Map<string, number>();

async function writeCombination(c: Combination): Promise<string> {
  const { tree } = renderProject(c.raw, catalog);
  const dir = join(work, c.name);
  for (const [path, f] of tree) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), f.content, { mode: f.executable ? 0o755 : 0o644 });
  }
  fileCounts.set(c.name, tree.size);
  return dir;
}

beforeAll(async () => {
  work = await tmp('cn-matrix-');
  const dirs: string[] = [];
  for (const c of matrix.valid) dirs.push(await writeCombination(c));
  const results = await validateTrees(dirs);
  matrix.valid.forEach((c, i) => reports.set(c.name, results.get(dirs[i]!)!));
}, 540_000);

afterAll(async () => {
  const checks = new Map<string, number>();
  const notValidated = new Map<string, string>();
  for (const r of reports.values()) {
    for (const [k, v] of Object.entries(r.counts)) checks.set(k, (checks.get(k) ?? 0) + v.checked);
    for (const n of r.notValidated) notValidated.set(n.object ?? n.file, n.message);
  }
  const files = [...fileCounts.values()].reduce((a, b) => a + b, 0);
  const lines = [
    `combination matrix: ${matrix.valid.length} valid trees, ${matrix.invalid.length} rejected combinations, ${files} files`,
    `checks run: ${[...checks].map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `not validated (${notValidated.size} kinds): ${[...notValidated].map(([k, v]) => `${k} — ${v}`).join('; ') || 'none'}`,
    ...matrix.unreachable.map((u) => `excluded by the rules: ${u}`),
  ];
  console.log(lines.join('\n'));
  if (process.env.CN_KEEP_MATRIX) console.log(`trees kept in ${work}`);
  else await rm(work, { recursive: true, force: true });
});

describe('combination matrix', () => {
  test('covers every slot value and option value that the rules allow', () => {
    expect(matrix.valid.length).toBeGreaterThan(5);
    for (const u of matrix.unreachable) expect(u, 'every unreachable value must be explained by a rule or archived status').toMatch(/archived|\[|:.{10,}/);
  });

  test.each(matrix.valid.map((c) => [c.name, c] as const))('%s validates with 0 failures', (name) => {
    const r = reports.get(name)!;
    expect(r.failures, formatReport(r)).toEqual([]);
  });

  test.each(matrix.invalid.map((c) => [c.name, c] as const))('%s is rejected with the rule message', (_name, c) => {
    let error: unknown;
    try {
      renderProject(c.raw, catalog);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    const text = [(error as UserError).message, ...(error as UserError).problems.map((p) => p.message)].join('\n');
    expect(text).toContain(c.expected);
  });
});
