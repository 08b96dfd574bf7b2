// The one table of cross-category compatibility rules (domain.md §11). Validation applies it to the
// final answers; the prompts apply it to each candidate choice (an error disables the choice and
// shows the message); the combination tests derive valid and invalid answer sets from it.
// `when` sees a partial config while prompting: sections not answered yet are undefined.
import type { Config } from './schema.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Rule {
  /** Our id, or the domain reference's CR-xx. */
  id: string;
  severity: Severity;
  /** The answers the rule is about (dotted); the first is reported as the key. */
  paths: string[];
  when: (c: PartialConfig) => boolean;
  message: string;
  fix?: string;
}

export type PartialConfig = Partial<Config> & Record<string, any>;

/** Reads a slot's value (or a block option) from a possibly partial config. */
export const pick = (c: PartialConfig, path: string): unknown =>
  path.split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), c);

const kubeMinor = (c: PartialConfig) => Number(String(c.project?.kubernetesVersion ?? '1.32').split('.')[1]);

export const RULES: Rule[] = [
  {
    id: 'CR-09',
    severity: 'warning',
    paths: ['containerization.runtime'],
    when: (c) => pick(c, 'containerization.runtime') === 'docker-engine' && kubeMinor(c) >= 24,
    message: 'Kubernetes ≥ 1.24 has no dockershim: nodes running Docker Engine need cri-dockerd installed and the kubelet pointed at it',
    fix: 'install cri-dockerd on every node, or choose --set containerization.runtime=containerd',
  },
  {
    id: 'CR-96',
    severity: 'info',
    paths: ['services'],
    when: (c) => Array.isArray(c.services) && c.services.some((s: { protocol?: string }) => s?.protocol === 'grpc'),
    message:
      'gRPC behind a plain ClusterIP Service is balanced per connection, not per request: use a mesh, or a headless Service with client-side round_robin',
  },
];

/** Evaluates the table against a (partial) config. */
export function evaluateRules(c: PartialConfig, rules: Rule[] = RULES): Rule[] {
  return rules.filter((r) => {
    try {
      return r.when(c);
    } catch {
      return false; // a partial config may lack what a rule reads; it is re-checked on the final answers
    }
  });
}
