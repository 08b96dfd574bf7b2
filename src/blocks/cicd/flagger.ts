// Flagger (domain.md §4.6): a Canary per service that takes over its Deployment, with MetricTemplates on
// Prometheus success rate and p99 latency; failed checks route everything back to the primary. The Canary's
// provider must match the mesh/gateway (discovery/traffic.ts): with neither it is `kubernetes`, which supports
// blue/green only (rule CR-34 rejects a canary there). The mesh block adds the routing fields and the mesh's
// own request-metric checks (values trafficRoute, meshAnalysis). The chart renders no Service of its own under
// Flagger (Flagger generates it), the ServiceMonitor, PDB and restart alert cover the -primary pods, the checks
// measure the canary pods alone with a minimum request count, and Flagger's load tester
// (deploy/flagger/loadtester.yaml) drives traffic to the canary during the analysis.
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { flaggerProvider, gatewayTrafficRoute, TRAFFIC_ROUTE_SCHEMA } from '../discovery/traffic.js';
import { LOAD_TARGET, LOADTESTER_IMAGE, analysisOptions, analysisQuestions, chartTemplates, prometheusFor } from './delivery.js';

/** Flagger chart version (fluxcd/flagger charts/flagger/Chart.yaml at v1.44.0). */
export const FLAGGER_VERSION = '1.44.0';
const LOADTESTER_FILE = 'deploy/flagger/loadtester.yaml';

export default defineBlock({
  id: 'flagger',
  category: 'cicd',
  slot: 'controller',
  title: 'Flagger',
  summary: 'Canary resource per service (provider matching the mesh), Prometheus metric checks, automatic rollback to the primary',
  status: 'stable',
  options: z
    .object({
      strategy: z.enum(['blue-green', 'canary']).default('blue-green').describe('blue-green (works without a mesh) or canary (needs a mesh/ingress provider)'),
      ...analysisOptions,
    })
    .strict(),
  questions: {
    strategy: {
      message: 'Which delivery strategy?',
      choices: { 'blue-green': 'iterations of checks on the new version, then switch (no mesh needed)', canary: 'traffic weights shifted by the mesh' },
    },
    ...analysisQuestions,
  },
  files: (ctx) => [
    ...chartTemplates(ctx, 'flagger', ['canary.yaml', 'metrictemplates.yaml']),
    {
      to: LOADTESTER_FILE,
      template: 'cicd/flagger/loadtester/loadtester.yaml.hbs',
      data: {
        namespace: ctx.project.namespace,
        image: `${LOADTESTER_IMAGE.repository}:${LOADTESTER_IMAGE.tag}`,
        namespaceRegexp: `-namespace-regexp=^${ctx.project.namespace}$`,
      },
    },
  ],
  contribute: (ctx) => {
    const o = ctx.options;
    const address = prometheusFor(ctx);
    const ns = ctx.project.namespace;
    return {
      chart: (service) => {
        // Without a mesh, the Canary owns an exposed service's Gateway route (discovery/traffic.ts).
        const gateway = gatewayTrafficRoute(ctx, service);
        return {
          extraValues: {
            ...(gateway.trafficRoute ? { trafficRoute: gateway.trafficRoute } : {}),
            canary: {
              enabled: true,
              provider: flaggerProvider(ctx, service),
              ...(gateway.appProtocol ? { appProtocol: gateway.appProtocol } : {}),
              strategy: o.strategy === 'canary' ? 'canary' : 'blueGreen',
              progressDeadlineSeconds: 600,
              analysis: {
                interval: '1m',
                threshold: 5,
                iterations: 10,
                maxWeight: 50,
                stepWeight: 10,
                metricsEnabled: o.analysis && address !== '',
                prometheusAddress: address,
                successRate: o.successRate,
                latencyP99Seconds: o.latencyP99Seconds,
                minRequests: o.minRequests,
              },
              loadtest: {
                enabled: true,
                url: `http://flagger-loadtester.${ns}/`,
                rps: 20,
                ...LOAD_TARGET,
              },
            },
          },
          valuesSchema: { canary: CANARY_SCHEMA, ...TRAFFIC_ROUTE_SCHEMA },
        };
      },
      make: [
        { name: 'canary-status', help: 'Show the Flagger canaries', recipe: [`kubectl -n ${ns} get canaries`] },
        {
          name: 'flagger-install',
          help: `Install Flagger ${FLAGGER_VERSION} and its CRDs (namespace flagger-system)`,
          recipe: [
            `kubectl apply -f https://raw.githubusercontent.com/fluxcd/flagger/v${FLAGGER_VERSION}/artifacts/flagger/crd.yaml`,
            `helm upgrade --install flagger flagger --repo https://flagger.app --version ${FLAGGER_VERSION} --namespace flagger-system --create-namespace --set meshProvider=${flaggerProvider(ctx)}${address ? ` --set metricsServer=${address}` : ''} --wait`,
          ],
        },
        { name: 'loadtester-install', help: `Deploy Flagger's load tester into namespace ${ns} (the Canary webhooks call it)`, recipe: [`kubectl apply -f ${LOADTESTER_FILE}`] },
      ],
      readme: [
        {
          title: 'Delivery gates (Flagger)',
          order: 46,
          body: [
            `\`make flagger-install\` installs Flagger ${FLAGGER_VERSION} (provider \`${flaggerProvider(ctx)}\`) and \`make loadtester-install\` its load`,
            `tester into \`${ns}\`, before the first deploy. Flagger then owns each service's Services: it creates \`<service>\``,
            '(routed to `<service>-primary`), `<service>-primary` and `<service>-canary`; the chart renders none itself. At every',
            'check (`canary.analysis.interval`) the Canary webhook has the load tester send traffic to `<service>-canary` (`hey`',
            'for HTTP, `ghz` for gRPC through server reflection): in blue-green the new version gets no user traffic otherwise.',
            'The MetricTemplates measure the canary pods alone, without probes, scrapes or gRPC health/reflection calls; fewer than',
            `\`canary.analysis.minRequests\` (${o.minRequests}) requests in the interval count as a failed check, never a pass. After`,
            '`canary.analysis.threshold` failed checks Flagger rolls back to the primary.',
          ].join('\n'),
        },
      ],
      notes: [`Flagger: make flagger-install (Flagger ${FLAGGER_VERSION}, meshProvider=${flaggerProvider(ctx)}), then make loadtester-install before the first deploy.`],
      prerequisites: [{ target: 'deploy', requires: [{ crd: 'canaries.flagger.app', hint: 'make flagger-install (Flagger and its CRDs)' }] }],
      diagram: { nodes: [{ id: 'flagger', label: `Flagger (${o.strategy})`, group: 'platform' }], edges: [{ from: 'flagger', to: 'k8s', label: 'progressive rollout' }] },
    };
  },
});

const CANARY_SCHEMA = {
  type: 'object',
  description: 'Flagger Canary (added by the flagger block)',
  additionalProperties: false,
  required: ['enabled', 'provider', 'strategy'],
  properties: {
    enabled: { type: 'boolean' },
    provider: { type: 'string', minLength: 1, description: 'Flagger provider; must match the mesh/ingress (kubernetes = no mesh, blue/green only)' },
    appProtocol: { type: 'string', minLength: 1, description: 'appProtocol of the Services Flagger generates (overrides service.appProtocol): kubernetes.io/h2c when its HTTPRoute carries gRPC' },
    strategy: { type: 'string', enum: ['canary', 'blueGreen'] },
    progressDeadlineSeconds: { type: 'integer', minimum: 1 },
    analysis: {
      type: 'object',
      additionalProperties: false,
      properties: {
        interval: { type: 'string', pattern: '^[0-9]+(s|m|h)$' },
        threshold: { type: 'integer', minimum: 1 },
        iterations: { type: 'integer', minimum: 1 },
        maxWeight: { type: 'integer', minimum: 1, maximum: 100 },
        stepWeight: { type: 'integer', minimum: 1, maximum: 100 },
        metricsEnabled: { type: 'boolean' },
        prometheusAddress: { type: 'string' },
        successRate: { type: 'number', minimum: 0, maximum: 1 },
        latencyP99Seconds: { type: 'number', exclusiveMinimum: 0 },
        minRequests: { type: 'integer', minimum: 1, description: 'Fewer requests in a check interval = a failed check' },
      },
    },
    loadtest: {
      type: 'object',
      additionalProperties: false,
      description: "Flagger's load tester called by a rollout webhook at every check, against <name>-canary",
      properties: {
        enabled: { type: 'boolean' },
        url: { type: 'string', pattern: '^https?://', description: 'URL of the load tester (deploy/flagger/loadtester.yaml)' },
        rps: { type: 'integer', minimum: 2, description: 'Requests per second' },
        path: { type: 'string', pattern: '^/', description: 'HTTP path requested' },
        grpcCall: { type: 'string', minLength: 1, description: 'gRPC method called (package.Service/Method)' },
        grpcData: { type: 'string', description: 'JSON request message of the gRPC call' },
      },
    },
  },
};
