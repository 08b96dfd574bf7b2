// Skeleton contributions: what a block adds to a service's own code beside the files it writes into
// services/<name>/ (libraries in the language's manifest, components started and drained by the entry
// point, protos of the services it calls). The base templates (templates/base/services) read the merged form.
import type { ResolvedService } from '../config/schema.js';

/** A Maven dependency a block's code in a Java service needs. */
export interface MavenDependency {
  groupId: string;
  artifactId: string;
  version: string;
}
/**
 * What a block adds to one service's skeleton beside the files it writes into services/<name>/ itself:
 * the libraries its code imports (merged into package.json + package-lock.json, go.mod, requirements.txt,
 * pom.xml) and the components the skeleton starts once it serves and stops (drains) before it exits.
 * A component `x` is, per language (docs/architecture.md, "Skeleton components"): node `src/x.ts` exporting
 * `start(): Promise<{ stop(): Promise<void> }>`; go `startX(ctx, log) (func(context.Context) error, error)`;
 * python `x.py` with `start(log) -> Callable[[], None]`; java `app.X.start()` returning an AutoCloseable.
 */
export interface SkeletonContribution {
  /** npm dependencies (name → exact version) and their package-lock.json `packages` entries. */
  npm?: { dependencies: Record<string, string>; lock: Record<string, object> };
  /** Go modules (path → version). */
  go?: Record<string, string>;
  /** pip requirement lines (`name==version`). */
  python?: string[];
  maven?: MavenDependency[];
  components?: string[];
  /**
   * Folders (relative to the service) with the .proto files of the services it calls: their stubs are
   * generated (go, python, java) or loaded (node) next to the service's own.
   */
  protoRoots?: string[];
  /** Named switches the base templates check (e.g. `grpc-reflection`: the server registers reflection). */
  features?: string[];
}
/** The skeleton contributions of one service, merged (what the base templates read). */
export interface MergedSkeleton {
  npm: { dependencies: Record<string, string>; lock: Record<string, object> };
  go: Record<string, string>;
  python: string[];
  maven: MavenDependency[];
  components: string[];
  protoRoots: string[];
  /** features as a set for templates: `skeleton.features.grpc-reflection` is true when asked. */
  features: Record<string, boolean>;
}

/** One service's skeleton contributions merged: libraries deduplicated by name, components in order. */
export function skeletonFor(contrib: { skeleton: ((service: ResolvedService) => SkeletonContribution)[] }, service: ResolvedService): MergedSkeleton {
  const m: MergedSkeleton = { npm: { dependencies: {}, lock: {} }, go: {}, python: [], maven: [], components: [], protoRoots: [], features: {} };
  for (const f of contrib.skeleton) {
    const part = f(service);
    Object.assign(m.npm.dependencies, part.npm?.dependencies);
    Object.assign(m.npm.lock, part.npm?.lock);
    Object.assign(m.go, part.go);
    for (const r of part.python ?? []) if (!m.python.includes(r)) m.python.push(r);
    for (const d of part.maven ?? []) if (!m.maven.some((x) => x.groupId === d.groupId && x.artifactId === d.artifactId)) m.maven.push(d);
    for (const c of part.components ?? []) if (!m.components.includes(c)) m.components.push(c);
    for (const r of part.protoRoots ?? []) if (!m.protoRoots.includes(r)) m.protoRoots.push(r);
    for (const f of part.features ?? []) m.features[f] = true;
  }
  return m;
}
