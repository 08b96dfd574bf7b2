// The generated CI, run: each service whose toolchain is on this machine is linted and unit-tested from a fresh
// copy of the generated tree with exactly the commands of its CI test job (GitLab's script here; test/ci-clean-
// checkout.test.ts shows the three providers run the same commands), and `make validate` / `make tools` behave as
// the validation jobs rely on. Offline limits, stated per command in SKIPPED: the node service installs from the npm
// registry (reachable here, as for test/skeletons.test.ts); PyPI and the Go module proxy are not used.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { applySet, emptyAnswers } from '../src/config/sources.js';
import { renderProject } from '../src/generate.js';
import { testJob } from './support/ci-jobs.js';

const has = (cmd: string, args = ['--version']) => {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
  return r.error === undefined && r.status === 0;
};
const HAS = { python: has('python3'), go: has('go', ['version']), make: has('make') };

/**
 * Commands of a test job that are not run here, each with the reason; every entry must match a command of the job
 * (so the list cannot silently outlive the command).
 */
const SKIPPED: Record<string, { command: RegExp; reason: string }[]> = {
  worker: [{ command: /pip install/, reason: 'installs the OpenTelemetry packages from PyPI; the tests use only the standard library' }],
  gateway: [{ command: /go mod tidy/, reason: 'resolves go.sum through the Go module proxy; the default build is standard library only' }],
};

let dir = '';
let tree: ReturnType<typeof renderProject>['tree'];

beforeAll(async () => {
  const raw = emptyAnswers();
  const services = [
    { name: 'api', language: 'node', port: 8080 },
    { name: 'worker', language: 'python', port: 8081 },
    { name: 'gateway', language: 'go', port: 8083 },
  ];
  for (const s of ['project.name=shop', `services=${JSON.stringify(services)}`, 'cicd.provider=gitlab-ci']) applySet(raw, s);
  tree = renderProject(raw, catalog).tree;
  dir = await mkdtemp(path.join(os.tmpdir(), 'cn-ci-run-'));
  for (const [rel, f] of tree) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), f.content, { mode: f.executable ? 0o755 : 0o644 });
  }
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the service's CI test job line by line in one `sh -e` (as GitLab does), skipping only SKIPPED commands. */
function runTestJob(svc: string, env: Record<string, string> = {}) {
  const job = testJob('gitlab-ci', tree, svc);
  const lines = job.scripts[0]!.script.split('\n');
  for (const skip of SKIPPED[svc] ?? []) expect(lines.some((l) => skip.command.test(l)), `${svc}: ${skip.command}`).toBe(true);
  const script = lines.map((l) => ((SKIPPED[svc] ?? []).some((s) => s.command.test(l)) ? `: skipped offline: ${l.replace(/[^\w ./-]/g, '')}` : l)).join('\n');
  const r = spawnSync('sh', ['-e', '-c', script], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, ...job.env, ...env, CI: '1' },
  });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}`, lines };
}

describe('each service builds and tests from a fresh copy, as its CI job does', () => {
  test('node (api): npm ci, tsc, npm test', () => {
    expect(existsSync(path.join(dir, 'services/api/node_modules'))).toBe(false);
    const r = runTestJob('api');
    expect(r.code, r.out).toBe(0);
    expect(r.lines).toContain('npx --no-install tsc -p tsconfig.json --noEmit');
  }, 300_000);

  test.skipIf(!HAS.python)('python http (worker): compileall, unittest [needs python3]', () => {
    const r = runTestJob('worker');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/\bOK\b/);
  }, 120_000);

  test.skipIf(!HAS.go)('go http (gateway): gofmt, vet, test [needs go; GOPROXY=off]', () => {
    const r = runTestJob('gateway', { GOPROXY: 'off' });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^ok\s/m);
  }, 180_000);
});

describe.skipIf(!HAS.make)('make validate and make tools', () => {
  // What the recipe of this project's `make validate` runs (GitLab CI: no actionlint; kube-prometheus-stack: amtool).
  const VALIDATE = ['helm', 'amtool', 'kubeconform', 'shellcheck'];

  /** A PATH with the machine's programs except the validate tools, plus fakes for the tools named in `fakes`. */
  async function restrictedPath(fakes: string[]): Promise<string> {
    const root = await mkdtemp(path.join(dir, '.path-'));
    const sys = path.join(root, 'sys');
    const fake = path.join(root, 'fake');
    await mkdir(sys);
    await mkdir(fake);
    const hidden = new Set([...VALIDATE, 'promtool', 'kubectl']);
    for (const d of ['/usr/local/bin', '/usr/bin', '/bin']) {
      if (!existsSync(d)) continue;
      for (const name of readdirSync(d)) if (!hidden.has(name) && !existsSync(path.join(sys, name))) await symlink(path.join(d, name), path.join(sys, name));
    }
    for (const t of fakes) {
      await writeFile(path.join(fake, t), '#!/bin/sh\ncat >/dev/null 2>&1 || true\nexit 0\n');
      await chmod(path.join(fake, t), 0o755);
    }
    return `${fake}:${sys}`;
  }
  const make = (target: string, PATH: string) =>
    spawnSync('make', [target], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { PATH, HOME: dir, TOOLS_BIN: path.join(dir, '.no-tools') } });

  test('a missing tool is named, with the fix, before anything runs (not exit 127)', async () => {
    const r = make('validate', await restrictedPath(VALIDATE.filter((t) => t !== 'amtool')));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('missing amtool: run make tools');
    expect(r.stderr).not.toMatch(/command not found|Error 127/);
    // Nothing was validated with a half-installed tool set.
    expect(r.stdout).not.toMatch(/helm lint/);
  });

  test('with every tool present, make validate runs all its checks', async () => {
    const r = make('validate', await restrictedPath(VALIDATE));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/amtool check-config/);
  });

  test('make tools asks ci/install-tools.sh for exactly the tools make validate runs', async () => {
    const script = path.join(dir, 'ci/install-tools.sh');
    const original = await readFile(script, 'utf8');
    await writeFile(script, 'printf "%s\\n" "$@" > "$TOOLS_BIN.args"\n');
    try {
      const r = make('tools', await restrictedPath([]));
      expect(r.status, r.stderr).toBe(0);
      const asked = (await readFile(path.join(dir, '.no-tools.args'), 'utf8')).trim().split('\n');
      expect(new Set(asked)).toEqual(new Set(VALIDATE));
    } finally {
      await writeFile(script, original);
    }
  });
});
