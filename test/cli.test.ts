// End-to-end runs of the built CLI: outputs, exit codes, error messages, and that a failed run leaves
// the disk exactly as it was.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, test } from 'vitest';
import { CLI, ROOT, readTree, runCli, tmp, writeTree } from './support/cli.js';
import { validateTree, formatReport } from './support/validators/index.js';

const MIXED = `project:
  name: shop
  namespace: shop-prod
  image: { registry: registry.example.com, repository: acme/shop }
services:
  - { name: web, language: node, port: 8080, protocol: http, replicas: 3 }
  - { name: billing, language: go, port: 9090, protocol: grpc, replicas: 1 }
  - { name: reports, language: python, port: 8081, protocol: http }
`;

let work: string;
beforeAll(async () => {
  work = await tmp('cn-cli-');
});

describe('basics', () => {
  test('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    const r = await runCli(['--version']);
    expect(r).toMatchObject({ exitCode: 0, stdout: `${pkg.version}\n` });
  });

  test('--help shows every command, and each command has examples', async () => {
    const r = await runCli(['--help']);
    expect(r.exitCode).toBe(0);
    const commands = ['init', 'regenerate', 'set', 'list', 'schema', 'explain', 'add', 'remove', 'completion'];
    for (const c of commands) expect(r.stdout).toContain(c);
    for (const c of commands) expect((await runCli([c, '--help'])).stdout, c).toMatch(/Examples:\n\s+\$ cn-scaffold/);
  });

  test('unknown options and commands are usage errors (exit 2)', async () => {
    expect((await runCli(['init', '--no-such-flag'])).exitCode).toBe(2);
    const r = await runCli(['frobnicate']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/unknown command/);
  });
});

describe('init', () => {
  test('--yes generates the default stack, validated by the real tools', async () => {
    const dir = join(work, 'defaults');
    const r = await runCli(['init', dir, '--yes', '--no-git']);
    expect(r.exitCode, r.stderr).toBe(0);
    const tree = await readTree(dir);
    expect(Object.keys(tree)).toEqual(
      expect.arrayContaining(['cn-scaffold.yaml', '.cn-scaffold/manifest.json', 'README.md', 'Makefile', 'compose.yaml', 'services/api/Dockerfile', 'deploy/charts/api/Chart.yaml']),
    );
    expect(parse(tree['cn-scaffold.yaml']!).project.name).toBe('defaults');
    const report = await validateTree(dir);
    expect(report.failures, formatReport(report)).toEqual([]);
  });

  test('a 3-service mixed-language answers file produces a valid tree with per-service charts and images', async () => {
    const answers = join(work, 'mixed.yaml');
    await writeFile(answers, MIXED);
    const dir = join(work, 'mixed');
    const r = await runCli(['init', dir, '--answers', answers, '--no-git']);
    expect(r.exitCode, r.stderr).toBe(0);
    const tree = await readTree(dir);
    for (const s of ['web', 'billing', 'reports']) {
      expect(tree[`deploy/charts/${s}/Chart.yaml`]).toContain(`name: ${s}`);
      expect(tree[`services/${s}/Dockerfile`]).toMatch(/USER 10001:10001/);
    }
    expect(tree['deploy/charts/billing/values.yaml']).toContain('registry.example.com/acme/shop/billing');
    expect(tree['deploy/namespace.yaml']).toContain('name: shop-prod');
    // PDB only for services with more than one replica (CR-45): encoded in the values
    expect(parse(tree['deploy/charts/web/values.yaml']!).replicaCount).toBe(3);
    const report = await validateTree(dir);
    expect(report.failures, formatReport(report)).toEqual([]);
  });

  test('same answers → byte-identical trees', async () => {
    const a = join(work, 'det-a', 'same');
    const b = join(work, 'det-b', 'same');
    const answers = join(work, 'mixed.yaml');
    await writeFile(answers, MIXED);
    expect((await runCli(['init', a, '--answers', answers, '--no-git'])).exitCode).toBe(0);
    expect((await runCli(['init', b, '--answers', answers, '--no-git'])).exitCode).toBe(0);
    expect(await readTree(a)).toEqual(await readTree(b));
  });

  test('--dry-run writes nothing and lists what would be created; --json is machine-readable', async () => {
    const dir = join(work, 'dry');
    const r = await runCli(['init', dir, '--yes', '--dry-run', '--json']);
    expect(r.exitCode).toBe(0);
    expect(existsSync(dir)).toBe(false);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: true, dryRun: true });
    expect(out.files.map((f: { path: string }) => f.path)).toContain('deploy/charts/api/values.yaml');
    expect(out.files.every((f: { action: string }) => f.action === 'create')).toBe(true);
    const human = await runCli(['init', dir, '--yes', '--dry-run']);
    expect(human.stdout).toMatch(/^CREATE\s+deploy\/charts\/api\/Chart\.yaml/m);
    expect(existsSync(dir)).toBe(false);
  });

  test('output larger than a pipe reaches a slow reader whole; a reader that leaves early ends the run quietly', async () => {
    // Command output is written with synchronous writes to the file descriptors (src/util/output.ts).
    // Shell pipes (64 KB buffers): the writer has to wait for the reader, or sees it leave (EPIPE).
    const services = Array.from({ length: 30 }, (_, i) => `--service svc-${i}:node:${9000 + i}`).join(' ');
    const run = `node ${CLI} init ${join(work, 'pipe')} --yes --dry-run --json ${services}`;
    const slow = await execa('bash', ['-c', `${run} | (sleep 0.3; cat); echo "exit \${PIPESTATUS[0]}" >&2`], { env: { CI: '1' }, reject: false });
    expect(slow.stderr).toMatch(/exit 0\s*$/);
    expect(slow.stdout.length).toBeGreaterThan(128 * 1024);
    const out = JSON.parse(slow.stdout);
    expect(out.files).toHaveLength(out.counts.create);
    const early = await execa('bash', ['-c', `${run} | head -c 100 >/dev/null; echo "exit \${PIPESTATUS[0]}" >&2`], { env: { CI: '1' }, reject: false });
    expect(early.stderr).toMatch(/^exit 0\s*$/);
    expect(existsSync(join(work, 'pipe'))).toBe(false);
  });

  test('flags, --service and --set combine with the documented precedence', async () => {
    const answers = join(work, 'prec.yaml');
    await writeFile(answers, 'project:\n  name: fromfile\nservices:\n  - name: a\ncontainerization:\n  build: podman\n');
    const dir = join(work, 'prec');
    const r = await runCli(['init', dir, '--answers', answers, '--name', 'fromflag', '--set', 'project.name=fromset', '--containerization', 'docker', '--no-git']);
    expect(r.exitCode, r.stderr).toBe(0);
    const cfg = parse(await readFile(join(dir, 'cn-scaffold.yaml'), 'utf8'));
    expect(cfg.project.name).toBe('fromset'); // --set > flag > file
    expect(cfg.containerization.build).toBe('docker'); // flag > file
    expect(cfg.services).toEqual([{ name: 'a', language: 'node', port: 8080, protocol: 'http', replicas: 2 }]);
  });

  test('git init and a first commit unless --no-git', async () => {
    const dir = join(work, 'withgit');
    const r = await runCli(['init', dir, '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(join(dir, '.git'))).toBe(true);
    expect(r.stdout).toMatch(/git: initialised with a first commit/);
  });
});

describe('bad input exits 1 with a clear message and leaves the disk unchanged', () => {
  const cases: [string, string[], RegExp][] = [
    ['invalid project name', ['--name', 'Bad_Name', '--service', 'api'], /project\.name.*--name Bad_Name.*DNS label/s],
    ['path traversal in a service name', ['--name', 'x', '--service', '../../etc:node'], /services\.0\.name.*DNS label/s],
    ['unknown choice with a suggestion', ['--yes', '--containerization-runtime', 'containrd'], /not a valid choice.*fix: --set containerization\.runtime=containerd/s],
    ['archived runtime', ['--yes', '--containerization-runtime', 'rkt'], /rkt is archived.*fix: --set containerization\.runtime=containerd/s],
    ['missing answers without a TTY', [], /project\.name.*--name NAME.*services.*--service/s],
    ['unknown key', ['--yes', '--set', 'containerization.runtim=cri-o'], /unknown key 'runtim'.*did you mean 'runtime'/s],
  ];
  test.each(cases)('%s', async (_name, args, message) => {
    const dir = join(work, 'bad-' + _name.replace(/\W+/g, '-'));
    const r = await runCli(['init', dir, '--no-git', ...args]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace
    expect(existsSync(dir)).toBe(false);
  });

  test('bad YAML in the answers file names file:line', async () => {
    const answers = join(work, 'broken.yaml');
    await writeFile(answers, 'project:\n  name: shop\nservices:\n  - name: [api\n');
    const r = await runCli(['init', join(work, 'broken'), '--answers', answers]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/broken\.yaml is not valid YAML[\s\S]*broken\.yaml:\d+:\d+/);
  });

  test('a non-empty directory not generated by cn-scaffold is refused; --force writes around the user files', async () => {
    const dir = join(work, 'nonempty');
    await writeTree(dir, { 'notes.txt': 'mine\n', 'README.md': 'my readme\n' });
    const before = await readTree(dir);
    const r = await runCli(['init', dir, '--yes', '--no-git']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/not empty.*--force/s);
    expect(await readTree(dir)).toEqual(before);
    const f = await runCli(['init', dir, '--yes', '--no-git', '--force']);
    expect(f.exitCode, f.stderr).toBe(0);
    const after = await readTree(dir);
    expect(after['notes.txt']).toBe('mine\n');
    expect(after['README.md']).toMatch(/^# nonempty/);
  });

  test('an unwritable target is refused before anything is written', async () => {
    const file = join(work, 'a-file');
    await writeFile(file, 'x');
    const r = await runCli(['init', join(file, 'sub'), '--yes', '--no-git']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/not a directory/);
    expect(await readFile(file, 'utf8')).toBe('x');
  });

  test('init refuses a repository cn-scaffold already generated and points to regenerate', async () => {
    const dir = join(work, 'twice');
    expect((await runCli(['init', dir, '--yes', '--no-git'])).exitCode).toBe(0);
    const before = await readTree(dir);
    const r = await runCli(['init', dir, '--yes', '--no-git']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/already generated.*cn-scaffold regenerate/s);
    expect(await readTree(dir)).toEqual(before);
  });
});

describe('list, schema, explain', () => {
  test('list shows status and reasons; unknown category is a usage error with a suggestion', async () => {
    const r = await runCli(['list', 'containerization']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/rkt\s+\[archived\].*\n.*refused: .*cncf\/toc#262.*use containerd/);
    const d = await runCli(['list', 'discovery']);
    expect(d.stdout).toMatch(/Service discovery: --set discovery\.dns=<block>\s+default: coredns\n\s+coredns\s+\[stable\]/);
    expect(d.stdout).toMatch(/Gateway: --set discovery\.gateway=<block>\s+default: envoy-gateway \(or none\)/);
    for (const b of ['envoy-gateway', 'envoy', 'existing']) expect(d.stdout).toMatch(new RegExp(`\\n\\s+${b}\\s+\\[stable\\]`));
    expect(d.stdout).toMatch(/ingress-nginx\s+\[archived\].*\n.*refused: .*March 2026.*use envoy-gateway/);
    const j = JSON.parse((await runCli(['list', '--json'])).stdout);
    expect(j.map((c: { id: string }) => c.id)).toHaveLength(10);
    const bad = await runCli(['list', 'containerisation']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/cn-scaffold list containerization/);
  });

  test('schema is the committed docs/cn-scaffold.schema.json (drift test: `npm run schema` updates it)', async () => {
    const r = await runCli(['schema']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(await readFile(join(ROOT, 'docs/cn-scaffold.schema.json'), 'utf8'));
    const s = JSON.parse(r.stdout);
    expect(s.properties.services.items.properties.name.pattern).toBeDefined();
  });

  test('explain names the block, template and answers behind a file', async () => {
    const dir = join(work, 'explain');
    await mkdir(dir, { recursive: true });
    expect((await runCli(['init', dir, '--yes', '--no-git'])).exitCode).toBe(0);
    const r = await runCli(['explain', 'deploy/charts/api/templates/deployment.yaml', '--json'], { cwd: dir });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      block: 'orchestration/kubernetes',
      template: 'orchestration/kubernetes/chart/templates/deployment.yaml',
      choices: { 'orchestration.platform': 'kubernetes', 'services.0.name': 'api' },
    });
    const c = await runCli(['explain', 'compose.yaml', '--dir', dir]);
    expect(c.stdout).toMatch(/block:\s+containerization\/compose/);
    expect((await runCli(['explain', 'nope.txt', '--dir', dir])).exitCode).toBe(1);
  });
});
