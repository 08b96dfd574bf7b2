// OpenTracing is listed so users who ask for it learn why it is gone and what replaces it
// (domain.md §6.4, CR-56): OpenTelemetry SDKs exporting OTLP.
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';

export default defineBlock({
  id: 'opentracing',
  category: 'observability',
  slot: 'tracing',
  title: 'OpenTracing',
  summary: 'OpenTracing API and Jaeger client libraries in the services',
  status: 'archived',
  statusNote:
    'the CNCF archived OpenTracing on 2022-01-31 (cncf/toc#710) and the Jaeger client libraries are archived too; ' +
    'its successor is OpenTelemetry (https://opentelemetry.io/docs/migration/opentracing/). cn-scaffold instruments the ' +
    'services with the OpenTelemetry SDK and exports OTLP to an OpenTelemetry Collector and Jaeger v2',
  successor: 'jaeger',
  options: z.object({}).strict(),
  questions: {},
});
