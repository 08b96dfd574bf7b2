// The one module that imports the prompt library (the @inquirer/prompts family). Ctrl-C becomes
// InterruptedError (exit 130); it never runs without a TTY (the caller checks, this is a second guard).
// The prompts are imported from their own packages: @inquirer/prompts' index also pulls in the
// editor prompt and its 480 KB iconv-lite, which every start would then load for nothing.
import checkbox from '@inquirer/checkbox';
import confirm from '@inquirer/confirm';
import input from '@inquirer/input';
import number from '@inquirer/number';
import select, { Separator } from '@inquirer/select';
import { InterruptedError } from '../util/errors.js';
import type { Prompter } from './prompter.js';
import { useStreams } from '../util/output.js';

async function cancelable<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if ((err as Error).name === 'ExitPromptError' || (err as Error).name === 'AbortPromptError') throw new InterruptedError();
    throw err;
  }
}

export function createInquirerPrompter(out: NodeJS.WriteStream = process.stderr): Prompter {
  useStreams();
  if (!process.stdin.isTTY) throw new Error('refusing to prompt without a TTY');
  const context = { output: out };
  return {
    section(title, summary) {
      out.write(`\n── ${title} ──  ${summary}\n`);
    },
    info(text) {
      out.write(`${text}\n`);
    },
    input: (q) => cancelable(input({ message: q.message, default: q.default, validate: q.validate }, context)),
    number: async (q) =>
      (await cancelable(
        number({ message: q.message, default: q.default, required: true, validate: (v) => (v === undefined ? 'a number is required' : q.validate ? q.validate(v) : true) }, context),
      )) as number,
    confirm: (q) => cancelable(confirm({ message: q.message, default: q.default }, context)),
    select: (q) =>
      cancelable(
        select(
          {
            message: q.message,
            default: q.default,
            pageSize: 12,
            choices: q.choices.map((c) => ({ value: c.value, name: c.name, description: c.description, disabled: c.disabled || false })),
          },
          context,
        ),
      ),
    checkbox: (q) =>
      cancelable(
        checkbox(
          {
            message: q.message,
            pageSize: 12,
            choices: q.choices.map((c) => ({ value: c.value, name: c.name, description: c.description, disabled: c.disabled || false, checked: c.checked ?? false })),
          },
          context,
        ),
      ),
  };
}

export { Separator };
