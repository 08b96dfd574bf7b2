// Options every command shares, the interactivity switch (DESIGN.md §6), and the target directory.
import { UsageError, UserError } from '../util/errors.js';
import { realTarget } from '../util/paths.js';
import { shellArg } from '../util/shell.js';
import { writeErr } from '../util/output.js';
export interface CommonOptions {
  json?: boolean;
  debug?: boolean;
  /** commander sets this from --interactive / --no-interactive. */
  interactive?: boolean;
  yes?: boolean;
}

/** Interactive only on a TTY without CI (or when forced); never with --yes or --json. */
export function isInteractive(opts: CommonOptions): boolean {
  if (opts.yes || opts.json) return false;
  if (opts.interactive === false) return false;
  // isatty(fd), not process.stdin.isTTY: the stdin getter builds a stream (~1.5 ms) that a run without
  // prompts never uses. node:tty itself loads node:net: only loaded when the answer depends on it.
  const isatty = (fd: number) => process.getBuiltinModule('node:tty').isatty(fd);
  if (opts.interactive === true) {
    if (!isatty(0)) throw new UsageError('--interactive needs a terminal on stdin', [{ message: 'stdin is not a TTY', fix: 'drop --interactive and pass answers with flags, --set or --answers' }]);
    return true;
  }
  return !process.env.CI && isatty(0) && isatty(1);
}

/**
 * The directory a command works on, every symbolic link on the way resolved. A command that writes
 * refuses a path through a link unless --force (the files would land where the link points, not where
 * the user looked); `flag` is how the directory was given, for the fix.
 */
export function targetDir(dirArg: string | undefined, opts: { force?: boolean }, writes: boolean, flag = ''): string {
  const t = realTarget(dirArg ?? '.');
  if (t.link === undefined || !writes) return t.real;
  if (!opts.force) {
    throw new UserError(`${t.given} goes through a symbolic link`, [
      { key: t.link, message: `is a symbolic link: the files would be written to ${t.real}`, fix: `give the real folder instead (${flag}${shellArg(t.real)}), or add --force to write through the link` },
    ]);
  }
  writeErr(`Writing to ${t.real} (${t.link} is a symbolic link; --force)\n`);
  return t.real;
}
