// What the two image builders (docker, podman) contribute in common: make targets and a README section.
// Kept as one function so the builders differ only in their command line.
import type { BlockContext } from '../../catalog/define.js';
import type { Contributions } from '../../catalog/contributions.js';

export function imageBuildContribution(
  ctx: BlockContext,
  b: { tool: 'docker' | 'podman'; build: string; title: string },
): Contributions {
  return {
    make: [
      {
        name: 'images',
        help: `Build every service image with ${b.tool} (TAG=dev by default)`,
        recipe: ctx.services.map((s) => `${b.build} -t ${s.image}:$(TAG) services/${s.name}`),
      },
      {
        name: 'push',
        help: `Push every service image (run '${b.tool} login ${ctx.project.image.registry}' first)`,
        recipe: ctx.services.map((s) => `${b.tool} push ${s.image}:$(TAG)`),
      },
    ],
    readme: [
      {
        title: 'Container images',
        order: 30,
        body:
          `Images are built with **${b.title}** from \`services/<name>/Dockerfile\` (multi-stage, pinned base images, ` +
          'numeric non-root user `10001`, no `HEALTHCHECK`: Kubernetes probes do that job).\n\n' +
          '```sh\nmake images TAG=dev   # build every image\nmake push TAG=dev     # push them\n```\n\n' +
          ctx.services.map((s) => `- \`${s.image}\` ← \`services/${s.name}\``).join('\n'),
      },
    ],
    diagram: { nodes: [{ id: 'build', label: b.title, group: 'build' }], edges: [{ from: 'build', to: 'registry', label: 'push' }] },
  };
}
