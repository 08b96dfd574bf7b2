// Structured logging: one JSON object per line on stdout, the format log collectors
// (Fluent Bit, Fluentd, Loki) parse without a custom regex.
export const SERVICE_NAME = "web";

export type Level = 'debug' | 'info' | 'warn' | 'error';

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  const line = { ts: new Date().toISOString(), level, msg, service: SERVICE_NAME, ...fields };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
