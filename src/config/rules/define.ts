// What a compatibility rule is, and the helpers rules use to read a (possibly partial) config.
// The rules themselves live in one file per area next to this one; src/config/rules.ts assembles the
// one table that validation, the prompts and the combination tests all use.
import type { Config } from '../schema.js';

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
  /**
   * The exact answers that made it fire, when they are list items (e.g. `services.2.expose`): each is
   * reported with its own origin (file:line). Default: `paths[0]`.
   */
  at?: (c: PartialConfig) => string[];
}

export type PartialConfig = Partial<Config> & Record<string, any>;

/** Reads a slot's value (or a block option) from a possibly partial config. */
export const pick = (c: PartialConfig, path: string): unknown =>
  path.split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), c);

/** The target Kubernetes minor (34 for "1.34"), the default when not answered yet. */
export const kubeMinor = (c: PartialConfig) => Number(String(c.project?.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION).split('.')[1]);

/**
 * The default target minor (kept here so a rule file never pulls the zod schema in). 1.34: the current
 * Envoy Gateway line (v1.9, the default gateway) supports 1.33-1.36 (envoyproxy/gateway
 * site/content/en/news/releases/matrix.md @v1.9.0), Linkerd edge charts need >= 1.31, and 1.32 is at
 * its upstream end of life (https://kubernetes.io/releases/).
 */
export const DEFAULT_KUBERNETES_VERSION = '1.34';

/** The services of a (partial) config, each with its index; [] before they are answered. */
export const servicesOf = (c: PartialConfig): { s: Record<string, any>; i: number }[] =>
  Array.isArray(c.services) ? c.services.map((s: Record<string, any>, i: number) => ({ s: s ?? {}, i })) : [];
