// A scripted prompter for the walk (src/prompts/prompter.ts): answers each prompt with the first rule
// whose pattern matches its message (a rule is used once), or with the prompt's default, and records
// every prompt with the choices it showed (disabled ones with their reason).
import type { Choice, Prompter } from '../../src/prompts/prompter.js';

export interface Asked {
  kind: 'input' | 'number' | 'confirm' | 'select' | 'checkbox';
  message: string;
  choices?: Choice[];
  default?: unknown;
}

/** An answer: a value, or a function of the prompt (e.g. pick the first enabled choice). */
export type Reply = unknown | ((a: Asked) => unknown);

export class ScriptedPrompter implements Prompter {
  readonly asked: Asked[] = [];
  readonly infos: string[] = [];
  constructor(
    private readonly rules: [RegExp, Reply][] = [],
    private readonly limit = 300,
  ) {}

  private reply(a: Asked): unknown {
    this.asked.push(a);
    if (this.asked.length > this.limit) throw new Error(`more than ${this.limit} prompts; last: ${a.message}`);
    const i = this.rules.findIndex(([re]) => re.test(a.message));
    if (i < 0) return undefined;
    const [, r] = this.rules.splice(i, 1)[0]!;
    return typeof r === 'function' ? (r as (a: Asked) => unknown)(a) : r;
  }

  /** Rules not used: prompts the script expected and the walk never asked. */
  unused(): string[] {
    return this.rules.map(([re]) => String(re));
  }

  section(): void {}
  info(text: string): void {
    this.infos.push(text);
  }
  async input(q: { message: string; default?: string; validate?: (v: string) => true | string }): Promise<string> {
    const v = (this.reply({ kind: 'input', message: q.message, default: q.default }) as string | undefined) ?? q.default ?? '';
    const ok = q.validate?.(v) ?? true;
    if (ok !== true) throw new Error(`input '${v}' for "${q.message}" refused: ${ok}`);
    return v;
  }
  async number(q: { message: string; default?: number; validate?: (v: number) => true | string }): Promise<number> {
    const v = (this.reply({ kind: 'number', message: q.message, default: q.default }) as number | undefined) ?? q.default!;
    const ok = q.validate?.(v) ?? true;
    if (ok !== true) throw new Error(`number ${v} for "${q.message}" refused: ${ok}`);
    return v;
  }
  async confirm(q: { message: string; default?: boolean }): Promise<boolean> {
    return ((this.reply({ kind: 'confirm', message: q.message, default: q.default }) as boolean | undefined) ?? q.default ?? false) as boolean;
  }
  async select<T extends string>(q: { message: string; choices: Choice<T>[]; default?: T }): Promise<T> {
    const v = (this.reply({ kind: 'select', message: q.message, choices: q.choices, default: q.default }) as T | undefined) ?? q.default ?? q.choices.find((c) => !c.disabled)!.value;
    const c = q.choices.find((x) => x.value === v);
    if (!c) throw new Error(`no choice '${v}' for "${q.message}": ${q.choices.map((x) => x.value).join(', ')}`);
    if (c.disabled) throw new Error(`choice '${v}' for "${q.message}" is disabled: ${c.disabled}`);
    return v;
  }
  async checkbox<T extends string>(q: { message: string; choices: Choice<T>[] }): Promise<T[]> {
    return ((this.reply({ kind: 'checkbox', message: q.message, choices: q.choices }) as T[] | undefined) ?? q.choices.filter((c) => c.checked).map((c) => c.value)) as T[];
  }
}
