// Colour and the machine form of a problem, kept apart from the report code so the error handler
// (src/main.ts) can use them without loading the reconcile stage. Colour on terminals only: NO_COLOR
// (no-color.org), --no-color and TERM=dumb turn it off, FORCE_COLOR on; piped or redirected output
// stays plain. Node's own util.styleText makes the escape codes.
import { fstatSync } from 'node:fs';
import type { Problem } from './errors.js';

export type Style = 'red' | 'green' | 'yellow' | 'cyan' | 'dim' | 'bold';

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

// node:util only when there is colour to make (loading it costs ~1 ms of a run that prints plain text).
// styleText's options (validateStream, Node 22.13+) would judge process.stdout; the choice is made above.
type StyleText = (format: Style | Style[], text: string, options?: { validateStream?: boolean }) => string;
export const paint = (fd: 1 | 2, s: Style | Style[], text: string): string =>
  useColour(fd) ? (process.getBuiltinModule('node:util').styleText as StyleText)(s, text, { validateStream: false }) : text;

/** An error report (src/util/errors.ts formatProblems) with its headline and marks in colour. */
export function paintErrors(text: string): string {
  if (!useColour(2)) return text;
  const [head = '', ...rest] = text.split('\n');
  return [paint(2, ['red', 'bold'], head), ...rest.map((l) => l.replace(/^(\s*)\u2716/, (_, s: string) => `${s}${paint(2, 'red', '✖')}`).replace(/^(\s*)fix:/, (_, s: string) => `${s}${paint(2, 'green', 'fix:')}`))].join('\n');
}

/** A problem for --json: rule id, key, origin, message (without the trailing [rule]) and fix as fields. */
export function problemJson(p: Problem): { rule: string | null; key: string | null; origin: string | null; message: string; fix: string | null } {
  const message = p.rule ? p.message.replace(new RegExp(`\\s*\\[${p.rule.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\]$`), '') : p.message;
  return { rule: p.rule ?? null, key: p.key ?? null, origin: p.origin ?? null, message, fix: p.fix ?? null };
}

