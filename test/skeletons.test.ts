// End-to-end check of the service skeletons (templates/base/services/<language>/<protocol>):
// generate a project through the built CLI, then build and start every skeleton whose
// toolchain is on this machine, probe /healthz and /readyz, require /metrics to expose the
// series the generated alerts and dashboards query, send SIGTERM and require the graceful
// shutdown of issue 14 (readiness fails at once, requests are still answered during
// SHUTDOWN_DELAY_SECONDS, then the drain) and a clean exit.
// The node gRPC skeleton installs its dependencies from npm and is called with a real client;
// the other gRPC skeletons need the Go module proxy, PyPI or Maven Central, so they are only
// syntax-checked here (protoc, gofmt, py_compile).
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { freePort } from './support/services.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = process.env.CN_CLI ?? path.join(ROOT, 'dist', 'cli.js');

// The calls give every HTTP skeleton callees (east-west tests below read their env from compose.yaml).
const ANSWERS = `project: { name: demo, namespace: demo }
services:
  - { name: web, language: node, port: 8080, protocol: http, calls: [worker, { service: billing, timeout: 500ms }] }
  - { name: worker, language: python, port: 8081, protocol: http, calls: [web] }
  - { name: billing, language: go, port: 9000, protocol: grpc }
  - { name: ledger, language: java, port: 8082, protocol: http, calls: [worker] }
  - { name: gateway, language: go, port: 8083, protocol: http, calls: [ledger] }
  - { name: notes, language: node, port: 9001, protocol: grpc }
  - { name: search, language: python, port: 9002, protocol: grpc }
`;

/** True when `cmd` runs (used to skip toolchains that are not installed). */
function has(cmd: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
  return r.error === undefined && r.status === 0;
}
const HAS = {
  python: has('python3'),
  java: has('javac', ['-version']) && has('java', ['-version']),
  go: has('go', ['version']),
  protoc: has('protoc'),
};

function run(cmd: string, args: string[], cwd: string, timeoutMs = 60_000): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, CI: '1' } });
  if (r.error !== undefined || r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}


async function getStatus(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return undefined; // not listening yet
  }
}

interface ProbeResult {
  healthz: number | undefined;
  readyz: number | undefined;
  root: unknown;
  /** Content-Type and body of GET /metrics, fetched after GET / and GET /does-not-exist. */
  metricsType: string | null;
  metrics: string;
  /** After SIGTERM, within the shutdown delay: /readyz and GET / (the server must still answer). */
  afterTerm: { readyz: number | undefined; root: number | undefined };
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  logLines: Record<string, unknown>[];
}

/** The skeletons' shutdown delay in these tests (default 5 s): long enough to probe inside it. */
const SHUTDOWN_DELAY_SECONDS = 2;

/**
 * Starts a service with PORT set, waits for /healthz, records /readyz and GET /, then sends
 * SIGTERM, probes /readyz and GET / inside the shutdown delay, and waits for the process to
 * exit (shutdownMs covers the delay and the drain deadline).
 */
async function startAndProbe(cmd: string, args: string[], cwd: string, shutdownMs = 15_000): Promise<ProbeResult> {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), SHUTDOWN_DELAY_SECONDS: String(SHUTDOWN_DELAY_SECONDS) };
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    let healthz: number | undefined;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && child.exitCode === null) {
      healthz = await getStatus(`${base}/healthz`);
      if (healthz !== undefined) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (healthz === undefined) throw new Error(`${cmd} never answered on ${base}:\n${stdout}\n${stderr}`);
    const readyz = await getStatus(`${base}/readyz`);
    const root: unknown = await (await fetch(`${base}/`)).json();
    await (await fetch(`${base}/does-not-exist`)).arrayBuffer();
    const scrape = await fetch(`${base}/metrics`);
    const metrics = await scrape.text();
    child.kill('SIGTERM');
    const termAt = Date.now();
    // Readiness flips within moments of the signal...
    let readyAfter: number | undefined;
    while (Date.now() - termAt < 1_000 && (readyAfter = await getStatus(`${base}/readyz`)) === 200) await new Promise((r) => setTimeout(r, 20));
    // ...while requests are still answered (new connections accepted) until the delay is over.
    const rootAfter = await getStatus(`${base}/`);
    if (Date.now() - termAt > SHUTDOWN_DELAY_SECONDS * 1000) throw new Error(`probing after SIGTERM took longer than the shutdown delay`);
    const timer = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${cmd} did not exit within ${shutdownMs} ms of SIGTERM:\n${stdout}\n${stderr}`)), shutdownMs).unref(),
    );
    const { code, signal } = await Promise.race([exited, timer]);
    const logLines = stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    return {
      healthz,
      readyz,
      root,
      metricsType: scrape.headers.get('content-type'),
      metrics,
      afterTerm: { readyz: readyAfter, root: rootAfter },
      exitCode: code,
      signal,
      logLines,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function expectCleanRun(r: ProbeResult, service: string): void {
  expect(r.healthz).toBe(200);
  expect(r.readyz).toBe(200);
  expect(r.root).toMatchObject({ service });
  expect({ exitCode: r.exitCode, signal: r.signal }).toEqual({ exitCode: 0, signal: null });
  // Structured logs: every stdout line is JSON with the common fields, and the shutdown is logged.
  for (const line of r.logLines) expect(line).toMatchObject({ level: expect.any(String), msg: expect.any(String), service });
  for (const line of r.logLines) expect(Number.isNaN(Date.parse(String(line['ts'])))).toBe(false);
  expect(r.logLines.map((l) => l['msg'])).toEqual(expect.arrayContaining(['listening', 'shutdown started', 'draining', 'shutdown complete']));
  // Graceful shutdown: after SIGTERM readiness fails but the server still answers, then drains.
  expect(r.afterTerm).toEqual({ readyz: 503, root: 200 });
  const msgs = r.logLines.map((l) => String(l['msg']));
  const [started, draining] = [msgs.indexOf('shutdown started'), msgs.indexOf('draining')];
  const gapMs = Date.parse(String(r.logLines[draining]!['ts'])) - Date.parse(String(r.logLines[started]!['ts']));
  expect(gapMs).toBeGreaterThanOrEqual(SHUTDOWN_DELAY_SECONDS * 1000 - 50);
  expectHttpMetrics(r);
}

/**
 * The series deploy/charts/<svc>/templates/prometheusrule.yaml and the dashboard query, with the
 * labels they group by, and process_start_time_seconds (restart rule of plain Prometheus). The
 * counts are exact: one GET / and one unknown path preceded the scrape.
 */
function expectHttpMetrics(r: ProbeResult): void {
  expect(r.metricsType).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(r.metrics).toMatch(/^# TYPE http_requests_total counter$/m);
  expect(r.metrics).toMatch(/^http_requests_total\{method="GET",route="\/",status="200"\} 1$/m);
  expect(r.metrics).toMatch(/^http_requests_total\{method="GET",route="other",status="404"\} 1$/m);
  expect(r.metrics).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
  // Same buckets in every language (the client libraries' defaults), cumulative up to +Inf. Only the
  // wide buckets have a certain count: a cold first request (JVM) may take longer than 5 ms.
  const les = [...r.metrics.matchAll(/^http_request_duration_seconds_bucket\{method="GET",route="\/",le="([^"]+)"\} (\d+)$/gm)];
  expect(les.map((m) => m[1])).toEqual(['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']);
  const counts = les.map((m) => Number(m[2]));
  expect(counts.every((c, i) => i === 0 || c >= counts[i - 1]!)).toBe(true);
  expect(counts.slice(-2)).toEqual([1, 1]);
  expect(r.metrics).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/"\} 1$/m);
  expect(r.metrics).toMatch(/^http_request_duration_seconds_sum\{method="GET",route="\/"\} [0-9.eE+-]+$/m);
  expect(r.metrics).toMatch(/^process_start_time_seconds \d+$/m);
}

type HealthCtor = new (
  address: string,
  credentials: unknown,
) => { check(req: { service: string }, cb: (err: Error | null, res: { status: string }) => void): void; close(): void };

/** The parts of @grpc/grpc-js the node gRPC test calls. */
interface GrpcJs {
  credentials: { createInsecure(): unknown };
  loadPackageDefinition(def: unknown): unknown;
}
type GreeterClientCtor = new (
  address: string,
  credentials: unknown,
) => {
  sayHello(
    req: { name: string },
    opts: { deadline: number; waitForReady: boolean },
    cb: (err: Error | null, res: { message: string }) => void,
  ): void;
  close(): void;
};

let dir = '';
const svc = (name: string): string => path.join(dir, 'services', name);

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  dir = await mkdtemp(path.join(os.tmpdir(), 'cn-skeletons-'));
  const answers = path.join(dir, 'answers.yaml');
  await writeFile(answers, ANSWERS);
  run(process.execPath, [CLI, 'init', path.join(dir, 'repo'), '--yes', '--no-git', '--answers', answers], ROOT);
  dir = path.join(dir, 'repo');
}, 60_000);

afterAll(async () => {
  if (dir !== '') await rm(path.dirname(dir), { recursive: true, force: true });
});

describe('service skeletons', () => {
  test('each service gets its skeleton, named after the service', async () => {
    expect((await readdir(path.join(dir, 'services'))).sort()).toEqual(['billing', 'gateway', 'ledger', 'notes', 'search', 'web', 'worker']);
    const lock = JSON.parse(await readFile(path.join(svc('web'), 'package-lock.json'), 'utf8')) as {
      name: string;
      packages: Record<string, { name?: string }>;
    };
    expect(lock.name).toBe('web');
    expect(lock.packages['']?.name).toBe('web');
    expect(await readFile(path.join(svc('billing'), 'go.mod'), 'utf8')).toMatch(/^module demo\/billing$/m);
    expect(await readFile(path.join(svc('ledger'), 'pom.xml'), 'utf8')).toContain('<artifactId>ledger</artifactId>');
    for (const name of ['web', 'worker', 'billing', 'ledger', 'gateway', 'notes', 'search']) {
      const dockerfile = await readFile(path.join(svc(name), 'Dockerfile'), 'utf8');
      expect(dockerfile.startsWith('# syntax=docker/dockerfile:1\n')).toBe(true);
      expect(dockerfile).toMatch(/^USER 10001:10001$/m);
      expect(dockerfile).not.toMatch(/^(ADD|HEALTHCHECK)\b/m);
      expect(dockerfile).not.toMatch(/^FROM \S+:latest\b/m);
      expect(existsSync(path.join(svc(name), '.dockerignore'))).toBe(true);
    }
  });

  test('node http (web): npm ci, build, unit tests, probes, SIGTERM', async () => {
    const cwd = svc('web');
    run('npm', ['ci', '--no-audit', '--no-fund'], cwd, 60_000);
    run('npm', ['test'], cwd); // builds, then node:test
    expectCleanRun(await startAndProbe(process.execPath, ['dist/src/main.js'], cwd), 'web');
  }, 90_000);

  test.skipIf(!HAS.python)('python http (worker): unit tests, probes, SIGTERM [needs python3]', async () => {
    const cwd = svc('worker');
    run('python3', ['-m', 'unittest'], cwd);
    expectCleanRun(await startAndProbe('python3', ['app.py'], cwd), 'worker');
  }, 60_000);

  test.skipIf(!HAS.java)('java http (ledger): javac, probes, SIGTERM [needs a JDK]', async () => {
    const cwd = svc('ledger');
    // app/otel (the OpenTelemetry SDK, loaded reflectively only when OTEL_EXPORTER_OTLP_ENDPOINT
    // is set) needs Maven Central: the JDK-only sources are compiled.
    const sources = (await readdir(path.join(cwd, 'src/main/java/app'))).filter((f) => f.endsWith('.java')).map((f) => `src/main/java/app/${f}`);
    expect(sources).toContain('src/main/java/app/Metrics.java');
    // The pom targets release 21; the sources also compile on the machine's JDK (17+), which
    // is what runs here. JUnit tests need Maven Central, so only main sources are compiled.
    run('javac', ['-nowarn', '-d', 'out', ...sources], cwd);
    // JDK < 21 waits the whole drain delay in HttpServer.stop (JDK-8304065), hence 20 s.
    expectCleanRun(await startAndProbe('java', ['-cp', 'out', 'app.Main'], cwd, 20_000), 'ledger');
  }, 60_000);

  test.skipIf(!HAS.go)('go http (gateway): vet, unit tests, build, probes, metrics, SIGTERM [needs go]', async () => {
    const cwd = svc('gateway');
    // GOPROXY=off: the default build is standard library only (tracing_otel.go is behind the otel tag).
    const env = { GOPROXY: 'off' };
    const go = (args: string[]) => {
      const r = spawnSync('go', args, { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
      if (r.status !== 0) throw new Error(`go ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
    };
    go(['vet', './...']);
    go(['test', './...']);
    go(['build', '-o', 'app', '.']);
    expectCleanRun(await startAndProbe(path.join(cwd, 'app'), [], cwd), 'gateway');
  }, 90_000);

  test('node grpc (notes): npm ci, unit tests, a real call, metrics on METRICS_PORT, SIGTERM', async () => {
    const cwd = svc('notes');
    run('npm', ['ci', '--no-audit', '--no-fund'], cwd, 60_000);
    run('npm', ['test'], cwd); // builds, then node:test with a real gRPC client
    const [port, metricsPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      cwd,
      env: { ...process.env, PORT: String(port), METRICS_PORT: String(metricsPort), SHUTDOWN_DELAY_SECONDS: String(SHUTDOWN_DELAY_SECONDS) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      // Both ports are bound once "listening" (gRPC) and "metrics listening" are logged.
      const deadline = Date.now() + 20_000;
      while (!(output.includes('"msg":"listening"') && output.includes('"msg":"metrics listening"'))) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`notes did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // The service's own grpc-js and proto-loader as a client (typed here by the little this uses:
      // the project itself does not depend on them).
      const req = createRequire(path.join(cwd, 'package.json'));
      const grpc = req('@grpc/grpc-js') as GrpcJs;
      const loader = req('@grpc/proto-loader') as { loadSync(file: string, opts: { includeDirs: string[] }): unknown };
      // One proto package per service, named after the project and the service (demo.notes.v1).
      const def = loader.loadSync('demo/notes/v1/greeter_service.proto', { includeDirs: [path.join(cwd, 'proto')] });
      const pkg = grpc.loadPackageDefinition(def) as { demo: { notes: { v1: { GreeterService: GreeterClientCtor } } } };
      const client = new pkg.demo.notes.v1.GreeterService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      const reply = await new Promise<{ message: string }>((resolve, reject) =>
        client.sayHello({ name: 'Ada' }, { deadline: Date.now() + 15_000, waitForReady: true }, (err, res) =>
          err ? reject(new Error(`${err.message}\n${output}`)) : resolve(res),
        ),
      );
      expect(reply.message).toMatch(/^hello Ada, from notes$/);

      const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await scrape.text();
      const labels = 'grpc_type="unary",grpc_service="demo.notes.v1.GreeterService",grpc_method="SayHello"';
      expect(text).toContain(`grpc_server_handled_total{${labels},grpc_code="OK"} 1\n`);
      expect(text).toContain(`grpc_server_handling_seconds_bucket{${labels},le="+Inf"} 1\n`);
      expect(text).toContain(`grpc_server_handling_seconds_count{${labels}} 1\n`);
      expect(text).toMatch(/^process_start_time_seconds \d+$/m);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);

      // Graceful shutdown: after SIGTERM the health service reports NOT_SERVING at once, while
      // calls are still served for the shutdown delay.
      const healthDef = (req('grpc-health-check') as { service: unknown }).service;
      const HealthClient = (grpc as unknown as { makeGenericClientConstructor(d: unknown, n: string): HealthCtor }).makeGenericClientConstructor(healthDef, 'Health');
      const health = new HealthClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      const status = () =>
        new Promise<string>((resolve, reject) => health.check({ service: '' }, (err, res) => (err ? reject(err) : resolve(res.status))));
      expect(await status()).toBe('SERVING');
      child.kill('SIGTERM');
      const termAt = Date.now();
      while ((await status()) === 'SERVING' && Date.now() - termAt < 1_000) await new Promise((r) => setTimeout(r, 20));
      expect(await status()).toBe('NOT_SERVING');
      const during = await new Promise<{ message: string }>((resolve, reject) =>
        client.sayHello({ name: 'late' }, { deadline: Date.now() + 5_000, waitForReady: false }, (err, res) => (err ? reject(err) : resolve(res))),
      );
      expect(Date.now() - termAt).toBeLessThan(SHUTDOWN_DELAY_SECONDS * 1000);
      expect(during.message).toMatch(/^hello late, from notes$/);
      client.close();
      health.close();
      expect(await exited).toBe(0);
      expect(output).toMatch(/"msg":"draining"/);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 90_000);

  test.skipIf(!HAS.python)('python grpc (search): every module compiles [needs python3]', () => {
    // grpcio and the generated code need PyPI; offline the modules are byte-compiled.
    run('python3', ['-m', 'py_compile', 'app.py', 'instrument.py', 'lifecycle.py', 'metrics.py', 'tracing.py', 'callees.py', 'test_app.py', 'test_callees.py'], svc('search'));
  });

  test.skipIf(!HAS.protoc)('grpc (billing): the example .proto compiles [needs protoc]', () => {
    const cwd = svc('billing');
    run('protoc', ['-I', 'proto', '--descriptor_set_out=/dev/null', 'demo/billing/v1/greeter_service.proto'], cwd);
  });

  test.skipIf(!HAS.go)('go grpc (billing): sources parse and are gofmt-clean [needs go]', () => {
    // Building needs google.golang.org/grpc from the module proxy and protoc plugins, so offline
    // this checks what it can: every .go file parses and is formatted.
    const r = run('gofmt', ['-l', '.'], svc('billing'));
    expect(r.stdout).toBe('');
  });
});

// East-west calls through the env contract (CALLEES, <CALLEE>_URL, _TIMEOUT_MS, _RETRIES): each HTTP
// skeleton is started with the environment compose.yaml gives it (callee host names pointed at 127.0.0.1)
// and GET /callees must reach the real callee skeleton; a callee that keeps answering 503 must be an error
// after exactly the retries, and one that never answers an error at the deadline.
describe('callee clients (GET /callees)', () => {
  interface Running {
    base: string;
    stop(): Promise<void>;
  }
  /** Starts a skeleton with PORT and extra env, once /healthz answers. */
  async function start(cmd: string, args: string[], cwd: string, env: Record<string, string>): Promise<Running> {
    const port = await freePort();
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20_000;
    while ((await getStatus(`${base}/healthz`)) === undefined) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${cmd} did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return { base, stop: async () => void (child.kill('SIGKILL'), await exited) };
  }
  /** The caller's environment from the generated compose.yaml, callee URLs rewritten to where they run here. */
  async function composeEnv(service: string, urls: Record<string, string>): Promise<Record<string, string>> {
    const compose = parseYaml(await readFile(path.join(dir, 'compose.yaml'), 'utf8')) as { services: Record<string, { environment: Record<string, string> }> };
    const env = { ...compose.services[service]!.environment };
    for (const [key, url] of Object.entries(urls)) {
      expect(env[key], `${service} ${key} in compose.yaml`).toMatch(/^http:\/\/[a-z-]+:\d+$/);
      env[key] = url;
    }
    return env;
  }
  /** A stub callee: 503 to everything (or no answer at all), counting requests. */
  async function stubCallee(kind: '503' | 'hang'): Promise<{ url: string; hits: () => number; close(): void }> {
    let hits = 0;
    const server = (await import('node:http')).createServer((_req, res) => {
      hits++;
      if (kind === '503') res.writeHead(503).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
      hits: () => hits,
      close: () => (server.closeAllConnections(), server.close()),
    };
  }
  async function getCallees(base: string): Promise<{ status: number; took: number; body: { service: string; callees: Record<string, any>[] } }> {
    const started = Date.now();
    const res = await fetch(`${base}/callees`, { signal: AbortSignal.timeout(15_000) });
    return { status: res.status, took: Date.now() - started, body: (await res.json()) as never };
  }

  const CALLERS = [
    { caller: 'web', language: 'node', urlKey: 'WORKER_URL', callee: 'worker' },
    { caller: 'worker', language: 'python', urlKey: 'WEB_URL', callee: 'web' },
    { caller: 'gateway', language: 'go', urlKey: 'LEDGER_URL', callee: 'ledger' },
    { caller: 'ledger', language: 'java', urlKey: 'WORKER_URL', callee: 'worker' },
  ] as const;
  /** Whether the toolchain of a service's language is here (the caller's and the callee's are needed). */
  const runs: Record<string, boolean> = { web: true, worker: HAS.python, gateway: HAS.go, ledger: HAS.java };
  const commands: Record<string, () => [string, string[]]> = {
    web: () => {
      if (!existsSync(path.join(svc('web'), 'dist/src/main.js'))) {
        run('npm', ['ci', '--no-audit', '--no-fund'], svc('web'), 60_000);
        run('npm', ['run', 'build'], svc('web'));
      }
      return [process.execPath, ['dist/src/main.js']];
    },
    worker: () => ['python3', ['app.py']],
    gateway: () => {
      if (!existsSync(path.join(svc('gateway'), 'app'))) run('go', ['build', '-o', 'app', '.'], svc('gateway'));
      return [path.join(svc('gateway'), 'app'), []];
    },
    ledger: () => {
      if (!existsSync(path.join(svc('ledger'), 'out'))) {
        run('sh', ['-c', 'javac -nowarn -d out src/main/java/app/*.java'], svc('ledger'));
      }
      return ['java', ['-cp', 'out', 'app.Main']];
    },
  };

  for (const c of CALLERS) {
    test.skipIf(!runs[c.caller] || !runs[c.callee])(`${c.language} (${c.caller}) calls ${c.callee} through ${c.urlKey}; a failing callee is an error after the retries, within the deadline`, async () => {
      const [cmd, args] = commands[c.caller]!();
      const [calleeCmd, calleeArgs] = commands[c.callee]!();
      const running: Running[] = [];
      const stubs: { close(): void }[] = [];
      try {
        const callee = await start(calleeCmd, calleeArgs, svc(c.callee), {});
        running.push(callee);
        // 1. The real callee answers through the contract.
        const ok = await start(cmd, args, svc(c.caller), await composeEnv(c.caller, { [c.urlKey]: callee.base }));
        running.push(ok);
        const good = await getCallees(ok.base);
        expect(good.status).toBe(200);
        const first = good.body.callees.find((x) => x['name'] === c.callee)!;
        expect(first).toMatchObject({ name: c.callee, protocol: 'http', ok: true, status: 200, attempts: 1 });
        // The callee's own GET / names it (Java reports the body as text).
        expect(typeof first['body'] === 'string' ? JSON.parse(first['body']) : first['body']).toMatchObject({ service: c.callee });
        await ok.stop();

        // 2. Always 503: exactly 1 + RETRIES attempts, then an error, inside TIMEOUT_MS.
        const failing = await stubCallee('503');
        stubs.push(failing);
        const env = { ...(await composeEnv(c.caller, { [c.urlKey]: failing.url })), [c.urlKey.replace(/_URL$/, '_RETRIES')]: '2', [c.urlKey.replace(/_URL$/, '_TIMEOUT_MS')]: '4000' };
        const bad = await start(cmd, args, svc(c.caller), env);
        running.push(bad);
        const r = await getCallees(bad.base);
        expect(r.status).toBe(502);
        expect(r.body.callees.find((x) => x['name'] === c.callee)).toMatchObject({ ok: false, attempts: 3, status: 503 });
        expect(failing.hits()).toBe(3);
        expect(r.took).toBeLessThan(4000);
        await bad.stop();

        // 3. Never answers: an error at the deadline, not later.
        const hanging = await stubCallee('hang');
        stubs.push(hanging);
        const slow = await start(cmd, args, svc(c.caller), { ...(await composeEnv(c.caller, { [c.urlKey]: hanging.url })), [c.urlKey.replace(/_URL$/, '_TIMEOUT_MS')]: '600' });
        running.push(slow);
        const t = await getCallees(slow.base);
        expect(t.status).toBe(502);
        expect(t.body.callees.find((x) => x['name'] === c.callee)).toMatchObject({ ok: false });
        expect(t.took).toBeGreaterThanOrEqual(550);
        expect(t.took).toBeLessThan(2500);
      } finally {
        for (const s of stubs) s.close();
        await Promise.all(running.map((x) => x.stop()));
      }
    }, 120_000);
  }

  test('the gRPC callee is in the contract but not called by the HTTP client (a generated client does that)', async () => {
    const env = await composeEnv('web', {});
    expect(env).toMatchObject({ CALLEES: 'worker,billing', BILLING_ADDR: 'dns:///billing:9000', BILLING_TIMEOUT_MS: '500', BILLING_RETRIES: '2' });
  });
});
