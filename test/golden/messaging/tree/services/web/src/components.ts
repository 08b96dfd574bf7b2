// Components the building blocks add to this service (e.g. the NATS client in src/messaging.ts),
// started in the background once the server listens: a dependency that is down must not keep the
// service from serving or from passing its probes (each component retries with backoff). On shutdown
// they stop in reverse order, after the server stopped accepting requests.
import { log } from './log.js';

export interface Component {
  stop(): Promise<void>;
}
/** Starts a component; `signal` aborts a start that is still waiting (e.g. for its server). */
export type Starter = (signal: AbortSignal) => Promise<Component>;

export function startComponents(starters: Record<string, Starter>): { stop(): Promise<void> } {
  const abort = new AbortController();
  const started = Object.entries(starters).map(([name, start]) =>
    start(abort.signal).then(
      (component) => ({ name, component }),
      (err: unknown) => {
        if (!abort.signal.aborted) log('error', 'component failed to start', { component: name, error: err instanceof Error ? err.message : String(err) });
        return undefined;
      },
    ),
  );
  return {
    async stop() {
      abort.abort();
      for (const c of (await Promise.all(started)).reverse()) {
        if (!c) continue;
        try {
          await c.component.stop();
        } catch (err) {
          log('warn', 'component stop failed', { component: c.name, error: err instanceof Error ? err.message : String(err) });
        }
      }
    },
  };
}
