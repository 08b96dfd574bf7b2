// rkt is listed so users who ask for it learn why it is gone and what replaces it (domain.md §1.4, CR-07).
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';

export default defineBlock({
  id: 'rkt',
  category: 'containerization',
  slot: 'runtime',
  title: 'rkt',
  summary: 'CoreOS rkt container runtime',
  status: 'archived',
  statusNote:
    'rkt was archived by the CNCF in 2019 (cncf/toc#262) and ended upstream in 2020 (rkt/rkt#4024); Kubernetes removed its ' +
    'rkt integration, so no current cluster can run it',
  successor: 'containerd',
  options: z.object({}).strict(),
  questions: {},
});
