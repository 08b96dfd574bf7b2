// Check 3: every Kubernetes object (plain manifests and rendered charts) against a STRICT schema for its
// apiVersion/kind: built-in kinds from the v1.32 models (k8s-builtin.ts), custom resources from CRDs defined
// in the tree, else from the raw CRD schemas carried by @kubernetes-models/* npm packages. Unknown fields fail,
// like `kubectl apply` with the API server's default strict field validation. Kinds with no schema are listed
// as not validated, never passed.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { readdir, readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { parseAllDocuments } from 'yaml';
import path from 'node:path';
import type { K8sObject, Tree } from '../inventory.js';
import { objectLabel } from '../inventory.js';
import { enumErrors, loadBuiltinApi, type BuiltinApi } from '../k8s-builtin.js';
import { isObj, packageDir, require } from '../util.js';
import { SUBSET_SCHEMAS } from '../crd-subsets.js';

type Schema = Record<string, unknown>;
const CHECK = 'k8s-schema';
const META_REF = { $ref: 'k8s#/definitions/V1ObjectMeta' };

let ajv: Ajv | undefined;
function getAjv(api: BuiltinApi): Ajv {
  if (!ajv) {
    // validateFormats off: OpenAPI formats (int32, int-or-string, byte...) are not JSON Schema formats.
    ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema({ $id: 'k8s', definitions: api.definitions });
  }
  return ajv;
}

/** Ajv errors as `path: message`, naming the unknown field for additionalProperties. */
export function ajvMessages(errors: ErrorObject[] | null | undefined): string[] {
  const out = new Set<string>();
  for (const e of errors ?? []) {
    const at = e.instancePath || '/';
    if (e.keyword === 'additionalProperties') out.add(`${at}: unknown field "${String(e.params.additionalProperty)}"`);
    else if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf') out.add(`${at}: ${e.message}`);
    else out.add(`${at}: ${e.message}${e.keyword === 'enum' ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}`);
  }
  return [...out];
}

/**
 * Converts a CRD openAPIV3Schema to a strict JSON Schema: objects that declare `properties` reject other
 * fields unless they preserve unknown fields or declare additionalProperties, as the API server prunes/rejects.
 */
export function strictify(s: unknown, root = false): Schema {
  if (!isObj(s)) return {};
  if (s['x-kubernetes-int-or-string'] === true) return { anyOf: [{ type: 'integer' }, { type: 'string' }] };
  const out: Schema = { ...s };
  if (isObj(s.properties)) {
    const props: Record<string, Schema> = {};
    for (const [k, v] of Object.entries(s.properties)) props[k] = strictify(v);
    if (s['x-kubernetes-embedded-resource'] === true || root) {
      props.apiVersion ??= { type: 'string' };
      props.kind ??= { type: 'string' };
      props.metadata = META_REF;
    }
    out.properties = props;
    if (s.additionalProperties === undefined && s['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  }
  if (isObj(s.additionalProperties)) out.additionalProperties = strictify(s.additionalProperties);
  if (isObj(s.items)) out.items = strictify(s.items);
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) if (Array.isArray(s[k])) out[k] = (s[k] as unknown[]).map((x) => strictify(x));
  if (isObj(s.not)) out.not = strictify(s.not);
  return out;
}

/**
 * The raw schemas of the npm packages lost `x-kubernetes-preserve-unknown-fields`; what it marked is left as
 * an object with no declared properties (e.g. Argo Rollouts `trafficRouting.plugins`, free-form per plugin).
 * Such an object takes any field: it has nothing to check it against.
 */
function openFreeForm(s: unknown): Schema {
  if (Array.isArray(s)) return s.map(openFreeForm) as unknown as Schema;
  if (!isObj(s)) return s as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) out[k] = k === 'properties' && isObj(v) ? Object.fromEntries(Object.entries(v).map(([p, x]) => [p, openFreeForm(x)])) : openFreeForm(v);
  if (s.type === 'object' && isObj(s.properties) && Object.keys(s.properties).length === 0 && s.additionalProperties === undefined) out['x-kubernetes-preserve-unknown-fields'] = true;
  return out;
}

// @kubernetes-models packages whose model files embed the raw (non-compiled) CRD schema; the schema has
// lost its x-kubernetes-* markers, so strictify treats every object with properties as closed.
const RAW_SCHEMA_PACKAGES = [
  '@kubernetes-models/argo-rollouts',
  '@kubernetes-models/prometheus-operator',
  '@kubernetes-models/istio',
  '@kubernetes-models/gateway-api',
];
// Schemas of those packages that lag behind the CRD of the version the generated files target. The
// argo-rollouts model embeds an old pod spec (no lifecycle sleep action); Argo Rollouts v1.9.1's CRD
// (argoproj/argo-rollouts manifests/crds/rollout-crd.yaml) embeds the pod spec of k8s.io/api v0.34, so
// the Rollout's pod template is checked against the built-in PodSpec of the Kubernetes version here.
const SCHEMA_PATCHES: Record<string, (raw: Schema) => void> = {
  'argoproj.io/v1alpha1/Rollout': (raw) => {
    ((((raw['properties'] as Schema)['spec'] as Schema)['properties'] as Schema)['template'] as Schema)['properties'] = {
      metadata: (((((raw['properties'] as Schema)['spec'] as Schema)['properties'] as Schema)['template'] as Schema)['properties'] as Schema)['metadata'],
      spec: { $ref: 'k8s#/definitions/V1PodSpec' },
    };
  },
};
// Packages that only ship compiled (non-strict) validators: unknown fields are not detected there.
const COMPILED_PACKAGES = ['@kubernetes-models/cert-manager', '@kubernetes-models/kyverno'];

interface NpmCrd {
  pkg: string;
  file: string;
  compiled: boolean;
}
let npmIndex: Promise<Map<string, NpmCrd>> | undefined;

/** apiVersion/kind → model file of the @kubernetes-models package that carries it. */
function loadNpmIndex(): Promise<Map<string, NpmCrd>> {
  npmIndex ??= (async () => {
    const idx = new Map<string, NpmCrd>();
    for (const pkg of [...RAW_SCHEMA_PACKAGES, ...COMPILED_PACKAGES]) {
      const root = packageDir(pkg);
      for (const group of await readdir(root, { withFileTypes: true })) {
        if (!group.isDirectory() || !group.name.includes('.')) continue;
        for (const version of await readdir(path.join(root, group.name))) {
          const vdir = path.join(root, group.name, version);
          if (!/^v\d/.test(version)) continue;
          for (const f of await readdir(vdir)) {
            if (!f.endsWith('.js') || f === 'index.js') continue;
            idx.set(`${group.name}/${version}/${f.slice(0, -3)}`, { pkg, file: path.join(vdir, f), compiled: COMPILED_PACKAGES.includes(pkg) });
          }
        }
      }
    }
    return idx;
  })();
  return npmIndex;
}

type ObjectValidator = (o: unknown) => string[];
const npmValidators = new Map<string, Promise<ObjectValidator>>();
function npmValidator(key: string, crd: NpmCrd, a: Ajv): Promise<ObjectValidator> {
  let v = npmValidators.get(key);
  if (!v) {
    v = (async () => {
      if (crd.compiled) {
        const kind = path.basename(crd.file, '.js');
        const Cls = (require(crd.file) as Record<string, new (d: unknown) => { validate(): void }>)[kind]!;
        return (o: unknown): string[] => {
          try {
            new Cls(o).validate();
            return [];
          } catch (e) {
            return ajvMessages((e as { errors?: ErrorObject[] }).errors);
          }
        };
      }
      const js = await readFile(crd.file, 'utf8');
      const m = /const schema = (\{[\s\S]*?\n\});\n/.exec(js);
      if (!m) throw new Error(`no schema literal in ${crd.file}`);
      const raw = JSON.parse(m[1]!.replace(/"io\.k8s\.apimachinery\.pkg\.apis\.meta\.v1\.ObjectMeta#"/g, '"k8s#/definitions/V1ObjectMeta"')) as Schema;
      SCHEMA_PATCHES[key]?.(raw);
      const fn = a.compile(strictify(openFreeForm(raw), true));
      return (o: unknown): string[] => (fn(o) ? [] : ajvMessages(fn.errors));
    })();
    npmValidators.set(key, v);
  }
  return v;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/** API-server rules the OpenAPI does not express: object name formats and label syntax. */
export function metadataErrors(o: Record<string, unknown>): string[] {
  const errs: string[] = [];
  const kind = String(o.kind);
  const md = isObj(o.metadata) ? o.metadata : {};
  const name = md.name;
  if (typeof name !== 'string' || name === '') {
    if (typeof md.generateName !== 'string') errs.push('metadata.name: required');
  } else if (RBAC_KINDS.has(kind)) {
    if (name === '.' || name === '..' || /[/%]/.test(name)) errs.push(`metadata.name "${name}": may not be "." or ".." or contain "/" or "%"`);
  } else if (kind === 'Service') {
    if (name.length > 63 || !DNS1035_LABEL.test(name)) errs.push(`metadata.name "${name}": must be an RFC 1035 label (lowercase alphanumerics and "-", start with a letter, at most 63)`);
  } else if (kind === 'Namespace') {
    if (name.length > 63 || !DNS1123_LABEL.test(name)) errs.push(`metadata.name "${name}": must be an RFC 1123 label (at most 63)`);
  } else if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    errs.push(`metadata.name "${name}": must be an RFC 1123 subdomain (lowercase alphanumerics, "-" and ".", at most 253)`);
  }
  const labelSets: [string, unknown][] = [['metadata.labels', md.labels]];
  for (const [where, labels] of labelSets) {
    if (!isObj(labels)) continue;
    for (const [k, v] of Object.entries(labels)) {
      const slash = k.lastIndexOf('/');
      const prefix = slash >= 0 ? k.slice(0, slash) : '';
      const nm = slash >= 0 ? k.slice(slash + 1) : k;
      if ((slash >= 0 && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) || nm.length > 63 || !LABEL_NAME.test(nm)) {
        errs.push(`${where}: invalid label key "${k}"`);
      }
      if (typeof v === 'string' && v !== '' && (v.length > 63 || !LABEL_NAME.test(v))) errs.push(`${where}["${k}"]: invalid label value "${v}"`);
    }
  }
  return errs;
}

interface TreeCrd {
  validators: Map<string, ValidateFunction>;
}

/** apiVersion/kind → validator of every CustomResourceDefinition object (versions with a schema). */
function crdValidators(crds: Record<string, unknown>[], a: Ajv, onError: (crd: Record<string, unknown>, version: string, e: Error) => void): Map<string, ValidateFunction> {
  const validators = new Map<string, ValidateFunction>();
  for (const obj of crds) {
    if (obj.kind !== 'CustomResourceDefinition' || obj.apiVersion !== 'apiextensions.k8s.io/v1' || !isObj(obj.spec)) continue;
    const spec = obj.spec;
    const group = spec.group;
    const kind = isObj(spec.names) ? spec.names.kind : undefined;
    if (typeof group !== 'string' || typeof kind !== 'string' || !Array.isArray(spec.versions)) continue;
    for (const v of spec.versions) {
      if (!isObj(v) || typeof v.name !== 'string' || v.served === false) continue;
      const s = isObj(v.schema) ? v.schema.openAPIV3Schema : undefined;
      if (!isObj(s)) continue;
      try {
        validators.set(`${group}/${v.name}/${kind}`, a.compile(strictify(s, true)));
      } catch (e) {
        onError(obj, v.name, e as Error);
      }
    }
  }
  return validators;
}

// Upstream CRDs vendored beside these checks (crds/SOURCES.md): the mesh kinds no npm package carries at
// the generated versions. Helm-template CRDs keep template expressions in metadata only: those lines go.
const VENDORED_CRDS = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'crds');
let vendored: Promise<Map<string, ValidateFunction>> | undefined;
function vendoredCrds(a: Ajv): Promise<Map<string, ValidateFunction>> {
  vendored ??= (async () => {
    const objects: Record<string, unknown>[] = [];
    for (const f of (await readdir(VENDORED_CRDS)).filter((n) => n.endsWith('.yaml.gz')).sort()) {
      let text = gunzipSync(await readFile(path.join(VENDORED_CRDS, f))).toString('utf8');
      if (f.includes('.helm-template.')) text = text.split('\n').filter((l) => !l.includes('{{')).join('\n');
      for (const d of parseAllDocuments(text)) if (isObj(d.toJS())) objects.push(d.toJS() as Record<string, unknown>);
    }
    return crdValidators(objects, a, (crd, v, e) => {
      throw new Error(`vendored CRD ${String((crd.metadata as { name?: string })?.name)} ${v}: ${e.message}`);
    });
  })();
  return vendored;
}

function treeCrds(tree: Tree, a: Ajv): TreeCrd {
  const crds = tree.objects.filter((o) => o.obj.kind === 'CustomResourceDefinition');
  const validators = crdValidators(
    crds.map((o) => o.obj),
    a,
    (crd, v, e) => tree.rep.fail(CHECK, crds.find((o) => o.obj === crd)!.file, objectLabel(crd as K8sObject['obj']), `CRD schema for version ${v} does not compile: ${e.message}`),
  );
  return { validators };
}

export async function checkK8sSchema(trees: Tree[]): Promise<void> {
  const api = await loadBuiltinApi();
  const a = getAjv(api);
  const npm = await loadNpmIndex();
  const vendoredValidators = await vendoredCrds(a);
  const builtin = new Map<string, ValidateFunction>();
  for (const tree of trees) {
    const crds = treeCrds(tree, a);
    for (const [k, v] of vendoredValidators) if (!crds.validators.has(k)) crds.validators.set(k, v);
    for (const o of tree.objects) await checkObject(tree, o, api, a, npm, builtin, crds);
  }
}

async function checkObject(
  tree: Tree,
  { obj, file, via }: K8sObject,
  api: BuiltinApi,
  a: Ajv,
  npm: Map<string, NpmCrd>,
  builtin: Map<string, ValidateFunction>,
  crds: TreeCrd,
): Promise<void> {
  const rep = tree.rep;
  const label = objectLabel(obj);
  const where = via ? `${file} (${via})` : file;
  const apiVersion = String(obj.apiVersion);
  const kind = String(obj.kind);
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
  rep.checked(CHECK);
  const fail = (m: string): void => rep.fail(CHECK, where, label, m);
  for (const m of metadataErrors(obj)) fail(m);

  if (api.groups.has(group)) {
    const model = api.served.get(apiVersion)?.get(kind);
    if (!model) {
      const servedFor = [...api.served].filter(([, kinds]) => kinds.has(kind)).map(([gv]) => gv);
      fail(
        servedFor.length
          ? `${apiVersion} ${kind} is not served by Kubernetes ${tree.kubeVersion}; served as: ${servedFor.join(', ')}`
          : `kind ${kind} is not served by Kubernetes ${tree.kubeVersion} in ${apiVersion}`,
      );
      return;
    }
    let v = builtin.get(model);
    if (!v) {
      v = a.compile({ $ref: `k8s#/definitions/${model}` });
      builtin.set(model, v);
    }
    if (!v(obj)) for (const m of ajvMessages(v.errors)) fail(m);
    for (const m of enumErrors(apiVersion, kind, obj)) fail(m);
    return;
  }
  const key = `${apiVersion}/${kind}`;
  const inTree = crds.validators.get(key);
  if (inTree) {
    if (!inTree(obj)) for (const m of ajvMessages(inTree.errors)) fail(m);
    return;
  }
  const pkg = npm.get(key);
  if (pkg) {
    const v = await npmValidator(key, pkg, a);
    for (const m of v(obj)) fail(m);
    if (pkg.compiled) rep.warn(CHECK, where, label, `schema from ${pkg.pkg} is not strict: unknown fields are not detected`);
    return;
  }
  const subset = SUBSET_SCHEMAS[key];
  if (subset) {
    let v = subsetValidators.get(key);
    if (!v) subsetValidators.set(key, (v = a.compile(subset)));
    if (!v(obj)) for (const m of ajvMessages(v.errors)) fail(`subset schema (crd-subsets.ts): ${m}`);
    return;
  }
  rep.notValidated(CHECK, where, label, `no schema for apiVersion ${apiVersion} kind ${kind} (not built in, no CRD in the tree, no npm schema)`);
}
const subsetValidators = new Map<string, ValidateFunction>();
