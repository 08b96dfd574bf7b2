// The gRPC server: the example GreeterService plus the standard grpc.health.v1.Health
// service that Kubernetes gRPC probes call, and server reflection (grpc.reflection.v1), which
// lets grpcurl and ghz call the service without the .proto file. Every call is counted, timed
// and (with tracing) wrapped in a span by the interceptor of instrument.ts. Kept free of
// process-level concerns (signals, ports) so tests can run it in-process.
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { GREETER_PROTO, GREETER_SERVICE } from './api.js';
import { createInstrumentation } from './instrument.js';
import { Faults } from './lifecycle.js';
import { SERVICE_NAME } from './log.js';
import type { Registry } from './metrics.js';

// proto/ sits next to dist/ both in the repository and in the image.
export const PROTO_ROOT = fileURLToPath(new URL('../../proto', import.meta.url));
export { GREETER_PROTO, GREETER_SERVICE };

interface SayHelloRequest {
  name: string;
}
interface SayHelloResponse {
  message: string;
}
function loadDefinition(): protoLoader.PackageDefinition {
  return protoLoader.loadSync(GREETER_PROTO, { includeDirs: [PROTO_ROOT], keepCase: false, defaults: true });
}

/** The GreeterService client constructor; its `.service` is what the server registers. */
export function loadGreeter(definition: protoLoader.PackageDefinition = loadDefinition()): grpc.ServiceClientConstructor {
  // Walk the package path (acme.orders.v1.GreeterService): it is the project's, not fixed here.
  let node: unknown = grpc.loadPackageDefinition(definition);
  for (const key of GREETER_SERVICE.split('.')) node = (node as Record<string, unknown>)[key];
  return node as grpc.ServiceClientConstructor;
}

export interface AppServer {
  server: grpc.Server;
  health: HealthImplementation;
  /** Served on the metrics port by main.ts (createMetricsServer). */
  metrics: Registry;
}

/** `faults` is the FAULT_* test switch (lifecycle.ts); the default injects nothing. */
export function createAppServer(faults: Faults = new Faults({})): AppServer {
  const { registry, interceptor } = createInstrumentation();
  const server = new grpc.Server({ interceptors: [interceptor] });
  const definition = loadDefinition();
  server.addService(loadGreeter(definition).service, {
    sayHello(
      call: grpc.ServerUnaryCall<SayHelloRequest, SayHelloResponse>,
      callback: grpc.sendUnaryData<SayHelloResponse>,
    ) {
      const name = call.request.name.trim() || 'world';
      const fail = faults.nextFails();
      const answer = () =>
        fail
          ? callback({ code: grpc.status.UNAVAILABLE, details: 'injected fault (FAULT_ERROR_RATIO)' })
          : callback(null, { message: `hello ${name}, from ${SERVICE_NAME}` });
      if (faults.delayMs > 0) setTimeout(answer, faults.delayMs);
      else answer();
    },
  });
  new ReflectionService(definition).addToServer(server);
  // '' is the overall server status, the one a probe without `service` checks.
  const health = new HealthImplementation({ '': 'SERVING', [GREETER_SERVICE]: 'SERVING' });
  health.addToServer(server);
  return { server, health, metrics: registry };
}

/** Marks every service NOT_SERVING, so probes fail while in-flight calls drain. */
export function markNotServing(health: HealthImplementation): void {
  health.setStatus('', 'NOT_SERVING');
  health.setStatus(GREETER_SERVICE, 'NOT_SERVING');
}
