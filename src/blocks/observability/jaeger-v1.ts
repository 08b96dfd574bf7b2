// Jaeger v1 (jaeger-agent, jaeger-operator `Jaeger` CR) is listed so users who ask for it learn why it
// is gone and what cn-scaffold generates instead (domain.md §6.3, CR-55).
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';

export default defineBlock({
  id: 'jaeger-v1',
  category: 'observability',
  slot: 'tracing',
  title: 'Jaeger v1 (jaeger-operator, jaeger-agent)',
  summary: 'Jaeger v1 components and the jaegertracing.io/v1 Jaeger resource',
  status: 'archived',
  statusNote:
    'Jaeger v1 reached end of life on 2025-12-31: no v1 releases since 2026-01-01 (jaegertracing/jaeger#6321); jaeger-agent is ' +
    'gone and jaeger-operator with its `Jaeger` resource is v1-only and deprecated. cn-scaffold generates Jaeger v2 instead — ' +
    'a single binary built on the OpenTelemetry Collector, fed over OTLP by an OpenTelemetry Collector in front of it',
  successor: 'jaeger',
  options: z.object({}).strict(),
  questions: {},
});
