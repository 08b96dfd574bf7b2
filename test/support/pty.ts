// A real terminal session for the interactive walk (@lydell/node-pty): type answers when a prompt
// appears, read what the screen shows.
import { spawn, type IPty } from '@lydell/node-pty';
import { CLI } from './cli.js';

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r/g;
export const DOWN = '\x1b[B';
export const UP = '\x1b[A';
export const ENTER = '\r';
export const SPACE = ' ';
export const CTRL_C = '\x03';

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Session {
  out = '';
  private seen = 0;
  readonly exit: Promise<number>;
  readonly pty: IPty;
  constructor(args: string[], cwd: string) {
    const env = { ...process.env, TERM: 'xterm' } as Record<string, string>;
    delete env.CI;
    delete env.NO_COLOR;
    this.pty = spawn('node', [CLI, ...args], { name: 'xterm', cols: 200, rows: 50, cwd, env });
    this.pty.onData((d) => {
      this.out += d.replace(ANSI, '');
    });
    this.exit = new Promise((resolve) => this.pty.onExit(({ exitCode }) => resolve(exitCode)));
  }
  /** The text of the last prompt line drawn so far (`? message ...`). */
  lastPrompt(): string {
    const lines = this.out.split('\n').filter((l) => /^\s*\? /.test(l));
    return (lines.at(-1) ?? '').replace(/^\s*\? /, '');
  }
  /** Waits until `re` appears in output not consumed yet, then consumes up to it. */
  async waitFor(re: RegExp, ms = 20_000): Promise<string> {
    const start = Date.now();
    for (;;) {
      const rest = this.out.slice(this.seen);
      const m = re.exec(rest);
      if (m) {
        this.seen += m.index + m[0].length;
        return rest;
      }
      if (Date.now() - start > ms) throw new Error(`timed out waiting for ${re}; output so far:\n${rest.slice(-3000)}`);
      await pause(25);
    }
  }
  async answer(prompt: RegExp, keys: string): Promise<void> {
    await this.waitFor(prompt);
    await pause(80); // let the prompt finish drawing before typing
    this.pty.write(keys);
  }
  /**
   * Answers prompts: each by the first unused rule whose pattern matches its message (keys, or a
   * function of the message), else `fallback` (Enter: the default). Stops after answering a prompt that
   * matches `last`, or after sending Ctrl-C. Returns every prompt message seen, in order.
   */
  async script(rules: [RegExp, string | ((message: string) => string)][], last: RegExp, fallback: (message: string) => string = () => ENTER): Promise<string[]> {
    const asked: string[] = [];
    for (let n = 0; n < 300; n++) {
      await this.waitFor(/^\s*\? /m);
      await pause(150); // the prompt draws its choices after the message line
      const message = this.lastPrompt();
      asked.push(message);
      const i = rules.findIndex(([re]) => re.test(message));
      const rule = i >= 0 ? rules.splice(i, 1)[0] : undefined;
      const keys = rule ? (typeof rule[1] === 'function' ? rule[1](message) : rule[1]) : fallback(message);
      this.pty.write(keys);
      if (keys.includes(CTRL_C) || last.test(message)) break;
      await this.waitFor(/✔/);
    }
    if (rules.length) throw new Error(`prompts never asked: ${rules.map(([re]) => String(re)).join(', ')}\nasked:\n${asked.join('\n')}`);
    return asked;
  }
}
