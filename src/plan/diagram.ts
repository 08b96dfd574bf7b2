// The Mermaid architecture diagram in the generated README, drawn from the services and the blocks'
// diagram contributions so it changes whenever the choices do.
import type { MergedContributions } from '../catalog/contributions.js';
import type { ResolvedProject, ResolvedService } from '../config/schema.js';

const GROUP_TITLES: Record<string, string> = {
  build: 'Build',
  registry: 'Registry',
  cluster: 'Cluster',
  platform: 'Platform services',
  data: 'Data and messaging',
  external: 'External',
};

const label = (s: string) => `"${s.replace(/"/g, "'")}"`;

export function mermaidDiagram(project: ResolvedProject, services: ResolvedService[], contrib: MergedContributions): string {
  const nodes = [...contrib.diagram.nodes];
  if (!nodes.some((n) => n.id === 'registry')) nodes.push({ id: 'registry', label: project.image.registry, group: 'registry' });
  const lines = ['flowchart LR', '  dev(["Developer"])'];
  for (const group of Object.keys(GROUP_TITLES)) {
    const members = nodes.filter((n) => n.group === group);
    if (group === 'cluster') {
      lines.push(`  subgraph cluster[${label(`Kubernetes: namespace ${project.namespace}`)}]`);
      for (const s of services) lines.push(`    svc_${s.name.replace(/-/g, '_')}[${label(`${s.name} (${s.language}, ${s.protocol}:${s.port})`)}]`);
      for (const n of members.filter((m) => m.id !== 'k8s')) lines.push(`    ${n.id}[${label(n.label)}]`);
      lines.push('  end');
      continue;
    }
    if (members.length === 0) continue;
    lines.push(`  subgraph grp_${group}[${label(GROUP_TITLES[group]!)}]`);
    for (const n of members) lines.push(`    ${n.id}[${label(n.label)}]`);
    lines.push('  end');
  }
  // Edges may name a service by its node id (svc_<name>), e.g. the NATS subject flows.
  const ids = new Set([...nodes.map((n) => n.id), 'dev', 'cluster', ...services.map((s) => `svc_${s.name.replace(/-/g, '_')}`)]);
  const edgeTarget = (id: string) => (id === 'k8s' ? 'cluster' : id);
  lines.push('  dev -->|git push| build');
  for (const e of contrib.diagram.edges) {
    const from = edgeTarget(e.from);
    const to = edgeTarget(e.to);
    if (!ids.has(from) && from !== 'cluster') continue;
    if (!ids.has(to) && to !== 'cluster') continue;
    lines.push(`  ${from} -->${e.label ? `|${e.label}|` : ''} ${to}`);
  }
  return lines.join('\n');
}
