// Typed errors and exit codes. Commands throw these; the one handler in cli.ts prints them.
// A UserError is the user's to fix (message + where it came from + hint, never a stack); anything
// else is a bug in cn-scaffold and is printed with its stack.

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
  constructor(message: string, problems: Problem[] = [], exitCode: ExitCode = ExitCode.user) {
    super(message);
    this.name = 'UserError';
    this.problems = problems;
    this.exitCode = exitCode;
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

export function formatProblems(err: UserError): string {
  const lines = [err.message];
  for (const p of err.problems) {
    const where = [p.key, p.origin ? `(from ${p.origin})` : ''].filter(Boolean).join(' ');
    lines.push(`  ✖ ${where ? where + ': ' : ''}${p.message}`);
    if (p.fix) lines.push(`      fix: ${p.fix}`);
  }
  return lines.join('\n');
}
