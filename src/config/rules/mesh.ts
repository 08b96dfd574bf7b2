// Service mesh (reference/wave2.md §2.3, §6): Kubernetes versions each mesh line supports, the Gateway API
// bundle it was built and tested against, CNI interplay (Cilium), what the generator does about the traps of
// mesh authorization (gRPC probes, server-first ports, a Prometheus outside the mesh, a gateway outside the
// mesh), and the mesh-driven progressive delivery. Linkerd and Istio together is structural (CR-60: one slot);
// the mesh CNI is always generated (CR-43/CN-MESH-02, CR-64), so is the identity from cert-manager (CN-MESH-11).
import { kubeMinor, pick, servicesOf, type PartialConfig, type Rule } from './define.js';

const mesh = (c: PartialConfig) => pick(c, 'discovery.mesh') as string | undefined;
const meshOn = (c: PartialConfig) => mesh(c) === 'linkerd' || mesh(c) === 'istio';
const ambient = (c: PartialConfig) => mesh(c) === 'istio' && (pick(c, 'discovery.istio.dataplane') ?? 'ambient') === 'ambient';
const engine = (c: PartialConfig) => pick(c, 'network-policy.engine') as string | undefined;
const controller = (c: PartialConfig) => pick(c, 'cicd.controller') as string | undefined;
const canary = (c: PartialConfig) => {
  const ctl = controller(c);
  if (ctl === 'flagger') return pick(c, 'cicd.flagger.strategy') === 'canary';
  if (ctl === 'argo-rollouts') return (pick(c, 'cicd.argo-rollouts.strategy') ?? 'canary') === 'canary';
  return false;
};
const hasCalls = (c: PartialConfig) => servicesOf(c).some(({ s }) => Array.isArray(s.calls) && s.calls.length > 0);
/** The metrics choice: undefined before it is answered (its default is kube-prometheus-stack). */
const metrics = (c: PartialConfig) => (pick(c, 'observability.metrics') as string | undefined) ?? 'kube-prometheus-stack';

export const MESH_RULES: Rule[] = [
  {
    id: 'CN-MESH-01',
    severity: 'error',
    paths: ['discovery.mesh', 'project.kubernetesVersion'],
    when: (c) => mesh(c) === 'linkerd' && kubeMinor(c) < 31,
    message: 'the Linkerd edge charts require Kubernetes 1.31 or newer (charts/*/Chart.yaml kubeVersion ">=1.31.0-0" at edge-26.8.3); helm refuses to install them on an older cluster',
    fix: '--kubernetes-version 1.31 (or newer), or --discovery-mesh istio / none',
  },
  {
    id: 'CN-MESH-16',
    severity: 'error',
    paths: ['discovery.mesh', 'project.kubernetesVersion'],
    when: (c) => mesh(c) === 'istio' && kubeMinor(c) < 32,
    message: 'Istio 1.30 supports Kubernetes 1.32 or newer (istioctl/pkg/install/k8sversion/version.go MinK8SVersion = 32 at 1.30.3)',
    fix: '--kubernetes-version 1.32 (or newer), or --discovery-mesh linkerd / none',
  },
  {
    id: 'CR-62',
    severity: 'info',
    paths: ['discovery.mesh'],
    when: (c) => mesh(c) === 'linkerd',
    message:
      'Linkerd: the open-source project publishes edge releases only (pinned here: edge-26.8.3, charts 2026.8.3); stable releases come from a vendor (Buoyant Enterprise for Linkerd). Re-pin edge releases deliberately',
  },
  {
    id: 'CN-MESH-05',
    severity: 'warning',
    paths: ['discovery.mesh', 'discovery.gateway'],
    // Envoy Gateway v1.9 (Kubernetes 1.33+) installs the Gateway API v1.6.1 bundle (one CRD owner, CR-69).
    when: (c) => meshOn(c) && pick(c, 'discovery.gateway') === 'envoy-gateway' && kubeMinor(c) >= 33,
    message:
      'Envoy Gateway v1.9 installs the Gateway API v1.6.1 CRDs, newer than the meshes were tested with: Linkerd edge-26.8.3 CI tests Gateway API up to v1.5.1 ' +
      '(.github/workflows/integration.yml), Istio 1.30 is built against v1.5.1 (go.mod); the mesh routes use only v1 HTTPRoute/GRPCRoute fields present in both',
    fix: 'keep it (and watch the mesh release notes), or pin Envoy Gateway v1.8 (Gateway API v1.5.1) with --kubernetes-version 1.32',
  },
  {
    id: 'CN-MESH-15',
    severity: 'warning',
    paths: ['discovery.mesh', 'discovery.gateway'],
    when: (c) => meshOn(c) && ['envoy-gateway', 'envoy', 'existing'].includes(pick(c, 'discovery.gateway') as string) && servicesOf(c).some(({ s }) => s.expose !== undefined && s.expose !== false),
    message:
      "the gateway's proxies run outside the mesh, so exposed services accept its plaintext requests on their port: the mesh authorizes that port for clients " +
      'without an identity (Istio: unauthenticated only; Linkerd: any client on that port), and the NetworkPolicy still admits only the gateway and the declared callers',
    fix: 'to authenticate the gateway too, enrol its namespace in the mesh (Linkerd injection in the EnvoyProxy pod template, or Istio ambient) and authorize its ServiceAccount',
  },
  {
    id: 'CN-MESH-14',
    severity: 'info',
    paths: ['discovery.mesh', 'observability.metrics'],
    when: (c) => meshOn(c) && metrics(c) !== 'none',
    message:
      "Prometheus runs outside the mesh, so STRICT mTLS / deny-by-default would refuse its scrapes: each service's metrics port accepts plaintext from clients without an " +
      'identity, limited to GET /metrics where the proxy sees HTTP (Linkerd; Istio sidecars) and to the metrics port otherwise (Istio ambient); the NetworkPolicy admits only Prometheus there',
  },
  {
    id: 'CN-MESH-07',
    severity: 'info',
    paths: ['discovery.mesh', 'services'],
    when: (c) => mesh(c) === 'linkerd' && servicesOf(c).some(({ s }) => s.protocol === 'grpc'),
    at: (c) => servicesOf(c).filter(({ s }) => s.protocol === 'grpc').map(({ i }) => `services.${i}.protocol`),
    message:
      "Linkerd authorizes kubelet probes by itself only for httpGet probes (policy-controller workload.rs pod_http_probes); the gRPC services' grpc probes are allowed by a GRPCRoute " +
      'for grpc.health.v1.Health authorized for any network, every other method only for the declared callers',
  },
  {
    id: 'CN-MESH-04',
    severity: 'info',
    paths: ['discovery.istio.dataplane'],
    when: (c) => ambient(c) && (hasCalls(c) || canary(c) || controller(c) === 'flagger'),
    message:
      'Istio ambient: ztunnel enforces only L4, so a waypoint (deploy/mesh/istio/waypoint.yaml) carries the L7 work: per-call timeouts and retries, per-request gRPC balancing, ' +
      'the routes a canary controller shifts; the callers are authorized at the waypoint and each pod admits only the waypoint',
  },
  {
    id: 'CN-MESH-18',
    severity: 'info',
    paths: ['cicd.controller', 'discovery.mesh'],
    when: (c) => meshOn(c) && canary(c) && (metrics(c) !== 'kube-prometheus-stack' || (ambient(c) && controller(c) === 'argo-rollouts')),
    message:
      "the mesh's request metrics do not gate this canary (they need kube-prometheus-stack's PodMonitors, and Istio ambient's waypoint reports one workload for a Rollout's " +
      "stable and canary pods): the analysis uses the services' own metrics only",
  },
  {
    id: 'CR-66',
    severity: 'warning',
    paths: ['discovery.mesh', 'network-policy.engine'],
    when: (c) => meshOn(c) && engine(c) === 'cilium',
    message:
      'the mesh chains its own CNI plugin (linkerd2-cni, istio-cni) after Cilium, which removes other CNI configurations unless cni.exclusive is false ' +
      '(https://linkerd.io/2/features/cni, https://istio.io/latest/docs/ambient/install/platform-prerequisites)',
    fix: 'install Cilium with --set cni.exclusive=false',
  },
  {
    id: 'CN-MESH-10',
    severity: 'warning',
    paths: ['discovery.mesh', 'network-policy.engine'],
    when: (c) => mesh(c) === 'linkerd' && engine(c) === 'cilium',
    message:
      "Linkerd with Cilium's kube-proxy replacement: socket-level load balancing translates Service addresses inside the pod before the Linkerd proxy sees them, so Linkerd loses " +
      'per-request balancing and policy by Service (note on https://linkerd.io/2-edge/tasks/install-helm)',
    fix: 'install Cilium with --set socketLB.hostNamespaceOnly=true (socket load balancing only in the host namespace)',
  },
  {
    id: 'CR-65',
    severity: 'warning',
    paths: ['discovery.istio.dataplane', 'network-policy.engine'],
    when: (c) => ambient(c) && engine(c) === 'cilium',
    message:
      'Istio ambient SNATs kubelet probes to 169.254.7.127; the policies allow that address, but Cilium treats it as the host only with a CiliumClusterwideNetworkPolicy ' +
      '(https://istio.io/latest/docs/ambient/install/platform-prerequisites)',
    fix: 'apply a CiliumClusterwideNetworkPolicy allowing ingress fromCIDR 169.254.7.127/32, or --set discovery.istio.dataplane=sidecar',
  },
];
