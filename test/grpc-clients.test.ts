// gRPC between generated services, for real: a Node.js caller calls a Node.js gRPC callee through its
// generated client (the callee's API from its proto-clients/ copy, the edge's deadline, retries and
// round_robin from the gRPC service config), against the real callee skeleton and against stub servers
// that are slow (deadline exceeded, not retried), fail with UNAVAILABLE first (retried) or run twice
// (round_robin). The buf workspace passes `buf lint` (@bufbuild/buf from npm), `buf breaking` and the
// copy check of the generated Makefile refuse what they should, and server reflection answers.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from './support/cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = process.env.CN_CLI ?? path.join(ROOT, 'dist', 'cli.js');
const BUF_BIN = path.join(ROOT, 'node_modules', '.bin');

const ANSWERS = `project: { name: shop }
services:
  - { name: web, language: node, port: 8080, calls: [{ service: notes, timeout: 800ms, retries: 2 }] }
  - { name: notes, language: node, port: 9001, protocol: grpc }
  - { name: gw, language: go, port: 8085, calls: [notes, orders] }
  - { name: orders, language: go, port: 9090, protocol: grpc, calls: [notes] }
  - { name: pyweb, language: python, port: 8086, calls: [notes] }
  - { name: search, language: python, port: 9002, protocol: grpc, calls: [notes] }
`;

let work = '';
let repo = '';
const svc = (name: string) => path.join(repo, 'services', name);

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: '1', ...env } });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}
function ok(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const r = run(cmd, args, cwd, env);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.out}`);
  return r.out;
}

/** The caller's own grpc-js and proto-loader (the test has no gRPC dependency of its own). */
function grpcOf(service: string) {
  const req = createRequire(path.join(svc(service), 'package.json'));
  return { grpc: req('@grpc/grpc-js'), loader: req('@grpc/proto-loader') };
}

interface Stub {
  address: string;
  attempts: number;
  close(): void;
}
/** A server of the callee's API (from the caller's copy) whose SayHello does what `behave` says. */
async function stub(behave: (attempt: number, cb: (err: object | null, res?: object) => void) => void): Promise<Stub> {
  const { grpc, loader } = grpcOf('web');
  const def = loader.loadSync('shop/notes/v1/greeter_service.proto', { includeDirs: [path.join(svc('web'), 'proto-clients/notes')] });
  const service = grpc.loadPackageDefinition(def).shop.notes.v1.GreeterService.service;
  const server = new grpc.Server();
  const s: Stub = { address: '', attempts: 0, close: () => server.forceShutdown() };
  server.addService(service, { sayHello: (_call: unknown, cb: (err: object | null, res?: object) => void) => behave(++s.attempts, cb) });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e: Error | null, p: number) => (e ? reject(e) : resolve(p))));
  s.address = `127.0.0.1:${port}`;
  return s;
}

/** The generated client module of web for notes, fresh (it reads NOTES_ADDR when it first connects). */
async function client(target: string): Promise<{ sayHello(name: string): Promise<{ message: string }>; close(): void }> {
  process.env.NOTES_ADDR = target;
  const url = pathToFileURL(path.join(svc('web'), 'dist/src/clients/notes.js')).href;
  return import(`${url}?t=${Date.now()}-${Math.random()}`);
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'cn-grpc-'));
  await writeFile(path.join(work, 'answers.yaml'), ANSWERS);
  ok(process.execPath, [CLI, 'init', path.join(work, 'repo'), '--yes', '--no-git', '--answers', path.join(work, 'answers.yaml')], ROOT);
  repo = path.join(work, 'repo');
  for (const s of ['web', 'notes']) {
    ok('npm', ['ci', '--no-audit', '--no-fund'], svc(s));
    ok('npm', ['run', 'build'], svc(s));
  }
}, 300_000);

afterAll(async () => {
  delete process.env.NOTES_ADDR;
  if (work) await rm(work, { recursive: true, force: true });
});

describe('generated gRPC clients', () => {
  test('web calls the notes skeleton through its generated client; notes serves reflection', async () => {
    const port = await freePort();
    const notes: ChildProcess = spawn(process.execPath, ['dist/src/main.js'], { cwd: svc('notes'), env: { ...process.env, PORT: String(port), METRICS_PORT: String(await freePort()) }, stdio: 'ignore' });
    try {
      const c = await client(`dns:///127.0.0.1:${port}`);
      let reply: { message: string } | undefined;
      for (let i = 0; i < 50 && !reply; i++) reply = await c.sayHello('Ada').catch(() => new Promise((r) => setTimeout(() => r(undefined), 200)));
      expect(reply).toEqual({ message: 'hello Ada, from notes' });
      c.close();
      // Reflection (always registered): the server lists its services without the .proto.
      const { grpc, loader } = grpcOf('notes');
      const protoDir = path.join(svc('notes'), 'node_modules/@grpc/reflection/build/proto');
      const R = grpc.loadPackageDefinition(loader.loadSync('grpc/reflection/v1/reflection.proto', { includeDirs: [protoDir] })).grpc.reflection.v1.ServerReflection;
      const r = new R(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      const names = await new Promise<string[]>((resolve, reject) => {
        const call = r.serverReflectionInfo();
        call.on('data', (m: { listServicesResponse?: { service: { name: string }[] } }) => resolve(m.listServicesResponse!.service.map((s) => s.name)));
        call.on('error', reject);
        call.write({ listServices: '' });
      });
      r.close();
      expect(names).toContain('shop.notes.v1.GreeterService');
    } finally {
      notes.kill('SIGTERM');
    }
  }, 60_000);

  test('a callee slower than the edge timeout: DEADLINE_EXCEEDED after ~800 ms, not retried', async () => {
    const slow = await stub((_, cb) => setTimeout(() => cb(null, { message: 'late' }), 3000));
    const c = await client(slow.address);
    const started = Date.now();
    await expect(c.sayHello('Ada')).rejects.toMatchObject({ code: 4 });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(750);
    expect(took).toBeLessThan(2000);
    expect(slow.attempts).toBe(1);
    c.close();
    slow.close();
  }, 30_000);

  // Backoff 0.1 s doubling with jitter: three attempts fit in the 800 ms deadline.
  test('UNAVAILABLE is retried (2 retries = 3 attempts) through the service config', async () => {
    const flaky = await stub((n, cb) => (n < 3 ? cb({ code: 14, details: 'try again' }) : cb(null, { message: `ok after ${n}` })));
    const c = await client(flaky.address);
    expect(await c.sayHello('Ada')).toEqual({ message: 'ok after 3' });
    expect(flaky.attempts).toBe(3);
    c.close();
    flaky.close();
    // A fourth failure is not retried any more: the caller sees UNAVAILABLE after 3 attempts.
    const down = await stub((_, cb) => cb({ code: 14, details: 'down' }));
    const d = await client(down.address);
    await expect(d.sayHello('Ada')).rejects.toMatchObject({ code: 14 });
    expect(down.attempts).toBe(3);
    d.close();
    down.close();
  }, 30_000);

  test('round_robin spreads calls over every address of the target', async () => {
    const a = await stub((_, cb) => cb(null, { message: 'a' }));
    const b = await stub((_, cb) => cb(null, { message: 'b' }));
    const c = await client(`ipv4:${a.address},${b.address}`);
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) seen.add((await c.sayHello('x')).message);
    expect([...seen].sort()).toEqual(['a', 'b']);
    c.close();
    a.close();
    b.close();
  }, 30_000);
});

describe('the API contracts', () => {
  test('buf lint passes; buf breaking and the copy check refuse a changed API until make protos', async () => {
    const env = { PATH: `${BUF_BIN}${path.delimiter}${process.env.PATH}` };
    ok('buf', ['lint'], repo, env);
    // The Makefile's own commands: a repository with its release branch, then a breaking change.
    const makefile = await readFile(path.join(repo, 'Makefile'), 'utf8');
    const line = (needle: string) => makefile.split('\n').find((l) => l.includes(needle))!.trim().replace(/\$\$/g, '$');
    const breaking = line('buf breaking');
    const copy = line('diff -r services/notes/proto services/web/proto-clients/notes');
    const git = (...a: string[]) => ok('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...a], repo);
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'init');
    const clone = path.join(work, 'clone');
    ok('git', ['clone', '-q', repo, clone], work);
    expect(run('bash', ['-c', breaking], clone, env).status).toBe(0);
    expect(run('bash', ['-c', copy], clone).status).toBe(0);
    const proto = path.join(clone, 'services/notes/proto/shop/notes/v1/greeter_service.proto');
    await writeFile(proto, (await readFile(proto, 'utf8')).replace('string name = 1;', 'int32 name = 1;'));
    const broken = run('bash', ['-c', breaking], clone, env);
    expect(broken.status).not.toBe(0);
    expect(broken.out).toMatch(/changed type from "string" to "int32"/);
    expect(run('bash', ['-c', copy], clone).status).not.toBe(0);
    // An added field is compatible; make protos brings the callers' copies in line.
    await writeFile(proto, (await readFile(proto, 'utf8')).replace('int32 name = 1;', 'string name = 1;\n  string locale = 2;'));
    expect(run('bash', ['-c', breaking], clone, env).status).toBe(0);
    ok('make', ['protos'], clone);
    expect(run('bash', ['-c', copy], clone).status).toBe(0);
  }, 120_000);

  test('the Go and Python clients and every copy are well-formed [gofmt, python3, protoc]', () => {
    const has = (cmd: string, args = ['--version']) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
    if (has('gofmt', ['-l', '.'])) for (const s of ['gw', 'orders']) expect(ok('gofmt', ['-l', '.'], svc(s))).toBe('\n');
    if (has('python3')) for (const s of ['pyweb', 'search']) ok('python3', ['-m', 'py_compile', ...['client_notes.py', 'app.py']], svc(s));
    if (has('protoc')) ok('protoc', ['-I', 'proto-clients/notes', '-I', 'proto-clients/orders', '--descriptor_set_out=/dev/null', 'shop/notes/v1/greeter_service.proto', 'shop/orders/v1/greeter_service.proto'], svc('gw'));
  });
});
