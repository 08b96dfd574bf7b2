// Colour and the machine form of a problem, kept apart from the report code so the error handler
// (src/main.ts) can use them without loading the reconcile stage. Colour on terminals only: NO_COLOR
// (no-color.org), --no-color and TERM=dumb turn it off, FORCE_COLOR on; piped or redirected output
// stays plain. The escape codes are Node's own (util.inspect.colors).
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
// The escape codes come from util.inspect.colors, the table util.styleText reads, not from styleText
// itself: its `stream` option defaults to process.stdout, which it builds even when told not to judge
// the stream, and building it on a terminal loads node:tty and node:net (~1.5 ms).
export const paint = (fd: 1 | 2, s: Style | Style[], text: string): string => {
  if (!useColour(fd)) return text;
  const colors = process.getBuiltinModule('node:util').inspect.colors;
  let open = '';
  let close = '';
  for (const style of Array.isArray(s) ? s : [s]) {
    const [on, off] = colors[style]!;
    open += `\u001b[${on}m`;
    close = `\u001b[${off}m${close}`;
  }
  return open + text + close;
};

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

