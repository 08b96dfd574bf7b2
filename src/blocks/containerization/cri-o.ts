// CRI-O as the node runtime (domain.md §1.3): versioned with Kubernetes, crun by default since 1.31.
import { defineBlock } from '../../catalog/define.js';
import { RuntimeOptionsSchema, runtimeContribution, runtimeFiles, runtimeQuestions } from './runtime.js';

export default defineBlock({
  id: 'cri-o',
  category: 'containerization',
  slot: 'runtime',
  title: 'CRI-O',
  summary: 'Kubernetes-only CRI runtime released in lock-step with Kubernetes (handler crun)',
  status: 'stable',
  options: RuntimeOptionsSchema,
  questions: runtimeQuestions,
  files: (ctx) => runtimeFiles(ctx, 'crun', 'containerization/cri-o'),
  contribute: (ctx) => runtimeContribution(ctx, 'crun', 'CRI-O'),
});
