// What the two progressive-delivery controllers (argo-rollouts, flagger) share: the analysis options, the
// Prometheus address they query (the metrics block's contribution, or an existing Prometheus), and how
// their chart templates are placed into every service chart.
import { z } from 'zod';
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
};
export const analysisQuestions: Record<keyof typeof analysisOptions, Question | null> = {
  analysis: {
    message: 'Analyse every rollout with Prometheus metrics (automatic rollback on failure)?',
    defaults: [{ value: false, when: { 'observability.metrics': 'none', prometheusAddress: '' }, because: 'there is no Prometheus to query' }],
  },
  prometheusAddress: null,
  successRate: null,
  latencyP99Seconds: null,
};

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
