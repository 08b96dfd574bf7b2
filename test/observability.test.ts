// The observability category end to end: generated trees for several metrics/logging/tracing choices
// pass the output validators (helm, strict schemas incl. Prometheus Operator CRDs, Pod Security,
// promtool, amtool), the choices really change the output (CRI parser, release label, privileged
// agent namespace), archived tracing choices are refused with their explanation, and the node
// skeleton serves /metrics and exports a span to a local OTLP/HTTP receiver.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatReport, validateTrees } from './support/validators/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = process.env.CN_CLI ?? path.join(ROOT, 'dist', 'cli.js');

const ANSWERS = `project: { name: shop, namespace: shop }
services:
  - { name: api, language: node, port: 8080, protocol: http }
  - { name: ledger, language: go, port: 9000, protocol: grpc }
  - { name: orders, language: python, port: 8081, protocol: http }
`;

let work = '';
let answersFile = '';

function init(dir: string, sets: string[]): { status: number | null; out: string } {
  const args = [CLI, 'init', dir, '--yes', '--no-git', '--answers', answersFile, ...sets.flatMap((s) => ['--set', s])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000, env: { ...process.env, CI: '1' } });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

/** Top-level directives of a Fluentd config: `<head>body</name>`, nesting respected, comments dropped. */
function fluentdBlocks(text: string): { head: string; body: string }[] {
  const out: { head: string; body: string }[] = [];
  let depth = 0;
  let cur: { head: string; body: string[] } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s*#.*$/, '').trim();
    if (!line) continue;
    const open = /^<([^/][^>]*)>$/.exec(line);
    const close = /^<\/[^>]+>$/.test(line);
    if (open && depth++ === 0) cur = { head: open[1]!, body: [] };
    else if (close && --depth === 0) out.push({ head: cur!.head, body: cur!.body.join('\n') });
    else if (cur) cur.body.push(line);
  }
  return out;
}

const docs = async (file: string): Promise<Record<string, any>[]> =>
  parseAllDocuments(await readFile(file, 'utf8')).map((d) => d.toJS() as Record<string, any>).filter(Boolean);

const COMBOS: Record<string, string[]> = {
  'kps-fluentd-jaeger': [],
  'prometheus-fluentbit-none': ['observability.metrics=prometheus', 'observability.logging=fluent-bit', 'observability.tracing=none'],
  'none-none-jaeger': ['observability.metrics=none', 'observability.logging=none', 'observability.tracing=jaeger'],
  'crio-fluentbit-loki': ['containerization.runtime=cri-o', 'observability.logging=fluent-bit', 'observability.fluent-bit.output=loki'],
  'dockerengine-fluentd-s3': ['containerization.runtime=docker-engine', 'observability.fluentd.output=s3', 'observability.metrics=prometheus'],
};
const dirs: Record<string, string> = {};

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'cn-observability-'));
  answersFile = path.join(work, 'answers.yaml');
  await writeFile(answersFile, ANSWERS);
  for (const [name, sets] of Object.entries(COMBOS)) {
    dirs[name] = path.join(work, name);
    const r = init(dirs[name]!, sets);
    expect(r.status, r.out).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('observability trees', () => {
  test('every combination passes the output validators', async () => {
    const reports = await validateTrees(Object.values(dirs));
    for (const [name, dir] of Object.entries(dirs)) {
      const report = reports.get(dir)!;
      expect(report.failures, `${name}\n${formatReport(report)}`).toEqual([]);
    }
  }, 180_000);

  test('kube-prometheus-stack: ServiceMonitor and PrometheusRule carry the release label, gRPC metrics get a named port', async () => {
    const values = (await docs(path.join(dirs['kps-fluentd-jaeger']!, 'deploy/charts/ledger/values.yaml')))[0]!;
    expect(values.metrics.serviceMonitor.labels).toEqual({ release: 'kube-prometheus-stack' });
    expect(values.metrics.prometheusRule.labels).toEqual({ release: 'kube-prometheus-stack' });
    expect(values.metrics.port).toBe(9464);
    // Every skeleton serves the gRPC series on metrics.port, so the gRPC service is scraped too.
    expect(values.metrics.enabled).toBe(true);
    const api = (await docs(path.join(dirs['kps-fluentd-jaeger']!, 'deploy/charts/api/values.yaml')))[0]!;
    expect(api.metrics.port).toBe(0);
    expect(api.metrics.enabled).toBe(true);
    const sm = await readFile(path.join(dirs['kps-fluentd-jaeger']!, 'deploy/charts/ledger/templates/servicemonitor.yaml'), 'utf8');
    // The scraped port is the dedicated metrics Service's "metrics" port (or, under a Flagger Canary,
    // the port Flagger's Services name after the protocol); test/delivery.test.ts renders both.
    expect(sm).toMatch(/- port: \{\{ if and \$canary \(not \$m\.port\) \}\}\{\{ \.Values\.protocol \}\}\{\{ else \}\}metrics\{\{ end \}\}/);
    // The plain Prometheus variant has neither operator objects nor their values.
    const plain = (await docs(path.join(dirs['prometheus-fluentbit-none']!, 'deploy/charts/api/values.yaml')))[0]!;
    expect(plain.metrics.serviceMonitor).toBeUndefined();
    expect(plain.podAnnotations['prometheus.io/scrape']).toBe('true');
  });

  test('metrics address is contributed for progressive delivery', async () => {
    const { catalog } = await import('../src/catalog/registry.js');
    const kps = catalog.blocks.find((b) => b.category === 'observability' && b.id === 'kube-prometheus-stack')!;
    const { buildGraph } = await import('../src/graph/graph.js');
    const ctx = { config: {} as any, project: { namespace: 'shop', name: 'shop' } as any, services: [], graph: buildGraph([]), options: {}, has: () => true };
    expect(kps.contribute!(ctx).metrics?.prometheusAddress).toBe('http://prometheus-operated.monitoring.svc.cluster.local:9090');
  });

  test('log agents follow the node runtime (CRI vs Docker JSON) and run in a privileged namespace of their own', async () => {
    const crio = await readFile(path.join(dirs['crio-fluentbit-loki']!, 'deploy/observability/logging/fluent-bit.yaml'), 'utf8');
    expect(crio).toMatch(/multiline\.parser: cri/);
    expect(crio).toMatch(/- name: loki/);
    const containerd = await readFile(path.join(dirs['kps-fluentd-jaeger']!, 'deploy/observability/logging/fluent.conf'), 'utf8');
    expect(containerd).toMatch(/@type cri/);
    const docker = await readFile(path.join(dirs['dockerengine-fluentd-s3']!, 'deploy/observability/logging/fluent.conf'), 'utf8');
    expect(docker).not.toMatch(/@type cri/);
    expect(docker).toMatch(/@type s3/);
    const [ns] = await docs(path.join(dirs['kps-fluentd-jaeger']!, 'deploy/observability/logging/namespace.yaml'));
    expect(ns!.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    const [appNs] = await docs(path.join(dirs['kps-fluentd-jaeger']!, 'deploy/namespace.yaml'));
    expect(appNs!.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const readme = await readFile(path.join(dirs['kps-fluentd-jaeger']!, 'README.md'), 'utf8');
    expect(readme).toMatch(/Why the `logging` namespace is privileged/);
  });

  test('log agents reassemble lines the runtime split (CRI "P" parts; Docker JSON without newline)', async () => {
    // Fluentd: the concat filter comes first, and the records it flushes on timeout go through the
    // same label as the rest (the default @ERROR route would drop them).
    for (const [combo, cri] of [['kps-fluentd-jaeger', true], ['dockerengine-fluentd-s3', false]] as const) {
      const conf = await readFile(path.join(dirs[combo]!, 'deploy/observability/logging/fluent.conf'), 'utf8');
      const top = fluentdBlocks(conf);
      const filters = top.filter((b) => b.head.startsWith('filter'));
      expect(filters[0]!.body).toMatch(/@type concat/);
      expect(filters[0]!.body).toMatch(cri ? /use_partial_cri_logtag true\s+partial_cri_logtag_key logtag\s+partial_cri_stream_key stream/ : /key log\s+multiline_end_regexp \/\\n\$\//);
      expect(filters[0]!.body).toMatch(/separator ""/);
      const label = /timeout_label (@\w+)/.exec(filters[0]!.body)![1]!;
      expect(top.find((b) => b.head.startsWith('match kubernetes'))!.body).toMatch(new RegExp(`@type relabel\\s+@label ${label}`));
      const inner = fluentdBlocks(top.find((b) => b.head === `label ${label}`)!.body);
      expect(inner.map((b) => b.head)).toEqual(['filter kubernetes.**', 'filter kubernetes.**', 'match kubernetes.**']);
      expect(inner[0]!.body).toMatch(/@type kubernetes_metadata/);
    }
    // Fluent Bit: the tail input's built-in cri/docker multiline parsers join partial lines themselves.
    const fb = parseAllDocuments(await readFile(path.join(dirs['crio-fluentbit-loki']!, 'deploy/observability/logging/fluent-bit.yaml'), 'utf8'))[0]!.toJS() as any;
    expect(fb.pipeline.inputs[0]['multiline.parser']).toBe('cri');
  });

  test('plain Prometheus sends its alerts to an Alertmanager it deploys', async () => {
    const dir = path.join(dirs['prometheus-fluentbit-none']!, 'deploy/observability/prometheus');
    const config = parseAllDocuments(await readFile(path.join(dir, 'prometheus.yml'), 'utf8'))[0]!.toJS() as any;
    expect(config.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['alertmanager.monitoring.svc:9093']);
    const manifests = await docs(path.join(dir, 'alertmanager-deployment.yaml'));
    const svc = manifests.find((o) => o.kind === 'Service')!;
    expect(`${svc.metadata.name}.${svc.metadata.namespace}.svc:${svc.spec.ports[0].port}`).toBe('alertmanager.monitoring.svc:9093');
    const kustomization = (await docs(path.join(dir, 'kustomization.yaml')))[0]!;
    expect(kustomization.resources).toContain('alertmanager-deployment.yaml');
    expect(kustomization.configMapGenerator.find((g: any) => g.name === 'alertmanager-config').files).toEqual(['alertmanager.yml']);
    const am = manifests.find((o) => o.kind === 'Deployment')!;
    expect(am.spec.template.spec.volumes.find((v: any) => v.name === 'config').configMap.name).toBe('alertmanager-config');
    // amtool accepts it (also run by the validators above and by `make validate`).
    const makefile = await readFile(path.join(dirs['prometheus-fluentbit-none']!, 'Makefile'), 'utf8');
    expect(makefile).toContain('amtool check-config deploy/observability/prometheus/alertmanager.yml');
  });

  test('tracing wires every service chart to the collector; without tracing no OTEL env', async () => {
    const api = (await docs(path.join(dirs['none-none-jaeger']!, 'deploy/charts/api/values.yaml')))[0]!;
    const env = Object.fromEntries((api.env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector.observability.svc.cluster.local:4318');
    expect(env.OTEL_SERVICE_NAME).toBe('api');
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toMatch(/k8s\.pod\.name=\$\(OTEL_K8S_POD_NAME\)/);
    // service.namespace follows the pod's part-of label (the chart's partOf value), defined before its use.
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toMatch(/^service\.namespace=\$\(OTEL_K8S_PART_OF\),/);
    const vars = api.env as { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
    const partOf = vars.findIndex((e) => e.name === 'OTEL_K8S_PART_OF');
    expect(vars[partOf]!.valueFrom!.fieldRef!.fieldPath).toBe("metadata.labels['app.kubernetes.io/part-of']");
    expect(partOf).toBeLessThan(vars.findIndex((e) => e.name === 'OTEL_RESOURCE_ATTRIBUTES'));
    expect(api.partOf).toBe('shop');
    const none = (await docs(path.join(dirs['prometheus-fluentbit-none']!, 'deploy/charts/api/values.yaml')))[0]!;
    expect((none.env as { name: string }[]).some((e) => e.name.startsWith('OTEL_'))).toBe(false);
  });

  test.each([
    ['jaeger-v1', /end of life on 2025-12-31/],
    ['opentracing', /archived OpenTracing/],
  ])('tracing=%s is refused with the reason and the successor', (choice, reason) => {
    const r = init(path.join(work, `refused-${choice}`), [`observability.tracing=${choice}`]);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(reason);
    expect(r.out).toMatch(/jaeger/);
  });
});

describe('node skeleton instrumentation', () => {
  test('serves /metrics with request series and exports a span over OTLP/HTTP', async () => {
    const svc = path.join(dirs['kps-fluentd-jaeger']!, 'services/api');
    for (const [cmd, args] of [
      ['npm', ['ci', '--no-audit', '--no-fund']],
      ['npm', ['run', 'build']],
    ] as const) {
      const r = spawnSync(cmd, args, { cwd: svc, encoding: 'utf8', timeout: 45_000 });
      expect(r.status, `${cmd} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    }

    // OTLP/HTTP receiver stub: records every POST /v1/traces body.
    const bodies: string[] = [];
    const stub = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/v1/traces') bodies.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
    const otlp = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
    const appPort = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });

    const child = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: svc,
      env: { ...process.env, PORT: String(appPort), OTEL_EXPORTER_OTLP_ENDPOINT: otlp, OTEL_SERVICE_NAME: 'api-under-test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const base = `http://127.0.0.1:${appPort}`;
      const deadline = Date.now() + 10_000;
      for (;;) {
        const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
        if (ok) break;
        if (Date.now() > deadline) throw new Error('service did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await fetch(`${base}/`)).status).toBe(200);
      expect((await fetch(`${base}/does-not-exist`)).status).toBe(404);

      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await metrics.text();
      expect(text).toMatch(/^http_requests_total\{method="GET",route="\/",status="200"\} 1$/m);
      expect(text).toMatch(/^http_requests_total\{method="GET",route="other",status="404"\} 1$/m);
      expect(text).toMatch(/^http_request_duration_seconds_bucket\{method="GET",route="\/",le="\+Inf"\} 1$/m);
      expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/"\} 1$/m);
      expect(text).toMatch(/^process_start_time_seconds \d+$/m);

      // The batch processor exports within ~1 s; SIGTERM flushes whatever is left.
      const spanDeadline = Date.now() + 10_000;
      while (!bodies.some((b) => b.includes('GET /')) && Date.now() < spanDeadline) await new Promise((r) => setTimeout(r, 100));
      const payload = JSON.parse(bodies.find((b) => b.includes('GET /'))!) as {
        resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: { name: string; kind: number }[] }[] }[];
      };
      const rs = payload.resourceSpans[0]!;
      expect(rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue).toBe('api-under-test');
      const names = rs.scopeSpans.flatMap((s) => s.spans.map((sp) => sp.name));
      expect(names).toContain('GET /');
      // Probes and scrapes are not traced.
      expect(names.some((n) => n.includes('/healthz') || n.includes('/metrics'))).toBe(false);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await new Promise<void>((r) => stub.close(() => r()));
    }
  }, 60_000);
});
