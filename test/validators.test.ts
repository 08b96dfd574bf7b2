// Tests of the output validators themselves: a good minimal tree passes, and each kind of defect makes it
// fail with a specific message. All variants are validated in one validateTrees call (one tool batch).
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReport, validateTrees, type ValidationReport } from './support/validators/index.js';

/** Writes `{ 'path': 'content' }` under a fresh temp dir. */
async function testdir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cn-validators-test-'));
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  }
  return dir;
}

const podSpec = (indent: string, extra = ''): string =>
  `securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  seccompProfile:
    type: RuntimeDefault
containers:
  - name: app
    image: ghcr.io/acme/app:1.2.3
    imagePullPolicy: IfNotPresent${extra}
    ports:
      - containerPort: 8080
    resources:
      requests: { cpu: 100m, memory: 64Mi }
      limits: { memory: 128Mi }
    livenessProbe: { httpGet: { path: /healthz, port: 8080 } }
    readinessProbe: { httpGet: { path: /readyz, port: 8080 } }
    securityContext:
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities:
        drop: [ALL]
`
    .split('\n')
    .map((l) => (l ? indent + l : l))
    .join('\n');

const deployment = (spec = podSpec('      ')): string => `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: restricted
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: shop
  labels:
    app.kubernetes.io/name: app
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: app
  template:
    metadata:
      labels:
        app.kubernetes.io/name: app
    spec:
${spec}`;

const chartTemplate = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  labels:
    app.kubernetes.io/name: web
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: web
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
    spec:
${podSpec('      ').replace('ghcr.io/acme/app:1.2.3', '{{ .Values.image }}')}`;

const GOOD: Record<string, string> = {
  'deploy/app.yaml': deployment(),
  'Dockerfile': `# syntax=docker/dockerfile:1
FROM golang:1.23.4 AS build
WORKDIR /src
COPY . .
RUN go build -o /app .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /app /app
USER 10001:10001
# No HEALTHCHECK: probes are in the Kubernetes manifests
ENTRYPOINT ["/app"]
`,
  '.github/workflows/ci.yml': `name: ci
on:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Test
        run: |
          echo "testing"
          make test
`,
  'scripts/build.sh': '#!/usr/bin/env bash\nset -euo pipefail\nname="${1:-app}"\necho "building $name"\n',
  'monitoring/rules.yml': `groups:
  - name: app
    rules:
      - alert: HighErrorRate
        expr: sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.05
        for: 10m
        labels: { severity: page }
        annotations: { summary: High error rate }
`,
  'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\ndescription: test chart\ntype: application\nversion: 0.1.0\nappVersion: "1.0.0"\nicon: https://example.com/icon.png\n',
  'charts/web/values.yaml': 'image: ghcr.io/acme/web:1.0.0\n',
  'charts/web/templates/deployment.yaml': chartTemplate,
};

// Objects of the network-policy engines, checked against the subset schemas of crd-subsets.ts.
const engineObjects = (port: string, stagedAction = 'Set') => `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: { name: web-fqdn, namespace: shop }
spec:
  endpointSelector: { matchLabels: { app.kubernetes.io/name: web } }
  enableDefaultDeny: { ingress: false, egress: false }
  egress:
    - toFQDNs: [{ matchName: api.example.com }]
      toPorts: [{ ports: [{ port: ${port}, protocol: TCP }] }]
---
apiVersion: projectcalico.org/v3
kind: StagedKubernetesNetworkPolicy
metadata: { name: web, namespace: shop }
spec:
  stagedAction: ${stagedAction}
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress]
  ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 8080, protocol: TCP }] }]
`;

const variants: Record<string, Record<string, string>> = {
  good: GOOD,
  engineObjects: { ...GOOD, 'deploy/np.yaml': engineObjects("'443'") },
  engineObjectsBroken: { ...GOOD, 'deploy/np.yaml': engineObjects('443', 'Apply') },
  misspeltField: { ...GOOD, 'deploy/app.yaml': deployment().replace('imagePullPolicy: IfNotPresent', 'imagePullPolcy: IfNotPresent') },
  rootContainer: {
    ...GOOD,
    'deploy/app.yaml': deployment().replace(/^ *runAsNonRoot: true\n/m, '').replace('runAsUser: 10001', 'runAsUser: 0'),
  },
  badPromql: { ...GOOD, 'monitoring/rules.yml': GOOD['monitoring/rules.yml']!.replace('[5m])) > 0.05', '[5m]) > 0.05') },
  unpinnedBase: { ...GOOD, Dockerfile: GOOD.Dockerfile!.replace('gcr.io/distroless/static-debian12:nonroot', 'gcr.io/distroless/static-debian12') },
  noUser: { ...GOOD, Dockerfile: GOOD.Dockerfile!.replace('USER 10001:10001\n', '') },
  badWorkflowKey: { ...GOOD, '.github/workflows/ci.yml': GOOD['.github/workflows/ci.yml']!.replace('    runs-on: ubuntu-latest', '    runs-on: ubuntu-latest\n    timeout-minutez: 10') },
  shellWarning: { ...GOOD, 'scripts/build.sh': '#!/bin/bash\nfor f in $(ls *.txt); do echo $f; done\nunused=1\n' },
  chartLintFails: { ...GOOD, 'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: not-a-semver\n' },
  unknownCrd: {
    ...GOOD,
    'deploy/widget.yaml': 'apiVersion: widgets.example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n',
  },
  removedApi: {
    ...GOOD,
    'deploy/hpa.yaml':
      'apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: app\nspec:\n  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: app }\n  minReplicas: 2\n  maxReplicas: 4\n',
  },
  inTreeCrd: {
    ...GOOD,
    'deploy/crd.yaml': `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Gadget, plural: gadgets, singular: gadget, listKind: GadgetList }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: { type: integer }
---
apiVersion: example.com/v1
kind: Gadget
metadata:
  name: g1
spec:
  size: 3
  colour: red
`,
  },
};

let reports: Map<string, ValidationReport>;
const dirs: Record<string, string> = {};
const messages = (r: ValidationReport, check: string): string => r.failures.filter((f) => f.check === check).map((f) => `${f.file} ${f.object ?? ''} ${f.message}`).join('\n');

beforeAll(async () => {
  for (const [name, files] of Object.entries(variants)) dirs[name] = await testdir(files);
  reports = await validateTrees(Object.values(dirs));
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(dirs).map((d) => rm(d, { recursive: true, force: true })));
});

const report = (name: string): ValidationReport => reports.get(dirs[name]!)!;

describe('validators', () => {
  it('passes a good minimal tree and counts what it checked', () => {
    const r = report('good');
    expect(r.failures, formatReport(r)).toEqual([]);
    expect(r.counts['k8s-schema']?.checked).toBeGreaterThanOrEqual(3); // Namespace, Deployment, rendered Deployment
    expect(r.counts['pod-security']?.checked).toBe(2);
    for (const c of ['helm', 'dockerfile', 'ci', 'shell', 'prometheus', 'yaml-syntax']) expect(r.counts[c]?.checked, c).toBeGreaterThan(0);
  });

  it('fails a misspelt Deployment field', () => {
    expect(messages(report('misspeltField'), 'k8s-schema')).toMatch(/Deployment\/app .*unknown field "imagePullPolcy"/);
  });

  it('fails a root container', () => {
    const m = messages(report('rootContainer'), 'pod-security');
    expect(m).toMatch(/runAsUser: must not be 0/);
    expect(m).toMatch(/runAsNonRoot: must be true/);
  });

  it('fails a bad PromQL expression', () => {
    expect(messages(report('badPromql'), 'prometheus')).toMatch(/monitoring\/rules\.yml .*promtool check rules: .*(parse error|unexpected)/);
  });

  it('fails an unpinned Dockerfile base image', () => {
    expect(messages(report('unpinnedBase'), 'dockerfile')).toMatch(/base image "gcr\.io\/distroless\/static-debian12" is not pinned/);
  });

  it('fails a Dockerfile without USER', () => {
    expect(messages(report('noUser'), 'dockerfile')).toMatch(/final stage has no USER/);
  });

  it('fails a workflow with an invalid key', () => {
    expect(messages(report('badWorkflowKey'), 'ci')).toMatch(/timeout-minutez/);
  });

  it('fails a shell script with a shellcheck warning', () => {
    expect(messages(report('shellWarning'), 'shell')).toMatch(/scripts\/build\.sh .*SC2045 \(error\)|SC2034 \(warning\)/);
  });

  it('fails a chart that fails helm lint --strict', () => {
    expect(messages(report('chartLintFails'), 'helm')).toMatch(/charts\/web\/Chart\.yaml .*helm lint --strict: .*version/i);
  });

  it('reports an unknown CRD kind as not validated', () => {
    const r = report('unknownCrd');
    expect(r.failures, formatReport(r)).toEqual([]);
    expect(r.notValidated).toContainEqual(
      expect.objectContaining({ check: 'k8s-schema', file: 'deploy/widget.yaml', object: 'Widget/w1', message: expect.stringMatching(/widgets\.example\.com\/v1 kind Widget/) }),
    );
  });

  it('fails an apiVersion that Kubernetes 1.32 no longer serves', () => {
    expect(messages(report('removedApi'), 'k8s-schema')).toMatch(/autoscaling\/v2beta1 HorizontalPodAutoscaler is not served .*autoscaling\/v2/);
  });

  it('validates Calico and Cilium policy objects against their subset schemas', () => {
    const good = report('engineObjects');
    expect(messages(good, 'k8s-schema')).toBe('');
    expect(good.notValidated.filter((n) => n.file === 'deploy/np.yaml')).toEqual([]);
    const bad = messages(report('engineObjectsBroken'), 'k8s-schema');
    expect(bad).toMatch(/CiliumNetworkPolicy\/web-fqdn .*port: must be string/);
    expect(bad).toMatch(/StagedKubernetesNetworkPolicy\/web .*stagedAction: must be equal to one of the allowed values/);
  });

  it('validates custom resources against a CRD defined in the tree, strictly', () => {
    expect(messages(report('inTreeCrd'), 'k8s-schema')).toMatch(/Gadget\/g1 .*unknown field "colour"/);
  });
});
