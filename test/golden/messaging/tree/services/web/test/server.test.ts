// Unit tests with the built-in runner (node:test): no test framework to install.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { Faults, shutdownDelayMs } from '../src/lifecycle.js';
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

test('the FAULT_* test switch fails exactly the given share of GET /, never the probes', async () => {
  const faulty = createAppServer({ shuttingDown: false }, new Faults({ FAULT_ERROR_RATIO: '0.5' }));
  await new Promise<void>((resolve) => faulty.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(faulty.address() as AddressInfo).port}`;
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await fetch(`${url}/`)).status);
    assert.equal(statuses.filter((s) => s === 500).length, 5);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
  } finally {
    await new Promise<void>((resolve) => faulty.close(() => resolve()));
  }
});

test('fault injection is off by default; bad settings are refused', () => {
  assert.equal(new Faults({}).enabled, false);
  assert.throws(() => new Faults({ FAULT_ERROR_RATIO: '2' }), /FAULT_ERROR_RATIO/);
  assert.equal(shutdownDelayMs(undefined), 5000);
  assert.equal(shutdownDelayMs('0.5'), 500);
  assert.throws(() => shutdownDelayMs('-1'), /SHUTDOWN_DELAY_SECONDS/);
});
