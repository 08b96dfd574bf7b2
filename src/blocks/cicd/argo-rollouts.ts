// Argo Rollouts (domain.md §4.5): every service chart renders a Rollout instead of its Deployment (canary
// steps with background analysis, or blue/green with a preview Service and pre-promotion analysis), an
// AnalysisTemplate on Prometheus success rate and p99 latency that aborts and rolls back by itself, and the
// HPA targets the Rollout (CR-39). Strategy is an option of this block: "rolling" is no controller at all.
import { z } from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { analysisOptions, analysisQuestions, chartTemplates, prometheusFor } from './delivery.js';

const STRATEGY = { canary: 'canary', 'blue-green': 'blueGreen' } as const;

export default defineBlock({
  id: 'argo-rollouts',
  category: 'cicd',
  slot: 'controller',
  title: 'Argo Rollouts',
  summary: 'Rollout instead of Deployment: canary steps or blue/green, Prometheus AnalysisTemplate with automatic abort and rollback',
  status: 'stable',
  options: z
    .object({
      strategy: z.enum(['canary', 'blue-green']).default('canary').describe('canary: shift traffic step by step; blue-green: full preview, then switch'),
      ...analysisOptions,
    })
    .strict(),
  questions: {
    strategy: {
      message: 'Which delivery strategy?',
      choices: { canary: '20% → 50% → 80% with pauses, analysed in the background', 'blue-green': 'new version behind a preview Service, promoted after analysis' },
    },
    ...analysisQuestions,
  },
  files: (ctx) => chartTemplates(ctx, 'argo-rollouts', ['rollout.yaml', 'analysistemplate.yaml', 'service-preview.yaml']),
  contribute: (ctx) => {
    const o = ctx.options;
    const address = prometheusFor(ctx);
    const ns = ctx.project.namespace;
    return {
      chart: () => ({
        extraValues: {
          rollout: {
            enabled: true,
            strategy: STRATEGY[o.strategy],
            revisionHistoryLimit: 3,
            canary: {
              maxSurge: '25%',
              maxUnavailable: 0,
              // pause {} would wait for a human; timed pauses let the analysis decide.
              steps: [{ setWeight: 20 }, { pause: { duration: '2m' } }, { setWeight: 50 }, { pause: { duration: '2m' } }, { setWeight: 80 }, { pause: { duration: '2m' } }],
            },
            blueGreen: { autoPromotionEnabled: o.analysis, scaleDownDelaySeconds: 30 },
            analysis: {
              enabled: o.analysis && address !== '',
              prometheusAddress: address,
              interval: '1m',
              count: 5,
              failureLimit: 1,
              successRate: o.successRate,
              latencyP99Seconds: o.latencyP99Seconds,
            },
          },
        },
        valuesSchema: { rollout: ROLLOUT_SCHEMA },
      }),
      make: [
        { name: 'rollout-status', help: 'Show the Argo Rollouts progress of every service', recipe: ctx.services.map((s) => `kubectl argo rollouts get rollout ${s.name} -n ${ns}`) },
        { name: 'rollout-promote', help: 'Promote the paused/preview version of SERVICE', recipe: [`kubectl argo rollouts promote $(SERVICE) -n ${ns}`] },
        { name: 'rollout-abort', help: 'Abort the rollout of SERVICE and return to stable', recipe: [`kubectl argo rollouts abort $(SERVICE) -n ${ns}`] },
      ],
      notes: ['Argo Rollouts: install the controller and its CRDs first (helm chart argo/argo-rollouts, domain.md §4.5).'],
      prerequisites: [{ target: 'deploy', requires: [{ crd: 'rollouts.argoproj.io', hint: 'install the Argo Rollouts controller and its CRDs (https://argo-rollouts.readthedocs.io/en/stable/installation/)' }] }],
      diagram: { nodes: [{ id: 'rollouts', label: `Argo Rollouts (${o.strategy})`, group: 'platform' }], edges: [{ from: 'rollouts', to: 'k8s', label: 'progressive rollout' }] },
    };
  },
});

const num = { type: 'number' };
const ROLLOUT_SCHEMA = {
  type: 'object',
  description: 'Argo Rollouts (added by the argo-rollouts block): the service runs as a Rollout instead of a Deployment',
  additionalProperties: false,
  required: ['enabled', 'strategy'],
  properties: {
    enabled: { type: 'boolean', description: 'Render a Rollout (and no Deployment)' },
    strategy: { type: 'string', enum: ['canary', 'blueGreen'] },
    revisionHistoryLimit: { type: 'integer', minimum: 0 },
    canary: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxSurge: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^[0-9]+%$' }] },
        maxUnavailable: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^[0-9]+%$' }] },
        steps: { type: 'array', items: { type: 'object' }, description: 'Rollout canary steps (setWeight, pause, analysis...)' },
      },
    },
    blueGreen: {
      type: 'object',
      additionalProperties: false,
      properties: { autoPromotionEnabled: { type: 'boolean' }, scaleDownDelaySeconds: { type: 'integer', minimum: 0 } },
    },
    analysis: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        prometheusAddress: { type: 'string' },
        interval: { type: 'string', pattern: '^[0-9]+(s|m|h)$' },
        count: { type: 'integer', minimum: 1 },
        failureLimit: { type: 'integer', minimum: 0 },
        successRate: { ...num, minimum: 0, maximum: 1 },
        latencyP99Seconds: { ...num, exclusiveMinimum: 0 },
      },
    },
  },
};
