// The Mermaid architecture diagram in the generated README, drawn from the services and the blocks'
// diagram contributions so it changes whenever the choices do.
import type { MergedContributions } from '../catalog/contributions.js';
import type { ResolvedProject, ResolvedService } from '../config/schema.js';
import type { ServiceGraph } from '../graph/graph.js';

const GROUP_TITLES: Record<string, string> = {
  build: 'Build',
  registry: 'Registry',
  cluster: 'Cluster',
  platform: 'Platform services',
  data: 'Data and messaging',
  external: 'External',
};

const label = (s: string) => `"${s.replace(/"/g, "'")}"`;

/** The Mermaid node id of a service: blocks' diagram edges may name it (e.g. gateway → an exposed service). */
export const serviceNodeId = (name: string) => `svc_${name.replace(/-/g, '_')}`;

export function mermaidDiagram(project: ResolvedProject, services: ResolvedService[], contrib: MergedContributions, graph?: ServiceGraph): string {
  const nodes = [...contrib.diagram.nodes];
  if (!nodes.some((n) => n.id === 'registry')) nodes.push({ id: 'registry', label: project.image.registry, group: 'registry' });
  const lines = ['flowchart LR', '  dev(["Developer"])'];
  for (const group of Object.keys(GROUP_TITLES)) {
    const members = nodes.filter((n) => n.group === group);
    if (group === 'cluster') {
      lines.push(`  subgraph cluster[${label(`Kubernetes: namespace ${project.namespace}`)}]`);
      for (const s of services) lines.push(`    ${serviceNodeId(s.name)}[${label(`${s.name} (${s.language}, ${s.protocol}:${s.port})`)}]`);
      for (const n of members.filter((m) => m.id !== 'k8s')) lines.push(`    ${n.id}[${label(n.label)}]`);
      lines.push('  end');
      continue;
    }
    if (members.length === 0) continue;
    lines.push(`  subgraph grp_${group}[${label(GROUP_TITLES[group]!)}]`);
    for (const n of members) lines.push(`    ${n.id}[${label(n.label)}]`);
    lines.push('  end');
  }
  // Edges may name a service by its node id (serviceNodeId), e.g. a gateway route or the NATS subject flows.
  const ids = new Set([...nodes.map((n) => n.id), ...services.map((s) => serviceNodeId(s.name)), 'dev', 'cluster']);
  const edgeTarget = (id: string) => (id === 'k8s' ? 'cluster' : id);
  lines.push('  dev -->|git push| build');
  for (const e of contrib.diagram.edges) {
    const from = edgeTarget(e.from);
    const to = edgeTarget(e.to);
    if (!ids.has(from) && from !== 'cluster') continue;
    if (!ids.has(to) && to !== 'cluster') continue;
    lines.push(`  ${from} -->${e.label ? `|${e.label}|` : ''} ${to}`);
  }
  // The calls the services declare (east-west), labelled with the callee's protocol.
  for (const c of graph?.calls ?? []) lines.push(`  ${serviceNodeId(c.from)} -->|${c.protocol}| ${serviceNodeId(c.to)}`);
  return lines.join('\n');
}
