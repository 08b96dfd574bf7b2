// Real data servers for behaviour tests, from Debian packages (.ci/apt-packages): MariaDB 10.11 (MySQL
// protocol) and etcd 3.4, each started on loopback with a temporary data directory and random ports,
// never as a system service. Stopped (and their directories removed) by the returned stop().
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { freePort } from './cli.js';
import os from 'node:os';
import path from 'node:path';

export { freePort };

export const hasCommand = (cmd: string, args = ['--version']) => {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
  return r.error === undefined && r.status === 0;
};
export const HAS_MARIADB = hasCommand('mariadbd', ['--version']) && hasCommand('which', ['mariadb-install-db']);
export const HAS_ETCD = hasCommand('etcd', ['--version']) && hasCommand('etcdctl', ['version']) && hasCommand('openssl', ['version']);


async function waitForPort(port: number, child: ChildProcess, log: () => string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: '127.0.0.1', port }, () => (s.end(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port} after ${ms} ms:\n${log()}`);
}

function started(cmd: string, args: string[]): { child: ChildProcess; log: () => string } {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, log: () => out.slice(-4000) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export interface Mariadb {
  port: number;
  /** Runs SQL as root through the server's socket (the way an administrator would). */
  sql(statements: string): string;
  stop(): Promise<void>;
}

export async function startMariadb(): Promise<Mariadb> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cn-mariadb-'));
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  const init = spawnSync(
    'mariadb-install-db',
    ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--user=root'],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (init.status !== 0) throw new Error(`mariadb-install-db failed:\n${init.stdout}\n${init.stderr}`);
  const port = await freePort();
  const { child, log } = started('mariadbd', [
    '--no-defaults',
    `--datadir=${data}`,
    `--socket=${socket}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    '--skip-name-resolve',
    `--pid-file=${path.join(dir, 'mysqld.pid')}`,
    '--user=root',
    '--innodb-buffer-pool-size=32M',
  ]);
  try {
    await waitForPort(port, child, log);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  const db: Mariadb = {
    port,
    sql(statements) {
      const r = spawnSync('mariadb', ['--no-defaults', `--socket=${socket}`, '-uroot', '--batch'], { input: statements, encoding: 'utf8', timeout: 30_000 });
      if (r.status !== 0) throw new Error(`mariadb failed: ${r.stderr}`);
      return r.stdout;
    },
    async stop() {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
  // Anonymous accounts would match any user name from localhost before the services' own '%' users.
  db.sql("DROP USER IF EXISTS ''@'localhost'; DROP USER IF EXISTS ''@'127.0.0.1';");
  return db;
}

export interface Etcd {
  endpoint: string;
  caPem: string;
  caFile: string;
  stop(): Promise<void>;
}

/**
 * A one-member etcd with TLS on the client port (server certificate from a throwaway CA made with
 * openssl; no --trusted-ca-file, as in the generated chart: clients authenticate with passwords).
 */
export async function startEtcd(): Promise<Etcd> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cn-etcd-'));
  const f = (n: string) => path.join(dir, n);
  const ssl = (args: string[]) => {
    const r = spawnSync('openssl', args, { encoding: 'utf8', cwd: dir, timeout: 30_000 });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  ssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=test-ca']);
  ssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  await writeFile(f('san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'san.cnf']);
  const [port, peer] = [await freePort(), await freePort()];
  const endpoint = `https://127.0.0.1:${port}`;
  const { child, log } = started('etcd', [
    '--name=test',
    `--data-dir=${f('data')}`,
    `--listen-client-urls=${endpoint}`,
    `--advertise-client-urls=${endpoint}`,
    `--listen-peer-urls=http://127.0.0.1:${peer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
    `--initial-cluster=test=http://127.0.0.1:${peer}`,
    `--cert-file=${f('server.crt')}`,
    `--key-file=${f('server.key')}`,
  ]);
  try {
    await waitForPort(port, child, log);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  const { readFile } = await import('node:fs/promises');
  return {
    endpoint,
    caPem: await readFile(f('ca.crt'), 'utf8'),
    caFile: f('ca.crt'),
    async stop() {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
