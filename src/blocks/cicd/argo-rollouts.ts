// Argo Rollouts (domain.md §4.5): every service chart renders a Rollout instead of its Deployment (canary
// steps with background analysis, or blue/green with a preview Service and pre-promotion analysis), an
// AnalysisTemplate on Prometheus success rate and p99 latency that aborts and rolls back by itself, and the
// HPA targets the Rollout (CR-39). Strategy is an option of this block: "rolling" is no controller at all.
// The analysis measures the latest ReplicaSet alone (podTemplateHashValue: Latest), counts no probe or
// scrape, needs minRequests requests per window (fewer = Inconclusive, never a pass), and blue-green gets
// a load Job before promotion (the preview has no users). Issue 14 defects 4 and 5.
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { LOAD_TARGET, LOADTESTER_IMAGE, analysisOptions, analysisQuestions, chartTemplates, minutes, prometheusFor } from './delivery.js';

const STRATEGY = { canary: 'canary', 'blue-green': 'blueGreen' } as const;
/** Argo Rollouts release whose install manifest the make target applies (domain.md §0 / §4.5: v1.9.1). */
export const ARGO_ROLLOUTS_VERSION = 'v1.9.1';
// Every release publishes install.yaml (docs/installation.md names .../releases/latest/download/install.yaml).
const ARGO_ROLLOUTS_INSTALL = `https://github.com/argoproj/argo-rollouts/releases/download/${ARGO_ROLLOUTS_VERSION}/install.yaml`;
const ANALYSIS = { interval: '1m', window: '2m', count: 5 } as const;
/** The load must cover every measurement: the first after one window, then count - 1 intervals, plus 30 s. */
const LOAD_SECONDS = Math.ceil((minutes(ANALYSIS.window) + (ANALYSIS.count - 1) * minutes(ANALYSIS.interval) + 0.5) * 60);

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
              interval: ANALYSIS.interval,
              window: ANALYSIS.window,
              count: ANALYSIS.count,
              failureLimit: 1,
              successRate: o.successRate,
              latencyP99Seconds: o.latencyP99Seconds,
              minRequests: o.minRequests,
              load: {
                enabled: o.strategy === 'blue-green',
                image: { ...LOADTESTER_IMAGE },
                duration: `${LOAD_SECONDS}s`,
                rps: 20,
                ...LOAD_TARGET,
              },
            },
          },
        },
        valuesSchema: { rollout: ROLLOUT_SCHEMA },
      }),
      make: [
        { name: 'rollout-status', help: 'Show the Argo Rollouts progress of every service', recipe: ctx.services.map((s) => `kubectl argo rollouts get rollout ${s.name} -n ${ns}`) },
        { name: 'rollout-promote', help: 'Promote the paused/preview version of SERVICE', recipe: [`kubectl argo rollouts promote $(SERVICE) -n ${ns}`] },
        { name: 'rollout-abort', help: 'Abort the rollout of SERVICE and return to stable', recipe: [`kubectl argo rollouts abort $(SERVICE) -n ${ns}`] },
        {
          name: 'rollouts-install',
          help: `Install the Argo Rollouts controller and CRDs ${ARGO_ROLLOUTS_VERSION} (cluster-wide, namespace argo-rollouts)`,
          recipe: [
            'kubectl create namespace argo-rollouts --dry-run=client -o yaml | kubectl apply -f -',
            `kubectl apply -n argo-rollouts -f ${ARGO_ROLLOUTS_INSTALL}`,
          ],
        },
      ],
      readme: [
        {
          title: 'Delivery gates (Argo Rollouts)',
          order: 46,
          body: [
            `\`make rollouts-install\` installs the controller and its CRDs, pinned to ${ARGO_ROLLOUTS_VERSION} (${ARGO_ROLLOUTS_INSTALL}),`,
            'before the first deploy. Each chart\'s AnalysisTemplate queries Prometheus every `rollout.analysis.interval` over',
            '`rollout.analysis.window`:',
            '',
            '- only the new version\'s pods (the Rollout passes its pod-template hash; the scrape configuration keeps',
            '  `rollouts_pod_template_hash` on every series), and only real traffic: probes, scrapes and the gRPC',
            '  health/reflection services are not counted;',
            `- fewer than \`rollout.analysis.minRequests\` (${o.minRequests}) requests in the window is no evidence: the measurement is`,
            '  *Inconclusive* and the rollout pauses until someone promotes or aborts it; it never passes;',
            '- a success rate below `successRate` or a p99 latency above `latencyP99Seconds` fails the measurement; more',
            '  failures than `failureLimit` abort the rollout and the stable version gets all traffic back.',
            ...(o.strategy === 'blue-green'
              ? ['', 'Blue-green: the preview gets no user traffic, so the pre-promotion analysis runs a load Job against the',
                  `\`<service>-preview\` Service (Flagger's load tester image ${LOADTESTER_IMAGE.repository}:${LOADTESTER_IMAGE.tag}: \`hey\` for HTTP,`,
                  '`ghz` for gRPC through server reflection) while it measures.']
              : []),
          ].join('\n'),
        },
      ],
      notes: [`Argo Rollouts: install the controller and its CRDs first: make rollouts-install (${ARGO_ROLLOUTS_VERSION}).`],
      prerequisites: [{ target: 'deploy', requires: [{ crd: 'rollouts.argoproj.io', hint: 'make rollouts-install (the Argo Rollouts controller and its CRDs)' }] }],
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
        interval: { type: 'string', pattern: '^[0-9]+(s|m|h)$', description: 'Time between two measurements' },
        window: { type: 'string', pattern: '^[0-9]+(s|m|h)$', description: 'PromQL range of every measurement; also the delay before the first' },
        count: { type: 'integer', minimum: 1 },
        failureLimit: { type: 'integer', minimum: 0 },
        successRate: { ...num, minimum: 0, maximum: 1 },
        latencyP99Seconds: { ...num, exclusiveMinimum: 0 },
        minRequests: { type: 'integer', minimum: 1, description: 'Fewer requests in a window = Inconclusive measurement' },
        load: {
          type: 'object',
          additionalProperties: false,
          description: 'Blue-green only: a load Job against the preview Service during the pre-promotion analysis',
          properties: {
            enabled: { type: 'boolean' },
            image: {
              type: 'object',
              additionalProperties: false,
              required: ['repository', 'tag'],
              properties: { repository: { type: 'string', minLength: 1 }, tag: { type: 'string', minLength: 1 } },
            },
            duration: { type: 'string', pattern: '^[0-9]+(s|m|h)$', description: 'How long the load runs: at least window + (count - 1) x interval' },
            rps: { type: 'integer', minimum: 2, description: 'Requests per second' },
            path: { type: 'string', pattern: '^/', description: 'HTTP path requested' },
            grpcCall: { type: 'string', minLength: 1, description: 'gRPC method called (package.Service/Method)' },
            grpcData: { type: 'string', description: 'JSON request message of the gRPC call' },
          },
        },
      },
    },
  },
};
