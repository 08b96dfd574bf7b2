// The interactive walk with a scripted prompter (test/support/prompter.ts): rules applied while
// choosing, only the questions that apply, the short walk's length, contextual defaults, re-asking an
// answer that a later one invalidates, and that every walk reaching the summary generates.
import { describe, expect, test } from 'vitest';
import { catalog } from '../../src/catalog/registry.js';
import { answerKeys, applies } from '../../src/config/answer-keys.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { RULES, evaluateRules, type Rule } from '../../src/config/rules.js';
import { fillDefaults } from '../../src/config/defaults.js';
import { emptyAnswers, setAt, type RawAnswers } from '../../src/config/sources.js';
import { CancelledError, walk } from '../../src/prompts/walk.js';
import { schemaCheck } from '../../src/prompts/validate.js';
import { ServiceSchema, regexpProblem } from '../../src/config/schema.js';
import { UserError } from '../../src/util/errors.js';
import { ExitCode } from '../../src/util/errors.js';
import { buildMatrix } from '../support/matrix.js';
import { ScriptedPrompter, type Asked, type Reply } from '../support/prompter.js';

const TARGET = '/tmp/walk-test';

async function run(rules: [RegExp, Reply][], opts: { advanced?: boolean; raw?: RawAnswers } = {}) {
  const p = new ScriptedPrompter(rules);
  const raw = opts.raw ?? emptyAnswers();
  await walk(p, raw, catalog, { dirName: 'shop', target: TARGET, advanced: opts.advanced });
  return { p, raw, asked: p.asked.map((a) => a.message) };
}

const choiceOf = (a: Asked, value: string) => a.choices?.find((c) => c.value === value);

describe('the short walk', () => {
  test('asks at most 15 questions for a one-service project, and its answers generate', async () => {
    const { p, raw, asked } = await run([]);
    expect(p.unused()).toEqual([]);
    expect(asked.length, asked.join('\n')).toBeLessThanOrEqual(15);
    expect(asked[0]).toBe('Project name');
    expect(asked).toContain('Customize block options?');
    expect(asked.at(-1)).toBe('Generate the repository?');
    // No block option, project detail or port is asked unless customizing or --advanced.
    for (const m of ['Kubernetes namespace', 'Port of api', 'Replicas of api', 'Where does Harbor run?']) expect(asked).not.toContain(m);
    expect(() => resolveConfig(raw, catalog)).not.toThrow();
  });

  test('asks the edges of several services: one multi-select of callees per service', async () => {
    const { raw, asked } = await run([
      [/Service 1 name/, 'web'],
      [/Add another service/, true],
      [/Service 2 name/, 'orders'],
      [/Which services does web call/, ['orders']],
    ]);
    expect(asked).toContain('Which services does orders call?');
    expect(resolveConfig(raw, catalog).config.services[0]!.calls).toEqual(['orders']);
  });
});

describe('only questions that apply', () => {
  // Optional (derived from the gateway block when left empty), so the walk says Enter keeps the derived one.
  const harborGateway = 'Gateway the HTTPRoute attaches to (namespace/name)? (Enter: derived default)';
  const harborIssuer = 'cert-manager ClusterIssuer name?';
  const gatewayIssuer = 'cert-manager ClusterIssuer for the gateway certificate?';
  const gatewayPolicy = 'Health checks, retries and a timeout per exposed service (BackendTrafficPolicy)?';
  const volumeClass = 'StorageClass for persistent volumes (empty = the cluster default)?';
  const cases: [string, [RegExp, Reply][], string[]][] = [
    ['no Gateway with expose=ingress', [[/How is Harbor exposed/, 'ingress']], [harborGateway]],
    ['no ClusterIssuer with tls=secret', [[/TLS certificate come from/, 'secret'], [/gateway certificate come from/, 'secret']], [harborIssuer, gatewayIssuer]],
    ['no gateway policy without an exposed service', [], [gatewayPolicy]],
    ['no volume options without a service that stores data', [], [volumeClass]],
    ['no database host for the internal database', [], ['External PostgreSQL host?']],
    ['no Clair URL with Trivy', [], ['URL of your harbor-scanner-clair adapter?']],
    ['no OIDC identity in cosign key mode', [[/cosign sign keyless/, 'key']], ['OIDC issuer of the CI identity (keyless)?', 'Regular expression for the CI workflow identity allowed to sign (keyless)?']],
    ['no Harbor questions for an external registry', [[/Where are images stored/, 'external']], ['Where does Harbor run?', 'Harbor DNS name (images will be <host>/<project>/<service>)?']],
  ];
  test.each(cases)('%s', async (_name, script, absent) => {
    const { asked } = await run(script, { advanced: true });
    for (const m of absent) expect(asked).not.toContain(m);
  });
  test('and the same questions are asked when they apply', async () => {
    const { asked } = await run(
      [
        [/Which PostgreSQL/, 'external'],
        [/Vulnerability scanner/, 'clair'],
        [/Expose api/, true],
        [/Which data stores does api use/, ['sql']],
      ],
      { advanced: true },
    );
    expect(asked).toEqual(expect.arrayContaining(['External PostgreSQL host?', 'URL of your harbor-scanner-clair adapter?', harborGateway, harborIssuer, gatewayIssuer, gatewayPolicy, volumeClass]));
  });
});

describe('rules applied while choosing', () => {
  test('an answer that invalidates an earlier one re-asks it at once (keyless cosign, then Tekton)', async () => {
    let reasked: Asked | undefined;
    const { raw, asked, p } = await run(
      [
        [/cosign sign keyless/, 'keyless'],
        [/Which CI\/CD system/, 'tekton'],
        [/cosign sign keyless/, (a: Asked) => ((reasked = a), 'key')],
      ],
      { advanced: true },
    );
    expect(p.unused()).toEqual([]);
    expect(choiceOf(reasked!, 'keyless')?.disabled).toMatch(/OIDC identity token.*\[CN-DIST-06\]/);
    expect(asked.indexOf('Which CI/CD system runs the pipeline?')).toBeLessThan(asked.lastIndexOf('Does cosign sign keyless (the CI job identity) or with a key pair?'));
    expect(resolveConfig(raw, catalog).config.distribution).toMatchObject({ cosign: { mode: 'key' } });
  });

  test('a choice the flags make impossible is disabled with its reason before it can be picked', async () => {
    const raw = emptyAnswers();
    setAt(raw, ['cicd', 'provider'], 'tekton', '--cicd tekton');
    let seen: Asked | undefined;
    await run([[/cosign sign keyless/, (a: Asked) => ((seen = a), 'key')]], { advanced: true, raw });
    expect(choiceOf(seen!, 'keyless')?.disabled).toMatch(/\[CN-DIST-06\]/);
    expect(seen!.default).toBe('key');
  });

  // For every error rule: the walk asks one of its keys while the others are given (flags, a file), and
  // the value that makes it fire is shown disabled with the rule's reason and id, before selection.
  // The answers come from the combination matrix's row for the rule, reduced to what the rule needs.
  const matrix = buildMatrix();
  const keys = new Map(answerKeys(catalog).map((k) => [k.key, k]));
  const decidable = RULES.filter((r) => r.severity === 'error' && r.paths.some((p) => keys.get(p)?.values));
  const without = (data: Record<string, any>, key: string) => {
    const out = structuredClone(data);
    const parent = key.split('.').slice(0, -1).reduce<any>((o, x) => o?.[x], out);
    if (parent) delete parent[key.split('.').at(-1)!];
    return out;
  };
  const choiceKeys = (rule: Rule) => rule.paths.filter((p) => keys.get(p)?.values);
  // Error rules firing on the data, and on the data with each of the rule's choice keys left to the walk:
  // the walk stops before its first question when what is given contradicts itself, so the given part
  // must not break any other rule (e.g. a durable subscription on a wildcard, CN-MSG-08).
  const clashes = (rule: Rule, data: Record<string, any>) =>
    [data, ...choiceKeys(rule).map((k) => without(data, k))].reduce((n, d) => n + evaluateRules(fillDefaults(d, catalog).answers).filter((r) => r.severity === 'error' && r.id !== rule.id).length, 0);
  // A smaller answer set still shows the rule if it fires there, the keys the walk will ask still apply
  // (storage.sql is asked only when a service uses sql), and it breaks no more other rules.
  function minimal(rule: Rule, data: Record<string, any>): Record<string, any> {
    const asked = choiceKeys(rule).filter((k) => applies(keys.get(k)!, fillDefaults(data, catalog).answers));
    const known = new Map<Record<string, any>, number>();
    const clashesOf = (d: Record<string, any>) => known.get(d) ?? (known.set(d, clashes(rule, d)), known.get(d)!);
    const keeps = (trial: Record<string, any>, cur: Record<string, any>, strict: boolean) => {
      const filled = fillDefaults(trial, catalog).answers;
      if (evaluateRules(filled, [rule]).length === 0 || !asked.every((k) => applies(keys.get(k)!, filled))) return false;
      const [t, c] = [clashesOf(trial), clashesOf(cur)];
      return strict ? t < c : t <= c;
    };
    let cur = structuredClone(data);
    const simpler = { ...cur, services: [{ name: 'svc-0', port: 8080 }, { name: 'svc-1', port: 8081 }] };
    if (keeps(simpler, cur, false)) cur = simpler;
    // The services' graph entries, then the answers: first what removes a clash, then whatever is not needed.
    const graphFields = ['calls', 'expose', 'egress', 'publishes', 'subscribes', 'responds', 'uses'];
    for (const strict of [true, false]) {
      if (strict && clashesOf(cur) === 0) continue;
      for (let i = (cur.services?.length ?? 0) - 1; i >= 0; i--) {
        for (const f of graphFields) {
          const v = cur.services[i][f];
          const trials = Array.isArray(v) ? v.map((_: unknown, j: number) => j).reverse().map((j: number) => (d: any) => d.services[i][f].splice(j, 1)) : [];
          if (v !== undefined) trials.push((d: any) => delete d.services[i][f]);
          for (const cut of trials) {
            if (cur.services[i][f] === undefined) break;
            const trial = structuredClone(cur);
            cut(trial);
            if (keeps(trial, cur, strict)) cur = trial;
          }
        }
      }
      for (const k of [...keys.keys()].reverse()) {
        if (k.split('.').reduce<any>((o, x) => o?.[x], cur) === undefined) continue;
        const trial = without(cur, k);
        if (keeps(trial, cur, strict)) cur = trial;
      }
    }
    return cur;
  }
  test.each(decidable.map((r) => [r.id, r] as const))('%s', async (id, rule) => {
    const combo = matrix.invalid.find((c) => c.name === `rule-${id}`);
    expect(combo, `the matrix triggers ${id}`).toBeDefined();
    const data = minimal(rule, combo!.raw.data);
    const checked: string[] = [];
    const tried: string[] = [];
    for (const key of rule.paths.filter((p) => keys.get(p)?.values)) {
      // The value that makes the rule fire: given in the row, or the default the row leaves in place.
      const value = key.split('.').reduce<any>((o, k) => o?.[k], fillDefaults(data, catalog).answers);
      if (value === undefined) continue;
      const raw: RawAnswers = { data: structuredClone(data), origins: new Map([['project', 'answers.yaml:1'], ['services', 'answers.yaml:2'], ...Object.keys(data).map((k) => [k, `answers.yaml:${k}`] as [string, string])]) };
      if (!(raw.data as any).project) (raw.data as any).project = { name: 'm' };
      // The rule's other keys are known (given in the file) when this one is asked: decidable.
      const filled = fillDefaults(data, catalog).answers;
      for (const other of rule.paths.filter((p) => p !== key && keys.has(p))) {
        const v = other.split('.').reduce<any>((o, k) => o?.[k], filled);
        if (v !== undefined) setAt(raw, other.split('.'), v, 'answers.yaml:8');
      }
      setAt(raw, key.split('.'), value, 'answers.yaml:9');
      const whole = structuredClone(raw.data);
      const [parent, last] = [key.split('.').slice(0, -1), key.split('.').at(-1)!];
      delete parent.reduce<any>((o, k) => o[k], raw.data)[last];
      const shown = String(keys.get(key)!.type === 'boolean' ? (value ? 'yes' : 'no') : value);
      let seen: Asked | undefined;
      const stop = new Error('seen');
      const p = new ScriptedPrompter([[new RegExp(`^${keys.get(key)!.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), (a: Asked) => ((seen = a), (() => { throw stop; })())]]);
      await walk(p, raw, catalog, { dirName: 'm', target: TARGET, advanced: true }).catch((e) => {
        if (e !== stop) tried.push(`${key}: ${(e as Error).message} ${JSON.stringify((e as any).problems)} ${JSON.stringify(raw.data)}`);
      });
      if (!seen) continue;
      const c = choiceOf(seen, shown);
      expect(c, `${key} offers ${shown}`).toBeDefined();
      // Disabled with this rule's reason, or with another error rule the same value breaks.
      const firing = evaluateRules(fillDefaults(whole, catalog).answers).filter((r) => r.severity === 'error').map((r) => r.id);
      expect(firing).toContain(id);
      expect(c!.disabled, `${key}=${shown} is disabled by ${id}`).toMatch(new RegExp(`\\[(${firing.join('|')})\\]\\)$`));
      checked.push(key);
    }
    expect(checked, `a key of ${id} was asked with the others given (${tried.join('; ')})`).not.toEqual([]);
  });
});

describe('the summary', () => {
  test('shows the choices and lets the user change one; what it invalidates is asked again', async () => {
    const { raw, asked, p } = await run([
      [/CI\/CD: which blocks/, 'each'],
      [/Which CI\/CD system/, 'tekton'],
      [/Generate the repository/, 'change'],
      [/Which answer/, 'registry.provider'],
      [/Where are images stored/, 'external'],
    ]);
    expect(p.unused()).toEqual([]);
    // Tekton: cosign signs with a key pair by default (keyless has no OIDC token there), shown in the summary.
    expect(p.infos.find((t) => t.startsWith('Project'))).toMatch(/distribution\.cosign\.mode="key"/);
    expect(asked).toContain('Image registry host');
    expect(asked.filter((m) => m === 'Generate the repository?')).toHaveLength(2);
    const { config } = resolveConfig(raw, catalog);
    expect(config).toMatchObject({ registry: { provider: 'external' }, cicd: { provider: 'tekton' }, distribution: { cosign: { mode: 'key' } } });
  });

  test('cancel is its own outcome (exit code 4), not an input error', async () => {
    const err = await run([[/Generate the repository/, 'cancel']]).catch((e) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect(err.exitCode).toBe(ExitCode.cancelled);
  });
});

describe('a walk that reaches the summary always generates', () => {
  // Random walks: every select picks a random enabled choice, every yes/no a random answer; the
  // summary sometimes sends the walk back to change an answer. Whatever was chosen, it generates.
  function prng(seed: number) {
    let x = seed >>> 0;
    return () => ((x = (x * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  }
  class RandomPrompter extends ScriptedPrompter {
    changes = 0;
    constructor(private readonly rand: () => number) {
      super([], 400);
    }
    override async select<T extends string>(q: { message: string; choices: { value: T; disabled?: string | false }[]; default?: T }): Promise<T> {
      const open = q.choices.filter((c) => !c.disabled);
      if (q.message === 'Generate the repository?') return (this.changes++ < 2 && this.rand() < 0.5 ? 'change' : 'generate') as T;
      return super.select({ ...q, choices: q.choices as never, default: open[Math.floor(this.rand() * open.length)]!.value });
    }
    override async confirm(q: { message: string; default?: boolean }): Promise<boolean> {
      return super.confirm({ ...q, default: q.message === 'Add another service?' ? this.rand() < 0.3 : this.rand() < 0.5 });
    }
    override async input(q: { message: string; default?: string; validate?: (v: string) => true | string }): Promise<string> {
      const n = /^Service (\d+) name$/.exec(q.message)?.[1];
      return super.input(n ? { ...q, default: `svc${n}` } : q);
    }
    override async checkbox<T extends string>(q: { message: string; choices: { value: T }[] }): Promise<T[]> {
      return q.choices.filter(() => this.rand() < 0.4).map((c) => c.value);
    }
  }
  test.each([false, true])('advanced=%s: 30 random walks', async (advanced) => {
    for (let seed = 1; seed <= 30; seed++) {
      const p = new RandomPrompter(prng(seed * 7919 + Number(advanced)));
      const raw = emptyAnswers();
      await walk(p, raw, catalog, { dirName: 'shop', target: TARGET, advanced });
      expect(() => resolveConfig(raw, catalog), `seed ${seed}: ${JSON.stringify(raw.data)}`).not.toThrow();
    }
  }, 120_000);
});

describe('validation in words', () => {
  test('numbers and lengths are explained without the schema library\'s wording', () => {
    const replicas = schemaCheck(ServiceSchema.shape.replicas);
    expect(replicas(0)).toBe('replicas must be at least 1');
    expect(replicas(1.5)).toBe('replicas must be a whole number');
    const harbor = catalog.blocks.find((b) => b.id === 'harbor')!;
    for (const [opt, bad] of [['retainLatest', 0], ['registrySize', '50GB'], ['clairAdapterUrl', 'not a url']] as const) {
      const msg = schemaCheck(harbor.options.shape[opt] as never)(bad);
      expect(msg, opt).not.toMatch(/^(Too small|Too big|Invalid|Expected)/);
      expect(typeof msg).toBe('string');
    }
  });

  test('the cosign identity is checked as a regular expression (Go RE2, as cosign and the policies read it)', () => {
    expect(regexpProblem('^https://github\\.com/acme/shop/\\.github/workflows/.+@refs/heads/main$')).toBeUndefined();
    expect(regexpProblem('(?i)^https://gitlab\\.com/(?P<group>[^/]+)/shop\\z')).toBeUndefined();
    expect(regexpProblem('^https://github.com/(acme')).toMatch(/Unterminated group/);
    expect(regexpProblem('^(?!evil)')).toMatch(/not in Go RE2/);
    const { raw } = { raw: emptyAnswers() };
    setAt(raw, ['project', 'name'], 'x', 'test');
    setAt(raw, ['services'], [{ name: 'api' }], 'test');
    setAt(raw, ['distribution', 'cosign', 'identity'], '^https://github.com/(acme', '--set distribution.cosign.identity=^https://github.com/(acme');
    expect(() => resolveConfig(raw, catalog)).toThrow(UserError);
  });

  test('answers given outside the walk that contradict each other stop it before the first question', async () => {
    const raw = emptyAnswers();
    setAt(raw, ['cicd', 'provider'], 'tekton', '--cicd tekton');
    setAt(raw, ['distribution', 'cosign', 'mode'], 'keyless', '--set distribution.cosign.mode=keyless');
    const p = new ScriptedPrompter([]);
    const err = await walk(p, raw, catalog, { dirName: 'x', target: TARGET }).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.problems[0]).toMatchObject({ rule: 'CN-DIST-06' });
    expect(p.asked).toEqual([]);
    const rkt = emptyAnswers();
    setAt(rkt, ['containerization', 'runtime'], 'rkt', '--containerization-runtime rkt');
    const e2 = await walk(new ScriptedPrompter([]), rkt, catalog, { dirName: 'x', target: TARGET }).catch((e) => e);
    expect(e2.problems[0]).toMatchObject({ key: 'containerization.runtime', message: expect.stringMatching(/archived/), fix: '--set containerization.runtime=containerd' });
  });
});
