// Harbor as the image registry (domain.md §2): on Kubernetes with the official goharbor/harbor chart (values
// file + pinned install script; the chart itself is not vendored) or on a VM with the offline installer's
// harbor.yml; plus an idempotent bootstrap script on Harbor's v2.0 REST API (project, least-privilege robot
// accounts, scan on push, "prevent vulnerable images", tag immutability, retention, content trust matched to
// the signer). Every credential comes from a Secret the user creates; no password is ever written to a file.
// Cross-choice rules (Notary v1 ↔ Harbor 2.8, route ↔ chart version, Clair...) live in src/config/rules.ts.
import * as z from 'zod';
import { defineBlock, type BlockContext, type FileSpec, type FilesContext } from '../../catalog/define.js';
import { dnsName } from '../../config/schema.js';
import { gatewayOf } from '../discovery/gateway.js';
import { KPS_SELECTOR_LABELS, prometheusOperatorSelected, prometheusSelected } from '../observability/shared.js';
import {
  CLAIR_ADAPTER_DEFAULT,
  HARBOR_NAMESPACE,
  HARBOR_RELEASE,
  HARBOR_RELEASES,
  HARBOR_SECRETS,
  HARBOR_VERSIONS,
  PULL_SECRET,
  SEVERITIES,
  harborProject,
  pipelineRegistry,
  pullSecretChart,
  pullSecretCommand,
  pullSecretPrerequisite,
} from './shared.js';
import { HELM, KUBECTL, type Prerequisite } from '../../catalog/prerequisites.js';

// Names of Kubernetes objects (IngressClass, StorageClass, ClusterIssuer) are DNS subdomains; empty = the default.
const objectName = (what: string, empty = false) => dnsName(what, { empty, example: 'standard' });

const Options = z
  .object({
    install: z.enum(['helm', 'vm']).default('helm').describe('helm: goharbor/harbor chart on Kubernetes; vm: offline installer (harbor.yml)'),
    // 'v' prefix: a bare 2.8 would be a YAML number.
    version: z.enum(HARBOR_VERSIONS).default('v2.15').describe('Harbor release line: v2.15 (current) or v2.8 (end of life; only for Notary v1 migrations)'),
    // Fully qualified: Harbor refuses localhost and IPs as hostname.
    host: dnsName('host', { qualified: true })
      .default('harbor.example.com')
      .describe('DNS name clients use for Harbor; externalURL is https://<host> and images are <host>/<project>/<service>'),
    expose: z
      .enum(['route', 'ingress', 'loadBalancer'])
      .default('route')
      .describe('How the chart exposes Harbor: Gateway API HTTPRoute, Ingress, or a LoadBalancer Service (helm only)'),
    gateway: z
      .string()
      .max(63 + 1 + 253, { error: 'gateway must be at most 317 characters (<namespace>/<name>)' })
      .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'gateway must be <namespace>/<name> of a Gateway' })
      .optional()
      .describe('The Gateway (namespace/name) the HTTPRoute attaches to (expose=route); default: the Gateway of discovery.gateway, else gateway-system/gateway'),
    ingressClassName: objectName('ingressClassName', true).default('').describe('IngressClass for expose=ingress (empty = the cluster default class)'),
    tls: z
      .enum(['cert-manager', 'secret'])
      .default('cert-manager')
      .describe('cert-manager issues the certificate, or you provide a TLS Secret (helm) / certificate files (vm)'),
    issuer: objectName('issuer').default('letsencrypt').describe('cert-manager ClusterIssuer that signs the Harbor certificate'),
    database: z.enum(['internal', 'external']).default('internal').describe("Harbor's bundled PostgreSQL, or an external PostgreSQL"),
    databaseHost: dnsName('databaseHost', { example: 'postgresql.example.com' }).default('postgresql.example.com').describe('External PostgreSQL host (database=external)'),
    storageClass: objectName('storageClass', true).default('').describe('StorageClass of the Harbor PVCs (empty = the storage.volumes class, else the cluster default)'),
    registrySize: z.string().regex(/^[0-9]+(Mi|Gi|Ti)$/).default('50Gi').describe('Size of the image storage PVC'),
    scanner: z.enum(['trivy', 'clair']).default('trivy').describe('trivy (built in) or clair (legacy: an external harbor-scanner-clair adapter)'),
    clairAdapterUrl: z
      .string()
      .url()
      .default(CLAIR_ADAPTER_DEFAULT)
      .describe('URL of the harbor-scanner-clair adapter (scanner=clair); Harbor on a VM needs an address the VM resolves'),
    scanSeverity: z
      .enum(SEVERITIES)
      .default('high')
      .describe(
        'One threshold, two enforcement points: the CI scan before push fails on vulnerabilities (fixed or not) at this severity or worse, ' +
          'and Harbor blocks pulls of such images; none = off',
      ),
    immutableTags: z.string().min(1).default('v*').describe('Tag pattern (doublestar) made immutable: release tags'),
    retainLatest: z.number().int().min(1).max(1000).default(20).describe('Retention: keep the N most recently pushed artifacts per repository'),
  })
  .strict();
type HarborOptions = z.infer<typeof Options>;

/** The signer decides which Harbor content-trust flag is set (CR-13: enable_content_trust = Notation/Notary, _cosign = cosign). */
function contentTrust(ctx: Pick<BlockContext, 'has'>) {
  return {
    cosign: ctx.has('distribution/cosign'),
    notary: ctx.has('distribution/notation') || ctx.has('distribution/notary-v1'),
  };
}

/** The Gateway the HTTPRoute attaches to: the answer, else the one the discovery.gateway block provides. */
function harborGateway(ctx: BlockContext<HarborOptions>): string {
  const g = gatewayOf(ctx.config);
  return ctx.options.gateway ?? (g ? `${g.namespace}/${g.name}` : 'gateway-system/gateway');
}

function templateData(ctx: BlockContext<HarborOptions>) {
  const o = ctx.options;
  const release = HARBOR_RELEASES[o.version];
  const [gatewayNamespace, gatewayName] = harborGateway(ctx).split('/') as [string, string];
  const trust = contentTrust(ctx);
  return {
    h: {
      ...o,
      release,
      externalURL: `https://${o.host}`,
      notaryHost: `notary.${o.host}`,
      notary: ctx.has('distribution/notary-v1') && release.notary,
      namespace: HARBOR_NAMESPACE,
      releaseName: HARBOR_RELEASE,
      gatewayNamespace,
      gatewayName,
      // With a Gateway the certificate Secret must live next to the Gateway that serves it.
      certNamespace: o.expose === 'route' ? gatewayNamespace : HARBOR_NAMESPACE,
      secrets: HARBOR_SECRETS,
      // ServiceMonitor only when the Prometheus Operator CRDs are part of the system (CR-51), labelled for kube-prometheus-stack (CR-50).
      metrics: prometheusSelected(ctx),
      serviceMonitor: prometheusOperatorSelected(ctx),
      serviceMonitorLabels: KPS_SELECTOR_LABELS,
      project: harborProject(ctx),
      trust,
      trivy: o.scanner === 'trivy',
    },
  };
}

function files(ctx: FilesContext<HarborOptions>): FileSpec[] {
  const data = templateData(ctx);
  // An explicit class wins; else the storage.volumes block's block class (the storageClass contribution).
  data.h.storageClass = ctx.options.storageClass || (ctx.contrib.storageClass.block ?? '');
  const o = ctx.options;
  const out: FileSpec[] = [{ to: 'deploy/harbor/bootstrap.sh', template: 'registry/harbor/bootstrap.sh.hbs', data }];
  if (o.install === 'helm') {
    out.push(
      { to: 'deploy/harbor/values.yaml', template: 'registry/harbor/helm/values.yaml.hbs', data },
      { to: 'deploy/harbor/install.sh', template: 'registry/harbor/helm/install.sh.hbs', data },
    );
    if (o.tls === 'cert-manager') out.push({ to: 'deploy/harbor/certificate.yaml', template: 'registry/harbor/helm/certificate.yaml.hbs', data });
    if (data.h.serviceMonitor) out.push({ to: 'deploy/harbor/servicemonitor.yaml', template: 'registry/harbor/helm/servicemonitor.yaml.hbs', data });
  } else {
    out.push(
      { to: 'deploy/harbor/harbor.yml', template: 'registry/harbor/vm/harbor.yml.hbs', data },
      { to: 'deploy/harbor/install.sh', template: 'registry/harbor/vm/install.sh.hbs', data },
    );
  }
  return out;
}

function secretCommands(ctx: BlockContext<HarborOptions>): string {
  const o = ctx.options;
  const s = HARBOR_SECRETS;
  if (o.install === 'vm') {
    return [
      '# On the Harbor VM, as root: the installer reads them from the environment (never from harbor.yml in git)',
      'export HARBOR_ADMIN_PASSWORD="$(openssl rand -base64 24)"   # keep it in your password manager',
      o.database === 'internal' ? 'export HARBOR_DB_PASSWORD="$(openssl rand -base64 24)"' : 'export HARBOR_DB_PASSWORD="<password of the external database user>"',
      o.tls === 'secret' ? '# TLS: put the certificate chain and key at /etc/harbor/tls/tls.crt and /etc/harbor/tls/tls.key (mode 0600)' : '',
    ]
      .filter(Boolean)
      .join('\n');
  }
  const ns = HARBOR_NAMESPACE;
  const lines = [
    `kubectl create namespace ${ns}`,
    `kubectl -n ${ns} create secret generic ${s.admin} --from-literal=HARBOR_ADMIN_PASSWORD="$(openssl rand -base64 24)"`,
    `kubectl -n ${ns} create secret generic ${s.encryption} --from-literal=secretKey="$(openssl rand -hex 8)"   # exactly 16 characters`,
    `REGISTRY_PASSWD="$(openssl rand -hex 16)"`,
    `kubectl -n ${ns} create secret generic ${s.registryCredentials} --from-literal=REGISTRY_PASSWD="$REGISTRY_PASSWD" \\\n    --from-literal=REGISTRY_HTPASSWD="$(htpasswd -nbB harbor_registry_user "$REGISTRY_PASSWD")"`,
    o.database === 'internal'
      ? `kubectl -n ${ns} create secret generic ${s.database} --from-literal=password="$(openssl rand -hex 16)"`
      : `kubectl -n ${ns} create secret generic ${s.database} --from-literal=password='<password of the external database user>'`,
  ];
  if (o.tls === 'secret') lines.push(`kubectl -n ${o.expose === 'route' ? harborGateway(ctx).split('/')[0] : ns} create secret tls ${s.tls} --cert=tls.crt --key=tls.key`);
  return lines.join('\n');
}

/** What `make harbor-install` needs: the Secrets (helm) or the variables (VM installer), and the CRDs it uses. */
function installRequires(ctx: BlockContext<HarborOptions>): Prerequisite[] {
  const o = ctx.options;
  const hint = 'create it as README.md "Registry: Harbor" shows';
  if (o.install === 'vm') {
    return [
      { env: 'HARBOR_INSTALLER_DIR', hint: 'the extracted Harbor offline installer (the harbor/ folder)' },
      { env: 'HARBOR_ADMIN_PASSWORD', hint: 'from your secret store (README.md "Registry: Harbor")' },
      { env: 'HARBOR_DB_PASSWORD', hint: 'from your secret store (README.md "Registry: Harbor")' },
    ];
  }
  const s = HARBOR_SECRETS;
  return [
    KUBECTL,
    HELM,
    ...[s.admin, s.encryption, s.registryCredentials, s.database].map((secret) => ({ secret, namespace: HARBOR_NAMESPACE, hint })),
    ...(o.tls === 'secret' ? [{ secret: s.tls, namespace: o.expose === 'route' ? harborGateway(ctx).split('/')[0]! : HARBOR_NAMESPACE, hint }] : []),
    ...(o.tls === 'cert-manager' ? [{ crd: 'certificates.cert-manager.io', hint: 'install cert-manager (https://cert-manager.io/docs/installation/)' }] : []),
    ...(o.expose === 'route' ? [{ crd: 'httproutes.gateway.networking.k8s.io', hint: 'install the Gateway API CRDs and a Gateway controller' }] : []),
  ];
}

function contribute(ctx: BlockContext<HarborOptions>) {
  const o = ctx.options;
  const project = harborProject(ctx);
  const installHow =
    o.install === 'helm'
      ? `Harbor ${HARBOR_RELEASES[o.version].app} is installed with the official chart \`harbor/harbor\` ${HARBOR_RELEASES[o.version].chart} ` +
        `(values in \`deploy/harbor/values.yaml\`, pinned by \`deploy/harbor/install.sh\`) into namespace \`${HARBOR_NAMESPACE}\`.`
      : `Harbor ${HARBOR_RELEASES[o.version].installer} runs on a VM from the offline installer; \`deploy/harbor/harbor.yml\` is its ` +
        'configuration without any password, and `deploy/harbor/install.sh` adds the passwords from the environment at install time.';
  return {
    readme: [
      {
        title: 'Registry: Harbor',
        order: 32,
        body: [
          installHow,
          '',
          '**Credentials are never in this repository.** Create them first:',
          '',
          '```sh',
          secretCommands(ctx),
          '```',
          '',
          '```sh',
          'make harbor-install       # install or upgrade Harbor (pinned version)',
          `HARBOR_URL=https://${o.host} HARBOR_ADMIN_PASSWORD=... CI_ROBOT_SECRET=... CLUSTER_ROBOT_SECRET=... make harbor-bootstrap`,
          '```',
          '',
          `\`deploy/harbor/bootstrap.sh\` (Harbor API v2.0, safe to re-run) creates the private project \`${project}\` with scan on push, ` +
            (o.scanSeverity === 'none'
              ? 'does not block pulls for vulnerabilities (`scanSeverity: none`, and the CI does not scan either), '
              : `blocks pulls of images with \`${o.scanSeverity}\`-or-worse vulnerabilities (the same threshold the CI scan enforces before every push), `) +
            `makes tags matching \`${o.immutableTags}\` immutable, ` +
            `keeps the ${o.retainLatest} most recent artifacts per repository, and creates two robot accounts whose secrets you choose ` +
            '(8–128 characters with upper case, lower case and a digit):',
          '',
          `- \`robot$${project}+ci\` — push and pull on \`${project}\` (which covers the signatures and SBOM attestations CI attaches; CI makes the SBOM from the local image before the push, so it never pulls an unscanned image); ` +
            'store it as the CI secrets `REGISTRY_USERNAME` / `REGISTRY_PASSWORD`.',
          `- \`robot$${project}+cluster\` — pull only; the cluster's pull Secret:`,
          '',
          '```sh',
          pullSecretCommand(ctx, `robot$${project}+cluster`),
          '```',
        ].join('\n'),
      },
    ],
    make: [
      {
        name: 'harbor-install',
        help: `Install or upgrade Harbor (${o.install === 'helm' ? `chart ${HARBOR_RELEASES[o.version].chart}` : HARBOR_RELEASES[o.version].installer})`,
        recipe: ['bash deploy/harbor/install.sh'],
        requires: installRequires(ctx),
      },
      {
        name: 'harbor-bootstrap',
        help: 'Create or update the Harbor project, robot accounts and policies (idempotent)',
        recipe: ['bash deploy/harbor/bootstrap.sh'],
        requires: [
          { tool: 'curl', hint: 'install curl' },
          { env: 'HARBOR_ADMIN_PASSWORD', hint: 'the Harbor admin password' },
          { env: 'CI_ROBOT_SECRET', hint: 'choose the secret of the CI robot account (README.md "Registry: Harbor")' },
          { env: 'CLUSTER_ROBOT_SECRET', hint: 'choose the secret of the cluster robot account (README.md "Registry: Harbor")' },
        ],
      },
    ],
    firstDeploy: [
      { phase: 'registry' as const, target: 'harbor-install', title: `install Harbor ${o.install === 'helm' ? 'with its chart' : 'on its VM'}` },
      { phase: 'bootstrap' as const, target: 'harbor-bootstrap', title: `create the Harbor project \`${project}\`, its robot accounts and policies` },
    ],
    prerequisites: [pullSecretPrerequisite(ctx, 'Registry: Harbor')],
    notes: [
      `Harbor: create the Secrets listed in README.md ("Registry: Harbor") before \`make harbor-install\`; no default password is used anywhere.`,
      `Harbor: after installing, run \`make harbor-bootstrap\`, then create the pull Secret ${PULL_SECRET} in namespace ${ctx.project.namespace} with the cluster robot account.`,
    ],
    diagram: {
      nodes: [{ id: 'registry', label: `Harbor ${o.host}`, group: 'registry' as const }],
    },
    chart: pullSecretChart,
    // No pipeline steps: the CI/CD block logs in with pipeline.registry and scans once, before the push, at
    // this threshold; Harbor's own scan on push (bootstrap.sh) feeds its pull block. A post-push CI scan would
    // be the same concern twice.
    pipeline: { registry: pipelineRegistry(ctx), scanSeverity: o.scanSeverity },
  };
}

export default defineBlock({
  id: 'harbor',
  category: 'registry',
  slot: 'provider',
  title: 'Harbor',
  summary: 'Harbor (CNCF graduated) with Trivy scanning, robot accounts, immutability, retention and content trust; Helm chart or VM installer',
  status: 'stable',
  options: Options,
  questions: {
    install: { message: 'Where does Harbor run?', choices: { helm: 'on Kubernetes, official goharbor/harbor chart', vm: 'on a VM, offline installer (harbor.yml)' } },
    version: {
      message: 'Which Harbor release line?',
      choices: { 'v2.15': 'current (chart 1.19.1)', 'v2.8': 'end of life; last line with Notary v1, only for Docker Content Trust migrations' },
      defaults: [{ value: 'v2.8', when: { 'distribution.signer': 'notary-v1' }, because: 'Notary v1 needs the notary server that Harbor removed in 2.9' }],
    },
    host: { message: 'Harbor DNS name (images will be <host>/<project>/<service>)?' },
    expose: {
      message: 'How is Harbor exposed?',
      choices: { route: 'Gateway API HTTPRoute', ingress: 'Ingress (set the IngressClass of your controller)', loadBalancer: 'LoadBalancer Service, TLS in Harbor' },
      when: { install: 'helm' },
      defaults: [
        { value: 'ingress', when: { version: 'v2.8' }, because: 'the Harbor 2.8 chart has no Gateway API route' },
        // A route needs a Gateway API Gateway (CR-69); a LoadBalancer Service needs no controller at all.
        { value: 'loadBalancer', when: { 'discovery.gateway': ['envoy', 'none'] }, because: 'the chosen gateway implements no Gateway API, so an HTTPRoute would have no Gateway' },
      ],
    },
    gateway: { message: 'Gateway the HTTPRoute attaches to (namespace/name)?', when: { install: 'helm', expose: 'route' } },
    ingressClassName: { message: 'IngressClass (empty = cluster default)?', when: { install: 'helm', expose: 'ingress' } },
    tls: {
      message: 'Where does the TLS certificate come from?',
      choices: { 'cert-manager': 'a cert-manager Certificate', secret: 'a Secret / files you provide' },
      defaults: [{ value: 'secret', when: { install: 'vm' }, because: 'Harbor on a VM reads certificate files, and cert-manager writes Kubernetes Secrets' }],
    },
    issuer: { message: 'cert-manager ClusterIssuer name?', when: { tls: 'cert-manager' } },
    database: { message: 'Which PostgreSQL does Harbor use?', choices: { internal: 'the bundled one', external: 'an external PostgreSQL' } },
    databaseHost: { message: 'External PostgreSQL host?', when: { database: 'external' } },
    storageClass: { message: 'StorageClass for Harbor volumes (empty = default)?', when: { install: 'helm' } },
    registrySize: { message: 'Image storage size?', when: { install: 'helm' } },
    scanner: {
      message: 'Vulnerability scanner?',
      choices: { trivy: 'Trivy, built in (default since Harbor 2.0)', clair: 'legacy: external Clair adapter (Harbor dropped built-in Clair in 2.2)' },
    },
    clairAdapterUrl: { message: 'URL of your harbor-scanner-clair adapter?', when: { scanner: 'clair' } },
    scanSeverity: { message: 'Block images with vulnerabilities of which severity or worse (CI scan before push, and Harbor pulls)?' },
    immutableTags: { message: 'Which tags are immutable (release tags pattern)?' },
    retainLatest: { message: 'How many recent artifacts per repository does retention keep?' },
  },
  files,
  contribute,
});
