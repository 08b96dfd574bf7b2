// The published package works: `npm pack`, install the tarball into an empty folder, and run
// `npx cn-scaffold init`. The bundle carries every library, so this needs no registry access.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT, tmp } from './support/cli.js';

test('npm pack → npm install tarball → npx cn-scaffold init works', async () => {
  const work = await tmp('cn-pack-');
  const packed = await execa('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT });
  const info = JSON.parse(packed.stdout)[0] as { filename: string; files: { path: string }[] };
  // Only the bundle, the licence and the package metadata ship: no sources, tests or templates folder.
  expect(info.files.map((f) => f.path).filter((p) => !p.startsWith('dist/')).sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
  const app = join(work, 'app');
  await execa('mkdir', ['-p', app]);
  await execa('npm', ['install', '--no-audit', '--no-fund', '--offline', join(work, info.filename)], { cwd: app });
  const r = await execa('npx', ['--no-install', 'cn-scaffold', 'init', 'demo', '--yes', '--no-git'], { cwd: app, env: { CI: '1' }, reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  expect(existsSync(join(app, 'demo', 'deploy/charts/api/Chart.yaml'))).toBe(true);
  expect(await readFile(join(app, 'node_modules/cn-scaffold/LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
  // --debug stack traces name the installed program, not the machine that built it.
  const dbg = await execa('npx', ['--no-install', 'cn-scaffold', 'init', 'bad', '--name', 'Bad_', '--service', 'a', '--debug'], { cwd: app, env: { CI: '1' }, reject: false });
  expect(dbg.stderr).toContain(join(app, 'node_modules/cn-scaffold/dist/main.cjs:'));
  expect(dbg.stderr).not.toContain(ROOT);
  const v = await execa('npx', ['--no-install', 'cn-scaffold', '--version'], { cwd: app });
  expect(v.stdout.trim()).toBe(JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version);
}, 120_000);
