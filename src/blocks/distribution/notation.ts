// Notation, the Notary Project signer (domain.md §3.2): CI signs by digest with a key held in a KMS through a
// notation plugin (the key never leaves the KMS); the trust policy (version "1.0") and trust store tell
// verifiers which CA and identities to accept. Harbor enforces it with enable_content_trust (CR-13). The SBOM
// (SPDX, made by the CI/CD block from the local image before the push) is attached with oras as an OCI 1.1
// referrer of the image and signed with notation like the image itself.
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { SBOM_FILE, type PipelineStep } from '../../catalog/contributions.js';

const Options = z
  .object({
    plugin: z
      .string()
      .regex(/^[a-z0-9][-a-z0-9.]*$/)
      .default('azure-kv')
      .describe('notation signing plugin for your KMS (e.g. azure-kv, com.amazonaws.signer.notation.plugin)'),
    trustedIdentity: z
      .string()
      .min(1)
      .default('*')
      .describe('trustedIdentities entry of the trust policy, e.g. "x509.subject: C=US, O=Acme, CN=release" ("*" = any certificate chaining to the CA)'),
    sbom: z
      .boolean()
      .default(true)
      .describe('Attach an SPDX SBOM (syft) to every image as a referrer (oras attach), signed with notation'),
  })
  .strict();

/** IANA media type of SPDX JSON, used as the SBOM referrer's artifact type. */
const SBOM_TYPE = 'application/spdx+json';

function steps(o: { plugin: string; sbom: boolean }): PipelineStep[] {
  const secrets = [
    { name: 'NOTATION_KEY_ID', description: 'id of the signing key in the KMS' },
    { name: 'NOTATION_PLUGIN_URL', description: `download URL of the ${o.plugin} notation plugin release` },
    { name: 'NOTATION_PLUGIN_SHA256', description: 'SHA-256 of that plugin archive' },
  ];
  const sign = (ref: string) => `notation sign --plugin ${o.plugin} --id "\${NOTATION_KEY_ID}" "\${IMAGE}@${ref}"`;
  const out: PipelineStep[] = [
    {
      id: 'notation-sign',
      title: 'Sign the image by digest (notation)',
      phase: 'sign',
      run: [
        `if ! notation plugin ls | grep -q '^${o.plugin} '; then`,
        '  notation plugin install --url "${NOTATION_PLUGIN_URL}" --sha256sum "${NOTATION_PLUGIN_SHA256}"',
        'fi',
        sign('${DIGEST}'),
      ].join('\n'),
      tools: ['notation'],
      secrets,
    },
  ];
  if (o.sbom) {
    out.push({
      id: 'notation-sbom',
      title: 'Attach the SBOM to the image and sign it (oras, notation)',
      phase: 'attest',
      // oras attach prints the pushed referrer's digest with this template (oras attach --help, v1.3).
      run: [
        `sbom_digest="$(oras attach --artifact-type ${SBOM_TYPE} --format go-template --template '{{.digest}}' "\${IMAGE}@\${DIGEST}" ${SBOM_FILE}:${SBOM_TYPE})"`,
        sign('${sbom_digest}'),
      ].join('\n'),
      tools: ['oras', 'notation'],
      secrets,
    });
  }
  return out;
}

export default defineBlock({
  id: 'notation',
  category: 'distribution',
  slot: 'signer',
  title: 'Notation (Notary Project)',
  summary: 'notation signs by digest with a KMS-held key (plugin); trust policy + trust store for verification',
  status: 'stable',
  options: Options,
  questions: {
    plugin: { message: 'Which notation plugin holds the signing key (KMS)?' },
    trustedIdentity: { message: 'Trusted signing identity (x509.subject: ...) or * for any certificate from your CA?' },
    sbom: { message: 'Attach a signed SBOM (syft, SPDX) to every image?' },
  },
  files: (ctx) => {
    const store = ctx.project.name;
    // domain.md §3.2: trustpolicy.oci.json, "version" must be "1.0"; one policy scoped to our repositories.
    const policy = {
      version: '1.0',
      trustPolicies: [
        {
          name: ctx.project.name,
          registryScopes: ctx.services.map((s) => s.image),
          signatureVerification: { level: 'strict' },
          trustStores: [`ca:${store}`],
          trustedIdentities: [ctx.options.trustedIdentity],
        },
      ],
    };
    return [{ to: 'deploy/signing/notation/trustpolicy.oci.json', content: JSON.stringify(policy, null, 2) + '\n' }];
  },
  contribute: (ctx) => ({
    readme: [
      {
        title: 'Signing: Notation',
        order: 34,
        body: [
          `CI signs every image **by digest** with \`notation sign --plugin ${ctx.options.plugin} --id "$NOTATION_KEY_ID"\`; the key stays in your KMS. ` +
            'CI variables: `NOTATION_KEY_ID` (key id in the KMS), `NOTATION_PLUGIN_URL` and `NOTATION_PLUGIN_SHA256` (plugin release archive and its checksum).',
          '',
          'Verify locally with the trust policy in `deploy/signing/notation/` and your CA certificate:',
          '',
          '```sh',
          'notation policy import deploy/signing/notation/trustpolicy.oci.json',
          `notation cert add --type ca --store ${ctx.project.name} ca.crt`,
          'notation verify <image>@<digest>',
          '```',
          ...(ctx.options.sbom
            ? [
                '',
                'CI also makes an SPDX SBOM of the image with syft (from the image it scanned, before the push), attaches it as an OCI 1.1 ' +
                  `referrer of the image (\`oras attach --artifact-type ${SBOM_TYPE}\`) and signs it with notation: ` +
                  `\`oras discover --artifact-type ${SBOM_TYPE} <image>@<digest>\` lists it.`,
              ]
            : []),
        ].join('\n'),
      },
    ],
    pipeline: { steps: steps(ctx.options), sbom: ctx.options.sbom },
    diagram: { nodes: [{ id: 'signer', label: 'Notation signature', group: 'registry' }], edges: [{ from: 'build', to: 'signer', label: 'sign by digest' }] },
  }),
});
