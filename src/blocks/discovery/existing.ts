// A Gateway the user already runs (any Gateway API implementation: a cloud provider's, Istio's, Cilium's, a
// shared platform Envoy Gateway): exposed services only get their HTTPRoute/GRPCRoute attached to it. The
// implementation, its CRDs, listeners and certificates stay the platform's.
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { exposureIn, gatewayNetwork, gatewayOf, GATEWAY_PEER, parentRefOption, routeChart, routeTemplates } from './gateway.js';
import { gatewayRouteOwnership } from './traffic.js';

const K8S_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$/;

export default defineBlock({
  id: 'existing',
  category: 'discovery',
  slot: 'gateway',
  title: 'Existing Gateway',
  summary: 'attach the exposed services\' HTTPRoutes/GRPCRoutes to a Gateway API Gateway you already run',
  status: 'stable',
  options: z
    .object({
      parentRef: parentRefOption.describe('The Gateway the routes attach to: <namespace>/<name>'),
      sectionName: z.string().regex(K8S_NAME, { error: 'sectionName is a listener name (a DNS label)' }).default('').describe('Listener of that Gateway to attach to (empty = every listener that allows the routes)'),
      proxyNamespace: z
        .string()
        .regex(K8S_NAME, { error: 'proxyNamespace is a namespace name' })
        .default('')
        .describe("Namespace of the Gateway's proxy pods, for network policy (empty = the Gateway's namespace; Envoy Gateway's default is envoy-gateway-system)"),
    })
    .strict(),
  questions: {
    parentRef: { message: 'Gateway the routes attach to (namespace/name)?' },
    sectionName: { message: 'Listener name (empty = any that allows the routes)?' },
    proxyNamespace: { message: "Namespace of the Gateway's proxy pods (empty = the Gateway's namespace)?" },
  },
  files: (ctx) => routeTemplates(ctx, false),
  contribute: (ctx) => {
    const ref = gatewayOf(ctx.config)!;
    const proxies = ctx.options.proxyNamespace || ref.namespace;
    return {
      gateway: { kind: 'gateway-api', ...ref, peer: GATEWAY_PEER },
      // The proxies' labels depend on the implementation: every pod of their namespace is the peer.
      network: gatewayNetwork(ctx, { title: `the proxies of Gateway ${ref.namespace}/${ref.name}`, namespace: proxies, podLabels: {} }),
      // Under a mesh, Flagger's route takes the service's name: the Gateway route takes another (traffic.ts).
      chart: routeChart(ref, exposureIn(ctx), undefined, (s) => gatewayRouteOwnership(ctx, s)),
      readme: [
        {
          title: 'Gateway: existing',
          order: 45,
          body:
            `Exposed services attach their routes to the Gateway \`${ref.namespace}/${ref.name}\`${ref.sectionName ? ` (listener \`${ref.sectionName}\`)` : ''}, which your platform runs. ` +
            `Its listeners must allow routes from namespace \`${ctx.project.namespace}\` (\`allowedRoutes.namespaces\`), and network policies admit its proxies from namespace \`${proxies}\`.`,
        },
      ],
    };
  },
});
