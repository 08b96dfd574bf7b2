// The whole product line in one file: every building block, one import line each, in the order
// prompts, `list` and contribution merging use. Adding a block = a block file + a template folder + a line here.
import type { Catalog } from './define.js';
import { CATEGORIES } from './categories.js';

import docker from '../blocks/containerization/docker.js';
import podman from '../blocks/containerization/podman.js';
import containerd from '../blocks/containerization/containerd.js';
import crio from '../blocks/containerization/cri-o.js';
import dockerEngine from '../blocks/containerization/docker-engine.js';
import rkt from '../blocks/containerization/rkt.js';
import compose from '../blocks/containerization/compose.js';
import harbor from '../blocks/registry/harbor.js';
import externalRegistry from '../blocks/registry/external.js';
import cosign from '../blocks/distribution/cosign.js';
import notation from '../blocks/distribution/notation.js';
import notaryV1 from '../blocks/distribution/notary-v1.js';
import kyverno from '../blocks/distribution/kyverno.js';
import ratify from '../blocks/distribution/ratify.js';
import kubernetes from '../blocks/orchestration/kubernetes.js';
import kubePrometheusStack from '../blocks/observability/kube-prometheus-stack.js';
import prometheus from '../blocks/observability/prometheus.js';
import fluentd from '../blocks/observability/fluentd.js';
import fluentBit from '../blocks/observability/fluent-bit.js';
import jaeger from '../blocks/observability/jaeger.js';
import jaegerV1 from '../blocks/observability/jaeger-v1.js';
import opentracing from '../blocks/observability/opentracing.js';
import githubActions from '../blocks/cicd/github-actions.js';
import gitlabCi from '../blocks/cicd/gitlab-ci.js';
import tekton from '../blocks/cicd/tekton.js';
import argoRollouts from '../blocks/cicd/argo-rollouts.js';
import flagger from '../blocks/cicd/flagger.js';
// coredns before the gateway blocks: its chart values (headlessService) are merged first, so a gateway
// block's `headlessService.enabled: true` wins.
import coredns from '../blocks/discovery/coredns.js';
import envoyGateway from '../blocks/discovery/envoy-gateway.js';
import envoy from '../blocks/discovery/envoy.js';
import existingGateway from '../blocks/discovery/existing.js';
import ingressNginx from '../blocks/discovery/ingress-nginx.js';
import linkerd from '../blocks/discovery/linkerd.js';
import istio from '../blocks/discovery/istio.js';
import netpolKubernetes from '../blocks/network-policy/kubernetes.js';
import calico from '../blocks/network-policy/calico.js';
import cilium from '../blocks/network-policy/cilium.js';
import flannel from '../blocks/network-policy/flannel.js';
import weaveNet from '../blocks/network-policy/weave-net.js';
import clusterDefault from '../blocks/storage/cluster-default.js';
import rookCeph from '../blocks/storage/rook-ceph.js';
import vitess from '../blocks/storage/vitess.js';
import mysql from '../blocks/storage/mysql.js';
import etcd from '../blocks/storage/etcd.js';
import tikv from '../blocks/storage/tikv.js';

import grpc from '../blocks/messaging/grpc.js';
import nats from '../blocks/messaging/nats.js';
import natsStreaming from '../blocks/messaging/nats-streaming.js';
import natsOperator from '../blocks/messaging/nats-operator.js';

export const catalog: Catalog = {
  categories: CATEGORIES,
  blocks: [docker, podman, containerd, crio, dockerEngine, rkt, compose, harbor, externalRegistry, cosign, notation, notaryV1, kyverno, ratify, kubernetes, kubePrometheusStack, prometheus, fluentd, fluentBit, jaeger, jaegerV1, opentracing, githubActions, gitlabCi, tekton, argoRollouts, flagger, coredns, envoyGateway, envoy, existingGateway, ingressNginx, linkerd, istio, netpolKubernetes, calico, cilium, flannel, weaveNet, clusterDefault, rookCeph, vitess, mysql, etcd, tikv, grpc, nats, natsStreaming, natsOperator],
};
