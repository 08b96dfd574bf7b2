// How results reach the user: a change list for people, or JSON for machines. Human output goes to
// stderr when --json owns stdout. Colour on terminals only: NO_COLOR (no-color.org), --no-color and
// TERM=dumb turn it off, FORCE_COLOR on; piped or redirected output stays plain.
import { fstatSync } from 'node:fs';
import { styleText } from 'node:util';
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

type Style = 'red' | 'green' | 'yellow' | 'cyan' | 'dim' | 'bold';
const STYLE_OF: Record<ChangeKind, Style> = { create: 'green', update: 'cyan', merge: 'cyan', conflict: 'red', keep: 'yellow', delete: 'red', skip: 'yellow', unchanged: 'dim' };

const colourCache = new Map<number, boolean>();
/**
 * Whether text for this file descriptor gets colour. A terminal is a character device: fstat answers
 * that without loading node:tty (and node:net behind it), which a run that prints a few lines would pay.
 */
export function useColour(fd: 1 | 2): boolean {
  let on = colourCache.get(fd);
  if (on === undefined) {
    const env = process.env;
    if ((env.NO_COLOR ?? '') !== '' || process.argv.includes('--no-color') || env.TERM === 'dumb') on = false;
    else if ((env.FORCE_COLOR ?? '') !== '' && env.FORCE_COLOR !== '0') on = true;
    else {
      try {
        on = fstatSync(fd).isCharacterDevice();
      } catch {
        on = false;
      }
    }
    colourCache.set(fd, on);
  }
  return on;
}

// styleText's options (validateStream, Node 22.13+) would judge process.stdout; the choice is made above.
const style = styleText as (format: Style | Style[], text: string, options?: { validateStream?: boolean }) => string;
export const paint = (fd: 1 | 2, s: Style | Style[], text: string): string => (useColour(fd) ? style(s, text, { validateStream: false }) : text);

export function changeLine(c: { kind: ChangeKind; path: string; reason?: string }, fd: 1 | 2 = 1): string {
  return `${paint(fd, STYLE_OF[c.kind], LABEL[c.kind].padEnd(9))} ${c.path}${c.reason ? `  — ${c.reason}` : ''}`;
}

export function formatChanges(cs: ChangeSet, opts: { verbose?: boolean } = {}): string {
  const lines: string[] = [];
  for (const c of cs.changes) {
    if (c.kind === 'unchanged' && !opts.verbose) continue;
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
  return [head, ...problems.map((p) => `  ${mark} ${p.key ? p.key + ': ' : ''}${p.message}${p.fix ? `\n      → ${p.fix}` : ''}`)].join('\n');
}

/** An error report (src/util/errors.ts formatProblems) with its headline and marks in colour. */
export function paintErrors(text: string): string {
  if (!useColour(2)) return text;
  const [head = '', ...rest] = text.split('\n');
  return [paint(2, ['red', 'bold'], head), ...rest.map((l) => l.replace(/^(\s*)✖/, (_, s: string) => `${s}${paint(2, 'red', '✖')}`).replace(/^(\s*)fix:/, (_, s: string) => `${s}${paint(2, 'green', 'fix:')}`))].join('\n');
}

/** A problem for --json: rule id, key, origin, message (without the trailing [rule]) and fix as fields. */
export function problemJson(p: Problem): { rule: string | null; key: string | null; origin: string | null; message: string; fix: string | null } {
  const message = p.rule ? p.message.replace(new RegExp(`\\s*\\[${p.rule.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\]$`), '') : p.message;
  return { rule: p.rule ?? null, key: p.key ?? null, origin: p.origin ?? null, message, fix: p.fix ?? null };
}

export function changesJson(cs: ChangeSet) {
  return cs.changes.map((c) => ({ path: c.path, action: c.kind, block: c.block, ...(c.reason ? { reason: c.reason } : {}) }));
}
