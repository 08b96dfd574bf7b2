// Any OCI registry the user already runs or rents (GHCR, ECR, GAR, Docker Hub, a plain distribution
// registry): only the image host (project.image.registry), the pull Secret wiring of every chart and the
// CI login. Whether it serves the OCI 1.1 referrers API decides how signatures are stored (CR-14, CR-20).
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { SEVERITIES, pipelineRegistry, pullSecretChart, pullSecretCommand, pullSecretPrerequisite } from './shared.js';

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
      scanSeverity: z
        .enum(SEVERITIES)
        .default('high')
        .describe('The CI scan before push fails on vulnerabilities (fixed or not) at this severity or worse, so such images never reach the registry; none = no gate'),
    })
    .strict(),
  questions: {
    referrersApi: { message: 'Does the registry serve the OCI 1.1 referrers API (signatures as referrers)?' },
    scanSeverity: { message: 'Keep images with vulnerabilities of which severity or worse out of the registry (CI scan before push)?' },
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
            '',
            ctx.options.scanSeverity === 'none'
              ? 'No vulnerability gate (`registry.external.scanSeverity: none`): images are pushed without a scan.'
              : `The CI scans every image with Trivy **before** pushing it and fails on \`${ctx.options.scanSeverity}\`-or-worse ` +
                'vulnerabilities (fixed or not; `registry.external.scanSeverity`), so such an image never reaches the registry.',
          ].join('\n'),
        },
      ],
      notes: [`Registry: create the pull Secret registry-pull in namespace ${ctx.project.namespace} (README.md, "Registry: ${host}").`],
      prerequisites: [pullSecretPrerequisite(ctx, `Registry: ${host}`)],
      diagram: { nodes: [{ id: 'registry', label: `Registry ${host}`, group: 'registry' }] },
      chart: pullSecretChart,
      // The one vulnerability threshold; the CI/CD block scans once, before the push (contributions.ts).
      pipeline: { registry: pipelineRegistry(ctx), scanSeverity: ctx.options.scanSeverity },
    };
  },
});
