// Check 10: recognised configuration that nothing installable offline can validate is listed as "not
// validated" with the reason — never passed silently (validate-output README, "Not validated, and why").
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Tree } from '../inventory.js';
import { objectLabel } from '../inventory.js';
import { isObj } from '../util.js';

const CHECK = 'other';

/** Reason a config file/text cannot be validated here, or undefined if it is not such a config. */
export function unvalidatableReason(name: string, text: string, doc?: unknown): string | undefined {
  const base = path.posix.basename(name);
  if (base === 'Corefile' || /^Corefile\./.test(base)) return 'CoreDNS Corefile: no coredns binary installable offline (not in Debian 12)';
  if (/fluent-?bit/i.test(base) || /^\s*\[(SERVICE|INPUT|OUTPUT)\]/im.test(text) || (isObj(doc) && isObj(doc.pipeline) && ('inputs' in doc.pipeline || 'outputs' in doc.pipeline)))
    return 'Fluent Bit config: no fluent-bit binary (not packaged in Debian 12)';
  if (/fluentd?\.conf$/.test(base) || /<(source|match)\b[^>]*>/.test(text)) return 'Fluentd config: no fluentd binary (a Ruby gem, not installable offline)';
  if (isObj(doc) && isObj(doc.service) && isObj(doc.service.pipelines) && ('receivers' in doc || 'exporters' in doc))
    return 'OpenTelemetry Collector config: no otelcol binary offline; YAML syntax only';
  if (isObj(doc) && ('static_resources' in doc || 'dynamic_resources' in doc)) return 'Envoy bootstrap config: no envoy binary or bootstrap schema offline; YAML syntax only';
  if (/^harbor\.ya?ml(\.tmpl)?$/.test(base)) return 'Harbor harbor.yml: validated only by Harbor\'s prepare container (no Docker here)';
  if (/notary-(server|signer)[^/]*\.json$/.test(base)) return 'Notary server/signer config: no config-check mode exists; JSON syntax only';
  if (base === 'Jenkinsfile') return 'Jenkinsfile: the declarative linter needs a Jenkins controller';
  return undefined;
}

export async function checkOther(trees: Tree[]): Promise<void> {
  for (const tree of trees) {
    for (const rel of tree.files) {
      if (/(^|\/)templates\//.test(rel) && tree.charts.some((c) => c === '.' || rel.startsWith(`${c}/`))) continue;
      const base = path.posix.basename(rel);
      if (!/\.(conf|ya?ml|json|toml)$|^Corefile|^Jenkinsfile$/.test(base)) continue;
      if (/\.conf$/.test(base) && /(^|\/)nats[^/]*\.conf$/.test(rel)) continue;
      const docs = tree.yaml.get(rel)?.docs ?? [undefined];
      const text = /\.(ya?ml|json)$/.test(base) && tree.yaml.has(rel) ? '' : await readFile(path.join(tree.dir, rel), 'utf8');
      for (const d of docs) {
        if (isObj(d) && typeof d.apiVersion === 'string') continue; // Kubernetes objects: check 3
        const reason = unvalidatableReason(rel, text, d);
        if (reason) {
          tree.rep.checked(CHECK);
          tree.rep.notValidated(CHECK, rel, undefined, reason);
          break;
        }
      }
    }
    for (const { obj, file, via } of tree.objects) {
      if (obj.kind !== 'ConfigMap' || !isObj(obj.data)) continue;
      for (const [k, v] of Object.entries(obj.data)) {
        if (typeof v !== 'string') continue;
        let doc: unknown;
        if (/\.ya?ml$/.test(k)) {
          try {
            doc = (await import('yaml')).parse(v);
          } catch {
            doc = undefined;
          }
        }
        const reason = unvalidatableReason(k, v, doc);
        if (reason) {
          tree.rep.checked(CHECK);
          tree.rep.notValidated(CHECK, via ? `${file} (${via})` : file, `${objectLabel(obj)} data["${k}"]`, reason);
        }
      }
    }
  }
}
