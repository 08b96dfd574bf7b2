// OpenTelemetry tracing, started only when OTEL_EXPORTER_OTLP_ENDPOINT is set (the Helm chart sets it
// when tracing is enabled): spans go over OTLP/HTTP to <endpoint>/v1/traces, W3C trace context is
// read from incoming requests. The resource comes from OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
// Without the variable the @opentelemetry/api calls are no-ops.
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { SERVICE_NAME } from './log.js';

export interface Tracing {
  /** Flushes pending spans; call before exiting. */
  shutdown(): Promise<void>;
}

export function startTracing(env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  if (!env['OTEL_EXPORTER_OTLP_ENDPOINT'] && !env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) return undefined;
  // Later resources win: the built-in name is the fallback, OTEL_SERVICE_NAME/OTEL_RESOURCE_ATTRIBUTES override it.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': SERVICE_NAME }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new TracerProvider({
    resource,
    // The exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT itself and appends /v1/traces.
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), scheduledDelayMillis: 1000 })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return { shutdown: () => provider.shutdown() };
}
