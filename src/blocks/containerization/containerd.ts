// containerd 2.x as the node runtime (domain.md §1.2): config version 3, runc handler, systemd cgroups.
import { defineBlock } from '../../catalog/define.js';
import { RuntimeOptionsSchema, runtimeContribution, runtimeFiles, runtimeQuestions } from './runtime.js';

export default defineBlock({
  id: 'containerd',
  category: 'containerization',
  slot: 'runtime',
  title: 'containerd',
  summary: 'CNCF-graduated CRI runtime, the default of most distributions (handler runc)',
  status: 'stable',
  options: RuntimeOptionsSchema,
  questions: runtimeQuestions,
  files: (ctx) => runtimeFiles(ctx, 'runc', 'containerization/containerd'),
  contribute: (ctx) => runtimeContribution(ctx, 'runc', 'containerd 2.x'),
});
