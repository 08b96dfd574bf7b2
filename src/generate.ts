// The pipeline of DESIGN.md §2 in one place, in order. Everything here but readProjectState is pure.
import { readFile } from 'node:fs/promises';
import type { Catalog } from './catalog/define.js';
import type { RawAnswers } from './config/sources.js';
import { resolveConfig, type Resolved } from './config/resolve.js';
import { plan, TOOL, type Plan } from './plan/plan.js';
import { render, type Tree } from './render/render.js';
import { reconcile, type ChangeSet } from './reconcile/reconcile.js';
import { MANIFEST_FILE, parseManifest, type Manifest } from './reconcile/manifest.js';
import { readDisk } from './apply/apply.js';
import { insideRoot } from './util/paths.js';

export interface Rendered {
  resolved: Resolved;
  plan: Plan;
  tree: Tree;
}

/** 1. validate the answers, 2. plan the files, 3. render them in memory. */
export function renderProject(raw: RawAnswers, catalog: Catalog): Rendered {
  const resolved = resolveConfig(raw, catalog);
  const p = plan(resolved, catalog);
  const tree = render(p.files, p.context);
  return { resolved, plan: p, tree };
}

export async function readManifest(root: string): Promise<Manifest | null> {
  try {
    return parseManifest(await readFile(insideRoot(root, MANIFEST_FILE), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw err;
  }
}

/** 4. compare with the disk and the last manifest → the change set (nothing written). */
export async function changesFor(
  root: string,
  tree: Tree,
  manifest: Manifest | null,
  opts: { force?: boolean; restore?: Set<string> } = {},
): Promise<ChangeSet> {
  const disk = await readDisk(root, [...tree.keys(), ...Object.keys(manifest?.files ?? {})]);
  return reconcile(tree, disk, manifest, { ...opts, toolVersion: TOOL.version });
}
