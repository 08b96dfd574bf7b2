// compose.yaml to run every service on the developer's machine, hardened like the cluster
// (read-only root, no capabilities, numeric user) so "works locally" means "works in the cluster".
import { z } from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { localEnvFor } from '../../catalog/network.js';

export default defineBlock({
  id: 'compose',
  category: 'containerization',
  slot: 'local',
  title: 'Compose',
  summary: 'compose.yaml for `docker compose up` / `podman compose up`, ports bound to 127.0.0.1',
  status: 'stable',
  options: z.object({}).strict(),
  questions: {},
  // Beside the services: the containers other blocks contribute (contrib.local, e.g. NATS) and each
  // service's environment for the local run (e.g. where NATS is and its credentials).
  files: (ctx) => [
    {
      to: 'compose.yaml',
      template: 'containerization/compose/compose.yaml.hbs',
      data: { local: ctx.contrib.local.services, env: Object.fromEntries(ctx.services.map((s) => [s.name, localEnvFor(ctx.contrib.local, s)])) },
    },
  ],
  contribute: (ctx) => {
    const tool = ctx.has('containerization/podman') ? 'podman' : 'docker';
    return {
      make: [
        { name: 'up', help: 'Build and run every service locally', recipe: [`${tool} compose up --build`] },
        { name: 'down', help: 'Stop the local services', recipe: [`${tool} compose down`] },
      ],
      readme: [
        {
          title: 'Run locally',
          order: 20,
          body:
            '```sh\nmake up\n```\n\n' +
            ctx.services.map((s) => `- **${s.name}** (${s.language}, ${s.protocol}) → ${s.protocol === 'http' ? `http://127.0.0.1:${s.port}/healthz` : `127.0.0.1:${s.port} (gRPC)`}`).join('\n'),
        },
      ],
    };
  },
});
