// Notation, the Notary Project signer (domain.md §3.2): CI signs by digest with a key held in a KMS through a
// notation plugin (the key never leaves the KMS); the trust policy (version "1.0") and trust store tell
// verifiers which CA and identities to accept. Harbor enforces it with enable_content_trust (CR-13).
import { z } from 'zod';
import { defineBlock } from '../../catalog/define.js';

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
  })
  .strict();

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
          '',
          // The SBOM is owned by the signer's attestation (distribution.cosign.sbom); the CI makes none of its own.
          'No SBOM is generated with Notation: the pipeline\'s SBOM is a signed cosign attestation (`distribution.signer: cosign`, `distribution.cosign.sbom`).',
        ].join('\n'),
      },
    ],
    pipeline: {
      steps: [
        {
          id: 'notation-sign',
          title: 'Sign the image by digest (notation)',
          phase: 'sign',
          run: [
            `if ! notation plugin ls | grep -q '^${ctx.options.plugin} '; then`,
            '  notation plugin install --url "${NOTATION_PLUGIN_URL}" --sha256sum "${NOTATION_PLUGIN_SHA256}"',
            'fi',
            `notation sign --plugin ${ctx.options.plugin} --id "\${NOTATION_KEY_ID}" "\${IMAGE}@\${DIGEST}"`,
          ].join('\n'),
          tools: ['notation'],
          secrets: [
            { name: 'NOTATION_KEY_ID', description: 'id of the signing key in the KMS' },
            { name: 'NOTATION_PLUGIN_URL', description: `download URL of the ${ctx.options.plugin} notation plugin release` },
            { name: 'NOTATION_PLUGIN_SHA256', description: 'SHA-256 of that plugin archive' },
          ],
        },
      ],
    },
    diagram: { nodes: [{ id: 'signer', label: 'Notation signature', group: 'registry' }], edges: [{ from: 'build', to: 'signer', label: 'sign by digest' }] },
  }),
});
