// What every store client of this service shares: retries with exponential backoff and jitter, client
// spans around each call, and the state that keeps readiness independent of the store (a store that is
// down makes its endpoints answer 503 "degraded"; the pod stays ready and is not restarted).
import { SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { log, SERVICE_NAME } from '../log.js';

const tracer = trace.getTracer(SERVICE_NAME);

export interface StoreState {
  /** True once the store answered and its schema or start-up key exists. */
  ready: boolean;
  /** Why the store is degraded (last error), '' when ready. */
  error: string;
}

/** Delay before retry `attempt` (0-based): 200 ms doubling up to `maxMs`, with full jitter. */
export function backoffMs(attempt: number, maxMs = 5_000): number {
  return Math.random() * Math.min(maxMs, 200 * 2 ** attempt);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/** Runs `fn` up to `attempts` times, waiting with backoff between failures; rethrows the last error. */
export async function withRetry<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt + 1 >= attempts) throw err;
      await sleep(backoffMs(attempt));
    }
  }
}

/** A CLIENT span around one store call (OpenTelemetry database semantic conventions). */
export async function traced<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * Prepares a store in the background until it succeeds (backoff up to 30 s): the process starts and
 * serves probes whether or not the store is reachable yet. Stops when `stopped()` turns true.
 */
export function prepareInBackground(store: string, state: StoreState, prepare: () => Promise<void>, stopped: () => boolean): void {
  void (async () => {
    for (let attempt = 0; !stopped(); attempt++) {
      try {
        await prepare();
        state.ready = true;
        state.error = '';
        log('info', 'store ready', { store });
        return;
      } catch (err) {
        state.error = err instanceof Error ? err.message : String(err);
        log('warn', 'store not ready, retrying', { store, error: state.error, attempt });
        await sleep(backoffMs(attempt, 30_000));
      }
    }
  })();
}
