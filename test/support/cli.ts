// Test helpers: run the built CLI as a user would, and inline file-tree fixtures.
import { execa } from 'execa';
import { mkdtemp, mkdir, readFile, readdir, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The built CLI (`npm test` builds it first); CN_CLI points elsewhere when needed. */
export const CLI = process.env.CN_CLI ?? join(ROOT, 'dist', 'cli.js');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js ...args` non-interactively (CI=1, no stdin). */
export async function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const r = await execa('node', [CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { CI: '1', ...opts.env },
    reject: false,
    stdin: 'ignore',
    timeout: 60_000,
    stripFinalNewline: false,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

export async function tmp(prefix = 'cn-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Writes an inline fixture: `{ 'a/b.yaml': 'x: 1' }`. */
export async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [p, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, p)), { recursive: true });
    await writeFile(join(root, p), content);
  }
}

/** Every file under root (relative path → content), skipping .git. */
export async function readTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string) => {
    for (const name of (await readdir(dir)).sort()) {
      if (name === '.git') continue;
      const full = join(dir, name);
      if ((await stat(full)).isDirectory()) await walk(full);
      else out[relative(root, full)] = await readFile(full, 'utf8');
    }
  };
  await walk(root);
  return out;
}

/** A TCP port free on 127.0.0.1 right now (for a service under test). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
