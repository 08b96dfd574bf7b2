// The callee client (src/callees.ts) against local stub servers: the env contract is read, refused or
// overloaded requests are retried with backoff, and a failing callee is an error within the deadline.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { CallError, callAll, callService, calleesFromEnv, type Callee } from '../src/callees.js';

const servers: Server[] = [];
after(() => servers.forEach((s) => {
  s.closeAllConnections(); // keep-alive connections would hold close() for 5 s
  s.close();
}));

/** A stub answering with the given statuses in turn (the last one repeats); counts requests. */
async function stub(statuses: number[]): Promise<{ url: string; hits: () => number }> {
  let n = 0;
  const server = createServer((_req, res) => {
    const status = statuses[Math.min(n++, statuses.length - 1)]!;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ service: 'stub', n }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => n };
}

const callee = (target: string, timeoutMs = 2000, retries = 2): Callee => ({ name: 'orders', protocol: 'http', target, timeoutMs, retries });

test('the env contract lists HTTP and gRPC callees in CALLEES order', () => {
  const env = { CALLEES: 'orders,payments-api', ORDERS_URL: 'http://orders:8080/', ORDERS_TIMEOUT_MS: '500', ORDERS_RETRIES: '1', PAYMENTS_API_ADDR: 'dns:///p:9090' };
  assert.deepEqual(calleesFromEnv(env), [
    { name: 'orders', protocol: 'http', target: 'http://orders:8080', timeoutMs: 500, retries: 1 },
    { name: 'payments-api', protocol: 'grpc', target: 'dns:///p:9090', timeoutMs: 2000, retries: 2 },
  ]);
});

test('a 503 is retried and the next answer returned', async () => {
  const s = await stub([503, 503, 200]);
  const r = await callService(callee(s.url));
  assert.equal(r.status, 200);
  assert.equal(r.attempts, 3);
  assert.equal(s.hits(), 3);
});

test('a 404 is an answer, not a retry', async () => {
  const s = await stub([404]);
  assert.equal((await callService(callee(s.url))).status, 404);
  assert.equal(s.hits(), 1);
});

test('a callee that keeps failing is an error after the retries, within the deadline', async () => {
  const s = await stub([503]);
  const started = Date.now();
  await assert.rejects(callService(callee(s.url, 3000, 2)), (e: unknown) => e instanceof CallError && e.attempts === 3 && e.status === 503);
  assert.equal(s.hits(), 3);
  assert.ok(Date.now() - started < 3000);
});

test('a callee that does not answer in time is an error at the deadline', async () => {
  const hang = createServer(() => undefined); // never answers
  servers.push(hang);
  await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
  const started = Date.now();
  await assert.rejects(callService(callee(`http://127.0.0.1:${(hang.address() as AddressInfo).port}`, 300, 5)), CallError);
  const took = Date.now() - started;
  assert.ok(took >= 290 && took < 1500, `took ${took} ms`);
  hang.closeAllConnections();
});

test('callAll reports each callee; gRPC callees are listed, not called', async () => {
  const s = await stub([200]);
  const [http, grpc] = await callAll([callee(s.url), { name: 'payments', protocol: 'grpc', target: 'dns:///p:1', timeoutMs: 100, retries: 0 }]);
  assert.equal(http?.ok, true);
  assert.deepEqual(http?.body, { service: 'stub', n: 1 });
  assert.equal(grpc?.ok, true);
  assert.equal(s.hits(), 1);
});
