// CoreDNS is the cluster DNS already (wave2.md §2.2): this block does not install it, it generates what is
// useful on top. The service-discovery env contract (contract.ts) in every caller's chart and compose
// service; the headless Service of gRPC callees (no mesh); the DNS network peer and every pod's edge to it
// (plus NodeLocal DNSCache's link-local address); `make dns-check`, a short-lived restricted pod that
// resolves every service; and optional forward zones delivered the way the distribution expects.
import * as z from 'zod';
import { defineBlock, type BlockContext, type FileSpec, type FilesContext } from '../../catalog/define.js';
import type { NetworkEdge, NetworkPort } from '../../catalog/contributions.js';
import { asEnvVars, calleeEnv, clusterAddress, grpcCallees, headlessName, localAddress, meshSelected, serviceFqdn } from './contract.js';
import { headlessChart, headlessTemplate } from './headless.js';
import { calleesOf, type CallEdge } from '../../graph/graph.js';
import { retryLayer } from './traffic.js';

/** CoreDNS pods: Deployment `coredns` labelled k8s-app: kube-dns in kube-system (kubernetes/kubernetes
 * cmd/kubeadm/app/phases/addons/dns/manifests.go; the same label on AKS, EKS, GKE and k3s). */
export const KUBE_DNS = { id: 'kube-dns', namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } };
/** NodeLocal DNSCache's link-local listen address (kubernetes/kubernetes cluster/addons/dns/nodelocaldns, __PILLAR__LOCAL__DNS__ in the docs). */
export const NODE_LOCAL_DNS = '169.254.20.10';
const DNS_PORTS: NetworkPort[] = [
  { port: 53, protocol: 'UDP', appProtocol: 'tcp' },
  { port: 53, protocol: 'TCP', appProtocol: 'tcp' },
];
/** busybox 1.37.0: the stable line (docker-library/official-images library/busybox), as the charts' helm test uses. */
const CHECK_IMAGE = 'docker.io/library/busybox:1.37.0';
const CHECK = 'dns-check';

const SERVER = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}(:[0-9]{1,5})?$/;
const ZONE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const Options = z
  .object({
    nodeLocalDNS: z
      .enum(['auto', 'on', 'off'])
      .default('auto')
      .describe(
        `NodeLocal DNSCache (${NODE_LOCAL_DNS}): auto = allow it in network policy (needed the day a provider turns it on, e.g. GKE from 1.34.1-gke.3720000; harmless without it); ` +
          'on = also make dns-check query it; off = no rule for it',
      ),
    zones: z
      .array(
        z
          .object({
            zone: z.string().max(253).regex(ZONE, { error: 'zone must be a DNS name, e.g. corp.example.com' }).describe('The zone, e.g. corp.example.com'),
            servers: z.array(z.string().regex(SERVER, { error: 'a server is an IPv4 address, optionally with :port' })).min(1).max(15).describe('DNS servers answering for the zone'),
          })
          .strict(),
      )
      .max(20)
      .default([])
      .describe('Forward (stub) zones: names under each zone are resolved by its servers instead of the upstream resolvers'),
    flavor: z
      .enum(['kubeadm', 'aks', 'k3s'])
      .default('kubeadm')
      .describe('How the zones reach CoreDNS: kubeadm = appended to the coredns ConfigMap; aks, k3s = a coredns-custom ConfigMap the distribution imports'),
  })
  .strict();
type O = z.infer<typeof Options>;

/** The names make dns-check resolves: every Service (and headless Service) of the application, and every egress DNS name. */
function checkNames(ctx: FilesContext<O>): string[] {
  const ns = ctx.project.namespace;
  const names: string[] = [];
  for (const s of ctx.services) {
    names.push(serviceFqdn(s.name, ns));
    const headless = (ctx.chartFor(s).extraValues.headlessService as { enabled?: boolean } | undefined)?.enabled;
    if (headless) names.push(serviceFqdn(headlessName(s.name), ns));
  }
  for (const e of ctx.graph.egress) if (e.kind === 'fqdn' && !e.host.startsWith('*.')) names.push(e.host);
  return [...new Set(names)];
}

function files(ctx: FilesContext<O>): FileSpec[] {
  const o = ctx.options;
  const data = {
    check: { name: CHECK, image: CHECK_IMAGE, names: checkNames(ctx).join(' '), nodeLocal: o.nodeLocalDNS === 'on' ? NODE_LOCAL_DNS : '' },
    zones: { list: o.zones, flavor: o.flavor, file: `${ctx.project.name}.server` },
  };
  const out: FileSpec[] = [
    { to: 'deploy/dns/dns-check.yaml', template: 'discovery/coredns/dns-check.yaml.hbs', data },
    { to: 'deploy/dns/dns-check.sh', template: 'discovery/coredns/dns-check.sh.hbs', data },
    ...headlessTemplate(ctx.services),
  ];
  if (o.zones.length > 0) {
    out.push(
      { to: `deploy/dns/coredns/${ctx.project.name}.server`, template: 'discovery/coredns/zones.server.hbs', data },
      { to: 'deploy/dns/coredns/install.sh', template: 'discovery/coredns/install.sh.hbs', data },
    );
  }
  return out;
}

function network(ctx: BlockContext<O>) {
  const targets = [{ peer: KUBE_DNS.id }, ...(ctx.options.nodeLocalDNS === 'off' ? [] : [{ cidr: `${NODE_LOCAL_DNS}/32` }])];
  const edges: NetworkEdge[] = [];
  for (const from of ['app-pods', CHECK]) {
    for (const to of targets) {
      edges.push({
        from: { peer: from },
        to,
        ports: DNS_PORTS,
        reason: `${from === CHECK ? 'make dns-check resolves every service name' : 'every pod resolves names'} through ${'peer' in to ? 'CoreDNS' : 'NodeLocal DNSCache'}`,
      });
    }
  }
  return {
    peers: [
      { id: KUBE_DNS.id, title: 'CoreDNS (kube-dns)', namespace: KUBE_DNS.namespace, podLabels: KUBE_DNS.podLabels },
      { id: CHECK, title: 'the make dns-check pod', podLabels: { 'app.kubernetes.io/name': CHECK } },
    ],
    edges,
  };
}

function readme(ctx: BlockContext<O>): string {
  const o = ctx.options;
  const ns = ctx.project.namespace;
  const mesh = meshSelected(ctx);
  const example = ctx.graph.calls[0];
  const lines = [
    'Services find each other through CoreDNS, the cluster DNS. Every caller gets its callees\' addresses as environment variables ' +
      '(in its chart and in `compose.yaml`), and the skeletons read them there:',
    '',
    '| Variable | Value |',
    '| --- | --- |',
    '| `CALLEES` | the callee names, comma-separated |',
    `| \`<CALLEE>_URL\` | HTTP callee: \`http://<callee>.${ns}.svc.cluster.local:<port>\` (compose: \`http://<callee>:<port>\`) |`,
    mesh
      ? `| \`<CALLEE>_ADDR\` | gRPC callee: \`<callee>.${ns}.svc.cluster.local:<port>\` (the mesh balances each request) |`
      : `| \`<CALLEE>_ADDR\` | gRPC callee: \`dns:///<callee>-headless.${ns}.svc.cluster.local:<port>\`, the headless Service, so the client balances each request over every pod (\`round_robin\`) |`,
    '| `<CALLEE>_TIMEOUT_MS`, `<CALLEE>_RETRIES` | the deadline of one call (retries included) and how often the caller retries a refused or failed request' +
      (ctx.graph.calls.some((c) => retryLayer(ctx, c) === 'mesh') ? ': 0 in the cluster for the calls the mesh retries (its route carries the edge\'s retries; one layer retries, never both)' : '') +
      ' |',
    '',
    example
      ? `For example \`${example.from}\` calls ${calleesOf(ctx.graph, example.from).map((c) => `\`${c.to}\``).join(', ')} and gets \`${Object.keys(calleeEnv(ctx.graph, example.from, localAddress)).join('`, `')}\`.`
      : 'No service calls another yet: add `calls: [<service>]` to a service and regenerate.',
    '',
    '```sh\nmake dns-check   # a short-lived restricted pod resolves every service name (run after make deploy)\n```',
    '',
    o.nodeLocalDNS === 'off'
      ? `NodeLocal DNSCache: off — network policies allow DNS to the CoreDNS pods only; a node-local cache at ${NODE_LOCAL_DNS} would be blocked.`
      : `NodeLocal DNSCache: network policies also allow DNS to ${NODE_LOCAL_DNS} (the cache listens there on every node, in the host network, where no pod selector matches it)` +
        (o.nodeLocalDNS === 'on' ? ', and `make dns-check` queries it directly.' : '; this is harmless where no cache runs (`nodeLocalDNS: off` removes it).'),
  ];
  if (o.zones.length > 0) {
    lines.push(
      '',
      `Forward zones (\`deploy/dns/coredns/${ctx.project.name}.server\`): ${o.zones.map((z) => `\`${z.zone}\` → ${z.servers.join(', ')}`).join('; ')}. ` +
        (o.flavor === 'kubeadm'
          ? '`make dns-zones-install` appends the server block to the `Corefile` of ConfigMap `kube-system/coredns` (between marker comments, replaced on every run); CoreDNS\'s `reload` plugin picks it up. kubeadm keeps it across upgrades (its Corefile migration preserves added server blocks).'
          : `\`make dns-zones-install\` puts it in ConfigMap \`kube-system/coredns-custom\`, which ${o.flavor === 'aks' ? 'AKS' : 'k3s'} imports (\`*.server\` keys), and restarts CoreDNS; the main \`coredns\` ConfigMap is the distribution's and is never edited.`),
    );
  }
  return lines.join('\n');
}

export default defineBlock({
  id: 'coredns',
  category: 'discovery',
  slot: 'dns',
  title: 'CoreDNS',
  summary: 'the cluster DNS: callee addresses in every caller\'s env, headless Services for gRPC, DNS network policy, make dns-check, forward zones',
  status: 'stable',
  options: Options,
  questions: {
    nodeLocalDNS: {
      message: 'NodeLocal DNSCache on your nodes?',
      choices: { auto: `allow ${NODE_LOCAL_DNS} in network policy (safe either way)`, on: 'yes: also check it with make dns-check', off: 'no: CoreDNS pods only' },
    },
    zones: null,
    flavor: null,
  },
  files,
  contribute: (ctx) => {
    const ns = ctx.project.namespace;
    const mesh = meshSelected(ctx);
    const grpc = grpcCallees(ctx.graph);
    const address = clusterAddress(ns, mesh);
    // One retry layer per edge: where the mesh's route retries the calls, the caller does not (traffic.ts).
    const retries = (c: CallEdge) => (retryLayer(ctx, c) === 'mesh' ? 0 : c.retries);
    return {
      network: network(ctx),
      chart: (s) => {
        const headless = headlessChart(ctx, !mesh && grpc.has(s.name));
        return { ...headless, env: asEnvVars(calleeEnv(ctx.graph, s.name, address, retries)) };
      },
      local: { env: (s) => calleeEnv(ctx.graph, s.name, localAddress) },
      make: [
        { name: 'dns-check', help: 'Resolve every service name from a short-lived pod in the namespace (after make deploy)', recipe: ['bash deploy/dns/dns-check.sh'] },
        ...(ctx.options.zones.length > 0
          ? [{ name: 'dns-zones-install', help: `Add the forward zones to CoreDNS (${ctx.options.flavor}; cluster-admin)`, recipe: ['bash deploy/dns/coredns/install.sh'] }]
          : []),
      ],
      readme: [{ title: 'Service discovery', order: 44, body: readme(ctx) }],
    };
  },
});
