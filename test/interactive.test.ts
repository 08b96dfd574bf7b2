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
  private out = '';
  private seen = 0;
  readonly exit: Promise<number>;
  constructor(readonly pty: IPty) {
    pty.onData((d) => {
      this.out += d.replace(ANSI, '');
    });
    this.exit = new Promise((resolve) => pty.onExit(({ exitCode }) => resolve(exitCode)));
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
  await s.answer(/Kubernetes namespace/, ENTER);
  await s.answer(/Image registry host/, 'registry.example.com' + ENTER);
  await s.answer(/Image repository path/, ENTER);
  await s.answer(/Target Kubernetes version/, ENTER);
  await s.answer(/Service 1 name/, 'web' + ENTER);
  await s.answer(/Language of web/, ENTER);
  await s.answer(/Protocol of web/, ENTER);
  await s.answer(/Port of web/, ENTER);
  await s.answer(/Replicas of web/, '3' + ENTER);
  await s.answer(/Add another service/, 'y' + ENTER);
  await s.answer(/Service 2 name/, 'billing' + ENTER);
  await s.answer(/Language of billing/, DOWN + ENTER); // go
  await s.answer(/Protocol of billing/, DOWN + ENTER); // grpc
  await s.answer(/Port of billing/, ENTER); // 8081, the next free port
  await s.answer(/Replicas of billing/, '1' + ENTER);
  await s.answer(/Add another service/, 'n' + ENTER);
  await s.answer(/How are images built/, DOWN + ENTER); // podman
  await s.answer(/container runtime do your cluster nodes run/, DOWN + DOWN + DOWN + ENTER); // rkt (archived)
  await s.waitFor(/rkt is archived: .*cncf\/toc#262/);
  await s.answer(/Use containerd instead/, ENTER);
  await s.answer(/Emit a RuntimeClass/, ENTER);
  await s.answer(/run the services locally/, ENTER);
  await s.answer(/Where do the services run/, ENTER);
  await s.answer(/autoscaling/, ENTER);
  await s.answer(/Write \d+ files to/, ENTER);
  expect(await s.exit).toBe(0);

  const flagsDir = join(work, 'flags');
  const r = await runCli([
    'init', flagsDir, '--no-git', '--name', 'shop', '--registry', 'registry.example.com',
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
