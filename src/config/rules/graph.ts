// The service graph (services[].calls, expose, egress, publishes, subscribes, responds, uses): rules
// that need another category's answer. Checks of the graph alone (a callee that does not exist, a bad
// subject) are in src/config/graph-schema.ts, next to the fields.
import { pick, servicesOf, type Rule } from './define.js';

export const GRAPH_RULES: Rule[] = [
  {
    id: 'CR-96',
    severity: 'info',
    paths: ['services'],
    when: (c) => Array.isArray(c.services) && c.services.some((s: { protocol?: string }) => s?.protocol === 'grpc'),
    message:
      'gRPC behind a plain ClusterIP Service is balanced per connection, not per request: use a mesh, or a headless Service with client-side round_robin',
  },
];
