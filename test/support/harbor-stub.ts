// An in-memory Harbor v2.15 REST API (api/v2.0) for the bootstrap script's calls, enforcing the rules the real
// handlers apply to those calls, each cited from goharbor/harbor @v2.15.2 (the upstream source, read for this stub).
// It keeps just enough state for the script's GET-before-write logic, and records every request.
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Resource:action pairs a project-level robot may hold: PoliciesMap[ScopeProject] plus what NolimitProvider adds
 * for ScopeProject (src/common/rbac/const.go). `repository:scanner-pull` is not among them: it exists only for the
 * scanner's internal robot (const.go: "for robot account created by scanner to pull image").
 */
export const PROJECT_SCOPE_ACCESS: ReadonlySet<string> = new Set([
  'log:list',
  'project:read', 'project:delete', 'project:update',
  'metadata:read', 'metadata:create', 'metadata:delete', 'metadata:list', 'metadata:update',
  'repository:read', 'repository:update', 'repository:delete', 'repository:list', 'repository:pull', 'repository:push',
  'artifact:read', 'artifact:create', 'artifact:list', 'artifact:delete',
  'scan:create', 'scan:read', 'scan:stop',
  'sbom:create', 'sbom:stop', 'sbom:read',
  'tag:create', 'tag:list', 'tag:delete',
  'accessory:list',
  'artifact-addition:read',
  'artifact-label:create', 'artifact-label:delete',
  'scanner:create', 'scanner:read',
  'preheat-policy:read', 'preheat-policy:create', 'preheat-policy:delete', 'preheat-policy:list', 'preheat-policy:update',
  'immutable-tag:create', 'immutable-tag:delete', 'immutable-tag:list', 'immutable-tag:update',
  'notification-policy:read', 'notification-policy:create', 'notification-policy:delete', 'notification-policy:list', 'notification-policy:update',
  'tag-retention:read', 'tag-retention:create', 'tag-retention:delete', 'tag-retention:list', 'tag-retention:update',
  'label:read', 'label:create', 'label:delete', 'label:list', 'label:update',
  'quota:read',
  // NolimitProvider.GetPermissions(ScopeProject)
  'robot:create', 'robot:read', 'robot:list', 'robot:delete',
  'export-cve:create', 'export-cve:read',
  'member:create', 'member:read', 'member:update', 'member:list', 'member:delete',
]);

/** ProjectMetadata properties (api/v2.0/swagger.yaml, definitions.ProjectMetadata): all of type string. */
export const PROJECT_METADATA_KEYS: ReadonlySet<string> = new Set([
  'public', 'enable_content_trust', 'enable_content_trust_cosign', 'prevent_vul', 'severity', 'auto_scan',
  'auto_sbom_generation', 'reuse_sys_cve_allowlist', 'retention_id', 'proxy_speed_kb', 'max_upstream_conn',
  'proxy_cache_local_on_not_found',
]);

export interface Recorded {
  method: string;
  path: string;
  body: unknown;
}
interface Robot {
  id: number;
  /** Stored without the robot$ prefix: `<project>+<name>`. */
  name: string;
  level: string;
  duration: number;
  permissions: unknown;
  secret: string;
}

type Json = Record<string, any>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export class HarborStub {
  requests: Recorded[] = [];
  project: { id: number; name: string; metadata: Record<string, string> } | undefined;
  robots: Robot[] = [];
  immutable: unknown[] = [];
  scanners: { uuid: string; name: string; url: string }[] = [];
  /** `METHOD path` → [status, message]: forced failures. */
  failures = new Map<string, [number, string]>();
  nextId = 10;

  constructor(
    readonly admin: { user: string; password: string },
    /** The secret Harbor generates for a new robot (returned once by POST /robots). */
    readonly generatedSecret: string,
  ) {}

  reset(): void {
    this.requests = [];
    this.project = undefined;
    this.robots = [];
    this.immutable = [];
    this.scanners = [];
    this.failures.clear();
    this.nextId = 10;
  }

  handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname.replace(/^\/api\/v2\.0/, '');
    const method = req.method ?? '';
    let parsed: Json | undefined;
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    // Harbor's error body (src/server/error/error.go): {"errors":[{"code":..,"message":..}]}.
    const error = (status: number, message: string) => send(status, { errors: [{ code: String(status), message }] });
    try {
      parsed = body ? (JSON.parse(body) as Json) : undefined;
    } catch {
      this.requests.push({ method, path: p + url.search, body });
      return error(400, 'parsing body failed');
    }
    this.requests.push({ method, path: p + url.search, body: parsed });

    const expected = `Basic ${Buffer.from(`${this.admin.user}:${this.admin.password}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return error(401, 'unauthorized');
    const forced = this.failures.get(`${method} ${p}`);
    if (forced) return error(forced[0], forced[1]);

    const projectPath = /^\/projects\/([^/]+)$/.exec(p);
    if (projectPath && method === 'GET') {
      if (!this.project || decodeURIComponent(projectPath[1]!) !== this.project.name) return error(404, `project ${projectPath[1]} not found`);
      return send(200, { project_id: this.project.id, name: this.project.name, metadata: this.project.metadata });
    }
    if (p === '/projects' && method === 'POST') {
      const bad = this.projectReqError(parsed, true);
      if (bad) return error(bad[0], bad[1]);
      if (this.project) return error(409, `the project named ${parsed!.project_name} already exists`);
      // handler/project.go CreateProject: metadata.public defaults to "false".
      this.project = { id: 3, name: parsed!.project_name as string, metadata: { public: 'false', ...this.knownMetadata(parsed!.metadata) } };
      return send(201, undefined, { location: `/api/v2.0/projects/${this.project.id}` });
    }
    if (projectPath && method === 'PUT') {
      if (!this.project || decodeURIComponent(projectPath[1]!) !== this.project.name) return error(404, 'project not found');
      const bad = this.projectReqError(parsed, false);
      if (bad) return error(bad[0], bad[1]);
      // UpdateProject copies the given metadata over the stored one (lib.JSONCopy).
      Object.assign(this.project.metadata, this.knownMetadata(parsed!.metadata));
      return send(200);
    }

    if (p === '/robots' && method === 'GET') {
      // ListRobot: q=Level=project requires a positive ProjectID (handler/robot.go).
      const q = Object.fromEntries((url.searchParams.get('q') ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
      if (q.Level !== undefined && q.Level !== 'system' && q.Level !== 'project') return error(400, 'bad request error level input');
      if (q.Level === 'project' && !/^[1-9][0-9]*$/.test(q.ProjectID ?? '')) return error(400, 'ProjectID must be a positive integer');
      const found = this.robots.filter((r) => (q.name === undefined || r.name === q.name) && (q.Level === 'project' ? this.project?.id === Number(q.ProjectID) : r.level === 'system'));
      // Go's JSON encoding of the generated models.Robot: compact, fields in alphabetical order; the name carries
      // the robot$ prefix (controller/robot populate).
      return send(200, found.map((r) => ({ creation_time: '2026-01-01T00:00:00.000Z', disable: false, duration: r.duration, id: r.id, level: r.level, name: `robot$${r.name}`, permissions: r.permissions })));
    }
    if (p === '/robots' && method === 'POST') {
      const bad = robotNameError(parsed?.name) ?? this.robotError(parsed);
      if (bad) return error(400, bad);
      const ns = parsed!.permissions[0].namespace as string;
      // robot.SetProject: the permission's namespace must be an existing project.
      if (!this.project || ns !== this.project.name) return error(404, `project ${ns} not found`);
      const name = `${ns}+${parsed!.name}`;
      if (this.robots.some((r) => r.name === name)) return error(409, `robot account ${name} already exists`);
      const robot: Robot = { id: this.nextId++, name, level: parsed!.level, duration: parsed!.duration, permissions: parsed!.permissions, secret: this.generatedSecret };
      this.robots.push(robot);
      return send(201, { id: robot.id, name: `robot$${name}`, secret: robot.secret }, { location: `/api/v2.0/robots/${robot.id}` });
    }
    const robotPath = /^\/robots\/(\d+)$/.exec(p);
    if (robotPath) {
      const robot = this.robots.find((r) => r.id === Number(robotPath[1]));
      if (!robot) return error(404, 'robot not found');
      if (method === 'PUT') {
        // updateV2Robot: validate(), same project, and neither the level nor the (prefixed) name may change.
        const bad = this.robotError(parsed);
        if (bad) return error(400, bad);
        if (parsed!.permissions[0].namespace !== robot.name.split('+')[0]) return error(400, 'cannot update the project id of robot');
        if (parsed!.level !== robot.level || parsed!.name !== `robot$${robot.name}`) return error(400, 'cannot update the level or name of robot');
        robot.permissions = parsed!.permissions;
        robot.duration = parsed!.duration;
        return send(200);
      }
      if (method === 'PATCH') {
        // RefreshSec with a secret: robot.IsValidSec (src/controller/robot/controller.go): 8-128 characters with an
        // upper case letter, a lower case letter and a digit.
        const s = parsed?.secret;
        if (typeof s !== 'string' || s.length < 8 || s.length > 128 || !/[a-z]/.test(s) || !/[A-Z]/.test(s) || !/[0-9]/.test(s)) {
          return error(400, 'the secret must be 8-128, inclusively, characters long with at least 1 uppercase letter, 1 lowercase letter and 1 number');
        }
        robot.secret = s;
        return send(200, {});
      }
    }

    if (this.project && p === `/projects/${this.project.name}/immutabletagrules`) {
      if (method === 'GET') return send(200, this.immutable);
      if (method === 'POST') {
        this.immutable.push({ id: this.nextId++, ...parsed });
        return send(201);
      }
    }
    if (p === '/retentions' && method === 'POST') {
      // CreateRetention (handler/retention.go): at most 15 rules, project scope with an existing project id, and one
      // policy per project (400 "project ... already has retention policy").
      if (!Array.isArray(parsed?.rules) || parsed!.rules.length > 15) return error(400, 'only 15 rules are allowed at most');
      if (parsed!.scope?.level !== 'project') return error(400, `scope ${parsed!.scope?.level} is not support`);
      if (!this.project || parsed!.scope.ref !== this.project.id) return error(400, `invalid Project id ${parsed!.scope.ref}`);
      if (this.project.metadata.retention_id) return error(400, `project ${this.project.id} already has retention policy ${this.project.metadata.retention_id}`);
      this.project.metadata.retention_id = '5';
      return send(201, undefined, { location: '/api/v2.0/retentions/5' });
    }
    if (p === '/retentions/5' && method === 'PUT') return send(200);
    if (p === '/scanners' && method === 'GET') {
      const name = /(?:^|,)name=([^,]+)/.exec(url.searchParams.get('q') ?? '')?.[1];
      return send(200, this.scanners.filter((s) => name === undefined || s.name === name));
    }
    if (p === '/scanners' && method === 'POST') {
      // ScannerRegistrationReq: name and url are required (swagger).
      if (typeof parsed?.name !== 'string' || typeof parsed.url !== 'string') return error(422, 'name and url are required');
      if (this.scanners.some((s) => s.name === parsed!.name)) return error(409, `scanner ${parsed.name} already exists`);
      this.scanners.push({ uuid: 'c1a1r-uuid', name: parsed.name, url: parsed.url });
      return send(201);
    }
    if (this.project && p === `/projects/${this.project.name}/scanner` && method === 'PUT') {
      if (!this.scanners.some((s) => s.uuid === parsed?.uuid)) return error(400, 'scanner not found');
      return send(200);
    }
    return error(404, `no route ${method} ${p}`);
  }

  /**
   * ProjectReq checks (handler/project.go CreateProject / validateProjectReq, swagger ProjectMetadata): metadata values
   * are strings (go-swagger answers 422 to another JSON type), metadata.public is "true" or "false", and a new
   * project carries no retention_id.
   */
  private projectReqError(req: Json | undefined, creating: boolean): [number, string] | undefined {
    if (!isObject(req)) return [422, 'body is required'];
    if (creating && (typeof req.project_name !== 'string' || !/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(req.project_name))) return [400, 'invalid project name'];
    const md = req.metadata;
    if (md === undefined) return undefined;
    if (!isObject(md)) return [422, 'metadata in body must be of type object'];
    for (const [k, v] of Object.entries(md)) if (PROJECT_METADATA_KEYS.has(k) && typeof v !== 'string') return [422, `metadata.${k} in body must be of type string`];
    if (md.public !== undefined && md.public !== 'true' && md.public !== 'false') return [400, `metadata.public should only be 'true' or 'false', but got: '${md.public}'`];
    if (creating && md.retention_id) return [400, "the retention_id in the request's payload when creating a project should be omitted"];
    return undefined;
  }

  /** go-swagger decodes metadata into the ProjectMetadata struct: keys it does not declare are dropped silently. */
  private knownMetadata(md: unknown): Record<string, string> {
    return Object.fromEntries(Object.entries(isObject(md) ? md : {}).filter(([k]) => PROJECT_METADATA_KEYS.has(k))) as Record<string, string>;
  }

  /** robotAPI.validate (handler/robot.go, v2.15.2). */
  private robotError(r: Json | undefined): string | undefined {
    if (!isObject(r)) return 'bad request';
    const d = r.duration;
    if (!(d === -1 || (Number.isInteger(d) && d > 0 && d < 2 ** 31 - 1))) return `bad request error duration input: ${d}, duration must be either -1(Never) or a positive integer`;
    if (r.level !== 'system' && r.level !== 'project') return `bad request error level input: ${r.level}`;
    const perms = r.permissions;
    if (!Array.isArray(perms) || perms.length === 0 || perms.some((x) => !isObject(x))) return 'bad request empty permission';
    if (perms.some((x: Json) => !Array.isArray(x.access) || x.access.length === 0 || x.access.some((a: unknown) => !isObject(a)))) return 'bad request empty access';
    if (r.level === 'project' && perms.length > 1) return 'bad request permission';
    for (const perm of perms as Json[]) {
      if (perm.kind !== 'project') return perm.kind === 'system' ? 'this stub serves project robots only' : `bad request permission level: ${perm.kind}`;
      for (const a of perm.access as Json[]) if (!PROJECT_SCOPE_ACCESS.has(`${a.resource}:${a.action}`)) return `bad request permission: ${a.resource}:${a.action}`;
    }
    return undefined;
  }
}

/** validateName (handler/robot.go): lower case, no '+'. */
function robotNameError(name: unknown): string | undefined {
  return typeof name === 'string' && /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(name) ? undefined : 'robot name is not in lower case or contains illegal characters';
}
