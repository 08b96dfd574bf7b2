// Reads the generated CI of each provider back into one shape: the image a job runs in, its environment, the
// folder it starts in, and its shell scripts in order, so tests can check (and run) exactly what a job runs.
// GitHub Actions: the job of the language's reusable workflow, with the caller's inputs substituted; GitLab CI:
// the job's script lines (one shell); Tekton: the Task's step script, with the PipelineRun's parameters.
import { parse, parseAllDocuments } from 'yaml';

export type Provider = 'github-actions' | 'gitlab-ci' | 'tekton';
export const PROVIDERS: Provider[] = ['github-actions', 'gitlab-ci', 'tekton'];

export interface JobScript {
  /** How the runner runs it: `sh -e` (GitHub `shell: sh`, GitLab, Tekton `#!/bin/sh`) or bash with -e -o pipefail. */
  shell: 'sh' | 'bash';
  script: string;
  env: Record<string, string>;
}
export interface Job {
  /** Container image, or `runner` for a GitHub-hosted runner. */
  image: string;
  /** Folder the scripts start in, relative to the repository root. */
  cwd: string;
  /** Environment every script sees. */
  env: Record<string, string>;
  scripts: JobScript[];
  /** Actions the job uses before its scripts (GitHub), e.g. actions/setup-go. */
  uses: string[];
}

type Tree = { get(path: string): { content: string } | undefined };
const text = (tree: Tree, p: string) => {
  const f = tree.get(p);
  if (!f) throw new Error(`${p} is not generated`);
  return f.content;
};

/** GitHub: `${{ inputs.x }}` and friends, as the caller of the reusable workflow sets them. */
function githubValues(tree: Tree, service: string, extra: Record<string, string>): (s: string) => string {
  const caller = parse(text(tree, `.github/workflows/${service}.yml`)) as { jobs: { pipeline: { with: Record<string, string> } } };
  const values: Record<string, string> = { ...Object.fromEntries(Object.entries(caller.jobs.pipeline.with).map(([k, v]) => [`inputs.${k}`, v])), ...extra };
  return (s) => s.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (m, expr: string) => values[expr] ?? m);
}

function githubJob(tree: Tree, service: string, jobId: string, extra: Record<string, string> = {}): Job {
  const lang = (parse(text(tree, `.github/workflows/${service}.yml`)) as { jobs: { pipeline: { uses: string } } }).jobs.pipeline.uses.match(/_service-(\w+)\.yml$/)![1]!;
  const wf = parse(text(tree, `.github/workflows/_service-${lang}.yml`)) as { jobs: Record<string, any> };
  const sub = githubValues(tree, service, extra);
  const job = wf.jobs[jobId];
  if (!job) throw new Error(`no job ${jobId} in _service-${lang}.yml`);
  const subEnv = (e: Record<string, unknown> = {}) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, sub(String(v))]));
  const shell = job.defaults?.run?.shell === 'bash' ? 'bash' : job.container ? 'sh' : 'bash';
  return {
    image: job.container?.image ?? 'runner',
    cwd: sub(job.defaults?.run?.['working-directory'] ?? '.'),
    env: subEnv(job.env),
    uses: (job.steps as { uses?: string }[]).flatMap((s) => (s.uses ? [s.uses.split('@')[0]!] : [])),
    scripts: (job.steps as { run?: string; env?: Record<string, string>; shell?: string }[])
      .filter((s) => s.run !== undefined)
      .map((s) => ({ shell: (s.shell as 'sh' | 'bash' | undefined) ?? shell, script: sub(s.run!), env: subEnv(s.env) })),
  };
}

function validateGithub(tree: Tree): Job {
  const wf = parse(text(tree, '.github/workflows/validate.yml')) as { jobs: { validate: { steps: { uses?: string; run?: string }[] } } };
  const steps = wf.jobs.validate.steps;
  return {
    image: 'runner',
    cwd: '.',
    env: {},
    uses: steps.flatMap((s) => (s.uses ? [s.uses.split('@')[0]!] : [])),
    scripts: steps.filter((s) => s.run !== undefined).map((s) => ({ shell: 'bash', script: s.run!, env: {} })),
  };
}

function gitlabJob(tree: Tree, name: string): Job {
  const ci = parse(text(tree, '.gitlab-ci.yml')) as Record<string, any>;
  const job = ci[name];
  if (!job) throw new Error(`no GitLab job ${name}`);
  const image = typeof job.image === 'string' ? job.image : job.image.name;
  return { image, cwd: '.', env: { ...(job.variables ?? {}) }, uses: [], scripts: [{ shell: 'sh', script: (job.script as string[]).join('\n'), env: {} }] };
}

function tektonDocs(tree: Tree, path: string): Record<string, any>[] {
  return parseAllDocuments(text(tree, path)).map((d) => d.toJS() as Record<string, any>);
}

function tektonTask(tree: Tree, suffix: string, params: Record<string, string>): Job {
  const task = tektonDocs(tree, '.tekton/tasks.yaml').find((d) => d.kind === 'Task' && String(d.metadata.name).endsWith(`-${suffix}`));
  if (!task) throw new Error(`no Tekton task *-${suffix}`);
  const step = task.spec.steps[0];
  const sub = (s: string) => s.replace(/\$\(params\.([\w-]+)\)/g, (m, k: string) => params[k] ?? m).replace(/\$\(workspaces\.source\.path\)\/?/g, '');
  const env = Object.fromEntries(((step.env ?? []) as { name: string; value?: string }[]).filter((e) => e.value !== undefined).map((e) => [e.name, sub(e.value!)]));
  const script = String(step.script);
  return {
    image: sub(step.image),
    cwd: sub(step.workingDir ?? '') || '.',
    env,
    uses: [],
    scripts: [{ shell: script.startsWith('#!/bin/sh') ? 'sh' : 'bash', script: script.replace(/^#!.*\n/, ''), env: {} }],
  };
}

/** The PipelineRun parameters of a service (.tekton/runs/<service>-ci.yaml). */
function tektonParams(tree: Tree, service: string): Record<string, string> {
  const run = tektonDocs(tree, `.tekton/runs/${service}-ci.yaml`)[0]!;
  return Object.fromEntries((run.spec.params as { name: string; value: string }[]).map((p) => [p.name, p.value]));
}

/** The lint and unit-test job of one service. */
export function testJob(provider: Provider, tree: Tree, service: string): Job {
  if (provider === 'github-actions') return githubJob(tree, service, 'test');
  if (provider === 'gitlab-ci') return gitlabJob(tree, `${service}:test`);
  const params = tektonParams(tree, service);
  return tektonTask(tree, 'test', { dir: params.dir!, image: params.toolchain!, commands: params.commands! });
}

/** The repository validation job. */
export function validateJob(provider: Provider, tree: Tree): Job {
  if (provider === 'github-actions') return validateGithub(tree);
  if (provider === 'gitlab-ci') return gitlabJob(tree, 'validate');
  return tektonTask(tree, 'validate', {});
}

/** The staging deploy job of one service, with the given image tag and digest. */
export function deployJob(provider: Provider, tree: Tree, service: string, tag: string, digest: string): Job {
  if (provider === 'github-actions') {
    const job = githubJob(tree, service, 'deploy-staging', { 'needs.publish.outputs.digest': digest, 'github.sha': tag });
    // The deploy itself is the last step; the ones before write the kubeconfig from a secret.
    return { ...job, scripts: job.scripts.slice(-1) };
  }
  if (provider === 'gitlab-ci') {
    const job = gitlabJob(tree, `${service}:staging`);
    // DIGEST reaches the job from the push job's dotenv report; TAG is CI_COMMIT_SHA.
    return { ...job, env: { ...job.env, TAG: tag, DIGEST: digest } };
  }
  return tektonTask(tree, 'deploy', { service, tag, digest });
}
