// Facts about the signing choice that several places need (the cosign block, the admission blocks and the
// rules table): whether the chosen registry serves the OCI 1.1 referrers API, and which signature format
// cosign therefore writes. Pure functions of the (possibly partial) answers.
// Facts: domain.md §2.5 (Harbor serves referrers since 2.8.0), §3.3 (cosign v3 defaults), §3.4, CR-14/CR-19/CR-20.

type Answers = Record<string, any>;
const at = (c: Answers, path: string): unknown => path.split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), c);

/**
 * True when the registry serves the OCI 1.1 referrers API: Harbor ≥ 2.8.0 always (both lines we generate),
 * an external registry only when the user says so (GHCR does not, domain.md §3.4 / kyverno#16664).
 */
export function registryServesReferrers(c: Answers): boolean {
  const provider = at(c, 'registry.provider');
  if (provider === 'harbor') return true;
  if (provider === 'external') return at(c, 'registry.external.referrersApi') === true;
  return false;
}

/**
 * The signature format cosign writes. `v3` = cosign 3 defaults (Sigstore bundle stored as an OCI 1.1
 * referrer); `v2` = `--new-bundle-format=false --use-signing-config=false` (the `sha256-<digest>.sig` tag).
 * `auto` picks v3 when the registry serves the referrers API, else v2 (CR-14).
 */
export function cosignFormat(c: Answers): 'v3' | 'v2' {
  const f = at(c, 'distribution.cosign.format') ?? 'auto';
  if (f === 'v3' || f === 'v2') return f;
  return registryServesReferrers(c) ? 'v3' : 'v2';
}

/** cosign flags that force the v2 signature layout (domain.md §3.3, freedomofpress/dangerzone#1282). */
export const COSIGN_V2_FLAGS = '--new-bundle-format=false --use-signing-config=false';

/**
 * OIDC issuers of the CI providers whose job tokens the public Sigstore accepts (domain.md §3.3): GitHub
 * Actions, and GitLab.com (self-managed GitLab needs its own Fulcio). Tekton has none out of the box.
 */
export const CI_OIDC_ISSUERS: Record<string, string> = {
  'github-actions': 'https://token.actions.githubusercontent.com',
  'gitlab-ci': 'https://gitlab.com',
};

/** The issuer keyless signatures are verified against: distribution.cosign.issuer, else the CI provider's. */
export function keylessIssuer(c: Answers): string | undefined {
  return (at(c, 'distribution.cosign.issuer') as string | undefined) ?? CI_OIDC_ISSUERS[String(at(c, 'cicd.provider'))];
}

/** Keyless identity placeholder: GitHub logins cannot contain '_', so it matches no workflow until it is set. */
export const UNSET_IDENTITY = '^https://github\\.com/CHANGE_ME/.+$';

/**
 * The placeholder identity per CI provider: the shape of that provider's keyless certificate identity, with a
 * part that no real identity can contain, so it matches no signer until distribution.cosign.identity is set.
 * GitLab's identity is the ci_config_ref_uri claim, `https://gitlab.com/<group>/<project>//.gitlab-ci.yml@<ref>`
 * (docs.gitlab.com/ee/ci/yaml/signing_examples.html); GitLab paths never contain '<' or '>'.
 */
export const UNSET_IDENTITIES: Record<string, string> = {
  'github-actions': UNSET_IDENTITY,
  'gitlab-ci': '^https://gitlab\\.com/<group>/<project>//\\.gitlab-ci\\.yml@refs/heads/main$',
};

/** The identity keyless signatures are verified against: distribution.cosign.identity, else the CI provider's placeholder. */
export function keylessIdentity(c: Answers): string {
  const given = at(c, 'distribution.cosign.identity') as string | undefined;
  // Answers files written before the per-provider placeholders hold the GitHub one: still a placeholder.
  if (given !== undefined && !Object.values(UNSET_IDENTITIES).includes(given)) return given;
  return UNSET_IDENTITIES[String(at(c, 'cicd.provider'))] ?? UNSET_IDENTITY;
}

/** True while the keyless identity is still a placeholder (verification then fails closed). */
export const identityUnset = (c: Answers): boolean => Object.values(UNSET_IDENTITIES).includes(keylessIdentity(c));

/** Namespace the admission controller runs in (Kyverno) and where it reads keys and pull credentials. */
export const KYVERNO_NAMESPACE = 'kyverno';
/** Secret (in the Kyverno namespace) holding `cosign.pub` for key-pair verification (cosign KMS.md `k8s://`). */
export const COSIGN_PUBLIC_KEY_SECRET = 'cosign-public-key';

/**
 * The Kyverno policy kind actually generated. `auto`: ImageValidatingPolicy (policies.kyverno.io/v1, the CEL
 * API) for cosign 3 keyless signatures; ClusterPolicy.verifyImages otherwise, whose verified forms cover the
 * rest: `type: Notary` with the CA from a ConfigMap (CR-24), `type: Cosign` for v2 `.sig` tags, and public
 * keys from a Secret (`k8s://`). An explicit ImageValidatingPolicy with those is refused by the rules table.
 */
export function kyvernoPolicyKind(c: Answers): 'ImageValidatingPolicy' | 'ClusterPolicy' {
  const chosen = at(c, 'distribution.kyverno.policyType') ?? 'auto';
  if (chosen === 'ImageValidatingPolicy' || chosen === 'ClusterPolicy') return chosen;
  const keylessV3 = at(c, 'distribution.signer') === 'cosign' && (at(c, 'distribution.cosign.mode') ?? 'keyless') === 'keyless' && cosignFormat(c) === 'v3';
  return keylessV3 ? 'ImageValidatingPolicy' : 'ClusterPolicy';
}

/** ConfigMap (Kyverno namespace) holding the Notation CA certificate under key ca.crt. */
export const NOTATION_CA_CONFIGMAP = 'notation-ca';
/** Public Sigstore transparency log (keyless verification). */
export const REKOR_URL = 'https://rekor.sigstore.dev';
