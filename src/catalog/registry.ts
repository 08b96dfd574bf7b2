// The whole product line in one file: every building block, one import line each, in the order
// prompts, `list` and contribution merging use. Adding a block = a block file + a template folder + a line here.
import type { Catalog } from './define.js';
import { CATEGORIES } from './categories.js';

import docker from '../blocks/containerization/docker.js';
import podman from '../blocks/containerization/podman.js';
import containerd from '../blocks/containerization/containerd.js';
import crio from '../blocks/containerization/cri-o.js';
import dockerEngine from '../blocks/containerization/docker-engine.js';
import rkt from '../blocks/containerization/rkt.js';
import compose from '../blocks/containerization/compose.js';
import kubernetes from '../blocks/orchestration/kubernetes.js';

export const catalog: Catalog = {
  categories: CATEGORIES,
  blocks: [docker, podman, containerd, crio, dockerEngine, rkt, compose, kubernetes],
};
