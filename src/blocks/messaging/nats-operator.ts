// The old nats-operator is listed so users who ask for it learn why it is refused and what replaces it.
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';

export default defineBlock({
  id: 'nats-operator',
  category: 'messaging',
  slot: 'pubsub',
  title: 'nats-operator (NatsCluster)',
  summary: 'the legacy operator with the NatsCluster resource (nats.io/v1alpha2)',
  status: 'archived',
  statusNote:
    'the NATS maintainers mark nats-operator "not recommended for new deployments" and it never supported JetStream ' +
    '(nats-io/nats-operator#337, nats-io/k8s#550, nats-io/jetstream#439); they point to the nats Helm chart with NACK (CR-95)',
  successor: 'nats',
  options: z.object({}).strict(),
  questions: {},
});
