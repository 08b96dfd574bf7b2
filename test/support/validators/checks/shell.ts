// Check 7: shell scripts (*.sh, *.bash, extension-less files with a sh/bash/dash/ksh shebang) with shellcheck
// (Debian). error/warning fail, info/style warn. One shellcheck process for many files (also used for the
// `run:` scripts of workflows), since starting it is the expensive part.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Tree } from '../inventory.js';
import { chunks, missingToolMessage, run, which } from '../util.js';

const CHECK = 'shell';

export interface ShellcheckComment {
  file: string;
  line: number;
  level: string;
  code: number;
  message: string;
}

/** Runs shellcheck over `files` (absolute paths) in batches; null when shellcheck is missing. */
export async function shellcheck(files: string[], extra: string[] = []): Promise<ShellcheckComment[] | null> {
  const bin = await which('shellcheck');
  if (!bin) return null;
  const out: ShellcheckComment[] = [];
  for (const batch of chunks(files, 200)) {
    const r = await run(bin, ['-f', 'json1', ...extra, ...batch]);
    try {
      out.push(...(JSON.parse(r.stdout) as { comments: ShellcheckComment[] }).comments);
    } catch {
      throw new Error(`shellcheck produced no JSON (exit ${r.code}): ${r.stderr.trim()}`);
    }
  }
  return out;
}

async function isShellScript(abs: string, rel: string): Promise<boolean> {
  if (/\.(sh|bash)$/.test(rel)) return true;
  if (path.posix.basename(rel).includes('.')) return false;
  const head = (await readFile(abs, 'utf8').catch(() => '')).slice(0, 200);
  return /^#!\s*\/\S*\/(env\s+)?(sh|bash|dash|ksh)\b/.test(head) || /^#!\s*\/bin\/(sh|bash|dash|ksh)\b/.test(head);
}

export async function checkShell(trees: Tree[]): Promise<void> {
  const owners = new Map<string, { tree: Tree; rel: string }>();
  for (const tree of trees) {
    for (const rel of tree.files) {
      const abs = path.join(tree.dir, rel);
      if (!(await isShellScript(abs, rel))) continue;
      owners.set(abs, { tree, rel });
      tree.rep.checked(CHECK);
    }
  }
  if (owners.size === 0) return;
  // -x follows `source` of files given on the command line; SC1091 is "not following" an absent file.
  const comments = await shellcheck([...owners.keys()], ['-x', '-e', 'SC1091']);
  if (!comments) {
    for (const { tree, rel } of owners.values()) tree.rep.fail(CHECK, rel, undefined, missingToolMessage('shellcheck'));
    return;
  }
  for (const c of comments) {
    const o = owners.get(c.file);
    if (!o) continue;
    const msg = `line ${c.line}: SC${c.code} (${c.level}): ${c.message}`;
    if (c.level === 'error' || c.level === 'warning') o.tree.rep.fail(CHECK, o.rel, undefined, msg);
    else o.tree.rep.warn(CHECK, o.rel, undefined, msg);
  }
}
