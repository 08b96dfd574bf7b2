// What the registry blocks (harbor, external) share and what other blocks read from them: the pinned
// Harbor releases, the names of the Secrets the user creates (never their values), the Trivy scan gate
// and the login step the CI/CD block runs. Facts: domain.md §2 (Harbor), §3.3/§4.1 (CI signing), CR-10..CR-16.
import type { BlockContext } from '../../catalog/define.js';
import type { ChartContribution, PipelineRegistry, PipelineStep } from '../../catalog/contributions.js';

/**
 * Harbor release lines we can generate, each pinned to its last chart and installer release.
 * v2.15: chart 1.19.1 → Harbor 2.15.1 (repo:goharbor/harbor-helm Chart.yaml @v1.19.1), offline installer v2.15.2
 *       (repo:goharbor/harbor tags); chart values have `expose.type: route` (templates/gateway-apis/route.yaml).
 * v2.8:  chart 1.12.6 → Harbor 2.8.6 (Chart.yaml @v1.12.6), installer v2.8.6: the last line that still ships Notary v1
 *       (notary.* chart values; removed in 2.9.0 by goharbor/harbor#18509 / PR #18668, domain.md §2.1). No route expose.
 */
export const HARBOR_RELEASES = {
  'v2.15': { chart: '1.19.1', app: '2.15.1', installer: 'v2.15.2', configVersion: '2.15.0', notary: false, route: true },
  'v2.8': { chart: '1.12.6', app: '2.8.6', installer: 'v2.8.6', configVersion: '2.8.0', notary: true, route: false },
} as const;
export type HarborVersion = keyof typeof HARBOR_RELEASES;
export const HARBOR_VERSIONS = Object.keys(HARBOR_RELEASES) as [HarborVersion, ...HarborVersion[]];

/** Namespace and Helm release of Harbor on Kubernetes. */
export const HARBOR_NAMESPACE = 'harbor';
export const HARBOR_RELEASE = 'harbor';

/**
 * Secrets the user creates before installing (the README and notes print the exact commands). Keys are the
 * ones the chart reads: existingSecretAdminPasswordKey default HARBOR_ADMIN_PASSWORD; existingSecretSecretKey
 * must hold `secretKey`; registry.credentials.existingSecret must hold REGISTRY_PASSWD + REGISTRY_HTPASSWD;
 * database.external.existingSecret must hold `password` (harbor-helm values.yaml @v1.19.1 comments).
 */
export const HARBOR_SECRETS = {
  admin: 'harbor-admin',
  encryption: 'harbor-encryption-key',
  registryCredentials: 'harbor-registry-credentials',
  database: 'harbor-database',
  tls: 'harbor-tls',
} as const;

/** docker-registry Secret in the application namespace that every chart lists in imagePullSecrets. */
export const PULL_SECRET = 'registry-pull';
/** CI secret names holding the push credentials (for Harbor: the CI robot account). */
export const CI_REGISTRY_SECRETS = { usernameSecret: 'REGISTRY_USERNAME', passwordSecret: 'REGISTRY_PASSWORD' } as const;

/** Harbor severities (ProjectMetadata.severity, api/v2.0/swagger.yaml); `none` turns the gate off. */
export const SEVERITIES = ['none', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Trivy's --severity list for "this level or worse". */
export function trivySeverities(s: Severity): string {
  const order = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
  return s === 'none' ? '' : order.slice(order.indexOf(s.toUpperCase())).join(',');
}

/** The Harbor project that holds the images: the first path segment of project.image.repository. */
export const harborProject = (ctx: Pick<BlockContext, 'project'>): string => ctx.project.image.repository.split('/')[0]!;

/** imagePullSecrets for every service chart. */
export const pullSecretChart = (): ChartContribution => ({ imagePullSecrets: [{ name: PULL_SECRET }] });

export const pipelineRegistry = (ctx: Pick<BlockContext, 'project'>): PipelineRegistry => ({
  host: ctx.project.image.registry,
  ...CI_REGISTRY_SECRETS,
});

/**
 * Registry login for the pipeline. The password goes through stdin, never argv. With Podman the credentials
 * are written to the Docker-format config file (REGISTRY_AUTH_FILE) so cosign, notation, trivy and syft,
 * which read ~/.docker/config.json, are logged in too.
 */
export function loginStep(ctx: Pick<BlockContext, 'has'>): PipelineStep {
  const podman = ctx.has('containerization/podman');
  const run = podman
    ? [
        'mkdir -p "${HOME}/.docker"',
        'export REGISTRY_AUTH_FILE="${HOME}/.docker/config.json"',
        'printf \'%s\' "${REGISTRY_PASSWORD}" | podman login "${REGISTRY}" --username "${REGISTRY_USERNAME}" --password-stdin',
      ]
    : ['printf \'%s\' "${REGISTRY_PASSWORD}" | docker login "${REGISTRY}" --username "${REGISTRY_USERNAME}" --password-stdin'];
  return {
    id: 'registry-login',
    title: 'Log in to the image registry',
    phase: 'login',
    run: run.join('\n'),
    tools: [],
    secrets: [
      { name: CI_REGISTRY_SECRETS.usernameSecret, description: 'registry user (Harbor: the CI robot account, robot$<project>+ci)' },
      { name: CI_REGISTRY_SECRETS.passwordSecret, description: 'registry password or token (Harbor: the CI robot secret)' },
    ],
  };
}

/**
 * The scan gate: Trivy fails the pipeline when the pushed image (by digest) has a fixed or unfixed
 * vulnerability at the chosen severity or worse. Omitted when the severity is `none`.
 */
export function scanStep(severity: Severity): PipelineStep[] {
  if (severity === 'none') return [];
  return [
    {
      id: 'trivy-scan',
      title: `Scan the image (fail on ${trivySeverities(severity)})`,
      phase: 'scan',
      run: `trivy image --exit-code 1 --no-progress --severity ${trivySeverities(severity)} "\${IMAGE}@\${DIGEST}"`,
      tools: ['trivy'],
    },
  ];
}

/** The kubectl command that creates the pull Secret in the application namespace (documentation only). */
export function pullSecretCommand(ctx: Pick<BlockContext, 'project'>, user: string): string {
  return (
    `kubectl create secret docker-registry ${PULL_SECRET} --namespace ${ctx.project.namespace} ` +
    `--docker-server=${ctx.project.image.registry} --docker-username='${user}' --docker-password="$PULL_TOKEN"`
  );
}
