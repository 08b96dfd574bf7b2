// Any OCI registry the user already runs or rents (GHCR, ECR, GAR, Docker Hub, a plain distribution
// registry): only the image host (project.image.registry), the pull Secret wiring of every chart and the
// CI login. Whether it serves the OCI 1.1 referrers API decides how signatures are stored (CR-14, CR-20).
import { z } from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { SEVERITIES, loginStep, pipelineRegistry, pullSecretChart, pullSecretCommand, scanStep } from './shared.js';

export default defineBlock({
  id: 'external',
  category: 'registry',
  slot: 'provider',
  title: 'External OCI registry',
  summary: 'an existing OCI registry (GHCR, ECR, GAR, Docker Hub, distribution): project.image.registry + pull Secret wiring',
  status: 'stable',
  options: z
    .object({
      referrersApi: z
        .boolean()
        .default(false)
        .describe('The registry serves the OCI 1.1 referrers API (GHCR does not; Harbor ≥ 2.8, ECR, ACR, distribution 3 do)'),
      scanSeverity: z.enum(SEVERITIES).default('high').describe('The CI Trivy gate fails on vulnerabilities at this severity or worse; none = no gate'),
    })
    .strict(),
  questions: {
    referrersApi: { message: 'Does the registry serve the OCI 1.1 referrers API (signatures as referrers)?' },
    scanSeverity: { message: 'Fail the CI scan on vulnerabilities of which severity or worse?' },
  },
  contribute: (ctx) => {
    const host = ctx.project.image.registry;
    return {
      readme: [
        {
          title: `Registry: ${host}`,
          order: 32,
          body: [
            `Images are pushed to \`${host}/${ctx.project.image.repository}/<service>\`. Create a push credential scoped to these ` +
              'repositories only and store it as the CI secrets `REGISTRY_USERNAME` / `REGISTRY_PASSWORD`; create a separate ' +
              'read-only credential for the cluster:',
            '',
            '```sh',
            pullSecretCommand(ctx, '<read-only user>'),
            '```',
            '',
            ctx.options.referrersApi
              ? 'The registry serves the OCI 1.1 referrers API: signatures and attestations are stored as referrers of the image.'
              : 'The registry is treated as lacking the OCI 1.1 referrers API: signatures use the tag-based layout (see Signing).',
          ].join('\n'),
        },
      ],
      notes: [`Registry: create the pull Secret registry-pull in namespace ${ctx.project.namespace} (README.md, "Registry: ${host}").`],
      diagram: { nodes: [{ id: 'registry', label: `Registry ${host}`, group: 'registry' }] },
      chart: pullSecretChart,
      pipeline: { registry: pipelineRegistry(ctx), steps: [loginStep(ctx), ...scanStep(ctx.options.scanSeverity)] },
    };
  },
});
