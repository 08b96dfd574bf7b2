// Fluentd as the node log agent (domain.md §6.2): DaemonSet from fluent/fluentd-kubernetes-daemonset,
// fluent.conf with the CRI parser on containerd/CRI-O (CR-53), Kubernetes metadata, and the output
// the user picks. Loki is not offered: none of the daemonset image variants bundles a Loki plugin.
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { OUTPUT_CHOICES, loggingContribution, loggingFiles, runtimeLogFormat, type OutputCredential } from './logging.js';

const OUTPUTS = ['elasticsearch', 'opensearch', 's3', 'stdout'] as const;
type FluentdOutput = (typeof OUTPUTS)[number];

/**
 * Image variant per output: tags `v1.19.3-debian-<variant>-1.1` of fluent/fluentd-kubernetes-daemonset
 * (README tag list, domain.md §0/§6.2). stdout is a core plugin: the small `forward` variant has it.
 */
const IMAGE_VARIANT: Record<FluentdOutput, string> = {
  elasticsearch: 'elasticsearch8',
  opensearch: 'opensearch',
  s3: 's3',
  stdout: 'forward',
};
const CREDENTIALS: Record<FluentdOutput, OutputCredential[]> = {
  elasticsearch: [
    { env: 'FLUENT_ELASTICSEARCH_USER', key: 'username' },
    { env: 'FLUENT_ELASTICSEARCH_PASSWORD', key: 'password' },
  ],
  opensearch: [
    { env: 'FLUENT_OPENSEARCH_USER', key: 'username' },
    { env: 'FLUENT_OPENSEARCH_PASSWORD', key: 'password' },
  ],
  s3: [
    { env: 'AWS_ACCESS_KEY_ID', key: 'aws-access-key-id' },
    { env: 'AWS_SECRET_ACCESS_KEY', key: 'aws-secret-access-key' },
  ],
  stdout: [],
};

const options = z
  .object({
    output: z.enum(OUTPUTS).default('elasticsearch').describe('Where Fluentd ships the logs'),
  })
  .strict();

export default defineBlock({
  id: 'fluentd',
  category: 'observability',
  slot: 'logging',
  title: 'Fluentd',
  summary: 'Fluentd 1.19 DaemonSet with Kubernetes metadata, CRI parser, output to Elasticsearch/OpenSearch/S3/stdout',
  status: 'stable',
  options,
  questions: {
    output: {
      message: 'Where should Fluentd ship the logs? (for Loki choose Fluent Bit: the Fluentd images have no Loki plugin)',
      choices: { elasticsearch: OUTPUT_CHOICES.elasticsearch, opensearch: OUTPUT_CHOICES.opensearch, s3: OUTPUT_CHOICES.s3, stdout: OUTPUT_CHOICES.stdout },
    },
  },
  files: (ctx) => {
    const { cri, runtime } = runtimeLogFormat(ctx);
    const output = ctx.options.output;
    return loggingFiles('fluentd', 'fluent.conf', 'observability/fluentd/fluent.conf.hbs', {
      output,
      cri,
      runtime,
      parser: cri ? 'cri' : 'json',
      // The CRI parser stores the log line in "message", Docker's JSON format in "log".
      messageKey: cri ? 'message' : 'log',
      image: `docker.io/fluent/fluentd-kubernetes-daemonset:v1.19.3-debian-${IMAGE_VARIANT[output]}-1.1`,
      credentials: CREDENTIALS[output],
    });
  },
  contribute: (ctx) => loggingContribution(ctx, 'fluentd', 'Fluentd', 'fluent.conf', CREDENTIALS[ctx.options.output]),
});
