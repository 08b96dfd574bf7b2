// Unit tests with the built-in runner (node:test): no test framework to install.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createAppServer, type State } from '../src/server.js';

const state: State = { shuttingDown: false };
const server = createAppServer(state);
let base = '';

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('GET /healthz answers 200', async () => {
  const res = await fetch(`${base}/healthz`);
  assert.equal(res.status, 200);
});

test('GET /readyz is 200 until shutdown begins, then 503', async () => {
  assert.equal((await fetch(`${base}/readyz`)).status, 200);
  state.shuttingDown = true;
  try {
    assert.equal((await fetch(`${base}/readyz`)).status, 503);
    // Liveness must not flip: the process is still alive while it drains.
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  } finally {
    state.shuttingDown = false;
  }
});

test('GET / returns a JSON payload naming the service', async () => {
  const res = await fetch(`${base}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = (await res.json()) as { service: unknown };
  assert.equal(typeof body.service, 'string');
});

test('unknown paths are 404 and other methods 405', async () => {
  assert.equal((await fetch(`${base}/nope`)).status, 404);
  assert.equal((await fetch(`${base}/`, { method: 'POST' })).status, 405);
});
