// The CLI as users expect it (issue "The walk and the CLI as users expect"): add/remove service and
// call, the README's --set example, shell completion, bare help, errors printed once, colour rules,
// a quiet drift gate, structured --json, explain from a path, text that matches the product, the
// generated README's first-deploy checklist with targets that check their prerequisites, and
// contextual defaults that make `init --yes` work with any single slot flag.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, test } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { answerFlags } from '../src/commands/flags.js';
import { RULES } from '../src/config/rules.js';
import { CLI, ROOT, readTree, runCli, tmp } from './support/cli.js';

let work: string;
beforeAll(async () => {
  work = await tmp('cn-ux-');
});

const json = (s: string) => JSON.parse(s);
const answersOf = async (dir: string) => parse(await readFile(join(dir, 'cn-scaffold.yaml'), 'utf8'));

describe('init --yes with any single slot flag', () => {
  // Every block that is not archived, through its slot's flag: contextual defaults make the rest fit
  // (Tekton → cosign key mode, Notary v1 → Harbor 2.8, no signer → no admission...). Generic over the
  // registry, so blocks added later are covered too.
  const flags = answerFlags(catalog);
  const cases = catalog.blocks
    .filter((b) => b.status !== 'archived')
    .map((b) => {
      const f = flags.find((x) => x.key === `${b.category}.${b.slot}`)!;
      return [`--${f.flag} ${b.id}`, f.flag, b.id] as const;
    });
  test('covers every slot that has blocks', () => {
    const slots = new Set(catalog.blocks.map((b) => `${b.category}.${b.slot}`));
    expect(new Set(cases.map(([, flag]) => flags.find((f) => f.flag === flag)!.key))).toEqual(slots);
  });
  test.each(cases)('%s', async (_name, flag, id) => {
    const r = await runCli(['init', join(work, `one-${flag}-${id}`), '--yes', '--dry-run', '--json', `--${flag}`, id]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(json(r.stdout).files.length).toBeGreaterThan(10);
  });
  test('the notes say which default followed from what', async () => {
    const r = await runCli(['init', join(work, 'vm'), '--yes', '--dry-run', '--json', '--set', 'registry.harbor.install=vm']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(json(r.stdout).notes).toContainEqual(
      expect.objectContaining({ rule: 'default', key: 'registry.harbor.tls', message: expect.stringMatching(/"secret".*registry\.harbor\.install=vm/) }),
    );
  });
});

describe('commands', () => {
  test('the README example `init f1 --yes --set services.0.port=9000` modifies the default service', async () => {
    const r = await runCli(['init', 'f1', '--yes', '--set', 'services.0.port=9000', '--no-git'], { cwd: work });
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await answersOf(join(work, 'f1'))).services).toEqual([{ name: 'api', language: 'node', port: 9000, protocol: 'http', replicas: 2 }]);
  });

  test('add service, add call, remove call, remove service: each edits cn-scaffold.yaml and regenerates', async () => {
    const dir = join(work, 'edits');
    expect((await runCli(['init', dir, '--yes', '--no-git'])).exitCode).toBe(0);
    await writeFile(join(dir, 'cn-scaffold.yaml'), (await readFile(join(dir, 'cn-scaffold.yaml'), 'utf8')).replace('services:', '# my comment\nservices:'));
    const add = await runCli(['add', 'service', 'orders:go:9000:grpc', '--dir', dir]);
    expect(add.exitCode, add.stderr).toBe(0);
    expect(existsSync(join(dir, 'services/orders/go.mod'))).toBe(true);
    expect(existsSync(join(dir, 'deploy/charts/orders/Chart.yaml'))).toBe(true);
    const call = await runCli(['add', 'call', 'api', 'orders', '--dir', dir]);
    expect(call.exitCode, call.stderr).toBe(0);
    let a = await answersOf(dir);
    expect(a.services[0].calls).toEqual(['orders']);
    expect(a.services[1]).toMatchObject({ name: 'orders', language: 'go', port: 9000, protocol: 'grpc' });
    expect(await readFile(join(dir, 'cn-scaffold.yaml'), 'utf8')).toContain('# my comment');
    expect((await runCli(['add', 'call', 'api', 'orders', '--dir', dir])).stderr).toMatch(/api already calls orders/);
    expect((await runCli(['add', 'service', 'orders', '--dir', dir])).exitCode).toBe(1);
    // Removing a service removes the calls to it, and its generated files.
    const remove = await runCli(['remove', 'service', 'orders', '--dir', dir]);
    expect(remove.exitCode, remove.stderr).toBe(0);
    a = await answersOf(dir);
    expect(a.services).toEqual([{ name: 'api', language: 'node', port: 8080, protocol: 'http', replicas: 2 }]);
    expect(existsSync(join(dir, 'services/orders'))).toBe(false);
    expect((await runCli(['remove', 'service', 'nope', '--dir', dir])).stderr).toMatch(/No service 'nope'/);
    expect((await runCli(['remove', 'call', 'api', 'x', '--dir', dir])).stderr).toMatch(/api does not call x/);
    expect((await runCli(['regenerate', dir, '--check'])).exitCode).toBe(0);
  });

  test('bare cn-scaffold prints the help on stdout and exits 0; help names only categories that have blocks', async () => {
    const r = await runCli([]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Usage: cn-scaffold \[options\] \[command\]/);
    expect(r.stderr).toBe('');
    const live = catalog.categories.filter((c) => catalog.blocks.some((b) => b.category === c.id));
    for (const c of catalog.categories) {
      if (live.includes(c)) expect(r.stdout).toContain(c.title);
      else expect(r.stdout).not.toContain(c.title);
    }
    expect((await runCli(['help', 'init'])).stdout).toMatch(/Usage: cn-scaffold init/);
  });

  test('each error is printed once, without commander internals', async () => {
    for (const args of [['init', '--no-such-flag'], ['frobnicate'], ['add'], ['add', 'widget'], ['completion', 'tcsh']]) {
      const r = await runCli(args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr).not.toMatch(/outputHelp|^error:/m);
      const first = r.stderr.split('\n')[0]!;
      expect(r.stderr.split(first).length - 1, r.stderr).toBe(1);
    }
    expect((await runCli(['inti'])).stderr).toMatch(/fix: cn-scaffold init/);
  });

  test('colour on terminals only: FORCE_COLOR colours, NO_COLOR and --no-color win, pipes stay plain', async () => {
    const bad = ['init', join(work, 'c'), '--name', 'Bad_', '--service', 'a'];
    expect((await runCli(bad)).stderr).not.toMatch(/\x1b\[/);
    expect((await runCli(bad, { env: { FORCE_COLOR: '1' } })).stderr).toMatch(/\x1b\[31m/);
    expect((await runCli(bad, { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stderr).not.toMatch(/\x1b\[/);
    expect((await runCli([...bad, '--no-color'], { env: { FORCE_COLOR: '1' } })).stderr).not.toMatch(/\x1b\[/);
  });
});

describe('regenerate --check, --json, explain, schema', () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(work, 'repo');
    expect((await runCli(['init', dir, '--yes', '--no-git'])).exitCode).toBe(0);
  });

  test('an up-to-date --check prints one line and nothing else', async () => {
    const r = await runCli(['regenerate', dir, '--check']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toMatch(/^Up to date/);
    expect(r.stderr).toBe('');
  });

  test('conflict markers left in a file are reported as such by --check, not as up to date', async () => {
    const d = join(work, 'markers');
    expect((await runCli(['init', d, '--yes', '--no-git'])).exitCode).toBe(0);
    const p = join(d, 'deploy/charts/api/values.yaml');
    await writeFile(p, (await readFile(p, 'utf8')) + '<<<<<<< yours\na: 1\n=======\na: 2\n>>>>>>> cn-scaffold 0.1.0\n');
    const r = await runCli(['regenerate', d, '--check']);
    expect(r.exitCode).toBe(3);
    expect(r.stdout + r.stderr).toMatch(/conflict markers/);
    expect(r.stdout).not.toMatch(/Up to date/);
  });

  test('--json: notes and warnings as objects (rule, key, message, fix), next steps apart, git as fields', async () => {
    const r = await runCli(['init', join(work, 'j'), '--yes', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = json(r.stdout);
    expect(out.notes.length).toBeGreaterThan(0);
    for (const n of [...out.notes, ...out.warnings]) expect(Object.keys(n).sort()).toEqual(['fix', 'key', 'message', 'origin', 'rule']);
    expect(out.notes.find((n: { rule: string }) => n.rule === 'CR-40').message).not.toMatch(/\[CR-40\]/);
    expect(out.nextSteps.every((s: unknown) => typeof s === 'string')).toBe(true);
    expect(out.git).toMatchObject({ initialised: true, committed: true, message: expect.any(String) });
    const err = await runCli(['init', join(work, 'j2'), '--yes', '--json', '--cicd', 'tekton', '--set', 'distribution.cosign.mode=keyless']);
    expect(err.exitCode).toBe(1);
    expect(json(err.stdout)).toMatchObject({ ok: false, exitCode: 1, problems: [expect.objectContaining({ rule: 'CN-DIST-06', key: 'distribution.cosign.mode' })] });
  });

  test('explain finds the repository from the path, and --json includes the answers that made the file', async () => {
    const r = await runCli(['explain', join(dir, 'deploy/charts/api/values.yaml'), '--json'], { cwd: work });
    expect(r.exitCode, r.stderr).toBe(0);
    const out = json(r.stdout);
    expect(out).toMatchObject({ path: 'deploy/charts/api/values.yaml', repository: dir, block: 'orchestration/kubernetes' });
    expect(out.answers).toMatchObject({ project: { name: 'repo' }, services: [{ name: 'api' }], registry: { provider: 'harbor' } });
    expect((await runCli(['explain', 'repo/compose.yaml'], { cwd: work })).stdout).toMatch(/block:\s+containerization\/compose/);
  });

  test('schema accepts --json (the schema is JSON already), and documents when options apply', async () => {
    const r = await runCli(['schema', '--json']);
    expect(r.exitCode).toBe(0);
    const s = json(r.stdout);
    expect(s.properties.registry.properties.harbor.properties.issuer.description).toMatch(/Applies when registry\.harbor\.tls=cert-manager/);
    expect(s.properties.distribution.properties.cosign.properties.mode.description).toMatch(/Default "key" when/);
    expect((await runCli(['list', 'registry'])).stdout).toMatch(/registry\.harbor\.gateway[^\n]*\n\s+applies when registry\.harbor\.install=helm and registry\.harbor\.expose=route/);
  });
});

describe('shell completion', () => {
  const script = async (shell: string) => {
    const r = await runCli(['completion', shell]);
    expect(r.exitCode).toBe(0);
    const file = join(work, `completion.${shell}`);
    await writeFile(file, r.stdout);
    return file;
  };
  const has = (bin: string) => execa('sh', ['-c', `command -v ${bin}`], { reject: false }).then((r) => r.exitCode === 0);

  test('bash completes commands, flags and block names', async () => {
    const file = await script('bash');
    const complete = async (...words: string[]) =>
      (await execa('bash', ['-c', `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _cn_scaffold; printf '%s\\n' "\${COMPREPLY[@]}"`])).stdout.split('\n');
    expect(await complete('cn-scaffold', 're')).toEqual(['regenerate', 'remove']);
    expect(await complete('cn-scaffold', 'init', '--cicd', '')).toEqual(['github-actions', 'gitlab-ci', 'tekton']);
    expect(await complete('cn-scaffold', 'init', '--adv')).toEqual(['--advanced']);
    expect(await complete('cn-scaffold', 'add', '')).toEqual(['service', 'call']);
    expect(await complete('cn-scaffold', 'list', 'reg')).toEqual(['registry']);
    expect(await complete('cn-scaffold', 'set', '--set', 'registry.harbor.tl')).toEqual(['registry.harbor.tls=']);
  });

  test('zsh completes block names (a stub compadd records what it offers)', async () => {
    if (!(await has('zsh'))) return; // .ci/apt-packages installs it
    const file = await script('zsh');
    const r = await execa('zsh', ['-c', `compdef() {}; _files() {}; compadd() { local i=\${@[(i)--]}; print -rl -- "\${@[i+1,-1]}" }; source ${file}; words=(cn-scaffold init --distribution ''); CURRENT=4; _cn_scaffold`]);
    expect(r.stdout.split('\n')).toEqual(['cosign', 'notation', 'notary-v1', 'none']);
  });

  test('fish completes subcommands and block names', async () => {
    if (!(await has('fish'))) return; // .ci/apt-packages installs it
    const file = await script('fish');
    const values = async (line: string) => (await execa('fish', ['-c', `source ${file}; complete -C '${line}'`])).stdout.split('\n').map((l) => l.split('\t')[0]);
    expect(await values('cn-scaffold init --registry ')).toEqual(['external', 'harbor']);
    expect(await values('cn-scaffold add ')).toEqual(expect.arrayContaining(['service', 'call']));
  });
});

describe('text that matches the product', () => {
  test('the package description names only categories that have blocks', async () => {
    const pkg = json(await readFile(join(ROOT, 'package.json'), 'utf8'));
    const words: Record<string, RegExp> = { discovery: /\bmesh\b|discovery/i, 'network-policy': /polic/i, storage: /storage/i, messaging: /messaging/i };
    for (const [cat, re] of Object.entries(words)) {
      if (!catalog.blocks.some((b) => b.category === cat)) expect(pkg.description, cat).not.toMatch(re);
    }
  });

  test('no fix message names a flag or a block that does not exist', () => {
    const flags = new Map(answerFlags(catalog).map((f) => [f.flag, f.key]));
    const valuesOf = (key: string) => catalog.blocks.filter((b) => `${b.category}.${b.slot}` === key).map((b) => b.id);
    const problems: string[] = [];
    for (const r of RULES) {
      for (const [, flag, value] of (r.fix ?? '').matchAll(/--(?!set )([a-z-]+) ([a-z0-9-]+)/g)) {
        const key = flags.get(flag!);
        const slotHasBlocks = (k: string) => valuesOf(k).length > 0;
        // A flag of a slot whose blocks are still to come (another team's) is not checked yet.
        if (key === undefined) {
          if (!['discovery', 'network-policy', 'storage', 'messaging'].some((c) => flag!.startsWith(c))) problems.push(`${r.id}: --${flag} is not a flag`);
          continue;
        }
        if (slotHasBlocks(key) && ![...valuesOf(key), 'none'].includes(value!)) problems.push(`${r.id}: --${flag} ${value} names no block`);
      }
      for (const [, key, value] of (r.fix ?? '').matchAll(/--set '?([a-z.A-Z0-9-]+)=([a-z0-9-]+)/g)) {
        const [cat, slot] = key!.split('.');
        if (key!.split('.').length === 2 && valuesOf(`${cat}.${slot}`).length && ![...valuesOf(key!), 'none'].includes(value!)) problems.push(`${r.id}: --set ${key}=${value} names no block`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the generated README and Makefile', () => {
  test('an ordered First deploy checklist, each step a make target that checks its prerequisites', async () => {
    const dir = join(work, 'checklist');
    expect((await runCli(['init', dir, '--yes', '--no-git'])).exitCode).toBe(0);
    const tree = await readTree(dir);
    const readme = tree['README.md']!;
    const steps = [...readme.slice(readme.indexOf('## First deploy')).matchAll(/^(\d+)\. `make ([a-z-]+)/gm)].map((m) => m[2]);
    expect(steps).toEqual(['namespace', 'secrets', 'harbor-install', 'harbor-bootstrap', 'monitoring-install', 'admission-install', 'logging-install', 'tracing-install', 'deploy', 'verify']);
    for (const t of steps) expect(tree.Makefile, t).toMatch(new RegExp(`^${t}: ## `, 'm'));
    // A missing prerequisite is named, with how to get it; no step fails with "command not found".
    const stub = join(work, 'bin');
    await execa('mkdir', ['-p', stub]);
    await writeFile(join(stub, 'kubectl'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const env = { PATH: `${stub}:/usr/bin:/bin` };
    const secrets = await execa('make', ['-s', 'secrets'], { cwd: dir, env, reject: false });
    expect(secrets.exitCode).not.toBe(0);
    expect(secrets.stderr).toMatch(/missing Secret harbor-admin in namespace harbor: create it as README.md "Registry: Harbor" shows/);
    expect(secrets.stderr).toMatch(/missing Secret grafana-admin in namespace monitoring/);
    const bootstrap = await execa('make', ['-s', 'harbor-bootstrap'], { cwd: dir, env, reject: false });
    expect(bootstrap.stderr).toMatch(/^missing HARBOR_ADMIN_PASSWORD \(environment variable\)/);
    const deploy = await execa('make', ['-s', 'deploy'], { cwd: dir, env: { PATH: '/usr/bin:/bin' }, reject: false });
    expect(deploy.stderr).toMatch(/^missing (kubectl|helm): install/m);
    // The README does not send users to a package registry that does not have cn-scaffold.
    expect(Object.values(tree).join('\n')).not.toMatch(/npx cn-scaffold|npmjs\.com\/package\/cn-scaffold/);
    expect(readme).toMatch(/not published to a package registry/);
  });
});

test('--debug stack traces point to the program that ran, not to where it was built', async () => {
  const r = await runCli(['init', join(work, 'dbg'), '--name', 'Bad_', '--service', 'a', '--debug']);
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toContain(`(${join(dirname(CLI), 'main.cjs')}:`);
});
