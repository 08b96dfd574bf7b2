// Server-side gRPC metrics with go-grpc-prometheus' names and labels (what the generated
// PrometheusRule and dashboard query): grpc_server_handled_total{grpc_type,grpc_service,
// grpc_method,grpc_code} and the grpc_server_handling_seconds histogram, recorded by a server
// interceptor that also wraps each call (health checks excepted) in an OpenTelemetry server span
// when tracing is on; and the plain-HTTP server that serves them on the metrics port.
import { createServer, type Server as HttpServer } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { context, propagation, SpanKind, SpanStatusCode, trace, type TextMapGetter } from '@opentelemetry/api';
import { SERVICE_NAME } from './log.js';
import { CONTENT_TYPE, Counter, createRegistry, Histogram, type Registry } from './metrics.js';

/** grpc.status code -> the label value go-grpc-prometheus uses (Go's codes.Code.String()). */
const CODE_NAMES: Record<number, string> = {
  [grpc.status.OK]: 'OK',
  [grpc.status.CANCELLED]: 'Canceled',
  [grpc.status.UNKNOWN]: 'Unknown',
  [grpc.status.INVALID_ARGUMENT]: 'InvalidArgument',
  [grpc.status.DEADLINE_EXCEEDED]: 'DeadlineExceeded',
  [grpc.status.NOT_FOUND]: 'NotFound',
  [grpc.status.ALREADY_EXISTS]: 'AlreadyExists',
  [grpc.status.PERMISSION_DENIED]: 'PermissionDenied',
  [grpc.status.RESOURCE_EXHAUSTED]: 'ResourceExhausted',
  [grpc.status.FAILED_PRECONDITION]: 'FailedPrecondition',
  [grpc.status.ABORTED]: 'Aborted',
  [grpc.status.OUT_OF_RANGE]: 'OutOfRange',
  [grpc.status.UNIMPLEMENTED]: 'Unimplemented',
  [grpc.status.INTERNAL]: 'Internal',
  [grpc.status.UNAVAILABLE]: 'Unavailable',
  [grpc.status.DATA_LOSS]: 'DataLoss',
  [grpc.status.UNAUTHENTICATED]: 'Unauthenticated',
};
export const codeName = (code: number): string => CODE_NAMES[code] ?? 'Unknown';

/** Probes are counted but get no span: they would drown the real traffic. */
const UNTRACED_SERVICES = new Set(['grpc.health.v1.Health']);

/** Reads W3C headers (traceparent, tracestate) from gRPC metadata. */
const metadataGetter: TextMapGetter<grpc.Metadata> = {
  keys: (md) => Object.keys(md.getMap()),
  get: (md, key) => {
    const v = md.get(key)[0];
    return typeof v === 'string' ? v : undefined;
  },
};

function callType(def: grpc.ServerMethodDefinition<unknown, unknown>): string {
  if (def.requestStream) return def.responseStream ? 'bidi_stream' : 'client_stream';
  return def.responseStream ? 'server_stream' : 'unary';
}

export interface Instrumentation {
  registry: Registry;
  interceptor: grpc.ServerInterceptor;
}

export function createInstrumentation(): Instrumentation {
  const registry = createRegistry();
  const handled = registry.register(
    new Counter('grpc_server_handled_total', 'Total number of RPCs completed on the server, regardless of success or failure.', [
      'grpc_type',
      'grpc_service',
      'grpc_method',
      'grpc_code',
    ]),
  );
  const duration = registry.register(
    new Histogram(
      'grpc_server_handling_seconds',
      'Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.',
      ['grpc_type', 'grpc_service', 'grpc_method'],
    ),
  );
  const tracer = trace.getTracer(SERVICE_NAME);

  const interceptor: grpc.ServerInterceptor = (def, call) => {
    const started = process.hrtime.bigint();
    // def.path is "/<package>.GreeterService/SayHello", e.g. "/acme.orders.v1.GreeterService/SayHello".
    const slash = def.path.lastIndexOf('/');
    const labels = { grpc_type: callType(def), grpc_service: def.path.slice(1, slash), grpc_method: def.path.slice(slash + 1) };
    let span: ReturnType<typeof tracer.startSpan> | undefined;
    let done = false;
    const record = (code: number): void => {
      if (done) return;
      done = true;
      handled.inc({ ...labels, grpc_code: codeName(code) });
      duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      if (span) {
        span.setAttribute('rpc.grpc.status_code', code);
        if (code !== grpc.status.OK) span.setStatus({ code: SpanStatusCode.ERROR, message: codeName(code) });
        span.end();
      }
    };
    return new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, mdNext) {
            if (!UNTRACED_SERVICES.has(labels.grpc_service)) {
              // Continue the caller's trace when it sent a traceparent.
              const parent = propagation.extract(context.active(), metadata, metadataGetter);
              span = tracer.startSpan(
                `${labels.grpc_service}/${labels.grpc_method}`,
                { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.service': labels.grpc_service, 'rpc.method': labels.grpc_method } },
                parent,
              );
            }
            mdNext(metadata);
          },
          // The client went away (or its deadline passed) before the server answered.
          onCancel: () => record(grpc.status.CANCELLED),
        });
      },
      sendStatus(status, next) {
        record(status.code);
        next(status);
      },
    });
  };
  return { registry, interceptor };
}

/** GET /metrics over plain HTTP (Prometheus does not speak gRPC); anything else is 404. */
export function createMetricsServer(registry: Registry): HttpServer {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(path === '/metrics' ? 405 : 404).end();
      return;
    }
    const body = registry.render();
    res.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}
