// Image build with Podman/Buildah (domain.md §1.5). Podman builds OCI images by default, which drop
// HEALTHCHECK (CR-02); we build with `--format docker` so a HEALTHCHECK a user adds is kept.
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { imageBuildContribution } from './image-build.js';

export default defineBlock({
  id: 'podman',
  category: 'containerization',
  slot: 'build',
  title: 'Podman / Buildah',
  summary: 'daemonless, rootless builds with podman build --format docker (same Dockerfiles)',
  status: 'stable',
  options: z.object({}).strict(),
  questions: {},
  contribute: (ctx) => {
    const c = imageBuildContribution(ctx, { tool: 'podman', build: 'podman build --format docker', title: 'Podman / Buildah' });
    c.readme![0]!.body +=
      '\n\nPodman 6 needs cgroups v2, nftables and Netavark/pasta on the build host; rootless Buildah inside an unprivileged CI ' +
      'container usually needs `STORAGE_DRIVER=vfs` and `BUILDAH_ISOLATION=chroot`.';
    return c;
  },
});
