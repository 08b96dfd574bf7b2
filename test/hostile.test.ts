// Issue 15 end to end, against the built CLI: hostile input, crashes and concurrent runs. No input may
// print a stack trace, hang, write outside the target or touch .git; a killed run leaves nothing the
// next run cannot clean; two runs at once take turns. Every suggested fix is pasted into a shell and
// must work.
import { execa } from 'execa';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI, readTree, runCli, tmp, type CliResult } from './support/cli.js';

let work: string;
let seq = 0;
const dir = (name: string) => join(work, `${name}-${seq++}`);
const sleepers: { kill(): boolean }[] = [];
beforeAll(async () => {
  work = await tmp('cn-hostile-');
});
afterAll(() => sleepers.forEach((s) => s.kill()));

/** A clean failure: the exit code, no stack trace, no raw escape character. */
function failsCleanly(r: CliResult, exitCode = 1): void {
  expect(r.exitCode, r.stderr).toBe(exitCode);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at .*:\d+:\d+/);
  expect(r.stderr + r.stdout).not.toMatch(/\x1b/);
}

/** Runs a command line through sh, as a user pasting it would (the fix is appended as printed). */
async function pasted(command: string): Promise<CliResult> {
  const r = await execa('sh', ['-c', `node ${CLI} ${command}`], { env: { CI: '1' }, reject: false, stdin: 'ignore', timeout: 60_000 });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
const fixOf = (r: CliResult) => /fix: (.*)$/m.exec(r.stderr)?.[1] ?? '';

const temps = (d: string) => readdirSync(d).filter((n) => n.startsWith('.cn-scaffold-tmp-') || n === '.cn-scaffold.lock');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('1. prototype-polluting keys are unknown keys', () => {
  test.each([
    ['__proto__', 'project:\n  name: shop\n__proto__:\n  polluted: true\nservices:\n  - name: api\n', /answers\.yaml:3/],
    ['constructor', 'project:\n  name: shop\n  constructor: {prototype: {polluted: true}}\nservices:\n  - name: api\n', /answers\.yaml:3/],
  ])('%s in an answers file', async (_k, text, line) => {
    const d = dir('proto');
    mkdirSync(d);
    writeFileSync(join(d, 'answers.yaml'), text);
    const r = await runCli(['init', join(d, 'out'), '--no-git', '--answers', 'answers.yaml'], { cwd: d });
    failsCleanly(r);
    expect(r.stderr).toMatch(/unknown key '(__proto__|constructor)'/);
    expect(r.stderr).toMatch(line);
  });

  test('__proto__ in --set names the flag', async () => {
    const r = await runCli(['init', dir('proto'), '--yes', '--no-git', '--set', 'services.0.__proto__.polluted=1']);
    failsCleanly(r);
    expect(r.stderr).toContain("services.0.__proto__ (from --set services.0.__proto__.polluted=1): unknown key '__proto__'");
  });
});

describe('2. nothing is written outside the target', () => {
  test('a target through a symbolic link is refused; --force writes where it points, and says so', async () => {
    const real = dir('real');
    mkdirSync(real);
    const link = dir('link');
    symlinkSync(real, link);
    for (const target of [link, join(link, 'sub')]) {
      const r = await runCli(['init', target, '--yes', '--no-git']);
      failsCleanly(r);
      expect(r.stderr).toContain(`is a symbolic link: the files would be written to ${target.replace(link, real)}`);
      expect(readdirSync(real)).toEqual([]);
    }
    const f = await runCli(['init', link, '--yes', '--no-git', '--force']);
    expect(f.exitCode, f.stderr).toBe(0);
    expect(f.stderr).toContain(`Writing to ${real}`);
    expect(existsSync(join(real, 'cn-scaffold.yaml'))).toBe(true);
  });

  test('a tampered manifest listing .git files with their exact hashes never deletes them', async () => {
    const d = dir('tampered');
    expect((await runCli(['init', d, '--yes', '--no-git'])).exitCode).toBe(0);
    const git = { '.git/HEAD': 'ref: refs/heads/main\n', '.git/config': '[core]\n\trepositoryformatversion = 0\n' };
    mkdirSync(join(d, '.git'));
    for (const [p, c] of Object.entries(git)) writeFileSync(join(d, p), c);
    const m = JSON.parse(readFileSync(join(d, '.cn-scaffold/manifest.json'), 'utf8'));
    for (const [p, c] of Object.entries(git)) m.files[p] = { block: 'base', sha256: sha(c), base: c };
    writeFileSync(join(d, '.cn-scaffold/manifest.json'), JSON.stringify(m));
    const r = await runCli(['regenerate', d, '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\.git\/HEAD: is version-control metadata/);
    for (const [p, c] of Object.entries(git)) expect(readFileSync(join(d, p), 'utf8')).toBe(c);
    expect(JSON.parse(readFileSync(join(d, '.cn-scaffold/manifest.json'), 'utf8')).files['.git/HEAD']).toBeUndefined();
  });
});

describe('3. no hangs: refused in well under a second', () => {
  const quick = async (args: string[], cwd?: string) => {
    const t = Date.now();
    const r = await runCli(args, { cwd });
    // The CLI's own start-up included; a hang would hit the 60 s timeout.
    expect(Date.now() - t).toBeLessThan(5000);
    failsCleanly(r);
    return r;
  };

  test('a YAML alias bomb (list and map) in an answers file', async () => {
    const d = dir('bomb');
    mkdirSync(d);
    const lines = ['project: {name: shop}', 'services: [{name: api}]', 'a: &a {k0: x, k1: x, k2: x, k3: x, k4: x, k5: x, k6: x, k7: x, k8: x}'];
    for (let i = 1; i < 9; i++) lines.push(`${'abcdefghi'[i]}: &${'abcdefghi'[i]} ${i % 2 ? '[' : '{'}${Array.from({ length: 9 }, (_, j) => `${i % 2 ? '' : `k${j}: `}*${'abcdefghi'[i - 1]}`).join(', ')}${i % 2 ? ']' : '}'}`);
    writeFileSync(join(d, 'bomb.yaml'), lines.join('\n') + '\n');
    const r = await quick(['init', join(d, 'out'), '--no-git', '--answers', 'bomb.yaml'], d);
    expect(r.stderr).toMatch(/more than 100000 values[\s\S]*bomb\.yaml:\d+/);
  });

  test('--answers naming a FIFO, a device or a folder', async () => {
    const d = dir('fifo');
    mkdirSync(d);
    expect(spawnSync('mkfifo', [join(d, 'answers.fifo')]).status).toBe(0);
    expect((await quick(['init', join(d, 'out'), '--no-git', '--answers', join(d, 'answers.fifo')])).stderr).toMatch(/is a named pipe \(FIFO\)/);
    expect((await quick(['init', join(d, 'out'), '--no-git', '--answers', '/dev/zero'])).stderr).toMatch(/is a device/);
    expect((await quick(['init', join(d, 'out'), '--no-git', '--answers', d])).stderr).toMatch(/is a folder/);
    writeFileSync(join(d, 'big.yaml'), 'project: {name: shop}\nservices: [{name: api}]\n#' + 'x'.repeat(2 << 20) + '\n');
    expect((await quick(['init', join(d, 'out'), '--no-git', '--answers', join(d, 'big.yaml')])).stderr).toMatch(/at most 1048576 are read/);
    expect(existsSync(join(d, 'out'))).toBe(false);
  });

  test('a cn-scaffold.yaml that is a FIFO in a repository being regenerated', async () => {
    const d = dir('fifo-repo');
    expect((await runCli(['init', d, '--yes', '--no-git'])).exitCode).toBe(0);
    spawnSync('rm', [join(d, 'cn-scaffold.yaml')]);
    expect(spawnSync('mkfifo', [join(d, 'cn-scaffold.yaml')]).status).toBe(0);
    expect((await quick(['regenerate', d, '--yes'])).stderr).toMatch(/named pipe/);
  });

  test('a huge list index, a megabyte unknown choice, init under /proc', async () => {
    await quick(['init', dir('idx'), '--yes', '--no-git', '--set', 'services.99999999.name=x']);
    const r = await quick(['init', dir('big'), '--yes', '--no-git', '--set', `containerization.runtime=${'x'.repeat(100_000)}`]);
    expect(r.stderr.length).toBeLessThan(2000);
    if (existsSync('/proc/self')) expect((await quick(['init', '/proc/cn-scaffold-x', '--yes', '--no-git'])).stderr).toMatch(/\/proc\/cn-scaffold-x/);
  });
});

describe('4. filesystem errors are messages, not stack traces', () => {
  test('a dangling symbolic link as the target', async () => {
    const link = dir('dangling');
    symlinkSync(join(work, 'nowhere', 'at-all'), link);
    const r = await runCli(['init', link, '--yes', '--no-git']);
    failsCleanly(r);
    expect(r.stderr).toMatch(/is a symbolic link to .*nowhere\/at-all, which does not exist/);
  });

  test('a target under /sys', async () => {
    if (!existsSync('/sys/kernel')) return;
    const r = await runCli(['init', '/sys/kernel/cn-scaffold-x', '--yes', '--no-git']);
    failsCleanly(r);
    expect(r.stderr).toContain('/sys/kernel/cn-scaffold-x');
  });

  test('explain ../x or an absolute path outside the repository is a usage error', async () => {
    const d = dir('explain');
    expect((await runCli(['init', d, '--yes', '--no-git'])).exitCode).toBe(0);
    for (const p of ['../x', '/etc/passwd', '..']) {
      const r = await runCli(['explain', p], { cwd: d });
      failsCleanly(r, 2);
      expect(r.stderr).toContain(p);
    }
    const inside = await runCli(['explain', join(d, 'compose.yaml'), '--dir', d], { cwd: work });
    expect(inside.exitCode, inside.stderr).toBe(0);
  });

  test('schema --out naming a folder or a missing folder: the fix works when pasted', async () => {
    const d = dir('schema');
    mkdirSync(d);
    for (const out of [d, join(d, 'missing', 'deeper', 'schema.json')]) {
      const r = await runCli(['schema', '--out', out]);
      failsCleanly(r, 2);
      const fix = fixOf(r);
      const cmd = fix.replace(/cn-scaffold /g, `node ${CLI} `);
      const again = await execa('sh', ['-c', cmd], { reject: false });
      expect(again.exitCode, `${cmd}\n${again.stderr}`).toBe(0);
    }
    expect(JSON.parse(readFileSync(join(d, 'cn-scaffold.schema.json'), 'utf8')).title).toMatch(/cn-scaffold/);
    expect(existsSync(join(d, 'missing', 'deeper', 'schema.json'))).toBe(true);
  });
});

describe('5 and 6. values refused, each with a fix that works when pasted', () => {
  const BASE = '--yes --no-git --service api';
  test.each([
    ['a 300-character Harbor host', `--set registry.provider=harbor --set registry.harbor.host=${'h'.repeat(300)}.example.com`, /at most 253 characters/],
    ['a 64-character DNS label', `--set registry.provider=harbor --set registry.harbor.host=${'h'.repeat(64)}.example.com`, /labels of at most 63/],
    ['a 64-character registry label', `--image-registry ${'r'.repeat(64)}.io`, /labels of at most 63/],
  ])('%s: one problem', async (_name, args, message) => {
    const r = await pasted(`init ${dir('host')} ${BASE} ${args}`);
    failsCleanly(r);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n').filter((l) => l.includes('✖'))).toHaveLength(1);
  });

  test.each([
    ['the namespace kube-system', '--namespace kube-system', /reserved for Kubernetes/],
    ['the namespace default (from the project name)', '--name default', /reserved for Kubernetes/],
    ['port 65536', '--set services.0.port=65536', /at most 65535/],
    ['a quoted port', `--set 'services.0.port="8080"'`, /expected number, got string "8080"/],
    ['an unquoted 1.30 in --set', '--set project.kubernetesVersion=1.30', /unquoted 1\.30 as the number 1\.3/],
    ['a nested --set under a string', '--set registry.provider=harbor --set registry.harbor.host.x=y', /expected string, got a mapping/],
  ])('%s', async (_name, args, message) => {
    const d = dir('fix');
    const r = await pasted(`init ${d} ${BASE} ${args}`);
    failsCleanly(r);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n').filter((l) => l.includes('✖'))).toHaveLength(1);
    const fix = fixOf(r);
    expect(fix).toMatch(/^--/);
    const again = await pasted(`init ${d} ${BASE} ${args} ${fix}`);
    expect(again.exitCode, `${args} ${fix}\n${again.stderr}`).toBe(0);
  });

  test('an unquoted kubernetesVersion: 1.30 in a file suggests --kubernetes-version, which works', async () => {
    const d = dir('version');
    mkdirSync(d);
    writeFileSync(join(d, 'a.yaml'), 'project:\n  name: shop\n  kubernetesVersion: 1.30\nservices:\n  - name: api\n');
    const r = await pasted(`init ${d}/out --no-git --answers ${d}/a.yaml`);
    failsCleanly(r);
    expect(r.stderr).toMatch(/a\.yaml:3.*quote it \("1\.30"\)/);
    expect(fixOf(r)).toBe('--kubernetes-version 1.30');
    expect((await pasted(`init ${d}/out --no-git --answers ${d}/a.yaml ${fixOf(r)}`)).exitCode).toBe(0);
  });

  test('--set services.1000.name=x is one short problem; the suggested --set replaces it and works', async () => {
    const d = dir('index');
    const r = await pasted(`init ${d} --yes --no-git --set services.1000.name=x`);
    failsCleanly(r);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
    expect((await pasted(`init ${d} --yes --no-git ${fixOf(r)}`)).exitCode).toBe(0);
  });

  test('an unknown nested --set key names the flag, and the suggested replacement works', async () => {
    const d = dir('nested');
    const r = await pasted(`init ${d} ${BASE} --set registry.provider=harbor --set registry.harbor.hots=x.example.com`);
    failsCleanly(r);
    expect(r.stderr).toContain('(from --set registry.harbor.hots=x.example.com)');
    const replacement = /with (--set \S+)/.exec(fixOf(r))![1]!;
    expect((await pasted(`init ${d} ${BASE} --set registry.provider=harbor ${replacement}`)).exitCode).toBe(0);
    const deep = await runCli(['init', dir('nested'), '--yes', '--no-git', '--set', 'project.image.foo.bar=1']);
    failsCleanly(deep);
    expect(deep.stderr).toContain('project.image.foo (from --set project.image.foo.bar=1)');
  });
});

describe('7. terminal escapes are printed escaped', () => {
  test('from answers keys and values, and from manifest entries', async () => {
    const d = dir('escapes');
    mkdirSync(d);
    writeFileSync(join(d, 'a.yaml'), 'project:\n  name: shop\nservices:\n  - name: api\n"\\e]0;pwned\\a": 1\n');
    const r = await runCli(['init', join(d, 'out'), '--no-git', '--answers', join(d, 'a.yaml'), '--set', 'containerization.runtime=x\x1b[2J']);
    failsCleanly(r);
    expect(r.stderr).toContain("unknown key '\\x1b]0;pwned\\x07'");
    expect(r.stderr).toContain('(from --set containerization.runtime=x\\x1b[2J)');

    const repo = dir('escapes-repo');
    expect((await runCli(['init', repo, '--yes', '--no-git'])).exitCode).toBe(0);
    const m = JSON.parse(readFileSync(join(repo, '.cn-scaffold/manifest.json'), 'utf8'));
    m.files['evil\x1b]0;title\x07.txt'] = { block: 'base', sha256: sha('x'), base: 'x' };
    writeFileSync(join(repo, '.cn-scaffold/manifest.json'), JSON.stringify(m));
    const g = await runCli(['regenerate', repo, '--yes']);
    expect(g.exitCode, g.stderr).toBe(0);
    expect(g.stderr).toContain('evil\\x1b]0;title\\x07.txt');
    expect(g.stderr + g.stdout).not.toMatch(/\x1b/);
  });
});

describe('8. a killed run leaves nothing the next run cannot clean', () => {
  test('stale temp files and a stale lock: init continues the interrupted run and converges', async () => {
    const ref = dir('ref');
    expect((await runCli(['init', ref, '--yes', '--no-git', '--name', 'crash'])).exitCode).toBe(0);
    // What a run killed half-way leaves: some files, temp files, its lock; no manifest yet.
    const d = dir('crashed');
    mkdirSync(join(d, 'services'), { recursive: true });
    writeFileSync(join(d, 'README.md'), readFileSync(join(ref, 'README.md')));
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(join(d, `.cn-scaffold-tmp-${dead}-abc-0`), 'half a file');
    writeFileSync(join(d, `.cn-scaffold-tmp-${dead}-abc-1`), '');
    writeFileSync(join(d, '.cn-scaffold.lock'), `${dead} ${hostname()}\n`);
    const r = await runCli(['init', d, '--yes', '--no-git', '--name', 'crash']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Continuing the interrupted run/);
    expect(temps(d)).toEqual([]);
    expect(await readTree(d)).toEqual(await readTree(ref));
  });

  test('a real SIGKILL during init: the next run converges to the same tree', async () => {
    const answers = join(work, 'forty.yaml');
    const services = Array.from({ length: 40 }, (_, i) => `  - { name: svc-${i}, port: ${8080 + i} }`).join('\n');
    writeFileSync(answers, `project: { name: killed }\nservices:\n${services}\n`);
    const ref = dir('ref40');
    expect((await runCli(['init', ref, '--no-git', '--answers', answers])).exitCode).toBe(0);
    const d = dir('killed');
    const child = spawn(process.execPath, [CLI, 'init', d, '--no-git', '--answers', answers], { env: { ...process.env, CI: '1' }, stdio: 'ignore' });
    // Kill it in the middle of its writes (some files in its staging folder, or moved into the target
    // already), or whenever it gets there.
    const exited = new Promise((done) => child.on('exit', done));
    const writing = () => {
      try {
        const names = readdirSync(d);
        const stage = names.find((n) => n.endsWith('-stage'));
        return names.length > 4 || (stage !== undefined && readdirSync(join(d, stage)).length > 2);
      } catch {
        return false; // not there yet, or the staging folder just moved on
      }
    };
    for (let i = 0; i < 5000 && child.exitCode === null && !writing(); i++) await new Promise((r) => setTimeout(r, 1));
    child.kill('SIGKILL');
    await exited;
    const again = await runCli(['init', d, '--no-git', '--answers', answers]);
    if (again.exitCode !== 0) expect(again.stderr).toMatch(/already generated/); // the kill came after the last write
    expect(temps(d)).toEqual([]);
    expect(await readTree(d)).toEqual(await readTree(ref));
  });
});

describe('9. concurrent runs take turns', () => {
  test('two set runs at once: both changes land, no conflict markers, nothing "edited by you"', async () => {
    const d = dir('concurrent');
    expect((await runCli(['init', d, '--yes', '--no-git'])).exitCode).toBe(0);
    const [a, b] = await Promise.all([
      runCli(['set', 'services.0.replicas=3', '--dir', d, '--yes', '--json']),
      runCli(['set', 'orchestration.kubernetes.autoscaling=true', '--dir', d, '--yes', '--json']),
    ]);
    for (const r of [a, b]) {
      expect(r.exitCode, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.conflicts).toEqual([]);
      expect(report.files.filter((f: { action: string }) => f.action === 'keep' || f.action === 'merge')).toEqual([]);
    }
    const answers = readFileSync(join(d, 'cn-scaffold.yaml'), 'utf8');
    expect(answers).toMatch(/replicas: 3/);
    expect(answers).toMatch(/autoscaling: true/);
    expect((await runCli(['regenerate', d, '--check'])).exitCode).toBe(0);
    expect(temps(d)).toEqual([]);
  });

  test('a lock held by a live process: the second run waits briefly, then exits 1; once the holder is gone it proceeds', async () => {
    const d = dir('held');
    expect((await runCli(['init', d, '--yes', '--no-git'])).exitCode).toBe(0);
    const holder = spawn('sleep', ['60']);
    sleepers.push(holder);
    writeFileSync(join(d, '.cn-scaffold.lock'), `${holder.pid} ${hostname()}\n`);
    const before = readFileSync(join(d, 'cn-scaffold.yaml'), 'utf8');
    const t = Date.now();
    const r = await runCli(['set', 'services.0.replicas=3', '--dir', d, '--yes']);
    failsCleanly(r);
    expect(Date.now() - t).toBeGreaterThanOrEqual(2500);
    expect(r.stderr).toContain(`Another cn-scaffold run (pid ${holder.pid}) is changing ${d}`);
    expect(readFileSync(join(d, 'cn-scaffold.yaml'), 'utf8')).toBe(before);
    const gone = new Promise((done) => holder.on('exit', done));
    holder.kill();
    await gone;
    const ok = await runCli(['set', 'services.0.replicas=3', '--dir', d, '--yes']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(temps(d)).toEqual([]);
  });
});
