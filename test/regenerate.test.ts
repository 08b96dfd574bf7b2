// End-to-end tests of `cn-scaffold regenerate` / `set` against the BUILT CLI (DESIGN.md §5): one
// scenario per row of the regeneration table, block switches, services added and removed, conflicts,
// hand edits of cn-scaffold.yaml, a tampered manifest, idempotence, --check/--diff/--restore, format
// migration, and the user story (edits survive two changed choices). The strongest oracle used
// throughout: a regenerated repository must equal, file for file, a fresh `init` with the new answers
// — except exactly the files the user edited.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readFileSync, writeFileSync, mkdirSync, readdirSync, lstatSync, symlinkSync, unlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let TMP: string;
let CLI: string;

beforeAll(() => {
  TMP = mkdtempSync(path.join(os.tmpdir(), 'cn-regen-'));
  const outdir = path.join(TMP, 'dist');
  const b = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { env: { ...process.env, CN_OUTDIR: outdir }, encoding: 'utf8', timeout: 120_000 });
  if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  CLI = path.join(outdir, 'cli.js');
});
afterAll(() => {
  if (TMP) rmSync(TMP, { recursive: true, force: true });
});

// ── helpers ────────────────────────────────────────────────────────────────────────────────────────

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}
function cli(args: string[], cwd = TMP): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: '1', NO_COLOR: '1' }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
function ok(args: string[], cwd = TMP): Run {
  const r = cli(args, cwd);
  if (r.status !== 0) throw new Error(`cn-scaffold ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r;
}

let seq = 0;
/** A fresh directory name under the test's temp folder. */
const fresh = (name: string) => path.join(TMP, `${name}-${seq++}`);

const BASE_ARGS = ['--yes', '--no-git', '--name', 'demo'];
/** `cn-scaffold init` into a new folder; returns its path. */
function init(name: string, ...extra: string[]): string {
  const dir = fresh(name);
  ok(['init', dir, ...BASE_ARGS, ...extra]);
  return dir;
}

/** Inline fixtures: writes {path: content} into dir (a null content deletes the file). */
function writeTree(dir: string, files: Record<string, string | null>): void {
  for (const [p, content] of Object.entries(files)) {
    const full = path.join(dir, p);
    if (content === null) unlinkSync(full);
    else {
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
  }
}
const read = (dir: string, p: string) => readFileSync(path.join(dir, p), 'utf8');
const edit = (dir: string, p: string, f: (s: string) => string) => {
  const before = read(dir, p);
  const after = f(before);
  expect(after, `the edit of ${p} must change it`).not.toBe(before);
  writeFileSync(path.join(dir, p), after);
};

interface Entry {
  content: string;
  ino: bigint;
  mtimeNs: bigint;
  mode: number;
}
/** Every file under dir: content, inode and mtime (a rewrite, even with equal bytes, changes the inode). */
function snapshot(dir: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(path.join(dir, r), { bigint: true });
      if (st.isDirectory()) walk(r);
      else out.set(r, { content: readFileSync(path.join(dir, r), 'utf8'), ino: st.ino, mtimeNs: st.mtimeNs, mode: Number(st.mode) });
    }
  };
  walk('');
  return out;
}
const contents = (snap: Map<string, Entry>) => new Map([...snap].map(([k, v]) => [k, v.content]));
const files = (dir: string) => contents(snapshot(dir));

interface JsonFile {
  path: string;
  action: string;
  reason?: string;
  diff?: string;
}
interface JsonReport {
  ok: boolean;
  counts: Record<string, number>;
  changed: number;
  files: JsonFile[];
  conflicts: string[];
  unresolved: string[];
  warnings: { key?: string; message: string }[];
  migrations: string[];
  answersSaved: boolean;
  manifestChanged: boolean;
  drift?: boolean;
}
function regenJson(dir: string, ...extra: string[]): { run: Run; report: JsonReport } {
  const run = cli(['regenerate', dir, '--json', ...extra]);
  return { run, report: JSON.parse(run.stdout) as JsonReport };
}
const action = (r: JsonReport, p: string) => r.files.find((f) => f.path === p)?.action ?? 'unchanged';

/** Lines of `edited` that are not in `original` (the user's own lines), as a multiset. */
function ownLines(original: string, edited: string): string[] {
  const pool = new Map<string, number>();
  for (const l of original.split('\n')) pool.set(l, (pool.get(l) ?? 0) + 1);
  const own: string[] = [];
  for (const l of edited.split('\n')) {
    const n = pool.get(l) ?? 0;
    if (n > 0) pool.set(l, n - 1);
    else own.push(l);
  }
  return own;
}
const hasMarkers = (s: string) => /^<<<<<<< /m.test(s) || /^>>>>>>> /m.test(s);

/** Every file of `dir` equals the fresh init `ref`, except the listed ones (and with the same file set). */
function expectSameAs(dir: string, ref: string, except: string[] = []): void {
  const a = files(dir);
  const b = files(ref);
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [p, c] of b) if (!except.includes(p)) expect(a.get(p), p).toBe(c);
}

const VALUES = 'deploy/charts/api/values.yaml';
const RUNTIME_OLD = 'deploy/cluster/runtime/config.toml'; // containerd's file
const RUNTIME_NEW = 'deploy/cluster/runtime/20-cn-scaffold.conf'; // cri-o's file

// ── the §5 table, one scenario per row ──────────────────────────────────────────────────────────────

describe('regeneration table (DESIGN.md §5)', () => {
  test('unchanged on disk, unchanged render → nothing (not even the manifest is rewritten)', () => {
    const dir = init('row1');
    const before = snapshot(dir);
    const r = ok(['regenerate', dir]);
    expect(r.stdout).toMatch(/Up to date: no changes/);
    expect(snapshot(dir)).toEqual(before);
  });

  test('unchanged on disk, changed render → updated to exactly what init writes', () => {
    const dir = init('row2');
    const ref = init('row2-ref', '--service', 'api:node:8080:http:3');
    const { run, report } = regenJson(dir, '--set', 'services.0.replicas=3');
    expect(run.status).toBe(0);
    expect(action(report, VALUES)).toBe('update');
    expect(read(dir, VALUES)).toMatch(/^replicaCount: 3$/m);
    expectSameAs(dir, ref);
  });

  test('edited on disk, unchanged render → your version kept byte for byte', () => {
    const dir = init('row3');
    const file = 'services/api/src/server.ts';
    edit(dir, file, (s) => s + '\n// my own route table goes here\n');
    const mine = read(dir, file);
    const { run, report } = regenJson(dir, '--set', 'containerization.runtime=cri-o');
    expect(run.status).toBe(0);
    expect(action(report, file)).toBe('keep');
    expect(read(dir, file)).toBe(mine);
  });

  test('edited on disk, changed render, separate regions → three-way merge keeps both', () => {
    const dir = init('row4');
    edit(dir, VALUES, (s) => s.replace(/^(# Override per environment.*)$/m, '$1\n# TEAM: production overrides live in ops/prod-values.yaml'));
    const { run, report } = regenJson(dir, '--set', 'services.0.replicas=3');
    expect(run.status).toBe(0);
    expect(action(report, VALUES)).toBe('merge');
    const merged = read(dir, VALUES);
    expect(merged).toContain('# TEAM: production overrides live in ops/prod-values.yaml');
    expect(merged).toMatch(/^replicaCount: 3$/m);
    expect(hasMarkers(merged)).toBe(false);
    // The merge equals the fresh render with the user's line added, nothing else.
    const ref = init('row4-ref', '--service', 'api:node:8080:http:3');
    expect(ownLines(read(ref, VALUES), merged)).toEqual(['# TEAM: production overrides live in ops/prod-values.yaml']);
    expect(ownLines(merged, read(ref, VALUES))).toEqual([]);
  });

  test('edited on disk, changed render, same lines → conflict markers, listed, exit 3', () => {
    const dir = init('row4c');
    edit(dir, VALUES, (s) => s.replace(/^replicaCount: 2$/m, 'replicaCount: 5'));
    const { run, report } = regenJson(dir, '--set', 'services.0.replicas=3');
    expect(run.status).toBe(3);
    expect(report.conflicts).toEqual([VALUES]);
    expect(action(report, VALUES)).toBe('conflict');
    const text = read(dir, VALUES);
    expect(text).toMatch(/^<<<<<<< yours\nreplicaCount: 5\n=======\nreplicaCount: 3\n>>>>>>> cn-scaffold \S+$/m);
    // Human output lists the file with instructions.
    const again = cli(['regenerate', dir]);
    expect(again.status).toBe(3);
    expect(again.stderr).toContain(VALUES);
    expect(again.stderr).toMatch(/unresolved conflict markers/);
    expect(cli(['regenerate', dir, '--check']).status).toBe(3);
    // A further template change does not merge into unresolved markers (no nesting): the file waits.
    const waiting = regenJson(dir, '--set', 'orchestration.kubernetes.autoscaling=true');
    expect(waiting.run.status).toBe(3);
    expect(action(waiting.report, VALUES)).toBe('skip');
    expect(read(dir, VALUES)).toBe(text);
    ok(['regenerate', dir, '--set', 'orchestration.kubernetes.autoscaling=false', '--dry-run']);
    expect(cli(['regenerate', dir, '--set', 'orchestration.kubernetes.autoscaling=false']).status).toBe(3);
    expect(read(dir, VALUES)).toBe(text);
    // Resolving the markers (keeping 5) makes the repository clean again; the user's value stays.
    writeFileSync(path.join(dir, VALUES), text.replace(/<<<<<<< yours\n(replicaCount: 5)\n=======\nreplicaCount: 3\n>>>>>>> .*\n/, '$1\n'));
    expect(cli(['regenerate', dir, '--check']).status).toBe(0);
    expect(ok(['regenerate', dir]).stdout).toMatch(/Up to date/);
    expect(read(dir, VALUES)).toMatch(/^replicaCount: 5$/m);
  });

  test('deleted by the user → stays deleted (reported), unless --restore', () => {
    const dir = init('row5');
    const file = 'services/api/README.md';
    writeTree(dir, { [file]: null });
    const { run, report } = regenJson(dir, '--set', 'services.0.port=9090'); // the service README mentions the port
    expect(run.status).toBe(0);
    expect(action(report, file)).toBe('skip');
    expect(report.files.find((f) => f.path === file)?.reason).toMatch(/you deleted/);
    expect(existsSync(path.join(dir, file))).toBe(false);
    // Still deleted on the next plain run.
    ok(['regenerate', dir]);
    expect(existsSync(path.join(dir, file))).toBe(false);
    // --restore brings back the current generated version.
    ok(['regenerate', dir, '--restore', file]);
    const ref = init('row5-ref', '--service', 'api:node:9090');
    expect(read(dir, file)).toBe(read(ref, file));
    expectSameAs(dir, ref);
  });

  test('no longer produced, unedited → deleted (with its now-empty folder)', () => {
    const dir = init('row6');
    const { report } = regenJson(dir, '--set', 'containerization.local=none');
    expect(action(report, 'compose.yaml')).toBe('delete');
    expect(existsSync(path.join(dir, 'compose.yaml'))).toBe(false);
    expectSameAs(dir, init('row6-ref', '--set', 'containerization.local=none'));
  });

  test('no longer produced, edited → kept, reported, and then it is yours', () => {
    const dir = init('row7');
    edit(dir, RUNTIME_OLD, (s) => s + '\n# tuned for our GPU nodes\n');
    const mine = read(dir, RUNTIME_OLD);
    const { report } = regenJson(dir, '--set', 'containerization.runtime=cri-o');
    expect(action(report, RUNTIME_OLD)).toBe('keep');
    expect(report.files.find((f) => f.path === RUNTIME_OLD)?.reason).toMatch(/no longer generated/);
    expect(read(dir, RUNTIME_OLD)).toBe(mine);
    const manifest = JSON.parse(read(dir, '.cn-scaffold/manifest.json')) as { files: Record<string, unknown> };
    expect(manifest.files[RUNTIME_OLD]).toBeUndefined();
    // Switching back: the file exists but is no longer cn-scaffold's → left alone.
    const back = regenJson(dir, '--set', 'containerization.runtime=containerd');
    expect(action(back.report, RUNTIME_OLD)).toBe('skip');
    expect(read(dir, RUNTIME_OLD)).toBe(mine);
  });

  test('exists but never generated → never overwritten without --force', () => {
    const dir = init('row8');
    writeTree(dir, { [RUNTIME_NEW]: '# my own CRI-O drop-in\n' });
    const { run, report } = regenJson(dir, '--set', 'containerization.runtime=cri-o');
    expect(run.status).toBe(0);
    expect(action(report, RUNTIME_NEW)).toBe('skip');
    expect(read(dir, RUNTIME_NEW)).toBe('# my own CRI-O drop-in\n');
    // Still not adopted on the next run; --force overwrites it with the generated version.
    expect(action(regenJson(dir).report, RUNTIME_NEW)).toBe('skip');
    ok(['regenerate', dir, '--force']);
    expectSameAs(dir, init('row8-ref', '--set', 'containerization.runtime=cri-o'));
  });
});

// ── choices that change the file set ────────────────────────────────────────────────────────────────

describe('changing choices', () => {
  test('add a service: its files appear, shared files follow, cn-scaffold.yaml records it', () => {
    const dir = init('add');
    const r = ok(['set', 'services.1.name=billing', 'services.1.language=go', 'services.1.port=9000', '--dir', dir]);
    expect(r.stdout).toMatch(/Saved the new answers in cn-scaffold\.yaml/);
    expect(existsSync(path.join(dir, 'services/billing/Dockerfile'))).toBe(true);
    expect(existsSync(path.join(dir, 'deploy/charts/billing/Chart.yaml'))).toBe(true);
    const ref = init('add-ref', '--service', 'api', '--service', 'billing:go:9000');
    expectSameAs(dir, ref);
  });

  test('remove a service (hand edit of cn-scaffold.yaml): unedited files go, an edited one stays', () => {
    const dir = init('remove', '--service', 'api', '--service', 'billing:go:9000');
    edit(dir, 'services/billing/main.go', (s) => s + '\n// billing: keep this experiment\n');
    const edited = read(dir, 'services/billing/main.go');
    edit(dir, 'cn-scaffold.yaml', (s) => s.replace(/  - name: billing\n(    .*\n)+/, ''));
    const { run, report } = regenJson(dir);
    expect(run.status).toBe(0);
    expect(action(report, 'deploy/charts/billing/values.yaml')).toBe('delete');
    expect(existsSync(path.join(dir, 'deploy/charts/billing'))).toBe(false);
    expect(action(report, 'services/billing/main.go')).toBe('keep');
    expect(read(dir, 'services/billing/main.go')).toBe(edited);
    const ref = init('remove-ref');
    const a = files(dir);
    a.delete('services/billing/main.go');
    expect(a).toEqual(files(ref));
  });

  test('switch a block (containerd → cri-o): old files removed, new added, shared README/Makefile merged keeping edits', () => {
    const dir = init('switch');
    edit(dir, 'README.md', (s) => s.replace('## Quick start\n', '## Quick start\n\n> Ask #platform-team before deploying to production.\n'));
    edit(dir, 'Makefile', (s) => s + '\nsmoke: ## Our smoke test\n\tcurl -fsS localhost:8080/healthz\n');
    const readme = read(dir, 'README.md');
    const makefile = read(dir, 'Makefile');
    const { run, report } = regenJson(dir, '--set', 'containerization.runtime=cri-o', '--set', 'containerization.build=podman');
    expect(run.status).toBe(0);
    expect(action(report, RUNTIME_OLD)).toBe('delete');
    expect(action(report, RUNTIME_NEW)).toBe('create');
    expect(action(report, 'README.md')).toBe('merge');
    expect(action(report, 'Makefile')).toBe('merge');
    const ref = init('switch-ref', '--set', 'containerization.runtime=cri-o', '--set', 'containerization.build=podman');
    expectSameAs(dir, ref, ['README.md', 'Makefile']);
    for (const [p, before] of [['README.md', readme], ['Makefile', makefile]] as const) {
      const now = read(dir, p);
      const orig = read(init(`switch-orig-${p}`), p);
      // Every line the user added survives, and the rest is the new template (podman, CRI-O).
      for (const l of ownLines(orig, before)) expect(now.split('\n'), `${p}: ${l}`).toContain(l);
      expect(ownLines(read(ref, p), now)).toEqual(ownLines(orig, before));
    }
    expect(read(dir, 'Makefile')).toMatch(/podman build/);
    expect(read(dir, 'README.md')).toMatch(/CRI-O/);
  });
});

// ── cn-scaffold.yaml: hand edits, saving answers, migration ─────────────────────────────────────────

describe('the answers file', () => {
  test('flags and set save the answers and keep the comments of a hand-edited cn-scaffold.yaml', () => {
    const dir = init('answers');
    edit(dir, 'cn-scaffold.yaml', (s) =>
      s
        .replace('  runtime: containerd\n', '  # nodes are provisioned by the infra team\n  runtime: containerd # see INFRA-12\n')
        .replace('    replicas: 2\n', '    replicas: 2 # two zones\n'),
    );
    const r = ok(['set', 'containerization.runtime=cri-o', '--dir', dir]);
    expect(r.stdout).toMatch(/MERGE +cn-scaffold\.yaml/);
    const answers = read(dir, 'cn-scaffold.yaml');
    expect(answers).toContain('  # nodes are provisioned by the infra team\n  runtime: cri-o # see INFRA-12\n');
    expect(answers).toContain('replicas: 2 # two zones');
    // The deselected block's options left with it; the new block's appeared.
    expect(answers).not.toMatch(/^  containerd:/m);
    expect(answers).toMatch(/^  cri-o:\n    runtimeClass: false$/m);
    // The generated files are exactly those of the new answers, and the next run is a no-op.
    expectSameAs(dir, init('answers-ref', '--set', 'containerization.runtime=cri-o'), ['cn-scaffold.yaml']);
    const before = snapshot(dir);
    expect(ok(['regenerate', dir]).stdout).toMatch(/Up to date/);
    expect(snapshot(dir)).toEqual(before);
  });

  test('a hand edit of cn-scaffold.yaml alone regenerates (comments and omitted defaults kept)', () => {
    const dir = init('handedit');
    edit(dir, 'cn-scaffold.yaml', (s) => s.replace('  runtime: containerd\n', '  runtime: cri-o # switched by hand\n').replace('    protocol: http\n', ''));
    const mine = read(dir, 'cn-scaffold.yaml');
    const { run, report } = regenJson(dir);
    expect(run.status).toBe(0);
    expect(action(report, RUNTIME_NEW)).toBe('create');
    const answers = read(dir, 'cn-scaffold.yaml');
    expect(answers).toContain('runtime: cri-o # switched by hand');
    expect(answers).not.toMatch(/protocol:/); // an omitted default stays omitted
    // Exactly the derived option sections changed: containerd's options went, cri-o's came.
    expect(ownLines(mine, answers)).toEqual(['  cri-o:']);
    expect(ownLines(answers, mine)).toEqual(['  containerd:']);
    expectSameAs(dir, init('handedit-ref', '--set', 'containerization.runtime=cri-o'), ['cn-scaffold.yaml']);
  });

  test('an invalid hand edit: exit 1, names cn-scaffold.yaml:LINE, nothing changed', () => {
    const dir = init('invalid');
    edit(dir, 'cn-scaffold.yaml', (s) => s.replace('  runtime: containerd\n', '  runtime: cri-x\n').replace('    port: 8080\n', '    port: 80\n'));
    const lines = read(dir, 'cn-scaffold.yaml').split('\n');
    const runtimeLine = lines.indexOf('  runtime: cri-x') + 1;
    const portLine = lines.indexOf('    port: 80') + 1;
    const before = snapshot(dir);
    const r = cli(['regenerate', dir]);
    expect(r.status).toBe(1);
    const label = path.relative(TMP, path.join(dir, 'cn-scaffold.yaml'));
    expect(r.stderr).toContain(`${label}:${runtimeLine}`);
    expect(r.stderr).toContain(`${label}:${portLine}`);
    expect(r.stderr).toMatch(/cri-o/); // the fix names the closest valid choice
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(snapshot(dir)).toEqual(before);
    // From inside the repository the origin is plain `cn-scaffold.yaml:LINE`.
    expect(cli(['regenerate'], dir).stderr).toContain(`cn-scaffold.yaml:${runtimeLine}`);
    expect(snapshot(dir)).toEqual(before);
  });

  test('a YAML syntax error in cn-scaffold.yaml names the line; nothing changed', () => {
    const dir = init('syntax');
    edit(dir, 'cn-scaffold.yaml', (s) => s.replace('  build: docker\n', '  build: [docker\n'));
    const before = snapshot(dir);
    const r = cli(['regenerate'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cn-scaffold\.yaml:\d+/);
    expect(snapshot(dir)).toEqual(before);
  });

  test('format v0 (no version, services as a map) is migrated with a message', () => {
    const dir = init('migrate', '--service', 'api', '--service', 'worker:python:8081');
    const v1 = read(dir, 'cn-scaffold.yaml');
    const v0 = v1
      .replace('version: 1\n', '')
      .replace(/services:\n(  - name: .*\n(    .*\n)+)+/, 'services:\n  # the public API\n  api:\n    language: node\n    port: 8080\n  worker:\n    language: python\n    port: 8081\n')
      .replace(/^# cn-scaffold answers/m, '# team answers, written long ago\n# cn-scaffold answers');
    writeFileSync(path.join(dir, 'cn-scaffold.yaml'), v0);
    const before = files(dir);
    const { run, report } = regenJson(dir);
    expect(run.status).toBe(0);
    expect(report.migrations.join('\n')).toMatch(/migrated answers format v0 → v1/);
    expect(run.stderr).toMatch(/v0 → v1/);
    // Only the answers file changed: the generated repository is the same.
    expect(report.files.filter((f) => ['create', 'update', 'merge', 'conflict', 'delete'].includes(f.action)).map((f) => f.path)).toEqual(['cn-scaffold.yaml']);
    const after = files(dir);
    for (const [p, c] of before) if (p !== 'cn-scaffold.yaml' && p !== '.cn-scaffold/manifest.json') expect(after.get(p), p).toBe(c);
    const migrated = read(dir, 'cn-scaffold.yaml');
    expect(migrated).toMatch(/^version: 1$/m);
    expect(migrated).toContain('# team answers, written long ago');
    expect(migrated).toMatch(/^ {2}- name: api$/m);
    expect(migrated).toMatch(/^ {2}- name: worker$/m);
    // Re-reading the migrated file is a no-op.
    expect(regenJson(dir).report.changed).toBe(0);
  });

  test('an invalid value in a v0 file is reported at its original line', () => {
    const dir = init('migrate-bad');
    const v0 = 'project:\n  name: demo\nservices:\n  api:\n    language: node\n    port: 80\n';
    writeFileSync(path.join(dir, 'cn-scaffold.yaml'), v0);
    const before = snapshot(dir);
    const r = cli(['regenerate'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/services\.0\.port \(from cn-scaffold\.yaml:6\)/);
    expect(snapshot(dir)).toEqual(before);
  });

  test('a newer format version is refused with the upgrade hint', () => {
    const dir = init('future');
    edit(dir, 'cn-scaffold.yaml', (s) => s.replace('version: 1', 'version: 7'));
    const r = cli(['regenerate', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/newer cn-scaffold/);
  });
});

// ── the manifest is untrusted ───────────────────────────────────────────────────────────────────────

describe('tampered manifest', () => {
  const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
  const MANIFEST = '.cn-scaffold/manifest.json';
  type ManifestJson = { files: Record<string, { block: string; sha256: string; base: string }> };

  test('paths escaping the repository (../x, absolute) are ignored: nothing outside is read, written or deleted', () => {
    const dir = init('escape');
    const outside = fresh('outside');
    writeTree(outside, { 'victim.txt': 'precious\n', 'abs.txt': 'also precious\n' });
    const m = JSON.parse(read(dir, MANIFEST)) as ManifestJson;
    const rel = path.relative(dir, path.join(outside, 'victim.txt'));
    expect(rel.startsWith('..')).toBe(true);
    // Each entry is "valid" otherwise: base = the outside content, correct hash → an unguarded
    // regenerate would delete both as "no longer generated, unedited".
    m.files[rel] = { block: 'base', sha256: sha('precious\n'), base: 'precious\n' };
    m.files[path.join(outside, 'abs.txt')] = { block: 'base', sha256: sha('also precious\n'), base: 'also precious\n' };
    m.files['services/../../escape.txt'] = { block: 'base', sha256: sha('x'), base: 'x' };
    writeFileSync(path.join(dir, MANIFEST), JSON.stringify(m));
    const outsideBefore = snapshot(outside);
    const { run, report } = regenJson(dir, '--set', 'containerization.local=none');
    expect(run.status).toBe(0);
    expect(snapshot(outside)).toEqual(outsideBefore);
    expect(existsSync(path.join(TMP, 'escape.txt'))).toBe(false);
    const warned = report.warnings.map((w) => `${w.key}: ${w.message}`).join('\n');
    expect(warned).toContain(rel);
    expect(warned).toContain(path.join(outside, 'abs.txt'));
    expect(warned).toMatch(/escapes the repository|absolute path/);
    // The rewritten manifest no longer has them.
    const after = JSON.parse(read(dir, MANIFEST)) as ManifestJson;
    expect(Object.keys(after.files).filter((p) => p.includes('..') || path.isAbsolute(p))).toEqual([]);
    expectSameAs(dir, init('escape-ref', '--set', 'containerization.local=none'));
  });

  test('a wrong hash never lets regenerate clobber or delete the user content', () => {
    const dir = init('hash');
    writeTree(dir, { [VALUES]: 'replicaCount: 9 # mine\n' });
    writeTree(dir, { 'compose.yaml': 'services: {} # mine too\n' });
    const m = JSON.parse(read(dir, MANIFEST)) as ManifestJson;
    // Forge bases that equal the user's content, but leave the recorded hashes alone.
    m.files[VALUES]!.base = 'replicaCount: 9 # mine\n';
    m.files['compose.yaml']!.base = 'services: {} # mine too\n';
    m.files['services/api/Dockerfile']!.sha256 = 'not-a-hash';
    writeFileSync(path.join(dir, MANIFEST), JSON.stringify(m));
    const { run, report } = regenJson(dir, '--set', 'services.0.replicas=3', '--set', 'containerization.local=none');
    expect(run.status).toBe(0);
    expect(action(report, VALUES)).toBe('skip');
    expect(report.files.find((f) => f.path === VALUES)?.reason).toMatch(/hash/);
    expect(read(dir, VALUES)).toBe('replicaCount: 9 # mine\n');
    expect(action(report, 'compose.yaml')).toBe('keep'); // no longer generated, not provably unedited
    expect(read(dir, 'compose.yaml')).toBe('services: {} # mine too\n');
    expect(report.warnings.map((w) => w.key)).toContain('services/api/Dockerfile'); // malformed entry dropped, reported
    expect(existsSync(path.join(dir, 'services/api/Dockerfile'))).toBe(true);
  });

  test('a manifest entry naming a folder, and a symlinked folder, are never written through', () => {
    const dir = init('links');
    const outside = fresh('link-target');
    writeTree(outside, { 'keep.txt': 'outside\n' });
    // deploy/cluster → a folder outside the repository.
    rmSync(path.join(dir, 'deploy/cluster'), { recursive: true });
    symlinkSync(outside, path.join(dir, 'deploy/cluster'));
    const m = JSON.parse(read(dir, MANIFEST)) as ManifestJson;
    m.files['services/api'] = { block: 'base', sha256: sha(''), base: '' };
    writeFileSync(path.join(dir, MANIFEST), JSON.stringify(m));
    const { run, report } = regenJson(dir, '--set', 'containerization.runtime=cri-o');
    expect(run.status).toBe(0);
    expect(readdirSync(outside)).toEqual(['keep.txt']);
    expect(action(report, RUNTIME_NEW)).toBe('skip');
    expect(report.files.find((f) => f.path === RUNTIME_NEW)?.reason).toMatch(/symbolic link/);
    expect(lstatSync(path.join(dir, 'services/api')).isDirectory()).toBe(true);
  });

  test('a manifest that is not JSON: clear error, nothing written', () => {
    const dir = init('badjson');
    writeFileSync(path.join(dir, MANIFEST), '{ nope');
    const before = snapshot(dir);
    const r = cli(['regenerate', dir, '--set', 'services.0.replicas=3']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/manifest\.json is not valid JSON/);
    expect(snapshot(dir)).toEqual(before);
  });
});

// ── modes ───────────────────────────────────────────────────────────────────────────────────────────

describe('modes and idempotence', () => {
  test('run twice: the second run has zero changes, a byte-identical tree and untouched mtimes', () => {
    const dir = init('twice');
    edit(dir, VALUES, (s) => s + '# mine\n');
    ok(['regenerate', dir, '--set', 'containerization.runtime=cri-o', '--set', 'services.0.replicas=4']);
    const first = snapshot(dir);
    const { run, report } = regenJson(dir);
    expect(run.status).toBe(0);
    expect(report.changed).toBe(0);
    expect(report.manifestChanged).toBe(false);
    expect(snapshot(dir)).toEqual(first);
  });

  test('--check: 0 when in sync, 3 when drifted, writes nothing', () => {
    const dir = init('check');
    expect(cli(['regenerate', dir, '--check']).status).toBe(0);
    edit(dir, 'cn-scaffold.yaml', (s) => s.replace('runtime: containerd', 'runtime: cri-o'));
    const before = snapshot(dir);
    const r = cli(['regenerate', dir, '--check']);
    expect(r.status).toBe(3);
    expect(r.stdout).toContain(RUNTIME_NEW);
    expect(r.stdout).toMatch(/Out of date/);
    expect(snapshot(dir)).toEqual(before);
    const j = regenJson(dir, '--check');
    expect(j.run.status).toBe(3);
    expect(j.report.drift).toBe(true);
    ok(['regenerate', dir]);
    expect(cli(['regenerate', dir, '--check']).status).toBe(0);
  });

  test('--dry-run lists the change set per file and writes nothing', () => {
    const dir = init('dry');
    edit(dir, 'Makefile', (s) => s + '\n# mine\n');
    const before = snapshot(dir);
    const r = ok(['regenerate', dir, '--dry-run', '--set', 'containerization.runtime=cri-o', '--set', 'containerization.build=podman']);
    expect(r.stdout).toMatch(/^DELETE +deploy\/cluster\/runtime\/config\.toml/m);
    expect(r.stdout).toMatch(/^CREATE +deploy\/cluster\/runtime\/20-cn-scaffold\.conf/m);
    expect(r.stdout).toMatch(/^MERGE +Makefile/m);
    expect(r.stdout).toMatch(/^UPDATE +cn-scaffold\.yaml/m);
    expect(snapshot(dir)).toEqual(before);
  });

  test('--diff prints unified diffs of what would change and writes nothing', () => {
    const dir = init('diff');
    const before = snapshot(dir);
    const r = ok(['regenerate', dir, '--diff', '--set', 'services.0.replicas=3', '--set', 'containerization.runtime=cri-o']);
    expect(r.stdout).toContain(`--- a/${VALUES}\n+++ b/${VALUES}\n`);
    expect(r.stdout).toMatch(/^-replicaCount: 2\n\+replicaCount: 3$/m);
    expect(r.stdout).toContain(`--- /dev/null\n+++ b/${RUNTIME_NEW}`);
    expect(r.stdout).toContain(`--- a/${RUNTIME_OLD}\n+++ /dev/null`);
    expect(snapshot(dir)).toEqual(before);
    // The diff applies: patching the old file gives the new render.
    const j = regenJson(dir, '--diff', '--set', 'services.0.replicas=3');
    expect(j.report.files.find((f) => f.path === VALUES)?.diff).toMatch(/^@@ /m);
  });

  test('--restore of a path that is not generated is a usage error', () => {
    const dir = init('restore-bad');
    const r = cli(['regenerate', dir, '--restore', 'nope.txt']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nope\.txt \(from --restore nope\.txt\): is not generated/);
    expect(cli(['regenerate', dir, '--restore', '../x']).status).toBe(2);
  });

  test('regenerate outside a generated repository explains what to do', () => {
    const dir = fresh('empty');
    mkdirSync(dir);
    const r = cli(['regenerate', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/No cn-scaffold\.yaml/);
    expect(r.stderr).toMatch(/cn-scaffold init/);
  });

  test('the update alias and set --dir behave like regenerate', () => {
    const dir = init('alias');
    expect(ok(['update', dir]).stdout).toMatch(/Up to date/);
    const r = cli(['set', 'containerization.runtime=cri-x', '--dir', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--set containerization\.runtime=cri-x/);
    expect(cli(['set', 'nonsense', '--dir', dir]).status).toBe(2);
  });

  test('20 services regenerated with one choice changed, quickly', () => {
    const services = Array.from({ length: 20 }, (_, i) => ['--service', `svc${i}:${['node', 'go', 'python', 'java'][i % 4]}:${8000 + i}`]).flat();
    const dir = init('big', ...services);
    const ref = init('big-ref', ...services, '--set', 'orchestration.kubernetes.autoscaling=true');
    for (let i = 0; i < 20; i += 5) edit(dir, `deploy/charts/svc${i}/values.yaml`, (s) => s.replace(/^(# Override per environment.*)$/m, `$1\n# owner: team-${i}`));
    const started = Date.now();
    const { run, report } = regenJson(dir, '--set', 'orchestration.kubernetes.autoscaling=true');
    const elapsed = Date.now() - started;
    expect(run.status).toBe(0);
    expect(report.conflicts).toEqual([]);
    expect(elapsed).toBeLessThan(20_000);
    const edited = [0, 5, 10, 15].map((i) => `deploy/charts/svc${i}/values.yaml`);
    expectSameAs(dir, ref, edited);
    for (const [n, p] of edited.entries()) expect(ownLines(read(ref, p), read(dir, p))).toEqual([`# owner: team-${n * 5}`]);
    expect(regenJson(dir).report.changed).toBe(0);
  });
});

// ── the user story of issue #4 ──────────────────────────────────────────────────────────────────────

test('user story: edit three generated files, change two choices, regenerate, lose no line', () => {
  const dir = init('story', '--service', 'api', '--service', 'billing:go:9000');
  const original = files(dir);
  // 1. Three files edited the way people do: a values override and comment, a README section, code.
  edit(dir, VALUES, (s) => s.replace('pullPolicy: IfNotPresent', 'pullPolicy: Always # we push mutable dev tags').replace(/^(# Override per environment.*)$/m, '$1\n# Owner: payments team (#payments-oncall)'));
  edit(dir, 'README.md', (s) => s.replace('## Quick start\n', '## Quick start\n\nOn-call runbook: https://wiki.example.com/shop/runbook\n'));
  edit(dir, 'services/api/src/server.ts', (s) => `// Copyright Example Corp.\n${s}\n// TODO(payments): add /v1/charges\n`);
  const edited = [VALUES, 'README.md', 'services/api/src/server.ts'];
  const mine = new Map(edited.map((p) => [p, ownLines(original.get(p)!, read(dir, p))]));
  // 2. Two choices change.
  const { run, report } = regenJson(dir, '--set', 'containerization.runtime=cri-o', '--set', 'services.0.replicas=3');
  expect(run.status).toBe(0);
  expect(report.conflicts).toEqual([]);
  // 3. No line of theirs is lost, none of the files has markers, and the choices took effect.
  for (const p of edited) {
    const now = read(dir, p).split('\n');
    for (const l of mine.get(p)!) expect(now, `${p} lost: ${l}`).toContain(l);
    expect(hasMarkers(read(dir, p))).toBe(false);
  }
  expect(read(dir, VALUES)).toMatch(/^replicaCount: 3$/m);
  expect(existsSync(path.join(dir, RUNTIME_NEW))).toBe(true);
  // Everything the user did not touch is exactly a fresh init with the new answers.
  expectSameAs(dir, init('story-ref', '--service', 'api:node:8080:http:3', '--service', 'billing:go:9000', '--set', 'containerization.runtime=cri-o'), edited);
  // And the next run changes nothing.
  expect(regenJson(dir).report.changed).toBe(0);
});

// ── the pure pieces, in memory ─────────────────────────────────────────────────────────────────────

describe('pure pieces', () => {
  test('reconcile: each table row from in-memory inputs', async () => {
    const { reconcile } = await import('../src/reconcile/reconcile.js');
    const { sha256 } = await import('../src/util/hash.js');
    const tf = (content: string) => ({ content, block: 'base', source: 't', executable: false });
    const entry = (base: string) => ({ block: 'base', sha256: sha256(base), base });
    const tree = new Map([
      ['same', tf('a\n')],
      ['upd', tf('new\n')],
      ['keep', tf('a\n')],
      ['merge', tf('1\n2\n3\nT\n')],
      ['gone', tf('x\n')],
      ['foreign', tf('ours\n')],
      ['new', tf('n\n')],
    ]);
    const disk = new Map<string, string | undefined>([
      ['same', 'a\n'],
      ['upd', 'old\n'],
      ['keep', 'mine\n'],
      ['merge', 'U\n2\n3\n4\n'],
      ['gone', undefined],
      ['foreign', 'theirs\n'],
      ['new', undefined],
      ['orphan', 'o\n'],
      ['orphan-edited', 'edited\n'],
    ]);
    const manifest = {
      version: 1 as const,
      tool: { name: 'cn-scaffold', version: '0.0.1' },
      files: { same: entry('a\n'), upd: entry('old\n'), keep: entry('a\n'), merge: entry('1\n2\n3\n4\n'), gone: entry('x\n'), orphan: entry('o\n'), 'orphan-edited': entry('o\n') },
    };
    const cs = reconcile(tree, disk, manifest, { toolVersion: '9.9.9' });
    const kinds = Object.fromEntries(cs.changes.map((c) => [c.path, c.kind]));
    expect(kinds).toEqual({ same: 'unchanged', upd: 'update', keep: 'keep', merge: 'merge', gone: 'skip', foreign: 'skip', new: 'create', orphan: 'delete', 'orphan-edited': 'keep' });
    expect(cs.changes.find((c) => c.path === 'merge')?.content).toBe('U\n2\n3\nT\n');
    expect(Object.keys(cs.manifest.files).sort()).toEqual(['gone', 'keep', 'merge', 'new', 'same', 'upd']);
    expect(cs.manifest.files.merge?.base).toBe('1\n2\n3\nT\n'); // the new render is the next merge base
  });

  test('migrateAnswers runs every step of a table, in order, and refuses gaps', async () => {
    const { migrateAnswers } = await import('../src/config/migrate.js');
    const table = [
      { from: 0, describe: 'step a', migrate: (r: { data: Record<string, unknown>; origins: Map<string, string> }) => ({ ...r, data: { ...r.data, a: true, version: 1 } }) },
      { from: 1, describe: 'step b', migrate: (r: { data: Record<string, unknown>; origins: Map<string, string> }) => ({ ...r, data: { ...r.data, b: true, version: 2 } }) },
    ];
    const out = migrateAnswers({ data: { version: 0 }, origins: new Map() }, 'f.yaml', table, 2);
    expect(out.raw.data).toEqual({ version: 2, a: true, b: true });
    expect(out.messages).toEqual(['f.yaml: migrated answers format v0 → v1: step a', 'f.yaml: migrated answers format v1 → v2: step b']);
    expect(() => migrateAnswers({ data: { version: 0 }, origins: new Map() }, 'f.yaml', [table[1]!], 2)).toThrow(/cannot be migrated/);
    expect(() => migrateAnswers({ data: { version: 'x' }, origins: new Map([['version', 'f.yaml:3']]) }, 'f.yaml', table, 2)).toThrow(/invalid format version/);
  });

  test('mergeAnswersYaml keeps comments and flow style, inserts new keys in render order', async () => {
    const { mergeAnswersYaml } = await import('../src/reconcile/answers-merge.js');
    const base = 'version: 1\nproject:\n  name: a\nc:\n  slot: x\n  x:\n    opt: false\n';
    const yours = '# mine\nversion: 1\nproject: { name: a } # flow\nc:\n  slot: y # hand\n  x:\n    opt: false\n';
    const theirs = 'version: 1\nproject:\n  name: a\nc:\n  slot: y\n  y:\n    opt: false\n';
    const m = mergeAnswersYaml(yours, base, theirs);
    expect(m?.content).toBe('# mine\nversion: 1\nproject: { name: a } # flow\nc:\n  slot: y # hand\n  y:\n    opt: false\n');
    // Nothing to do → the user's bytes, untouched.
    expect(mergeAnswersYaml(m!.content, theirs, theirs)?.content).toBe(m!.content);
  });
});
