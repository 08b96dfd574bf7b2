// Hostile input at the pure layers (issue 15): prototype-polluting keys, alias bombs, list indexes,
// megabyte values, control characters in messages, paths cn-scaffold must never touch, host names and
// namespaces, and fixes that work when applied. Each check times itself where the failure was a hang.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { applySet, emptyAnswers, overlay, readAnswersText, setAt, type RawAnswers } from '../../src/config/sources.js';
import { closest, setFlag } from '../../src/config/issues.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { catalog } from '../../src/catalog/registry.js';
import { renderProject } from '../../src/generate.js';
import { parseManifest } from '../../src/reconcile/manifest.js';
import { notGeneratable } from '../../src/util/paths.js';
import { formatProblems, printable, UserError, type Problem } from '../../src/util/errors.js';
import { formatProblemList } from '../../src/util/report.js';
import { sha256 } from '../../src/util/hash.js';
import { ROOT } from '../support/cli.js';

const MIN = 'project:\n  name: shop\nservices:\n  - name: api\n';

/** The UserError `fn` throws (fails the test when it throws nothing or something else). */
function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('expected a UserError');
}

/** Milliseconds `fn` takes. */
function timed(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const problems = (text: string, sets: string[] = []): Problem[] => {
  const raw = readAnswersText(text, 'answers.yaml');
  for (const s of sets) applySet(raw, s);
  return userError(() => resolveConfig(raw, catalog)).problems;
};

/** Applies a printed `--set` fix the way the shell would pass it (single quotes removed). */
function applyFix(raw: RawAnswers, fix: string): void {
  const m = /^--set (?:'((?:[^']|'\\'')*)'|(\S+))$/.exec(fix);
  expect(m, `a pasteable --set: ${fix}`).not.toBeNull();
  applySet(raw, m![1] !== undefined ? m![1].replace(/'\\''/g, "'") : m![2]!);
}

describe('prototype pollution', () => {
  test.each([
    ['__proto__ at the top', '__proto__:\n  polluted: 1\n' + MIN, 1],
    ['__proto__ nested', MIN + 'cicd:\n  __proto__:\n    polluted: 1\n', 6],
    ['constructor', 'project:\n  name: shop\n  constructor:\n    prototype:\n      polluted: 1\nservices:\n  - name: api\n', 3],
    ['prototype in a list item', MIN + '    prototype: {polluted: 1}\n', 5],
    ['__proto__ in a flow mapping', 'project: {name: shop, __proto__: {polluted: 1}}\nservices: [{name: api}]\n', 1],
  ])('%s in an answers file is an unknown key at its line', (_name, text, line) => {
    const e = userError(() => readAnswersText(text, 'answers.yaml'));
    expect(e.exitCode).toBe(1);
    expect(e.problems[0]!.message).toMatch(/unknown key '(__proto__|constructor|prototype)'/);
    expect(e.problems[0]!.origin).toBe(`answers.yaml:${line}`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('--set and setAt refuse them at any depth, naming the flag (exit 1)', () => {
    for (const expr of ['__proto__.polluted=1', 'project.constructor.prototype.polluted=1', 'services.0.__proto__.polluted=1', 'prototype=1']) {
      const e = userError(() => applySet(emptyAnswers(), expr));
      expect(e.exitCode, expr).toBe(1);
      expect(e.problems[0]!.origin).toBe(`--set ${expr}`);
      expect(e.problems[0]!.message).toMatch(/unknown key/);
    }
    expect(() => setAt(emptyAnswers(), ['a', '__proto__', 'polluted'], 1, 'x')).toThrow(UserError);
    // overlay walks own keys: JSON.parse makes `__proto__` an own key, which must not reach a prototype.
    const top: RawAnswers = { data: JSON.parse('{"project": {"__proto__": {"polluted": 1}}}'), origins: new Map() };
    expect(() => overlay(emptyAnswers(), top)).toThrow(UserError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('resource bounds', () => {
  // Ten levels of nine references each: 9^10 values once expanded.
  const bomb = (item: (i: number, ref: string) => string, wrap: (items: string) => string) => {
    const lines = [`l0: &l0 ${wrap(Array.from({ length: 9 }, (_, j) => item(j, '"x"')).join(', '))}`];
    for (let i = 1; i < 10; i++) lines.push(`l${i}: &l${i} ${wrap(Array.from({ length: 9 }, (_, j) => item(j, `*l${i - 1}`)).join(', '))}`);
    return MIN + lines.join('\n') + '\n';
  };

  test.each([
    ['a list', bomb((_j, ref) => ref, (items) => `[${items}]`)],
    ['a map', bomb((j, ref) => `k${j}: ${ref}`, (items) => `{${items}}`)],
  ])('a YAML alias bomb in %s is refused in well under a second', (_name, text) => {
    expect(text.length).toBeLessThan(2000); // a billion values described in under 2 KB
    let e: UserError | undefined;
    const ms = timed(() => {
      e = userError(() => readAnswersText(text, 'bomb.yaml'));
    });
    expect(ms).toBeLessThan(500);
    expect(e!.message).toMatch(/more than 100000 values/);
    expect(e!.problems[0]!.origin).toMatch(/^bomb\.yaml:\d+$/);
  });

  test('a few aliases are still fine, and each becomes its own copy', () => {
    const raw = readAnswersText('project: {name: shop}\nservices:\n  - &svc {name: api, port: 8080}\n  - *svc\n', 'a.yaml');
    setAt(raw, ['services', 1, 'name'], 'web', '--set services.1.name=web');
    expect(raw.data.services).toEqual([{ name: 'api', port: 8080 }, { name: 'web', port: 8080 }]);
  });

  test('list indexes stop at the end of the list: one short problem, and its fix works', () => {
    let e: UserError | undefined;
    expect(timed(() => (e = userError(() => applySet(emptyAnswers(), 'services.99999999.name=x'))))).toBeLessThan(100);
    expect(e!.problems).toHaveLength(1);
    const raw = readAnswersText(MIN, 'a.yaml');
    const far = userError(() => applySet(raw, 'services.1000={name: web, port: 9090}'));
    expect(far.problems).toHaveLength(1);
    expect(formatProblems(far).split('\n').length).toBeLessThan(5);
    expect(far.problems[0]!.fix).toBe("--set 'services.1={name: web, port: 9090}'");
    applyFix(raw, far.problems[0]!.fix!);
    expect(resolveConfig(raw, catalog).services.map((s) => s.name)).toEqual(['api', 'web']);
  });

  test('a megabyte value or key is refused before validation, and did-you-mean does bounded work', () => {
    const huge = 'x'.repeat(10_000_000);
    expect(timed(() => expect(closest(huge, ['containerd', 'cri-o'])).toBeUndefined())).toBeLessThan(50);
    const raw = readAnswersText(MIN, 'a.yaml');
    setAt(raw, ['containerization', 'runtime'], huge, '--set containerization.runtime=...');
    setAt(raw, ['containerization', huge.slice(0, 100_000)], 1, '--set containerization.xxx=1');
    let e: UserError | undefined;
    expect(timed(() => (e = userError(() => resolveConfig(raw, catalog))))).toBeLessThan(500);
    expect(e!.problems.map((p) => p.message).join('\n')).toMatch(/10000000 characters long; no answer is longer than 1024[\s\S]*unknown key of 100000 characters/);
    expect(formatProblems(e!).length).toBeLessThan(2000);
  });
});

describe('messages are safe to print', () => {
  test('control characters are escaped and long text is cut', () => {
    const evil = 'a\x1b]0;pwned\x07\x1b[2J\nline\u202eb\x9b';
    expect(printable(evil)).toBe('a\\x1b]0;pwned\\x07\\x1b[2J\\nline\\u202eb\\x9b'.replace('\\u202e', '\\x202e'));
    expect(printable('y'.repeat(1000))).toMatch(/^y{400}… \(600 more characters\)$/);
  });

  test('every printer escapes keys, origins, messages and fixes, and one error prints at most 20 problems', () => {
    const p = { key: 'k\x1b[2J', origin: 'o\x1b]0;t\x07', message: 'm\x1b[31m', fix: 'f\r' };
    const out = formatProblems(new UserError('t\x1bc', Array(50).fill(p))) + formatProblemList('W', [p]);
    expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    expect(out).toMatch(/… and 30 more problems/);
  });

  test('an answers key holding escapes reaches the message escaped', () => {
    const e = userError(() => resolveConfig(readAnswersText(MIN + '"evil\\e]0;title\\a": 1\n', 'a.yaml'), catalog));
    expect(formatProblems(e)).toContain("unknown key 'evil\\x1b]0;title\\x07'");
  });
});

describe('paths cn-scaffold never writes', () => {
  test('version-control metadata, control characters and its own working files', () => {
    for (const p of ['.git/HEAD', '.git/config', 'sub/.git/index', 'sub/.git', '.GIT/config', '.hg/store', 'a/.Svn/entries', 'a\x1b[2Jb', '.cn-scaffold.lock', '.cn-scaffold-tmp-1-2']) {
      expect(notGeneratable(p), p).toBeDefined();
    }
    for (const p of ['.gitignore', '.github/workflows/api.yml', '.gitlab-ci.yml', 'services/api/.gitkeep', 'a.git/b', 'docs/x.svn']) expect(notGeneratable(p), p).toBeUndefined();
  });

  test('no path the catalog generates is refused (golden answer files and the default stack)', () => {
    const dir = join(ROOT, 'test/golden');
    const answers = readdirSync(dir)
      .map((c) => join(dir, c, 'answers.yaml'))
      .filter(existsSync)
      .map((f) => readFileSync(f, 'utf8'));
    for (const text of [MIN, ...answers]) {
      const { tree } = renderProject(readAnswersText(text, 'a.yaml'), catalog);
      for (const p of tree.keys()) expect(notGeneratable(p), p).toBeUndefined();
    }
  });

  test('a forged manifest entry inside .git is dropped, even with the right hash', () => {
    const head = 'ref: refs/heads/main\n';
    const text = JSON.stringify({
      version: 1,
      tool: { name: 'cn-scaffold', version: '0.1.0' },
      files: { '.git/HEAD': { block: 'base', sha256: sha256(head), base: head }, 'evil\x1b[2J': { block: 'base', sha256: sha256(''), base: '' }, 'README.md': { block: 'base', sha256: sha256('x'), base: 'x' } },
    });
    const { manifest, problems } = parseManifest(text);
    expect(Object.keys(manifest.files)).toEqual(['README.md']);
    expect(problems.map((p) => p.key)).toEqual(['.git/HEAD', 'evil\x1b[2J']);
  });
});

describe('values that must not be accepted', () => {
  const harbor = (host: string) => problems(MIN + `registry:\n  provider: harbor\n  harbor:\n    host: ${host}\n`);
  test('host names are DNS names: labels of at most 63 characters, at most 253 in all', () => {
    expect(harbor('a'.repeat(300) + '.com').map((p) => p.message).join()).toMatch(/at most 253 characters/);
    expect(harbor('a'.repeat(64) + '.example.com')[0]!.message).toMatch(/labels of at most 63/);
    expect(harbor('harbor_.example.com')[0]!.key).toBe('registry.harbor.host');
    expect(() => resolveConfig(readAnswersText(MIN + `registry:\n  provider: harbor\n  harbor:\n    host: ${'a'.repeat(63)}.example.com\n`, 'a.yaml'), catalog)).not.toThrow();
    expect(problems(MIN, ['project.image.registry=' + 'b'.repeat(64) + '.io'])[0]!.key).toBe('project.image.registry');
    expect(problems(MIN, ['project.image.registry=localhost:70000'])[0]!.key).toBe('project.image.registry');
    expect(() => resolveConfig(readAnswersText(MIN + 'project:\n', 'a.yaml'), catalog)).toThrow(); // (sanity: a broken file still fails)
  });

  test.each(['default', 'kube-system', 'kube-public', 'kube-node-lease'])('the reserved namespace %s is refused, and the fix works', (ns) => {
    for (const text of [`project:\n  name: shop\n  namespace: ${ns}\nservices:\n  - name: api\n`, `project:\n  name: ${ns}\nservices:\n  - name: api\n`]) {
      const raw = readAnswersText(text, 'a.yaml');
      const [p] = userError(() => resolveConfig(raw, catalog)).problems;
      expect(p!.message).toMatch(/reserved for Kubernetes/);
      applyFix(raw, p!.fix!);
      expect(resolveConfig(raw, catalog).project.namespace).not.toBe(ns);
    }
  });
});

describe('each problem carries a fix that works when applied', () => {
  test.each([
    ['port 65536', MIN + '    port: 65536\n', /at most 65535/],
    ['a quoted port', MIN + '    port: "8080"\n', /expected number, got string "8080"/],
    ['a quoted boolean', MIN + 'orchestration:\n  kubernetes:\n    autoscaling: "true"\n', /expected boolean/],
    ['an unquoted version', 'project:\n  name: shop\n  kubernetesVersion: 1.30\nservices:\n  - name: api\n', /unquoted 1\.30 as the number 1\.3/],
    ['a nested --set under a string', MIN + 'registry:\n  provider: harbor\n  harbor:\n    host: {x: y}\n', /expected string, got a mapping/],
    ['a missing service name', 'project:\n  name: shop\nservices:\n  - port: 9000\n', /is required/],
  ])('%s', (_name, text, message) => {
    const raw = readAnswersText(text, 'a.yaml');
    const found = userError(() => resolveConfig(raw, catalog)).problems;
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(message);
    const fix = found[0]!.fix!;
    if (fix.startsWith('--kubernetes-version ')) setAt(raw, ['project', 'kubernetesVersion'], fix.split(' ')[1], fix);
    else applyFix(raw, fix);
    expect(() => resolveConfig(raw, catalog)).not.toThrow();
  });

  test('the same misread version from --set gets a quoted --set', () => {
    const raw = readAnswersText(MIN, 'a.yaml');
    applySet(raw, 'project.kubernetesVersion=1.30');
    const [p] = userError(() => resolveConfig(raw, catalog)).problems;
    expect(p!.fix).toBe(`--set 'project.kubernetesVersion="1.30"'`);
    applyFix(raw, p!.fix!);
    expect(resolveConfig(raw, catalog).project.kubernetesVersion).toBe('1.30');
  });

  test('an unknown nested --set key names the flag', () => {
    const raw = readAnswersText(MIN, 'a.yaml');
    applySet(raw, 'project.image.foo.bar=1');
    expect(userError(() => resolveConfig(raw, catalog)).problems[0]).toMatchObject({ key: 'project.image.foo', origin: '--set project.image.foo.bar=1' });
  });

  test('setFlag quotes for YAML and for the shell only where needed', () => {
    expect(setFlag('a.b', 'cri-o')).toBe('--set a.b=cri-o');
    expect(setFlag('a.b', '1.30')).toBe(`--set 'a.b="1.30"'`);
    expect(setFlag('a.b', "it's")).toBe(`--set 'a.b=it'\\''s'`);
    expect(setFlag('a.b', 8080)).toBe('--set a.b=8080');
  });
});
