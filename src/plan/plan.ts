// Config → the list of files to produce, each with the block that owns it. Pure: no disk, no rendering.
// Order of work: 1. every selected block contributes to shared files, 2. the merged contributions are
// known, 3. every block (and the base skeleton) lists its files, 4. folders expand to their templates.
import { fullId, type AnyBlock, type BlockContext, type Catalog, type FileSpec, type FilesContext } from '../catalog/define.js';
import { mergeChart, mergeContributions, type Contributions, type MergedContributions } from '../catalog/contributions.js';
import type { Resolved } from '../config/resolve.js';
import { safeRelative } from '../util/paths.js';
import { templateExists, templatesUnder } from '../render/render.js';
import { baseFiles } from './base.js';
import { graphNetwork } from '../graph/graph.js';

export interface PlannedFile {
  path: string;
  block: string;
  template?: string;
  content?: string;
  data?: Record<string, unknown>;
  executable?: boolean;
  why?: string[];
}

export interface RootContext {
  tool: { name: string; version: string };
  project: Resolved['project'];
  services: Resolved['services'];
  graph: Resolved['graph'];
  config: Resolved['config'];
  contrib: MergedContributions;
  selected: string[];
}

export interface Plan {
  files: PlannedFile[];
  context: RootContext;
  contrib: MergedContributions;
}

export const TOOL = { name: 'cn-scaffold', version: __CN_VERSION__ };

function blockContext(block: AnyBlock, r: Resolved): BlockContext<any> {
  const section = (r.config[block.category] ?? {}) as Record<string, unknown>;
  return {
    config: r.config,
    project: r.project,
    services: r.services,
    graph: r.graph,
    // Already parsed, defaults and all, by the answers schema (src/config/schema.ts: each block's options
    // with prefault({})); a block without options has no key there.
    options: section[block.id] ?? {},
    has: (id) => r.selected.includes(id),
  };
}

function expand(spec: FileSpec, block: string): PlannedFile[] {
  const to = safeRelative(spec.to);
  if ('content' in spec) return [{ path: to, block, content: spec.content, executable: spec.executable, ...(spec.why ? { why: spec.why } : {}) }];
  if ('template' in spec) {
    if (!templateExists(spec.template)) throw new Error(`${block}: template ${spec.template} does not exist`);
    return [{ path: to, block, template: spec.template, data: spec.data }];
  }
  const list = templatesUnder(spec.dir);
  if (list.length === 0) throw new Error(`${block}: template folder ${spec.dir} is empty or missing`);
  return list.map((t) => ({
    path: safeRelative(`${to}/${t.slice(spec.dir.length + 1).replace(/\.hbs$/, '')}`),
    block,
    template: t,
    data: spec.data,
  }));
}

export function plan(r: Resolved, catalog: Catalog): Plan {
  const blocks = catalog.blocks.filter((b) => r.selected.includes(fullId(b)));
  const contexts = new Map(blocks.map((b) => [b, blockContext(b, r)]));

  // 1-2. Contributions first: file lists may depend on them (chart values, README, Makefile). The
  // services' own edges (calls, egress) come first, under the name `graph`.
  const contributions: Contributions[] = [{ network: graphNetwork(r.graph) }, ...blocks.map((b) => b.contribute?.(contexts.get(b)!) ?? {})];
  const contrib = mergeContributions(contributions, ['graph', ...blocks.map(fullId)]);
  const chartCache = new Map<string, ReturnType<typeof mergeChart>>();
  const chartFor = (s: Resolved['services'][number]) => {
    if (!chartCache.has(s.name)) chartCache.set(s.name, mergeChart(contributions, s, contrib.network));
    return chartCache.get(s.name)!;
  };

  const context: RootContext = {
    tool: TOOL,
    project: r.project,
    services: r.services,
    graph: r.graph,
    config: r.config,
    contrib,
    selected: r.selected,
  };

  // 3-4. Files: the repository skeleton, then every selected block's own.
  const files: PlannedFile[] = baseFiles(r, catalog, contrib).flatMap((s) => expand(s, 'base'));
  for (const b of blocks) {
    const ctx: FilesContext<any> = { ...contexts.get(b)!, contrib, chartFor };
    for (const spec of b.files?.(ctx) ?? []) files.push(...expand(spec, fullId(b)));
  }
  return { files, context, contrib };
}
