// The building-block contract. A block is declared once: its options (zod), the question for every
// option, the files it owns and what it contributes to shared files. See docs/architecture.md.
import type * as z from 'zod';
import type { Config, ResolvedProject, ResolvedService } from '../config/schema.js';
import type { Contributions, MergedChart, MergedContributions } from './contributions.js';
import type { ServiceGraph } from '../graph/graph.js';

export type CategoryId =
  | 'containerization'
  | 'registry'
  | 'distribution'
  | 'cicd'
  | 'orchestration'
  | 'observability'
  | 'discovery'
  | 'network-policy'
  | 'storage'
  | 'messaging';

export type BlockStatus = 'stable' | 'preview' | 'legacy' | 'archived';

/** A scalar answer value a condition compares with (null = not answered). */
export type AnswerScalar = string | number | boolean | null;

/**
 * When something applies, declared as data: answer keys (a block's own option names, or dotted keys such
 * as `cicd.provider`) → the value, or any of the values, they must have (null = unset). Every entry must hold.
 * For what a map cannot say (e.g. "a service uses sql"), a test with the text that documents it.
 */
export type Applies = Record<string, AnswerScalar | readonly AnswerScalar[]> | { text: string; test: (answers: Record<string, any>) => boolean };

/**
 * A default that follows from other answers (the first that applies wins over the static default), for
 * prompts, `--yes` and answers files alike; a note names it and `because`.
 * @example { value: 'key', when: { 'cicd.provider': 'tekton', issuer: null }, because: 'Tekton has no OIDC token the public Sigstore accepts' }
 */
export interface ContextualDefault {
  value: unknown;
  when: Applies;
  because: string;
}

export interface SlotDef {
  key: string;
  title: string;
  /** The question asked for this slot. */
  question: string;
  default: string | string[];
  /** The slot accepts `none`. */
  optional?: boolean;
  /** The slot holds a list of block ids. */
  multiple?: boolean;
  /** Asked (and listed as relevant) only when this holds; otherwise its default stands. */
  when?: Applies;
  /** Defaults that follow from other answers. */
  defaults?: ContextualDefault[];
}

export interface CategoryDef {
  id: CategoryId;
  title: string;
  summary: string;
  slots: SlotDef[];
}

export interface Question {
  message: string;
  /** For enum options: a one-line explanation per value. */
  choices?: Record<string, string>;
  /**
   * The option matters only when this holds (besides its block being selected): the walk asks it only
   * then, and `list`, the JSON Schema and the docs say so. Keys without a dot are the block's own options.
   */
  when?: Applies;
  /** Defaults that follow from other answers (keys as in `when`). */
  defaults?: ContextualDefault[];
}

/** Every option must have a question (or `null` to say explicitly it is never asked): a missing one is a compile error. */
export type Questions<O> = { [K in keyof O]-?: Question | null };

/** What a block sees when it plans files and contributions. */
export interface BlockContext<O = Record<string, unknown>> {
  config: Config;
  project: ResolvedProject;
  services: ResolvedService[];
  /** The service graph: calls, exposure, egress, NATS subjects, data use (src/graph/graph.ts). */
  graph: ServiceGraph;
  /** This block's own options, defaults applied. */
  options: O;
  /** Whether a block (`category/id`) is selected. */
  has(blockId: string): boolean;
}

/** When files are planned, the merged contributions of every selected block are known too. */
export interface FilesContext<O = Record<string, unknown>> extends BlockContext<O> {
  contrib: MergedContributions;
  /** The merged chart contributions (values, env, annotations...) for one service. */
  chartFor(service: ResolvedService): MergedChart;
}

export type FileSpec =
  /** One template (path under templates/) rendered to `to`. */
  | { to: string; template: string; data?: Record<string, unknown> }
  /** Every template under a folder, keeping relative paths (`.hbs` stripped), rendered under `to`. */
  | { to: string; dir: string; data?: Record<string, unknown> }
  /** Content produced in code (e.g. JSON via JSON.stringify); `why`: reasons `explain` prints for it. */
  | { to: string; content: string; executable?: boolean; why?: string[] };

export interface BlockDef<S extends z.ZodObject = z.ZodObject> {
  /** Unique within its category; the full id is `category/id`. */
  id: string;
  category: CategoryId;
  slot: string;
  title: string;
  /** One line, shown next to the choice in prompts and `list`. */
  summary: string;
  status: BlockStatus;
  /** Why a legacy/archived block is so, with evidence. */
  statusNote?: string;
  /** Block id (same slot) to use instead of a legacy/archived one. */
  successor?: string;
  options: S;
  questions: Questions<z.infer<S>>;
  files?: (ctx: FilesContext<z.infer<S>>) => FileSpec[];
  contribute?: (ctx: BlockContext<z.infer<S>>) => Contributions;
}

export type AnyBlock = BlockDef<z.ZodObject>;

export interface Catalog {
  categories: CategoryDef[];
  blocks: AnyBlock[];
}

/**
 * Declares a building block.
 * @example
 * export default defineBlock({
 *   id: 'compose', category: 'containerization', slot: 'local', title: 'Docker Compose',
 *   summary: 'compose.yaml to run every service locally', status: 'stable',
 *   options: z.object({}), questions: {},
 *   files: () => [{ to: 'compose.yaml', template: 'containerization/compose/compose.yaml.hbs' }],
 * });
 */
export function defineBlock<S extends z.ZodObject>(def: BlockDef<S>): AnyBlock {
  return def as unknown as AnyBlock;
}

export const fullId = (b: Pick<AnyBlock, 'category' | 'id'>) => `${b.category}/${b.id}`;
