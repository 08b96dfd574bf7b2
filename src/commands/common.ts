// Options every command shares, and the interactivity switch (DESIGN.md §6).
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
  const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  if (opts.interactive === true) return tty || Boolean(process.stdin.isTTY);
  return tty && !process.env.CI;
}
