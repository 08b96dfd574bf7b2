// The deploy job of every CI provider, run as the provider would run it, against a fake kubectl/helm (test/support/
// fake-kube.ts) whose objects first show the status the previous release left, then the new revision's progress.
// The job must wait for the new revision (not return on the stale Healthy/Promoted status), succeed when the
// controller finishes it, and fail as soon as the controller aborts it (not at the timeout).
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { applySet, emptyAnswers } from '../src/config/sources.js';
import { renderProject } from '../src/generate.js';
import { PROVIDERS, deployJob, type Provider } from './support/ci-jobs.js';
import { installFakeKube, type FakeState } from './support/fake-kube.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;
const OLD = `sha256:${'a'.repeat(64)}`;
const IMAGE = 'harbor.example.com/shop/api';
let work = '';

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'cn-deploy-wait-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** Writes the generated tree for provider × controller and returns its directory. */
async function generate(provider: Provider, controller: 'argo-rollouts' | 'flagger'): Promise<{ dir: string; tree: Map<string, { content: string }> }> {
  const raw = emptyAnswers();
  const sets = ['project.name=shop', 'services=[{"name":"api"}]', `cicd.provider=${provider}`, `cicd.controller=${controller}`];
  if (provider === 'tekton') sets.push('distribution.cosign.mode=key');
  for (const s of sets) applySet(raw, s);
  const tree = renderProject(raw, catalog).tree;
  const dir = path.join(work, `${provider}-${controller}`);
  for (const [rel, f] of tree) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), f.content, { mode: f.executable ? 0o755 : 0o644 });
  }
  // The job's tool install is replaced by the fakes on PATH.
  await writeFile(path.join(dir, 'ci/install-tools.sh'), 'exit 0\n');
  return { dir, tree };
}

/** Runs the staging deploy job of `api` with the fake cluster in `state`; returns its exit code, output and calls. */
async function deploy(provider: Provider, controller: 'argo-rollouts' | 'flagger', state: FakeState) {
  const { dir, tree } = await generate(provider, controller);
  const bin = path.join(dir, '.fake-bin');
  await mkdir(bin, { recursive: true });
  const stateFile = path.join(dir, '.fake-state.json');
  await installFakeKube(bin, stateFile, state);
  const job = deployJob(provider, tree, 'api', 'c0ffee', DIGEST);
  let out = '';
  let code: number | null = 0;
  for (const s of job.scripts) {
    const args = s.shell === 'bash' ? ['-e', '-o', 'pipefail', '-c', s.script] : ['-e', '-c', s.script];
    const r = spawnSync(s.shell, args, {
      cwd: path.join(dir, job.cwd),
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: dir, FAKE_KUBE_STATE: stateFile, INTERVAL: '0', TIMEOUT: '20', ...job.env, ...s.env },
    });
    out += r.stdout + r.stderr;
    code = r.status;
    if (code !== 0) break;
  }
  const after = JSON.parse(await readFile(stateFile, 'utf8')) as FakeState;
  return { code, out, calls: after.calls ?? [], polls: (key: string) => after.objects[key]?.i ?? 0 };
}

const rollout = (generation: number, observed: number, phase: string, message = '') => ({
  metadata: { generation },
  status: { observedGeneration: String(observed), phase, message },
});
const canary = (phase: string, spec: string, promoted: boolean) => ({
  status: { phase, lastAppliedSpec: spec, conditions: [{ type: 'Promoted', status: promoted ? 'True' : 'False' }] },
});
const deployment = (digest: string) => ({ spec: { template: { spec: { containers: [{ image: `${IMAGE}@${digest}` }] } } } });

describe.each(PROVIDERS)('%s deploy job', (provider) => {
  test('Argo Rollouts: waits past the stale Healthy status for the new generation', async () => {
    const r = await deploy(provider, 'argo-rollouts', {
      objects: {
        'rollout/api': {
          before: rollout(3, 3, 'Healthy'),
          after: [rollout(4, 3, 'Healthy'), rollout(4, 4, 'Progressing'), rollout(4, 4, 'Paused', 'CanaryPauseStep'), rollout(4, 4, 'Healthy')],
        },
      },
    });
    expect(r.code, r.out).toBe(0);
    expect(r.calls.some((c) => c.startsWith('helm upgrade --install api deploy/charts/api'))).toBe(true);
    // It saw every state up to the new revision's Healthy, not only the first (stale) one.
    expect(r.polls('rollout/api'), r.out).toBeGreaterThanOrEqual(4);
  });

  test('Argo Rollouts: an aborted rollout fails the job as soon as it is reported', async () => {
    const r = await deploy(provider, 'argo-rollouts', {
      objects: {
        'rollout/api': {
          before: rollout(3, 3, 'Healthy'),
          after: [rollout(4, 3, 'Healthy'), rollout(4, 4, 'Progressing'), rollout(4, 4, 'Degraded', 'RolloutAborted: metric "success-rate" assessed Failed')],
        },
      },
    });
    expect(r.code, r.out).not.toBe(0);
    expect(r.out).toMatch(/RolloutAborted/);
    expect(r.out).not.toMatch(/timed out/);
  });

  test('Flagger: waits past the stale Promoted condition until the primary runs the new digest', async () => {
    const r = await deploy(provider, 'flagger', {
      objects: {
        'canary/api': {
          before: canary('Succeeded', 'aaa', true),
          after: [canary('Succeeded', 'aaa', true), canary('Progressing', 'bbb', false), canary('Promoting', 'bbb', false), canary('Succeeded', 'bbb', true)],
        },
        'deployment/api': { before: deployment(OLD), after: [deployment(DIGEST)] },
        'deployment/api-primary': { before: deployment(OLD), after: [deployment(OLD), deployment(OLD), deployment(OLD), deployment(DIGEST)] },
      },
    });
    expect(r.code, r.out).toBe(0);
    expect(r.polls('canary/api'), r.out).toBeGreaterThanOrEqual(4);
  });

  test('Flagger: a failed analysis of the new revision fails the job at once', async () => {
    const r = await deploy(provider, 'flagger', {
      objects: {
        'canary/api': {
          before: canary('Succeeded', 'aaa', true),
          after: [canary('Succeeded', 'aaa', true), canary('Progressing', 'bbb', false), canary('Failed', 'bbb', false)],
        },
        'deployment/api': { before: deployment(OLD), after: [deployment(DIGEST)] },
        'deployment/api-primary': { before: deployment(OLD), after: [deployment(OLD)] },
      },
    });
    expect(r.code, r.out).not.toBe(0);
    expect(r.out).toMatch(/failed its analysis/);
    expect(r.out).not.toMatch(/timed out/);
  });
});
