// ingress-nginx is listed so users who ask for it learn why it is refused and what replaces it (CR-70).
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';

export default defineBlock({
  id: 'ingress-nginx',
  category: 'discovery',
  slot: 'gateway',
  title: 'ingress-nginx',
  summary: 'the community Ingress NGINX controller (Ingress API)',
  status: 'archived',
  statusNote:
    'Kubernetes SIG Network and the Security Response Committee retired Ingress NGINX: best-effort maintenance ended in March 2026, ' +
    'with no further releases, bug fixes or security fixes (https://kubernetes.io/blog/2025/11/11/ingress-nginx-retirement/); ' +
    'they recommend Gateway API, which Envoy Gateway implements [CR-70]',
  successor: 'envoy-gateway',
  options: z.object({}).strict(),
  questions: {},
});
