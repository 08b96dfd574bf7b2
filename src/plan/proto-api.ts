// The example gRPC API of a service, named after the project and the service: one proto package per
// service (acme.orders.v1 in proto/acme/orders/v1/), so a buf workspace can hold every service's module
// (two modules may not both hold greeter/v1/greeter_service.proto) and a caller compiles its callees'
// stubs next to its own without two generated packages of one name. buf STANDARD lint: the package
// ends in a version (PACKAGE_VERSION_SUFFIX) and matches its directory (PACKAGE_DIRECTORY_MATCH).
import type { ResolvedProject, ResolvedService } from '../config/schema.js';

export interface ProtoApi {
  /** Proto package, e.g. `acme.orders.v1`. */
  package: string;
  /** Its directory under `proto/`, e.g. `acme/orders/v1`. */
  dir: string;
  /** The example API's file under `proto/`. */
  file: string;
  /** Fully-qualified gRPC service name, e.g. `acme.orders.v1.GreeterService`. */
  service: string;
  /** Go package name of the generated code (go_package after `;`), e.g. `ordersv1`. */
  goName: string;
}

/** A DNS label as a proto/Go/Python identifier token (`orders-api` → `orders_api`). */
const token = (name: string) => name.replace(/-/g, '_');

export function protoApi(project: Pick<ResolvedProject, 'name'>, service: Pick<ResolvedService, 'name'>): ProtoApi {
  const pkg = `${token(project.name)}.${token(service.name)}.v1`;
  const dir = pkg.replace(/\./g, '/');
  return {
    package: pkg,
    dir,
    file: `${dir}/greeter_service.proto`,
    service: `${pkg}.GreeterService`,
    goName: `${service.name.replace(/-/g, '')}v1`,
  };
}
