// Check 8: Prometheus configs (`promtool check config --syntax-only`), rule files and PrometheusRule specs
// (`promtool check rules`), Alertmanager configs (`amtool check-config`) — as files or embedded in ConfigMaps.
// Tools come from Debian (prometheus, prometheus-alertmanager). Each tool runs once for all inputs of all
// trees; only when that batch fails are the inputs re-run one by one to attribute the errors.
import path from 'node:path';
import type { Tree } from '../inventory.js';
import { objectLabel, parseYaml } from '../inventory.js';
import { isObj, missingToolMessage, pool, run, tmpFile, which } from '../util.js';
import { stringify } from 'yaml';

const CHECK = 'prometheus';
type Kind = 'rules' | 'config' | 'alertmanager';

/** What a parsed YAML document is for Prometheus, if anything. */
export function classifyPrometheus(doc: unknown): Kind | undefined {
  if (!isObj(doc) || typeof doc.apiVersion === 'string') return undefined;
  if (isObj(doc.route) && Array.isArray(doc.receivers)) return 'alertmanager';
  if (Array.isArray(doc.groups) && doc.groups.some((g) => isObj(g) && Array.isArray(g.rules))) return 'rules';
  if (Array.isArray(doc.scrape_configs)) return 'config';
  if (isObj(doc.global) && ('scrape_interval' in doc.global || 'evaluation_interval' in doc.global)) return 'config';
  return undefined;
}

// Debian builds promtool without these service discoveries; they are removed (with a warning) before the check.
const UNSUPPORTED_SD = ['kubernetes_sd_configs', 'consul_sd_configs', 'kuma_sd_configs', 'linode_sd_configs', 'nomad_sd_configs'];
const K8S_SD_ROLES = new Set(['node', 'pod', 'service', 'endpoints', 'endpointslice', 'ingress']);

interface Input {
  tree: Tree;
  file: string;
  object?: string;
  kind: Kind;
  path: string;
}

export async function checkPrometheus(trees: Tree[]): Promise<void> {
  const inputs: Input[] = [];
  const add = async (tree: Tree, file: string, object: string | undefined, kind: Kind, doc: Record<string, unknown>): Promise<void> => {
    let content = doc;
    if (kind === 'config' && Array.isArray(doc.scrape_configs)) {
      const stripped: string[] = [];
      content = {
        ...doc,
        scrape_configs: doc.scrape_configs.map((sc) => {
          if (!isObj(sc)) return sc;
          const copy = { ...sc };
          for (const k of UNSUPPORTED_SD) {
            if (!(k in copy)) continue;
            if (k === 'kubernetes_sd_configs' && Array.isArray(copy[k])) {
              for (const c of copy[k] as unknown[]) {
                if (isObj(c) && !K8S_SD_ROLES.has(String(c.role))) tree.rep.fail(CHECK, file, object, `job ${String(sc.job_name)}: kubernetes_sd_configs role "${String(c.role)}" is invalid`);
              }
            }
            delete copy[k];
            stripped.push(`${String(sc.job_name)}.${k}`);
          }
          return copy;
        }),
      };
      if (stripped.length) tree.rep.warn(CHECK, file, object, `not checked by promtool (Debian build lacks these discoverers): ${stripped.join(', ')}`);
    }
    tree.rep.checked(CHECK);
    inputs.push({ tree, file, object, kind, path: await tmpFile(kind === 'rules' ? 'rules.yml' : `${kind}.yml`, stringify(content)) });
  };
  for (const tree of trees) {
    for (const y of tree.yaml.values()) {
      for (const d of y.docs) {
        const kind = classifyPrometheus(d);
        if (kind) await add(tree, y.rel, undefined, kind, d as Record<string, unknown>);
      }
    }
    for (const { obj, file, via } of tree.objects) {
      const where = via ? `${file} (${via})` : file;
      if (obj.kind === 'PrometheusRule' && String(obj.apiVersion).startsWith('monitoring.coreos.com/') && isObj(obj.spec)) {
        await add(tree, where, objectLabel(obj), 'rules', obj.spec);
      }
      if (obj.kind === 'ConfigMap' && obj.apiVersion === 'v1' && isObj(obj.data)) {
        for (const [key, value] of Object.entries(obj.data)) {
          if (typeof value !== 'string' || !/\.(ya?ml|rules)$/.test(key)) continue;
          const parsed = parseYaml(value);
          if (parsed.errors.length) continue; // not necessarily YAML meant for us; other checks name the format
          for (const d of parsed.docs) {
            const kind = classifyPrometheus(d);
            if (kind) await add(tree, where, `${objectLabel(obj)} data["${key}"]`, kind, d as Record<string, unknown>);
          }
        }
      }
    }
  }
  const tools: Record<Kind, { cmd: string; args: string[] }> = {
    rules: { cmd: 'promtool', args: ['check', 'rules'] },
    config: { cmd: 'promtool', args: ['check', 'config', '--syntax-only'] },
    alertmanager: { cmd: 'amtool', args: ['check-config'] },
  };
  for (const kind of ['rules', 'config', 'alertmanager'] as const) {
    const list = inputs.filter((i) => i.kind === kind);
    if (!list.length) continue;
    const bin = await which(tools[kind].cmd);
    if (!bin) {
      for (const i of list) i.tree.rep.fail(CHECK, i.file, i.object, missingToolMessage(tools[kind].cmd));
      continue;
    }
    const batch = await run(bin, [...tools[kind].args, ...list.map((i) => i.path)], { cwd: path.dirname(list[0]!.path) });
    if (batch.code === 0) continue;
    await pool(list, 4, async (i) => {
      const r = await run(bin, [...tools[kind].args, i.path], { cwd: path.dirname(i.path) });
      if (r.code === 0) return;
      const text = `${r.stdout}\n${r.stderr}`
        .split('\n')
        .filter((l) => l.trim() && !/^Checking |SUCCESS|^\s*Found:|^\s*- /.test(l))
        .map((l) => l.split(i.path).join(path.basename(i.path)).trim())
        .join(' | ');
      i.tree.rep.fail(CHECK, i.file, i.object, `${tools[kind].cmd} ${tools[kind].args.join(' ')}: ${text}`);
    });
  }
}
