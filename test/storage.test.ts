// Behaviour of the storage blocks against real servers (Debian mariadb-server 10.11 and etcd-server 3.4,
// started on loopback by test/support/data-servers.ts): the per-service credentials are created exactly
// as the generated scripts do (grant_sql of deploy/data/mysql/secrets.sh piped to the server;
// ensure_root/ensure_service of deploy/data/etcd/secrets.sh driving etcdctl), then the node and python
// skeletons run with the env their generated chart gives them: a write then a read succeed through
// /data/<store>/<key>, another service's credentials are refused (SQL grants; etcd role on the prefix),
// and a store that is down leaves the service ready with a 503 "degraded" endpoint.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HAS_ETCD, HAS_MARIADB, freePort, startEtcd, startMariadb, type Etcd, type Mariadb } from './support/data-servers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = process.env.CN_CLI ?? path.join(ROOT, 'dist', 'cli.js');
/** Debian's interpreter: python3-pymysql is installed for it (a pyenv python3 on PATH would lack it). */
const DEBIAN_PYTHON = '/usr/bin/python3';
const HAS_PYMYSQL = existsSync(DEBIAN_PYTHON) && spawnSync(DEBIAN_PYTHON, ['-c', 'import pymysql'], { stdio: 'ignore' }).status === 0;

const ANSWERS = `project: { name: shop, namespace: shop }
services:
  - { name: orders, language: node, port: 8080, protocol: http, uses: [sql, kv] }
  - { name: payments, language: python, port: 8081, protocol: http, uses: [sql, kv] }
storage:
  sql: mysql
  kv: etcd
`;

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
}

let dir = '';
let db: Mariadb;
let etcd: Etcd;
/** What `make data-secrets` would have put into the Secrets/ConfigMaps of the application namespace. */
const secrets: Record<string, Record<string, string>> = {};
const configMaps: Record<string, Record<string, string>> = {};
const ROOT_PASSWORD = randomBytes(24).toString('hex');
const passwordOf = (secret: string) => secrets[secret]?.['password'] ?? '';

function bash(script: string, env: Record<string, string> = {}, input?: string): string {
  const r = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env }, input, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`bash failed (${r.status}): ${script}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
const etcdEnv = () => ({ ETCDCTL_ENDPOINTS: etcd.endpoint, ETCDCTL_CACERT: etcd.caFile, ETCDCTL_API: '3' });

/**
 * The container env of a service as the kubelet would build it from the generated chart values:
 * secretKeyRef/configMapKeyRef resolved from what the scripts created, $(VAR) expanded; only the
 * in-cluster addresses are pointed at the loopback servers.
 */
async function chartEnv(service: string, overrides: Record<string, string> = {}): Promise<Record<string, string>> {
  const values = yaml.load(await readFile(path.join(dir, 'deploy/charts', service, 'values.yaml'), 'utf8')) as { env: EnvVar[] };
  const env: Record<string, string> = {};
  for (const v of values.env) {
    if (v.name.startsWith('OTEL_')) continue; // no collector here
    const ref = v.valueFrom?.secretKeyRef ?? v.valueFrom?.configMapKeyRef;
    const source = v.valueFrom?.secretKeyRef ? secrets : configMaps;
    let value = ref ? source[ref.name]?.[ref.key] : v.value;
    if (value === undefined) throw new Error(`${service}: ${v.name} refers to ${JSON.stringify(v.valueFrom)}, which the scripts did not create`);
    if (v.name === 'DB_HOST') value = '127.0.0.1';
    if (v.name === 'DB_PORT') value = String(db.port);
    if (v.name === 'ETCD_ENDPOINTS') value = etcd.endpoint;
    if (v.name in overrides) value = overrides[v.name]!;
    env[v.name] = value.replace(/\$\(([A-Z_][A-Z0-9_]*)\)/g, (m, name: string) => env[name] ?? m);
  }
  return env;
}

interface Running {
  base: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

async function startService(cmd: string, args: string[], cwd: string, env: Record<string, string>): Promise<Running> {
  const port = await freePort();
  const child = spawn(cmd, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited:\n${out}`);
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`${cmd} never answered:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    child,
    output: () => out,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Polls the data endpoint until the store is prepared (migrations, start-up key), or gives up. */
async function request(base: string, method: 'GET' | 'PUT', p: string, body?: string, untilOk = true): Promise<{ status: number; json: any }> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await fetch(`${base}${p}`, { method, body });
    const json = await res.json();
    if (!untilOk || res.status !== 503 || Date.now() > deadline) return { status: res.status, json };
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function writeThenRead(svc: Running, store: 'sql' | 'kv', value: string): Promise<void> {
  const put = await request(svc.base, 'PUT', `/data/${store}/greeting`, value);
  expect(put, svc.output()).toEqual({ status: 200, json: { key: 'greeting', stored: true } });
  const get = await request(svc.base, 'GET', `/data/${store}/greeting`);
  expect(get.json).toEqual({ key: 'greeting', value });
  expect((await request(svc.base, 'GET', `/data/${store}/missing`)).status).toBe(404);
}

/** Degraded, not down: the store endpoint answers 503 while the service stays ready. */
async function expectDegraded(svc: Running, store: 'sql' | 'kv', error: RegExp): Promise<void> {
  await new Promise((r) => setTimeout(r, 1_500)); // the background preparation has tried at least once
  const res = await request(svc.base, 'PUT', `/data/${store}/greeting`, 'x', false);
  expect(res.status, svc.output()).toBe(503);
  expect(res.json).toMatchObject({ status: 'degraded', store });
  expect(String(res.json.error)).toMatch(error);
  expect((await fetch(`${svc.base}/readyz`)).status).toBe(200);
}

describe.skipIf(!HAS_MARIADB || !HAS_ETCD)('storage blocks against MariaDB and etcd [needs mariadb-server, etcd-server, etcd-client]', () => {
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'cn-storage-'));
    await writeFile(path.join(tmp, 'answers.yaml'), ANSWERS);
    const r = spawnSync(process.execPath, [CLI, 'init', path.join(tmp, 'repo'), '--yes', '--no-git', '--answers', path.join(tmp, 'answers.yaml')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    dir = path.join(tmp, 'repo');
    [db, etcd] = await Promise.all([startMariadb(), startEtcd()]);

    // etcd: root and `auth enable` as the script does it, then one user and role per service.
    bash(`. deploy/data/etcd/secrets.sh; ensure_root "$ROOT_PASSWORD"`, { ...etcdEnv(), ROOT_PASSWORD });
    configMaps['etcd-ca'] = { 'ca.crt': etcd.caPem };
    for (const s of ['orders', 'payments']) {
      const password = randomBytes(24).toString('hex');
      // The SQL the script pipes to the server, for this service and password.
      db.sql(bash(`. deploy/data/mysql/secrets.sh; grant_sql ${s} ${s} ${password}`));
      bash(`. deploy/data/etcd/secrets.sh; ensure_service ${s} /${s}/ "$PW"`, { ...etcdEnv(), ETCDCTL_USER: `root:${ROOT_PASSWORD}`, PW: password });
      secrets[`${s}-sql`] = { username: s, password };
      secrets[`${s}-kv`] = { username: s, password };
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([db?.stop(), etcd?.stop()]);
    if (dir) await rm(path.dirname(dir), { recursive: true, force: true });
  });

  test('the grants give each service its own database and nothing else', () => {
    const grants = db.sql("SHOW GRANTS FOR 'orders'@'%';");
    expect(grants).toMatch(/GRANT ALL PRIVILEGES ON `orders`\.\* TO `orders`@`%`/);
    expect(grants).not.toMatch(/`payments`/);
    expect(grants).not.toMatch(/ON \*\.\*.*(ALL|SELECT|INSERT)/);
  });

  test('node (orders): write then read through sql and kv; payments\' credentials are refused', async () => {
    const cwd = path.join(dir, 'services/orders');
    const run = (args: string[]) => {
      const r = spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 120_000 });
      if (r.status !== 0) throw new Error(`npm ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
    };
    run(['ci', '--no-audit', '--no-fund']);
    run(['run', 'build']);
    const svc = await startService(process.execPath, ['dist/src/main.js'], cwd, await chartEnv('orders'));
    try {
      await writeThenRead(svc, 'sql', 'hello from node');
      await writeThenRead(svc, 'kv', 'hello from node');
      const metrics = await (await fetch(`${svc.base}/metrics`)).text();
      expect(metrics).toMatch(/^http_requests_total\{method="PUT",route="\/data\/sql\/:key",status="200"\} 1$/m);
    } finally {
      await svc.stop();
    }
    // Another service's credentials, same database and prefix: the server refuses them.
    const stolen = { DB_USER: 'payments', DB_PASSWORD: passwordOf('payments-sql'), ETCD_USER: 'payments', ETCD_PASSWORD: passwordOf('payments-kv') };
    const thief = await startService(process.execPath, ['dist/src/main.js'], cwd, await chartEnv('orders', stolen));
    try {
      await expectDegraded(thief, 'sql', /denied/i);
      await expectDegraded(thief, 'kv', /permission denied/i);
    } finally {
      await thief.stop();
    }
    // The database is down (nothing listens): the service starts, stays ready, reports degraded.
    const down = await startService(process.execPath, ['dist/src/main.js'], cwd, await chartEnv('orders', { DB_PORT: String(await freePort()) }));
    try {
      await expectDegraded(down, 'sql', /ECONNREFUSED|connect/i);
    } finally {
      await down.stop();
    }
  }, 240_000);

  test.skipIf(!HAS_PYMYSQL)('python (payments): write then read through sql and kv; orders\' credentials are refused [needs python3-pymysql]', async () => {
    const cwd = path.join(dir, 'services/payments');
    const svc = await startService(DEBIAN_PYTHON, ['app.py'], cwd, await chartEnv('payments'));
    try {
      await writeThenRead(svc, 'sql', 'hello from python');
      await writeThenRead(svc, 'kv', 'hello from python');
    } finally {
      await svc.stop();
    }
    const stolen = { DB_USER: 'orders', DB_PASSWORD: passwordOf('orders-sql'), ETCD_USER: 'orders', ETCD_PASSWORD: passwordOf('orders-kv') };
    const thief = await startService(DEBIAN_PYTHON, ['app.py'], cwd, await chartEnv('payments', stolen));
    try {
      await expectDegraded(thief, 'sql', /denied/i);
      await expectDegraded(thief, 'kv', /permission denied/i);
    } finally {
      await thief.stop();
    }
  }, 120_000);
});
