// What the two progressive-delivery controllers (argo-rollouts, flagger) share: the analysis options, the
// Prometheus address they query (the metrics block's contribution, or an existing Prometheus), and how
// their chart templates are placed into every service chart.
import * as z from 'zod';
import type { BlockContext, FileSpec, FilesContext, Question } from '../../catalog/define.js';
import { prometheusAddress, prometheusOperatorSelected, prometheusSelected } from '../observability/shared.js';

export const analysisOptions = {
  analysis: z.boolean().default(true).describe('Gate every rollout on Prometheus success rate and p99 latency; a failure rolls back automatically'),
  prometheusAddress: z
    .string()
    .regex(/^(https?:\/\/[^\s]+)?$/, { error: 'prometheusAddress must be an http(s) URL' })
    .default('')
    .describe('Prometheus to query; empty = the one the observability metrics choice deploys'),
  successRate: z.number().min(0).max(1).default(0.99).describe('Lowest acceptable share of successful requests (0..1)'),
  latencyP99Seconds: z.number().positive().default(0.5).describe('Highest acceptable p99 latency in seconds'),
  minRequests: z
    .number()
    .int()
    .min(1)
    .default(20)
    .describe('Fewest requests the new version must serve in an analysis window; with fewer the check is no evidence (inconclusive/failed, never passed)'),
};
export const analysisQuestions: Record<keyof typeof analysisOptions, Question | null> = {
  analysis: {
    message: 'Analyse every rollout with Prometheus metrics (automatic rollback on failure)?',
    defaults: [{ value: false, when: { 'observability.metrics': 'none', prometheusAddress: '' }, because: 'there is no Prometheus to query' }],
  },
  prometheusAddress: null,
  successRate: null,
  latencyP99Seconds: null,
  minRequests: null,
};

/**
 * Load generator both controllers use when the new version gets no user traffic before promotion
 * (blue-green): Flagger's load tester image, which carries hey (HTTP) and ghz (gRPC). Version of the
 * loadtester chart at Flagger v1.44.0 (charts/loadtester/values.yaml image.tag); the image runs as
 * uid 100 / gid 101 (same file, securityContext.context: the user its Dockerfile.loadtester adds).
 */
export const LOADTESTER_IMAGE = { repository: 'ghcr.io/fluxcd/flagger-loadtester', tag: '0.38.0' } as const;
/** What the load generators call: GET / on HTTP services, the skeletons' example method on gRPC ones. */
export const LOAD_TARGET = { path: '/', grpcCall: 'greeter.v1.GreeterService/SayHello', grpcData: '{"name":"load-test"}' } as const;

/** Minutes of a Prometheus duration such as "2m" or "90s" (the only forms the blocks write). */
export function minutes(duration: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(duration);
  if (!m) throw new Error(`not a duration: ${duration}`);
  return Number(m[1]) * { s: 1 / 60, m: 1, h: 60 }[m[2] as 's' | 'm' | 'h'];
}

/**
 * The Prometheus the analysis queries: an explicit address wins, else the one the observability metrics
 * block deploys (its public API, observability/shared.ts; it also contributes contrib.metrics, which is only
 * merged after contributions are computed, too late for chart values). '' = none (rule CN-CD-01 rejects that).
 */
export function prometheusFor(ctx: Pick<BlockContext, 'has'> & { options: { prometheusAddress: string } }): string {
  if (ctx.options.prometheusAddress) return ctx.options.prometheusAddress;
  if (prometheusOperatorSelected(ctx)) return prometheusAddress('operator');
  if (prometheusSelected(ctx)) return prometheusAddress('plain');
  return '';
}

/** Copies the block's verbatim Helm templates into every service chart. */
export function chartTemplates(ctx: FilesContext<any>, block: string, names: string[]): FileSpec[] {
  return ctx.services.flatMap((s) => names.map((n) => ({ to: `deploy/charts/${s.name}/templates/${n}`, template: `cicd/${block}/chart/${n}` })));
}
