// The pipeline of DESIGN.md §2 in one place, in order. Everything here but the disk reads is pure.
// Synchronous reads, as everywhere on the path of a run: node:fs/promises alone costs ~1 ms to load.
import { readFileSync } from 'node:fs';
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

export interface Rendered {
  resolved: Resolved;
  plan: Plan;
  tree: Tree;
}

/**
 * Answers with more services than this are generated with V8's young generation held at the size it has
 * when they are read. The whole tree stays in memory until the last file is written (nothing is written
 * before everything rendered and parsed back), and left alone V8 grows the young generation to 32 MB
 * around it. Held from the moment the answers are read (start-up has grown it to 8 MB by then), 100
 * services (~3,400 files) peak at ~84 MiB of RSS instead of ~107, for ~2% more time. Smaller repositories
 * keep V8's default, the faster one. Measured by `npm run bench`.
 */
export const LARGE_REPOSITORY_SERVICES = 30;

/** Sizes the heap for the repository these answers describe; call it as soon as they are collected. */
export function sizeHeapFor(raw: RawAnswers): void {
  const services = (raw.data as { services?: unknown }).services;
  if (!Array.isArray(services) || services.length <= LARGE_REPOSITORY_SERVICES) return;
  // After the bundle is loaded (dist/cli.js): V8 checks its code cache against the flags in force.
  process.getBuiltinModule('node:v8').setFlagsFromString('--semi-space-growth-factor=1');
}

/** 1. validate the answers, 2. plan the files, 3. render them in memory. */
export function renderProject(raw: RawAnswers, catalog: Catalog): Rendered {
  const resolved = resolveConfig(raw, catalog);
  const p = plan(resolved, catalog);
  const tree = render(p.files, p.context);
  return { resolved, plan: p, tree };
}

export interface LoadedManifest {
  manifest: Manifest | null;
  /** Entries dropped because they were unsafe or malformed (reported as warnings). */
  problems: Problem[];
}

export async function loadManifest(root: string): Promise<LoadedManifest> {
  let text: string;
  try {
    text = readFileSync(insideRoot(root, MANIFEST_FILE), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { manifest: null, problems: [] };
    throw err;
  }
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
  const disk = await readDisk(root, [...tree.keys(), ...Object.keys(manifest?.files ?? {})]);
  return reconcile(tree, disk.files, manifest, { ...opts, blocked: disk.blocked, toolVersion: TOOL.version });
}
