// The Harbor bootstrap script (deploy/harbor/bootstrap.sh) against a stub of Harbor's REST API v2.0 on 127.0.0.1
// that enforces Harbor v2.15's rules for every call the script makes (test/support/harbor-stub.ts: robot
// permissions per scope, project metadata keys and types, secrets, status codes): the script's requests are
// accepted, it converges on a second run without creating anything twice, never prints a secret, and stops with
// a clear message on a non-2xx answer.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { readAnswersText } from '../src/config/sources.js';
import { renderProject } from '../src/generate.js';
import { HarborStub, PROJECT_SCOPE_ACCESS } from './support/harbor-stub.js';

const ADMIN_PASSWORD = 'Adm1n"pa\\ss word';
const CI_SECRET = 'CiRobot-Secret-123';
const CLUSTER_SECRET = 'ClusterRobot-Secret-456';
const GENERATED_SECRET = 'HarborGeneratedRandom999';

const harbor = new HarborStub({ user: 'admin', password: ADMIN_PASSWORD }, GENERATED_SECRET);
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
    // Least privilege, and only actions of Harbor's project scope (a scanner-pull would be refused with 400).
    expect(actions(0)).toEqual(['repository:pull', 'repository:push']);
    expect(actions(1)).toEqual(['repository:pull']);
    for (const x of robots) expect((x.body as any).permissions[0]).toMatchObject({ kind: 'project', namespace: 'shop' });
    expect((robots[0]!.body as any).level).toBe('project');
    // Secrets are never sent on creation (Harbor ignores them there); they are set with PATCH afterwards.
    expect(robots.every((x) => !('secret' in (x.body as object)))).toBe(true);
    expect(find('PATCH', '/robots/').map((x) => x.body)).toEqual([{ secret: CI_SECRET }, { secret: CLUSTER_SECRET }]);
    expect(harbor.robots.map((x) => x.secret)).toEqual([CI_SECRET, CLUSTER_SECRET]);

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
    // What Harbor stored (it drops metadata keys it does not know): exactly the policy the script meant.
    expect(harbor.project!.metadata).toEqual({ ...(createProject[0]!.body as { metadata: object }).metadata, retention_id: '5' });
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
    expect(harbor.robots).toHaveLength(2);
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
    harbor.project = { id: 3, name: 'shop', metadata: {} };
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

  test('every robot action the scripts request is in Harbor\'s project scope', () => {
    for (const [name, file] of Object.entries(scripts)) {
      const actions = [...readFileSync(file, 'utf8').matchAll(/\{"resource":"([^"]+)","action":"([^"]+)"\}/g)].map((m) => `${m[1]}:${m[2]}`);
      expect(actions.length, name).toBeGreaterThan(0);
      for (const a of actions) expect(PROJECT_SCOPE_ACCESS.has(a), `${name}: ${a}`).toBe(true);
    }
  });

  test('the stub refuses what Harbor refuses: the scanner-pull action, a weak robot secret', async () => {
    // The CI robot as generated before: Harbor answers 400 and the script stops before any later step.
    const old = path.join(work, 'scanner-pull.sh');
    const text = readFileSync(scripts.cosign!, 'utf8');
    const patched = text.replace('{"resource":"repository","action":"pull"}]', '{"resource":"repository","action":"pull"},{"resource":"repository","action":"scanner-pull"}]');
    expect(patched).not.toBe(text);
    await writeFile(old, patched, { mode: 0o755 });
    const refused = await run(old);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('create robot shop+ci failed: HTTP 400: bad request permission: repository:scanner-pull');
    expect(find('POST', '/projects/shop/immutabletagrules')).toEqual([]);

    harbor.reset();
    const weak = await run(scripts.cosign!, { CI_ROBOT_SECRET: 'alllowercase1' });
    expect(weak.code).not.toBe(0);
    expect(weak.err).toContain('set the secret of robot shop+ci failed: HTTP 400: the secret must be 8-128');
  });
});
