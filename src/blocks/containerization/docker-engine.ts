// Docker Engine as the node runtime: only through cri-dockerd since Kubernetes 1.24 removed dockershim
// (domain.md §1.1, CR-09). No RuntimeClass: cri-dockerd exposes a single handler.
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';

export default defineBlock({
  id: 'docker-engine',
  category: 'containerization',
  slot: 'runtime',
  title: 'Docker Engine (cri-dockerd)',
  summary: 'Docker Engine on the nodes through the cri-dockerd adapter (dockershim was removed in 1.24)',
  status: 'stable',
  options: z.object({}).strict(),
  questions: {},
  files: () => [{ to: 'deploy/cluster/runtime', dir: 'containerization/docker-engine' }],
  contribute: () => ({
    readme: [
      {
        title: 'Cluster runtime',
        order: 60,
        body:
          'Nodes run **Docker Engine through cri-dockerd**: Kubernetes ≥ 1.24 has no dockershim, so the kubelet talks to ' +
          '`unix:///run/cri-dockerd.sock`. Images are runtime-agnostic; see `deploy/cluster/runtime/README.md`.',
      },
    ],
  }),
});
