// NATS Streaming (STAN) is listed so users who ask for it learn why it is refused and what replaces it.
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';

export default defineBlock({
  id: 'nats-streaming',
  category: 'messaging',
  slot: 'pubsub',
  title: 'NATS Streaming (STAN)',
  summary: 'the former persistence layer of NATS',
  status: 'archived',
  statusNote:
    'NATS Streaming reached end of life: critical fixes only until June 2023, then none (dapr/docs#3666, ' +
    'argoproj/argo-events#1775); its persistence lives on as JetStream, built into the NATS server (CN-MSG-07)',
  successor: 'nats',
  options: z.object({}).strict(),
  questions: {},
});
