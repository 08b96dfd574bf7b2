// values.schema.json of the per-service Helm chart (templates/orchestration/kubernetes/chart).
// Helm validates the merged values against it on lint, template, install and upgrade (domain.md §5.1),
// so a misspelled key or a wrong type fails before anything reaches the cluster. Every key of the
// chart's values.yaml is described here; keep the two in step (same order, same names).
//
// Draft-07 is declared explicitly: Helm 3 validates with xeipuuv/gojsonschema (drafts 4/6/7) and
// Helm 4 with santhosh-tekuri/jsonschema, which picks the draft from "$schema" (domain.md §5.1).

type Schema = Record<string, unknown>;

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

const str = (description?: string): Schema => ({ type: 'string', ...(description ? { description } : {}) });
const bool = (description: string): Schema => ({ type: 'boolean', description });
const int = (minimum: number, description: string, maximum?: number): Schema => ({
  type: 'integer',
  minimum,
  ...(maximum !== undefined ? { maximum } : {}),
  description,
});
/** A Kubernetes object passed through to the manifest as is (the API server checks its fields). */
const k8sObject = (description: string): Schema => ({ type: 'object', description });
const k8sList = (description: string): Schema => ({ type: 'array', items: { type: 'object' }, description });
/** Label/annotation maps: values must be strings, or the API server rejects the object. */
const stringMap = (description: string): Schema => ({ type: 'object', additionalProperties: { type: 'string' }, description });
/** A chart-owned object: unknown keys are typos, so they fail. */
const closed = (description: string, properties: Record<string, Schema>, required?: string[]): Schema => ({
  type: 'object',
  description,
  additionalProperties: false,
  ...(required ? { required } : {}),
  properties,
});

const port = (description: string) => int(1, description, 65535);
const pullPolicy: Schema = { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'] };
// An int or a percentage such as "25%" (IntOrString in the PodDisruptionBudget API). anyOf rather
// than a type list: each branch keeps its own keywords (Ajv strict mode rejects union types).
const intOrPercent = (description: string): Schema => ({
  description,
  anyOf: [
    { type: 'integer', minimum: 0 },
    { type: 'string', pattern: '^[0-9]+%$' },
  ],
});

// A probe is passed through, except that a gRPC probe's port must be a number: named ports are
// rejected by the API server (GRPCAction.port is int32; domain.md §5.3, CR-47).
const probe = (description: string): Schema => ({
  type: 'object',
  description,
  properties: {
    grpc: {
      type: 'object',
      required: ['port'],
      properties: { port: port('Container port number (a name is not accepted for gRPC probes)'), service: str() },
    },
  },
});

const resources: Schema = {
  type: 'object',
  description: 'Container resource requests and limits',
  additionalProperties: false,
  properties: { requests: { type: 'object' }, limits: { type: 'object' }, claims: { type: 'array' } },
};

/** The schema of every values key the chart itself defines, in values.yaml order. */
function baseProperties(): Record<string, Schema> {
  return {
    // `global` is not in values.yaml, but Helm passes it to every chart used as a dependency of an
    // umbrella chart; with additionalProperties false at the root it would otherwise be rejected
    // (losisin/helm-values-schema-json#254, k0rdent/catalog#489).
    global: { type: 'object', description: 'Values shared with the parent chart when this chart is a dependency' },
    replicaCount: int(0, 'Pod replicas when autoscaling is disabled'),
    image: closed(
      'Container image of the service',
      {
        repository: { type: 'string', minLength: 1 },
        pullPolicy,
        tag: str('Image tag; empty = the chart appVersion'),
        digest: { type: 'string', pattern: '^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})?$', description: 'Image digest; overrides the tag' },
      },
      ['repository'],
    ),
    imagePullSecrets: {
      type: 'array',
      description: 'Secrets holding registry credentials',
      items: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } },
    },
    nameOverride: str(),
    fullnameOverride: str(),
    partOf: str('Value of the app.kubernetes.io/part-of label; empty = omitted'),
    component: str('Value of the app.kubernetes.io/component label; empty = omitted'),
    serviceAccount: closed('ServiceAccount the pods run as', {
      create: bool('Create a ServiceAccount for the release'),
      automount: bool('Mount the ServiceAccount API token into the pods'),
      annotations: stringMap('Annotations of the ServiceAccount'),
      name: str('Name of the ServiceAccount; empty = the release full name'),
    }),
    podAnnotations: stringMap('Annotations added to the pods'),
    podLabels: stringMap('Labels added to the pods'),
    podSecurityContext: k8sObject('Pod securityContext (defaults pass Pod Security "restricted")'),
    securityContext: k8sObject('Container securityContext (defaults pass Pod Security "restricted")'),
    protocol: { type: 'string', enum: ['http', 'grpc'], description: 'Protocol the container serves; names its port' },
    containerPort: port('Port the container listens on'),
    service: closed('Kubernetes Service', {
      type: { type: 'string', enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] },
      port: port('Service port'),
      appProtocol: str('spec.ports[].appProtocol; empty = omitted'),
      annotations: stringMap('Annotations of the Service'),
    }),
    livenessProbe: probe('Liveness probe of the container'),
    readinessProbe: probe('Readiness probe of the container'),
    startupProbe: probe('Startup probe of the container'),
    resources,
    autoscaling: closed('HorizontalPodAutoscaler (autoscaling/v2)', {
      enabled: bool('Render an HPA; the Deployment then leaves spec.replicas to it'),
      minReplicas: int(1, 'Lowest replica count'),
      maxReplicas: int(1, 'Highest replica count (raised to minReplicas if lower)'),
      targetCPUUtilizationPercentage: int(1, 'Average CPU use, in percent of the CPU request'),
      targetMemoryUtilizationPercentage: int(1, 'Average memory use, in percent of the memory request'),
      behavior: k8sObject('HPA spec.behavior (scaleUp/scaleDown policies)'),
    }),
    podDisruptionBudget: closed('PodDisruptionBudget (policy/v1), rendered only when more than one replica runs', {
      enabled: bool('Render a PodDisruptionBudget when more than one replica runs'),
      maxUnavailable: intOrPercent('Pods that may be unavailable at once'),
      minAvailable: intOrPercent('Pods that must stay available; when set, maxUnavailable is ignored'),
      unhealthyPodEvictionPolicy: { type: 'string', enum: ['', 'IfHealthyBudget', 'AlwaysAllow'] },
    }),
    env: {
      type: 'array',
      description: 'Environment variables of the container (Kubernetes EnvVar)',
      items: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 }, value: { type: 'string' } } },
    },
    envFrom: k8sList('ConfigMaps/Secrets exposed as environment variables'),
    tmpVolume: closed('Writable emptyDir mounted at /tmp (the root filesystem is read-only)', {
      enabled: bool('Mount an emptyDir at /tmp'),
      sizeLimit: {
        description: 'emptyDir sizeLimit: a Kubernetes quantity such as 64Mi, or bytes; empty = no limit',
        anyOf: [{ type: 'string', pattern: '^$|^[0-9]+(\\.[0-9]+)?([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$' }, { type: 'integer', minimum: 0 }],
      },
    }),
    extraVolumes: k8sList('Additional pod volumes'),
    extraVolumeMounts: k8sList('Additional container volume mounts'),
    lifecycle: k8sObject('Container lifecycle hooks (a preStop sleep keeps the pod serving while it leaves the endpoints)'),
    terminationGracePeriodSeconds: int(0, 'Seconds between the start of the termination and SIGKILL'),
    nodeSelector: stringMap('Node labels the pods must run on'),
    tolerations: k8sList('Pod tolerations'),
    affinity: k8sObject('Pod affinity and anti-affinity'),
    topologySpreadConstraints: k8sList('Pod topology spread constraints; without labelSelector the chart selector labels are used'),
    tests: closed('`helm test` pod', {
      enabled: bool('Render the helm test pod'),
      image: closed('Image of the test pod', { repository: { type: 'string', minLength: 1 }, tag: { type: 'string', minLength: 1 }, pullPolicy }, [
        'repository',
        'tag',
      ]),
      resources,
    }),
  };
}

/**
 * JSON Schema (draft-07) of the chart's values: the chart's own keys plus the top-level keys other
 * blocks contribute through `extraValues`, with unknown top-level keys rejected.
 *
 * @example
 * JSON.stringify(chartValuesSchema({ runtimeClassName: { type: 'string' } }), null, 2)
 */
export function chartValuesSchema(extraProperties: Record<string, object>): object {
  const properties: Record<string, object> = baseProperties();
  // Sorted so the file does not depend on the order in which blocks contributed.
  for (const key of Object.keys(extraProperties).sort()) {
    // The contributed value would also be a duplicate key in values.yaml: fail at generation time.
    if (key in properties) throw new Error(`a block contributes the chart values key '${key}', which the chart already defines`);
    properties[key] = extraProperties[key]!;
  }
  return {
    $schema: DRAFT_07,
    type: 'object',
    additionalProperties: false,
    // Keys the templates dereference; only reachable by nulling a default (--set image=null).
    required: ['replicaCount', 'image', 'serviceAccount', 'protocol', 'containerPort', 'service', 'autoscaling', 'podDisruptionBudget', 'tmpVolume', 'tests'],
    properties,
  };
}
