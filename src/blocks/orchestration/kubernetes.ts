// Kubernetes + Helm: one chart per service (deploy/charts/<name>), a namespace that enforces Pod
// Security "restricted", and the make targets to lint, render, deploy and roll back.
// domain.md §5 (Helm conventions, PSS restricted, PDB/HPA/probes) and CR-40..CR-48.
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { HELM, KUBECTL } from '../../catalog/prerequisites.js';
import { chartValuesSchema } from './chart-schema.js';


export default defineBlock({
  id: 'kubernetes',
  category: 'orchestration',
  slot: 'platform',
  title: 'Kubernetes + Helm',
  summary: 'a Helm chart per service (apiVersion v2, values.schema.json, HPA, PDB, hardened helm test), PSS restricted namespace',
  status: 'stable',
  options: z
    .object({
      autoscaling: z.boolean().default(false).describe('Enable a HorizontalPodAutoscaler (autoscaling/v2) for every service'),
    })
    .strict(),
  questions: {
    autoscaling: { message: 'Enable CPU-based autoscaling (HPA) for the services?' },
  },
  files: (ctx) => {
    // Services with the same contributed values keys share one schema text (usually all of them).
    const schemas = new Map<string, string>();
    const schemaText = (extra: Record<string, object>) => {
      const key = JSON.stringify(extra);
      let text = schemas.get(key);
      if (text === undefined) schemas.set(key, (text = JSON.stringify(chartValuesSchema(extra), null, 2) + '\n'));
      return text;
    };
    return [
      { to: 'deploy/namespace.yaml', template: 'orchestration/kubernetes/namespace.yaml.hbs' },
      ...ctx.services.flatMap((service) => {
        const chart = ctx.chartFor(service);
        return [
          { to: `deploy/charts/${service.name}`, dir: 'orchestration/kubernetes/chart', data: { service, chart, autoscaling: ctx.options.autoscaling } },
          { to: `deploy/charts/${service.name}/values.schema.json`, content: schemaText(chart.valuesSchema) },
        ];
      }),
    ];
  },
  contribute: (ctx) => {
    const ns = ctx.project.namespace;
    const charts = ctx.services.map((s) => s.name);
    return {
      // Each release's `helm test` pod (templates/tests/test-connection.yaml) calls its service: a peer in
      // the application namespace, selected by the labels the test pod carries (not the service's).
      network: {
        peers: ctx.services.map((s) => ({
          id: `helm-test:${s.name}`,
          title: `helm test pod of ${s.name}`,
          podLabels: { 'app.kubernetes.io/component': 'helm-test', 'app.kubernetes.io/instance': s.name },
          // templates/tests/serviceaccount.yaml: its own identity, so a mesh can authorize exactly this pod.
          serviceAccount: `${s.name}-test`,
        })),
        edges: ctx.services.map((s) => ({
          from: { peer: `helm-test:${s.name}` },
          to: { service: s.name },
          ports: [{ port: s.port, protocol: 'TCP' as const, appProtocol: s.protocol }],
          reason: `helm test checks ${s.name}`,
        })),
      },
      make: [
        { name: 'namespace', help: `Create the namespace ${ns} (Pod Security restricted)`, recipe: ['kubectl apply -f deploy/namespace.yaml'], requires: [KUBECTL] },
        { name: 'lint-charts', help: 'helm lint --strict every chart', recipe: charts.map((c) => `helm lint --strict deploy/charts/${c}`) },
        {
          name: 'template',
          help: 'Render every chart to stdout (what would be applied)',
          recipe: charts.map((c) => `helm template ${c} deploy/charts/${c} --namespace ${ns}`),
        },
        {
          name: 'deploy',
          help: `Install or upgrade every chart into namespace ${ns}; a failed release rolls back automatically`,
          requires: [KUBECTL, HELM],
          recipe: [
            'kubectl apply -f deploy/namespace.yaml',
            '@for m in $(PRE_DEPLOY); do kubectl apply -f "$$m"; done',
            ...charts.map((c) => `helm upgrade --install ${c} deploy/charts/${c} --namespace ${ns} --set image.tag=$(TAG) --wait --timeout 5m $(HELM_ROLLBACK_FLAG)`),
          ],
        },
        {
          name: 'rollback',
          help: 'Roll every release back to its previous revision',
          recipe: charts.map((c) => `helm rollback ${c} --namespace ${ns} --wait`),
        },
        { name: 'undeploy', help: 'Uninstall every release', recipe: charts.map((c) => `helm uninstall ${c} --namespace ${ns}`) },
        {
          name: 'verify',
          help: 'Run the helm test of every release (probes the service from inside the namespace)',
          requires: [KUBECTL, HELM],
          recipe: charts.map((c) => `helm test ${c} --namespace ${ns} --logs`),
        },
      ],
      firstDeploy: [
        { phase: 'namespace', target: 'namespace', title: `create the namespace \`${ns}\` (Pod Security *restricted*)` },
        { phase: 'deploy', target: 'deploy TAG=<tag>', title: 'install or upgrade every service chart (a failed release rolls back)' },
        { phase: 'verify', target: 'verify', title: 'run the `helm test` of every release' },
      ],
      // The repository checks itself (make validate and the CI validation job): every chart is linted
      // here; the CI/CD block adds the strict schema check of what the charts render (kubeconform).
      validate: charts.map((c) => ({ name: `helm lint ${c}`, command: `helm lint --strict deploy/charts/${c}` })),
      readme: [
        {
          title: 'Deploy to Kubernetes',
          order: 40,
          body:
            `Each service has a Helm chart in \`deploy/charts/<name>\`. The namespace \`${ns}\` enforces the Pod Security ` +
            '*restricted* profile, and every workload is built to pass it (numeric non-root user, no privilege escalation, ' +
            'all capabilities dropped, RuntimeDefault seccomp, read-only root filesystem).\n\n' +
            '```sh\nmake deploy TAG=dev     # helm upgrade --install --wait, automatic rollback on failure\n' +
            'make rollback           # previous revision of every release\nhelm test <service> -n ' +
            ns +
            '\n```',
        },
      ],
      diagram: {
        nodes: [{ id: 'k8s', label: `Kubernetes namespace ${ns}`, group: 'cluster' }],
        edges: [{ from: 'registry', to: 'k8s', label: 'pull' }],
      },
    };
  },
});
