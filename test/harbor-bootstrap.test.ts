// The Harbor bootstrap script (deploy/harbor/bootstrap.sh, issue #5) against a stub of Harbor's REST API v2.0
// on 127.0.0.1: it sends the documented requests (paths, methods, bodies), converges on a second run without
// creating anything twice, never prints a secret, and stops with a clear message on a non-2xx answer.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { readAnswersText } from '../src/config/sources.js';
import { renderProject } from '../src/generate.js';

const ADMIN_PASSWORD = 'Adm1n"pa\\ss word';
const CI_SECRET = 'CiRobot-Secret-123';
const CLUSTER_SECRET = 'ClusterRobot-Secret-456';
const GENERATED_SECRET = 'HarborGeneratedRandom999';

interface Recorded {
  method: string;
  path: string;
  body: unknown;
}

/** A small in-memory Harbor: just enough state for the bootstrap's GET-before-write logic. */
class FakeHarbor {
  requests: Recorded[] = [];
  project: { id: number; metadata: Record<string, string> } | undefined;
  robots = new Map<string, { id: number; permissions: unknown; secret: string }>();
  immutable: unknown[] = [];
  scanners: { uuid: string; name: string }[] = [];
  /** `METHOD path` → [status, message]: forced failures. */
  failures = new Map<string, [number, string]>();
  nextId = 10;

  reset(): void {
    this.requests = [];
    this.project = undefined;
    this.robots.clear();
    this.immutable = [];
    this.scanners = [];
    this.failures.clear();
    this.nextId = 10;
  }

  handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname.replace(/^\/api\/v2\.0/, '');
    const parsed = body ? (JSON.parse(body) as Record<string, any>) : undefined;
    this.requests.push({ method: req.method ?? '', path: p + url.search, body: parsed });
    const send = (status: number, payload?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    const error = (status: number, message: string) => send(status, { errors: [{ code: String(status), message }] });

    const expected = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return error(401, 'unauthorized');
    const forced = this.failures.get(`${req.method} ${p}`);
    if (forced) return error(forced[0], forced[1]);

    if (p === '/projects/shop' && req.method === 'GET') {
      if (!this.project) return error(404, 'project shop not found');
      return send(200, { project_id: this.project.id, name: 'shop', metadata: this.project.metadata });
    }
    if (p === '/projects' && req.method === 'POST') {
      if (this.project) return error(409, 'project exists');
      this.project = { id: 3, metadata: { ...parsed!.metadata } };
      return send(201);
    }
    if (p === '/projects/shop' && req.method === 'PUT') {
      Object.assign(this.project!.metadata, parsed!.metadata);
      return send(200);
    }
    if (p === '/robots' && req.method === 'GET') {
      const q = url.searchParams.get('q') ?? '';
      const name = /(?:^|,)name=([^,]+)/.exec(q)?.[1];
      const r = name ? this.robots.get(name) : undefined;
      // Go's JSON encoding of models.Robot: compact, fields in alphabetical order.
      return send(200, r ? [{ creation_time: '2026-01-01T00:00:00.000Z', disable: false, duration: -1, id: r.id, level: 'project', name: `robot$${name}`, permissions: r.permissions }] : []);
    }
    if (p === '/robots' && req.method === 'POST') {
      const id = this.nextId++;
      this.robots.set(`shop+${parsed!.name}`, { id, permissions: parsed!.permissions, secret: GENERATED_SECRET });
      return send(201, { id, name: `robot$shop+${parsed!.name}`, secret: GENERATED_SECRET });
    }
    const robot = /^\/robots\/(\d+)$/.exec(p);
    if (robot) {
      const entry = [...this.robots.values()].find((r) => r.id === Number(robot[1]));
      if (!entry) return error(404, 'robot not found');
      if (req.method === 'PUT') entry.permissions = parsed!.permissions;
      if (req.method === 'PATCH') entry.secret = parsed!.secret;
      return send(200, req.method === 'PATCH' ? {} : undefined);
    }
    if (p === '/projects/shop/immutabletagrules') {
      if (req.method === 'GET') return send(200, this.immutable);
      this.immutable.push({ id: this.nextId++, ...parsed });
      return send(201);
    }
    if (p === '/retentions' && req.method === 'POST') {
      if (this.project!.metadata.retention_id) return error(400, 'project already has retention policy');
      this.project!.metadata.retention_id = '5';
      return send(201);
    }
    if (p === '/retentions/5' && req.method === 'PUT') return send(200);
    if (p === '/scanners' && req.method === 'GET') return send(200, this.scanners);
    if (p === '/scanners' && req.method === 'POST') {
      this.scanners.push({ uuid: 'c1a1r-uuid', name: parsed!.name });
      return send(201);
    }
    if (p === '/projects/shop/scanner' && req.method === 'PUT') return send(200);
    return error(404, `no route ${req.method} ${p}`);
  }
}

const harbor = new FakeHarbor();
let server: Server;
let baseUrl = '';
let work = '';
const scripts: Record<string, string> = {};

function renderScript(sets: string): string {
  const raw = readAnswersText(
    `project: { name: shop }\nservices:\n  - { name: api, language: node, port: 8080 }\n${sets}`,
    'answers.yaml',
  );
  const file = renderProject(raw, catalog).tree.get('deploy/harbor/bootstrap.sh');
  if (!file) throw new Error('no deploy/harbor/bootstrap.sh in the tree');
  return file.content;
}

function run(script: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [script], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HARBOR_URL: baseUrl,
        HARBOR_ADMIN_PASSWORD: ADMIN_PASSWORD,
        CI_ROBOT_SECRET: CI_SECRET,
        CLUSTER_ROBOT_SECRET: CLUSTER_SECRET,
        ...env,
      },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const writes = () => harbor.requests.filter((r) => r.method !== 'GET');
const find = (method: string, prefix: string) => harbor.requests.filter((r) => r.method === method && r.path.startsWith(prefix));
const exact = (method: string, p: string) => harbor.requests.filter((r) => r.method === method && r.path === p);

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => harbor.handle(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  work = await mkdtemp(path.join(os.tmpdir(), 'cn-harbor-bootstrap-'));
  const variants = {
    cosign: '',
    clair: 'registry: { harbor: { scanner: clair, scanSeverity: critical, immutableTags: "release-*", retainLatest: 7 } }\ndistribution: { signer: notation, admission: none }\n',
  };
  for (const [name, sets] of Object.entries(variants)) {
    scripts[name] = path.join(work, `${name}.sh`);
    await writeFile(scripts[name]!, renderScript(sets), { mode: 0o755 });
  }
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (work) await rm(work, { recursive: true, force: true });
});

beforeEach(() => harbor.reset());

describe('bootstrap.sh against a stub Harbor API', () => {
  test('passes shellcheck', () => {
    const r = spawnSync('shellcheck', ['-S', 'style', scripts.cosign!, scripts.clair!], { encoding: 'utf8' });
    if (r.error) return; // shellcheck is installed by .ci/apt-packages; the output validators also run it
    expect(r.stdout + r.stderr, 'shellcheck findings').toBe('');
  });

  test('first run creates the project, robots, immutability rule and retention policy', async () => {
    const r = await run(scripts.cosign!);
    expect(r.code, r.err).toBe(0);

    const createProject = exact('POST', '/projects');
    expect(createProject).toHaveLength(1);
    expect(createProject[0]!.body).toEqual({
      project_name: 'shop',
      metadata: {
        public: 'false',
        auto_scan: 'true',
        prevent_vul: 'true',
        severity: 'high',
        // Default signer cosign: Harbor must require a cosign signature, not a Notation one (CR-13).
        enable_content_trust: 'false',
        enable_content_trust_cosign: 'true',
      },
    });

    const robots = find('POST', '/robots');
    expect(robots.map((x) => (x.body as any).name)).toEqual(['ci', 'cluster']);
    const actions = (i: number) => (robots[i]!.body as any).permissions[0].access.map((a: any) => `${a.resource}:${a.action}`).sort();
    expect(actions(0)).toEqual(['repository:pull', 'repository:push', 'repository:scanner-pull']);
    expect(actions(1)).toEqual(['repository:pull']);
    for (const x of robots) expect((x.body as any).permissions[0]).toMatchObject({ kind: 'project', namespace: 'shop' });
    expect((robots[0]!.body as any).level).toBe('project');
    // Secrets are never sent on creation (Harbor ignores them there); they are set with PATCH afterwards.
    expect(robots.every((x) => !('secret' in (x.body as object)))).toBe(true);
    expect(find('PATCH', '/robots/').map((x) => x.body)).toEqual([{ secret: CI_SECRET }, { secret: CLUSTER_SECRET }]);
    expect([...harbor.robots.values()].map((x) => x.secret)).toEqual([CI_SECRET, CLUSTER_SECRET]);

    const immutable = find('POST', '/projects/shop/immutabletagrules');
    expect(immutable).toHaveLength(1);
    expect(immutable[0]!.body).toMatchObject({
      action: 'immutable',
      template: 'immutable_template',
      tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'v*' }],
      scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
    });

    const retention = find('POST', '/retentions');
    expect(retention).toHaveLength(1);
    expect(retention[0]!.body).toMatchObject({
      algorithm: 'or',
      rules: [{ action: 'retain', template: 'latestPushedK', params: { latestPushedK: 20 } }],
      trigger: { kind: 'Schedule' },
      scope: { level: 'project', ref: 3 },
    });
    // Trivy is built in: no scanner registration.
    expect(find('POST', '/scanners')).toHaveLength(0);
    expect(r.out + r.err).not.toContain(GENERATED_SECRET);
    expect(r.out + r.err).not.toContain(CI_SECRET);
    expect(r.out + r.err).not.toContain(ADMIN_PASSWORD);
  });

  test('a second run creates nothing and converges with PUT/PATCH', async () => {
    expect((await run(scripts.cosign!)).code).toBe(0);
    const first = harbor.requests.length;
    harbor.requests = [];
    const r = await run(scripts.cosign!);
    expect(r.code, r.err).toBe(0);
    expect(first).toBeGreaterThan(0);
    expect(find('POST', '/')).toEqual([]);
    expect(writes().map((x) => `${x.method} ${x.path}`)).toEqual([
      'PUT /projects/shop',
      'PUT /robots/10',
      'PATCH /robots/10',
      'PUT /robots/11',
      'PATCH /robots/11',
      'PUT /retentions/5',
    ]);
    // The update keeps the robot's full name (Harbor refuses a rename) and least-privilege permissions.
    expect(find('PUT', '/robots/11')[0]!.body).toMatchObject({ name: 'robot$shop+cluster', level: 'project', duration: -1 });
    expect(harbor.robots.size).toBe(2);
    expect(harbor.immutable).toHaveLength(1);
  });

  test('options reach the API: severity, tags, retention, Notation content trust, Clair adapter', async () => {
    const r = await run(scripts.clair!);
    expect(r.code, r.err).toBe(0);
    expect((exact('POST', '/projects')[0]!.body as any).metadata).toMatchObject({
      severity: 'critical',
      enable_content_trust: 'true',
      enable_content_trust_cosign: 'false',
    });
    expect((find('POST', '/projects/shop/immutabletagrules')[0]!.body as any).tag_selectors[0].pattern).toBe('release-*');
    expect((find('POST', '/retentions')[0]!.body as any).rules[0].params).toEqual({ latestPushedK: 7 });
    expect(find('POST', '/scanners')[0]!.body).toMatchObject({ name: 'Clair', url: 'http://harbor-scanner-clair.harbor.svc:8080' });
    expect(find('PUT', '/projects/shop/scanner')[0]!.body).toEqual({ uuid: 'c1a1r-uuid' });
    harbor.requests = [];
    expect((await run(scripts.clair!)).code).toBe(0);
    expect(find('POST', '/')).toEqual([]);
  });

  test('a non-2xx answer stops the script with the failing call and Harbor\'s message', async () => {
    harbor.failures.set('PUT /projects/shop', [500, 'database is down']);
    harbor.project = { id: 3, metadata: {} };
    const r = await run(scripts.cosign!);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('harbor-bootstrap: update project shop failed: HTTP 500: database is down');
    // Nothing after the failure was attempted.
    expect(find('POST', '/robots')).toEqual([]);
  });

  test('wrong credentials fail clearly, and missing secrets are refused before any request', async () => {
    const bad = await run(scripts.cosign!, { HARBOR_ADMIN_PASSWORD: 'wrong' });
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('read project shop failed: HTTP 401: unauthorized');

    harbor.requests = [];
    const missing = await run(scripts.cosign!, { CI_ROBOT_SECRET: '' });
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/CI_ROBOT_SECRET/);
    expect(harbor.requests).toEqual([]);
  });
});
