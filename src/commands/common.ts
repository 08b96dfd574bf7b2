// Options every command shares, and the interactivity switch (DESIGN.md §6).
import { UsageError } from '../util/errors.js';
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
