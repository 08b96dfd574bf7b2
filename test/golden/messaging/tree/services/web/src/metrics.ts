// Prometheus metrics in the text exposition format (version 0.0.4), with no dependency: a counter and
// a histogram with labels are all a service needs for the request rate, error ratio and latency that
// the generated alerts and dashboards query (deploy/charts/*/templates/prometheusrule.yaml).
// https://prometheus.io/docs/instrumenting/exposition_formats/

type Labels = Record<string, string>;

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labelKey = (names: readonly string[], labels: Labels): string => names.map((n) => labels[n] ?? '').join('\u0000');
const renderLabels = (pairs: [string, string][]): string =>
  pairs.length ? `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
const num = (v: number): string => (v === Infinity ? '+Inf' : String(v));

interface Metric {
  render(): string;
}

export class Counter implements Metric {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[] = [],
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(this.labelNames, labels);
    const cur = this.values.get(key) ?? { labels, value: 0 };
    cur.value += by;
    this.values.set(key, cur);
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values()) {
      lines.push(`${this.name}${renderLabels(this.labelNames.map((n) => [n, labels[n] ?? '']))} ${num(value)}`);
    }
    return lines.join('\n');
  }
}

export class Gauge implements Metric {
  private value = 0;
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  set(v: number): void {
    this.value = v;
  }
  render(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`, `${this.name} ${num(this.value)}`].join('\n');
  }
}

/** Default buckets of the Prometheus client libraries (seconds). */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Histogram implements Metric {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[] = [],
    readonly buckets: readonly number[] = DEFAULT_BUCKETS,
  ) {}

  observe(labels: Labels, value: number): void {
    const key = labelKey(this.labelNames, labels);
    const s = this.series.get(key) ?? { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
    this.buckets.forEach((b, i) => {
      if (value <= b) s.counts[i]! += 1;
    });
    s.sum += value;
    s.count += 1;
    this.series.set(key, s);
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const { labels, counts, sum, count } of this.series.values()) {
      const base: [string, string][] = this.labelNames.map((n) => [n, labels[n] ?? '']);
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket${renderLabels([...base, ['le', num(b)]])} ${counts[i]}`));
      lines.push(`${this.name}_bucket${renderLabels([...base, ['le', '+Inf']])} ${count}`);
      lines.push(`${this.name}_sum${renderLabels(base)} ${num(sum)}`);
      lines.push(`${this.name}_count${renderLabels(base)} ${count}`);
    }
    return lines.join('\n');
  }
}

export class Registry {
  private readonly metrics: Metric[] = [];
  register<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }
  /** The body of GET /metrics. */
  render(): string {
    return `${this.metrics.map((m) => m.render()).join('\n')}\n`;
  }
}

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** A registry with process_start_time_seconds, which the restart alert uses. */
export function createRegistry(): Registry {
  const registry = new Registry();
  registry.register(new Gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.')).set(
    Math.round((Date.now() - performance.now()) / 1000),
  );
  return registry;
}
