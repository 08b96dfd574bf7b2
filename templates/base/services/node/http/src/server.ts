// The HTTP handlers of the service: liveness, readiness and a small JSON endpoint.
// Kept free of process-level concerns (signals, port) so tests can run it in-process.
import { createServer, type Server, type ServerResponse } from 'node:http';
import { SERVICE_NAME } from './log.js';

/** Shared with main.ts: readiness turns false as soon as shutdown begins. */
export interface State {
  shuttingDown: boolean;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

export function createAppServer(state: State): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
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
      case '/':
        sendJson(res, 200, { service: SERVICE_NAME, message: `hello from ${SERVICE_NAME}` });
        return;
      default:
        sendJson(res, 404, { error: 'not found' });
    }
  });
}
