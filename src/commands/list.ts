// `cn-scaffold list [category]`: the catalog — categories, slots, blocks with status and reasons,
// options with defaults and the key that sets them.
import { catalog } from '../catalog/registry.js';
import { answerKeys, type AnswerKey } from '../config/answer-keys.js';
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
  const keys = new Map(answerKeys(catalog).map((k) => [k.key, k]));
  // Applicability and contextual defaults, as declared next to the slot or option.
  const context = (k: AnswerKey | undefined) => ({
    ...(k?.when ? { when: k.when.text } : {}),
    ...(k?.defaults.length ? { defaults: k.defaults.map((d) => ({ value: d.value, when: d.when.text, because: d.because })) } : {}),
  });
  const data = cats.map((c) => ({
    id: c.id,
    title: c.title,
    summary: c.summary,
    slots: c.slots.map((s) => ({
      key: `${c.id}.${s.key}`,
      title: s.title,
      default: s.default,
      optional: Boolean(s.optional),
      ...context(keys.get(`${c.id}.${s.key}`)),
      blocks: catalog.blocks
        .filter((b) => b.category === c.id && b.slot === s.key)
        .map((b) => ({
          id: b.id,
          title: b.title,
          status: b.status,
          summary: b.summary,
          ...(b.statusNote ? { reason: b.statusNote } : {}),
          ...(b.successor ? { successor: b.successor } : {}),
          options: Object.keys(b.options.shape).map((k) => {
            const o = keys.get(`${c.id}.${b.id}.${k}`)!;
            return { key: o.key, type: o.type, default: o.staticDefault ?? null, ...(o.type === 'enum' ? { values: o.values } : {}), description: o.description ?? '', ...context(o) };
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
      out.push(`  ${s.title}: --set ${s.key}=<block>   default: ${s.default}${s.optional ? ' (or none)' : ''}${s.when ? `; asked when ${s.when}` : ''}`);
      for (const d of s.defaults ?? []) out.push(`    default ${JSON.stringify(d.value)} when ${d.when} (${d.because})`);
      for (const b of s.blocks) {
        out.push(`    ${b.id.padEnd(16)} [${b.status}] ${b.title} — ${b.summary}`);
        if (b.reason) out.push(`${' '.repeat(22)}${b.status === 'archived' ? 'refused' : 'warning'}: ${b.reason}${b.successor ? `; use ${b.successor}` : ''}`);
        for (const o of b.options) {
          out.push(`${' '.repeat(22)}${o.key} (${o.values ? o.values.join('|') : o.type}, default ${JSON.stringify(o.default)}) ${o.description}`);
          if (o.when) out.push(`${' '.repeat(24)}applies when ${o.when}`);
          for (const d of o.defaults ?? []) out.push(`${' '.repeat(24)}default ${JSON.stringify(d.value)} when ${d.when} (${d.because})`);
        }
      }
    }
    out.push('');
  }
  writeOut(out.join('\n'));
  return 0;
}
