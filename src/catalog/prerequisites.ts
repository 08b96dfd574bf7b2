// The first deploy, in order, and what each step needs. A block's make target declares its
// prerequisites (tools, environment variables, Secrets, namespaces, CRDs) as data; the Makefile checks
// them before the recipe runs and says what is missing and how to get it, instead of failing half-way.
// The README's "First deploy" checklist lists the steps blocks contribute, phase by phase.

/** The order of a first deploy. `platform`: mesh, gateway, data stores, logging, tracing — as chosen. */
export const DEPLOY_PHASES = ['namespace', 'secrets', 'registry', 'bootstrap', 'monitoring', 'admission', 'platform', 'deploy', 'verify'] as const;
export type DeployPhase = (typeof DEPLOY_PHASES)[number];

export interface DeployStep {
  phase: DeployPhase;
  /** The make target that performs the step (it checks its own prerequisites). */
  target: string;
  /** What the step does, one line. */
  title: string;
}

/** Something a make target needs; `hint` says how to get it when it is missing. */
export type Prerequisite =
  | { tool: string; hint: string }
  | { env: string; hint: string }
  | { secret: string; namespace: string; hint: string }
  | { namespace: string; hint: string }
  | { crd: string; hint: string };

/** A string as one single-quoted shell word, with `$` doubled for make. */
const word = (s: string) => `'${s.replace(/'/g, `'\\''`).replace(/\$/g, '$$$$')}'`;

/** What to test and how to name the missing thing. */
function probe(p: Prerequisite): { test: string; what: string } {
  if ('tool' in p) return { test: `command -v ${p.tool} >/dev/null 2>&1`, what: p.tool };
  if ('env' in p) return { test: `[ -n "$\${${p.env}:-}" ]`, what: `${p.env} (environment variable)` };
  if ('secret' in p) return { test: `kubectl -n ${p.namespace} get secret ${p.secret} >/dev/null 2>&1`, what: `Secret ${p.secret} in namespace ${p.namespace}` };
  if ('crd' in p) return { test: `kubectl get crd ${p.crd} >/dev/null 2>&1`, what: `CRD ${p.crd}` };
  return { test: `kubectl get namespace ${p.namespace} >/dev/null 2>&1`, what: `namespace ${p.namespace}` };
}

/** One Makefile recipe line per prerequisite: silent when present, `missing X: hint` and exit 1 when not. */
export function checkLines(requires: Prerequisite[]): string[] {
  return requires.map((p) => {
    const { test, what } = probe(p);
    return `@${test} || { echo ${word(`missing ${what}: ${p.hint}`)} >&2; exit 1; }`;
  });
}

/** The `secrets` target: every Secret the install steps read, each missing one listed (not only the first). */
export function secretsTarget(secrets: Extract<Prerequisite, { secret: string }>[]): { name: string; help: string; recipe: string[]; checks: string[] } {
  const lines = secrets.map((p) => {
    const { test, what } = probe(p);
    return `${test} || { echo ${word(`missing ${what}: ${p.hint}`)} >&2; missing=1; }; \\`;
  });
  return {
    name: 'secrets',
    help: 'Check that every Secret the install steps read exists (none is stored in this repository)',
    checks: [`@command -v kubectl >/dev/null 2>&1 || { echo 'missing kubectl: install it (https://kubernetes.io/docs/tasks/tools/)' >&2; exit 1; }`],
    recipe: ['@missing=0; \\', ...lines, 'exit $$missing'],
  };
}

export const KUBECTL: Prerequisite = { tool: 'kubectl', hint: 'install it (https://kubernetes.io/docs/tasks/tools/)' };
export const HELM: Prerequisite = { tool: 'helm', hint: 'install Helm 3.8 or later (https://helm.sh/docs/intro/install/)' };
