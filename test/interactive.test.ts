// A real interactive session on a pseudo-terminal: answer every prompt (including a rejected answer
// and the archived-runtime detour), confirm, and check the result equals the same choices as flags.
import { spawn, type IPty } from '@lydell/node-pty';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { CLI, readTree, runCli, tmp } from './support/cli.js';

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r/g;
const DOWN = '\x1b[B';
const ENTER = '\r';

class Session {
  out = '';
  private seen = 0;
  readonly exit: Promise<number>;
  constructor(readonly pty: IPty) {
    pty.onData((d) => {
      this.out += d.replace(ANSI, '');
    });
    this.exit = new Promise((resolve) => pty.onExit(({ exitCode }) => resolve(exitCode)));
  }
  /** The text of the last prompt line drawn so far (`? message ...`). */
  lastPrompt(): string {
    const lines = this.out.split('\n').filter((l) => /^\s*\? /.test(l));
    return (lines.at(-1) ?? '').replace(/^\s*\? /, '');
  }
  /** Waits until `re` appears in output not consumed yet, then consumes up to it. */
  async waitFor(re: RegExp, ms = 15_000): Promise<string> {
    const start = Date.now();
    for (;;) {
      const rest = this.out.slice(this.seen);
      const m = re.exec(rest);
      if (m) {
        this.seen += m.index + m[0].length;
        return rest;
      }
      if (Date.now() - start > ms) throw new Error(`timed out waiting for ${re}; output so far:\n${rest.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  async answer(prompt: RegExp, keys: string): Promise<void> {
    await this.waitFor(prompt);
    await new Promise((r) => setTimeout(r, 60)); // let the prompt finish drawing before typing
    this.pty.write(keys);
  }
}

let session: Session | undefined;
afterEach(() => session?.pty.kill());

test('the interactive walk on a pseudo-terminal yields the same tree as the equivalent flags', async () => {
  const work = await tmp('cn-pty-');
  const dir = join(work, 'interactive');
  const env = { ...process.env, CI: '', TERM: 'xterm' } as Record<string, string>;
  delete env.CI;
  session = new Session(spawn('node', [CLI, 'init', dir, '--no-git'], { name: 'xterm', cols: 120, rows: 40, cwd: work, env }));
  const s = session;

  await s.answer(/Project name/, 'Bad_Name' + ENTER);
  await s.waitFor(/DNS label/); // validated as typed, before moving on
  s.pty.write('\x7f'.repeat(20) + 'shop' + ENTER);
  // Every other prompt is answered by the first matching rule below, or accepted with Enter (its default).
  const answers: [RegExp, string][] = [
    [/Service 1 name/, 'web' + ENTER],
    [/Replicas of web/, '3' + ENTER],
    [/Add another service/, 'y' + ENTER],
    [/Service 2 name/, 'billing' + ENTER],
    [/Language of billing/, DOWN + ENTER], // go
    [/Protocol of billing/, DOWN + ENTER], // grpc
    [/Replicas of billing/, '1' + ENTER],
    [/How are images built/, DOWN + ENTER], // podman
    [/container runtime do your cluster nodes run/, DOWN + DOWN + DOWN + ENTER], // rkt: archived
  ];
  const asked: string[] = [];
  for (let n = 0; n < 200; n++) {
    await s.waitFor(/^\s*\? /m);
    await new Promise((r) => setTimeout(r, 120)); // let the prompt finish drawing before reading and typing
    const message = s.lastPrompt();
    asked.push(message);
    const rule = answers.find(([re]) => re.test(message));
    if (rule) answers.splice(answers.indexOf(rule), 1);
    s.pty.write(rule ? rule[1] : /Add another service/.test(message) ? 'n' + ENTER : ENTER);
    if (/Write \d+ files to/.test(message)) break;
    const after = await s.waitFor(/✔|Created shop in/);
    if (/Created shop in/.test(after)) break;
  }
  expect(answers.map(([re]) => String(re)), 'every scripted prompt was asked').toEqual([]);
  expect(asked.some((m) => /Use containerd instead/.test(m))).toBe(true);
  expect(s.out).toMatch(/rkt is archived: .*cncf\/toc#262/);
  // The walk covers every category that has blocks, in catalog order.
  for (const q of [/Which CI\/CD system/, /Where do the services run/, /metrics collected/]) expect(asked.some((m) => q.test(m)), String(q)).toBe(true);
  expect(await s.exit).toBe(0);

  const flagsDir = join(work, 'flags');
  const r = await runCli([
    'init', flagsDir, '--no-git', '--name', 'shop',
    '--service', 'web:node:8080:http:3', '--service', 'billing:go:8081:grpc:1', '--containerization', 'podman',
  ]);
  expect(r.exitCode, r.stderr).toBe(0);
  const a = await readTree(dir);
  const b = await readTree(flagsDir);
  expect(Object.keys(a).length).toBeGreaterThan(30);
  expect(a).toEqual(b);
}, 90_000);

test('Ctrl-C at a prompt exits 130 and writes nothing', async () => {
  const work = await tmp('cn-pty-');
  const dir = join(work, 'cancelled');
  const env = { ...process.env, TERM: 'xterm' } as Record<string, string>;
  delete env.CI;
  session = new Session(spawn('node', [CLI, 'init', dir, '--no-git'], { name: 'xterm', cols: 120, rows: 40, cwd: work, env }));
  await session.answer(/Project name/, '\x03');
  expect(await session.exit).toBe(130);
  await expect(readTree(dir)).rejects.toThrow(/ENOENT/);
}, 30_000);
