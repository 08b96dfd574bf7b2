// The headless Service a chart renders beside its ClusterIP Service (templates/discovery/chart/
// headless-service.yaml, gated by `headlessService.enabled`): every pod's address under one DNS name, for
// clients that balance per request themselves (gRPC round_robin without a mesh, the Envoy front proxy's
// STRICT_DNS clusters). The coredns block adds the template and the values to every chart (enabled where
// a gRPC caller needs it); a block that needs it for other services contributes `enabled: true` (contributions
// merge in registry order, coredns first, so a later `true` wins).
import type { ChartContribution } from '../../catalog/contributions.js';
import type { BlockContext, FileSpec } from '../../catalog/define.js';
import type { ResolvedService } from '../../config/schema.js';

const SCHEMA = {
  headlessService: {
    type: 'object',
    description: 'A headless Service <name>-headless resolving to every ready pod (added by the discovery blocks)',
    additionalProperties: false,
    required: ['enabled'],
    properties: {
      enabled: { type: 'boolean' },
      primary: { type: 'boolean', description: 'Select the <name>-primary pods Flagger serves from' },
    },
  },
};

/** `headlessService` values for one service. */
export function headlessChart(ctx: Pick<BlockContext, 'has'>, enabled: boolean): ChartContribution {
  return {
    extraValues: { headlessService: { enabled, ...(ctx.has('cicd/flagger') ? { primary: true } : {}) } },
    valuesSchema: SCHEMA,
  };
}

export const headlessTemplate = (services: ResolvedService[]): FileSpec[] =>
  services.map((s) => ({ to: `deploy/charts/${s.name}/templates/headless-service.yaml`, template: 'discovery/chart/headless-service.yaml' }));
