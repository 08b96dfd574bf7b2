// Shared by the node log agents (Fluentd, Fluent Bit): the privileged namespace they run in, their
// least RBAC, the kustomization that turns their config file into a ConfigMap, and the README
// section that explains why that namespace is privileged while the application namespace is not.
import type { BlockContext, FilesContext, FileSpec } from '../../catalog/define.js';
import type { Contributions } from '../../catalog/contributions.js';
import { LOGGING_NAMESPACE } from './shared.js';
import { KUBECTL } from '../../catalog/prerequisites.js';

export const LOG_OUTPUTS = ['elasticsearch', 'opensearch', 'loki', 's3', 'stdout'] as const;
export type LogOutput = (typeof LOG_OUTPUTS)[number];

export const OUTPUT_CHOICES: Record<LogOutput, string> = {
  elasticsearch: 'Elasticsearch 8 (index <project>-YYYY.MM.DD)',
  opensearch: 'OpenSearch (index <project>-YYYY.MM.DD)',
  loki: 'Grafana Loki (labels namespace, pod, container)',
  s3: 'Amazon S3 (gzip/JSON objects per hour)',
  stdout: 'stdout of the agent pod (for trying things out)',
};

/** Container runtime of the nodes → log file format (domain.md §6.2, CR-53). */
export function runtimeLogFormat(ctx: Pick<BlockContext, 'config' | 'has'>): { cri: boolean; runtime: string } {
  const runtime = String((ctx.config as Record<string, any>).containerization?.runtime ?? 'containerd');
  // Only Docker Engine (via cri-dockerd) still writes Docker's JSON log lines; containerd and CRI-O write CRI.
  return { cri: runtime !== 'docker-engine', runtime };
}

export interface OutputCredential {
  env: string;
  key: string;
}

export function loggingFiles(agent: string, configFile: string, configTemplate: string, data: Record<string, unknown>): FileSpec[] {
  const dir = 'deploy/observability/logging';
  const common = { agent, configFile, ...data };
  return [
    { to: `${dir}/namespace.yaml`, template: 'observability/logging/namespace.yaml.hbs', data: common },
    { to: `${dir}/rbac.yaml`, template: 'observability/logging/rbac.yaml.hbs', data: common },
    { to: `${dir}/kustomization.yaml`, template: 'observability/logging/kustomization.yaml.hbs', data: common },
    { to: `${dir}/${configFile}`, template: configTemplate, data: common },
    { to: `${dir}/daemonset.yaml`, template: `observability/${agent}/daemonset.yaml.hbs`, data: common },
  ];
}

export function loggingContribution(
  ctx: BlockContext<{ output: LogOutput }>,
  agent: string,
  title: string,
  configFile: string,
  credentials: OutputCredential[],
): Contributions {
  const { cri, runtime } = runtimeLogFormat(ctx);
  const dir = 'deploy/observability/logging';
  const secretLine = credentials.length
    ? [
        '',
        `Output credentials are read from the Secret \`${agent}-output\` (optional keys ${credentials.map((c) => `\`${c.key}\``).join(', ')});`,
        'create it before installing, never commit it:',
        '',
        '```sh',
        `kubectl -n ${LOGGING_NAMESPACE} create secret generic ${agent}-output ${credentials.map((c) => `--from-literal=${c.key}=...`).join(' ')}`,
        '```',
      ]
    : [];
  return {
    make: [{ name: 'logging-install', help: `Deploy the ${title} DaemonSet into namespace ${LOGGING_NAMESPACE}`, recipe: [`kubectl apply -k ${dir}`], requires: [KUBECTL] }],
    firstDeploy: [{ phase: 'platform', target: 'logging-install', title: `deploy the ${title} log agent` }],
    readme: [
      {
        title: 'Logs',
        order: 51,
        body: [
          `A **${title}** DaemonSet (\`${dir}\`, \`make logging-install\`) tails every container log on every node,`,
          `parses it in the ${cri ? `CRI format written by ${runtime}` : 'Docker JSON format written by Docker Engine (cri-dockerd)'},`,
          'adds the pod\'s Kubernetes metadata (namespace, pod, labels) and ships it to ' +
            `**${ctx.options.output}** (\`${dir}/${configFile}\`). The services log one JSON object per line on stdout, merged into each record.`,
          '',
          '**Why the `logging` namespace is privileged.** A node log agent must read the log files of every container from the',
          'node (`hostPath: /var/log`) and keep its read position there; Pod Security *baseline* and *restricted* forbid hostPath',
          `volumes. So \`${LOGGING_NAMESPACE}\` is labelled \`pod-security.kubernetes.io/enforce: privileged\` explicitly (with`,
          '`warn`/`audit: restricted` so anything beyond that stays visible), only the agent runs there, and the agent itself',
          `still drops every capability and cannot escalate privileges. The application namespace \`${ctx.project.namespace}\` stays *restricted*.`,
          ...secretLine,
        ].join('\n'),
      },
    ],
    diagram: {
      nodes: [{ id: 'logs', label: `${title} → ${ctx.options.output}`, group: 'platform' }],
      edges: [{ from: 'k8s', to: 'logs', label: 'container logs' }],
    },
  };
}

export type { FilesContext };
