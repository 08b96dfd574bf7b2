// CI/CD blocks (issue #6): hardening of every generated GitHub workflow across provider × controller ×
// strategy, the same abstract pipeline in GitLab CI and Tekton, the chart switching to a Rollout/Canary, and
// the rules that reject invalid delivery combinations. Everything is rendered in memory (no disk, no tools);
// the real validators run on these trees in combinations.test.ts.
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { renderProject } from '../src/generate.js';
import { applySet, emptyAnswers } from '../src/config/sources.js';
import { UserError } from '../src/util/errors.js';
import { TOOLCHAINS } from '../src/blocks/cicd/pipeline.js';

const SERVICES =
  'services=[{"name":"api"},{"name":"billing","language":"go","protocol":"grpc","port":9000},' +
  '{"name":"worker","language":"python","port":8081},{"name":"ledger","language":"java","port":8082}]';

function render(sets: string[]) {
  const raw = emptyAnswers();
  // Tekton has no OIDC token the public Sigstore accepts: it signs with a key pair (rule CN-DIST-06).
  const tekton = sets.includes('cicd.provider=tekton') && !sets.some((x) => x.startsWith('distribution.cosign.mode=')) ? ['distribution.cosign.mode=key'] : [];
  for (const s of ['project.name=shop', SERVICES, ...tekton, ...sets]) applySet(raw, s);
  return renderProject(raw, catalog).tree;
}
const text = (tree: ReturnType<typeof render>, path: string) => {
  const f = tree.get(path);
  if (!f) throw new Error(`${path} not generated (have: ${[...tree.keys()].filter((k) => !k.startsWith('services/')).join(', ')})`);
  return f.content;
};

const CONTROLLERS: [string, string | undefined][] = [
  ['none', undefined],
  ['argo-rollouts', 'canary'],
  ['argo-rollouts', 'blue-green'],
  ['flagger', 'blue-green'],
];
const combos = (provider: string) =>
  CONTROLLERS.flatMap(([ctl, strategy]) =>
    [true, false].map((autoscaling) => ({
      name: `${provider}/${ctl}${strategy ? `/${strategy}` : ''}${autoscaling ? '/hpa' : ''}`,
      sets: [
        `cicd.provider=${provider}`,
        `cicd.controller=${ctl}`,
        ...(strategy ? [`cicd.${ctl}.strategy=${strategy}`] : []),
        `orchestration.kubernetes.autoscaling=${autoscaling}`,
      ],
    })),
  );

/** The language of each service in SERVICES. */
const LANGUAGE: Record<string, string> = { api: 'node', billing: 'go', worker: 'python', ledger: 'java' };

type Workflow = { permissions?: unknown; jobs: Record<string, { permissions?: Record<string, string>; steps?: { uses?: string; run?: string }[] }> };

describe('GitHub Actions workflows are hardened in every combination', () => {
  const trees = combos('github-actions').map((c) => ({ ...c, tree: render(c.sets) }));
  const workflows = trees.flatMap((t) =>
    [...t.tree.keys()].filter((p) => /^\.github\/workflows\/.+\.ya?ml$/.test(p)).map((p) => ({ combo: t.name, path: p, content: text(t.tree, p) })),
  );

  test('a workflow per service calling the reusable pipeline of its language, plus the validation workflow', () => {
    for (const t of trees) {
      for (const [s, lang] of Object.entries(LANGUAGE)) {
        const caller = parse(text(t.tree, `.github/workflows/${s}.yml`)) as { on: any; jobs: Record<string, any> };
        expect(Object.keys(caller.jobs), t.name).toEqual(['pipeline']);
        expect(caller.jobs.pipeline.uses).toBe(`./.github/workflows/_service-${lang}.yml`);
        expect(caller.jobs.pipeline.with).toMatchObject({ service: s, image: `harbor.example.com/shop/${s}` });
        // A change to the shared pipeline runs every service that uses it.
        expect(caller.on.push.paths).toEqual([`services/${s}/**`, `deploy/charts/${s}/**`, `.github/workflows/${s}.yml`, `.github/workflows/_service-${lang}.yml`]);
      }
      expect(t.tree.has('.github/workflows/validate.yml')).toBe(true);
    }
    expect(workflows.length).toBe(trees.length * 9);
  });

  // GitHub refuses to run a called job that asks for more than the calling job grants.
  test.each(trees.map((t) => [t.name, t] as const))('%s: each caller grants exactly what the called jobs need', (_n, t) => {
    for (const [s, lang] of Object.entries(LANGUAGE)) {
      const granted = (parse(text(t.tree, `.github/workflows/${s}.yml`)) as Workflow & { jobs: Record<string, any> }).jobs.pipeline.permissions as Record<string, string>;
      const called = parse(text(t.tree, `.github/workflows/_service-${lang}.yml`)) as Workflow;
      const needed: Record<string, string> = {};
      for (const job of Object.values(called.jobs)) Object.assign(needed, job.permissions);
      expect(granted, s).toEqual(needed);
    }
  });

  test.each(workflows.map((w) => [`${w.combo} ${w.path}`, w] as const))('%s', (_n, w) => {
    const wf = parse(w.content) as Workflow;
    // Top level grants nothing; every job declares its own permissions.
    expect(wf.permissions).toEqual({});
    for (const [id, job] of Object.entries(wf.jobs)) {
      expect(job.permissions, `job ${id} declares permissions`).toBeTypeOf('object');
      // OIDC tokens only where signing happens (CR-28), or on the call of the pipeline that contains it.
      const call = (job as { uses?: string }).uses;
      if (call) expect(call, 'calls only the reusable workflows of this repository').toMatch(/^\.\/\.github\/workflows\/_service-[a-z]+\.yml$/);
      if (job.permissions?.['id-token'] !== undefined) expect(id).toBe(call ? 'pipeline' : 'sign');
      for (const step of job.steps ?? []) {
        if (step.uses) expect(step.uses, `${id}: ${step.uses}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
        // Event payloads never reach a shell through expression interpolation.
        if (step.run) expect(step.run).not.toMatch(/\$\{\{\s*github\.event/);
      }
    }
    // The version of every pinned action is kept next to its SHA (a local workflow is pinned by the commit).
    for (const line of w.content.split('\n').filter((l) => /uses: (?!\.\/)/.test(l))) expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  test('deploys go through staging, then a production environment, with helm --atomic', () => {
    const wf = parse(text(trees[0]!.tree, '.github/workflows/_service-node.yml')) as { jobs: Record<string, any> };
    expect(wf.jobs['deploy-staging'].environment).toBe('staging');
    expect(wf.jobs['deploy-staging'].env.SERVICE).toBe('${{ inputs.service }}');
    expect(wf.jobs['deploy-production'].environment).toBe('production');
    expect(wf.jobs['deploy-production'].needs).toContain('deploy-staging');
    const run = wf.jobs['deploy-staging'].steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    expect(run).toContain('bash ci/deploy.sh "$SERVICE" "$TAG" "$DIGEST"');
    const deploy = text(trees[0]!.tree, 'ci/deploy.sh');
    expect(deploy).toMatch(/helm upgrade --install "\$SERVICE" "\$chart" --namespace "\$NAMESPACE" \\\n\s+--set image.tag="\$TAG" --set image.digest="\$DIGEST" --atomic --wait/);
    // The release namespace is the project's, set once in the job's env (scripts read values from env).
    const answers = parse(text(trees[0]!.tree, 'cn-scaffold.yaml')) as { project: { name: string; namespace?: string } };
    expect(wf.jobs['deploy-staging'].env.NAMESPACE).toBe(answers.project.namespace ?? answers.project.name);
  });

  test("the image is scanned once, before it is pushed, at the registry's threshold", () => {
    const tree = render(['cicd.provider=github-actions', 'registry.harbor.scanSeverity=critical']);
    for (const [svc, lang] of Object.entries(LANGUAGE)) {
      const wf = parse(text(tree, `.github/workflows/_service-${lang}.yml`)) as { jobs: Record<string, { steps?: { name: string; uses?: string; run?: string; with?: any }[] }> };
      const all = Object.values(wf.jobs).flatMap((j) => j.steps ?? []);
      const trivy = all.filter((s) => s.uses?.startsWith('aquasecurity/trivy-action@') || /\btrivy\b/.test(s.run ?? ''));
      expect(trivy.map((s) => s.name), svc).toEqual(['Scan (fail on CRITICAL)']);
      const steps = wf.jobs.publish!.steps!;
      expect(steps.indexOf(trivy[0]!)).toBeLessThan(steps.findIndex((s) => s.name === 'Push the scanned image'));
      expect(trivy[0]!.with).toMatchObject({ severity: 'CRITICAL', 'exit-code': '1' });
    }
  });
});

/** Trivy invocations of one service: in its workflow (GitHub), its jobs (GitLab) or the tasks its pipeline runs (Tekton). */
function trivyRuns(provider: string, tree: ReturnType<typeof render>, svc: string): string[] {
  if (provider === 'github-actions') {
    const wf = parse(text(tree, `.github/workflows/_service-${LANGUAGE[svc]}.yml`)) as { jobs: Record<string, { steps?: { uses?: string; run?: string; with?: any }[] }> };
    return Object.values(wf.jobs)
      .flatMap((j) => j.steps ?? [])
      .flatMap((s) => (s.uses?.startsWith('aquasecurity/trivy-action@') ? [`trivy-action --severity ${s.with.severity}`] : (s.run ?? '').split('\n').filter((l) => /\btrivy\b/.test(l))));
  }
  if (provider === 'gitlab-ci') {
    const ci = parse(text(tree, '.gitlab-ci.yml')) as Record<string, { script?: string[] }>;
    return Object.entries(ci)
      .filter(([k]) => k.startsWith(`${svc}:`))
      .flatMap(([, j]) => (j.script ?? []).flatMap((l) => l.split('\n')).filter((l) => /^trivy\b/.test(l.trim())));
  }
  // Tekton: one Pipeline for every service; count trivy lines of the tasks it references.
  const docs = ['.tekton/tasks.yaml', '.tekton/pipeline.yaml'].flatMap((p) => text(tree, p).split(/^---$/m).map((d) => parse(d)));
  const service = docs.find((d) => d.kind === 'Pipeline' && d.metadata.name === 'shop-service');
  const used = new Set((service.spec.tasks as { taskRef: { name: string } }[]).map((t) => t.taskRef.name));
  return docs
    .filter((d) => d.kind === 'Task' && used.has(d.metadata.name))
    .flatMap((d) => (d.spec.steps as { script: string }[]).flatMap((st) => st.script.split('\n').filter((l) => /^trivy\b/.test(l.trim()))));
}

describe('one answer per concern: the scan threshold and the SBOM', () => {
  const PROVIDERS = ['github-actions', 'gitlab-ci', 'tekton'];
  const CASES: { registry: string[]; severities: string | null }[] = [
    { registry: [], severities: 'HIGH,CRITICAL' },
    { registry: ['registry.harbor.scanSeverity=medium'], severities: 'MEDIUM,HIGH,CRITICAL' },
    { registry: ['registry.provider=external', 'project.image.registry=registry.example.com', 'registry.external.scanSeverity=low'], severities: 'LOW,MEDIUM,HIGH,CRITICAL' },
    { registry: ['registry.provider=external', 'project.image.registry=registry.example.com', 'registry.external.scanSeverity=none'], severities: null },
  ];
  test.each(PROVIDERS.flatMap((provider) => CASES.map((c) => [`${provider} ${c.registry.join(' ') || 'harbor default'}`, provider, c] as const)))(
    '%s: one Trivy scan per service',
    (_n, provider, c) => {
      const tree = render([`cicd.provider=${provider}`, ...c.registry]);
      for (const svc of ['api', 'billing', 'worker', 'ledger']) {
        const runs = trivyRuns(provider, tree, svc);
        if (c.severities === null) expect(runs, svc).toEqual([]);
        else {
          expect(runs.length, `${svc}: ${runs.join(' | ')}`).toBe(1);
          expect(runs[0]).toContain(`--severity ${c.severities}`);
          expect(runs[0]).not.toContain('ignore-unfixed');
        }
      }
    },
  );

  test.each(PROVIDERS)('%s: SBOM made from the local image and attested iff distribution.<signer>.sbom', (provider) => {
    const all = (tree: ReturnType<typeof render>) => [...tree].filter(([p]) => /^(\.github|\.gitlab-ci|\.tekton)/.test(p)).map(([, f]) => f.content).join('\n');
    // The image as built and scanned: the Docker daemon (GitHub) or the archive that is pushed (GitLab, Tekton); never
    // `registry:`, where the image is blocked until it is scanned and signed.
    const source = provider === 'github-actions' ? 'docker:$IMAGE:$TAG' : 'oci-archive:image.tar';
    const notation = ['distribution.signer=notation', 'distribution.admission=none'];
    for (const [sets, attach] of [[[], 'cosign attest --yes'], [notation, 'oras attach --artifact-type application/spdx+json']] as const) {
      const on = all(render([`cicd.provider=${provider}`, ...sets]));
      // Once per pipeline: the reusable workflow of each language (GitHub, four here), each service's sign job
      // (GitLab); Tekton has one shared sign Task.
      expect((on.match(/syft scan /g) ?? []).length, sets.join(' ')).toBe(provider === 'tekton' ? 1 : 4);
      expect((on.match(/syft scan "([^"]+)"/g) ?? []).every((m) => m === `syft scan "${source}"`), sets.join(' ')).toBe(true);
      expect(on).toContain(attach);
      // No second SBOM next to the attested one.
      expect(on).not.toMatch(/cyclonedx|sbom: true/i);
    }
    for (const off of [['distribution.cosign.sbom=false'], [...notation, 'distribution.notation.sbom=false']]) {
      const text = all(render([`cicd.provider=${provider}`, ...off]));
      expect(text, off.join(' ')).not.toMatch(/syft|cosign attest|oras attach|cyclonedx|sbom: true/i);
    }
  });
});

describe('the same pipeline in GitLab CI and Tekton', () => {
  test('GitLab: per-service jobs gated by rules:changes, Buildah not kaniko, manual production', () => {
    for (const c of combos('gitlab-ci')) {
      const ci = parse(text(render(c.sets), '.gitlab-ci.yml')) as Record<string, any>;
      expect(ci['api:test'].rules[0].changes, c.name).toContain('services/api/**');
      expect(ci['billing:test'].image).toBe(TOOLCHAINS.go.image);
      expect(JSON.stringify(ci)).not.toMatch(/kaniko/);
      expect(ci['api:image'].variables).toMatchObject({ STORAGE_DRIVER: 'vfs', BUILDAH_ISOLATION: 'chroot' });
      expect(ci['api:production'].rules[0].when).toBe('manual');
      expect(ci['api:production'].environment.name).toBe('production');
      expect(ci.validate.script).toContain('make validate');
    }
  });

  test('Tekton: tekton.dev/v1 only, one trigger per service filtered on its files', () => {
    for (const c of combos('tekton')) {
      const tree = render(c.sets);
      const docs = ['.tekton/tasks.yaml', '.tekton/pipeline.yaml'].flatMap((p) => text(tree, p).split(/^---$/m).map((d) => parse(d)));
      for (const d of docs) expect(d.apiVersion, c.name).toBe('tekton.dev/v1');
      const listener = text(tree, '.tekton/triggers.yaml').split(/^---$/m).map((d) => parse(d)).find((d) => d.kind === 'EventListener');
      expect(listener.spec.triggers.map((t: { name: string }) => t.name)).toEqual(['api', 'billing', 'worker', 'ledger']);
      expect(JSON.stringify(listener)).toContain("f.startsWith('services/billing/')");
    }
  });

  test('CI tests each service with the build stage of its own Dockerfile', () => {
    const tree = render([]);
    for (const [svc, lang] of [['api', 'node'], ['billing', 'go'], ['worker', 'python'], ['ledger', 'java']] as const) {
      const from = /^FROM (\S+) AS build$/m.exec(text(tree, `services/${svc}/Dockerfile`))?.[1];
      expect(from, svc).toBe(TOOLCHAINS[lang].image);
    }
  });
});

describe('progressive delivery in the chart', () => {
  test('argo-rollouts: Rollout, AnalysisTemplate and preview Service templates join every chart; values turn them on', () => {
    const tree = render(['cicd.controller=argo-rollouts', 'cicd.argo-rollouts.strategy=blue-green']);
    for (const t of ['rollout.yaml', 'analysistemplate.yaml', 'service-preview.yaml']) expect(tree.has(`deploy/charts/billing/templates/${t}`)).toBe(true);
    const values = parse(text(tree, 'deploy/charts/api/values.yaml')) as { rollout: any };
    expect(values.rollout).toMatchObject({ enabled: true, strategy: 'blueGreen', analysis: { enabled: true } });
    expect(values.rollout.analysis.prometheusAddress).toMatch(/^http:\/\/prometheus/);
    const schema = JSON.parse(text(tree, 'deploy/charts/api/values.schema.json'));
    expect(schema.properties.rollout.properties.strategy.enum).toEqual(['canary', 'blueGreen']);
  });

  test('without a controller the chart declares no rollout/canary values', () => {
    const tree = render([]);
    const schema = JSON.parse(text(tree, 'deploy/charts/api/values.schema.json'));
    expect(schema.properties.rollout).toBeUndefined();
    expect(schema.properties.canary).toBeUndefined();
    expect(tree.has('deploy/charts/api/templates/rollout.yaml')).toBe(false);
  });

  test('flagger: provider kubernetes without a mesh', () => {
    const values = parse(text(render(['cicd.controller=flagger']), 'deploy/charts/api/values.yaml')) as { canary: any };
    expect(values.canary).toMatchObject({ enabled: true, provider: 'kubernetes', strategy: 'blueGreen' });
  });
});

describe('rules reject invalid delivery combinations', () => {
  const rejected = (sets: string[]) => {
    try {
      render(sets);
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      return [(e as UserError).message, ...(e as UserError).problems.map((p) => p.message)].join('\n');
    }
    return '';
  };

  test('CN-DIST-06: keyless cosign needs a CI identity token (Tekton has none); GitLab derives its issuer', () => {
    expect(rejected(['cicd.provider=tekton', 'distribution.cosign.mode=keyless'])).toContain('has none that the public Sigstore accepts');
    const policy = text(render(['cicd.provider=gitlab-ci']), 'deploy/policies/verify-images.yaml');
    expect(policy).toContain('https://gitlab.com');
    expect(policy).not.toContain('token.actions.githubusercontent.com');
  });

  test('CR-34: Flagger canary needs a mesh provider', () => {
    expect(rejected(['cicd.controller=flagger', 'cicd.flagger.strategy=canary'])).toContain('supports blue/green only');
  });

  test('CN-CD-01: analysis needs Prometheus, unless an address is given or analysis is off', () => {
    for (const ctl of ['argo-rollouts', 'flagger']) {
      expect(rejected([`cicd.controller=${ctl}`, 'observability.metrics=none', `cicd.${ctl}.analysis=true`])).toContain('no metrics provider is chosen');
      // Left unset, analysis follows the metrics choice: off without a Prometheus (a contextual default, with a note).
      expect(rejected([`cicd.controller=${ctl}`, 'observability.metrics=none'])).toBe('');
      expect(rejected([`cicd.controller=${ctl}`, 'observability.metrics=none', `cicd.${ctl}.analysis=false`])).toBe('');
      expect(rejected([`cicd.controller=${ctl}`, 'observability.metrics=none', `cicd.${ctl}.prometheusAddress=http://prom.example:9090`])).toBe('');
    }
  });
});
