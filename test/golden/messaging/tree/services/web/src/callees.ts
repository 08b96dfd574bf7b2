// Calls to the services this one depends on (its callees), found through the environment that the chart
// (deploy/charts/<service>/values.yaml) and compose.yaml set from `calls` in cn-scaffold.yaml:
//   CALLEES=orders,payments            the callee names
//   ORDERS_URL=http://orders...:8080   an HTTP callee's base URL
//   PAYMENTS_ADDR=dns:///...:9091      a gRPC callee's target (for a generated gRPC client, see below)
//   <NAME>_TIMEOUT_MS, <NAME>_RETRIES  the deadline of one call, retries included, and how many retries
// Standard library only (global fetch). Readiness never depends on callees: a service that is up answers
// /readyz even when a callee is down, so one failure does not cascade into restarts.
import { context, propagation } from '@opentelemetry/api';

export interface Callee {
  name: string;
  protocol: 'http' | 'grpc';
  /** Base URL (http) or gRPC target (grpc). */
  target: string;
  timeoutMs: number;
  retries: number;
}

export interface CallResult {
  status: number;
  body: string;
  attempts: number;
}

/** A call that failed after its retries, or ran out of time. */
export class CallError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CallError';
  }
}

const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_RETRIES = 2;
const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 1000;

const prefix = (name: string) => name.toUpperCase().replace(/-/g, '_');

function intFrom(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return raw !== undefined && raw !== '' && Number.isInteger(n) && n >= 0 ? n : fallback;
}

/** The callees declared in the environment, in the order of CALLEES. */
export function calleesFromEnv(env: NodeJS.ProcessEnv = process.env): Callee[] {
  const names = (env['CALLEES'] ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
  return names.flatMap((name): Callee[] => {
    const p = prefix(name);
    const url = env[`${p}_URL`];
    const addr = env[`${p}_ADDR`];
    const common = { name, timeoutMs: intFrom(env[`${p}_TIMEOUT_MS`], DEFAULT_TIMEOUT_MS), retries: intFrom(env[`${p}_RETRIES`], DEFAULT_RETRIES) };
    if (url) return [{ ...common, protocol: 'http', target: url.replace(/\/+$/, '') }];
    if (addr) return [{ ...common, protocol: 'grpc', target: addr }];
    return [];
  });
}

/** Only worth another attempt: the callee was unreachable or said it is overloaded or restarting. */
const retryable = (status: number) => status === 502 || status === 503 || status === 504;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * GET `path` on an HTTP callee. One deadline (callee.timeoutMs) covers every attempt; a connection error,
 * an attempt that timed out or a 502/503/504 is retried up to callee.retries times after an exponential
 * backoff (100 ms, 200 ms, 400 ms... at most 1 s, with jitter). Resolves with the first answer that is not
 * retried (any status: the caller decides); rejects with CallError when the retries or the time are used up.
 */
export async function callService(callee: Callee, path = '/'): Promise<CallResult> {
  if (callee.protocol !== 'http') throw new CallError(`${callee.name} is a gRPC service: call it with a generated gRPC client at ${callee.target}`, 0);
  const deadline = Date.now() + callee.timeoutMs;
  let last = 'no attempt made';
  let status: number | undefined;
  for (let attempt = 1; ; attempt++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new CallError(`${callee.name}: timed out after ${callee.timeoutMs} ms (${attempt - 1} attempts; last: ${last})`, attempt - 1, status);
    try {
      const headers: Record<string, string> = { accept: 'application/json' };
      propagation.inject(context.active(), headers); // continue the trace in the callee
      const res = await fetch(`${callee.target}${path}`, { headers, signal: AbortSignal.timeout(remaining) });
      const body = await res.text();
      if (!retryable(res.status)) return { status: res.status, body, attempts: attempt };
      status = res.status;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    }
    if (attempt > callee.retries) throw new CallError(`${callee.name}: failed after ${attempt} attempts (last: ${last})`, attempt, status);
    const backoff = Math.min(BACKOFF_BASE_MS * 2 ** (attempt - 1), BACKOFF_MAX_MS);
    await sleep(Math.min(backoff / 2 + Math.random() * (backoff / 2), Math.max(0, deadline - Date.now())));
  }
}

export interface CalleeReport {
  name: string;
  protocol: 'http' | 'grpc';
  target: string;
  ok: boolean;
  status?: number;
  attempts?: number;
  body?: unknown;
  error?: string;
}

/**
 * Calls GET / on every HTTP callee at once and reports each answer (served at GET /callees, so a deploy
 * shows its east-west traffic). gRPC callees are listed, not called: wire the generated client there.
 */
export async function callAll(callees: Callee[] = calleesFromEnv()): Promise<CalleeReport[]> {
  return Promise.all(
    callees.map(async (c): Promise<CalleeReport> => {
      if (c.protocol === 'grpc') return { name: c.name, protocol: c.protocol, target: c.target, ok: true, error: 'not called: use the generated gRPC client' };
      try {
        const r = await callService(c, '/');
        let body: unknown = r.body;
        try {
          body = JSON.parse(r.body);
        } catch {
          // not JSON: keep the text
        }
        return { name: c.name, protocol: c.protocol, target: c.target, ok: r.status < 400, status: r.status, attempts: r.attempts, body };
      } catch (err) {
        const e = err as CallError;
        return { name: c.name, protocol: c.protocol, target: c.target, ok: false, attempts: e.attempts, ...(e.status ? { status: e.status } : {}), error: e.message };
      }
    }),
  );
}
