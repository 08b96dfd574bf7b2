// NATS with the real server (Debian nats-server 2.9.10): a generated project's own server configuration
// (deploy/messaging/nats/nats-local.conf + auth.conf, ports and store moved to a temporary place) with the
// streams and consumers of its NACK resources (created through the JetStream API as the nack user, what
// NACK does), and the generated Node.js skeletons running against it: publish → subscribers, a queue
// group sharing the messages, request/reply, a permissions violation for an undeclared subject, and a
// JetStream durable consumer that gets what was published while it was down (and nothing twice) after a
// restart. Python runs too when nats-py can be installed here (PyPI is not reachable everywhere);
// otherwise its modules are byte-compiled. Go and Java need their module registries: gofmt only.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from './support/cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = process.env.CN_CLI ?? path.join(ROOT, 'dist', 'cli.js');
const has = (cmd: string, args = ['--version']) => {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
  return r.error === undefined && r.status === 0;
};
const NATS = has('nats-server');

const ANSWERS = `project: { name: shop }
messaging: { pubsub: nats }
services:
  - { name: web, language: node, port: 8080, publishes: [orders.created, quotes.get] }
  - { name: billing, language: node, port: 8081, subscribes: [{ subject: orders.created, queue: billing }] }
  - { name: ledger, language: node, port: 9001, protocol: grpc, subscribes: [{ subject: orders.*, durable: true }], responds: [quotes.get] }
  - { name: worker, language: python, port: 8082, subscribes: [{ subject: orders.created, queue: workers }] }
  - { name: audit, language: go, port: 8083, subscribes: [orders.created, { subject: orders.>, durable: true }] }
  - { name: books, language: java, port: 8084, subscribes: [orders.created] }
`;

let work = '';
let repo = '';
let natsUrl = '';
let server: ChildProcess | undefined;
const passwords: Record<string, string> = {};
let python: string | undefined;


function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeout = 120_000): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, CI: '1', ...env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

interface Running {
  child: ChildProcess;
  lines: () => Record<string, any>[];
  stop: () => Promise<number | null>;
}

/** Starts a service with its NATS user, records its JSON log lines; stop() sends SIGTERM and waits. */
async function start(service: string, cmd: string, args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Running> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const child = spawn(cmd, args, {
    cwd: path.join(repo, 'services', service),
    env: { ...process.env, PORT: String(port), METRICS_PORT: String(metricsPort), NATS_URL: natsUrl, NATS_USER: service, NATS_PASSWORD: passwords[service], ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, any>),
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
const node = (service: string, extra: NodeJS.ProcessEnv = {}) => start(service, process.execPath, ['dist/src/main.js'], extra);

async function until(what: string, check: () => boolean, ms = 20_000, logs: () => unknown = () => ''): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${JSON.stringify(logs(), null, 1)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const messages = (r: Running, msg: string, subject?: string) => r.lines().filter((l) => l.msg === msg && (subject === undefined || l.subject === subject));
const numbers = (r: Running) => messages(r, 'received', 'orders.created').map((l) => l.data.n as number);

/** The NATS client of the generated web service (its node_modules), for the checks the skeletons cannot make. */
function natsClient(): { connect(o: object): Promise<any> } {
  return createRequire(path.join(repo, 'services/web/package.json'))('@nats-io/transport-node');
}

/** NACK's job: the Stream and Consumer resources as JetStream API requests, sent as the nack user. */
async function createStreams(): Promise<void> {
  const text = await readFile(path.join(repo, 'deploy/messaging/nack/resources.yaml'), 'utf8');
  const docs = text.split('\n---\n').slice(1).map((d) => load(d) as { kind: string; spec: Record<string, any> });
  const nc = await natsClient().connect({ servers: natsUrl, user: 'nack', pass: passwords['nack'] });
  const ns = (d: string) => Number(d.replace(/s$/, '')) * 1e9;
  for (const { kind, spec } of docs) {
    let subject = '';
    let body: object = {};
    if (kind === 'Stream') {
      subject = `$JS.API.STREAM.CREATE.${spec.name}`;
      body = { name: spec.name, subjects: spec.subjects, storage: spec.storage, num_replicas: spec.replicas, retention: spec.retention, discard: spec.discard, max_bytes: Math.min(spec.maxBytes, 64 * 1024 ** 2) };
    } else if (kind === 'Consumer') {
      subject = `$JS.API.CONSUMER.DURABLE.CREATE.${spec.streamName}.${spec.durableName}`;
      body = { stream_name: spec.streamName, config: { durable_name: spec.durableName, filter_subject: spec.filterSubject, deliver_policy: spec.deliverPolicy, ack_policy: spec.ackPolicy, ack_wait: ns(spec.ackWait) } };
    } else continue;
    const reply = JSON.parse((await nc.request(subject, JSON.stringify(body))).string());
    if (reply.error) throw new Error(`${subject}: ${JSON.stringify(reply.error)}`);
  }
  await nc.close();
}

beforeAll(async () => {
  if (!NATS) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'cn-nats-'));
  await writeFile(path.join(work, 'answers.yaml'), ANSWERS);
  run(process.execPath, [CLI, 'init', path.join(work, 'repo'), '--yes', '--no-git', '--answers', path.join(work, 'answers.yaml')], ROOT);
  repo = path.join(work, 'repo');
  for (const s of ['web', 'billing', 'ledger']) {
    run('npm', ['ci', '--no-audit', '--no-fund'], path.join(repo, 'services', s));
    run('npm', ['run', 'build'], path.join(repo, 'services', s));
  }
  // The server: the project's local configuration, ports and store moved, passwords as the Secret would give them.
  const conf = path.join(work, 'server');
  await mkdir(conf);
  const auth = await readFile(path.join(repo, 'deploy/messaging/nats/auth.conf'), 'utf8');
  await writeFile(path.join(conf, 'auth.conf'), auth);
  const port = await freePort();
  const local = (await readFile(path.join(repo, 'deploy/messaging/nats/nats-local.conf'), 'utf8'))
    .replace(/^port: 4222$/m, `port: ${port}`)
    .replace(/^http_port: 8222$/m, `http_port: ${await freePort()}`)
    .replace('store_dir: /data', `store_dir: ${JSON.stringify(path.join(work, 'js'))}`);
  await writeFile(path.join(conf, 'nats.conf'), local);
  for (const m of auth.matchAll(/password: \$(NATS_PASS_([A-Z_]+))/g)) passwords[m[2]!.toLowerCase()] = `n${randomBytes(12).toString('hex')}`;
  const env = Object.fromEntries(Object.entries(passwords).map(([u, pw]) => [`NATS_PASS_${u.toUpperCase()}`, pw]));
  run('nats-server', ['-c', 'nats.conf', '-t'], conf, env);
  server = spawn('nats-server', ['-c', 'nats.conf'], { cwd: conf, env: { ...process.env, ...env }, stdio: 'ignore' });
  natsUrl = `nats://127.0.0.1:${port}`;
  // Once it accepts connections: the streams and consumers.
  for (let i = 0; ; i++) {
    try {
      await createStreams();
      break;
    } catch (err) {
      if (i > 50) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  // Python: only when nats-py can be installed (a venv, the machine's pip configuration).
  if (has('python3')) {
    const venv = path.join(work, 'venv');
    const ok = spawnSync('sh', ['-c', `python3 -m venv "${venv}" && "${venv}/bin/pip" install -q --disable-pip-version-check "nats-py==2.15.0"`], { timeout: 120_000, stdio: 'ignore' });
    if (ok.status === 0) python = path.join(venv, 'bin', 'python');
  }
}, 600_000);

afterAll(async () => {
  // The server writes its store until it exits: wait for that before removing the directory.
  if (server && server.exitCode === null) await new Promise((r) => (server!.once('exit', r), server!.kill('SIGTERM')));
  if (work) await rm(work, { recursive: true, force: true });
});

describe.skipIf(!NATS)('NATS with the generated configuration and skeletons [needs nats-server]', () => {
  test('publish → subscribers, a queue group shares the messages, request/reply, drain on SIGTERM (+ the Python worker when nats-py installs here)', async () => {
    const ledger = await node('ledger');
    const billing = [await node('billing'), await node('billing')];
    const worker = python ? await start('worker', python, ['app.py']) : undefined;
    const subscribers = [ledger, ...billing, ...(worker ? [worker] : [])];
    await until('subscribers connected', () => subscribers.every((s) => messages(s, 'nats connected').length === 1), 20_000, () => subscribers.map((s) => s.lines()));
    const web = await node('web', { NATS_EXAMPLE_INTERVAL: '0.2' });
    await until('10 replies', () => messages(web, 'reply').length >= 10, 30_000, () => web.lines());
    expect(await web.stop()).toBe(0);
    const replies = messages(web, 'reply').length;
    // Every published message reaches the durable consumer: 1..N without a gap (N >= the requests answered).
    await until('ledger got everything', () => new Set(numbers(ledger)).size >= replies, 10_000, () => ledger.lines());
    await new Promise((r) => setTimeout(r, 500));
    const all = [...new Set(numbers(ledger))].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    expect(numbers(ledger)).toHaveLength(all.length);
    // The two billing replicas are one queue group: each message went to exactly one of them.
    await until('billing got everything', () => numbers(billing[0]!).length + numbers(billing[1]!).length >= all.length, 10_000);
    const [a, b] = billing.map(numbers) as [number[], number[]];
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect(a.filter((n) => b.includes(n))).toEqual([]);
    expect([...a, ...b].sort((x, y) => x - y)).toEqual(all);
    // Request/reply: ledger answered every request of web.
    for (const r of messages(web, 'reply')) expect(r.reply).toEqual({ from: 'ledger', subject: 'quotes.get' });
    expect(messages(ledger, 'request', 'quotes.get').length).toBe(messages(web, 'reply').length);
    if (worker) {
      await until('python worker got everything', () => new Set(numbers(worker)).size >= all.length, 10_000, () => worker.lines());
      expect([...new Set(numbers(worker))].sort((x, y) => x - y)).toEqual(all);
    }
    for (const s of subscribers) expect(await s.stop()).toBe(0);
    for (const s of [web, ...subscribers]) expect(messages(s, 'nats drained')).toHaveLength(1);
    for (const s of [web, ...subscribers]) expect(s.lines().filter((l) => l.msg === 'nats error')).toEqual([]);
  }, 120_000);

  test('a subject the graph does not declare for the service is refused (permissions violation)', async () => {
    // The web skeleton's own publish(), to a subject only billing's graph could allow.
    const script = `const m = await import('./dist/src/messaging.js');
      const c = await m.start(new AbortController().signal);
      await m.publish('payments.settled', {});
      await new Promise((r) => setTimeout(r, 500));
      await c.stop();`;
    const out = run(process.execPath, ['--input-type=module', '-e', script], path.join(repo, 'services/web'), { NATS_URL: natsUrl, NATS_USER: 'web', NATS_PASSWORD: passwords['web'] });
    const errors = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((l) => l.msg === 'nats error');
    expect(errors.map((e) => e.error).join('\n')).toMatch(/Permissions Violation for Publish to "payments\.settled"/);
    // billing may subscribe to orders.created only in its queue group: a plain subscription is refused.
    const nc = await natsClient().connect({ servers: natsUrl, user: 'billing', pass: passwords['billing'] });
    const statuses: string[] = [];
    void (async () => {
      for await (const s of nc.status()) if (s.type === 'error') statuses.push(String(s.error.message));
    })();
    nc.subscribe('orders.created', { callback: () => undefined });
    nc.subscribe('orders.created', { queue: 'billing', callback: () => undefined });
    await nc.flush();
    await until('the subscription violation', () => statuses.length > 0, 5_000, () => statuses);
    expect(statuses).toEqual([expect.stringMatching(/Permissions Violation for Subscription to "orders\.created"$/)]);
    await nc.close();
  }, 60_000);

  test('the durable consumer gets what was published while it was down, and nothing twice, after a restart', async () => {
    // Everything acknowledged in the test before is not delivered again.
    const first = await node('ledger');
    await until('ledger connected', () => messages(first, 'nats connected').length === 1);
    await new Promise((r) => setTimeout(r, 1000));
    const before = new Set(numbers(first));
    expect(await first.stop()).toBe(0);
    const stoppedAt = new Date().toISOString();
    // Published while no ledger runs: the stream keeps them for the durable consumer.
    const web = await node('web', { NATS_EXAMPLE_INTERVAL: '0.2' });
    // Its requests fail meanwhile (no responder): one per example round.
    await until('5 publishes', () => messages(web, 'request failed').length >= 5, 30_000, () => web.lines());
    expect(await web.stop()).toBe(0);
    const again = await node('ledger');
    await until('the messages published meanwhile', () => numbers(again).length >= 5, 20_000, () => again.lines());
    await new Promise((r) => setTimeout(r, 1000));
    expect(await again.stop()).toBe(0);
    const received = messages(again, 'received', 'orders.created').map((l) => l.data as { n: number; at: string });
    // Only messages published after the first ledger stopped: the ones it acknowledged never come back.
    expect(received.every((d) => d.at > stoppedAt)).toBe(true);
    expect(received.length).toBeGreaterThanOrEqual(5);
    expect(new Set(received.map((d) => d.at)).size).toBe(received.length);
    expect(before.size).toBe(0);
  }, 120_000);

  test.skipIf(!has('openssl', ['version']))('over TLS the client trusts the CA given in NATS_CA, and no other [needs openssl]', async () => {
    // What the chart does with the cert-manager certificate (config.nats.tls): a server certificate from a
    // CA of its own, the same users; the client gets the CA as PEM in NATS_CA, as the chart's env gives it.
    const dir = path.join(work, 'tls');
    await mkdir(dir);
    const ssl = (...a: string[]) => run('openssl', a, dir);
    ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=nats-ca', '-days', '1');
    ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=nats');
    await writeFile(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    ssl('x509', '-req', '-in', 'tls.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tls.crt', '-days', '1', '-extfile', 'san.ext');
    const port = await freePort();
    await writeFile(path.join(dir, 'auth.conf'), await readFile(path.join(repo, 'deploy/messaging/nats/auth.conf'), 'utf8'));
    await writeFile(path.join(dir, 'nats.conf'), `port: ${port}\ninclude ./auth.conf\ntls {\n  cert_file: "./tls.crt"\n  key_file: "./tls.key"\n}\n`);
    const env = Object.fromEntries(Object.entries(passwords).map(([u, pw]) => [`NATS_PASS_${u.toUpperCase()}`, pw]));
    const tlsServer = spawn('nats-server', ['-c', 'nats.conf'], { cwd: dir, env: { ...process.env, ...env }, stdio: 'ignore' });
    try {
      const script = `const m = await import('./dist/src/messaging.js');
        const c = await m.start(AbortSignal.timeout(4000));
        await m.publish('orders.created', { n: 1 }).catch((e) => console.log(JSON.stringify({ msg: 'publish failed', error: String(e) })));
        await c.stop();`;
      const base = { NATS_URL: `tls://127.0.0.1:${port}`, NATS_USER: 'web', NATS_PASSWORD: passwords['web'] };
      let out = '';
      for (let i = 0; i < 20 && !out.includes('nats drained'); i++) {
        out = run(process.execPath, ['--input-type=module', '-e', script], path.join(repo, 'services/web'), { ...base, NATS_CA: await readFile(path.join(dir, 'ca.crt'), 'utf8') });
        if (!out.includes('nats drained')) await new Promise((r) => setTimeout(r, 200));
      }
      expect(out).toContain('"msg":"nats connected"');
      expect(out).not.toContain('"msg":"nats error"');
      // Without the CA the server certificate is not trusted: no connection (start() gives up on its signal).
      const refused = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: path.join(repo, 'services/web'), encoding: 'utf8', env: { ...process.env, ...base } });
      expect(refused.stdout).not.toContain('"msg":"nats connected"');
    } finally {
      tlsServer.kill('SIGTERM');
    }
  }, 60_000);

  test('the Go, Python and Java NATS clients are well-formed [gofmt, python3]', () => {
    if (has('gofmt', ['-l', '.'])) expect(run('gofmt', ['-l', '.'], path.join(repo, 'services/audit'))).toBe('');
    if (has('python3')) run('python3', ['-m', 'py_compile', 'messaging.py', 'components.py', 'app.py'], path.join(repo, 'services/worker'));
    const java = run('cat', ['src/main/java/app/Messaging.java'], path.join(repo, 'services/books'));
    expect(java).toContain('static final List<Subscribe> SUBSCRIBES = List.of(new Subscribe("orders.created", null));');
  });
});
