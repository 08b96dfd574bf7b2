// The prompt interface the interactive walk talks to. The real one (inquirer.ts) is the only module
// that imports @inquirer/*; tests pass a scripted one.
export interface Choice<T extends string = string> {
  value: T;
  name: string;
  description?: string;
  /** A reason string shows the choice greyed out with that reason. */
  disabled?: string | false;
  /** Multi-select: ticked to begin with. */
  checked?: boolean;
}

export interface Prompter {
  section(title: string, summary: string): void;
  info(text: string): void;
  input(q: { message: string; default?: string; validate?: (v: string) => true | string }): Promise<string>;
  number(q: { message: string; default?: number; validate?: (v: number) => true | string }): Promise<number>;
  confirm(q: { message: string; default?: boolean }): Promise<boolean>;
  select<T extends string>(q: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  /** Several of the choices (a service's callees, the exposed services). */
  checkbox<T extends string>(q: { message: string; choices: Choice<T>[] }): Promise<T[]>;
}
