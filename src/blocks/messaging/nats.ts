// NATS for publish/subscribe, request/reply and queue groups, wired from the service graph: the official
// chart (pinned) in a Pod Security restricted namespace, one NATS user per service allowed exactly its
// subjects, JetStream streams and durable consumers declared as NACK resources, the client in every
// service that uses NATS, the network edges, metrics and alerts, and the same server for `make up`.
// NACK over a bootstrap Job: the streams and consumers are declarative resources that NACK keeps in
// line with the files (a changed subject list is applied, not only created once), they are validated
// against the CRD schema like every other manifest, and NACK is the NATS project's own controller.
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import type { BlockContext } from '../../catalog/define.js';
import type { Contributions, NetworkEdge } from '../../catalog/contributions.js';
import { prometheusOperatorSelected, prometheusSelected } from '../observability/shared.js';
import { NATS_CHART, NATS_DIR, authConf, localConf, localEnvScript, nackResources, nackValues, natsValues, secretsScript, valuesFile, type NatsOptions } from './nats-deploy.js';
import { NATS_NAMESPACE, NATS_PORTS, NATS_RELEASE, NATS_SECRET, natsModel, type NatsModel } from './nats-model.js';
import { NATS_CA_CONFIGMAP, NATS_TLS_SECRET, natsTls, natsUrl } from './nats-tls.js';
import { natsAlertGroups, natsPrometheusRule } from './nats-alerts.js';
import { jetstreamLocalScript, natsLocal, natsReadme } from './nats-docs.js';
import { natsSkeleton, natsSkeletonFiles } from './nats-skeleton.js';

const options = z
  .object({
    jetstream: z.boolean().default(true).describe('JetStream: streams on disk and durable consumers (subscriptions with durable: true)'),
    cluster: z.boolean().default(false).describe('Three NATS servers in a cluster (streams and consumers with 3 replicas) instead of one'),
    tls: z
      .boolean()
      .default(true)
      .describe('Clients connect over TLS (certificate and CA from cert-manager, which must run in the cluster)'),
    fileStoreSize: z
      .string()
      .regex(/^[1-9][0-9]*(Gi|Mi)$/, { error: 'fileStoreSize is a volume size in Gi or Mi, e.g. 10Gi' })
      .default('10Gi')
      .describe('Size of the JetStream volume of each server (PersistentVolumeClaim)'),
  })
  .strict();
type Options = z.infer<typeof options>;

const natsOptions = (o: Options): NatsOptions => ({ jetstream: o.jetstream, replicas: o.cluster ? 3 : 1, fileStoreSize: o.fileStoreSize, tls: o.tls });
const monitoringOf = (ctx: Pick<BlockContext, 'has'>) => (prometheusOperatorSelected(ctx) ? 'operator' : prometheusSelected(ctx) ? 'plain' : 'none');
const NACK_DIR = 'deploy/messaging/nack';

/** The NATS pods and NACK, and the edges to them from exactly the services that use NATS. */
function network(ctx: BlockContext<Options>, model: NatsModel): Contributions['network'] {
  const client = { port: NATS_PORTS.client, protocol: 'TCP' as const, appProtocol: 'tcp' as const };
  const edges: NetworkEdge[] = model.services.map((s) => ({
    from: { service: s.service },
    to: { peer: 'nats' },
    // The server speaks first (INFO): meshes must treat the port as opaque TCP.
    ports: [client],
    reason: `${s.service} ${[s.publishes.length || s.requests.length ? 'publishes' : '', s.subscribes.length || s.durables.length ? 'subscribes' : '', s.responds.length ? 'responds' : ''].filter(Boolean).join(', ')} on NATS`,
  }));
  if (ctx.options.cluster) edges.push({ from: { peer: 'nats' }, to: { peer: 'nats' }, ports: [{ port: NATS_PORTS.cluster, protocol: 'TCP', appProtocol: 'tcp' }], reason: 'NATS cluster routes' });
  if (model.streams.length) edges.push({ from: { peer: 'nack' }, to: { peer: 'nats' }, ports: [client], reason: 'NACK manages the JetStream streams and consumers' });
  if (prometheusSelected(ctx)) edges.push({ from: { peer: 'prometheus' }, to: { peer: 'nats' }, ports: [{ port: NATS_PORTS.exporter, protocol: 'TCP', appProtocol: 'http' }], reason: 'Prometheus scrapes the NATS exporter' });
  return {
    peers: [
      { id: 'nats', title: 'NATS servers', namespace: NATS_NAMESPACE, podLabels: { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/instance': NATS_RELEASE, 'app.kubernetes.io/component': 'nats' } },
      ...(model.streams.length ? [{ id: 'nack', title: 'NACK (JetStream controller)', namespace: NATS_NAMESPACE, podLabels: { 'app.kubernetes.io/name': 'nack', 'app.kubernetes.io/instance': 'nack' } }] : []),
    ],
    edges,
  };
}

export default defineBlock({
  id: 'nats',
  category: 'messaging',
  slot: 'pubsub',
  title: 'NATS',
  summary: `NATS chart ${NATS_CHART.nats} with one user per service (its subjects only), JetStream streams/consumers via NACK, clients in every language`,
  status: 'stable',
  options,
  questions: {
    jetstream: { message: 'Enable JetStream (persistent streams, durable consumers)?' },
    cluster: { message: 'Run three NATS servers in a cluster (instead of one)?' },
    tls: { message: 'Encrypt client connections with TLS (needs cert-manager in the cluster)?' },
    fileStoreSize: { message: 'JetStream volume size per server (e.g. 10Gi)' },
  },
  files: (ctx) => {
    const o = natsOptions(ctx.options);
    const model = natsModel(ctx.graph, o.jetstream);
    const monitoring = monitoringOf(ctx);
    const ns = ctx.project.namespace;
    return [
      { to: 'deploy/messaging/namespace.yaml', template: 'messaging/nats/namespace.yaml' },
      { to: `${NATS_DIR}/auth.conf`, content: authConf(model, ctx.project.name) },
      { to: `${NATS_DIR}/nats-local.conf`, content: localConf(o) },
      {
        to: `${NATS_DIR}/values.yaml`,
        content: valuesFile(
          [
            `Values of the NATS chart ${NATS_CHART.nats} (helm repo ${NATS_CHART.repo}, chart nats), generated by cn-scaffold.`,
            'Keys: https://github.com/nats-io/k8s/blob/nats-2.14.2/helm/charts/nats/values.yaml. The chart has no',
            'securityContext values: the Pod Security "restricted" settings are merged into the pod and containers.',
            'auth.conf (the users) is added to the ConfigMap by make messaging-install (--set-file); passwords come',
            `from the Secret ${NATS_SECRET} (make messaging-secrets).`,
          ],
          natsValues(model, o, o.jetstream ? ctx.contrib.storageClass.block : undefined, monitoring),
        ),
      },
      { to: `${NATS_DIR}/secrets.sh`, content: secretsScript(model, ns), executable: true },
      ...(o.tls ? [{ to: `${NATS_DIR}/tls.yaml`, content: natsTls() }] : []),
      { to: `${NATS_DIR}/local-env.sh`, content: localEnvScript(model), executable: true },
      ...(monitoring === 'operator' ? [{ to: `${NATS_DIR}/prometheusrule.yaml`, content: natsPrometheusRule(o) }] : []),
      ...(model.streams.length
        ? [
            { to: `${NACK_DIR}/values.yaml`, content: valuesFile([`Values of the NACK chart ${NATS_CHART.nack} (JetStream controller), generated by cn-scaffold.`, 'Keys: https://github.com/nats-io/k8s/blob/main/helm/charts/nack/values.yaml'], nackValues()) },
            { to: `${NACK_DIR}/resources.yaml`, content: nackResources(model, o) },
            { to: `${NATS_DIR}/jetstream-local.sh`, content: jetstreamLocalScript(model), executable: true },
          ]
        : []),
      ...natsSkeletonFiles(ctx, model),
    ];
  },
  contribute: (ctx) => {
    const o = natsOptions(ctx.options);
    const model = natsModel(ctx.graph, o.jetstream);
    const byService = new Map(model.services.map((s) => [s.service, s]));
    const ns = ctx.project.namespace;
    const nackSteps = model.streams.length
      ? [
          `helm upgrade --install nack nack --repo ${NATS_CHART.repo} --version ${NATS_CHART.nack} --namespace ${NATS_NAMESPACE} -f ${NACK_DIR}/values.yaml --wait`,
          `kubectl apply -f ${NACK_DIR}/resources.yaml`,
        ]
      : [];
    return {
      chart: (service) =>
        byService.has(service.name)
          ? {
              env: [
                { name: 'NATS_URL', value: natsUrl(o) },
                { name: 'NATS_USER', value: service.name },
                { name: 'NATS_PASSWORD', valueFrom: { secretKeyRef: { name: NATS_SECRET, key: service.name } } },
                // The CA of the server certificate (PEM), copied from the messaging namespace by make messaging-install.
                ...(o.tls ? [{ name: 'NATS_CA', valueFrom: { configMapKeyRef: { name: NATS_CA_CONFIGMAP, key: 'ca.crt' } } }] : []),
              ],
            }
          : {},
      skeleton: (service) => natsSkeleton(service, byService.get(service.name)),
      network: network(ctx, model),
      local: natsLocal(model, o),
      monitoring: monitoringOf(ctx) === 'plain' ? { namespaces: [NATS_NAMESPACE], rules: [{ name: 'nats', groups: natsAlertGroups(o) }] } : {},
      make: [
        {
          name: 'messaging-secrets',
          help: `Create the NATS passwords (Secret ${NATS_SECRET}) once; existing ones are kept`,
          recipe: [`bash ${NATS_DIR}/secrets.sh`],
        },
        {
          name: 'messaging-install',
          help: `Install NATS ${NATS_CHART.nats}${model.streams.length ? ' and NACK with the streams and consumers' : ''} into namespace ${NATS_NAMESPACE}`,
          recipe: [
            'kubectl apply -f deploy/messaging/namespace.yaml',
            ...(o.tls
              ? [
                  `kubectl apply -f ${NATS_DIR}/tls.yaml`,
                  `kubectl -n ${NATS_NAMESPACE} wait certificate/nats-server --for=condition=Ready --timeout=5m`,
                  // The services trust the CA through a ConfigMap of their own namespace (NATS_CA).
                  `kubectl -n ${NATS_NAMESPACE} get secret ${NATS_TLS_SECRET} -o jsonpath='{.data.ca\\.crt}' | base64 -d > .nats-ca.crt && kubectl -n ${ns} create configmap ${NATS_CA_CONFIGMAP} --from-file=ca.crt=.nats-ca.crt --dry-run=client -o yaml | kubectl apply -f - && rm -f .nats-ca.crt`,
                ]
              : []),
            `helm upgrade --install ${NATS_RELEASE} nats --repo ${NATS_CHART.repo} --version ${NATS_CHART.nats} --namespace ${NATS_NAMESPACE} -f ${NATS_DIR}/values.yaml --set-file 'configMap.merge.data.auth\\.conf=${NATS_DIR}/auth.conf' --wait`,
            ...(monitoringOf(ctx) === 'operator' ? [`kubectl apply -f ${NATS_DIR}/prometheusrule.yaml`] : []),
            ...nackSteps,
          ],
        },
        { name: 'messaging-local-env', help: 'Write random NATS passwords for the local run into .env (once)', recipe: [`bash ${NATS_DIR}/local-env.sh`] },
      ],
      validate: [
        { name: 'shellcheck messaging scripts', command: `shellcheck ${NATS_DIR}/secrets.sh ${NATS_DIR}/local-env.sh${model.streams.length ? ` ${NATS_DIR}/jetstream-local.sh` : ''}` },
        {
          // The server's own parser on auth.conf (through the local config that includes it), with
          // placeholder passwords; skipped where nats-server is not installed (CI runners).
          name: 'nats-server -t',
          command: `if command -v nats-server >/dev/null; then cd ${NATS_DIR} && ${model.users.map((u) => `${u.passwordVar}=placeholder`).join(' ')} nats-server -c nats-local.conf -t; else echo 'nats-server not installed: auth.conf not checked'; fi`,
        },
      ],
      readme: natsReadme(ctx, model, o),
      notes: [`NATS: run \`make messaging-secrets\` then \`make messaging-install\` before deploying the services that use NATS (README, "Messaging").`],
      diagram: natsDiagram(model),
    };
  },
});

/** The subject flows in the README diagram: one edge per service and direction, labelled with its subjects. */
function natsDiagram(model: NatsModel): Contributions['diagram'] {
  const id = (s: string) => `svc_${s.replace(/-/g, '_')}`;
  const label = (parts: string[]) => parts.join(', ').replace(/[|"]/g, '/');
  const edges = model.services.flatMap((s) => {
    const out = [...s.publishes.map((p) => `pub ${p.subject}`), ...s.requests.map((r) => `req ${r}`)];
    const inn = [...s.subscribes.map((x) => `sub ${x.subject}`), ...s.durables.map((d) => `durable ${d.subject}`), ...s.responds.map((r) => `reply ${r}`)];
    return [...(out.length ? [{ from: id(s.service), to: 'nats', label: label(out) }] : []), ...(inn.length ? [{ from: 'nats', to: id(s.service), label: label(inn) }] : [])];
  });
  return { nodes: [{ id: 'nats', label: `NATS (namespace ${NATS_NAMESPACE})`, group: 'data' }], edges };
}
