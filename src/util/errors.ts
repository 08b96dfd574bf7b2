// Typed errors and exit codes. Commands throw these; the one handler in main.ts prints them.
// A UserError is the user's to fix (message + where it came from + hint, never a stack); anything
// else is a bug in cn-scaffold and is printed with its stack. Every message goes through `printable`:
// it quotes keys, values, file names and manifest entries that come from the user, and those can hold
// terminal escape sequences (clear the screen, retitle the terminal) or be megabytes long.

// cancelled: the user declined at the confirmation (the summary of init, regenerate's "Apply?"): not an
// input error, and not a Ctrl-C either.
export const ExitCode = { ok: 0, user: 1, usage: 2, drift: 3, cancelled: 4, interrupted: 130 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface Problem {
  /** Dotted answer key (`services.0.name`) or a file path, when there is one. */
  key?: string;
  /** Where the offending value came from: `--set services.0.name=x`, `answers.yaml:12`, `default`. */
  origin?: string;
  message: string;
  /** How to fix it, as a command or edit the user can copy. */
  fix?: string;
  /** The rule behind it (rules table id), when there is one. */
  rule?: string;
}

export class UserError extends Error {
  readonly problems: Problem[];
  readonly exitCode: ExitCode;
  /**
   * Lines printed after the message and the problems (e.g. where the answers were saved and the command
   * that resumes). One entry per line: the message itself is printed as one line with its newlines
   * escaped, since it quotes values from the user.
   */
  readonly after: string[];
  constructor(message: string, problems: Problem[] = [], exitCode: ExitCode = ExitCode.user, after: string[] = []) {
    super(message);
    this.name = 'UserError';
    this.problems = problems;
    this.exitCode = exitCode;
    this.after = after;
  }
}

/** Bad command-line usage (unknown flag, missing argument): exit 2. */
export class UsageError extends UserError {
  constructor(message: string, problems: Problem[] = []) {
    super(message, problems, ExitCode.usage);
    this.name = 'UsageError';
  }
}

/** The user pressed Ctrl-C at a prompt. */
export class InterruptedError extends UserError {
  constructor() {
    super('Interrupted.', [], ExitCode.interrupted);
    this.name = 'InterruptedError';
  }
}

// C0 and C1 controls, DEL, and the bidirectional overrides that make text display in another order
// than it reads ("Trojan Source"). Newlines too: a value must not be able to print a line of its own.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** Longest text printed for one field of a message; the rest is counted, not shown. */
export const PRINT_MAX = 400;

/** Text safe to print on a terminal: control characters escaped (`\x1b`, `\n`), at most `max` characters. */
export function printable(text: string, max = PRINT_MAX): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  const safe = cut.replace(UNPRINTABLE, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return cut === text ? safe : `${safe}… (${text.length - max} more characters)`;
}

/** Problems printed in full; the rest are counted (one bad input must not print thousands of lines). */
export const PROBLEMS_SHOWN = 20;

export function formatProblems(err: UserError): string {
  const lines = [printable(err.message)];
  for (const p of err.problems.slice(0, PROBLEMS_SHOWN)) {
    const where = [p.key && printable(p.key, 200), p.origin ? `(from ${printable(p.origin, 200)})` : ''].filter(Boolean).join(' ');
    lines.push(`  ✖ ${where ? where + ': ' : ''}${printable(p.message)}`);
    if (p.fix) lines.push(`      fix: ${printable(p.fix)}`);
  }
  if (err.problems.length > PROBLEMS_SHOWN) lines.push(`  … and ${err.problems.length - PROBLEMS_SHOWN} more problems (fix these first)`);
  for (const line of err.after) lines.push(printable(line, 2000));
  return lines.join('\n');
}

/** What a failed system call on a user's path means, and what to do about it. */
const FS_ADVICE: Record<string, [string, string]> = {
  ENOENT: ['does not exist (or a symbolic link on the way points nowhere)', 'check the path; create the missing folder first'],
  ENOTDIR: ['a part of the path is a file, not a folder', 'choose another path'],
  EISDIR: ['is a folder, not a file', 'give the path of a file'],
  EEXIST: ['already exists', 'choose another path, or remove it'],
  EACCES: ['permission denied', 'choose a path you can write to, or fix its permissions'],
  EPERM: ['operation not permitted here', 'choose a directory in your workspace (not a system folder like /proc or /sys)'],
  EROFS: ['is on a read-only file system', 'choose a writable directory'],
  ENOSPC: ['no space left on the device', 'free some space, then run again'],
  EDQUOT: ['disk quota exceeded', 'free some space, then run again'],
  ELOOP: ['too many symbolic links (a link loop?)', 'fix the symbolic links on the path'],
  ENAMETOOLONG: ['the path is too long', 'choose a shorter path'],
  EBUSY: ['is busy (a mount point?)', 'choose another path'],
  EXDEV: ['crosses file systems', 'choose a target on one file system'],
  EMFILE: ['too many open files', 'raise the open-file limit (ulimit -n), then run again'],
};

/**
 * A failed system call on a user's path (Node's errors carry code, syscall and path) as a UserError
 * naming the path and what to do; undefined for anything else. Every file cn-scaffold touches at run
 * time is the user's (its own templates are compiled into the program), so these are never bugs.
 */
export function fsUserError(err: unknown, fallbackPath?: string): UserError | undefined {
  const e = err as NodeJS.ErrnoException;
  if (!(e instanceof Error) || typeof e.code !== 'string' || !(e.code in FS_ADVICE)) return undefined;
  const path = e.path ?? fallbackPath;
  if (path === undefined && !e.syscall) return undefined;
  const [what, fix] = FS_ADVICE[e.code]!;
  const action = e.syscall ? `${e.syscall} failed` : 'failed';
  return new UserError(`Cannot use ${path ?? 'a path'}: ${what}`, [{ key: path, message: `${action} (${e.code})`, fix }]);
}
