// Sigstore cosign (domain.md §3.3): the pipeline signs every pushed image BY DIGEST, keyless (OIDC identity of
// the CI job; the job gets the token, no key to leak) or with a key pair held in CI secrets, and optionally
// attaches an SBOM as a signed attestation: the project's one SBOM, made by the CI/CD block with syft from the
// local image before the push (contrib.pipeline.sbom), so it exists iff `sbom` is on. The signature layout
// follows the registry: cosign 3 defaults (Sigstore bundle as an OCI 1.1 referrer) where the referrers API
// exists, else the v2 tag layout (CR-14). Verification at admission is the admission slot's job (kyverno, ratify).
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { regularExpression } from '../../config/regexp.js';
import { SBOM_FILE, type PipelineStep } from '../../catalog/contributions.js';
import { COSIGN_PUBLIC_KEY_SECRET, COSIGN_V2_FLAGS, KYVERNO_NAMESPACE, cosignFormat, identityUnset, keylessIdentity, keylessIssuer } from './shared.js';

const Options = z
  .object({
    mode: z.enum(['keyless', 'key']).default('keyless').describe('keyless: OIDC identity of the CI job (Fulcio + Rekor); key: a key pair in CI secrets'),
    format: z
      .enum(['auto', 'v3', 'v2'])
      .default('auto')
      .describe('auto: cosign 3 bundles as OCI referrers when the registry serves the referrers API, else the v2 .sig tag layout'),
    sbom: z
      .boolean()
      .default(true)
      .describe("Generate an SPDX SBOM with syft and attach it as a signed attestation (the pipeline's only SBOM)"),
    issuer: z
      .string()
      .url()
      .optional()
      .describe("OIDC issuer of the signing identity (keyless); default: the CI provider's (GitHub Actions or GitLab.com)"),
    identity: regularExpression('distribution.cosign.identity')
      .optional()
      .describe(
        'Regular expression the signing certificate identity must match (keyless), e.g. ^https://github\\.com/acme/shop/\\.github/workflows/.+@refs/heads/main$ ' +
          'or ^https://gitlab\\.com/acme/shop//\\.gitlab-ci\\.yml@refs/heads/main$; default: a placeholder in the CI provider\'s form that matches no signer',
      ),
  })
  .strict();

export default defineBlock({
  id: 'cosign',
  category: 'distribution',
  slot: 'signer',
  title: 'cosign (Sigstore)',
  summary: 'cosign signs every image by digest in CI (keyless OIDC or key pair), optional syft SBOM attestation',
  status: 'stable',
  options: Options,
  questions: {
    mode: {
      message: 'Does cosign sign keyless (the CI job identity) or with a key pair?',
      choices: { keyless: 'keyless: the CI job OIDC identity (no key to manage)', key: 'a cosign key pair stored in CI secrets' },
      defaults: [
        {
          value: 'key',
          when: {
            text: 'cicd.provider has no OIDC identity the public Sigstore accepts (tekton) and distribution.cosign.issuer=unset',
            test: (a) => keylessIssuer(a) === undefined,
          },
          because: 'keyless signing needs the CI job\'s OIDC token',
        },
      ],
    },
    format: {
      message: 'Signature layout?',
      choices: { auto: 'follow the registry (referrers API → cosign 3 bundles)', v3: 'always cosign 3 bundles (OCI referrers)', v2: 'always the v2 .sig tag layout' },
    },
    sbom: { message: 'Attach an SBOM (syft, SPDX) as a signed attestation?' },
    issuer: { message: 'OIDC issuer of the CI identity (keyless)?', when: { mode: 'keyless' } },
    identity: { message: 'Regular expression for the CI workflow identity allowed to sign (keyless)?', when: { mode: 'keyless' } },
  },
  contribute: (ctx) => {
    const c = ctx.config as Record<string, unknown>;
    const o = { ...ctx.options, issuer: keylessIssuer(c) ?? '', identity: keylessIdentity(c) };
    const keyless = o.mode === 'keyless';
    const format = cosignFormat(ctx.config as Record<string, unknown>);
    const flags = [keyless ? '' : '--key env://COSIGN_PRIVATE_KEY', format === 'v2' ? COSIGN_V2_FLAGS : ''].filter(Boolean).join(' ');
    const keySecrets = keyless
      ? []
      : [
          { name: 'COSIGN_PRIVATE_KEY', description: 'cosign private key (cosign generate-key-pair), PEM' },
          { name: 'COSIGN_PASSWORD', description: 'password of the cosign private key' },
        ];
    const sp = flags ? ` ${flags}` : '';
    const steps: PipelineStep[] = [
      {
        id: 'cosign-sign',
        title: 'Sign the image by digest (cosign)',
        phase: 'sign',
        // Never sign a tag: a tag can be moved to another image after signing (CR-31).
        run: `cosign sign --yes${sp} "\${IMAGE}@\${DIGEST}"`,
        tools: ['cosign'],
        secrets: keySecrets,
        oidc: keyless,
      },
    ];
    if (o.sbom) {
      steps.push({
        id: 'sbom-attest',
        title: 'Attach the SBOM as a signed attestation (cosign)',
        phase: 'attest',
        // The SBOM of the very image that was scanned and pushed, made before the push (contrib.pipeline.sbom).
        run: `cosign attest --yes${sp} --type spdxjson --predicate ${SBOM_FILE} "\${IMAGE}@\${DIGEST}"`,
        tools: ['cosign'],
        secrets: keySecrets,
        oidc: keyless,
      });
    }
    const verify = keyless
      ? `cosign verify --certificate-identity-regexp '${o.identity}' --certificate-oidc-issuer '${o.issuer}' <image>@<digest>`
      : 'cosign verify --key cosign.pub <image>@<digest>';
    return {
      readme: [
        {
          title: 'Signing: cosign',
          order: 34,
          body: [
            `CI signs every image **by digest** with cosign (${keyless ? `keyless: the job's OIDC identity from \`${o.issuer}\`, recorded in Rekor` : 'a key pair: CI secrets `COSIGN_PRIVATE_KEY` and `COSIGN_PASSWORD`'})` +
              (o.sbom ? ' and attaches an SPDX SBOM, made by syft from the image before the push, as a signed attestation.' : '.'),
            format === 'v3'
              ? 'Signatures are cosign 3 Sigstore bundles stored as OCI 1.1 referrers of the image.'
              : `The registry lacks the OCI 1.1 referrers API, so cosign runs with \`${COSIGN_V2_FLAGS}\` (the \`sha256-<digest>.sig\` tag layout).`,
            '',
            '```sh',
            verify,
            '```',
            keyless && identityUnset(c)
              ? '\n**Set `distribution.cosign.identity`** to the regular expression of your release workflow identity: until then the placeholder matches no signer, so verification fails closed.'
              : '',
            keyless ? '' : `\nFor admission checks, publish the public key: \`kubectl -n ${KYVERNO_NAMESPACE} create secret generic ${COSIGN_PUBLIC_KEY_SECRET} --from-file=cosign.pub\`.`,
          ]
            .filter((l) => l !== '')
            .join('\n'),
        },
      ],
      pipeline: { steps, sbom: o.sbom },
      diagram: { nodes: [{ id: 'signer', label: 'cosign signature', group: 'registry' }], edges: [{ from: 'build', to: 'signer', label: 'sign by digest' }] },
    };
  },
});
