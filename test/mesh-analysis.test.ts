// The canary checks on the mesh's own request metrics, evaluated by the real Prometheus engine (Debian's
// promtool, `promtool test rules`) on series shaped like each mesh exports them: they measure the canary
// alone (not the primary/stable pods, not plaintext probes or scrapes), return nothing below the minimum
// traffic (a failed/inconclusive check, never a pass), return 0 (not nothing) when the canary only fails,
// and convert the latency to seconds.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { meshQueries } from '../src/blocks/discovery/mesh-delivery.js';
import type { MeshKind } from '../src/blocks/discovery/traffic.js';

const MIN = 10;
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cn-mesh-promql-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Controller = 'flagger' | 'argo-rollouts';
/** Labels that put a series on the canary's pods, or on the primary/stable ones. */
function who(mesh: MeshKind, controller: Controller, canary: boolean): Record<string, string> {
  if (controller === 'argo-rollouts') return { namespace: 'shop', rollouts_pod_template_hash: canary ? 'abc' : 'def' };
  return mesh === 'linkerd' ? { namespace: 'shop', deployment: canary ? 'pay' : 'pay-primary' } : { destination_workload_namespace: 'shop', destination_workload: canary ? 'pay' : 'pay-primary' };
}
const labels = (l: Record<string, string>) => `{${Object.entries(l).map(([k, v]) => `${k}="${v}"`).join(', ')}}`;

/** Request counters (per minute) of one kind of traffic, in the mesh's own metric and labels. */
function requests(mesh: MeshKind, base: Record<string, string>, ok: boolean, perMinute: number, meshed = true): Series {
  const l =
    mesh === 'linkerd'
      ? { ...base, direction: 'inbound', tls: meshed ? 'true' : 'no_identity', classification: ok ? 'success' : 'failure' }
      : { ...base, reporter: mesh === 'istio-ambient' ? 'waypoint' : 'destination', connection_security_policy: meshed ? 'mutual_tls' : 'none', response_code: ok ? '200' : '503' };
  const metric = mesh === 'linkerd' ? 'response_total' : 'istio_requests_total';
  const bucket = mesh === 'linkerd' ? 'response_latency_ms_bucket' : 'istio_request_duration_milliseconds_bucket';
  const counter = (n: number) => `0+${n}x20`;
  const out = [{ series: `${metric}${labels(l)}`, values: counter(perMinute) }];
  // Every request takes between 10 and 100 ms: p99 interpolates to 99.1 ms.
  const { classification: _c, response_code: _r, ...h } = l as Record<string, string>;
  if (ok) for (const [le, n] of [['10', 0], ['100', perMinute], ['+Inf', perMinute]] as const) out.push({ series: `${bucket}${labels({ ...h, le })}`, values: counter(n) });
  return out;
}

function substitute(q: string, controller: Controller): string {
  return controller === 'flagger'
    ? q.replaceAll('{{ namespace }}', 'shop').replaceAll('{{ target }}', 'pay').replaceAll('{{ interval }}', '2m')
    : q.replaceAll('{{args.mesh-pod-template-hash}}', 'abc');
}

type Series = { series: string; values: string }[];
type Expectation = { expr: string; exp: number | null };

/** Runs `promtool test rules` on the series, expecting each expression's value at 10m (null: no result). */
async function run(name: string, series: Series, exprs: Expectation[]) {
  const file = join(dir, `${name}.json`);
  const body = {
    rule_files: [],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series: series,
        promql_expr_test: exprs.map((e) => ({ expr: e.expr, eval_time: '10m', exp_samples: e.exp === null ? [] : [{ labels: '{}', value: e.exp }] })),
      },
    ],
  };
  await writeFile(file, JSON.stringify(body));
  const r = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const CASES: [MeshKind, Controller][] = [
  ['linkerd', 'flagger'],
  ['linkerd', 'argo-rollouts'],
  ['istio-sidecar', 'flagger'],
  ['istio-sidecar', 'argo-rollouts'],
  ['istio-ambient', 'flagger'],
];

describe('mesh canary checks (promtool on synthetic mesh metrics)', () => {
  test.each(CASES)('%s / %s', async (mesh, controller) => {
    const q = meshQueries(mesh, controller, 'shop', 'http', MIN);
    const success = substitute(q.successRate, controller);
    const latency = substitute(q.latencyP99, controller);
    const canary = who(mesh, controller, true);
    const stable = who(mesh, controller, false);
    // The canary: 9 good and 1 failing request a minute (90 %); the stable pods fail massively; plaintext
    // probes/scrapes of the canary fail too. Only the canary's mTLS traffic may count.
    const noisy = [...requests(mesh, stable, false, 100), ...requests(mesh, canary, false, 50, false)];
    const healthy = await run(`${mesh}-${controller}-ok`, [...requests(mesh, canary, true, 9), ...requests(mesh, canary, false, 1), ...noisy], [
      { expr: success, exp: 0.9 },
      { expr: latency, exp: 0.0991 },
    ]);
    expect(healthy.status, healthy.out).toBe(0);
    // Too little traffic (4 requests in the 2m window): no result, never a pass.
    const quiet = await run(`${mesh}-${controller}-quiet`, [...requests(mesh, canary, true, 2), ...noisy], [
      { expr: success, exp: null },
      { expr: latency, exp: null },
    ]);
    expect(quiet.status, quiet.out).toBe(0);
    // Only failures: 0, not an empty result.
    const failing = await run(`${mesh}-${controller}-failing`, [...requests(mesh, canary, false, 10), ...noisy], [{ expr: success, exp: 0 }]);
    expect(failing.status, failing.out).toBe(0);
  });

  test('Istio gRPC: a non-OK grpc-status in an HTTP 200 response counts as a failure', async () => {
    const q = meshQueries('istio-sidecar', 'flagger', 'shop', 'grpc', MIN);
    const base = { ...who('istio-sidecar', 'flagger', true), reporter: 'destination', connection_security_policy: 'mutual_tls', response_code: '200' };
    const series: Series = [
      { series: `istio_requests_total${labels({ ...base, grpc_response_status: '0' })}`, values: '0+8x20' },
      { series: `istio_requests_total${labels({ ...base, grpc_response_status: '14' })}`, values: '0+2x20' },
    ];
    const r = await run('grpc', series, [{ expr: substitute(q.successRate, 'flagger'), exp: 0.8 }]);
    expect(r.status, r.out).toBe(0);
  });

  test('a broken selector is caught (the harness can fail)', async () => {
    const q = meshQueries('linkerd', 'flagger', 'shop', 'http', MIN);
    const wrong = substitute(q.successRate, 'flagger').replaceAll('deployment="pay"', 'deployment=~"pay.*"');
    const canary = who('linkerd', 'flagger', true);
    const r = await run('broken', [...requests('linkerd', canary, true, 9), ...requests('linkerd', canary, false, 1), ...requests('linkerd', who('linkerd', 'flagger', false), false, 100)], [{ expr: wrong, exp: 0.9 }]);
    expect(r.status).not.toBe(0);
  });
});
