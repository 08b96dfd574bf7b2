#!/usr/bin/env bash
# make dns-check: runs deploy/dns/dns-check.yaml in namespace shop, prints what it resolved,
# removes it, and fails when a name did not resolve (or the pod did not finish within two minutes).
set -euo pipefail
cd "$(dirname "$0")/../.."

ns='shop'
pod='dns-check'
kubectl -n "$ns" delete pod "$pod" --ignore-not-found --wait=true >/dev/null
kubectl apply -f deploy/dns/dns-check.yaml >/dev/null
phase=""
for _ in $(seq 1 60); do
  phase="$(kubectl -n "$ns" get pod "$pod" -o jsonpath='{.status.phase}')"
  case "$phase" in
    Succeeded | Failed) break ;;
  esac
  sleep 2
done
kubectl -n "$ns" logs "$pod" || true
kubectl -n "$ns" delete pod "$pod" --ignore-not-found >/dev/null
if [ "$phase" != Succeeded ]; then
  echo "dns-check: the pod ended in phase '${phase:-unknown}' (see the lines above)" >&2
  exit 1
fi
