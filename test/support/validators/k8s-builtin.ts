// Strict JSON Schemas for the built-in Kubernetes API (v1.32), derived from the OpenAPI-generated models of
// @kubernetes/client-node 1.1.x ("OpenAPI spec version: v1.32.0" in every model file). Each model lists its
// fields (attributeTypeMap: JSON name, type, format) and its .d.ts marks required fields; from that we build
// schemas with `additionalProperties: false`, which is how the API server's strict field validation treats
// unknown fields. Which group/version/kind is served comes from the REST paths of the generated API classes.
// The v2 OpenAPI carries no enums; those come from the kubernetes-models validators (see enumErrors).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { require } from './util.js';

type Schema = Record<string, unknown>;

export interface BuiltinApi {
  /** `group/version` (core: `v1`) → kind → model name. */
  served: Map<string, Map<string, string>>;
  groups: Set<string>;
  definitions: Record<string, Schema>;
}

// Fields whose OpenAPI type is resource.Quantity (int-or-string in YAML) but which the generated models
// flatten to `string`: `cpu: 1` is valid there.
const QUANTITY: Record<string, string[]> = {
  V1ResourceRequirements: ['limits', 'requests'],
  V1VolumeResourceRequirements: ['limits', 'requests'],
  V1EmptyDirVolumeSource: ['sizeLimit'],
  V1LimitRangeItem: ['default', 'defaultRequest', 'max', 'maxLimitRequestRatio', 'min'],
  V1ResourceQuotaSpec: ['hard'],
  V1ResourceQuotaStatus: ['hard', 'used'],
  V1PodSpec: ['overhead'],
  V1Overhead: ['podFixed'],
  V1PersistentVolumeSpec: ['capacity'],
  V1PersistentVolumeClaimStatus: ['capacity', 'allocatedResources'],
  V1CSIStorageCapacity: ['capacity', 'maximumVolumeSize'],
  V1NodeStatus: ['capacity', 'allocatable'],
};
const QUANTITY_SCHEMA: Schema = { type: ['string', 'number'] };

interface Attr {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

function typeSchema(t: string, format: string, model: string, field: string): Schema {
  if (QUANTITY[model]?.includes(field)) {
    return t.startsWith('{') ? { type: 'object', additionalProperties: QUANTITY_SCHEMA } : QUANTITY_SCHEMA;
  }
  const arr = /^Array<(.+)>$/.exec(t);
  if (arr) return { type: 'array', items: typeSchema(arr[1]!, '', model, field) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(t);
  if (map) return { type: 'object', additionalProperties: typeSchema(map[1]!, '', model, field) };
  switch (t) {
    case 'string':
      return { type: 'string' };
    case 'Date':
      return { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      return /^int/.test(format) ? { type: 'integer' } : { type: 'number' };
    case 'IntOrString':
      return { type: ['integer', 'string'] };
    case 'any':
    case 'object':
      return {};
    default:
      return { $ref: `#/definitions/${t}` };
  }
}

let cached: Promise<BuiltinApi> | undefined;

export function loadBuiltinApi(): Promise<BuiltinApi> {
  cached ??= load();
  return cached;
}

async function load(): Promise<BuiltinApi> {
  const root = path.dirname(require.resolve('@kubernetes/client-node/package.json'));
  const modelsDir = path.join(root, 'dist/gen/models');
  const apisDir = path.join(root, 'dist/gen/apis');
  const definitions: Record<string, Schema> = {};
  const names = (await readdir(modelsDir)).filter((f) => f.endsWith('.d.ts') && f !== 'all.d.ts' && !/^(ObjectSerializer|models)/.test(f));
  await Promise.all(
    names.map(async (f) => {
      const model = f.slice(0, -'.d.ts'.length);
      const js = await readFile(path.join(modelsDir, `${model}.js`), 'utf8').catch(() => '');
      const m = /\.attributeTypeMap = (\[[\s\S]*?\n\]);/.exec(js);
      if (!m) return;
      const attrs = JSON.parse(m[1]!) as Attr[];
      const dts = await readFile(path.join(modelsDir, f), 'utf8');
      // Required members are declared without `?` at class-member indentation.
      const required = new Set([...dts.matchAll(/^ {4}'([^']+)':/gm)].map((x) => x[1]!));
      const properties: Record<string, Schema> = {};
      const req: string[] = [];
      for (const a of attrs) {
        properties[a.baseName] = typeSchema(a.type, a.format, model, a.baseName);
        if (required.has(a.name)) req.push(a.baseName);
      }
      definitions[model] = { type: 'object', properties, additionalProperties: false, ...(req.length ? { required: req } : {}) };
    }),
  );
  // Served kinds: every collection POST path `/api/v1/...` or `/apis/<group>/<version>/...` with its body model.
  const served = new Map<string, Map<string, string>>();
  const groups = new Set<string>(['']);
  for (const f of (await readdir(apisDir)).filter((x) => /V\d\w*Api\.js$/.test(x))) {
    const js = await readFile(path.join(apisDir, f), 'utf8');
    // One chunk per request factory method, so that a GET path is never paired with a later method's body.
    for (const chunk of js.split('const localVarPath = ').slice(1)) {
      const m = /^'(\/apis?\/[^']+)'[\s\S]*?HttpMethod\.(\w+)[\s\S]*?ObjectSerializer\.serialize\(body, "(\w+)"/.exec(chunk);
      if (!m) continue;
      const [, p, method, model] = m as unknown as [string, string, string, string];
      if (method !== 'POST' || /\{name\}/.test(p)) continue;
      const seg = p.split('/').filter(Boolean);
      const gv = seg[0] === 'api' ? seg[1]! : `${seg[1]}/${seg[2]}`;
      const version = gv.split('/').pop()!;
      const vTok = version[0]!.toUpperCase() + version.slice(1);
      const i = model.indexOf(vTok);
      if (i < 0) continue;
      const kind = model.slice(i + vTok.length);
      if (!definitions[model]) continue;
      if (seg[0] === 'apis') groups.add(seg[1]!);
      const kinds = served.get(gv) ?? new Map<string, string>();
      kinds.set(kind, model);
      served.set(gv, kinds);
    }
  }
  return { served, groups, definitions };
}

/** Enum violations from the kubernetes-models validators (v1.27 API; used for enums only). */
export function enumErrors(apiVersion: string, kind: string, obj: unknown): string[] {
  let Cls: (new (d: unknown) => { validate(): void }) | undefined;
  try {
    const mod = require(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, new (d: unknown) => { validate(): void }>;
    Cls = mod[kind];
  } catch {
    return [];
  }
  if (!Cls) return [];
  try {
    new Cls(obj).validate();
    return [];
  } catch (e) {
    const errs = (e as { errors?: { keyword: string; instancePath: string; params?: { allowedValues?: unknown[] } }[] }).errors ?? [];
    return errs
      .filter((x) => x.keyword === 'enum' && x.instancePath !== '/apiVersion' && x.instancePath !== '/kind')
      .map((x) => `${x.instancePath || '/'}: must be one of ${JSON.stringify(x.params?.allowedValues ?? [])}`);
  }
}
