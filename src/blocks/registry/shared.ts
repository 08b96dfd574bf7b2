// What the registry blocks (harbor, external) share and what other blocks read from them: the pinned
// Harbor releases, the names of the Secrets the user creates (never their values), the vulnerability
// threshold (pipeline.scanSeverity) and the registry the CI/CD block logs in to (pipeline.registry). Facts: domain.md §2 (Harbor), §3.3/§4.1 (CI signing), CR-10..CR-16.
import type { BlockContext } from '../../catalog/define.js';
import { SCAN_SEVERITIES, type ChartContribution, type PipelineRegistry, type Prerequisite } from '../../catalog/contributions.js';

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

/** Default URL of the harbor-scanner-clair adapter: a Service in the cluster (a VM Harbor cannot resolve it: CN-REG-04). */
export const CLAIR_ADAPTER_DEFAULT = 'http://harbor-scanner-clair.harbor.svc:8080';

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

/**
 * The `scanSeverity` option of every registry block: Harbor's vocabulary (ProjectMetadata.severity), which is
 * also the provider-neutral pipeline.scanSeverity; the CI/CD block converts it to Trivy's list.
 */
export const SEVERITIES = SCAN_SEVERITIES;

/** The Harbor project that holds the images: the first path segment of project.image.repository. */
export const harborProject = (ctx: Pick<BlockContext, 'project'>): string => ctx.project.image.repository.split('/')[0]!;

/** imagePullSecrets for every service chart. */
export const pullSecretChart = (): ChartContribution => ({ imagePullSecrets: [{ name: PULL_SECRET }] });

/**
 * The registry the pipeline pushes to and the CI secret names of its push credentials. Each CI/CD block logs
 * in with them in its own way (docker/login-action; a docker config written from masked variables; the
 * .dockerconfigjson workspace): the login is the provider's, so no registry login step is contributed (a
 * `docker login` step would be a second login, and fails in the tools image, which has no docker CLI).
 */
export const pipelineRegistry = (ctx: Pick<BlockContext, 'project'>): PipelineRegistry => ({
  host: ctx.project.image.registry,
  ...CI_REGISTRY_SECRETS,
});

/** The chart's pull Secret, required before `make deploy`; `section` is the README section that shows how. */
export const pullSecretPrerequisite = (ctx: Pick<BlockContext, 'project'>, section: string): { target: string; requires: Prerequisite[] } => ({
  target: 'deploy',
  requires: [{ secret: PULL_SECRET, namespace: ctx.project.namespace, hint: `create it as README.md "${section}" shows` }],
});

/** The kubectl command that creates the pull Secret in the application namespace (documentation only). */
export function pullSecretCommand(ctx: Pick<BlockContext, 'project'>, user: string): string {
  return (
    `kubectl create secret docker-registry ${PULL_SECRET} --namespace ${ctx.project.namespace} ` +
    `--docker-server=${ctx.project.image.registry} --docker-username='${user}' --docker-password="$PULL_TOKEN"`
  );
}
