// The abstract CI/CD pipeline, written once as data. Every provider block (GitHub Actions, GitLab CI,
// Tekton) renders exactly this in its own syntax, so adding a provider is one block:
//
//   pull/merge request: per service lint + unit tests (its language's toolchain image) and an image build
//                       without push; once per repository the validation job (`make validate`).
//   main branch:        per service, only when its files changed: build once (layer cache) → Trivy scan of that
//                       local image (fails at the registry's scanSeverity) → SBOM of it (syft, when a signer attests
//                       one) → push of that same image, a single manifest → sign by digest → attest (SBOM) →
//                       deploy to staging → promote to production behind an approval.
//
// One image, one manifest: the scanned image is the pushed image, and it is pushed as a plain image manifest, not
// an image index (no BuildKit provenance/SBOM attestation manifests): registries that enforce signatures at pull
// time (Harbor enable_content_trust[_cosign]) check the manifest containerd actually fetches, and `cosign sign`
// signs only the digest it is given (its --recursive covers an index's children, but `cosign attest` and
// `notation sign` have no such flag: sigstore/cosign cmd/cosign/cli/options/sign.go and attest.go @v3.1.2).
//
// One answer per concern: the vulnerability threshold is the registry block's (contrib.pipeline.scanSeverity,
// also enforced by Harbor at pull time) and the pipeline scans once, before the push; the SBOM exists iff the
// signing block attests one (its `sbom` option). Registry login, signing and attestation come from other blocks
// (contrib.pipeline); tool versions are pinned here once and reused by every provider and ci/install-tools.sh.
import * as z from 'zod';
import type { BlockContext, FilesContext, Question } from '../../catalog/define.js';
import { SBOM_FILE, type Contributions, type PipelineStep, type ScanSeverity, type ValidateStep } from '../../catalog/contributions.js';
import type { ResolvedService } from '../../config/schema.js';
import { toYamlBlock } from '../../render/helpers.js';
import { validateTools } from '../../catalog/commands.js';
import { TOOLCHAINS, type Toolchain } from './toolchains.js';
import { skeletonFor } from '../../catalog/skeleton.js';

// The per-language CI toolchains live in toolchains.ts; re-exported for the provider blocks and tests.
export { TOOLCHAINS, type Toolchain };

// ---------------------------------------------------------------------------------------------------------
// Pinned versions (domain.md §0, §3.3, §4.1; the others read from each project's tags, Aug 2026).
// ---------------------------------------------------------------------------------------------------------
export const TOOL_VERSIONS = {
  helm: '3.21.4', // repo:helm/helm tags (v3.21.4; Helm 4 keeps --atomic as an alias)
  kubeconform: '0.7.0', // repo:yannh/kubeconform tag v0.7.0 (2025-05-12), go.mod without replace
  actionlint: '1.7.12', // repo:rhysd/actionlint tag v1.7.12 (2026-03-31)
  promtool: '3.14.0', // Prometheus v3.14.0 (domain.md §0); its go.mod has replace → release tarball
  kubectl: '1.32.0', // matches the default target minor; overridden by the project's minor below
  // Trivy v0.70.0 is the default of trivy-action v0.36.0 (action.yaml) and postdates the compromised
  // v0.69.4 binary (CVE-2026-33634, domain.md §4.1).
  trivy: '0.70.0',
  cosign: '3.1.2', // domain.md §3.3
  notation: '1.3.2', // domain.md §0
  syft: '1.51.0', // repo:anchore/syft tag v1.51.0
  oras: '1.3.3', // repo:oras-project/oras tag v1.3.3
  crane: '0.21.9', // repo:google/go-containerregistry tag v0.21.9
  amtool: '0.34.0', // repo:prometheus/alertmanager tag v0.34.0 (2026-08-16), go.mod without replace
  // The release of the npm-shipped binary (@bufbuild/buf, npm registry) that make validate falls back to;
  // CI builds the same release with `go install` (checked against the Go checksum database).
  buf: '1.75.0',
} as const;

/** Images the non-GitHub providers run jobs in (GitHub jobs run on the hosted runner or the toolchain image). */
export const IMAGES = {
  // Buildah for unprivileged image builds (vfs + chroot, CR-32): quay.io/buildah/stable:<version> is the
  // immutable tag (containers/buildah contrib/buildahimage/README.md); v1.41.5 is also the base of
  // NoEnv/docker-buildah's Dockerfile.
  buildah: 'quay.io/buildah/stable:v1.41.5',
  trivy: `docker.io/aquasec/trivy:${TOOL_VERSIONS.trivy}`,
  // Debian-based Go image: bash, curl, git and make for `make validate` and for `go install` of the tools.
  tools: 'docker.io/library/golang:1.25.1-bookworm',
} as const;

// ---------------------------------------------------------------------------------------------------------
// GitHub Actions pinned by full commit SHA, version in a comment (CR-25/26/27).
// ---------------------------------------------------------------------------------------------------------
export interface PinnedAction {
  uses: string;
  version: string;
}
const pin = (repo: string, sha: string, version: string): PinnedAction => ({ uses: `${repo}@${sha}`, version });
export const ACTIONS = {
  // domain.md §4.1 table
  checkout: pin('actions/checkout', '3d3c42e5aac5ba805825da76410c181273ba90b1', 'v7.0.1'),
  setupBuildx: pin('docker/setup-buildx-action', '37fe631027851001ddb9b187196cc803df7f5f0e', 'v4.3.0'),
  login: pin('docker/login-action', '4907a6ddec9925e35a0a9e82d7399ccc52663121', 'v4.1.0'),
  buildPush: pin('docker/build-push-action', '53b7df96c91f9c12dcc8a07bcb9ccacbed38856a', 'v7.3.0'),
  cosignInstaller: pin('sigstore/cosign-installer', '6f9f17788090df1f26f669e9d70d6ae9567deba6', 'v4.1.2'),
  trivy: pin('aquasecurity/trivy-action', 'ed142fd0673e97e23eac54620cfb913e5ce36c25', 'v0.36.0'),
  setupHelm: pin('azure/setup-helm', '9bc31f4ebc9c6b171d7bfbaa5d006ae7abdb4310', 'v5.0.1'),
  // repo:actions/setup-go tag v7.0.0 (2026-07-15), runs on node24
  setupGo: pin('actions/setup-go', 'b7ad1dad31e06c5925ef5d2fc7ad053ef454303e', 'v7.0.0'),
  // repo:actions/upload-artifact tag v7.0.0 (2026-02-25) and repo:actions/download-artifact tag v8.0.1
  // (2026-03-11), both node24: the SBOM travels from the build job to the signing job.
  uploadArtifact: pin('actions/upload-artifact', 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f', 'v7.0.0'),
  downloadArtifact: pin('actions/download-artifact', '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c', 'v8.0.1'),
} as const;

/** Every pinned action by `uses`, to annotate `uses: owner/repo@<sha>` lines with the version. */
export const ACTION_VERSIONS = new Map(Object.values(ACTIONS).map((a) => [a.uses, a.version]));

/**
 * A generated YAML file: a comment header, then the document serialised as YAML 1.1 (so `on`, `yes`...
 * are quoted and mean the same to go-yaml, Ruby's Psych and the GitHub parser), pinned actions annotated.
 */
export function yamlFile(header: string[], doc: unknown): string {
  const body = toYamlBlock(doc, 0).replace(/^(\s*(?:- )?uses: )(\S+)$/gm, (line, _k: string, uses: string) => {
    const v = ACTION_VERSIONS.get(uses);
    return v ? `${line} # ${v}` : line;
  });
  return `${header.map((l) => `# ${l}`.trimEnd()).join('\n')}\n${body}\n`;
}

// ---------------------------------------------------------------------------------------------------------
// Options every provider block shares (answers: cicd.<provider>.<option>).
// ---------------------------------------------------------------------------------------------------------
// The scan threshold (registry.<provider>.scanSeverity) and the SBOM (distribution.<signer>.sbom) are not
// options here: each concern has one answer, owned by the block that also enforces it elsewhere.
export const providerOptions = z
  .object({
    branch: z
      .string()
      .regex(/^[A-Za-z0-9._/-]+$/, { error: 'branch must be a plain branch name' })
      .default('main')
      .describe('Branch whose pushes publish and deploy'),
  })
  .strict();
export type ProviderOptions = z.infer<typeof providerOptions>;
export const providerQuestions: { [K in keyof ProviderOptions]-?: Question | null } = {
  branch: { message: 'Which branch publishes images and deploys?' },
};

// ---------------------------------------------------------------------------------------------------------
// The abstract pipeline.
// ---------------------------------------------------------------------------------------------------------
export interface PipelineService {
  name: string;
  language: ResolvedService['language'];
  dir: string;
  chart: string;
  /** Repository without tag. */
  image: string;
  protocol: ResolvedService['protocol'];
  /** The service generates gRPC stubs in CI (gen.sh): its own API, or the APIs of the gRPC services it calls. */
  grpcStubs: boolean;
  toolchain: Toolchain;
  test: string;
  /** Paths whose change triggers this service's jobs. */
  paths: string[];
}
export interface Delivery {
  /** Block id of the controller, or null for a rolling update. */
  controller: 'argo-rollouts' | 'flagger' | null;
  strategy: 'rolling' | 'canary' | 'blue-green';
}
export interface Pipeline {
  project: string;
  namespace: string;
  kubernetesVersion: string;
  branch: string;
  services: PipelineService[];
  /** The one vulnerability scan (before push), or null when the registry's scanSeverity is `none`. */
  scan: { severities: string; threshold: ScanSeverity } | null;
  registry: { host: string; usernameSecret: string; passwordSecret: string; ghcr: boolean };
  steps: { login: PipelineStep[]; sign: PipelineStep[]; attest: PipelineStep[] };
  /** Any publish step needs an OIDC token (keyless signing). */
  oidc: boolean;
  /** Tools the contributed steps need. */
  tools: PipelineStep['tools'];
  /** The attest steps read an SBOM (SBOM_FILE) that the provider makes from the local image before the push. */
  sbom: boolean;
  /** Secrets the contributed steps read. */
  secrets: { name: string; description: string }[];
  deploy: boolean;
  /** Manifests applied after the namespace and before the charts (contrib.deploy.apply: network policies, ...). */
  preDeploy: string[];
  delivery: Delivery;
  /** The tools `make validate` runs (installed by `make tools`, which every validation job runs first). */
  validateTools: string[];
}

/**
 * The one place the registry's severity vocabulary (Harbor: none|low|medium|high|critical) becomes Trivy's
 * --severity list: the threshold and everything above it, e.g. high → HIGH,CRITICAL; none → no scan.
 */
export function trivySeverities(threshold: ScanSeverity): string | null {
  const order = ['low', 'medium', 'high', 'critical'] as const;
  if (threshold === 'none') return null;
  return order
    .slice(order.indexOf(threshold))
    .map((s) => s.toUpperCase())
    .join(',');
}

export function deliveryOf(ctx: Pick<BlockContext, 'config' | 'has'>): Delivery {
  const cicd = (ctx.config.cicd ?? {}) as Record<string, any>;
  if (ctx.has('cicd/argo-rollouts')) return { controller: 'argo-rollouts', strategy: cicd['argo-rollouts']?.strategy ?? 'canary' };
  if (ctx.has('cicd/flagger')) return { controller: 'flagger', strategy: cicd.flagger?.strategy ?? 'blue-green' };
  return { controller: null, strategy: 'rolling' };
}

export function buildPipeline(ctx: FilesContext<ProviderOptions>): Pipeline {
  const { project, services, contrib, options } = ctx;
  const threshold = contrib.pipeline.scanSeverity;
  const severities = trivySeverities(threshold);
  const steps = contrib.pipeline.steps;
  const byPhase = (p: PipelineStep['phase']) => steps.filter((s) => s.phase === p);
  const reg = contrib.pipeline.registry;
  const host = reg?.host ?? project.image.registry;
  const secrets = new Map<string, string>();
  for (const s of steps) for (const x of s.secrets ?? []) secrets.set(x.name, x.description);
  return {
    project: project.name,
    namespace: project.namespace,
    kubernetesVersion: project.kubernetesVersion,
    branch: options.branch,
    services: services.map((s) => ({
      name: s.name,
      language: s.language,
      protocol: s.protocol,
      // Where src/plan/base.ts adds gen.sh (a gRPC service, or a caller of one with the grpc block).
      grpcStubs: s.protocol === 'grpc' || skeletonFor(contrib, s).protoRoots.length > 0,
      dir: `services/${s.name}`,
      chart: `deploy/charts/${s.name}`,
      image: s.image,
      toolchain: TOOLCHAINS[s.language],
      test: s.testCommand,
      paths: [`services/${s.name}/**`, `deploy/charts/${s.name}/**`],
    })),
    scan: severities ? { severities, threshold } : null,
    registry: {
      host,
      usernameSecret: reg?.usernameSecret ?? 'REGISTRY_USERNAME',
      passwordSecret: reg?.passwordSecret ?? 'REGISTRY_PASSWORD',
      ghcr: !reg && host === 'ghcr.io',
    },
    steps: { login: byPhase('login'), sign: byPhase('sign'), attest: byPhase('attest') },
    oidc: steps.some((s) => s.oidc),
    tools: [...new Set(steps.flatMap((s) => s.tools))].sort(),
    sbom: contrib.pipeline.sbom && byPhase('attest').length > 0,
    secrets: [...secrets].map(([name, description]) => ({ name, description })).sort((a, b) => a.name.localeCompare(b.name)),
    deploy: ctx.has('orchestration/kubernetes'),
    preDeploy: contrib.deploy.apply,
    delivery: deliveryOf(ctx),
    validateTools: validateTools(contrib.validate),
  };
}

/**
 * The SBOM of the image as built and scanned, from where the provider holds it before the push (`docker:<ref>` for
 * the Docker daemon, `oci-archive:<file>` for an archive: syft source schemes, anchore/syft README). Never
 * `registry:`: the registry blocks pulls of an image until it is scanned and signed.
 */
export const sbomCommand = (source: string): string => `syft scan "${source}" --output "spdx-json=${SBOM_FILE}"`;

/** `make validate` steps the CI/CD choice adds: rendered manifests against strict schemas, and CI files. */
export function validateContribution(ctx: BlockContext, extra: ValidateStep[]): Contributions {
  const steps: ValidateStep[] = [];
  if (ctx.has('orchestration/kubernetes')) {
    const k = `${ctx.project.kubernetesVersion}.0`;
    for (const s of ctx.services) {
      steps.push({
        name: `kubeconform ${s.name}`,
        // Custom resources (Rollout, Canary, ...) are checked against the CRDs-catalog schemas
        // (datreeio/CRDs-catalog: <group>/<kind>_<version>.json); core kinds against kubernetes-json-schema.
        command:
          `set -o pipefail; helm template ${s.name} deploy/charts/${s.name} --namespace ${ctx.project.namespace} --kube-version ${k} | ` +
          `kubeconform -strict -summary -kubernetes-version ${k} -schema-location default -schema-location ${CRD_SCHEMAS}`,
      });
    }
  }
  steps.push({ name: 'shellcheck ci scripts', command: 'shellcheck ci/*.sh' }, ...extra);
  return { validate: steps };
}
export const CRD_SCHEMAS = `'https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'`;

/** The README runbook shared by every provider (how a release reaches production and how to undo it). */
export function runbook(p: { provider: string; approval: string; secrets: string[]; extra?: string }, ctx: BlockContext): Contributions['readme'] {
  const d = deliveryOf(ctx);
  const ns = ctx.project.namespace;
  const how =
    d.controller === 'argo-rollouts'
      ? `Releases roll out as an Argo Rollouts **${d.strategy}**; a failed analysis aborts the rollout and traffic goes back to the stable version by itself.\n\n` +
        '```sh\nkubectl argo rollouts get rollout <service> -n ' + ns + ' --watch   # progress\n' +
        'kubectl argo rollouts promote <service> -n ' + ns + '   # skip a pause / promote a preview\n' +
        'kubectl argo rollouts abort <service> -n ' + ns + '     # stop and return to stable\n```'
      : d.controller === 'flagger'
        ? `Releases roll out through a Flagger **${d.strategy}** Canary; when the metric checks fail \`threshold\` times Flagger routes everything back to \`<service>-primary\`.\n\n` +
          '```sh\nkubectl -n ' + ns + ' get canary            # status of every service\nkubectl -n ' + ns + ' describe canary <service>   # events of the last analysis\n```'
        : 'Releases are rolling updates of a Deployment with `helm upgrade --install --atomic --wait`: a release that does not become ready in time is rolled back automatically (Kubernetes alone would only report `ProgressDeadlineExceeded`).';
  return [
    {
      title: 'CI/CD runbook',
      order: 60,
      body:
        `The pipeline (${p.provider}) tests every service on pull requests and validates the repository (\`make validate\`). ` +
        // contribute() cannot see merged contributions, so the threshold itself is named by the registry's README section.
        'On the main branch each changed service is built, scanned with Trivy before the push (it fails at the registry\'s `scanSeverity`; `none` = no scan), ' +
          'pushed (and signed by digest when a signing block is chosen), deployed to **staging**, ' +
        `then promoted to **production** ${p.approval}.\n\n` +
        `${how}\n\n` +
        '- Roll back by hand: `make rollback` (previous Helm revision of every release), or `helm rollback <service> <revision> -n ' +
        ns +
        '`.\n' +
        '- Redeploy a known image: `make deploy TAG=<git sha>`.\n' +
        `- Secrets the pipeline expects: ${p.secrets.map((s) => `\`${s}\``).join(', ')}.` +
        (p.extra ? `\n\n${p.extra}` : ''),
    },
  ];
}
