// How results reach the user: a change list for people, or JSON for machines. Human output goes to
// stderr when --json owns stdout.
import type { ChangeSet, ChangeKind } from '../reconcile/reconcile.js';
import { summarize } from '../reconcile/reconcile.js';
import type { Problem } from './errors.js';

/** How each change kind is shown to people (init, regenerate, set). */
export const LABEL: Record<ChangeKind, string> = {
  create: 'CREATE',
  update: 'UPDATE',
  merge: 'MERGE',
  conflict: 'CONFLICT',
  keep: 'KEEP',
  delete: 'DELETE',
  skip: 'SKIP',
  unchanged: 'unchanged',
};

export function formatChanges(cs: ChangeSet, opts: { verbose?: boolean } = {}): string {
  const lines: string[] = [];
  for (const c of cs.changes) {
    if (c.kind === 'unchanged' && !opts.verbose) continue;
    lines.push(`${LABEL[c.kind].padEnd(9)} ${c.path}${c.reason ? `  — ${c.reason}` : ''}`);
  }
  const s = summarize(cs);
  const parts = (Object.keys(s) as ChangeKind[]).filter((k) => s[k] > 0).map((k) => `${s[k]} ${LABEL[k].toLowerCase()}`);
  lines.push(parts.length ? parts.join(', ') : 'no changes');
  return lines.join('\n');
}

export function formatProblemList(title: string, problems: Problem[], bullet = '!'): string {
  if (problems.length === 0) return '';
  return [title, ...problems.map((p) => `  ${bullet} ${p.key ? p.key + ': ' : ''}${p.message}${p.fix ? `\n      → ${p.fix}` : ''}`)].join('\n');
}

export function changesJson(cs: ChangeSet) {
  return cs.changes.map((c) => ({ path: c.path, action: c.kind, block: c.block, ...(c.reason ? { reason: c.reason } : {}) }));
}
