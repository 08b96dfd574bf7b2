// The interactive walk: asks only what the flags, --set and the answers file left open, and only what
// applies to the answers so far. The short walk (default): project name, services and their edges, one
// question per category (the recommended blocks, or each slot), then "Customize block options?".
// `--advanced` asks every slot on its own and every option right after its block. Rules apply while
// choosing (choose.ts, ask.ts); the summary is shown only for answers that generate, and lets the user
// change any answer. Answers land in RawAnswers with origin "prompt"; validation of the whole happens
// afterwards as for any other source.
import type { Catalog } from '../catalog/define.js';
import { answerKeys, applies, type AnswerKey } from '../config/answer-keys.js';
import { defaultFor } from '../config/defaults.js';
import { resolveConfig, type Resolved } from '../config/resolve.js';
import { RULES } from '../config/rules.js';
import type { RawAnswers } from '../config/sources.js';
import { ProjectInfoSchema } from '../config/schema.js';
import { ExitCode, UserError, type Problem } from '../util/errors.js';
import { askKey, offersChoice } from './ask.js';
import { currentErrors, errorsFor, reasonOf } from './choose.js';
import type { Prompter } from './prompter.js';
import { askEdges, askProject, askServices } from './project.js';
import { WalkState, type WalkOptions } from './state.js';
import { decide } from './summary.js';
import { schemaCheck } from './validate.js';

export { describeOption } from '../config/answer-keys.js';
export { sanitizeName } from './project.js';

/** Declining at the summary: not an input error (exit 4); the caller saves the answers. */
export class CancelledError extends UserError {
  constructor() {
    super('Cancelled at the summary: nothing written.', [], ExitCode.cancelled);
    this.name = 'CancelledError';
  }
}

interface Progress {
  customize?: boolean;
  imageHost?: boolean;
}

/** Slots still open for a category: not given, offering a real choice, and applying to the answers so far. */
function openSlots(state: WalkState, catId: string): AnswerKey[] {
  const filled = state.filled();
  return answerKeys(state.catalog).filter((k) => k.kind === 'slot' && k.category === catId && !state.given(k.key) && offersChoice(state, k) && applies(k, filled));
}

function optionsOf(state: WalkState, slot: AnswerKey): AnswerKey[] {
  const filled = state.filled();
  const id = filled[slot.category]?.[slot.slot.key];
  return answerKeys(state.catalog).filter((k) => k.kind === 'option' && k.block?.id === id && k.slot === slot.slot && k.question && !state.given(k.key) && applies(k, state.filled()));
}

/** The short walk's category question: the recommended blocks in one answer, or each slot. */
async function recommendedOrEach(state: WalkState, slots: AnswerKey[]): Promise<boolean> {
  const filled = state.filled();
  const values = slots.map((k) => defaultFor(k, filled).value);
  const data = state.withAnswer(slots[0]!.key, values[0], slots.slice(1).map((k, i) => [k.key, values[i + 1]]));
  const clash = errorsFor(state, data).find((r) => r.paths.some((p) => slots.some((k) => k.key === p)));
  const titles = slots.map((k, i) => state.catalog.blocks.find((b) => b.category === k.category && b.slot === k.slot.key && b.id === values[i])?.title ?? `no ${k.slot.title.toLowerCase()}`);
  const choice = await state.p.select({
    message: `${state.catalog.categories.find((c) => c.id === slots[0]!.category)!.title}: which blocks?`,
    default: clash ? 'each' : 'recommended',
    choices: [
      { value: 'recommended', name: `Recommended: ${titles.join(' · ')}`, disabled: clash ? `(${reasonOf(clash)})` : false },
      { value: 'each', name: `Choose each (${slots.map((k) => k.slot.title.toLowerCase()).join(', ')})` },
    ],
  });
  if (choice !== 'recommended') return false;
  slots.forEach((k, i) => state.answer(k.key, values[i]));
  return true;
}

async function askSlots(state: WalkState, progress: Progress): Promise<void> {
  for (const cat of state.catalog.categories) {
    let slots = openSlots(state, cat.id);
    const optionsDue = state.advanced && answerKeys(state.catalog).some((k) => k.kind === 'slot' && k.category === cat.id && optionsOf(state, k).length > 0);
    if (slots.length === 0 && !optionsDue) continue;
    state.p.section(cat.title, cat.summary);
    if (!state.advanced && slots.length > 1 && (await recommendedOrEach(state, slots))) slots = [];
    for (const slot of answerKeys(state.catalog).filter((k) => k.kind === 'slot' && k.category === cat.id)) {
      if (slots.includes(slot) && !state.given(slot.key) && applies(slot, state.filled())) await askKey(state, slot.key);
      if (state.advanced) for (const o of optionsOf(state, slot)) if (!state.given(o.key) && applies(o, state.filled())) await askKey(state, o.key);
    }
  }
  // The image host comes from the registry choice when it runs one (Harbor); otherwise ask for it.
  if (!progress.imageHost && !state.given('project.image.registry') && state.filled().registry?.provider !== 'harbor') {
    progress.imageHost = true;
    state.p.section('Images', 'where the pipeline pushes the images');
    const host = await state.p.input({ message: 'Image registry host', default: 'ghcr.io', validate: schemaCheck(ProjectInfoSchema.shape.image.unwrap().shape.registry) });
    if (host !== 'ghcr.io') state.answer('project.image.registry', host);
  }
}

/** "Customize block options?" (short walk) and then every applicable option not answered yet. */
async function askOptions(state: WalkState, progress: Progress): Promise<void> {
  const open = () => answerKeys(state.catalog).filter((k) => k.kind === 'option' && k.question && !state.given(k.key) && applies(k, state.filled()));
  if (open().length === 0) return;
  if (!state.advanced) {
    progress.customize ??= await state.p.confirm({ message: 'Customize block options?', default: false });
    if (!progress.customize) return;
  }
  state.p.section('Block options', 'the options of the blocks you chose');
  for (const k of open()) if (!state.given(k.key) && applies(k, state.filled())) await askKey(state, k.key);
}

/** Keys the walk may change to cure a problem (never those given by flags, --set or a file). */
function curable(state: WalkState, problems: Problem[]): string[] {
  const keys = new Set<string>();
  for (const p of problems) {
    const rule = RULES.find((r) => r.id === p.rule);
    for (const k of [p.key ?? '', ...(rule?.paths ?? [])]) {
      if (state.keyOf(k) && !state.fixed(k)) keys.add(k);
      else if (k.startsWith('services') && state.asked.includes('services')) keys.add('services');
    }
  }
  return [...keys];
}

/** Validates the whole; re-asks what the rules blame until the answers generate (or cannot be cured here). */
async function settleAll(state: WalkState, progress: Progress): Promise<Resolved> {
  for (let round = 0; ; round++) {
    try {
      return resolveConfig(state.raw, state.catalog);
    } catch (err) {
      if (!(err instanceof UserError) || round >= 8) throw err;
      const keys = curable(state, err.problems);
      if (keys.length === 0) throw err;
      state.p.info(`${err.message}\n${err.problems.map((p) => `  ✖ ${p.key ? p.key + ': ' : ''}${p.message}`).join('\n')}\nChoose again:`);
      for (const k of keys) await change(state, k, progress);
    }
  }
}

async function change(state: WalkState, key: string, progress: Progress): Promise<void> {
  if (key === 'project.name') {
    state.raw.data.project && delete (state.raw.data.project as Record<string, unknown>).name;
    await askProject(state);
  } else if (key === 'services') {
    delete state.raw.data.services;
    await askServices(state);
    await askEdges(state);
  } else await askKey(state, key);
}

/** Walks project, services, edges, slots and options, then the summary; returns the answers to generate. */
export async function walk(p: Prompter, raw: RawAnswers, catalog: Catalog, opts: WalkOptions & { target: string }): Promise<RawAnswers> {
  const state = new WalkState(p, raw, catalog, opts);
  const progress: Progress = {};
  // 0. Answers given outside the walk that contradict each other cannot be cured by asking: say so now.
  const stuck = currentErrors(state).filter((r) => r.paths.every((k) => !state.keyOf(k) || state.fixed(k)) && r.paths.some((k) => state.fixed(k)));
  const archived = catalog.blocks.filter((b) => b.status === 'archived' && state.fixed(`${b.category}.${b.slot}`) && state.value(`${b.category}.${b.slot}`) === b.id);
  if (stuck.length || archived.length) {
    throw new UserError('These choices cannot be generated:', [
      ...archived.map((b) => ({ key: `${b.category}.${b.slot}`, message: `${b.title} is archived: ${b.statusNote}`, fix: b.successor ? `--set ${b.category}.${b.slot}=${b.successor}` : undefined })),
      ...stuck.map((r) => ({ key: r.paths[0], message: reasonOf(r), fix: r.fix, rule: r.id })),
    ]);
  }
  // 1. The project, its services and their edges.
  await askProject(state);
  if (await askServices(state)) await askEdges(state);
  // 2. One question per slot (per category in the short walk), 3. the options.
  await askSlots(state, progress);
  await askOptions(state, progress);
  // 4. The summary, once the answers generate; a change re-asks that answer and what follows from it.
  for (;;) {
    const resolved = await settleAll(state, progress);
    const d = await decide(state, resolved, opts.target);
    if (d.action === 'generate') return raw;
    if (d.action === 'cancel') throw new CancelledError();
    await change(state, d.key, progress);
    await askSlots(state, progress);
    if (state.advanced || progress.customize) await askOptions(state, progress);
  }
}
