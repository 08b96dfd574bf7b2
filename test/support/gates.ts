// Test helper: evaluate generated delivery gates the way their controllers do, against a real
// Prometheus HTTP API.
// - Argo Rollouts: the query's vector becomes `result` (a list of floats); successCondition and
//   failureCondition decide Successful / Failed / Inconclusive (argoproj/argo-rollouts
//   metricproviders/prometheus/prometheus.go processResponse, utils/evaluate/evaluate.go EvaluateResult).
// - Flagger: one sample, else "no values found" (also for NaN), which fails the check; then
//   thresholdRange (fluxcd/flagger pkg/metrics/providers/prometheus.go RunQuery,
//   pkg/controller/scheduler_metrics.go).

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

/** Instant query through /api/v1/query. */
export async function query(base: string, promql: string): Promise<Sample[]> {
  const res = await fetch(`${base}/api/v1/query?${new URLSearchParams({ query: promql })}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (body.status !== 'success') throw new Error(`query failed: ${body.error}\n${promql}`);
  if (body.data!.resultType !== 'vector') throw new Error(`expected a vector for ${promql}`);
  return body.data!.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

export type ArgoPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

/**
 * An Argo condition as JavaScript. Only the constructs the generated templates use are accepted
 * (len(result), result[i], numbers, comparisons, && and ||): anything else throws, so a template
 * change that this evaluator would misread fails loudly instead of passing.
 */
function condition(expr: string): (result: number[]) => boolean {
  const js = expr.replace(/len\(result\)/g, 'result.length');
  if (!/^(result\.length|result\[\d+\]|[\d.]+|\s|&&|\|\||[<>]=?|==|!=|\(|\))+$/.test(js)) throw new Error(`condition not modelled: ${expr}`);
  const fn = new Function('result', `return (${js});`) as (r: number[]) => boolean;
  return (result) => {
    const v = fn(result);
    // expr-lang fails on result[0] of an empty list; the guarded templates never get there.
    if (v === undefined) throw new Error(`condition ${expr} read past the result ${JSON.stringify(result)}`);
    return v;
  };
}

/** Argo Rollouts' verdict on one measurement of a Prometheus metric. */
export function argoPhase(metric: { successCondition?: string; failureCondition?: string }, samples: Sample[]): ArgoPhase {
  const result = samples.map((s) => s.value);
  let ok: boolean;
  let bad: boolean;
  try {
    ok = metric.successCondition ? condition(metric.successCondition)(result) : false;
    bad = metric.failureCondition ? condition(metric.failureCondition)(result) : false;
  } catch {
    return 'Error';
  }
  if (!metric.successCondition && !metric.failureCondition) return 'Successful';
  if (metric.successCondition && !metric.failureCondition) bad = !ok;
  if (!metric.successCondition && metric.failureCondition) ok = !bad;
  if (bad) return 'Failed';
  return ok ? 'Successful' : 'Inconclusive';
}

export type FlaggerCheck = 'pass' | 'fail' | 'no values';

/** Flagger's verdict on one check of a MetricTemplate-backed metric. */
export function flaggerCheck(metric: { thresholdRange?: { min?: number; max?: number } }, samples: Sample[]): FlaggerCheck {
  if (samples.length === 0 || Number.isNaN(samples[samples.length - 1]!.value)) return 'no values';
  const v = samples[samples.length - 1]!.value;
  const { min, max } = metric.thresholdRange ?? {};
  if (min !== undefined && v < min) return 'fail';
  if (max !== undefined && v > max) return 'fail';
  return 'pass';
}

/** Flagger's query variables ({{ namespace }}, {{ target }}, {{ interval }}...), as its RenderQuery fills them. */
export function flaggerRender(q: string, vars: Record<string, string>): string {
  const out = q.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, name: string) => {
    if (!(name in vars)) throw new Error(`unknown Flagger variable ${m}`);
    return vars[name]!;
  });
  if (out.includes('{{')) throw new Error(`unrendered template in ${out}`);
  return out;
}

/** Argo's {{args.NAME}} substitution. */
export function argoRender(q: string, args: Record<string, string>): string {
  const out = q.replace(/\{\{\s*args\.([\w-]+)\s*\}\}/g, (m, name: string) => {
    if (!(name in args)) throw new Error(`unknown Argo argument ${m}`);
    return args[name]!;
  });
  if (out.includes('{{')) throw new Error(`unrendered template in ${out}`);
  return out;
}
