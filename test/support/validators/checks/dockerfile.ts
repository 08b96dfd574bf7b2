// Check 5: Dockerfiles/Containerfiles. Parsed by dockerfile-ast (the parser behind dockerfile-utils, whose
// diagnostics are reported too); then our own rules: every base image pinned (tag or digest, never :latest;
// ARG defaults and stage names resolved), a numeric non-root USER in the final stage, no ADD of local files.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import type { Tree } from '../inventory.js';

const CHECK = 'dockerfile';

export function isDockerfile(rel: string): boolean {
  const b = path.posix.basename(rel);
  return b === 'Dockerfile' || b === 'Containerfile' || b.startsWith('Dockerfile.') || b.endsWith('.Dockerfile') || b.startsWith('Containerfile.');
}

/** Rule violations of one Dockerfile: [failures, warnings]. */
export function dockerfileFindings(text: string): { failures: string[]; warnings: string[] } {
  const failures: string[] = [];
  const warnings: string[] = [];
  for (const d of validate(text)) {
    const line = `line ${d.range.start.line + 1}: ${d.message}`;
    if (d.severity === 1) failures.push(line);
    else warnings.push(line);
  }
  const df = DockerfileParser.parse(text);
  const globalArgs = new Map<string, string | undefined>();
  const stages: { name?: string; users: string[]; parent?: string; healthcheck: boolean }[] = [];
  const subst = (s: string, args: Map<string, string | undefined>): string =>
    s.replace(/\$\{?(\w+)(?::?-([^}]*))?\}?/g, (_m, n: string, def?: string) => args.get(n) ?? def ?? `\${${n}}`);
  for (const ins of df.getInstructions()) {
    const kw = ins.getKeyword().toUpperCase();
    const argsText = ins.getArgumentsContent() ?? '';
    const line = ins.getRange().start.line + 1;
    const cur = stages[stages.length - 1];
    if (kw === 'ARG') {
      const m = /^(\w+)(?:=(.*))?$/.exec(argsText.trim());
      if (m && !cur) globalArgs.set(m[1]!, m[2]?.replace(/^["']|["']$/g, ''));
    } else if (kw === 'FROM') {
      const words = argsText.trim().split(/\s+/).filter((w) => !w.startsWith('--'));
      const imageRaw = words[0] ?? '';
      const name = words[1]?.toUpperCase() === 'AS' ? words[2]?.toLowerCase() : undefined;
      const image = subst(imageRaw, globalArgs);
      const known = stages.find((s) => s.name === image.toLowerCase());
      stages.push({ name, users: [], parent: known ? image.toLowerCase() : undefined, healthcheck: false });
      if (known || image === 'scratch') continue;
      if (image.includes('${')) {
        warnings.push(`line ${line}: base image "${imageRaw}" comes from an ARG without default`);
        continue;
      }
      const last = image.split('/').pop() ?? '';
      if (!image.includes('@') && !last.includes(':')) failures.push(`line ${line}: base image "${image}" is not pinned (no tag or digest)`);
      else if (!image.includes('@') && last.endsWith(':latest')) failures.push(`line ${line}: base image "${image}" uses :latest`);
    } else if (kw === 'USER' && cur) {
      cur.users.push(argsText.trim());
    } else if (kw === 'ADD') {
      const srcs = argsText.trim().split(/\s+/).filter((w) => !w.startsWith('--')).slice(0, -1);
      if (srcs.some((s) => !/^(https?|git):\/\/|^git@/.test(s))) failures.push(`line ${line}: ADD of local files; use COPY (ADD is only for remote URLs)`);
    } else if (kw === 'HEALTHCHECK' && cur) {
      cur.healthcheck = true;
    }
  }
  if (stages.length === 0) {
    failures.push('no FROM instruction');
    return { failures, warnings };
  }
  // The effective USER of the final stage, inherited through FROM <stage>.
  let s: (typeof stages)[number] | undefined = stages[stages.length - 1];
  let user: string | undefined;
  while (s && user === undefined) {
    user = s.users[s.users.length - 1];
    s = s.parent ? stages.find((x) => x.name === s!.parent) : undefined;
  }
  if (user === undefined) failures.push('final stage has no USER: the container would run as root (use a numeric non-root UID, e.g. USER 10001)');
  else {
    const uid = user.split(':')[0]!;
    if (!/^\d+$/.test(uid)) failures.push(`final stage USER "${user}" is not numeric (runAsNonRoot needs a numeric UID)`);
    else if (Number(uid) === 0) failures.push('final stage USER is 0 (root)');
  }
  const final = stages[stages.length - 1]!;
  if (!final.healthcheck && !/#.*health\s*check/i.test(text)) warnings.push('no HEALTHCHECK in the final stage (and no comment explaining why)');
  return { failures, warnings };
}

export async function checkDockerfiles(trees: Tree[]): Promise<void> {
  for (const tree of trees) {
    for (const rel of tree.files.filter(isDockerfile)) {
      tree.rep.checked(CHECK);
      const { failures, warnings } = dockerfileFindings(await readFile(path.join(tree.dir, rel), 'utf8'));
      for (const m of failures) tree.rep.fail(CHECK, rel, undefined, m);
      for (const m of warnings) tree.rep.warn(CHECK, rel, undefined, m);
    }
  }
}
