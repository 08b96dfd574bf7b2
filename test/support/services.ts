// Test helper: run generated service skeletons as local processes and drive traffic to them
// (application requests at a steady rate, plus probe traffic like the kubelet's, which the
// delivery gates must not count).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { freePort } from './cli.js';
import path from 'node:path';

export { freePort };


/** Runs a command to completion (not blocking the event loop); rejects with its output on failure. */
export function mustRun(cmd: string, args: string[], cwd: string, timeoutMs = 180_000): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`)) : resolve(),
    ),
  );
}

export interface Running {
  child: ChildProcess;
  port: number;
  /** Where /metrics answers: the service port (HTTP) or METRICS_PORT (gRPC). */
  metricsPort: number;
  protocol: 'http' | 'grpc';
  output: () => string;
}

/** Starts a skeleton with PORT (and METRICS_PORT) and extra env; resolves once it serves. */
export async function start(cmd: string, args: string[], cwd: string, protocol: 'http' | 'grpc', env: Record<string, string>): Promise<Running> {
  const port = await freePort();
  const metricsPort = protocol === 'grpc' ? await freePort() : port;
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, PORT: String(port), METRICS_PORT: String(metricsPort), SHUTDOWN_DELAY_SECONDS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
    if (up && (protocol === 'http' || out.includes('"msg":"listening"'))) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${cmd} ${args.join(' ')} did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port, metricsPort, protocol, output: () => out };
}

type Unary = (req: object, opts: { deadline: number }, cb: (err: Error | null) => void) => void;
interface GrpcClients {
  sayHello: Unary;
  check: Unary;
}

/** Greeter and Health clients built from the node gRPC skeleton's own grpc-js (the project's tests have none). */
export function grpcClients(skeletonDir: string, port: number): GrpcClients {
  const req = createRequire(path.join(skeletonDir, 'package.json'));
  const grpc = req('@grpc/grpc-js') as {
    credentials: { createInsecure(): unknown };
    loadPackageDefinition(d: unknown): any;
    makeClientConstructor(d: unknown, n: string): new (a: string, c: unknown) => any;
  };
  const loader = req('@grpc/proto-loader') as { loadSync(f: string, o: object): unknown };
  // The example API is proto/<project>/<service>/v1/greeter_service.proto, package <project>.<service>.v1.
  const protoRoot = path.join(skeletonDir, 'proto');
  const file = readdirSync(protoRoot, { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('greeter_service.proto'))!;
  const pkg = /^package ([\w.]+);/m.exec(readFileSync(path.join(protoRoot, file), 'utf8'))![1]!;
  const def = loader.loadSync(file, { includeDirs: [protoRoot] });
  let Greeter = grpc.loadPackageDefinition(def);
  for (const key of [...pkg.split('.'), 'GreeterService']) Greeter = Greeter[key];
  const Health = grpc.makeClientConstructor((req('grpc-health-check') as { service: unknown }).service, 'Health');
  const greeter = new Greeter(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const health = new Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    sayHello: (r, o, cb) => greeter.sayHello(r, o, cb),
    check: (r, o, cb) => health.check(r, o, cb),
  };
}

/**
 * Sends application requests (GET / or SayHello) every `intervalMs` without waiting for answers, so a
 * slow version still receives a steady rate, and kubelet-like probes every 250 ms; `count` stops the
 * application requests after that many. Resolves when `durationMs` passed and the requests settled.
 */
export async function drive(
  target: Running,
  opts: { durationMs: number; intervalMs: number; count?: number; grpc?: GrpcClients },
): Promise<{ sent: number }> {
  const pending: Promise<unknown>[] = [];
  const base = `http://127.0.0.1:${target.port}`;
  const call = (kind: 'app' | 'probe'): Promise<unknown> => {
    if (target.protocol === 'http') {
      const paths = kind === 'app' ? ['/'] : ['/healthz', '/readyz'];
      return Promise.all(paths.map((p) => fetch(base + p, { signal: AbortSignal.timeout(10_000) }).then((r) => r.arrayBuffer(), () => undefined)));
    }
    const c = opts.grpc!;
    return new Promise((resolve) =>
      kind === 'app'
        ? c.sayHello({ name: 'load' }, { deadline: Date.now() + 10_000 }, () => resolve(undefined))
        : c.check({ service: '' }, { deadline: Date.now() + 10_000 }, () => resolve(undefined)),
    );
  };
  let sent = 0;
  const started = Date.now();
  while (Date.now() - started < opts.durationMs) {
    if (opts.count === undefined || sent < opts.count) {
      pending.push(call('app'));
      sent++;
    }
    if ((Date.now() - started) % 250 < opts.intervalMs) pending.push(call('probe'));
    await new Promise((r) => setTimeout(r, opts.intervalMs));
  }
  await Promise.all(pending);
  return { sent };
}
