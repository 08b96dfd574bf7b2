// Registry and distribution (domain.md §2, §3, CR-10..CR-24). Slots answered later in the prompts are
// undefined here, so rules about a later answer only fire once it is known.
import { cosignFormat, identityUnset, keylessIssuer, registryServesReferrers } from '../../blocks/distribution/shared.js';
import { CLAIR_ADAPTER_DEFAULT } from '../../blocks/registry/shared.js';
import { pick, type PartialConfig, type Rule } from './define.js';

const isHarbor = (c: PartialConfig) => pick(c, 'registry.provider') === 'harbor';
/** A Harbor option with its default (a partial config during prompts may not have it yet). */
const harborOpt = (c: PartialConfig, key: string, dflt: string) => (pick(c, `registry.harbor.${key}`) as string | undefined) ?? dflt;
const hostOf = (url: string): string => {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
};

export const SUPPLY_CHAIN_RULES: Rule[] = [
  {
    id: 'CR-10',
    severity: 'error',
    paths: ['distribution.signer', 'registry.provider', 'registry.harbor.version'],
    when: (c) => pick(c, 'distribution.signer') === 'notary-v1' && !(isHarbor(c) && harborOpt(c, 'version', 'v2.15') === 'v2.8'),
    message:
      'Notary v1 (Docker Content Trust) needs a notary server: Harbor removed its Notary in 2.9.0 (goharbor/harbor#18509; chart ≥ 1.13 has no notary.* values) ' +
      'and the upstream project was archived on 2025-07-31',
    fix: '--set distribution.signer=notation (the successor); only to keep existing DCT signatures during a migration: --set registry.provider=harbor --set registry.harbor.version=v2.8',
  },
  {
    id: 'CN-REG-01',
    severity: 'error',
    paths: ['registry.harbor.version', 'distribution.signer'],
    when: (c) => isHarbor(c) && harborOpt(c, 'version', 'v2.15') === 'v2.8' && pick(c, 'distribution.signer') !== undefined && pick(c, 'distribution.signer') !== 'notary-v1',
    message: 'Harbor 2.8 is end of life and only generated to keep Notary v1 (Docker Content Trust) working during a migration',
    fix: '--set registry.harbor.version=v2.15',
  },
  {
    id: 'CN-REG-02',
    severity: 'error',
    paths: ['registry.harbor.expose', 'registry.harbor.version'],
    when: (c) => isHarbor(c) && harborOpt(c, 'install', 'helm') === 'helm' && harborOpt(c, 'expose', 'route') === 'route' && harborOpt(c, 'version', 'v2.15') === 'v2.8',
    message: 'the Harbor v2.8 chart (1.12.6) has no Gateway API route expose type (added in later charts: templates/gateway-apis/route.yaml)',
    fix: '--set registry.harbor.expose=ingress (or loadBalancer)',
  },
  {
    id: 'CN-REG-03',
    severity: 'error',
    paths: ['registry.harbor.tls', 'registry.harbor.install'],
    when: (c) => isHarbor(c) && harborOpt(c, 'install', 'helm') === 'vm' && harborOpt(c, 'tls', 'cert-manager') === 'cert-manager',
    message: 'cert-manager issues certificates into Kubernetes Secrets; Harbor on a VM reads certificate files (harbor.yml https.certificate)',
    fix: '--set registry.harbor.tls=secret (certificate files on the VM)',
  },
  {
    id: 'CR-12',
    severity: 'warning',
    paths: ['registry.harbor.scanner'],
    when: (c) => isHarbor(c) && harborOpt(c, 'scanner', 'trivy') === 'clair',
    message:
      'Harbor dropped its built-in Clair in 2.2 (install.sh --with-clair aborts): Clair is registered as an external harbor-scanner-clair adapter you run yourself, ' +
      'and that adapter only speaks the Clair v2 API (goharbor/harbor-scanner-clair#24) while Clair is at v4',
    fix: '--set registry.harbor.scanner=trivy (Harbor\'s default scanner since 2.0)',
  },
  {
    id: 'CN-REG-04',
    severity: 'error',
    paths: ['registry.harbor.clairAdapterUrl', 'registry.harbor.install'],
    // The offline installer runs Harbor with docker compose on the VM: its core resolves names through the VM's
    // DNS, where a Kubernetes Service name (the default adapter URL) does not exist.
    when: (c) =>
      isHarbor(c) &&
      harborOpt(c, 'install', 'helm') === 'vm' &&
      harborOpt(c, 'scanner', 'trivy') === 'clair' &&
      /\.svc(\.cluster\.local)?\.?$/.test(hostOf(harborOpt(c, 'clairAdapterUrl', CLAIR_ADAPTER_DEFAULT))),
    message:
      'Harbor on a VM cannot resolve the Clair adapter URL: it names a Kubernetes Service (<name>.<namespace>.svc), which only resolves inside a cluster, ' +
      'so every scan would fail to reach the adapter',
    fix: '--set registry.harbor.clairAdapterUrl=http://<host the Harbor VM reaches>:8080 (or --set registry.harbor.scanner=trivy)',
  },
  {
    id: 'CR-15',
    severity: 'warning',
    paths: ['registry.harbor.expose'],
    when: (c) => isHarbor(c) && harborOpt(c, 'install', 'helm') === 'helm' && harborOpt(c, 'expose', 'route') === 'ingress',
    message:
      "the Harbor chart's default Ingress annotations are for ingress-nginx, which is retired; the generated values clear them: add your controller's " +
      'annotations for unlimited request bodies and set registry.harbor.ingressClassName',
    fix: '--set registry.harbor.expose=route (Gateway API)',
  },
  {
    id: 'CR-13',
    severity: 'info',
    paths: ['distribution.signer', 'registry.provider'],
    when: (c) => isHarbor(c) && ['cosign', 'notation', 'notary-v1'].includes(String(pick(c, 'distribution.signer'))),
    message:
      'Harbor content trust is matched to the signer: enable_content_trust_cosign for cosign, enable_content_trust for Notation (Notary v1 in Harbor 2.8); ' +
      'Harbor then refuses pulls of unsigned images from the project',
  },
  {
    id: 'CR-14',
    severity: 'error',
    paths: ['distribution.cosign.format', 'registry.provider', 'registry.external.referrersApi'],
    when: (c) => pick(c, 'distribution.signer') === 'cosign' && pick(c, 'distribution.cosign.format') === 'v3' && !registryServesReferrers(c),
    message:
      'cosign 3 stores signatures as OCI 1.1 referrers: the registry must serve the referrers API (Harbor ≥ 2.8; not GHCR), ' +
      'otherwise cosign must run with --new-bundle-format=false --use-signing-config=false',
    fix: '--set distribution.cosign.format=auto (v2 layout on this registry), or --set registry.external.referrersApi=true if it does serve the API',
  },
  {
    id: 'CR-14-N',
    severity: 'error',
    paths: ['distribution.signer', 'registry.external.referrersApi'],
    when: (c) => pick(c, 'distribution.signer') === 'notation' && pick(c, 'registry.provider') !== undefined && !registryServesReferrers(c),
    message: 'Notation signatures are OCI 1.1 referrers (artifactType application/vnd.cncf.notary.signature): the registry must serve the referrers API',
    fix: '--set registry.provider=harbor, or --set registry.external.referrersApi=true if your registry serves it, or --set distribution.signer=cosign',
  },
  {
    id: 'CR-20',
    severity: 'info',
    paths: ['distribution.admission', 'registry.external.referrersApi'],
    when: (c) => pick(c, 'distribution.admission') === 'kyverno' && pick(c, 'distribution.signer') === 'cosign' && !registryServesReferrers(c),
    message:
      'the registry lacks the OCI referrers API, so cosign signs with the v2 .sig tag layout and Kyverno verifies it with type Cosign ' +
      '(cosign 3 fallback tags are not discovered by Kyverno: kyverno#16664)',
  },
  {
    id: 'CR-21',
    severity: 'warning',
    paths: ['distribution.cosign.mode', 'distribution.admission'],
    when: (c) =>
      pick(c, 'distribution.admission') === 'kyverno' && pick(c, 'distribution.signer') === 'cosign' && pick(c, 'distribution.cosign.mode') === 'key' && cosignFormat(c) === 'v3',
    message: 'Kyverno 1.19.0 regressed key/KMS verification of cosign v0.3 bundles (kyverno#17363)',
    fix: '--set distribution.cosign.mode=keyless, or pin a Kyverno patch release with the fix',
  },
  {
    id: 'CR-23',
    severity: 'warning',
    paths: ['distribution.ratify.gatekeeper'],
    when: (c) => pick(c, 'distribution.admission') === 'ratify' && pick(c, 'distribution.ratify.gatekeeper') === 'existing',
    message:
      'Ratify v1 is an OPA Gatekeeper external-data provider: your Gatekeeper (≥ 3.12) must run in gatekeeper-system with enableExternalData=true ' +
      'and webhook timeouts of 5s (validating) / 2s (mutating)',
    fix: '--set distribution.ratify.gatekeeper=install',
  },
  {
    id: 'CN-DIST-01',
    severity: 'error',
    paths: ['distribution.admission', 'distribution.signer'],
    when: (c) => ['kyverno', 'ratify'].includes(String(pick(c, 'distribution.admission'))) && pick(c, 'distribution.signer') === 'none',
    message: 'signature verification at admission without a signer would reject every image',
    fix: '--set distribution.signer=cosign (or notation), or --set distribution.admission=none',
  },
  {
    id: 'CN-DIST-02',
    severity: 'error',
    paths: ['distribution.admission', 'distribution.signer'],
    when: (c) => ['kyverno', 'ratify'].includes(String(pick(c, 'distribution.admission'))) && pick(c, 'distribution.signer') === 'notary-v1',
    message:
      "neither Kyverno (its Notary type verifies Notation signatures) nor Ratify verifies Notary v1/TUF signatures; with Notary v1, Harbor's content trust is the only check",
    fix: '--set distribution.admission=none, or migrate: --set distribution.signer=notation',
  },
  {
    id: 'CN-DIST-03',
    severity: 'warning',
    paths: ['distribution.admission', 'distribution.cosign.format'],
    when: (c) => pick(c, 'distribution.admission') === 'ratify' && pick(c, 'distribution.signer') === 'cosign' && cosignFormat(c) === 'v3',
    message:
      "Ratify v1's cosign verifier reads cosign signature artifacts (application/vnd.dev.cosign.artifact.sig.v1+json, config/samples @v1.4.4); " +
      'verification of cosign 3 Sigstore bundles is not confirmed upstream',
    fix: '--set distribution.cosign.format=v2, or --set distribution.admission=kyverno',
  },
  {
    id: 'CN-DIST-04',
    severity: 'warning',
    paths: ['distribution.cosign.identity'],
    when: (c) =>
      pick(c, 'distribution.signer') === 'cosign' &&
      (pick(c, 'distribution.cosign.mode') ?? 'keyless') === 'keyless' &&
      identityUnset(c) &&
      ['kyverno', 'ratify'].includes(String(pick(c, 'distribution.admission'))),
    message: 'the admission policy trusts no keyless signer until distribution.cosign.identity names your release workflow: every image is rejected',
    fix:
      "--set 'distribution.cosign.identity=^https://github\\.com/<org>/<repo>/\\.github/workflows/.+@refs/heads/main$' " +
      "(GitLab.com: '^https://gitlab\\.com/<group>/<project>//\\.gitlab-ci\\.yml@refs/heads/main$')",
  },
  {
    id: 'CN-DIST-06',
    severity: 'error',
    paths: ['distribution.cosign.mode', 'cicd.provider'],
    // Keyless signing needs an OIDC token the public Sigstore accepts; the CI provider decides (domain.md §3.3).
    when: (c) =>
      pick(c, 'distribution.signer') === 'cosign' &&
      (pick(c, 'distribution.cosign.mode') ?? 'keyless') === 'keyless' &&
      pick(c, 'cicd.provider') !== undefined &&
      keylessIssuer(c) === undefined,
    message:
      'keyless cosign signs with the CI job\'s OIDC identity token, and this CI provider has none that the public Sigstore accepts (GitHub Actions and GitLab.com do; Tekton does not)',
    fix: '--set distribution.cosign.mode=key (a key pair in a CI secret), or --set distribution.cosign.issuer=<your OIDC issuer> with your own Fulcio',
  },
  {
    id: 'CR-29',
    severity: 'warning',
    paths: ['distribution.cosign.mode', 'cicd.provider'],
    when: (c) =>
      pick(c, 'distribution.signer') === 'cosign' &&
      (pick(c, 'distribution.cosign.mode') ?? 'keyless') === 'keyless' &&
      pick(c, 'cicd.provider') === 'gitlab-ci' &&
      pick(c, 'distribution.cosign.issuer') === undefined,
    message:
      'keyless signing in GitLab CI works with the public Sigstore on GitLab.com only; self-managed GitLab needs its own Fulcio/Rekor (the id_tokens block is in .gitlab-ci.yml)',
    fix: 'on self-managed GitLab: --set distribution.cosign.issuer=https://<your-gitlab> (with your own Sigstore), or --set distribution.cosign.mode=key',
  },
  {
    id: 'CN-DIST-05',
    severity: 'error',
    paths: ['distribution.kyverno.policyType', 'distribution.signer'],
    when: (c) =>
      pick(c, 'distribution.admission') === 'kyverno' &&
      pick(c, 'distribution.kyverno.policyType') === 'ImageValidatingPolicy' &&
      pick(c, 'distribution.signer') !== undefined &&
      !(pick(c, 'distribution.signer') === 'cosign' && (pick(c, 'distribution.cosign.mode') ?? 'keyless') === 'keyless' && cosignFormat(c) === 'v3'),
    message:
      'the generated ImageValidatingPolicy covers cosign 3 keyless signatures; Notation (CA from a ConfigMap), v2 .sig tags and public keys from a Secret ' +
      'are generated as ClusterPolicy.verifyImages (types Notary / Cosign, k8s:// keys)',
    fix: '--set distribution.kyverno.policyType=auto',
  },
];
