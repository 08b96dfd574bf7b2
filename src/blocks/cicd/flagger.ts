// Flagger (domain.md §4.6): a Canary per service that takes over its Deployment, with MetricTemplates on
// Prometheus success rate and p99 latency; failed checks route everything back to the primary. The Canary's
// provider must match the mesh/gateway (discovery/traffic.ts): with neither it is `kubernetes`, which supports
// blue/green only (rule CR-34 rejects a canary there). The mesh block adds the routing fields and the mesh's
// own request-metric checks (values trafficRoute, meshAnalysis).
import { z } from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { flaggerProvider, gatewayTrafficRoute, TRAFFIC_ROUTE_SCHEMA } from '../discovery/traffic.js';
import { analysisOptions, analysisQuestions, chartTemplates, prometheusFor } from './delivery.js';

export default defineBlock({
  id: 'flagger',
  category: 'cicd',
  slot: 'controller',
  title: 'Flagger',
  summary: 'Canary resource per service (provider matching the mesh), Prometheus metric checks, automatic rollback to the primary',
  status: 'stable',
  options: z
    .object({
      strategy: z.enum(['blue-green', 'canary']).default('blue-green').describe('blue-green (works without a mesh) or canary (needs a mesh/ingress provider)'),
      ...analysisOptions,
    })
    .strict(),
  questions: {
    strategy: {
      message: 'Which delivery strategy?',
      choices: { 'blue-green': 'iterations of checks on the new version, then switch (no mesh needed)', canary: 'traffic weights shifted by the mesh' },
    },
    ...analysisQuestions,
  },
  files: (ctx) => chartTemplates(ctx, 'flagger', ['canary.yaml', 'metrictemplates.yaml']),
  contribute: (ctx) => {
    const o = ctx.options;
    const address = prometheusFor(ctx);
    const ns = ctx.project.namespace;
    return {
      chart: (service) => ({
        extraValues: {
          ...gatewayTrafficRoute(ctx, service),
          canary: {
            enabled: true,
            provider: flaggerProvider(ctx, service),
            strategy: o.strategy === 'canary' ? 'canary' : 'blueGreen',
            progressDeadlineSeconds: 600,
            analysis: {
              interval: '1m',
              threshold: 5,
              iterations: 10,
              maxWeight: 50,
              stepWeight: 10,
              metricsEnabled: o.analysis && address !== '',
              prometheusAddress: address,
              successRate: o.successRate,
              latencyP99Seconds: o.latencyP99Seconds,
            },
          },
        },
        valuesSchema: { canary: CANARY_SCHEMA, ...TRAFFIC_ROUTE_SCHEMA },
      }),
      make: [{ name: 'canary-status', help: 'Show the Flagger canaries', recipe: [`kubectl -n ${ns} get canaries`] }],
      notes: [`Flagger: install it with meshProvider=${flaggerProvider(ctx)} and metricsServer pointing at Prometheus (domain.md §4.6).`],
      diagram: { nodes: [{ id: 'flagger', label: `Flagger (${o.strategy})`, group: 'platform' }], edges: [{ from: 'flagger', to: 'k8s', label: 'progressive rollout' }] },
    };
  },
});

const CANARY_SCHEMA = {
  type: 'object',
  description: 'Flagger Canary (added by the flagger block)',
  additionalProperties: false,
  required: ['enabled', 'provider', 'strategy'],
  properties: {
    enabled: { type: 'boolean' },
    provider: { type: 'string', minLength: 1, description: 'Flagger provider; must match the mesh/ingress (CR-34)' },
    strategy: { type: 'string', enum: ['canary', 'blueGreen'] },
    progressDeadlineSeconds: { type: 'integer', minimum: 1 },
    analysis: {
      type: 'object',
      additionalProperties: false,
      properties: {
        interval: { type: 'string', pattern: '^[0-9]+(s|m|h)$' },
        threshold: { type: 'integer', minimum: 1 },
        iterations: { type: 'integer', minimum: 1 },
        maxWeight: { type: 'integer', minimum: 1, maximum: 100 },
        stepWeight: { type: 'integer', minimum: 1, maximum: 100 },
        metricsEnabled: { type: 'boolean' },
        prometheusAddress: { type: 'string' },
        successRate: { type: 'number', minimum: 0, maximum: 1 },
        latencyP99Seconds: { type: 'number', exclusiveMinimum: 0 },
      },
    },
  },
};
