// Weave Net is listed so users who ask for it learn why it is refused and what replaces it (rule CR-76,
// enforced by the archived status; reference/wave2.md §3.1, domain.md §8.4).
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';

export default defineBlock({
  id: 'weave-net',
  category: 'network-policy',
  slot: 'engine',
  title: 'Weave Net',
  summary: 'Weave Net CNI and its NetworkPolicy controller',
  status: 'archived',
  statusNote:
    'Weaveworks ceased operations in February 2024 and weaveworks/weave is archived (last release 2.8.1); the Kubernetes docs now point ' +
    'to a personal fork (kubernetes/website#45278, #45445: rajch/weave), which has open reports of breakage with iptables-nft ' +
    '(rajch/weave#15, #20, #24). No vendor or foundation maintains it',
  successor: 'calico',
  options: z.object({}).strict(),
  questions: {},
});
