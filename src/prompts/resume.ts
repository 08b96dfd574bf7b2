// Nothing lost: when a walk ends without generating (Ctrl-C, a cancelled summary, a failed generation),
// the answers given so far are written to .cn-scaffold-answers.yaml in the current directory (or printed
// when that cannot be written), and the message says how to resume. The one write outside the target
// besides apply.ts: a file of the user's own answers, created with mode 0600 and never through a link.
import { closeSync, constants, openSync, rmSync, writeSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { toYamlBlock } from '../render/helpers.js';
import type { RawAnswers } from '../config/sources.js';
import { ANSWERS_VERSION } from '../config/schema.js';

export const RESUME_FILE = '.cn-scaffold-answers.yaml';

/** The answers as YAML (unset entries dropped), with a header saying how to resume. */
export function resumeText(raw: RawAnswers, command: string): string {
  const data = JSON.parse(JSON.stringify({ version: ANSWERS_VERSION, ...raw.data })) as Record<string, unknown>;
  return `# Answers of an unfinished \`cn-scaffold init\`. Resume with:\n#   ${command}\n` + toYamlBlock(data) + '\n';
}

/** The command that resumes the walk from the saved answers. */
function resumeCommand(dirArg: string | undefined, file: string): string {
  return `cn-scaffold init ${dirArg && dirArg !== '.' ? `${dirArg} ` : ''}--answers ${file}`;
}

export interface Saved {
  /** What to print: where the answers are and how to resume (or the answers themselves). */
  text: string;
  /** The command that resumes (undefined when the file could not be written). */
  resume?: string;
  file?: string;
}

/**
 * Saves the answers. Synchronous: it also runs from the SIGINT handler. The file is replaced if a
 * previous unfinished walk left one.
 */
export function saveAnswers(raw: RawAnswers, dirArg: string | undefined): Saved {
  const path = resolve(RESUME_FILE);
  const shown = relative(process.cwd(), path) || RESUME_FILE;
  const command = resumeCommand(dirArg, shown);
  const text = resumeText(raw, command);
  try {
    const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    return { text: `Your answers are saved in ${shown}. Resume with:\n  ${command}`, resume: command, file: shown };
  } catch (err) {
    return { text: `Could not save your answers in ${shown} (${(err as NodeJS.ErrnoException).code ?? err}); here they are: save them as a file and pass it with --answers.\n${text}` };
  }
}

/** A resume file passed with --answers is used up once the repository is generated. */
export function consumeResumeFile(answersOption: string | undefined): void {
  if (answersOption && basename(answersOption) === RESUME_FILE) rmSync(answersOption, { force: true });
}
