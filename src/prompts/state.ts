// What the walk knows while it asks: the raw answers (flags, files and what was answered so far), which
// of them the user fixed outside the walk (flags, --set, answers files: never re-asked), and the
// answers with every default filled in, on which conditions, contextual defaults and rules are decided.
import type { Catalog } from '../catalog/define.js';
import { answerKeys, pickKey, type AnswerKey } from '../config/answer-keys.js';
import { fillDefaults } from '../config/defaults.js';
import { originOf, setAt, type RawAnswers } from '../config/sources.js';
import type { Prompter } from './prompter.js';

/** A dotted key as a path (list indexes as numbers). */
const pathOf = (key: string) => key.split('.').map((p) => (/^[0-9]+$/.test(p) ? Number(p) : p));

/** The origin of every answer given in the walk. */
export const PROMPT_ORIGIN = 'prompt';

export interface WalkOptions {
  /** The target directory's name (the default project name). */
  dirName: string;
  /** Ask everything (every slot on its own, every option, project and service details). */
  advanced?: boolean;
}

export class WalkState {
  /** Keys answered in this walk, in order (the summary's "change an answer" lists them). */
  readonly asked: string[] = [];
  private readonly byKey: Map<string, AnswerKey>;

  constructor(
    readonly p: Prompter,
    readonly raw: RawAnswers,
    readonly catalog: Catalog,
    readonly opts: WalkOptions,
  ) {
    this.byKey = new Map(answerKeys(catalog).map((k) => [k.key, k]));
  }

  get advanced(): boolean {
    return Boolean(this.opts.advanced);
  }

  /** The slot or option behind a dotted key. */
  keyOf(key: string): AnswerKey | undefined {
    return this.byKey.get(key);
  }

  value(key: string): unknown {
    return pickKey(this.raw.data, key);
  }

  given(key: string): boolean {
    return this.value(key) !== undefined;
  }

  /** Given outside the walk (a flag, --set or a file): the walk never changes it. */
  fixed(key: string): boolean {
    if (!this.given(key)) return false;
    const origin = originOf(this.raw, key.split('.'));
    return origin !== undefined && origin !== PROMPT_ORIGIN;
  }

  answer(key: string, value: unknown): void {
    setAt(this.raw, pathOf(key), value, PROMPT_ORIGIN);
    if (!this.asked.includes(key)) this.asked.push(key);
  }

  /** The answers with every default filled in (contextual defaults included). */
  filled(data: Record<string, unknown> = this.raw.data): Record<string, any> {
    return fillDefaults(data, this.catalog).answers;
  }

  /** The answers as they would be with `key` set to `value` (nothing recorded). */
  withAnswer(key: string, value: unknown, extra: [string, unknown][] = []): Record<string, unknown> {
    const copy: RawAnswers = { data: structuredClone(this.raw.data), origins: new Map() };
    for (const [k, v] of [[key, value] as [string, unknown], ...extra]) setAt(copy, pathOf(k), v, PROMPT_ORIGIN);
    return copy.data;
  }
}
