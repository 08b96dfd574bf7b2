// Process settings shared by the HTTP and gRPC servers: how long to keep serving after SIGTERM, and the
// fault-injection test switch.

/**
 * Seconds the server keeps accepting and answering requests after SIGTERM while its readiness already
 * fails (SHUTDOWN_DELAY_SECONDS, default 5). Endpoint removal in Kubernetes is asynchronous: kube-proxy,
 * load balancers and meshes keep sending new requests for a moment after the pod started terminating,
 * and a server that stops listening at once drops them. The chart's preStop sleep covers the same gap
 * before SIGTERM; this delay also covers clusters where the sleep action is unavailable, and `docker
 * stop`. Delay + drain (10 s) must stay below the pod's terminationGracePeriodSeconds (30 s).
 */
export function shutdownDelayMs(raw = process.env['SHUTDOWN_DELAY_SECONDS']): number {
  if (raw === undefined || raw === '') return 5_000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 60) {
    throw new Error(`SHUTDOWN_DELAY_SECONDS must be a number of seconds between 0 and 60, got ${JSON.stringify(raw)}`);
  }
  return seconds * 1000;
}

/**
 * Fault injection, a TEST SWITCH that is off by default and must stay off in production: it lets a
 * test (or a rehearsal of the delivery gates) give a version errors or latency.
 * FAULT_ERROR_RATIO (0..1) is the share of application requests answered with an error (HTTP 500,
 * gRPC UNAVAILABLE), spread evenly; FAULT_DELAY_SECONDS delays every application request. Probes and
 * /metrics are never affected.
 */
export class Faults {
  readonly errorRatio: number;
  readonly delayMs: number;
  private owed = 0;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.errorRatio = parseFraction('FAULT_ERROR_RATIO', env['FAULT_ERROR_RATIO']);
    this.delayMs = parseSeconds('FAULT_DELAY_SECONDS', env['FAULT_DELAY_SECONDS']) * 1000;
  }

  get enabled(): boolean {
    return this.errorRatio > 0 || this.delayMs > 0;
  }

  /** True when this request should fail: exactly errorRatio of the requests, evenly spread. */
  nextFails(): boolean {
    this.owed += this.errorRatio;
    if (this.owed < 1 - 1e-9) return false;
    this.owed -= 1;
    return true;
  }
}

function parseFraction(name: string, raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new Error(`${name} must be a number between 0 and 1, got ${JSON.stringify(raw)}`);
  return v;
}

function parseSeconds(name: string, raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0 || v > 60) throw new Error(`${name} must be a number of seconds between 0 and 60, got ${JSON.stringify(raw)}`);
  return v;
}
