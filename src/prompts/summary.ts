// The summary at the end of the walk: the choices as they will be generated (defaults included, and
// which defaults followed from other answers), the warnings and notes of the rules table, then the
// decision: generate, change one answer (the walk asks it again, and whatever that invalidates), or
// cancel (the answers are kept for a later `--answers`).
import type { Resolved } from '../config/resolve.js';
import { answerKeys, applies, pickKey } from '../config/answer-keys.js';
import { formatProblemList } from '../util/report.js';
import type { WalkState } from './state.js';

export type Decision = { action: 'generate' } | { action: 'cancel' } | { action: 'change'; key: string };

function edges(s: Resolved['services'][number]): string {
  const parts: string[] = [];
  if (s.calls?.length) parts.push(`calls ${s.calls.map((c) => (typeof c === 'string' ? c : c.service)).join(', ')}`);
  if (s.expose !== undefined && s.expose !== false) parts.push('exposed');
  if (s.egress?.length) parts.push(`egress ${s.egress.map((e) => `${e.host}:${e.port}`).join(', ')}`);
  if (s.uses?.length) parts.push(`uses ${s.uses.join(', ')}`);
  return parts.length ? `; ${parts.join('; ')}` : '';
}

/** The summary text: project, services with their edges, one line per category, options that differ from their static default. */
export function summaryText(state: WalkState, resolved: Resolved): string {
  const { project, services, config } = resolved;
  const lines = [
    `Project    ${project.name} (namespace ${project.namespace}, Kubernetes ${project.kubernetesVersion}, images ${project.image.registry}/${project.image.repository}/<service>)`,
    ...services.map((s, i) => `${i === 0 ? 'Services   ' : '           '}${s.name}: ${s.language}, ${s.protocol} on ${s.port}, ${s.replicas} replica(s)${edges(s)}`),
  ];
  const keys = answerKeys(state.catalog);
  for (const cat of state.catalog.categories) {
    const slots = keys.filter((k) => k.kind === 'slot' && k.category === cat.id);
    if (slots.length === 0) continue;
    const chosen = slots.map((k) => {
      const id = pickKey(config, k.key);
      const b = state.catalog.blocks.find((x) => x.category === cat.id && x.slot === k.slot.key && x.id === id);
      return `${k.slot.title}: ${b ? b.title : 'none'}`;
    });
    lines.push(`${cat.title}: ${chosen.join(' · ')}`);
  }
  const changed = keys
    .filter((k) => k.kind === 'option' && applies(k, config))
    .filter((k) => JSON.stringify(pickKey(config, k.key)) !== JSON.stringify(k.staticDefault) && pickKey(config, k.key) !== undefined)
    .map((k) => `${k.key}=${JSON.stringify(pickKey(config, k.key))}`);
  if (changed.length) lines.push(`Options: ${changed.join(', ')}`);
  const w = formatProblemList('Warnings:', resolved.warnings);
  const n = formatProblemList('Notes:', resolved.infos, '-');
  return [...lines, ...(w ? [w] : []), ...(n ? [n] : [])].join('\n');
}

/** Shows the summary and returns what the user decides. */
export async function decide(state: WalkState, resolved: Resolved, target: string): Promise<Decision> {
  const { p } = state;
  p.section('Summary', `into ${target}`);
  p.info(summaryText(state, resolved));
  const action = await p.select({
    message: 'Generate the repository?',
    default: 'generate',
    choices: [
      { value: 'generate', name: 'Yes, generate it' },
      { value: 'change', name: 'Change an answer first' },
      { value: 'cancel', name: 'Cancel (your answers are saved for later)' },
    ],
  });
  if (action !== 'change') return { action } as Decision;
  const changeable = [
    'project.name',
    ...(state.asked.includes('services') ? ['services'] : []),
    ...answerKeys(state.catalog)
      .filter((k) => !state.fixed(k.key) && (k.kind === 'slot' || state.asked.includes(k.key) || state.given(k.key)))
      .filter((k) => applies(k, resolved.config) && (k.kind === 'slot' || k.question))
      .map((k) => k.key),
  ].filter((k) => !state.fixed(k));
  const show = (k: string) => (k === 'services' ? `services and their edges (${resolved.services.map((s) => s.name).join(', ')})` : `${state.keyOf(k)?.message ?? k}  [${k} = ${JSON.stringify(pickKey(resolved.config, k) ?? pickKey(resolved.project, k.replace(/^project\./, '')))}]`);
  const key = await p.select({ message: 'Which answer?', choices: changeable.map((k) => ({ value: k, name: show(k) })) });
  return { action: 'change', key };
}
