// Catalog conformance: the registry, the categories and templates/ agree; every option has a question;
// every slot default is a registered block; every template compiles in strict mode.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, test } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { fullId } from '../src/catalog/define.js';
import { ROOT } from './support/cli.js';

const TEMPLATES = join(ROOT, 'templates');
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));

describe('catalog', () => {
  test('block ids are unique and belong to a declared category slot', () => {
    const ids = catalog.blocks.map(fullId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const b of catalog.blocks) {
      const cat = catalog.categories.find((c) => c.id === b.category);
      expect(cat, fullId(b)).toBeDefined();
      expect(cat!.slots.map((s) => s.key), fullId(b)).toContain(b.slot);
    }
  });

  test('every slot default is a registered, non-archived block (or none for optional slots)', () => {
    for (const cat of catalog.categories) {
      for (const slot of cat.slots) {
        const blocks = catalog.blocks.filter((b) => b.category === cat.id && b.slot === slot.key);
        if (blocks.length === 0) continue;
        for (const d of [slot.default].flat()) {
          if (d === 'none') expect(slot.optional, `${cat.id}.${slot.key}`).toBe(true);
          else expect(blocks.find((b) => b.id === d && b.status !== 'archived'), `${cat.id}.${slot.key} default ${d}`).toBeDefined();
        }
      }
    }
  });

  test('every option has a question or an explicit null, and a description', () => {
    for (const b of catalog.blocks) {
      for (const [k, schema] of Object.entries(b.options.shape)) {
        expect(Object.keys(b.questions), `${fullId(b)}.${k}`).toContain(k);
        expect((schema as { description?: string }).description, `${fullId(b)}.${k} needs .describe()`).toBeTruthy();
      }
    }
  });

  test('legacy and archived blocks explain why and name a successor in the same slot', () => {
    for (const b of catalog.blocks.filter((x) => x.status === 'legacy' || x.status === 'archived')) {
      expect(b.statusNote, fullId(b)).toMatch(/\w{10,}/);
      if (b.successor) expect(catalog.blocks.some((x) => x.category === b.category && x.slot === b.slot && x.id === b.successor)).toBe(true);
    }
  });

  test('every templates/<category>/<entry> is a registered block or is used by the blocks of its category', () => {
    const blockIds = new Set(catalog.blocks.map(fullId));
    for (const cat of readdirSync(TEMPLATES)) {
      if (cat === 'base') continue;
      expect(catalog.categories.map((c) => c.id), `templates/${cat}`).toContain(cat);
      const blockSources = readdirSync(join(ROOT, 'src/blocks', cat)).map((f) => readFileSync(join(ROOT, 'src/blocks', cat, f), 'utf8')).join('\n');
      for (const entry of readdirSync(join(TEMPLATES, cat))) {
        if (blockIds.has(`${cat}/${entry}`)) continue;
        // Anything else at category level is shared by the category's blocks and must be used by one of them.
        expect(blockSources.includes(`${cat}/${entry}`), `templates/${cat}/${entry} is neither a block nor used by a block of ${cat}`).toBe(true);
      }
    }
  });

  test('every .hbs template compiles in strict mode', () => {
    const hbs = walk(TEMPLATES).filter((f) => f.endsWith('.hbs'));
    expect(hbs.length).toBeGreaterThan(10);
    for (const f of hbs) {
      expect(() => Handlebars.precompile(readFileSync(f, 'utf8'), { strict: true, noEscape: true }), relative(ROOT, f)).not.toThrow();
    }
  });

  test('Helm templates are never Handlebars: no .hbs inside a chart templates/ folder', () => {
    const bad = walk(TEMPLATES).filter((f) => /\/chart\/templates\/.*\.hbs$/.test(f));
    expect(bad).toEqual([]);
  });

  // One non-ASCII character makes V8 store the whole rendered file as UTF-16: twice the memory of the
  // tree held before writing, and slower parse-back and hashing. Write `section`, `-`, `<=` instead.
  test('templates are ASCII', () => {
    const bad = walk(TEMPLATES)
      .filter((f) => /[^\x00-\x7F]/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(bad).toEqual([]);
  });
});
