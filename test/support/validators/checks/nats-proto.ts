// Check 9: NATS server configs (`nats-server -c F -t`, Debian nats-server) as files or ConfigMap keys, and
// .proto files (`protoc`, Debian protobuf-compiler; well-known types from libprotobuf-dev).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Tree } from '../inventory.js';
import { objectLabel } from '../inventory.js';
import { isObj, missingToolMessage, pool, run, tmpFile, which } from '../util.js';

const NATS_KEYS = /^\s*(jetstream|cluster|leafnodes|gateway|accounts|authorization|server_name|http_port|monitor_port|max_payload|websocket|mqtt)\s*[:={ ]/m;

export function looksLikeNats(name: string, text: string): boolean {
  return /(^|\/)nats[^/]*\.conf$/.test(name) || (name.endsWith('.conf') && NATS_KEYS.test(text) && !/<(source|match)\b|^\s*\[SERVICE\]/im.test(text));
}

export async function checkNats(trees: Tree[]): Promise<void> {
  const inputs: { tree: Tree; file: string; object?: string; path: string; placeholders: boolean }[] = [];
  for (const tree of trees) {
    for (const rel of tree.files.filter((f) => f.endsWith('.conf'))) {
      const text = await readFile(path.join(tree.dir, rel), 'utf8');
      if (!looksLikeNats(rel, text)) continue;
      inputs.push({ tree, file: rel, path: path.join(tree.dir, rel), placeholders: /\$[A-Z_]/.test(text) });
    }
    for (const { obj, file, via } of tree.objects) {
      if (obj.kind !== 'ConfigMap' || !isObj(obj.data)) continue;
      for (const [k, v] of Object.entries(obj.data)) {
        if (typeof v !== 'string' || !looksLikeNats(k, v)) continue;
        inputs.push({ tree, file: via ? `${file} (${via})` : file, object: `${objectLabel(obj)} data["${k}"]`, path: await tmpFile(k, v), placeholders: /\$[A-Z_]/.test(v) });
      }
    }
  }
  if (!inputs.length) return;
  const bin = await which('nats-server');
  await pool(inputs, 4, async (i) => {
    i.tree.rep.checked('nats');
    if (!bin) return i.tree.rep.fail('nats', i.file, i.object, missingToolMessage('nats-server'));
    // $VARIABLES resolve from the pod environment at start-up (e.g. passwords from a Secret): an undefined
    // one gets a placeholder value, the file is tested again, and the substitution is reported as a warning.
    const env: Record<string, string> = {};
    for (let round = 0; round < 50; round++) {
      const r = await run(bin, ['-c', i.path, '-t'], { cwd: path.dirname(i.path), env: { ...process.env, ...env } });
      const missing = /variable reference for '([^']+)'.* can not be found/.exec(r.stderr || r.stdout);
      if (r.code !== 0 && missing && !(missing[1]! in env)) {
        env[missing[1]!] = 'placeholder';
        continue;
      }
      if (r.code !== 0) i.tree.rep.fail('nats', i.file, i.object, `nats-server -t: ${(r.stderr || r.stdout).trim().split(i.path).join(path.basename(i.path))}`);
      else if (Object.keys(env).length) i.tree.rep.warn('nats', i.file, i.object, `environment variables ${Object.keys(env).join(', ')} undefined here; tested with a placeholder value`);
      return;
    }
  });
}

export async function checkProto(trees: Tree[]): Promise<void> {
  const protos = trees.map((t) => ({ tree: t, files: t.files.filter((f) => f.endsWith('.proto')) })).filter((x) => x.files.length);
  if (!protos.length) return;
  const bin = await which('protoc');
  for (const { tree, files } of protos) {
    tree.rep.checked('proto', files.length);
    if (!bin) {
      for (const f of files) tree.rep.fail('proto', f, undefined, missingToolMessage('protoc'));
      continue;
    }
    // Import roots: the tree root and each top-level folder holding protos (e.g. proto/), then the system
    // well-known types.
    const roots = [...new Set(['.', ...files.map((f) => f.split('/')[0]!).filter((d) => !d.endsWith('.proto'))])];
    await pool(files, 4, async (f) => {
      const root = roots.filter((r) => r !== '.').find((r) => f.startsWith(`${r}/`)) ?? '.';
      const r = await run(bin, ['-I', path.join(tree.dir, root), '-I', '/usr/include', '-o', '/dev/null', path.join(tree.dir, f)], { cwd: tree.dir });
      if (r.code === 0) return;
      const msg = r.stderr.trim();
      if (/google\/api\/|google\/rpc\/|validate\/validate\.proto|buf\/validate/.test(msg) && /File not found|not found/i.test(msg)) {
        tree.rep.notValidated('proto', f, undefined, `imports a package that is not installed here (googleapis/validate protos): ${msg.split('\n')[0]}`);
      } else tree.rep.fail('proto', f, undefined, `protoc: ${msg}`);
    });
  }
}
