// The pipeline of DESIGN.md §2 in one place, in order. Everything here but the disk reads is pure.
// Synchronous reads, as everywhere on the path of a run: node:fs/promises alone costs ~1 ms to load.
import type { Catalog } from './catalog/define.js';
import type { RawAnswers } from './config/sources.js';
import type { Problem } from './util/errors.js';
import { resolveConfig, type Resolved } from './config/resolve.js';
import { plan, TOOL, type Plan } from './plan/plan.js';
import { render, type Tree } from './render/render.js';
import { reconcile, type ChangeSet, type Merger } from './reconcile/reconcile.js';
import { MANIFEST_FILE, parseManifest, type Manifest } from './reconcile/manifest.js';
import { readDisk } from './apply/apply.js';
import { insideRoot } from './util/paths.js';
import { readUserFile } from './util/read-file.js';

export interface Rendered {
  resolved: Resolved;
  /** Notes and other merged contributions of the selected blocks. */
  contrib: Plan['contrib'];
  tree: Tree;
}

/**
 * Repositories with more services than this are generated with a smaller heap. The whole tree stays in
 * memory until the last file is written (nothing is written before everything rendered and parsed
 * back), and left alone V8 grows its young generation to 32 MB around it and keeps the garbage of every
 * phase (template data, parsed-back documents) in the old generation until the writes: a run is too
 * short for V8 to start a full collection by itself. So for these: the young generation is held at the
 * size start-up gave it, and a full collection runs once the plan is made and once it is rendered.
 * `regenerate` of such a repository holds it from the moment it reads a manifest that large (its
 * parse alone would otherwise grow the young generation to its maximum). Measured by `npm run bench`:
 * 100 services peak at ~100 MiB of RSS instead of ~118 (init) and ~97 instead of ~128 (regenerate
 * --check). Smaller repositories keep V8's defaults, the faster ones.
 */
export const LARGE_REPOSITORY_SERVICES = 30;
/** A manifest this size comes from a repository of about LARGE_REPOSITORY_SERVICES services. */
const LARGE_MANIFEST_BYTES = 2 << 20;

let fullCollection: (() => void) | undefined;
/** For a large repository: holds the young generation and returns V8's full collection. */
function heapForLargeRepository(): () => void {
  if (fullCollection) return fullCollection;
  // At run time, after dist/cli.js loaded the bundle: V8 checks its code cache against the flags in
  // force. --expose-gc gives `gc` to the contexts created from then on.
  const v8 = process.getBuiltinModule('node:v8');
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return (fullCollection = exposed);
  v8.setFlagsFromString('--expose-gc');
  return (fullCollection = process.getBuiltinModule('node:vm').runInNewContext('gc') as () => void);
}

/** 1. validate the answers, 2. plan the files, 3. render them in memory. */
export function renderProject(raw: RawAnswers, catalog: Catalog): Rendered {
  const services = (raw.data as { services?: unknown }).services;
  const collect = Array.isArray(services) && services.length > LARGE_REPOSITORY_SERVICES ? heapForLargeRepository() : undefined;
  const resolved = resolveConfig(raw, catalog);
  const p = plan(resolved, catalog);
  collect?.();
  const tree = render(p.files, p.context);
  collect?.();
  // Not the plan itself: its files hold their own copies of generated contents and template data,
  // which are garbage once rendered (at 100 services, megabytes held through the writes).
  return { resolved, contrib: p.contrib, tree };
}

export interface LoadedManifest {
  manifest: Manifest | null;
  /** Entries dropped because they were unsafe or malformed (reported as warnings). */
  problems: Problem[];
}

/** Far above any real manifest (100 services: ~4 MB), far below what would exhaust memory. */
const MANIFEST_MAX_BYTES = 128 << 20;

export async function loadManifest(root: string): Promise<LoadedManifest> {
  const text = readUserFile(insideRoot(root, MANIFEST_FILE), {
    what: 'the manifest',
    maxBytes: MANIFEST_MAX_BYTES,
    fix: `restore ${MANIFEST_FILE} from version control`,
  });
  if (text === undefined) return { manifest: null, problems: [] };
  if (text.length > LARGE_MANIFEST_BYTES) heapForLargeRepository();
  return parseManifest(text);
}

export async function readManifest(root: string): Promise<Manifest | null> {
  return (await loadManifest(root)).manifest;
}

export interface ChangeOptions {
  force?: boolean;
  restore?: ReadonlySet<string>;
  mergers?: ReadonlyMap<string, Merger>;
}

/** 4. compare with the disk and the last manifest → the change set (nothing written). */
export async function changesFor(root: string, tree: Tree, manifest: Manifest | null, opts: ChangeOptions = {}): Promise<ChangeSet> {
  const disk = await readDisk(root, [...tree.keys(), ...Object.keys(manifest?.files ?? {})], (path) => tree.get(path)?.content);
  return reconcile(tree, disk.files, manifest, { ...opts, blocked: disk.blocked, toolVersion: TOOL.version });
}
