// `cn-scaffold list [category]`: the catalog — categories, slots, blocks with status and reasons,
// options with defaults and the key that sets them.
import type { z } from 'zod';
import { catalog } from '../catalog/registry.js';
import { describeOption } from '../prompts/walk.js';
import { UsageError } from '../util/errors.js';
import { closest } from '../config/issues.js';
import { writeOut } from '../util/output.js';

export async function list(category: string | undefined, opts: { json?: boolean }): Promise<number> {
  const cats = catalog.categories.filter((c) => !category || c.id === category);
  if (category && cats.length === 0) {
    const ids = catalog.categories.map((c) => c.id);
    const guess = closest(category, ids);
    throw new UsageError(`Unknown category '${category}'`, [{ message: `categories: ${ids.join(', ')}`, fix: guess ? `cn-scaffold list ${guess}` : 'cn-scaffold list' }]);
  }
  const data = cats.map((c) => ({
    id: c.id,
    title: c.title,
    summary: c.summary,
    slots: c.slots.map((s) => ({
      key: `${c.id}.${s.key}`,
      title: s.title,
      default: s.default,
      optional: Boolean(s.optional),
      blocks: catalog.blocks
        .filter((b) => b.category === c.id && b.slot === s.key)
        .map((b) => ({
          id: b.id,
          title: b.title,
          status: b.status,
          summary: b.summary,
          ...(b.statusNote ? { reason: b.statusNote } : {}),
          ...(b.successor ? { successor: b.successor } : {}),
          options: Object.entries(b.options.shape).map(([k, schema]) => {
            const d = describeOption(schema as z.ZodType);
            return { key: `${c.id}.${b.id}.${k}`, type: d.type, default: d.default ?? null, ...(d.values ? { values: d.values } : {}), description: d.description ?? '' };
          }),
        })),
    })),
  }));
  if (opts.json) {
    writeOut(JSON.stringify(data, null, 2) + '\n');
    return 0;
  }
  const out: string[] = [];
  for (const c of data) {
    out.push(`${c.title} (${c.id}) — ${c.summary}`);
    const slots = c.slots.filter((s) => s.blocks.length > 0);
    if (slots.length === 0) out.push('  (no blocks yet)');
    for (const s of slots) {
      out.push(`  ${s.title}: --set ${s.key}=<block>   default: ${s.default}${s.optional ? ' (or none)' : ''}`);
      for (const b of s.blocks) {
        out.push(`    ${b.id.padEnd(16)} [${b.status}] ${b.title} — ${b.summary}`);
        if (b.reason) out.push(`${' '.repeat(22)}${b.status === 'archived' ? 'refused' : 'warning'}: ${b.reason}${b.successor ? `; use ${b.successor}` : ''}`);
        for (const o of b.options) out.push(`${' '.repeat(22)}${o.key} (${o.values ? o.values.join('|') : o.type}, default ${JSON.stringify(o.default)}) ${o.description}`);
      }
    }
    out.push('');
  }
  writeOut(out.join('\n'));
  return 0;
}
