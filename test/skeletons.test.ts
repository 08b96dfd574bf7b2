// End-to-end check of the service skeletons (templates/base/services/<language>/<protocol>):
// generate a project through the built CLI, then build and start every skeleton whose
// toolchain is on this machine, probe /healthz and /readyz, require /metrics to expose the
// series the generated alerts and dashboards query, send SIGTERM and require a clean exit.
// The node gRPC skeleton installs its dependencies from npm and is called with a real client;
// the other gRPC skeletons need the Go module proxy, PyPI or Maven Central, so they are only
// syntax-checked here (protoc, gofmt, py_compile).
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = process.env.CN_CLI ?? path.join(ROOT, 'dist', 'cli.js');

const ANSWERS = `project: { name: demo, namespace: demo }
services:
  - { name: web, language: node, port: 8080, protocol: http }
  - { name: worker, language: python, port: 8081, protocol: http }
  - { name: billing, language: go, port: 9000, protocol: grpc }
  - { name: ledger, language: java, port: 8082, protocol: http }
  - { name: gateway, language: go, port: 8083, protocol: http }
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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
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
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  logLines: Record<string, unknown>[];
}

/**
 * Starts a service with PORT set, waits for /healthz, records /readyz and GET /, then sends
 * SIGTERM and waits for the process to exit (shutdownMs covers the drain deadline).
 */
async function startAndProbe(cmd: string, args: string[], cwd: string, shutdownMs = 15_000): Promise<ProbeResult> {
  const port = await freePort();
  const child = spawn(cmd, args, { cwd, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
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
    const timer = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${cmd} did not exit within ${shutdownMs} ms of SIGTERM:\n${stdout}\n${stderr}`)), shutdownMs).unref(),
    );
    const { code, signal } = await Promise.race([exited, timer]);
    const logLines = stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    return { healthz, readyz, root, metricsType: scrape.headers.get('content-type'), metrics, exitCode: code, signal, logLines };
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
  expect(r.logLines.map((l) => l['msg'])).toEqual(expect.arrayContaining(['listening', 'shutdown started', 'shutdown complete']));
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
    // JDK < 21 waits the whole drain delay in HttpServer.stop (JDK-8304065), hence 15 s.
    expectCleanRun(await startAndProbe('java', ['-cp', 'out', 'app.Main'], cwd, 15_000), 'ledger');
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
      env: { ...process.env, PORT: String(port), METRICS_PORT: String(metricsPort) },
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
      client.close();

      const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await scrape.text();
      const labels = 'grpc_type="unary",grpc_service="demo.notes.v1.GreeterService",grpc_method="SayHello"';
      expect(text).toContain(`grpc_server_handled_total{${labels},grpc_code="OK"} 1\n`);
      expect(text).toContain(`grpc_server_handling_seconds_bucket{${labels},le="+Inf"} 1\n`);
      expect(text).toContain(`grpc_server_handling_seconds_count{${labels}} 1\n`);
      expect(text).toMatch(/^process_start_time_seconds \d+$/m);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 90_000);

  test.skipIf(!HAS.python)('python grpc (search): every module compiles [needs python3]', () => {
    // grpcio and the generated code need PyPI; offline the modules are byte-compiled.
    run('python3', ['-m', 'py_compile', 'app.py', 'instrument.py', 'metrics.py', 'tracing.py', 'test_app.py'], svc('search'));
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
