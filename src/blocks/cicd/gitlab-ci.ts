// GitLab CI rendering of the abstract pipeline (pipeline.ts): one .gitlab-ci.yml with a job chain per
// service gated by `rules: changes:`, merge-request pipelines without duplicates, and a validation job.
// Images are built with Buildah (vfs + chroot, unprivileged runners; kaniko is archived, CR-32), scanned from
// the saved archive before the push, signed by digest with `id_tokens` for keyless cosign (CR-29), and
// promoted to production by a manual job on a protected environment.
import { defineBlock, type FilesContext } from '../../catalog/define.js';
import type { PipelineStep } from '../../catalog/contributions.js';
import { DEPLOY_COMMAND, DEPLOY_SCRIPT, deployScript } from './deploy-script.js';
import { INSTALL_TOOLS_SCRIPT, installToolsScript } from './install-tools.js';
import {
  IMAGES,
  buildPipeline,
  providerOptions,
  providerQuestions,
  runbook,
  sbomCommand,
  validateContribution,
  yamlFile,
  type Pipeline,
  type PipelineService,
  type ProviderOptions,
} from './pipeline.js';

type Job = Record<string, unknown>;

const MR = '$CI_PIPELINE_SOURCE == "merge_request_event"';
const BUILDAH_VARS = { STORAGE_DRIVER: 'vfs', BUILDAH_ISOLATION: 'chroot', BUILDAH_FORMAT: 'oci' };

function gitlabCi(p: Pipeline): string {
  const main = `$CI_COMMIT_BRANCH == "${p.branch}"`;
  const login = `printf '%s' "$${p.registry.passwordSecret}" | buildah login -u "$${p.registry.usernameSecret}" --password-stdin ${p.registry.host}`;
  const jobs: Record<string, Job> = {};
  const installTools = (tools: string[]) => (tools.length ? [`bash ci/install-tools.sh ${tools.join(' ')}`, 'export PATH="$HOME/.local/bin:$PATH"'] : []);

  jobs.validate = {
    stage: 'test',
    image: IMAGES.tools,
    rules: [{ if: MR }, { if: main }],
    // Exactly the tools make validate runs, pinned (make tools: ci/install-tools.sh; the Makefile puts them on PATH).
    script: ['make tools', 'make validate'],
  };

  for (const s of p.services) {
    const changes = [...s.paths, '.gitlab-ci.yml'];
    const onMr = { if: MR, changes };
    const onMain = { if: main, changes };
    const vars = { IMAGE: s.image };
    const step = (st: PipelineStep) => (st.run.endsWith('\n') ? st.run : `${st.run}\n`);

    jobs[`${s.name}:test`] = {
      stage: 'test',
      image: s.toolchain.image,
      rules: [onMr, onMain],
      ...(Object.keys(s.toolchain.env).length ? { variables: s.toolchain.env } : {}),
      script: [`cd ${s.dir}`, ...s.toolchain.setup, ...s.toolchain.lint, s.test],
    };
    jobs[`${s.name}:build`] = {
      stage: 'build',
      image: IMAGES.buildah,
      rules: [onMr],
      needs: [`${s.name}:test`],
      variables: { ...BUILDAH_VARS, ...vars },
      script: [`buildah build --layers -t "$IMAGE:$CI_COMMIT_SHA" ${s.dir}`],
    };
    jobs[`${s.name}:image`] = {
      stage: 'build',
      image: IMAGES.buildah,
      rules: [onMain],
      needs: [`${s.name}:test`],
      variables: { ...BUILDAH_VARS, ...vars },
      script: [
        login,
        // Layer cache in the registry next to the image.
        `buildah build --layers --cache-from "$IMAGE/cache" --cache-to "$IMAGE/cache" -t "$IMAGE:$CI_COMMIT_SHA" ${s.dir}`,
        'buildah push "$IMAGE:$CI_COMMIT_SHA" oci-archive:image.tar',
      ],
      artifacts: { paths: ['image.tar'], expire_in: '1 day' },
    };
    if (p.scan) {
      jobs[`${s.name}:scan`] = {
        stage: 'scan',
        image: { name: IMAGES.trivy, entrypoint: [''] },
        rules: [onMain],
        needs: [`${s.name}:image`],
        script: [
          // The one scan, from the archive: nothing reaches the registry before it passes. Unfixed
          // vulnerabilities count, as for Harbor's pull block (ignore_unfixed: false).
          `trivy image --input image.tar --severity ${p.scan.severities} --exit-code 1`,
        ],
      };
    }
    jobs[`${s.name}:push`] = {
      stage: 'publish',
      image: IMAGES.buildah,
      rules: [onMain],
      needs: [`${s.name}:image`, ...(p.scan ? [`${s.name}:scan`] : [])],
      variables: { ...BUILDAH_VARS, ...vars },
      script: [
        login,
        'IMAGE_ID="$(buildah pull -q oci-archive:image.tar)"',
        'buildah push --digestfile digest.txt "$IMAGE_ID" "docker://$IMAGE:$CI_COMMIT_SHA"',
        'echo "DIGEST=$(cat digest.txt)" > publish.env',
      ],
      // DIGEST reaches the sign and deploy jobs as a variable.
      artifacts: { reports: { dotenv: 'publish.env' } },
    };

    const after = [...p.steps.login, ...p.steps.sign, ...p.steps.attest];
    const signed = p.steps.sign.length + p.steps.attest.length > 0;
    if (signed) {
      jobs[`${s.name}:sign`] = {
        stage: 'sign',
        image: IMAGES.tools,
        rules: [onMain],
        // The archive of the image job is the image that was scanned and pushed: the SBOM is made from it, never
        // pulled back from the registry (which blocks an image until it is scanned and signed).
        needs: [`${s.name}:push`, ...(p.sbom ? [`${s.name}:image`] : [])],
        variables: { ...vars, TAG: '$CI_COMMIT_SHA', REGISTRY: p.registry.host },
        // Keyless signing: the OIDC token for Sigstore, in this job only (CR-29).
        ...(p.oidc ? { id_tokens: { SIGSTORE_ID_TOKEN: { aud: 'sigstore' } } } : {}),
        script: [
          ...installTools(p.sbom ? [...p.tools, 'syft'].sort() : p.tools),
          // Registry credentials for cosign/notation/oras (docker config format), never printed.
          `mkdir -p ~/.docker && (umask 077; printf '{"auths":{"%s":{"auth":"%s"}}}' ${p.registry.host} "$(printf '%s:%s' "$${p.registry.usernameSecret}" "$${p.registry.passwordSecret}" | base64 -w0)" > ~/.docker/config.json)`,
          ...(p.sbom ? [sbomCommand('oci-archive:image.tar')] : []),
          ...after.map(step),
        ],
      };
    }

    if (p.deploy) {
      const deploy = (env: 'staging' | 'production'): Job => ({
        stage: env,
        image: IMAGES.tools,
        rules: env === 'production' ? [{ ...onMain, when: 'manual' }] : [onMain],
        needs: [`${s.name}:push`, ...(env === 'production' ? [`${s.name}:staging`] : signed ? [`${s.name}:sign`] : [])],
        // Protect the "production" environment (Settings → CI/CD → Protected environments) to require approval;
        // KUBECONFIG is a File variable scoped to each environment.
        environment: { name: env },
        resource_group: `${env}-${s.name}`,
        ...(env === 'production' ? { allow_failure: false } : {}),
        interruptible: false,
        variables: { SERVICE: s.name, NAMESPACE: p.namespace, TAG: '$CI_COMMIT_SHA' },
        // helm upgrade --install --atomic, then the wait for the controller's new revision (ci/deploy.sh).
        script: [...installTools(['helm', 'kubectl']), DEPLOY_COMMAND],
      });
      jobs[`${s.name}:staging`] = deploy('staging');
      jobs[`${s.name}:production`] = deploy('production');
    }
  }

  return yamlFile(['Generated by cn-scaffold from cn-scaffold.yaml (cicd.provider: gitlab-ci).'], {
    // Merge-request pipelines, and branch pipelines only for the main branch (no duplicate pipelines).
    workflow: { rules: [{ if: MR }, { if: '$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS', when: 'never' }, { if: main }] },
    stages: ['test', 'build', ...(p.scan ? ['scan'] : []), 'publish', 'sign', 'staging', 'production'],
    default: { interruptible: true },
    ...jobs,
  });
}

export default defineBlock({
  id: 'gitlab-ci',
  category: 'cicd',
  slot: 'provider',
  title: 'GitLab CI',
  summary: 'one .gitlab-ci.yml, rules:changes per service, Buildah (no kaniko), id_tokens for keyless signing, manual production job',
  status: 'stable',
  options: providerOptions,
  questions: providerQuestions,
  files: (ctx: FilesContext<ProviderOptions>) => {
    const p = buildPipeline(ctx);
    return [
      { to: '.gitlab-ci.yml', content: gitlabCi(p) },
      { to: INSTALL_TOOLS_SCRIPT, content: installToolsScript(ctx.project.kubernetesVersion), executable: true },
      ...(p.deploy ? [{ to: DEPLOY_SCRIPT, content: deployScript(p), executable: true }] : []),
    ];
  },
  contribute: (ctx) => ({
    ...validateContribution(ctx, []),
    readme: runbook(
      {
        provider: 'GitLab CI: `.gitlab-ci.yml`',
        approval: 'by starting the manual `<service>:production` job (protect the `production` environment to require approval)',
        secrets: ['KUBECONFIG (File variable per environment)', 'REGISTRY_USERNAME', 'REGISTRY_PASSWORD'],
      },
      ctx,
    ),
    notes: ['GitLab: add CI/CD variables REGISTRY_USERNAME/REGISTRY_PASSWORD (masked) and a File variable KUBECONFIG per environment; protect "production".'],
    diagram: { nodes: [{ id: 'ci', label: 'GitLab CI', group: 'build' }], edges: [{ from: 'ci', to: 'registry', label: 'push, sign' }] },
  }),
});
