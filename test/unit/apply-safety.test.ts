// The writer's guards on a real disk (issue 15): temp files created exclusively and never through a
// link, the target created without mkdir -p, the repository lock and its stale-lock rule.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { apply, prepareRoot } from '../../src/apply/apply.js';
import { createTemp, LOCK_WAIT_MS, lockRepository, lockState, stagingName, unlockRepository } from '../../src/apply/lock.js';
import { writeFresh } from '../../src/apply/fresh.js';
import { UserError } from '../../src/util/errors.js';
import { LOCK_FILE, TEMP_PREFIX } from '../../src/util/paths.js';
import type { ChangeSet } from '../../src/reconcile/reconcile.js';

const work = mkdtempSync(join(tmpdir(), 'cn-apply-safety-'));
let seq = 0;
const fresh = () => {
  const d = join(work, `t${seq++}`);
  mkdirSync(d);
  return d;
};
const children: { kill(): void }[] = [];
afterAll(() => children.forEach((c) => c.kill()));

/** A pid that is certainly not running: a child that has exited. */
async function deadPid(): Promise<number> {
  const c = spawn(process.execPath, ['-e', '0']);
  await new Promise((done) => c.on('exit', done));
  return c.pid!;
}

describe('a fresh target is written through a staging folder', () => {
  const manifest = { version: 2 as const, tool: { name: 'cn-scaffold', version: '0' }, files: {} };

  test('init into an empty folder: every file in place with its mode, the manifest written, no staging folder left', async () => {
    const root = fresh();
    const cs: ChangeSet = {
      changes: [
        { path: 'a/b/c.txt', kind: 'create', content: 'c\n', block: 'base' },
        { path: 'run.sh', kind: 'create', content: '#!/bin/sh\n', block: 'base', executable: true },
        { path: 'a/d.txt', kind: 'create', content: 'd\n', block: 'base' },
      ],
      manifest,
    };
    expect(await apply(root, cs)).toEqual({ written: 3, deleted: 0, manifestWritten: true });
    expect(readdirSync(root).sort()).toEqual(['.cn-scaffold', 'a', 'run.sh']);
    expect(readFileSync(join(root, 'a/b/c.txt'), 'utf8')).toBe('c\n');
    expect(readFileSync(join(root, 'a/d.txt'), 'utf8')).toBe('d\n');
    expect(statSync(join(root, 'run.sh')).mode & 0o111).not.toBe(0);
    expect(statSync(join(root, 'a/d.txt')).mode & 0o111).toBe(0);
    expect(JSON.parse(readFileSync(join(root, '.cn-scaffold/manifest.json'), 'utf8')).version).toBe(2);
  });

  test('a write that fails in the staging folder leaves the root as it was: no file, no staging folder', () => {
    const root = fresh();
    // `x` is a file, so `x/y` cannot be created below it (ENOTDIR): the second file fails.
    expect(() =>
      writeFresh(root, [
        { path: 'x', content: 'x\n', executable: false },
        { path: 'x/y', content: 'y\n', executable: false },
      ]),
    ).toThrow();
    expect(readdirSync(root)).toEqual([]);
  });

  test("a killed run's staging folder is removed by the next run, links inside it removed and never followed", async () => {
    const root = fresh();
    const pid = await deadPid();
    writeFileSync(join(root, LOCK_FILE), `${pid} ${hostname()}\n`);
    const stage = join(root, `${TEMP_PREFIX}${pid}-stage`);
    mkdirSync(join(stage, 'deploy'), { recursive: true });
    writeFileSync(join(stage, 'deploy/half.yaml'), 'kind: Dep');
    const outside = fresh();
    writeFileSync(join(outside, 'keep.txt'), 'keep\n');
    symlinkSync(outside, join(stage, 'link'));
    lockRepository(root, 0);
    expect(readdirSync(root)).toEqual([LOCK_FILE]);
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('keep\n');
    unlockRepository(root);
    expect(stagingName(root).startsWith(join(root, TEMP_PREFIX))).toBe(true);
  });
});

describe('temp files', () => {
  test('a symbolic link planted at the temp name is never followed: the next name is used', () => {
    const root = fresh();
    const outside = join(fresh(), 'victim.txt');
    writeFileSync(outside, 'precious\n');
    const planted = join(root, `${TEMP_PREFIX}planted`);
    symlinkSync(outside, planted);
    const names = [planted, join(root, `${TEMP_PREFIX}next`)];
    const { path } = createTemp(root, 0o644, () => names.shift()!);
    expect(path).toBe(join(root, `${TEMP_PREFIX}next`));
    expect(readFileSync(outside, 'utf8')).toBe('precious\n');
    expect(readlinkSync(planted)).toBe(outside);
  });

  test('apply writes through temp files in the root and leaves none behind', async () => {
    const root = fresh();
    writeFileSync(join(root, 'mine.txt'), 'mine\n'); // not a fresh target: file by file, through temp files
    const cs: ChangeSet = {
      changes: [{ path: 'a/b/c.txt', kind: 'create', content: 'c\n', block: 'base' }],
      manifest: { version: 2, tool: { name: 'cn-scaffold', version: '0' }, files: {} },
    };
    await apply(root, cs);
    expect(readFileSync(join(root, 'a/b/c.txt'), 'utf8')).toBe('c\n');
    expect(readdirSync(root).filter((n) => n.startsWith(TEMP_PREFIX) || n === LOCK_FILE)).toEqual([]);
  });

  test('apply refuses to write or delete inside .git, whatever the change set says', async () => {
    const root = fresh();
    mkdirSync(join(root, '.git'));
    writeFileSync(join(root, '.git/HEAD'), 'ref: refs/heads/main\n');
    for (const kind of ['create', 'delete'] as const) {
      const cs: ChangeSet = { changes: [{ path: '.git/HEAD', kind, content: 'x', block: 'base' }], manifest: { version: 2, tool: { name: 'cn-scaffold', version: '0' }, files: {} } };
      await expect(apply(root, cs)).rejects.toThrow(/Refusing to (write|delete) \.git\/HEAD/);
    }
    expect(readFileSync(join(root, '.git/HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
  });
});

describe('the target directory', () => {
  test('a folder that takes no new folders (/proc) is refused at once, not retried forever', () => {
    if (!existsSync('/proc/self')) return;
    const t = performance.now();
    expect(() => prepareRoot('/proc/cn-scaffold-test/x')).toThrow(UserError);
    expect(performance.now() - t).toBeLessThan(500);
  });

  test('missing parents are created, one at a time', () => {
    const root = join(fresh(), 'a', 'b');
    expect(prepareRoot(root)).toEqual([join(root, '..'), root]);
    expect(lstatSync(root).isDirectory()).toBe(true);
  });
});

describe('the repository lock', () => {
  test('is created exclusively with the holder pid, re-entrant, and released', () => {
    const root = fresh();
    lockRepository(root);
    expect(readFileSync(join(root, LOCK_FILE), 'utf8')).toBe(`${process.pid} ${hostname()}\n`);
    lockRepository(root); // re-entrant
    unlockRepository(root);
    expect(existsSync(join(root, LOCK_FILE))).toBe(false);
  });

  test('a live holder makes the next run wait, then stop with a message naming it', async () => {
    const root = fresh();
    const sleeper = spawn('sleep', ['30']);
    children.push(sleeper);
    writeFileSync(join(root, LOCK_FILE), `${sleeper.pid} ${hostname()}\n`);
    expect(lockState(root)).toEqual({ holder: `pid ${sleeper.pid}`, stale: false });
    const t = performance.now();
    expect(() => lockRepository(root, 200)).toThrow(new RegExp(`Another cn-scaffold run \\(pid ${sleeper.pid}\\)`));
    expect(performance.now() - t).toBeGreaterThanOrEqual(190);
    expect(LOCK_WAIT_MS).toBeLessThanOrEqual(5000); // "waits briefly"
  });

  test('a stale lock (holder gone) is taken over, and the temp files of the killed run are removed', async () => {
    const root = fresh();
    const pid = await deadPid();
    writeFileSync(join(root, LOCK_FILE), `${pid} ${hostname()}\n`);
    writeFileSync(join(root, `${TEMP_PREFIX}${pid}-0`), 'half a file');
    const outside = join(fresh(), 'keep.txt');
    writeFileSync(outside, 'keep\n');
    symlinkSync(outside, join(root, `${TEMP_PREFIX}${pid}-1`));
    writeFileSync(join(root, 'mine.txt'), 'mine\n');
    expect(lockState(root)).toMatchObject({ stale: true });
    lockRepository(root, 0);
    expect(readFileSync(join(root, LOCK_FILE), 'utf8')).toBe(`${process.pid} ${hostname()}\n`);
    expect(readdirSync(root).sort()).toEqual([LOCK_FILE, 'mine.txt']);
    expect(readFileSync(outside, 'utf8')).toBe('keep\n');
    unlockRepository(root);
  });

  test('a lock of another host is never taken over', () => {
    const root = fresh();
    writeFileSync(join(root, LOCK_FILE), `1 some-other-host.invalid\n`);
    expect(() => lockRepository(root, 0)).toThrow(/on some-other-host\.invalid/);
  });
});
