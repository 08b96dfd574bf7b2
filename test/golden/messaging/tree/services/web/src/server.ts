// The HTTP handlers of the service: liveness, readiness, Prometheus metrics, a small JSON endpoint and
// GET /callees (calls every HTTP callee, see callees.ts),
// each request counted, timed and (when tracing is on) wrapped in a server span.
// Kept free of process-level concerns (signals, port) so tests can run it in-process.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { callAll } from './callees.js';
import { Faults } from './lifecycle.js';
import { SERVICE_NAME } from './log.js';
import { CONTENT_TYPE, Counter, createRegistry, Histogram } from './metrics.js';

/** Shared with main.ts: readiness turns false as soon as shutdown begins. */
export interface State {
  shuttingDown: boolean;
}

const registry = createRegistry();
const requests = registry.register(
  new Counter('http_requests_total', 'HTTP requests handled, by method, route and status code.', ['method', 'route', 'status']),
);
const duration = registry.register(
  new Histogram('http_request_duration_seconds', 'Time to answer HTTP requests, in seconds.', ['method', 'route']),
);
const tracer = trace.getTracer(SERVICE_NAME);

/** Known routes keep their path; anything else is "other", so a scan cannot create unbounded series. */
const ROUTES = new Set(['/', '/callees', '/healthz', '/readyz', '/metrics']);
/** Probes and scrapes are counted but get no span: they would drown the real traffic. */
const UNTRACED = new Set(['/healthz', '/readyz', '/metrics']);

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

function handle(state: State, faults: Faults, req: IncomingMessage, res: ServerResponse, path: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    sendJson(res, 405, { error: 'method not allowed' });
    return;
  }
  switch (path) {
    case '/healthz':
      // Liveness: answering at all proves the event loop is alive.
      sendJson(res, 200, { status: 'ok' });
      return;
    case '/readyz':
      // Readiness: 503 once shutdown began, so the endpoint is removed from the Service
      // while in-flight requests drain.
      if (state.shuttingDown) sendJson(res, 503, { status: 'shutting down' });
      else sendJson(res, 200, { status: 'ready' });
      return;
    case '/metrics': {
      const body = registry.render();
      res.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    case '/': {
      // FAULT_* test switch (lifecycle.ts): off unless set.
      const fail = faults.nextFails();
      const answer = () =>
        fail
          ? sendJson(res, 500, { error: 'injected fault (FAULT_ERROR_RATIO)' })
          : sendJson(res, 200, { service: SERVICE_NAME, message: `hello from ${SERVICE_NAME}` });
      if (faults.delayMs > 0) setTimeout(answer, faults.delayMs);
      else answer();
      return;
    }
    case '/callees':
      // One GET / per HTTP callee (src/callees.ts): 200 when every callee answered, else 502.
      void callAll().then((callees) => sendJson(res, callees.every((c) => c.ok) ? 200 : 502, { service: SERVICE_NAME, callees }));
      return;
    default:
      sendJson(res, 404, { error: 'not found' });
  }
}

/** `faults` is the FAULT_* test switch; the default injects nothing. */
export function createAppServer(state: State, faults: Faults = new Faults({})): Server {
  return createServer((req, res) => {
    const started = process.hrtime.bigint();
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = ROUTES.has(path) ? path : 'other';
    const method = req.method ?? 'GET';
    // Continue the caller's trace when it sent a traceparent header.
    const parent = propagation.extract(context.active(), req.headers);
    const span = UNTRACED.has(path)
      ? undefined
      : tracer.startSpan(`${method} ${route}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': route, 'url.path': path } }, parent);
    res.on('finish', () => {
      const status = res.statusCode;
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, Number(process.hrtime.bigint() - started) / 1e9);
      if (span) {
        span.setAttribute('http.response.status_code', status);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    });
    const run = () => handle(state, faults, req, res, path);
    if (span) context.with(trace.setSpan(parent, span), run);
    else run();
  });
}
