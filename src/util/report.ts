// How results reach the user: a change list for people, or JSON for machines. Human output goes to
// stderr when --json owns stdout; colour and the JSON form of a problem are in style.ts. Paths, keys
// and messages are printed through `printable` (errors.ts): a path can come from a tampered manifest and a
// message can quote an answer, both able to hold terminal escape sequences. (JSON escapes control characters.)
import type { ChangeSet, ChangeKind } from '../reconcile/reconcile.js';
import { summarize } from '../reconcile/reconcile.js';
import { printable, type Problem } from './errors.js';
import { paint, type Style } from './style.js';

export { paint, paintErrors, problemJson, useColour } from './style.js';

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

const STYLE_OF: Record<ChangeKind, Style> = { create: 'green', update: 'cyan', merge: 'cyan', conflict: 'red', keep: 'yellow', delete: 'red', skip: 'yellow', unchanged: 'dim' };

/** One line of a change list: `UPDATE    path  — reason`. */
export function changeLine(c: { kind: ChangeKind; path: string; reason?: string }, fd: 1 | 2 = 1): string {
  return `${paint(fd, STYLE_OF[c.kind], LABEL[c.kind].padEnd(9))} ${printable(c.path)}${c.reason ? `  — ${printable(c.reason)}` : ''}`;
}

/** The change list and its summary line; `hide`: a kind whose lines are left out (the summary still counts it). */
export function formatChanges(cs: ChangeSet, opts: { verbose?: boolean; hide?: ChangeKind } = {}): string {
  const lines: string[] = [];
  for (const c of cs.changes) {
    if ((c.kind === 'unchanged' && !opts.verbose) || c.kind === opts.hide) continue;
    lines.push(changeLine(c));
  }
  const s = summarize(cs);
  const parts = (Object.keys(s) as ChangeKind[]).filter((k) => s[k] > 0).map((k) => `${s[k]} ${LABEL[k].toLowerCase()}`);
  lines.push(parts.length ? parts.join(', ') : 'no changes');
  return lines.join('\n');
}

/** A titled list of warnings (bullet !) or notes (bullet -), for stderr. */
export function formatProblemList(title: string, problems: Problem[], bullet = '!'): string {
  if (problems.length === 0) return '';
  const head = bullet === '!' ? paint(2, 'yellow', title) : title;
  const mark = bullet === '!' ? paint(2, 'yellow', bullet) : bullet;
  return [head, ...problems.map((p) => `  ${mark} ${p.key ? printable(p.key, 200) + ': ' : ''}${printable(p.message)}${p.fix ? `\n      → ${printable(p.fix)}` : ''}`)].join('\n');
}

export function changesJson(cs: ChangeSet) {
  return cs.changes.map((c) => ({ path: c.path, action: c.kind, block: c.block, ...(c.reason ? { reason: c.reason } : {}) }));
}
