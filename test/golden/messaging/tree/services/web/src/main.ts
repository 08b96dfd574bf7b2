// Process entry point: reads PORT, starts the server and shuts down gracefully on
// SIGTERM (what the kubelet sends) and SIGINT (Ctrl-C).
import { Faults, shutdownDelayMs } from './lifecycle.js';
import { log } from './log.js';
import { createAppServer, type State } from './server.js';
import { startTracing } from './tracing.js';
import { startComponents } from './components.js';
import { start as startMessaging } from './messaging.js';

const DEFAULT_PORT = 8080;
// Shutdown delay + this must stay below the pod's terminationGracePeriodSeconds (30 s by
// default), or the kubelet kills the process before the drain finishes.
const DRAIN_TIMEOUT_MS = 10_000;

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`PORT must be an integer between 1 and 65535, got ${JSON.stringify(raw)}`);
  }
  return port;
}

function main(): void {
  const port = parsePort(process.env['PORT']);
  const delayMs = shutdownDelayMs();
  const faults = new Faults();
  if (faults.enabled) log('warn', 'fault injection on (test switch)', { errorRatio: faults.errorRatio, delayMs: faults.delayMs });
  const tracing = startTracing();
  if (tracing) log('info', 'tracing enabled', { endpoint: process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] });
  const state: State = { shuttingDown: false };
  const server = createAppServer(state, faults);

  server.on('error', (err) => {
    log('error', 'server error', { error: err.message });
    process.exit(1);
  });
  server.listen(port, '0.0.0.0', () => log('info', 'listening', { port }));
  // What the building blocks add (components.ts): started once listening, stopped after the drain.
  const components = startComponents({ messaging: startMessaging });

  const shutdown = (signal: NodeJS.Signals): void => {
    if (state.shuttingDown) return;
    // /readyz answers 503 from now on, but requests are still served for the shutdown delay:
    // the pod is only removed from the Service endpoints after its readiness failed (lifecycle.ts).
    state.shuttingDown = true;
    log('info', 'shutdown started', { signal, delayMs });
    // Ctrl-C is a person at a terminal, not an endpoint controller: no delay.
    setTimeout(drain, signal === 'SIGTERM' ? delayMs : 0);
  };
  const drain = (): void => {
    log('info', 'draining');
    // close() stops accepting connections and calls back once in-flight requests ended.
    const deadline = setTimeout(() => {
      log('warn', 'drain deadline reached, closing remaining connections', { timeoutMs: DRAIN_TIMEOUT_MS });
      server.closeAllConnections();
    }, DRAIN_TIMEOUT_MS);
    deadline.unref();
    server.close(() => {
      clearTimeout(deadline);
      // Flush the last spans before exiting (bounded by the drain deadline above).
      void components
        .stop()
        .then(() => tracing?.shutdown())
        .catch((err: unknown) => log('warn', 'trace flush failed', { error: err instanceof Error ? err.message : String(err) }))
        .finally(() => {
          log('info', 'shutdown complete');
          process.exit(0);
        });
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

try {
  main();
} catch (err) {
  log('error', 'startup failed', { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}
