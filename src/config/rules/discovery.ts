// Discovery rules (wave2.md §6): the gateway against the Kubernetes version and Harbor, the standalone Envoy's
// router filter, CoreDNS forward zones per distribution, NodeLocal DNSCache under default-deny egress.
// CN-GRAPH-03 (an exposed service needs a gateway) is in graph.ts; CR-70 (ingress-nginx retired) is the
// archived status of that block.
import { kubeMinor, pick, servicesOf, type PartialConfig, type Rule } from './define.js';

const gateway = (c: PartialConfig) => pick(c, 'discovery.gateway') as string | undefined;
/** Harbor installed with its chart and exposed by a Gateway API HTTPRoute (the defaults of the harbor block). */
const harborRoute = (c: PartialConfig) =>
  pick(c, 'registry.provider') === 'harbor' && (pick(c, 'registry.harbor.install') ?? 'helm') === 'helm' && (pick(c, 'registry.harbor.expose') ?? 'route') === 'route';
/** Exposed gRPC services without a hostname: routed by the same match, so only one of them is reached. */
const grpcExposedWithoutHost = (c: PartialConfig) =>
  servicesOf(c).filter(({ s }) => s.protocol === 'grpc' && s.expose !== undefined && s.expose !== false && !(typeof s.expose === 'object' && s.expose.hostname));

export const DISCOVERY_RULES: Rule[] = [
  {
    id: 'CN-MESH-06',
    severity: 'warning',
    paths: ['discovery.gateway', 'project.kubernetesVersion'],
    when: (c) => gateway(c) === 'envoy-gateway' && kubeMinor(c) < 33,
    message:
      'Envoy Gateway v1.9 (the current line) supports Kubernetes 1.33-1.36; for an older cluster the generator pins the newest line that supports it, ' +
      'and those lines are past their end of life: v1.8.3 for 1.32 (2026-11-08), v1.6.7 for 1.30-1.31 (2026-05-13): no more security fixes ' +
      '(envoyproxy/gateway site/content/en/news/releases/matrix.md)',
    fix: 'upgrade the cluster and set --kubernetes-version 1.33 or newer (the gateway moves to v1.9 on regenerate)',
  },
  {
    // One owner of the Gateway API CRDs: the gateway slot holds one block, and only envoy-gateway installs
    // them (or defers to the platform: discovery.envoy-gateway.gatewayAPICRDs=external); with an existing
    // Gateway the platform owns them. This catches the other half: a consumer with no owner and no Gateway.
    id: 'CR-69',
    severity: 'error',
    paths: ['discovery.gateway', 'registry.harbor.expose'],
    when: (c) => harborRoute(c) && (gateway(c) === 'none' || gateway(c) === 'envoy'),
    message:
      "Harbor's HTTPRoute (registry.harbor.expose=route) needs a Gateway API Gateway and its CRDs, and this gateway choice installs neither " +
      '(the standalone Envoy proxy does not implement Gateway API)',
    fix: '--discovery-gateway envoy-gateway (or existing, to attach to your Gateway), or --set registry.harbor.expose=loadBalancer',
  },
  {
    id: 'CR-71',
    severity: 'info',
    paths: ['discovery.gateway'],
    when: (c) => gateway(c) === 'envoy',
    message:
      'deploy/gateway/envoy/envoy.yaml ends every filter chain with the router filter carrying typed_config: Envoy >= 1.23 refuses a router without it ' +
      '("Didn\'t find a registered implementation ... with type URL: \'\'", envoyproxy/envoy#21464); keep it when you edit the file',
  },
  {
    id: 'CR-73',
    severity: 'warning',
    paths: ['discovery.coredns.zones', 'discovery.coredns.flavor'],
    when: (c) => ((pick(c, 'discovery.coredns.zones') as unknown[] | undefined) ?? []).length > 0 && (pick(c, 'discovery.coredns.flavor') ?? 'kubeadm') === 'kubeadm',
    message:
      'the forward zones are appended to ConfigMap kube-system/coredns (kubeadm); AKS, k3s and RKE2 manage that ConfigMap themselves and overwrite the change, ' +
      'they read extra server blocks from ConfigMap coredns-custom instead',
    fix: 'on AKS or k3s: --set discovery.coredns.flavor=aks (or k3s)',
  },
  {
    id: 'CN-DNS-01',
    severity: 'warning',
    paths: ['discovery.coredns.nodeLocalDNS'],
    when: (c) => pick(c, 'discovery.coredns.nodeLocalDNS') === 'off' && pick(c, 'network-policy.engine') !== 'none',
    message:
      'with default-deny egress, pods reach DNS only where a policy allows it: NodeLocal DNSCache listens on 169.254.20.10 in the host network, where no pod ' +
      'selector matches, so every lookup fails once it runs (GKE enables it by default from 1.34.1-gke.3720000; kubernetes/kubernetes#70555)',
    fix: '--set discovery.coredns.nodeLocalDNS=auto unless you know no node runs it',
  },
  {
    id: 'CN-GW-01',
    severity: 'warning',
    paths: ['services'],
    when: (c) => gateway(c) !== 'none' && grpcExposedWithoutHost(c).length > 1,
    at: (c) => grpcExposedWithoutHost(c).map(({ i }) => `services.${i}.expose`),
    message:
      'several gRPC services are exposed without a hostname: their routes match the same requests, so the gateway sends them all to one service',
    fix: 'give each exposed gRPC service its own expose.hostname (or list route.grpcServices in its chart values)',
  },
];
