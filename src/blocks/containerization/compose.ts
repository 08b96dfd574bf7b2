// compose.yaml to run every service on the developer's machine, hardened like the cluster
// (read-only root, no capabilities, numeric user) so "works locally" means "works in the cluster".
import * as z from 'zod';
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
  // Other blocks add containers (local.services: a front proxy, a database) and per-service environment
  // (local.env: the callees' addresses, connection settings); the template only iterates.
  files: (ctx) => [
    {
      to: 'compose.yaml',
      template: 'containerization/compose/compose.yaml.hbs',
      data: {
        app: ctx.services.map((s) => ({ service: s, env: localEnvFor(ctx.contrib.local, s) })),
        extra: ctx.contrib.local.services,
      },
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
