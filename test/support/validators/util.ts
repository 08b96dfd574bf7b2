// Process execution, tool discovery and small helpers shared by the checks. Tools come from npm
// devDependencies (node_modules/.bin) or from Debian packages on PATH; a missing Debian tool is a failure
// of the check that needs it, never a silent skip (CI installs them from .ci/apt-packages).
import { execFile } from 'node:child_process';
import { access, mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { constants, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

export const require = createRequire(import.meta.url);

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell; never throws on a non-zero exit (the caller interprets it). */
export function run(cmd: string, args: string[], opts: { cwd?: string; timeoutMs?: number; input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      { cwd: opts.cwd, env: opts.env, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
        let code = 0;
        if (e) code = typeof e.code === 'number' ? e.code : e.killed ? 124 : 127;
        resolve({ code, stdout: String(stdout), stderr: e && !stderr ? `${stderr}${e.message}` : String(stderr) });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Debian package that provides each external command (kept in sync with .ci/apt-packages). */
export const DEBIAN_PACKAGE: Record<string, string> = {
  shellcheck: 'shellcheck',
  promtool: 'prometheus',
  amtool: 'prometheus-alertmanager',
  'nats-server': 'nats-server',
  protoc: 'protobuf-compiler',
};

const found = new Map<string, Promise<string | null>>();

/** Absolute path of a command on PATH (or extra dirs), or null. Cached per process. */
export function which(cmd: string): Promise<string | null> {
  let p = found.get(cmd);
  if (!p) {
    p = (async () => {
      const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/sbin', '/usr/bin'];
      for (const d of dirs) {
        if (!d) continue;
        const f = path.join(d, cmd);
        try {
          await access(f, constants.X_OK);
          return f;
        } catch {
          /* try next */
        }
      }
      return null;
    })();
    found.set(cmd, p);
  }
  return p;
}

export function missingToolMessage(cmd: string): string {
  return `required tool "${cmd}" is not installed (Debian package ${DEBIAN_PACKAGE[cmd] ?? cmd}, listed in .ci/apt-packages)`;
}

/** Root folder of an installed npm package (works when its "exports" hide package.json). */
export function packageDir(pkg: string): string {
  for (const base of require.resolve.paths(pkg) ?? []) {
    const dir = path.join(base, pkg);
    if (existsSync(path.join(dir, 'package.json'))) return dir;
  }
  throw new Error(`npm package ${pkg} is not installed (devDependency)`);
}

/** Path of a binary shipped by an npm devDependency. */
export function npmBin(pkg: string, rel: string): string {
  return path.join(packageDir(pkg), rel);
}

let tmpRoot: Promise<string> | undefined;
let tmpSeq = 0;
/** Writes `content` to a fresh temporary file whose base name is `name`; returns its path. */
export async function tmpFile(name: string, content: string): Promise<string> {
  tmpRoot ??= mkdtemp(path.join(os.tmpdir(), 'cn-validate-'));
  const dir = path.join(await tmpRoot, String(tmpSeq++));
  await mkdir(dir, { recursive: true });
  const f = path.join(dir, name);
  await writeFile(f, content);
  return f;
}

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Runs `fn` over `items` with at most `limit` in flight (helm and nats-server are one process per input). */
export async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Splits a list into chunks so that argv stays well below the kernel limit. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
