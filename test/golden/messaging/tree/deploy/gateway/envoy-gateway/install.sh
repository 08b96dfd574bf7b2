#!/usr/bin/env bash
# Installs or upgrades Envoy Gateway v1.9.0 (namespace envoy-gateway-system) and the Gateway
# gateway-system/gateway. Safe to re-run. Needs kubectl and helm with cluster-admin rights
# (CRDs, a cluster-scoped GatewayClass), and cert-manager for the certificate.
# Steps: envoyproxy/gateway charts/gateway-helm/README.md @v1.9.0 ("Skip install CRDs").
set -euo pipefail

version='v1.9.0'
cd "$(dirname "$0")/../../.."

# 1. CRDs, applied server-side so that upgrades update them: Gateway API v1.6.1 (standard
#    channel) and Envoy Gateway's own. This script is the one owner of the Gateway API CRDs in the cluster.
helm template eg-crds oci://docker.io/envoyproxy/gateway-crds-helm --version "$version" \
  --set crds.gatewayAPI.enabled=true --set crds.gatewayAPI.channel=standard --set crds.envoyGateway.enabled=true |
  kubectl apply --server-side --force-conflicts -f -

# 2. The controller.
kubectl apply -f deploy/gateway/envoy-gateway/namespace.yaml
helm upgrade --install eg oci://docker.io/envoyproxy/gateway-helm --version "$version" \
  --namespace 'envoy-gateway-system' -f deploy/gateway/envoy-gateway/values.yaml --wait --timeout 5m
kubectl -n 'envoy-gateway-system' wait --for=condition=Available deployment/envoy-gateway --timeout=5m

# 3. The certificate and the Gateway.
kubectl apply -f deploy/gateway/certificate.yaml
kubectl apply -f deploy/gateway/envoy-gateway/gateway.yaml
kubectl -n 'gateway-system' wait --for=condition=Programmed gateway/'gateway' --timeout=5m
kubectl -n 'gateway-system' get gateway 'gateway'
