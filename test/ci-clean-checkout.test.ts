// The generated CI works from a clean checkout of the generated repository, for every provider:
// every program the validation and test jobs run is in the job's image or installed by the job before it is used
// (including what gen.sh runs, and the tools `make validate` runs, through `make tools`); generated code and go.sum
// are produced before anything compiles; and the three providers run the same commands for a service.
// test/ci-run.test.ts runs those commands on a fresh copy of the generated tree.
import { describe, expect, test } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { programsOf } from '../src/catalog/commands.js';
import { applySet, emptyAnswers } from '../src/config/sources.js';
import { renderProject } from '../src/generate.js';
import { PROVIDERS, testJob, validateJob, type Job, type Provider } from './support/ci-jobs.js';

const SERVICES = [
  { name: 'api', language: 'node', port: 8080 },
  { name: 'billing', language: 'go', protocol: 'grpc', port: 9000 },
  { name: 'gateway', language: 'go', port: 8083 },
  { name: 'worker', language: 'python', port: 8081 },
  { name: 'search', language: 'python', protocol: 'grpc', port: 9002 },
  { name: 'ledger', language: 'java', port: 8082 },
];

function render(provider: Provider, extra: string[] = []) {
  const raw = emptyAnswers();
  const sets = ['project.name=shop', `services=${JSON.stringify(SERVICES)}`, `cicd.provider=${provider}`, ...extra];
  if (provider === 'tekton') sets.push('distribution.cosign.mode=key');
  for (const s of sets) applySet(raw, s);
  return renderProject(raw, catalog).tree;
}
type Tree = ReturnType<typeof render>;
const content = (tree: Tree, p: string) => tree.get(p)?.content ?? '';

/** POSIX shell and utilities every image and runner has (busybox on Alpine). */
const SHELL = new Set(['!', '[', ':', 'cd', 'command', 'echo', 'exit', 'export', 'false', 'for', 'if', 'continue', 'break', 'printf', 'set', 'sh', 'test', 'true', 'X', 'cat', 'find', 'grep', 'head', 'mkdir', 'rm', 'sed', 'sort', 'tr']);
/**
 * What each image brings (its PATH): the official images' documented contents (docker-library: node, golang, python,
 * maven; golang:*-bookworm adds make, git, curl), and for the GitHub-hosted Ubuntu 24.04 runner its installed-software
 * list (actions/runner-images images/ubuntu/Ubuntu2404-Readme.md), plus what setup-* actions add.
 */
const IMAGE: Record<string, string[]> = {
  'node:22.20.0-alpine': ['node', 'npm', 'npx'],
  'golang:1.25.1-alpine3.22': ['go', 'gofmt', 'apk'],
  'python:3.13.7-slim-trixie': ['python', 'python3', 'pip'],
  'maven:3.9.11-eclipse-temurin-21': ['mvn', 'java', 'javac'],
  'docker.io/library/golang:1.25.1-bookworm': ['go', 'gofmt', 'make', 'git', 'curl', 'tar', 'sha256sum', 'install', 'apt-get', 'id', 'uname', 'bash'],
  runner: ['make', 'git', 'curl', 'tar', 'sha256sum', 'install', 'apt-get', 'id', 'uname', 'bash', 'docker', 'kubectl', 'shellcheck'],
};
const ACTION_TOOLS: Record<string, string[]> = { 'actions/setup-go': ['go', 'gofmt'], 'azure/setup-helm': ['helm'] };

/** The lines a job runs, in order, with `sh -c "$VAR"` expanded from the job's environment. */
function lines(job: Job): string[] {
  return job.scripts.flatMap((s) =>
    s.script
      .split('\n')
      .filter((l) => l.trim() !== '' && !/^\s*(#|set -eu)/.test(l))
      .flatMap((l) => {
        const m = /^\s*sh -e?c "\$(\w+)"\s*$/.exec(l);
        const value = m ? (s.env[m[1]!] ?? job.env[m[1]!]) : undefined;
        return value !== undefined ? value.split('\n') : [l];
      }),
  );
}

/** Programs a line makes available to the lines after it. */
function installs(line: string): string[] {
  const out: string[] = [];
  const apk = /\bapk add (?:--no-cache )?([\w .-]+)$/.exec(line.trim());
  if (apk) out.push(...apk[1]!.trim().split(/\s+/));
  for (const m of line.matchAll(/\bgo install \S+\/([\w-]+)@v[\w.-]+/g)) out.push(m[1]!);
  return out;
}

/**
 * What gen.sh needs: protoc (or a python module) and a protoc-gen-<x> plugin for each --<x>_out that protoc does
 * not build in. Returns the programs it runs and the Python modules it imports.
 */
function genNeeds(gen: string): { programs: string[]; modules: string[] } {
  const builtin = new Set(['cpp', 'csharp', 'java', 'kotlin', 'objc', 'php', 'pyi', 'python', 'ruby', 'rust', 'upb']);
  const body = gen.replace(/\\\n/g, ' ').split('\n').filter((l) => !l.trim().startsWith('#'));
  const programs = body.flatMap((l) => programsOf(l)).filter((p) => !SHELL.has(p) && p !== 'cd' && p !== 'dirname');
  const plugins = [...gen.matchAll(/--([a-z_-]+?)_out=/g)].map((m) => m[1]!).filter((x) => !builtin.has(x)).map((x) => `protoc-gen-${x}`);
  const grpcPython = body.some((l) => /-m grpc_tools\.protoc/.test(l));
  return { programs: [...programs, ...(grpcPython ? [] : plugins)], modules: grpcPython ? ['grpcio-tools'] : [] };
}

/** Every program the job runs that neither its image nor an earlier line provides. */
function unprovided(job: Job, tree: Tree, serviceDir: string | null): string[] {
  const have = new Set([...SHELL, ...(IMAGE[job.image] ?? []), ...job.uses.flatMap((u) => ACTION_TOOLS[u] ?? [])]);
  const pipInstalled: string[] = [];
  const missing: string[] = [];
  for (const line of lines(job)) {
    if (/pip install/.test(line) && serviceDir) for (const f of ['requirements.txt', 'requirements-dev.txt']) if (line.includes(f)) pipInstalled.push(content(tree, `${serviceDir}/${f}`));
    if (line.trim() === 'make tools') for (const t of validateToolsOf(tree)) have.add(t);
    // Segment by segment: `apk add protoc && ... && sh gen.sh` installs protoc before gen.sh needs it.
    for (const segment of line.split(/&&|;/)) {
      const need = programsOf(segment);
      if (serviceDir && /\b(sh |\.\/)gen\.sh\b/.test(segment)) {
        const g = genNeeds(content(tree, `${serviceDir}/gen.sh`));
        need.push(...g.programs);
        for (const m of g.modules) if (!pipInstalled.some((r) => r.includes(m))) missing.push(`python module ${m} (gen.sh)`);
      }
      if (/^\s*make validate\s*$/.test(segment)) need.push(...makeValidatePrograms(tree));
      for (const p of need) if (!have.has(p) && !missing.includes(p)) missing.push(p);
      for (const p of installs(segment)) have.add(p);
    }
  }
  return missing;
}

/** VALIDATE_TOOLS of the generated Makefile: what `make tools` installs. */
function validateToolsOf(tree: Tree): string[] {
  return (/^VALIDATE_TOOLS :=(.*)$/m.exec(content(tree, 'Makefile'))?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
}
/** The programs the recipe of `make validate` runs. */
function makeValidatePrograms(tree: Tree): string[] {
  const recipe = /^validate:.*\n((?:\t.*\n)+)/m.exec(content(tree, 'Makefile'))![1]!;
  return recipe
    .split('\n')
    .map((l) => l.replace(/^\t@?/, ''))
    .filter((l) => l && !l.includes('$(VALIDATE_TOOLS)'))
    .flatMap((l) => programsOf(l))
    .filter((p) => !SHELL.has(p));
}

describe.each(PROVIDERS)('%s: every program a job runs is installed by the job', (provider) => {
  const tree = render(provider);

  test('validation job: make validate runs only what make tools installs, and ci/install-tools.sh installs each', () => {
    const job = validateJob(provider, tree);
    expect(unprovided(job, tree, null)).toEqual([]);
    const recipe = makeValidatePrograms(tree);
    expect(recipe).toEqual(expect.arrayContaining(['helm', 'kubeconform', 'amtool', 'shellcheck']));
    expect(new Set(validateToolsOf(tree))).toEqual(new Set(recipe));
    // Each tool has a case arm in ci/install-tools.sh, and what that arm runs is in the job's image.
    const script = content(tree, 'ci/install-tools.sh');
    const arms = Object.fromEntries([...script.matchAll(/^ {4}([a-z-]+)\)\n([\s\S]*?) ;;$/gm)].map((m) => [m[1]!, m[2]!]));
    const helpers = new Set(['fetch', 'need']);
    const image = new Set([...SHELL, ...(IMAGE[job.image] ?? []), ...job.uses.flatMap((u) => ACTION_TOOLS[u] ?? [])]);
    for (const t of validateToolsOf(tree)) {
      expect(Object.keys(arms), t).toContain(t);
      const runs = arms[t]!.split('\n').flatMap((l) => programsOf(l)).filter((p) => !helpers.has(p) && !image.has(p));
      // need go: the arm runs go install.
      if (/need go;/.test(arms[t]!)) expect(image.has('go'), `${t} needs go`).toBe(true);
      expect(runs, `${t} arm`).toEqual([]);
    }
  });

  test.each(SERVICES.map((s) => s.name))('test job of %s', (svc) => {
    const job = testJob(provider, tree, svc);
    expect(unprovided(job, tree, `services/${svc}`)).toEqual([]);
    const run = lines(job);
    const firstCheck = run.findIndex((l) => /gofmt|go vet|go test|compileall|unittest|tsc|npm test|mvn/.test(l));
    if (tree.has(`services/${svc}/gen.sh`)) {
      // The generated code is not in the repository: gen.sh runs before anything compiles the sources.
      const gen = run.findIndex((l) => /\bgen\.sh\b/.test(l));
      expect(gen, run.join('\n')).toBeGreaterThanOrEqual(0);
      expect(gen).toBeLessThan(firstCheck);
    }
    if (tree.has(`services/${svc}/go.mod`)) {
      // Nor is go.sum: it is resolved before go vet/test when absent.
      const sum = run.findIndex((l) => /go\.sum/.test(l) && /go mod (tidy|download)/.test(l));
      expect(sum, run.join('\n')).toBeGreaterThanOrEqual(0);
      expect(sum).toBeLessThan(run.findIndex((l) => /go vet|go test/.test(l)));
    }
  });
});

describe('the three providers run the same commands for a service', () => {
  const trees = Object.fromEntries(PROVIDERS.map((p) => [p, render(p)]));
  test.each(SERVICES.map((s) => s.name))('%s', (svc) => {
    const [gh, gl, tk] = PROVIDERS.map((p) => lines(testJob(p, trees[p]!, svc)).filter((l) => !/^(cd |export )/.test(l)));
    expect(gh).toEqual(gl);
    expect(tk).toEqual(gl);
  });
});
