// Options that hold a regular expression are checked as one. Apart from schema.ts so that a block
// using it (cosign) does not load the whole answers schema when the program starts.
import * as z from 'zod';

/**
 * Why a pattern is not a regular expression cosign, Kyverno and Ratify accept (Go's RE2 syntax), or
 * undefined. JavaScript compiles it after RE2-only forms are mapped to theirs ((?i) flags, (?P<name>...),
 * \A and \z); RE2 has no lookaround, backreferences or atomic groups (https://github.com/google/re2/wiki/Syntax).
 */
export function regexpProblem(pattern: string): string | undefined {
  if (/\(\?<?[=!]|\(\?>|\\[1-9]/.test(pattern)) return 'lookaround, atomic groups and backreferences are not in Go RE2 syntax';
  const js = pattern
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?[imsU]+\)/g, '')
    .replace(/\(\?[imsU]*(-[imsU]+)?:/g, '(?:')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$');
  try {
    new RegExp(js);
    return undefined;
  } catch (err) {
    return (err as Error).message.replace(/^Invalid regular expression: \/.*\/: /, '');
  }
}

/** A string option that holds a regular expression (checked as one). */
export const regularExpression = (what: string) =>
  z
    .string()
    .min(1, { error: `${what} must not be empty` })
    .superRefine((v, ctx) => {
      const problem = regexpProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: `${what} must be a regular expression (Go RE2 syntax): ${problem}` });
    });
