// What regenerate, set, add and remove tell the user: the change list (in colour on a terminal), the
// rules' warnings and notes only when something changes, one line for `--check` when the repository is
// up to date, unresolved conflict markers reported as such, and the same as structured JSON.
import type { Change, ChangeKind, ChangeSet } from '../reconcile/reconcile.js';
import { summarize } from '../reconcile/reconcile.js';
import { MANIFEST_FILE } from '../reconcile/manifest.js';
import { ANSWERS_FILE } from '../config/answers-file.js';
import type { Problem } from '../util/errors.js';
import { changeLine, formatProblemList, LABEL, paint, problemJson } from '../util/report.js';
import { writeErr, writeOut } from '../util/output.js';

/**
 * One line per file. Unchanged files, and KEEPs of files that are still generated (edited by the
 * user, template unchanged: routine on every run), are listed only when verbose (dry run, check).
 */
export function formatChangeList(cs: ChangeSet, opts: { verbose: boolean; generated: ReadonlySet<string> | ReadonlyMap<string, unknown> }): string {
  const lines: string[] = [];
  for (const c of cs.changes) {
    if (c.kind === 'unchanged') continue;
    if (!opts.verbose && c.kind === 'keep' && opts.generated.has(c.path)) continue;
    lines.push(changeLine(c));
  }
  return lines.join('\n');
}

export interface Report {
  command: string;
  dir: string;
  changes: ChangeSet;
  modified: Change[];
  unresolved: string[];
  manifestChanged: boolean;
  /** About this run (the manifest, the tool version): always shown. */
  warnings: Problem[];
  /** The rules' warnings about the answers: shown when something changes. */
  ruleWarnings: Problem[];
  /** Rule infos: what the choices imply, not a problem. */
  notes: Problem[];
  migrations: string[];
  answersSaved: boolean;
  diffs: Map<string, string>;
  generated: ReadonlySet<string>;
}

export interface OutputOptions {
  json?: boolean;
}

export function output(r: Report, opts: OutputOptions, how: { mode: 'check' | 'dry-run' | 'apply'; drift?: boolean }): void {
  const counts = summarize(r.changes);
  const conflicts = r.changes.changes.filter((c) => c.kind === 'conflict').map((c) => c.path);
  const leftover = r.unresolved.filter((p) => !conflicts.includes(p));
  const changing = r.modified.length > 0 || r.manifestChanged;
  const ruleWarnings = changing ? r.ruleWarnings : [];
  const notes = changing ? r.notes : [];
  if (opts.json) {
    const files = r.changes.changes
      .filter((c) => c.kind !== 'unchanged')
      .map((c) => ({
        path: c.path,
        action: c.kind,
        block: c.block,
        ...(c.reason ? { reason: c.reason } : {}),
        ...(c.conflicts ? { conflicts: c.conflicts } : {}),
        ...(r.diffs.has(c.path) ? { diff: r.diffs.get(c.path) } : {}),
      }));
    const body = {
      ok: true,
      command: r.command,
      dir: r.dir,
      mode: how.mode,
      ...(how.mode === 'check' ? { drift: how.drift } : {}),
      written: how.mode === 'apply' && changing,
      counts,
      changed: r.modified.length,
      manifestChanged: r.manifestChanged,
      answersSaved: r.answersSaved,
      conflicts,
      unresolved: r.unresolved,
      files,
      migrations: r.migrations,
      warnings: [...r.warnings, ...ruleWarnings].map(problemJson),
      notes: notes.map(problemJson),
    };
    writeOut(JSON.stringify(body, null, 2) + '\n');
    for (const m of r.migrations) writeErr(m + '\n');
    return;
  }

  const err: string[] = [...r.migrations];
  const w = formatProblemList('Warnings:', [...r.warnings, ...ruleWarnings]);
  if (w) err.push(w);
  const n = formatProblemList('Notes:', notes, '-');
  if (n) err.push(n);
  // A CI drift gate with nothing to say says one line.
  if (how.mode === 'check' && !how.drift) {
    writeOut(`Up to date: ${r.dir} matches ${ANSWERS_FILE}.\n`);
    if (err.length) writeErr(err.join('\n') + '\n');
    return;
  }
  const out: string[] = [];
  if (how.mode === 'dry-run') out.push(`Dry run: nothing written. Changes for ${r.dir}:`);
  if (how.mode === 'check') out.push(`Check: nothing written. ${r.dir}:`);
  const list = formatChangeList(r.changes, { verbose: how.mode !== 'apply', generated: r.generated });
  if (list) out.push(list);
  for (const c of r.modified) {
    const d = r.diffs.get(c.path);
    if (d) out.push(d.trimEnd());
  }
  const parts = (Object.keys(counts) as ChangeKind[]).filter((k) => k !== 'unchanged' && counts[k] > 0).map((k) => `${counts[k]} ${LABEL[k].toLowerCase()}`);
  if (!changing) {
    if (r.unresolved.length === 0) out.push(`Up to date: no changes${parts.length ? ` (${parts.join(', ')})` : ''}.`);
  } else {
    const verb = how.mode === 'apply' ? 'Regenerated' : 'Would change';
    out.push(`${verb}: ${parts.join(', ') || `${MANIFEST_FILE} only`}.`);
    if (r.answersSaved) out.push(how.mode === 'apply' ? `Saved the new answers in ${ANSWERS_FILE}.` : `${ANSWERS_FILE} would be updated with the new answers.`);
  }
  if (conflicts.length || leftover.length) {
    const mark = paint(2, 'red', '✖');
    err.push(
      [
        how.mode === 'apply' || how.mode === 'check' ? 'Conflicts to resolve (exit 3):' : 'Conflicts:',
        ...conflicts.map((p) => `  ${mark} ${p}  — ${how.mode === 'apply' ? 'marked' : 'would be marked'} with <<<<<<< yours / ======= / >>>>>>> cn-scaffold`),
        ...leftover.map((p) => `  ${mark} ${p}  — still has unresolved conflict markers from an earlier run`),
        '  Edit each file: keep what you want between the markers, delete the marker lines, then run `cn-scaffold regenerate` again.',
      ].join('\n'),
    );
  }
  if (how.mode === 'check') {
    if (changing) out.push('Out of date (exit 3): run `cn-scaffold regenerate`.');
    else out.push(`Unresolved conflict markers (exit 3) in ${leftover.length} file(s): resolve them; the files are otherwise up to date.`);
  }
  writeOut(out.join('\n') + '\n');
  if (err.length) writeErr(err.join('\n') + '\n');
}
