// Validation as the user types: the schema's own messages where it has written ones, and plain words
// instead of the library's wording ("Too small: expected number to be >=1") where it has not.
import type * as z from 'zod';

function friendly(issue: z.core.$ZodIssue): string {
  const i = issue as z.core.$ZodIssue & { minimum?: number | bigint; maximum?: number | bigint; origin?: string; expected?: string; format?: string; pattern?: string };
  // A message the schema wrote itself is kept; zod's generic ones start like these.
  if (!/^(Too small|Too big|Invalid|Expected|Required)/.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'too_small':
      return i.origin === 'string' ? (Number(i.minimum) <= 1 ? 'an answer is required' : `at least ${i.minimum} characters`) : `must be at least ${i.minimum}`;
    case 'too_big':
      return i.origin === 'string' ? `at most ${i.maximum} characters` : `must be at most ${i.maximum}`;
    case 'invalid_type':
      return i.expected === 'int' ? 'must be a whole number' : `must be a ${i.expected === 'number' ? 'number' : 'value of type ' + i.expected}`;
    case 'invalid_format':
      return i.format === 'url' ? 'must be a URL, e.g. https://example.com' : i.format === 'regex' ? `does not have the expected form (${i.pattern})` : `must be a valid ${i.format}`;
    case 'invalid_value':
      return 'is not one of the allowed values';
    default:
      return issue.message;
  }
}

/** A validator for a prompt: true, or the first problem in words a user understands. */
export const schemaCheck =
  (schema: z.ZodType) =>
  (v: unknown): true | string => {
    const r = schema.safeParse(v);
    return r.success ? true : friendly(r.error.issues[0]!);
  };
