// Unit tests with the built-in runner (node:test): a real client against the server
// on an ephemeral port, for the example service and the standard health service.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { Faults } from '../src/lifecycle.js';
import { createAppServer, GREETER_SERVICE, loadGreeter, markNotServing } from '../src/server.js';

const { server, health, metrics } = createAppServer();
let address = '';

before(async () => {
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  address = `127.0.0.1:${port}`;
});
after(() => server.forceShutdown());

type Unary = (req: object, cb: (err: grpc.ServiceError | null, res: Record<string, unknown>) => void) => void;
function call(client: grpc.Client, method: string, req: object): Promise<Record<string, unknown>> {
  const fn = (client as unknown as Record<string, Unary>)[method];
  if (!fn) throw new Error(`no method ${method}`);
  return new Promise((resolve, reject) => fn.call(client, req, (err, res) => (err ? reject(err) : resolve(res))));
}

test('SayHello greets the caller', async () => {
  const Greeter = loadGreeter();
  const client = new Greeter(address, grpc.credentials.createInsecure());
  try {
    const res = await call(client, 'sayHello', { name: 'Ada' });
    assert.match(String(res['message']), /^hello Ada, from /);
    // Counted with go-grpc-prometheus' names and labels (what the generated alerts query).
    const labels = `grpc_type="unary",grpc_service="${GREETER_SERVICE}",grpc_method="SayHello"`;
    const text = metrics.render();
    assert.ok(text.includes(`grpc_server_handled_total{${labels},grpc_code="OK"} 1\n`), text);
    assert.ok(text.includes(`grpc_server_handling_seconds_count{${labels}} 1\n`), text);
  } finally {
    client.close();
  }
});

test('grpc.health.v1.Health reports SERVING, then NOT_SERVING after shutdown began', async () => {
  const Health = grpc.makeClientConstructor(healthService, 'Health');
  const client = new Health(address, grpc.credentials.createInsecure());
  try {
    assert.equal((await call(client, 'check', { service: '' }))['status'], 'SERVING');
    assert.equal((await call(client, 'check', { service: GREETER_SERVICE }))['status'], 'SERVING');
    markNotServing(health);
    assert.equal((await call(client, 'check', { service: '' }))['status'], 'NOT_SERVING');
    await assert.rejects(call(client, 'check', { service: 'no.such.Service' }), { code: grpc.status.NOT_FOUND });
  } finally {
    client.close();
  }
});

test('server reflection lists the services (what grpcurl and ghz use without the .proto)', async () => {
  // The reflection protocol's own .proto, shipped in the @grpc/reflection package.
  const root = path.join(path.dirname(createRequire(import.meta.url).resolve('@grpc/reflection')), '..', 'proto');
  const def = protoLoader.loadSync('grpc/reflection/v1/reflection.proto', { includeDirs: [root] });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    grpc: { reflection: { v1: { ServerReflection: grpc.ServiceClientConstructor } } };
  };
  const client = new pkg.grpc.reflection.v1.ServerReflection(address, grpc.credentials.createInsecure());
  try {
    const stream = (client as unknown as { serverReflectionInfo(): grpc.ClientDuplexStream<object, Record<string, any>> }).serverReflectionInfo();
    const reply = new Promise<Record<string, any>>((resolve, reject) => {
      stream.on('data', resolve);
      stream.on('error', reject);
    });
    stream.write({ listServices: '' });
    const services = ((await reply)['listServicesResponse']['service'] as { name: string }[]).map((s) => s.name);
    stream.end();
    assert.ok(services.includes(GREETER_SERVICE), services.join(', '));
  } finally {
    client.close();
  }
});

test('the FAULT_* test switch fails SayHello with UNAVAILABLE; off by default', async () => {
  assert.equal(new Faults({}).enabled, false);
  const faulty = createAppServer(new Faults({ FAULT_ERROR_RATIO: '1' }));
  const port = await new Promise<number>((resolve, reject) =>
    faulty.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const Greeter = loadGreeter();
  const client = new Greeter(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  try {
    await assert.rejects(call(client, 'sayHello', { name: 'Ada' }), { code: grpc.status.UNAVAILABLE });
  } finally {
    client.close();
    faulty.server.forceShutdown();
  }
});
