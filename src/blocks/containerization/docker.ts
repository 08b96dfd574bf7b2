// Image build with Docker + BuildKit (domain.md §1.1): the Dockerfiles come with each service
// skeleton; this block owns how they are built (make targets, README).
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { imageBuildContribution } from './image-build.js';

export default defineBlock({
  id: 'docker',
  category: 'containerization',
  slot: 'build',
  title: 'Docker (BuildKit)',
  summary: 'docker buildx build with BuildKit cache mounts; multi-stage Dockerfiles, numeric non-root user',
  status: 'stable',
  options: z.object({}).strict(),
  questions: {},
  contribute: (ctx) => imageBuildContribution(ctx, { tool: 'docker', build: 'docker buildx build --load', title: 'Docker (BuildKit)' }),
});
