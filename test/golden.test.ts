// Golden trees: the full output for a few answer files, committed as real files under
// test/golden/<case>/tree so every change to generated output shows up as a reviewable diff.
// Refresh after an intended change with:  UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { readAnswersText } from '../src/config/sources.js';
import { renderProject } from '../src/generate.js';
import { ROOT } from './support/cli.js';

const GOLDEN = join(ROOT, 'test/golden');
const update = Boolean(process.env.UPDATE_GOLDEN);
// A generated .gitignore inside test/golden would apply to this repository: store it renamed.
const toDisk = (p: string) => p.replace(/(^|\/)\.gitignore$/, '$1gitignore.golden');
const fromDisk = (p: string) => p.replace(/(^|\/)gitignore\.golden$/, '$1.gitignore');

function readDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const f = join(d, n);
      if (statSync(f).isDirectory()) walk(f);
      else out[fromDisk(relative(dir, f))] = readFileSync(f, 'utf8');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

describe.each(readdirSync(GOLDEN).filter((c) => existsSync(join(GOLDEN, c, 'answers.yaml'))))('golden %s', (name) => {
  test('rendered tree equals the committed golden tree', () => {
    const answers = join(GOLDEN, name, 'answers.yaml');
    const { tree } = renderProject(readAnswersText(readFileSync(answers, 'utf8'), answers), catalog);
    const rendered = Object.fromEntries([...tree].map(([p, f]) => [p, f.content]));
    const dir = join(GOLDEN, name, 'tree');
    if (update) {
      rmSync(dir, { recursive: true, force: true });
      for (const [p, c] of Object.entries(rendered)) {
        mkdirSync(dirname(join(dir, toDisk(p))), { recursive: true });
        writeFileSync(join(dir, toDisk(p)), c);
      }
    }
    const golden = readDir(dir);
    expect(Object.keys(rendered).sort()).toEqual(Object.keys(golden).sort());
    for (const p of Object.keys(rendered)) expect(rendered[p], `${name}/${p} differs from the golden file (UPDATE_GOLDEN=1 to accept)`).toBe(golden[p]);
  });
});
