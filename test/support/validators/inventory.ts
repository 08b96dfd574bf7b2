// Walks a generated tree once and parses what several checks share: YAML documents (with duplicate-key
// detection), chart roots, and the Kubernetes objects of plain manifests. Chart templates are not YAML until
// helm renders them, so they are left to the helm check, which adds rendered objects here.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Reporter } from './report.js';
import { isObj } from './util.js';

export interface YamlFile {
  rel: string;
  /** Parsed documents (YAML 1.2 core schema); empty documents are skipped. */
  docs: unknown[];
  ok: boolean;
}

export interface K8sObject {
  obj: Record<string, unknown>;
  /** File that defines it: the manifest, or the chart template it was rendered from. */
  file: string;
  /** For rendered objects: which values file produced it. */
  via?: string;
}

export interface Tree {
  dir: string;
  rep: Reporter;
  kubeVersion: string;
  files: string[];
  yaml: Map<string, YamlFile>;
  /** Chart roots (folders with Chart.yaml), relative; subcharts under charts/ are excluded. */
  charts: string[];
  objects: K8sObject[];
}

const SKIP_DIRS = new Set(['.git', 'node_modules']);

async function walk(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(path.join(root, rel), { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) out.push(...(await walk(root, r)));
    } else if (e.isFile()) out.push(r);
  }
  return out;
}

export function isYamlName(rel: string): boolean {
  return /\.ya?ml$/i.test(rel);
}

/** `kind/name` (or `kind` alone) used to name an object in findings. */
export function objectLabel(o: Record<string, unknown>): string {
  const kind = typeof o.kind === 'string' ? o.kind : '?';
  const md = isObj(o.metadata) ? o.metadata : {};
  const name = typeof md.name === 'string' ? md.name : typeof md.generateName === 'string' ? `${md.generateName}*` : '';
  return name ? `${kind}/${name}` : kind;
}

export function isK8sObject(v: unknown): v is Record<string, unknown> {
  return isObj(v) && typeof v.apiVersion === 'string' && typeof v.kind === 'string';
}

/**
 * Parses YAML text. `version: '1.1'` is used for Kubernetes objects because the API server decodes
 * manifests with YAML 1.1 rules (`yes` is a boolean there).
 */
export function parseYaml(text: string, version: '1.1' | '1.2' = '1.2'): { docs: unknown[]; errors: string[]; warnings: string[] } {
  const docs: unknown[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const d of parseAllDocuments(text, { version, uniqueKeys: true, merge: true, prettyErrors: true })) {
    for (const e of d.errors) errors.push(e.message.split('\n')[0]!);
    for (const w of d.warnings) warnings.push(w.message.split('\n')[0]!);
    if (d.errors.length === 0 && d.contents !== null) docs.push(d.toJS({ maxAliasCount: 1000 }));
  }
  return { docs, errors, warnings };
}

/** Drops `null` members of mappings: the API server's JSON decoding treats them as unset. */
export function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (isObj(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = dropNulls(x);
    return out;
  }
  return v;
}

export async function buildInventory(dir: string, rep: Reporter, kubeVersion: string): Promise<Tree> {
  const files = await walk(dir);
  const charts = files
    .filter((f) => path.posix.basename(f) === 'Chart.yaml')
    .map((f) => path.posix.dirname(f))
    .filter((c) => {
      // A subchart is <parent>/charts/<name> where <parent> has a Chart.yaml; it goes through its parent.
      const m = /^(?:(.*)\/)?charts\/[^/]+$/.exec(c);
      return !m || !files.includes(m[1] ? `${m[1]}/Chart.yaml` : 'Chart.yaml');
    });
  const tree: Tree = { dir, rep, kubeVersion, files, yaml: new Map(), charts, objects: [] };
  const inChart = (f: string): string | undefined =>
    charts.find((c) => c === '.' || f.startsWith(`${c}/`));
  for (const rel of files.filter(isYamlName)) {
    // Chart templates (of the chart and of vendored subcharts) are Go templates, not YAML.
    if (/(^|\/)templates\//.test(rel) && inChart(rel) !== undefined) continue;
    const text = await readFile(path.join(dir, rel), 'utf8');
    const parsed = parseYaml(text);
    rep.checked('yaml-syntax');
    for (const e of parsed.errors) rep.fail('yaml-syntax', rel, undefined, e);
    for (const w of parsed.warnings) rep.warn('yaml-syntax', rel, undefined, w);
    const ok = parsed.errors.length === 0;
    tree.yaml.set(rel, { rel, docs: parsed.docs, ok });
    // Plain manifests: anything with apiVersion+kind outside chart metadata (a chart's crds/ are manifests).
    const chart = inChart(rel);
    const chartMeta = chart !== undefined && !rel.startsWith(`${chart === '.' ? '' : `${chart}/`}crds/`);
    if (!ok || chartMeta || rel.startsWith('.github/') || !parsed.docs.some(isK8sObject)) continue;
    for (const d of parseYaml(text, '1.1').docs) {
      if (isK8sObject(d)) tree.objects.push({ obj: dropNulls(d) as Record<string, unknown>, file: rel });
      else if (d !== null && d !== undefined)
        rep.notValidated('k8s-schema', rel, undefined, 'YAML document without apiVersion/kind in a manifest file');
    }
  }
  return tree;
}
