// Strict subset schemas for custom resources no npm package carries (reference/wave2.md §1.6): exactly
// the fields cn-scaffold emits, with the upstream types, enums and patterns; any other field fails, as it
// would need checking against upstream first. Sources:
//   - Calico projectcalico.org/v3: projectcalico/calico api/pkg/apis/projectcalico/v3/
//     stagedkubernetesnetworkpolicy.go, globalnetworkpolicy.go, stagedglobalnetworkpolicy.go, policy_common.go @v3.32.1
//     (StagedAction Set|Delete|Learn|Ignore; Rule action Allow|Deny|Log|Pass; ports int-or-string).
//   - Cilium cilium.io/v2 CiliumNetworkPolicy: cilium/cilium pkg/k8s/apis/cilium.io/client/crds/v2/
//     ciliumnetworkpolicies.yaml (as published in datreeio/CRDs-catalog cilium.io/ciliumnetworkpolicy_v2.json).
// Label selectors and the standard NetworkPolicy rules reuse the built-in Kubernetes definitions.
type Schema = Record<string, unknown>;

const ref = (model: string): Schema => ({ $ref: `k8s#/definitions/${model}` });
const closed = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ type: 'object', additionalProperties: false, properties, ...(required.length ? { required } : {}) });
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });
const intOrString: Schema = { anyOf: [{ type: 'integer' }, { type: 'string' }] };
const stagedAction: Schema = { type: 'string', enum: ['Set', 'Delete', 'Learn', 'Ignore'] };
const policyTypes: Schema = { type: 'array', minItems: 1, maxItems: 2, items: { type: 'string', enum: ['Ingress', 'Egress'] } };

const calicoEntity = closed({ selector: { type: 'string' }, namespaceSelector: { type: 'string' }, nets: arrayOf({ type: 'string' }), ports: arrayOf(intOrString) });
const calicoRule = closed({ action: { type: 'string', enum: ['Allow', 'Deny', 'Log', 'Pass'] }, protocol: intOrString, source: calicoEntity, destination: calicoEntity }, ['action']);
const globalPolicySpec = (staged: boolean): Schema =>
  closed({
    ...(staged ? { stagedAction } : {}),
    order: { type: 'number' },
    selector: { type: 'string' },
    namespaceSelector: { type: 'string' },
    types: policyTypes,
    ingress: arrayOf(calicoRule),
    egress: arrayOf(calicoRule),
  });

const fqdnSelector: Schema = {
  ...closed({ matchName: { type: 'string', maxLength: 255, pattern: '^([-a-zA-Z0-9_]+[.]?)+$' }, matchPattern: { type: 'string', maxLength: 255, pattern: '^([-a-zA-Z0-9_*]+[.]?)+$' } }),
  oneOf: [{ required: ['matchName'] }, { required: ['matchPattern'] }],
};
const ciliumPort = closed(
  {
    port: { type: 'string', pattern: '^(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})|([a-zA-Z0-9]-?)*[a-zA-Z](-?[a-zA-Z0-9])*$' },
    endPort: { type: 'integer', minimum: 0, maximum: 65535 },
    protocol: { type: 'string', enum: ['TCP', 'UDP', 'SCTP', 'ANY'] },
  },
  ['port'],
);
const ciliumToPorts = arrayOf(closed({ ports: arrayOf(ciliumPort), rules: closed({ dns: arrayOf(fqdnSelector) }) }));
const ciliumEgress = closed({ toEndpoints: arrayOf(ref('V1LabelSelector')), toCIDR: arrayOf({ type: 'string' }), toFQDNs: arrayOf(fqdnSelector), toPorts: ciliumToPorts });

const object = (apiVersion: string, kind: string, spec: Schema, namespaced: boolean): Schema =>
  closed(
    { apiVersion: { const: apiVersion }, kind: { const: kind }, metadata: namespaced ? { type: 'object', required: ['name', 'namespace'] } : { type: 'object', required: ['name'] }, spec },
    ['apiVersion', 'kind', 'metadata', 'spec'],
  );

/** `apiVersion/kind` → strict schema of the fields cn-scaffold emits. */
export const SUBSET_SCHEMAS: Record<string, Schema> = {
  'projectcalico.org/v3/StagedKubernetesNetworkPolicy': object(
    'projectcalico.org/v3',
    'StagedKubernetesNetworkPolicy',
    closed({ stagedAction, podSelector: ref('V1LabelSelector'), policyTypes, ingress: arrayOf(ref('V1NetworkPolicyIngressRule')), egress: arrayOf(ref('V1NetworkPolicyEgressRule')) }, ['podSelector']),
    true,
  ),
  'projectcalico.org/v3/GlobalNetworkPolicy': object('projectcalico.org/v3', 'GlobalNetworkPolicy', globalPolicySpec(false), false),
  'projectcalico.org/v3/StagedGlobalNetworkPolicy': object('projectcalico.org/v3', 'StagedGlobalNetworkPolicy', globalPolicySpec(true), false),
  'cilium.io/v2/CiliumNetworkPolicy': object(
    'cilium.io/v2',
    'CiliumNetworkPolicy',
    closed({ endpointSelector: ref('V1LabelSelector'), enableDefaultDeny: closed({ ingress: { type: 'boolean' }, egress: { type: 'boolean' } }), egress: arrayOf(ciliumEgress) }),
    true,
  ),
};
